"""The command line's conventions: --out/--force/--quiet everywhere, did-you-mean, correct
cross-references in every --help, progress fit for logs, and a start that imports nothing heavy."""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys

import pytest

from simulation import cli, progress
from simulation.commands import MODULES

WRITING = {  # command -> arguments it needs besides the options
    "run": ["hedmark"], "sweep": ["exp.toml"], "compare": ["hedmark", "-g", "iks"], "validate": ["hedmark"],
    "analyze": ["results/x"],
}


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices


def test_unknown_command_and_scenario_suggest_the_closest(capsys):
    assert cli.main(["rn", "hedmark"]) == 2
    assert cli.main(["run", "hedmak", "--out", "never-written"]) == 2
    err = capsys.readouterr().err
    assert "unknown command 'rn' (did you mean 'run'?)" in err
    assert "unknown scenario 'hedmak' (did you mean 'hedmark'?)" in err


def test_every_help_names_only_commands_that_exist():
    commands = subcommands()
    texts = {"imcsim": cli.build_parser().format_help(), **{n: p.format_help() for n, p in commands.items()}}
    for name, text in texts.items():
        for word in re.findall(r"\bimcsim ([a-z_]+)", " ".join(text.split())):
            assert word in commands, f"imcsim {name} --help names 'imcsim {word}', which is no command"


@pytest.mark.parametrize("command", sorted(WRITING))
def test_commands_that_write_take_out_force_and_quiet(command):
    parser = cli.build_parser()
    args = parser.parse_args([command, *WRITING[command], "--out", "somewhere", "--force", "-q"])
    assert str(args.out) == "somewhere" and args.force and args.quiet
    assert parser.parse_args([command, *WRITING[command], "--quiet"]).quiet
    assert parser.parse_args([command, *WRITING[command], "--no-progress"]).quiet  # the old spelling


def test_every_command_is_registered():
    assert {"run", "scenarios", "params", "governance", "app", "sweep", "analyze", "compare", "validate"} <= set(
        subcommands())
    assert MODULES  # each module registers at least one command (checked by the set above)


def test_run_refuses_a_folder_with_files_unless_forced(tmp_path, capsys):
    out = tmp_path / "run"
    assert cli.main(["run", "two_hubs", "--ticks", "2", "--no-plots", "--out", str(out), "-q"]) == 0
    first = json.loads((out / "summary.json").read_text())
    assert cli.main(["run", "two_hubs", "--ticks", "3", "--no-plots", "--out", str(out), "-q"]) == 2
    assert "--force" in capsys.readouterr().err
    assert json.loads((out / "summary.json").read_text()) == first  # untouched
    assert cli.main(["run", "two_hubs", "--ticks", "3", "--no-plots", "--out", str(out), "-q", "--force"]) == 0
    assert json.loads((out / "summary.json").read_text())["ticks"] == 3


def test_quiet_run_prints_only_where_it_wrote(tmp_path, capsys):
    out = tmp_path / "q"
    assert cli.main(["run", "two_hubs", "--ticks", "2", "--no-plots", "--out", str(out), "-q"]) == 0
    assert capsys.readouterr().out.strip().splitlines() == [f"wrote 6 files to {out}/"]


def test_validate_writes_its_table_to_out(tmp_path):
    out = tmp_path / "val"
    assert cli.main(["validate", "hedmark", "-r", "2", "-q", "--out", str(out)]) == 0
    assert (out / "validation.md").read_text().startswith("| pattern | source |")
    assert (out / "validation.csv").read_text().startswith("pattern,source,")


def test_validate_first_seed_runs_other_seeds(tmp_path, capsys):
    """--first-seed S runs seeds S..S+R-1: seeds 2-3 are seed 2 and 3 of a run of 1-3, not 1-2."""
    rows = {}
    for name, args in (("a", ["-r", "3"]), ("b", ["-r", "2", "--first-seed", "2"]), ("c", ["-r", "2"])):
        out = tmp_path / name
        assert cli.main(["validate", "two_hubs", *args, "-q", "--out", str(out), "--set", "ticks=6"]) == 0
        rows[name] = capsys.readouterr().out
    assert "seeds 2-3" in rows["b"] and "2 seeds" in rows["c"]
    assert (tmp_path / "b" / "validation.csv").read_text() != (tmp_path / "c" / "validation.csv").read_text()


def test_progress_off_a_terminal_writes_plain_lines(monkeypatch):
    monkeypatch.setattr(progress, "PLAIN_EVERY", 0.0)
    stream = io.StringIO()  # not a terminal
    with progress.Progress(4, "tiny", stream=stream) as bar:
        for _ in range(4):
            bar.update()
    text = stream.getvalue()
    assert "\r" not in text and "\x1b" not in text
    assert text.splitlines()[-1].startswith("tiny: 4/4 runs (100%)")
    quiet = io.StringIO()
    list(progress.Progress(3, "q", enabled=False, stream=quiet).wrap(range(3)))
    assert quiet.getvalue() == ""


HEAVY = ("mesa", "numpy", "pandas", "scipy", "matplotlib", "pyarrow", "tqdm", "ema_workbench")


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["scenarios"], ["params"], ["governance"],
                                  ["run", "--help"], ["sweep", "--help"]])
def test_starting_imports_nothing_heavy(argv):
    """What makes these start in well under 0.3 s (benchmarks/bench_cli_start.py times them)."""
    code = ("import sys\nfrom simulation import cli\ntry:\n    cli.main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, check=True)
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr
