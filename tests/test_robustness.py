"""Inputs and interruptions that must neither exhaust the machine, corrupt results nor crash
(issue 15): bounds checked before anything runs, one writer per results folder, a handshake
before Dask, workers that die with their sweep, SIGTERM kept like Ctrl-C, damaged folders
repaired, ``run --out`` swapped whole, and every refusal one line, exit code 2, nothing written."""

from __future__ import annotations

import argparse
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from simulation import cli, cli_checks, runs
from simulation.cli import main
from simulation.experiments import batch, execute, handshake, load_experiment, make_plan
from simulation.experiments.folder_lock import FolderBusy, FolderLock
from simulation.experiments.spec import MAX_RUNS, Experiment, planned_runs
from simulation.experiments.store import ResultStore
from simulation.scenario import SCENARIO_DIR, load_scenario

ROOT = Path(__file__).resolve().parents[1]
HEDMARK = (SCENARIO_DIR / "hedmark.toml").read_text(encoding="utf-8")
TINY = """
name = "tiny"
scenario = "synthetic_small"
design = "ensemble"
replications = 8
ticks = 2
seed = 3
"""


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``imcsim ARGV`` in this process."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_refused(code: int, err: str, *words: str) -> str:
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("imcsim: error: "), lines[0]
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


def write(folder: Path, text: str, name: str = "exp.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


# ---------------------------------------------------------------------------------------------
# bounds before anything runs

HUGE_DESIGNS = [
    ("replications = 1000000000", 'scenario = "hedmark"\nreplications = 1000000000\n'),
    ("sobol 2^28", 'scenario = "hedmark"\ndesign = "sobol"\nsamples = 268435456\n'
                   "[parameters]\nw_myth = [0, 2]\nw_cultural = [0, 2]\n"),
    ("factorial 1000^3", 'scenario = "hedmark"\ndesign = "full_factorial"\n[parameters]\n'
                         "w_myth = { range = [0, 2], steps = 1000 }\nw_cultural = { range = [0, 2], steps = 1000 }\n"
                         "w_instrumental = { range = [0, 2], steps = 1000 }\n"),
]


@pytest.mark.parametrize("text", [t for _, t in HUGE_DESIGNS], ids=[i for i, _ in HUGE_DESIGNS])
def test_a_huge_design_is_refused_before_its_plan_is_built(tmp_path, capsys, monkeypatch, text):
    def no_sampling(self):
        raise AssertionError("the design was sampled")

    monkeypatch.setattr(Experiment, "points", no_sampling)
    out = tmp_path / "res"
    code, _, err = run_cli(capsys, "sweep", str(write(tmp_path, text)), "--out", str(out))
    assert_refused(code, err, "exp.toml", f"more than {MAX_RUNS:,}", "--allow-large")
    assert not out.exists()


def test_allow_large_lifts_the_size_limit(tmp_path, monkeypatch):
    exp = load_experiment(write(tmp_path, HUGE_DESIGNS[0][1]))
    called = {}
    monkeypatch.setattr("simulation.experiments.execution._start",
                        lambda *a, **k: called.setdefault("start", True) and (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(ValueError, match="--allow-large"):
        execute(exp, tmp_path / "a", progress=False)
    with pytest.raises(KeyboardInterrupt):
        execute(exp, tmp_path / "b", progress=False, allow_large=True)
    assert called == {"start": True}


def test_too_many_factorial_steps_are_refused_while_loading(tmp_path, capsys):
    text = 'scenario = "hedmark"\ndesign = "full_factorial"\n[parameters]\nw_myth = { range = [0, 2], steps = 2000000000 }\n'
    code, _, err = run_cli(capsys, "sweep", str(write(tmp_path, text)), "--out", str(tmp_path / "r"))
    assert_refused(code, err, "parameters.w_myth.steps", "at most 1,000,000")


@pytest.mark.parametrize("text", [
    'scenario = "hedmark"\nreplications = 3\n',
    'scenario = "hedmark"\ndesign = "sobol"\nsamples = 4\n[parameters]\nw_myth = [0, 2]\nw_cultural = [0, 2]\n',
    'scenario = "hedmark"\ndesign = "sobol"\nsamples = 4\ncalc_second_order = true\n[parameters]\n'
    'w_myth = [0, 2]\nw_cultural = [0, 2]\nw_instrumental = [0, 2]\n',
    'scenario = "hedmark"\ndesign = "morris"\nsamples = 3\nreplications = 2\n[parameters]\nw_myth = [0, 2]\nw_cultural = [0, 2]\n',
    'scenario = "hedmark"\ndesign = "latin_hypercube"\nsamples = 7\n[parameters]\nw_myth = [0, 2]\n',
    'scenario = "hedmark"\ndesign = "full_factorial"\nreplications = 2\n[parameters]\n'
    'w_myth = { range = [0, 2], steps = 3 }\ngovernance = { levels = ["iks", "as"] }\n',
])
def test_the_counted_size_is_the_planned_size(tmp_path, text):
    exp = load_experiment(write(tmp_path, text))
    assert planned_runs(exp) == len(make_plan(exp))


def numeric_options() -> list[tuple[str, argparse.Action]]:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return [(name, action) for name, command in sub.choices.items()
            for action in cli_checks.numeric_actions(command)]


def test_every_numeric_option_of_every_command_has_stated_bounds():
    missing = [f"{name} {cli_checks.option_name(a)}" for name, a in numeric_options()
               if cli_checks.bounds_of(name, a.dest, argparse.Namespace()) is None]
    assert not missing, f"add these to cli_checks.BOUNDS: {missing}"


REQUIRED = {"sweep": ["exp.toml"], "analyze": ["results"], "compare": ["hedmark", "-g", "iks,as"]}


def hostile_values(command: str, action: argparse.Action) -> list[str]:
    low, high = cli_checks.bounds_of(command, action.dest, argparse.Namespace())
    values = [str(int(low) - 1), str(int(high) + 1)]
    if action.type is float:
        values = [str(low - 0.5), str(high + 0.5), "nan", "inf", "-inf"]
    return values


@pytest.mark.parametrize("command, flag, value", [
    (c, cli_checks.option_name(a), v) for c, a in numeric_options() for v in hostile_values(c, a)])
def test_every_numeric_option_refuses_values_out_of_bounds(tmp_path, capsys, monkeypatch, command, flag, value):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, command, *REQUIRED.get(command, []), f"{flag}={value}")
    assert_refused(code, err, flag)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv, words", [
    (("analyze", "r", "--top", "-1"), ("--top", "[1, 1000]", "got -1")),
    (("analyze", "r", "--max-depth", "0"), ("--max-depth", "[1, 20]")),
    (("analyze", "r", "--collapse-below", "nan"), ("--collapse-below", "finite")),
    (("compare", "hedmark", "-g", "iks", "--workers", "0"), ("--workers", "got 0")),
    (("sweep", "x.toml", "--workers", "10000"), ("--workers", "cores", "--force-workers")),
    (("sweep", "x.toml", "--workers", "2000", "--force-workers"), ("--workers", "[1, 1024]")),
    (("run", "--seed", "x"), ("argument --seed", "invalid int value", "see imcsim run --help")),
    (("sweep",), ("required: experiment", "see imcsim sweep --help")),
    (("run", "--format", "xlsx"), ("--format", "invalid choice")),
    (("run", "--bogus"), ("unrecognized arguments: --bogus", "see imcsim run --help")),
])
def test_flags_are_refused_in_one_line(tmp_path, capsys, monkeypatch, argv, words):
    monkeypatch.chdir(tmp_path)
    assert_refused(*run_cli(capsys, *argv)[::2], *words)
    assert list(tmp_path.iterdir()) == []


def test_more_workers_than_cores_run_with_force_workers_and_fork_no_more_than_batches(tmp_path, monkeypatch):
    import concurrent.futures

    from simulation.experiments import engines

    sizes = []
    real = concurrent.futures.ProcessPoolExecutor

    def counting(*args, max_workers=None, **kwargs):
        sizes.append(max_workers)
        return real(*args, max_workers=max_workers, **kwargs)

    monkeypatch.setattr(engines, "ProcessPoolExecutor", counting)
    exp = write(tmp_path, TINY.replace("replications = 8", "replications = 2"))
    assert main(["sweep", str(exp), "--workers", str(cli_checks.cores() + 1), "--force-workers",
                 "--out", str(tmp_path / "r"), "-q"]) == 0
    assert sizes == [2]  # two runs, two batches: two processes, not cores + 1
    assert len(ResultStore(tmp_path / "r").results()) == 2


BAD_SCENARIOS = [
    ("population = 31999", "population = 1e308", ("municipalities[Hamar].population", "[1, 10000000")),
    ("population = 31999", "population = 1e15", ("municipalities[Hamar].population", "[1, 10000000")),
    ("population = 31999", "population = 31999.5", ("municipalities[Hamar].population", "whole number")),
    ('name = "Stange"', 'name = "HAMAR"', ("municipalities", "'Hamar' and 'HAMAR'", "ignoring case")),
    ("culture = [0, 0, 1, 2]", "culture = [0, 0, 1]", ("culture", "expected 4 traits", "got 3")),
]


@pytest.mark.parametrize("old, new, words", BAD_SCENARIOS, ids=[b[1] for b in BAD_SCENARIOS])
def test_bad_scenarios_are_refused_by_run_validate_and_compare(tmp_path, capsys, monkeypatch, old, new, words):
    assert old in HEDMARK
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, HEDMARK.replace(old, new, 1), "bad.toml")
    for argv in (["run", str(path)], ["validate", str(path), "-r", "2"], ["compare", str(path), "-g", "iks,as"]):
        code, _, err = run_cli(capsys, *argv)
        assert_refused(code, err, "bad.toml", *words)
    assert [p.name for p in tmp_path.iterdir()] == ["bad.toml"]


def test_names_are_compared_after_unicode_normalisation(tmp_path, capsys):
    composed, decomposed = "Åmot", unicodedata.normalize("NFD", "Åmot")
    assert composed != decomposed
    text = (f'name = "x"\n[[municipalities]]\nname = "{composed}"\npopulation = 4000\n'
            f'[[municipalities]]\nname = "{decomposed}"\npopulation = 5000\n')
    code, _, err = run_cli(capsys, "run", str(write(tmp_path, text, "nfd.toml")))
    assert_refused(code, err, "nfd.toml", "duplicate name(s)")


def test_culture_overrides_of_another_length_are_refused(capsys):
    code, _, err = run_cli(capsys, "run", "hedmark", "--set", "municipalities.Grue.culture=[1,2]")
    assert_refused(code, err, "municipalities[Grue].culture", "expected 4 traits")
    assert load_scenario("hedmark", {"municipalities.Grue.culture": [1, 2, 3, 4]})  # the same length is fine


def test_generated_regions_are_bounded(tmp_path, capsys):
    code, _, err = run_cli(capsys, "run", str(write(tmp_path, 'name = "g"\n[generator]\nn = 10000\n', "g.toml")))
    assert_refused(code, err, "generator.n", "[2, 2000]")


# ---------------------------------------------------------------------------------------------
# files, paths and messages

def test_a_byte_order_mark_is_accepted(tmp_path, capsys):
    scenario = tmp_path / "bom.toml"
    scenario.write_bytes(b"\xef\xbb\xbf" + HEDMARK.encode())
    assert load_scenario(scenario).name == "hedmark"
    exp = tmp_path / "exp.toml"
    exp.write_bytes(b"\xef\xbb\xbf" + TINY.encode())
    assert load_experiment(exp).name == "tiny"


def test_symlink_loops_and_dangling_links_are_named(tmp_path, capsys):
    (tmp_path / "a.toml").symlink_to(tmp_path / "b.toml")
    (tmp_path / "b.toml").symlink_to(tmp_path / "a.toml")
    (tmp_path / "gone.toml").symlink_to(tmp_path / "nothing.toml")
    assert_refused(*run_cli(capsys, "run", str(tmp_path / "a.toml"))[::2], "a.toml", "symbolic link loop")
    assert_refused(*run_cli(capsys, "sweep", str(tmp_path / "a.toml"))[::2], "a.toml", "symbolic link loop")
    assert_refused(*run_cli(capsys, "run", str(tmp_path / "gone.toml"))[::2], "gone.toml", "link to a missing file")


def test_path_errors_name_the_option_and_a_short_path(tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("keep")
    exp = write(tmp_path, TINY)
    line = assert_refused(*run_cli(capsys, "sweep", str(exp), "--out", str(afile / "res"))[::2],
                          "--out", "afile/res", "not a folder")
    long = str(tmp_path / ("x" * 10_000))
    line = assert_refused(*run_cli(capsys, "sweep", str(exp), "--out", long)[::2], "--out", "path too long")
    assert len(line) < 300
    line = assert_refused(*run_cli(capsys, "run", long)[::2], "path too long")
    assert len(line) < 300
    assert afile.read_text() == "keep" and sorted(p.name for p in tmp_path.iterdir()) == ["afile", "exp.toml"]


def test_an_os_error_without_an_option_is_still_one_line():
    parser = cli.build_parser()
    args = parser.parse_args(["sweep", "e.toml", "--out", "/some/where"])
    exc = PermissionError(13, "Permission denied", "/some/where/runs/part-00001.parquet")
    assert cli_checks.os_error_message(exc, cli_checks.chosen_parser(parser, "sweep"), args) == \
        "--out /some/where/runs/part-00001.parquet: Permission denied"
    assert cli_checks.one_line("a\nb " + "c" * 1000).startswith("a b ")
    assert len(cli_checks.one_line("c" * 1000)) == cli_checks.MESSAGE_MAX


# ---------------------------------------------------------------------------------------------
# one writer per results folder

def test_a_second_writer_is_refused_naming_the_first(tmp_path):
    with FolderLock(tmp_path / "res"):
        with pytest.raises(FolderBusy, match=rf"pid {os.getpid()} on {socket.gethostname()}, started 20"):
            FolderLock(tmp_path / "res").acquire()
    with FolderLock(tmp_path / "res"):  # released: free again
        pass
    assert not (tmp_path / "res" / ".lock").exists()


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path):
    holder = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(holder.stdout)
    (tmp_path / "res").mkdir()
    (tmp_path / "res" / ".lock").write_text(json.dumps({"pid": dead, "host": "h", "started": "then"}))
    with FolderLock(tmp_path / "res") as lock:
        assert json.loads(lock.path.read_text())["pid"] == os.getpid()


def test_a_lock_of_a_killed_process_is_free_at_once(tmp_path):
    code = ("import sys, time; from simulation.experiments.folder_lock import FolderLock; "
            "FolderLock(sys.argv[1]).acquire(); print('locked', flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "res")], stdout=subprocess.PIPE, text=True, env=env())
    assert proc.stdout.readline().strip() == "locked"
    with pytest.raises(FolderBusy, match=f"pid {proc.pid}"):
        FolderLock(tmp_path / "res").acquire()
    proc.kill()
    proc.wait()
    with FolderLock(tmp_path / "res"):
        pass


def test_a_sweep_on_a_folder_in_use_is_refused_and_writes_nothing(tmp_path, capsys):
    exp = write(tmp_path, TINY)
    with FolderLock(tmp_path / "res"):
        before = files_under(tmp_path / "res")
        code, _, err = run_cli(capsys, "sweep", str(exp), "--out", str(tmp_path / "res"), "-j", "1")
        assert_refused(code, err, "another imcsim command is writing these results", f"pid {os.getpid()}")
        assert files_under(tmp_path / "res") == before


@pytest.mark.slow
@pytest.mark.parametrize("resume", [False, True])
def test_concurrent_sweeps_on_one_folder_neither_duplicate_nor_lose_runs(tmp_path, resume):
    exp = write(tmp_path, TINY.replace("replications = 8", "replications = 40").replace("ticks = 2", "ticks = 6"))
    out = tmp_path / "res"
    if resume:
        assert main(["sweep", str(exp), "--out", str(out), "-j", "1", "--max-runs", "3", "-q"]) == 1
    cmd = [sys.executable, "-m", "simulation.cli", "sweep", str(exp), "--out", str(out), "-j", "1", "-q",
           *(["--resume"] if resume else [])]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env())
             for _ in range(3)]
    outcomes = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in outcomes)
    assert codes[0] == 0, outcomes  # one of them ran the sweep
    for code, err in outcomes:
        if code:  # the others were refused in one line, or found it complete (resume)
            assert code == 2 and len(err.strip().splitlines()) == 1, err
            assert "writing these results" in err or "already holds results" in err, err
    parts = pd.concat(pd.read_parquet(p) for p in ResultStore(out).parts())
    assert sorted(parts.run_id) == list(range(40))  # every run once: none lost, none twice


def test_a_sweep_meeting_a_running_writers_half_made_folder_is_told_it_is_busy(tmp_path, capsys):
    """The race the concurrent test can hit under load: the first sweep holds the lock and has made
    runs/ but not yet its plan or manifest. A second sweep is refused as busy (naming the holder),
    not told that the folder "already holds files" of somebody else."""
    exp = write(tmp_path, TINY)
    out = tmp_path / "res"
    with FolderLock(out):
        (out / "runs").mkdir()
        before = files_under(out)
        code, _, err = run_cli(capsys, "sweep", str(exp), "--out", str(out), "-q")
        assert_refused(code, err, "writing these results", f"pid {os.getpid()}")
        assert files_under(out) == before


def test_a_momentary_probe_does_not_turn_a_writer_away(tmp_path):
    """check_free's shared probe holds the lock for an instant and writes no name; a writer that
    meets it waits (up to NAMELESS_WAIT) instead of being refused as busy."""
    import fcntl

    from simulation.experiments import folder_lock

    out = tmp_path / "res"
    out.mkdir()
    fd = os.open(out / folder_lock.LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_SH)
    threading.Timer(0.1, os.close, (fd,)).start()  # the probe lets go after 0.1 s
    with FolderLock(out):
        with pytest.raises(FolderBusy, match="writing these results"):
            folder_lock.check_free(out)


# ---------------------------------------------------------------------------------------------
# --resume continues the folder it names

def test_resume_of_a_missing_folder_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exp = write(tmp_path, TINY)
    code, _, err = run_cli(capsys, "sweep", str(exp), "--out", str(tmp_path / "nowhere"), "--resume")
    assert_refused(code, err, "--resume", "nowhere", "holds no results")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exp.toml"]


def test_the_max_runs_hint_continues_the_folder_named_by_results(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exp = write(tmp_path, TINY)
    code, out, _ = run_cli(capsys, "sweep", str(exp), "--results", "parent", "-j", "1", "--max-runs", "3", "-q")
    assert code == 1
    hint = next(line for line in out.splitlines() if line.startswith("incomplete"))
    argv = hint.split("continue with: imcsim ", 1)[1].split()
    assert argv[argv.index("--out") + 1] == str(Path("parent") / "tiny")
    assert run_cli(capsys, *argv, "-q")[0] == 0
    assert sorted(ResultStore(tmp_path / "parent" / "tiny").results().run_id) == list(range(8))


# ---------------------------------------------------------------------------------------------
# failed runs

def test_all_failed_runs_give_a_clear_message_in_sweep_and_analyze(tmp_path, capsys, monkeypatch):
    class Broken(batch.CollaborationModel):
        def run(self, *args, **kwargs):
            raise RuntimeError("boom in the model")

    monkeypatch.setattr(batch, "CollaborationModel", Broken)
    exp = write(tmp_path, TINY.replace("replications = 8", "replications = 3"))
    code, out, err = run_cli(capsys, "sweep", str(exp), "--out", str(tmp_path / "r"), "-j", "1", "-q")
    assert code == 1 and "3/3 runs finished, 3 failed" in out
    assert err.strip().splitlines() == [err.strip()] and "every run failed (3 of 3)" in err and "boom" in err
    code, _, err = run_cli(capsys, "analyze", str(tmp_path / "r"))
    assert_refused(code, err, "every run failed (3 of 3)", "RuntimeError: boom in the model")
    assert not (tmp_path / "r" / "analysis").exists()


# ---------------------------------------------------------------------------------------------
# damaged results folders

def damaged_sweep(tmp_path: Path) -> tuple[Path, Path]:
    exp = write(tmp_path, TINY.replace('seed = 3', 'seed = 3\nseries = ["member_share"]'))
    out = tmp_path / "res"
    assert main(["sweep", str(exp), "--out", str(out), "-j", "1", "-q"]) == 0
    return exp, out


def test_a_truncated_part_is_named_with_advice_and_repair_reruns_its_runs(tmp_path, capsys):
    exp, out = damaged_sweep(tmp_path)
    whole = ResultStore(out).results().drop(columns="elapsed")
    part = ResultStore(out).parts()[0]
    part.write_bytes(part.read_bytes()[:50])
    for argv in (["analyze", str(out)], ["sweep", str(exp), "--out", str(out), "--resume"]):
        code, _, err = run_cli(capsys, *argv)
        assert_refused(code, err, "part-00000.parquet: damaged", f"--out {out} --repair")
    code, out_text, err = run_cli(capsys, "sweep", str(exp), "--out", str(out), "--repair", "-q")
    assert code == 0, err
    assert "repair: moved part-00000.parquet" in out_text
    assert (out / "damaged" / "runs-part-00000.parquet").exists()
    assert (out / "damaged" / "series-part-00000.parquet").exists()
    pd.testing.assert_frame_equal(ResultStore(out).results().drop(columns="elapsed"), whole)
    parts = pd.concat(pd.read_parquet(p) for p in ResultStore(out).parts())
    assert parts.run_id.is_unique and len(parts) == 8
    assert len(ResultStore(out).series()) == 8 * 3  # ticks 0..2 of every run, once


def test_a_corrupt_manifest_is_named_and_repair_rebuilds_it(tmp_path, capsys):
    exp, out = damaged_sweep(tmp_path)
    (out / "manifest.json").write_text('{"experiment": "tin')
    for argv in (["analyze", str(out)], ["sweep", str(exp), "--out", str(out), "--resume"]):
        code, _, err = run_cli(capsys, *argv)
        assert_refused(code, err, "manifest.json: damaged, not JSON", "--repair")
    code, out_text, _ = run_cli(capsys, "sweep", str(exp), "--out", str(out), "--repair", "-q")
    assert code == 0 and "rebuilt" in out_text
    manifest = ResultStore(out).manifest()
    assert manifest["complete"] and manifest["repaired"] and manifest["runs_finished"] == 8


def test_repair_refuses_another_experiment(tmp_path, capsys):
    exp, out = damaged_sweep(tmp_path)
    other = write(tmp_path, TINY.replace("seed = 3", "seed = 4"), "other.toml")
    code, _, err = run_cli(capsys, "sweep", str(other), "--out", str(out), "--repair")
    assert_refused(code, err, "another experiment")


# ---------------------------------------------------------------------------------------------
# the Dask scheduler handshake

class Silent(threading.Thread):
    """A TCP server that accepts and says nothing, or sends ``reply`` at once."""

    def __init__(self, reply: bytes = b"") -> None:
        super().__init__(daemon=True)
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.reply = reply
        self.conns = []

    def run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            if self.reply:
                conn.sendall(self.reply)


@pytest.fixture
def quick_handshake(monkeypatch):
    monkeypatch.setattr(handshake, "HANDSHAKE_SECONDS", 0.5)


def test_an_http_server_is_no_scheduler(tmp_path, capsys, quick_handshake):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        started = time.monotonic()
        code, _, err = run_cli(capsys, "sweep", str(write(tmp_path, TINY)), "--out", str(tmp_path / "r"),
                               "--scheduler", f"tcp://127.0.0.1:{server.server_port}")
        assert time.monotonic() - started < 30
    finally:
        server.shutdown()
    assert_refused(code, err, "--scheduler", "not a Dask scheduler", "no Dask handshake within 0.5 s")
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("reply, words", [
    (b"", ("no Dask handshake within",)),
    (b"\xff" * 64, ("bytes that are no Dask handshake",)),
    (b"\x10\x00\x00\x00\x00\x00\x00\x00" + b"HTTP/1.1 200 OK", ("no Dask handshake",)),
    (b"\x05\x00\x00\x00\x00\x00\x00\x00hello", ("its greeting is no Dask handshake",)),
])
def test_a_service_that_is_no_scheduler_is_refused_in_one_line(tmp_path, capsys, quick_handshake, reply, words):
    server = Silent(reply)
    server.start()
    code, _, err = run_cli(capsys, "sweep", str(write(tmp_path, TINY)), "--out", str(tmp_path / "r"),
                           "--scheduler", f"127.0.0.1:{server.port}")
    server.sock.close()
    assert_refused(code, err, "--scheduler", *words)
    assert not (tmp_path / "r").exists()


def test_nothing_listening_and_bad_addresses_are_refused(tmp_path, capsys, quick_handshake):
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]  # closed again below: nothing listens there
    exp = str(write(tmp_path, TINY))
    assert_refused(*run_cli(capsys, "sweep", exp, "--scheduler", f"tcp://127.0.0.1:{port}")[::2], "connection refused")
    assert_refused(*run_cli(capsys, "sweep", exp, "--scheduler", "tcp://host:99999")[::2], "PORT 1-65535")


@pytest.mark.slow
def test_a_real_scheduler_passes_the_handshake():
    from distributed import LocalCluster

    with LocalCluster(n_workers=0, processes=False, protocol="tcp", dashboard_address=None) as cluster:
        handshake.check_scheduler(cluster.scheduler_address, timeout=10)


# ---------------------------------------------------------------------------------------------
# clean shutdown

def children(pid: int) -> list[int]:
    import psutil

    try:
        return [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def alive(pids: list[int]) -> list[int]:
    import psutil

    return [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]


SHUTDOWN_RUNS = 400  # enough for a minute of work: the signal comes long before the end


def wait_for_a_part(out: Path) -> None:
    deadline = time.monotonic() + 60
    while not ResultStore(out).parts() and time.monotonic() < deadline:
        time.sleep(0.05)


def start_sweep(tmp_path: Path) -> tuple[subprocess.Popen, Path, Path]:
    exp = write(tmp_path, TINY.replace("replications = 8", f"replications = {SHUTDOWN_RUNS}").replace("ticks = 2", "ticks = 20"))
    out = tmp_path / "res"
    proc = subprocess.Popen([sys.executable, "-m", "simulation.cli", "sweep", str(exp), "--out", str(out), "-j", "2",
                             "--force-workers", "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env(), start_new_session=True)
    # generous: on a loaded 2-core machine the pool's start can take long; a fast start ends the wait at once
    start = time.monotonic()
    workers = children(proc.pid)
    while len(workers) < 2 and proc.poll() is None and time.monotonic() < start + 180:
        time.sleep(0.05)
        workers = children(proc.pid)
    if len(workers) < 2:  # judged on what the wait saw, not on a second look
        ended = proc.poll()  # None: still running, killed below; a code: it ended (or was killed) by itself
        proc.kill()
        _, err = proc.communicate()
        pytest.fail(f"the workers should have started: {len(workers)} children after {time.monotonic() - start:.1f} s, "
                    f"the sweep {'still running' if ended is None else f'ended with {ended}'}: {err[-2000:]}")
    return proc, exp, out


@pytest.mark.slow
def test_workers_die_with_a_killed_sweep_and_its_folder_can_be_resumed(tmp_path):
    proc, exp, out = start_sweep(tmp_path)
    workers = children(proc.pid)
    time.sleep(1.0)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while alive(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(workers), "workers outlived their killed sweep"
    assert main(["sweep", str(exp), "--out", str(out), "-j", "2", "--resume", "-q"]) == 0  # the lock is free
    parts = pd.concat(pd.read_parquet(p) for p in ResultStore(out).parts())
    assert sorted(parts.run_id) == list(range(SHUTDOWN_RUNS))


def test_an_interrupt_as_a_part_reaches_the_disk_keeps_each_run_once(tmp_path, monkeypatch):
    """SIGTERM just after a part is written, before it is counted (where the shutdown tests once
    signalled at random, ``wait_for_a_part``): the part is counted and not written again."""
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")
    exp = load_experiment(write(tmp_path, TINY))
    write_part = ResultStore.append
    sent = []

    def append_then_signal(self, rows, series=None):
        path = write_part(self, rows, series)
        if path is not None and not sent:
            sent.append(path)
            signal.raise_signal(signal.SIGTERM)
        return path

    monkeypatch.setattr(ResultStore, "append", append_then_signal)
    with pytest.raises(KeyboardInterrupt):
        execute(exp, tmp_path / "res", workers=1, progress=False, flush_every=2)
    store = ResultStore(tmp_path / "res")
    parts = pd.concat(pd.read_parquet(p) for p in store.parts())  # results() would hide a part written twice
    assert sent and parts.run_id.is_unique and store.manifest()["runs_finished"] == len(parts) > 0


@pytest.mark.slow
def test_sigterm_keeps_the_finished_runs_like_ctrl_c(tmp_path):
    proc, exp, out = start_sweep(tmp_path)
    workers = children(proc.pid)
    wait_for_a_part(out)  # runs have finished (parts are written every 5 s or 100 runs)
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=60)
    err = proc.stderr.read()
    assert code == 128 + signal.SIGTERM, err
    assert err.strip().splitlines()[-1] == "imcsim: terminated" and "Traceback" not in err
    deadline = time.monotonic() + 10
    while alive(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(workers)
    kept = ResultStore(out).results()
    manifest = ResultStore(out).manifest()
    assert 0 < len(kept) < SHUTDOWN_RUNS and manifest["runs_finished"] == len(kept)
    assert main(["sweep", str(exp), "--out", str(out), "-j", "2", "--resume", "-q"]) == 0
    parts = pd.concat(pd.read_parquet(p) for p in ResultStore(out).parts())
    assert sorted(parts.run_id) == list(range(SHUTDOWN_RUNS))


# ---------------------------------------------------------------------------------------------
# run --out is replaced as a whole

def test_run_out_holds_one_run_only_and_keeps_the_users_files(tmp_path, capsys):
    out = tmp_path / "out"
    assert run_cli(capsys, "run", "hedmark", "--ticks", "2", "--out", str(out), "-q")[0] == 0
    assert (out / "membership.png").exists() and (out / "series.csv").exists()
    (out / "notes.txt").write_text("mine")
    (out / "mine").mkdir()
    (out / "mine" / "a.txt").write_text("a")
    assert run_cli(capsys, "run", "hedmark", "--ticks", "3", "--out", str(out), "--force", "--no-plots",
                   "--format", "parquet", "-q")[0] == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["collaborations.parquet", "decisions.parquet", "mergers.parquet", "mine", "municipalities.parquet",
                     "notes.txt", "series.parquet", "summary.json"]  # no plots or CSV tables of the earlier run
    assert (out / "notes.txt").read_text() == "mine" and (out / "mine" / "a.txt").read_text() == "a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing staged or set aside is left


def test_a_failed_swap_puts_the_earlier_outputs_back(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "series.csv").write_text("old")
    real = os.rename

    def failing(src, dst):
        if Path(src).name.endswith(".partial"):  # the new folder's move into place
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(runs.os, "rename", failing)
    with pytest.raises(OSError), runs.staged_output(out) as staging:
        (staging / "series.csv").write_text("new")
    monkeypatch.setattr(runs.os, "rename", real)
    assert (out / "series.csv").read_text() == "old"


def test_leftovers_of_a_killed_run_are_cleaned_and_an_aside_output_comes_back(tmp_path, capsys):
    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True).stdout)
    (tmp_path / f".out.{dead}.abc.partial").mkdir()
    aside = tmp_path / f".out.{dead}.old"
    aside.mkdir()
    (aside / "series.csv").write_text("old")
    with runs.staged_output(tmp_path / "out"):
        assert (tmp_path / "out" / "series.csv").read_text() == "old"  # put back before anything else
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("argv", [["run"], ["validate", "-r", "2"], ["compare", "hedmark", "-g", "iks,as"],
                                  ["effects", "--seeds", "2"], ["analyze", "results"]])
def test_an_out_under_a_file_is_refused_before_any_work(tmp_path, capsys, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("keep")

    def no_simulation(*args, **kwargs):
        raise AssertionError("a model was built before --out was checked")

    monkeypatch.setattr("simulation.model.CollaborationModel.__init__", no_simulation)
    code, _, err = run_cli(capsys, *argv, "--out", "afile/x")
    assert_refused(code, err, "--out afile/x", "a part of the path is a file, not a folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_an_out_in_a_read_only_folder_is_refused(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    code, _, err = run_cli(capsys, "run", "--out", str(locked / "x"))
    assert_refused(code, err, "--out", "permission denied")
