"""The experiment engine: designs, experiment files, reproducible sweeps, resume, analysis, compare."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulation.cli import main
from simulation.experiments import (
    ResultStore,
    batch,
    execute,
    execution,
    load_experiment,
    make_plan,
)
from simulation.experiments.designs import Factor, full_factorial, latin_hypercube, morris, sobol
from simulation.experiments.plan import plan_records, run_seeds

TINY = """
name = "tiny"
scenario = "synthetic_small"
design = "sobol"
samples = 4
ticks = 4
seed = 11
[parameters]
transaction_cost = [1.0e5, 3.0e6]
collab_fixed_cost = [0.0, 3.0e7]
"""


def write(tmp_path: Path, text: str, name: str = "exp.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def table(folder: Path) -> pd.DataFrame:
    """The result table without the timing column (the only thing allowed to differ)."""
    return ResultStore(folder).results().drop(columns="elapsed")


# ---------------------------------------------------------------------------------------------
# designs and seeds

FACTORS = [Factor("a", 0.0, 1.0), Factor("b", 10.0, 20.0), Factor("c", 1.0, 8.0, integer=True)]


@pytest.mark.parametrize("design, n", [
    (lambda: sobol(FACTORS, 8, seed=1), 8 * (3 + 2)),
    (lambda: sobol(FACTORS, 8, seed=1, calc_second_order=True), 8 * (2 * 3 + 2)),
    (lambda: morris(FACTORS, 5, seed=1), 5 * (3 + 1)),
    (lambda: latin_hypercube(FACTORS, 10, seed=1), 10),
])
def test_designs_have_the_right_shape_and_stay_in_bounds(design, n):
    points = design()
    assert len(points) == n
    for f in FACTORS:
        values = np.array([p[f.name] for p in points])
        assert values.min() >= f.low and values.max() <= f.high
        assert values.std() > 0
    assert all(isinstance(p["c"], int) for p in points)


def test_full_factorial_crosses_all_levels():
    points = full_factorial([Factor("g", levels=("iks", "host", "as")), Factor("x", levels=(1, 2))])
    assert len(points) == 6
    assert {(p["g"], p["x"]) for p in points} == {(g, x) for g in ("iks", "host", "as") for x in (1, 2)}


def test_run_seeds_are_reproducible_distinct_and_prefix_stable():
    seeds = run_seeds(5, 100)
    assert seeds == run_seeds(5, 100)
    assert len(set(seeds)) == 100
    assert run_seeds(5, 10) == seeds[:10]  # a run's seed depends on its index only
    assert run_seeds(6, 10) != seeds[:10]


def test_plan_numbers_runs_and_common_seeds_share_seeds_across_points(tmp_path):
    exp = load_experiment(write(tmp_path, TINY.replace('seed = 11', 'seed = 11\nreplications = 2')))
    plan = make_plan(exp)
    assert list(plan.run_id) == list(range(4 * 4 * 2))
    assert plan.seed.nunique() == len(plan)
    common = load_experiment(write(tmp_path, TINY.replace('seed = 11', 'seed = 11\nreplications = 2\ncommon_seeds = true')))
    plan = make_plan(common)
    assert plan.groupby("replication").seed.nunique().eq(1).all()
    assert plan.seed.nunique() == 2


# ---------------------------------------------------------------------------------------------
# sweeps


@pytest.mark.slow
def test_tiny_sweep_runs_end_to_end_and_analyses(tmp_path, capsys):
    exp = write(tmp_path, TINY)
    assert main(["sweep", str(exp), "--workers", "1", "--out", str(tmp_path / "res" / "tiny"), "-q"]) == 0
    folder = tmp_path / "res" / "tiny"
    results = ResultStore(folder).results()
    plan = ResultStore(folder).plan()
    assert list(results.run_id) == list(plan.run_id) and len(results) == 16
    assert (results.status == "ok").all()
    assert {"transaction_cost", "collab_fixed_cost", "seed", "member_share", "exits", "error"} <= set(results.columns)
    manifest = ResultStore(folder).manifest()
    assert manifest["complete"] and manifest["ended"] and "SALib" in manifest["packages"]
    assert "transaction_cost" in manifest["experiment_file"]
    # the same run reproduced by hand gives the stored outcome
    from simulation import CollaborationModel, load_scenario, metrics

    row = results.iloc[5]
    sc = load_scenario("synthetic_small", {"ticks": 4, "transaction_cost": row.transaction_cost,
                                           "collab_fixed_cost": row.collab_fixed_cost})
    assert metrics.summary(CollaborationModel(sc, seed=int(row.seed)).run())["member_share"] == row.member_share

    assert main(["analyze", str(folder), "--discover", "--outcomes", "member_share,exits"]) == 0
    out = capsys.readouterr().out
    assert "S1" in out and "ST" in out and "Scenario discovery" in out
    sobol_table = pd.read_csv(folder / "analysis" / "sobol.csv")
    assert set(sobol_table.parameter) == {"transaction_cost", "collab_fixed_cost"}
    assert (folder / "analysis" / "sobol.png").stat().st_size > 10_000
    assert (folder / "analysis" / "discovery_tree.png").exists()


@pytest.mark.slow
def test_serial_processes_and_dask_give_identical_results(tmp_path):
    from distributed import LocalCluster

    exp = load_experiment(write(tmp_path, TINY))
    execute(exp, tmp_path / "serial", workers=1, progress=False)
    execute(exp, tmp_path / "procs", workers=2, progress=False)
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        execute(exp, tmp_path / "dask", scheduler=cluster.scheduler_address, progress=False)
    serial = table(tmp_path / "serial")
    assert len(serial) == 16 and serial.member_share.nunique() > 1
    pd.testing.assert_frame_equal(serial, table(tmp_path / "procs"))
    pd.testing.assert_frame_equal(serial, table(tmp_path / "dask"))


@pytest.mark.slow
def test_resume_after_interruption_completes_with_one_result_per_run(tmp_path):
    exp_path = write(tmp_path, TINY)
    res = tmp_path / "res"
    # interrupted after 5 runs (as if killed): incomplete, exit code 1
    assert main(["sweep", str(exp_path), "-j", "1", "--out", str(res / "tiny"), "--max-runs", "5", "-q"]) == 1
    folder = res / "tiny"
    assert len(ResultStore(folder).results()) == 5
    # a half-written file from a killed writer and a lost part must not matter
    (folder / ".tmp-123-part-00009.parquet").write_bytes(b"garbage")
    # rerunning without --resume refuses to mix results
    assert main(["sweep", str(exp_path), "-j", "1", "--out", str(res / "tiny"), "-q"]) == 2
    assert main(["sweep", str(exp_path), "-j", "2", "--out", str(res / "tiny"), "--resume", "-q"]) == 0
    results = ResultStore(folder).results()
    assert sorted(results.run_id) == list(range(16))
    parts = pd.concat(pd.read_parquet(p) for p in ResultStore(folder).parts())
    assert len(parts) == 16 and parts.run_id.is_unique  # the finished 5 were not rerun
    assert not list(folder.glob(".tmp-*"))
    # the resumed sweep equals an uninterrupted one
    execute(load_experiment(exp_path), tmp_path / "whole", workers=1, progress=False)
    pd.testing.assert_frame_equal(table(folder), table(tmp_path / "whole"))
    # deleting a part loses those runs; --resume runs exactly them again
    first = ResultStore(folder).parts()[0]
    lost = set(pd.read_parquet(first).run_id)
    first.unlink()
    assert main(["sweep", str(exp_path), "-j", "1", "--out", str(res / "tiny"), "--resume", "-q"]) == 0
    assert sorted(ResultStore(folder).results().run_id) == list(range(16))
    assert set(pd.read_parquet(ResultStore(folder).parts()[-1]).run_id) == lost


@pytest.mark.slow
def test_killed_sweep_process_resumes_without_losing_or_repeating_runs(tmp_path):
    exp_path = write(tmp_path, TINY.replace("samples = 4", "samples = 64").replace("ticks = 4", "ticks = 3"))
    res = tmp_path / "res"
    folder = res / "tiny"
    cmd = [sys.executable, "-m", "simulation.cli", "sweep", str(exp_path), "-j", "1", "--out", str(res / "tiny"), "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not ResultStore(folder).parts() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.kill()  # SIGKILL, and only while it runs: once reaped, its pid may be another test's process
    proc.wait()
    done = len(ResultStore(folder).results())
    assert 0 < done < 256, "the sweep should have been killed midway"
    assert main(["sweep", str(exp_path), "-j", "2", "--out", str(res / "tiny"), "--resume", "-q"]) == 0
    results = ResultStore(folder).results()
    assert sorted(results.run_id) == list(range(256))
    parts = pd.concat(pd.read_parquet(p) for p in ResultStore(folder).parts())
    assert parts.run_id.is_unique


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch):
    exp = load_experiment(write(tmp_path, TINY))
    bad_seed = int(make_plan(exp).seed[3])

    class Flaky(batch.CollaborationModel):
        def run(self, *args, **kwargs):
            if self.seed == bad_seed:
                raise RuntimeError("boom in the model")
            return super().run(*args, **kwargs)

    monkeypatch.setattr(batch, "CollaborationModel", Flaky)
    manifest = execute(exp, tmp_path / "res", workers=1, progress=False)
    results = ResultStore(tmp_path / "res").results()
    assert len(results) == 16 and manifest["runs_failed"] == 1 and manifest["complete"]
    failed = results[results.status == "failed"]
    assert list(failed.run_id) == [3]
    assert "RuntimeError: boom in the model" in failed.error.iloc[0]
    assert np.isnan(failed.member_share.iloc[0])
    assert (results.drop(index=failed.index).status == "ok").all()


# ---------------------------------------------------------------------------------------------
# ensembles and governance comparison


@pytest.mark.slow
def test_ensemble_analysis_reports_the_distribution_across_seeds(tmp_path, capsys):
    exp = write(tmp_path, 'name = "ens"\nscenario = "two_hubs"\ndesign = "ensemble"\nreplications = 12\n'
                          'ticks = 6\nseed = 3\nseries = true\n')
    assert main(["sweep", str(exp), "-j", "1", "--out", str(tmp_path / "ens"), "-q"]) == 0
    assert main(["analyze", str(tmp_path / "ens")]) == 0
    assert main(["analyze", str(tmp_path / "ens"), "-q"]) == 2  # its analysis/ exists: only with --force
    assert main(["analyze", str(tmp_path / "ens"), "-q", "--force", "--out", str(tmp_path / "again")]) == 0
    assert (tmp_path / "again" / "ensemble.csv").exists()
    from simulation.experiments.analysis import seed_noise

    # one design point: all the variance is the seed's
    noise = seed_noise(ResultStore(tmp_path / "ens").results(), ["member_share", "largest_share"])
    assert noise.dropna().round(9).eq(1.0).all()
    dist = pd.read_csv(tmp_path / "ens" / "analysis" / "ensemble.csv").set_index("outcome")
    assert dist.loc["member_share", "n"] == 12
    assert dist.loc["member_share", "p5"] <= dist.loc["member_share", "median"] <= dist.loc["member_share", "p95"]
    series = ResultStore(tmp_path / "ens").series()
    assert len(series) == 12 * 7 and {"run_id", "tick", "member_share"} <= set(series.columns)


# ---------------------------------------------------------------------------------------------
# bad experiment files


@pytest.mark.parametrize("text, expected", [
    ('scenario = "synthetic_small"\ndesign = "sobol"\nsamples = 4\nbogus = 1\n[parameters]\nw_myth=[0,1]\nw_cultural=[0,1]\n',
     "unknown key(s) bogus"),
    ('scenario = "synthetic_small"\ndesign = "grid"\n', "design: expected one of"),
    ('scenario = "nowhere"\n', "scenario: unknown scenario 'nowhere'"),
    ('design = "ensemble"\n', "scenario: missing"),
    ('scenario = "synthetic_small"\ndesign = "sobol"\nsamples = 6\n[parameters]\nw_myth=[0,1]\nw_cultural=[0,1]\n',
     "samples: Sobol sampling needs a power of two"),
    ('scenario = "synthetic_small"\ndesign = "sobol"\nsamples = 4\n[parameters]\nw_myth=[0,9]\nw_cultural=[0,1]\n',
     "parameters.w_myth: expected a number in [0.0, 5.0], got 9"),
    ('scenario = "synthetic_small"\ndesign = "morris"\nsamples = 4\n[parameters]\nw_mith=[0,1]\nw_cultural=[0,1]\n',
     "parameters.w_mith: unknown key (did you mean 'w_myth'"),
    ('scenario = "synthetic_small"\ndesign = "morris"\nsamples = 4\n[parameters]\nw_myth=[1,0]\nw_cultural=[0,1]\n',
     "parameters.w_myth: expected low < high"),
    ('scenario = "synthetic_small"\ndesign = "full_factorial"\n[parameters]\ngovernance={levels=["iks","kingdom"]}\n',
     "parameters.governance: unknown governance model 'kingdom'"),
    ('scenario = "hedmark"\ndesign = "morris"\nsamples = 4\n[parameters]\n"municipalities.Hamar.w_myth"=[0,9]\nw_cultural=[0,1]\n',
     "parameters.municipalities.Hamar.w_myth: expected a number in [0.0, 5.0], got 9"),
    ('scenario = "hedmark"\ndesign = "morris"\nsamples = 4\n[parameters]\n"municipalities.Oslo.w_myth"=[0,1]\nw_cultural=[0,1]\n',
     "unknown municipality 'Oslo'"),
    ('scenario = "synthetic_small"\ndesign = "ensemble"\nreplications = 0\n', "replications: expected >= 1"),
    ('scenario = "synthetic_small"\ndesign = "ensemble"\noutputs = ["membershipp"]\n', "outputs: unknown outcome(s) membershipp"),
    ('scenario = "synthetic_small"\ndesign = "ensemble"\nticks = "ten"\n', "ticks: expected int"),
    ('scenario = "synthetic_small"\ndesign = "ensemble"\n[fixed]\nw_myth = -1\n', "fixed.w_myth: expected a number in [0.0, 5.0], got -1"),
    ('scenario = "synthetic_small"\ndesign = = "ensemble"\n', "not valid TOML"),
])
def test_bad_experiment_files_give_exit_code_2_and_one_line_errors(tmp_path, capsys, text, expected):
    path = write(tmp_path, text, "bad.toml")
    assert main(["sweep", str(path), "--out", str(tmp_path / "res"), "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"imcsim: error: {path}: ")
    assert expected in err
    assert "\n" not in err
    assert not (tmp_path / "res").exists()


def test_changed_experiment_refuses_to_resume_into_old_results(tmp_path, capsys):
    exp = write(tmp_path, TINY)
    assert main(["sweep", str(exp), "-j", "1", "--out", str(tmp_path / "tiny"), "--max-runs", "2", "-q"]) == 1
    write(tmp_path, TINY.replace("seed = 11", "seed = 12"))
    assert main(["sweep", str(exp), "-j", "1", "--out", str(tmp_path / "tiny"), "--resume", "-q"]) == 2
    assert "experiment changed" in capsys.readouterr().err


def test_shipped_experiment_files_are_valid():
    files = sorted(Path(__file__).resolve().parents[1].joinpath("experiments").glob("*.toml"))
    assert len(files) >= 5
    for path in files:
        exp = load_experiment(path)
        assert len(make_plan(exp)) >= 50, path


def test_the_defaults_the_shipped_experiment_files_name_are_the_registrys():
    """A comment such as ``delay_cost = [0, 3000]  # ... (default 476)`` tells the reader where the
    model's value lies in the range; a calibration that moves the default leaves it stale (four
    files named the first version's defaults until 2026-12-02), and this fails."""
    import re

    from simulation.parameters import Parameters

    defaults = Parameters()
    named = 0
    for path in sorted(Path(__file__).resolve().parents[1].joinpath("experiments").glob("*.toml")):
        for line in path.read_text().splitlines():
            m = re.match(r"^(\w+)\s*=.*#.*\bdefault \(?([-+0-9.eE]+)", line)
            if m and hasattr(defaults, m.group(1)):
                named += 1
                assert float(m.group(2)) == pytest.approx(getattr(defaults, m.group(1)), rel=0.005), (path.name, line)
    assert named >= 25


def test_the_loose_network_screening_differs_from_norways_only_in_the_institution():
    """norway_attrition_loose_morris.toml asks which parameters move attrition where members leave;
    its answer is comparable with norway_attrition_morris.toml's only if the design is the same
    but for the fixed institution (and its own seed, and five seeds a point against one)."""
    folder = Path(__file__).resolve().parents[1] / "experiments"
    formal = load_experiment(folder / "norway_attrition_morris.toml")
    loose = load_experiment(folder / "norway_attrition_loose_morris.toml")
    assert loose.fixed == {"default_governance": "loose_network"} and not formal.fixed
    assert loose.factors == formal.factors
    assert (loose.scenario, loose.design, loose.samples, loose.num_levels, loose.ticks) == \
        (formal.scenario, formal.design, formal.samples, formal.num_levels, formal.ticks)
    assert loose.discovery == formal.discovery and loose.seed != formal.seed
    assert (formal.replications, loose.replications) == (1, 5)


@pytest.mark.parametrize("design, extra, table", [
    ("morris", "samples = 3\n", "morris.csv"),
    ("latin_hypercube", "samples = 8\n", "correlations.csv"),
    ("full_factorial", "", "levels.csv"),
])
@pytest.mark.slow
def test_every_design_sweeps_and_analyses(tmp_path, design, extra, table):
    ranges = ('transaction_cost = { range = [1.0e5, 3.0e6], steps = 2 }\nfound_max_partners = { range = [1, 6], steps = 2 }\n'
              if design == "full_factorial" else "transaction_cost = [1.0e5, 3.0e6]\nfound_max_partners = [1, 6]\n")
    exp = write(tmp_path, f'name = "d"\nscenario = "synthetic_small"\ndesign = "{design}"\n{extra}ticks = 3\n'
                          f'replications = 2\n[parameters]\n{ranges}')
    assert main(["sweep", str(exp), "-j", "1", "--out", str(tmp_path / "d"), "-q"]) == 0
    results = ResultStore(tmp_path / "d").results()
    assert results.found_max_partners.isin(range(1, 7)).all()  # integer parameter stays integer
    assert main(["analyze", str(tmp_path / "d")]) == 0
    out = pd.read_csv(tmp_path / "d" / "analysis" / table)
    assert set(out.columns) & {"parameter", "transaction_cost"} and out.shape[0] > 0


def test_resume_refuses_results_of_another_model_version(tmp_path, monkeypatch):
    exp = load_experiment(write(tmp_path, TINY))
    execute(exp, tmp_path / "res", workers=1, progress=False, max_runs=3)
    monkeypatch.setattr(execution, "model_fingerprint", lambda: "another-model")
    with pytest.raises(ValueError, match="another version of the model"):
        execute(exp, tmp_path / "res", workers=1, progress=False, resume=True)
    assert len(ResultStore(tmp_path / "res").results()) == 3  # nothing lost


# ---------------------------------------------------------------------------------------------
# the engine's fast paths keep what the pandas-based ones stored (docs/performance.md)


@pytest.mark.parametrize("rows", [
    [{"run_id": 0, "x": 1.5, "n": 3, "g": "iks", "status": "ok", "error": ""},
     {"run_id": 1, "status": "failed", "error": "RuntimeError: boom"},
     {"run_id": 2, "x": float("nan"), "n": 4, "g": "as", "status": "ok", "error": ""}],
    [{"run_id": 0, "status": "failed", "error": "E"}, {"run_id": 1, "x": 0.5, "status": "ok", "error": ""}],
    [{"a": 1, "b": True, "c": np.float64(2.5), "d": None}, {"a": 2.5, "b": False, "c": np.float64(3.0), "d": None}],
    [{"seed": 2**63 - 1, "flag": True}, {"seed": 5, "other": "x"}],
    [{"run_id": 0, "x": 1.5, "g": "iks", "e": ""}, {"run_id": 1, "x": float("nan"), "g": "as", "e": "E"}],
])
def test_parts_read_back_as_pandas_wrote_them(tmp_path, rows):
    from simulation.experiments.store import rows_table

    pd.DataFrame(rows).to_parquet(tmp_path / "pandas.parquet", index=False)
    import pyarrow.parquet as pq

    pq.write_table(rows_table(rows), tmp_path / "arrow.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "arrow.parquet"), pd.read_parquet(tmp_path / "pandas.parquet"))
    assert pq.read_schema(tmp_path / "arrow.parquet").remove_metadata().equals(
        pq.read_schema(tmp_path / "pandas.parquet").remove_metadata())


def test_runs_get_the_plan_tables_values(tmp_path):
    files = sorted(Path(__file__).resolve().parents[1].joinpath("experiments").glob("*.toml"))
    mixed = write(tmp_path, 'name = "m"\nscenario = "two_hubs"\ndesign = "full_factorial"\nreplications = 2\n'
                            '[parameters]\ntransaction_cost = { levels = [100000, 2.5e6] }\n'
                            'found_max_partners = { range = [1, 6], steps = 2 }\n')
    for path in [*files, mixed, write(tmp_path, TINY)]:
        exp = load_experiment(path)
        records = plan_records(exp)
        expected = make_plan(exp).to_dict("records")
        assert records == expected, path
        assert [[type(v) for v in r.values()] for r in records] == [[type(v) for v in r.values()] for r in expected], path
    assert {type(r["transaction_cost"]) for r in plan_records(load_experiment(mixed))} == {float}


def test_manifest_counts_match_the_results_after_resume(tmp_path, monkeypatch):
    exp = load_experiment(write(tmp_path, TINY))
    bad = {int(make_plan(exp).seed[i]) for i in (1, 12)}

    class Flaky(batch.CollaborationModel):
        def run(self, *args, **kwargs):
            if self.seed in bad:
                raise RuntimeError("boom")
            return super().run(*args, **kwargs)

    monkeypatch.setattr(batch, "CollaborationModel", Flaky)
    first = execute(exp, tmp_path / "res", workers=1, progress=False, max_runs=5, flush_every=2)
    assert (first["runs_finished"], first["runs_failed"], first["complete"]) == (5, 1, False)
    manifest = execute(exp, tmp_path / "res", workers=1, progress=False, resume=True, flush_every=3)
    results = ResultStore(tmp_path / "res").results()
    assert manifest == ResultStore(tmp_path / "res").manifest()
    assert manifest["runs_finished"] == len(results) == 16 and manifest["complete"]
    assert manifest["runs_failed"] == (results.status == "failed").sum() == 2
    assert [s["runs"] for s in manifest["sessions"]] == [5, 11]


@pytest.mark.slow
def test_fsync_only_when_asked(tmp_path, monkeypatch):
    import threading

    from simulation.experiments import store

    synced, threads = [], []
    real = os.fsync
    monkeypatch.setattr(store.os, "fsync", lambda fd: (synced.append(fd), threads.append(threading.current_thread().name),
                                                       real(fd)))
    exp = load_experiment(write(tmp_path, TINY))
    monkeypatch.delenv("IMCSIM_FSYNC", raising=False)
    execute(exp, tmp_path / "fast", workers=1, progress=False)
    assert synced == []
    execute(exp, tmp_path / "durable", workers=1, progress=False, durable=True)
    # each file (plan, manifest at the start and the end, one part) and its folder after the rename
    assert len(synced) == 2 * 4
    # the plan and first manifest on the writer thread, alongside the runs; the last part and the
    # final manifest after the runs, when there is nothing left to overlap
    assert [t.startswith("imcsim-writer") for t in threads] == [True] * 4 + [False] * 4
    pd.testing.assert_frame_equal(table(tmp_path / "fast"), table(tmp_path / "durable"))
    exp_path = str(write(tmp_path, TINY))
    assert main(["sweep", exp_path, "-j", "1", "--out", str(tmp_path / "cli"), "-q"]) == 0
    assert len(synced) == 2 * 4
    assert main(["sweep", exp_path, "-j", "1", "--out", str(tmp_path / "cli_fsync"), "--fsync", "-q"]) == 0
    assert len(synced) == 2 * 2 * 4
    monkeypatch.setenv("IMCSIM_FSYNC", "1")
    assert ResultStore(tmp_path / "x").durable and not ResultStore(tmp_path / "x", durable=False).durable


def test_overridden_scenarios_are_cached_by_value_and_type_and_bounded():
    from simulation import load_scenario
    from simulation.scenario import ScenarioError

    sc = load_scenario("two_hubs")
    assert batch.overridden(sc, {"ticks": 3}) is batch.overridden(sc, {"ticks": 3})
    assert batch.overridden(sc, {"ticks": 3}).ticks == 3
    with pytest.raises(ScenarioError):  # 3.0 == 3, but a float is no tick count: not the cached int's scenario
        batch.overridden(sc, {"ticks": 3.0})
    assert batch.overridden(sc, {"governance": "iks"}) == sc.with_overrides({"governance": "iks"})
    for t in range(1, 200):
        batch.overridden(sc, {"ticks": t})
    assert len(batch._OVERRIDDEN) <= batch._OVERRIDDEN_MAX


# ---------------------------------------------------------------------------------------------
# the background writer: every way out leaves whole, ordered parts and a resumable folder


@pytest.mark.parametrize("background", [True, False])
@pytest.mark.parametrize("broken, flush_every", [("part-00002", 2), ("part-00000", 100)])
@pytest.mark.slow
def test_a_failing_write_surfaces_and_the_folder_stays_resumable(tmp_path, monkeypatch, broken, flush_every,
                                                                 background):
    from simulation.experiments import store

    exp = load_experiment(write(tmp_path, TINY))
    real = store.pq.write_table

    def disk_full(table, where, **kwargs):
        if broken in str(where):
            raise OSError(28, "No space left on device")
        return real(table, where, **kwargs)

    monkeypatch.setattr(store.pq, "write_table", disk_full)
    with pytest.raises(OSError, match="No space left"):
        execute(exp, tmp_path / "res", workers=1, progress=False, flush_every=flush_every, background=background)
    folder = tmp_path / "res"
    names = sorted(p.name for p in folder.iterdir())
    assert f"{broken}.parquet" not in names and "part-00003.parquet" not in names  # nothing after the failure
    assert "runs_finished" not in ResultStore(folder).manifest()  # the final manifest claims nothing
    assert len(ResultStore(folder).results()) == (4 if broken == "part-00002" else 0)
    monkeypatch.setattr(store.pq, "write_table", real)
    assert execute(exp, folder, workers=1, progress=False, resume=True)["complete"]
    execute(exp, tmp_path / "whole", workers=1, progress=False)
    pd.testing.assert_frame_equal(table(folder), table(tmp_path / "whole"))


@pytest.mark.parametrize("background", [True, False])
@pytest.mark.slow
def test_an_interrupted_sweep_writes_pending_parts_and_resumes(tmp_path, monkeypatch, background):
    from simulation.experiments import store

    exp = load_experiment(write(tmp_path, TINY))
    stop_seed = int(make_plan(exp).seed[9])
    real = store.pq.write_table

    def slow(*args, **kwargs):  # parts queue up behind the writer
        time.sleep(0.05)
        return real(*args, **kwargs)

    class Interrupted(batch.CollaborationModel):
        def run(self, *args, **kwargs):
            if self.seed == stop_seed:
                raise KeyboardInterrupt
            return super().run(*args, **kwargs)

    monkeypatch.setattr(store.pq, "write_table", slow)
    monkeypatch.setattr(batch, "CollaborationModel", Interrupted)
    folder = tmp_path / "res"
    with pytest.raises(KeyboardInterrupt):  # serial batches of 2: runs 0-7 handed over, 8 lost with 9
        execute(exp, folder, workers=1, progress=False, flush_every=2, background=background)
    parts = ResultStore(folder).parts()
    assert [p.name for p in parts] == [f"part-{i:05d}.parquet" for i in range(4)]
    assert [list(pd.read_parquet(p).run_id) for p in parts] == [[0, 1], [2, 3], [4, 5], [6, 7]]
    manifest = ResultStore(folder).manifest()
    assert (manifest["runs_finished"], manifest["complete"]) == (8, False)
    assert not list(folder.glob(".tmp-*"))
    monkeypatch.setattr(batch, "CollaborationModel", Interrupted.__base__)
    assert execute(exp, folder, workers=1, progress=False, resume=True)["runs_finished"] == 16
    execute(exp, tmp_path / "whole", workers=1, progress=False)
    pd.testing.assert_frame_equal(table(folder), table(tmp_path / "whole"))


# ---------------------------------------------------------------------------------------------
# the results folder: --out, runs/ as plain Parquet, load_results, older layouts


def test_sweep_out_is_the_results_folder_and_runs_read_as_plain_parquet(tmp_path, capsys):
    from simulation import load_results, load_series

    exp = write(tmp_path, TINY.replace("ticks = 4", "ticks = 3\nseries = true"))
    out = tmp_path / "mine"
    assert main(["sweep", str(exp), "-j", "1", "--out", str(out), "-q"]) == 0
    assert {p.name for p in out.iterdir()} == {"manifest.json", "plan.parquet", "runs", "series"}
    runs = load_results(out)
    plain = pd.read_parquet(out / "runs").sort_values("run_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(plain, runs)
    assert len(runs) == 16 and (runs.status == "ok").all()
    series = load_series(out)
    assert len(series) == 16 * 4 and list(series.columns[:2]) == ["run_id", "tick"]
    pd.testing.assert_frame_equal(pd.read_parquet(out / "series").sort_values(["run_id", "tick"])
                                  .reset_index(drop=True), series)
    # a second sweep into it asks for --resume or --force; --force starts again and keeps foreign files
    (out / "notes.txt").write_text("mine")
    assert main(["sweep", str(exp), "-j", "1", "--out", str(out), "-q"]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["sweep", str(exp), "-j", "1", "--out", str(out), "--max-runs", "3", "--force", "-q"]) == 1
    assert len(load_results(out)) == 3 and (out / "notes.txt").read_text() == "mine"
    # a folder with other files only is refused too, unless --force
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("x")
    assert main(["sweep", str(exp), "-j", "1", "--out", str(other), "-q"]) == 2
    # the old --results PARENT still works (hidden): the results go to PARENT/NAME
    assert main(["sweep", str(exp), "-j", "1", "--results", str(tmp_path / "parent"), "--max-runs", "2", "-q"]) == 1
    assert len(load_results(tmp_path / "parent" / "tiny")) == 2


def test_failed_runs_keep_every_outcome_column(tmp_path, monkeypatch):
    """Every part has the same columns, so the runs read as one table whichever part comes first."""
    exp = load_experiment(write(tmp_path, TINY))

    class Broken(batch.CollaborationModel):
        def run(self, *args, **kwargs):
            raise RuntimeError("boom")

    monkeypatch.setattr(batch, "CollaborationModel", Broken)
    execute(exp, tmp_path / "res", workers=1, progress=False, max_runs=2, flush_every=1)
    monkeypatch.setattr(batch, "CollaborationModel", Broken.__base__)
    execute(exp, tmp_path / "res", workers=1, progress=False, resume=True)
    plain = pd.read_parquet(tmp_path / "res" / "runs")
    from simulation.outcomes import OUTCOMES

    assert set(OUTCOMES) <= set(plain.columns)
    assert plain.set_index("run_id").member_share.isna().sum() == 2


def test_results_of_the_older_layout_load_and_resume(tmp_path):
    """Folders written before runs/ existed (parts and series-NNNNN beside the manifest)."""
    from simulation import load_results, load_series

    exp_path = write(tmp_path, TINY.replace("ticks = 4", "ticks = 3\nseries = true"))
    exp = load_experiment(exp_path)
    old = tmp_path / "old"
    execute(exp, old, workers=1, progress=False, max_runs=6, flush_every=3)
    for part in sorted((old / "runs").iterdir()):
        part.rename(old / part.name)
    for part in sorted((old / "series").iterdir()):
        part.rename(old / part.name.replace("part-", "series-"))
    (old / "runs").rmdir()
    (old / "series").rmdir()
    assert len(load_results(old)) == 6 and len(load_series(old)) == 6 * 4
    execute(exp, old, workers=1, progress=False, resume=True)
    assert not (old / "runs").exists()  # resumed in its own layout
    execute(exp, tmp_path / "whole", workers=1, progress=False)
    pd.testing.assert_frame_equal(table(old), table(tmp_path / "whole"))
    pd.testing.assert_frame_equal(load_series(old), load_series(tmp_path / "whole"))


def test_load_results_reads_one_run_too(tmp_path):
    from simulation import load_results, load_series

    assert main(["run", "two_hubs", "--ticks", "2", "--no-plots", "--out", str(tmp_path / "r"), "-q"]) == 0
    runs = load_results(tmp_path / "r")
    assert len(runs) == 1 and runs.scenario[0] == "two_hubs" and runs.ticks[0] == 2
    assert len(load_series(tmp_path / "r")) == 3
    with pytest.raises(FileNotFoundError):
        load_results(tmp_path / "nothing")


def test_checking_an_experiment_file_runs_no_simulation(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a simulation ran while checking an experiment file")

    monkeypatch.setattr(batch.CollaborationModel, "run", refuse)
    exp = load_experiment(write(tmp_path, TINY.replace("seed = 11", 'seed = 11\noutputs = ["member_share"]')))
    assert exp.outputs == ("member_share",)
