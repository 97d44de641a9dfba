"""Property-based (hypothesis): hostile experiment files and command-line flags, generated.

Whatever the file or the flags, ``imcsim`` ends with exit code 0, or 2 with at most one line on
stderr, no traceback and nothing written (or 1 for a sweep stopped by --max-runs, which says so).
The simulation itself is replaced by a stand-in that returns a row at once: the property is about
checking inputs, and real runs would make each example take seconds. Values are drawn from pools
that mix the valid with the hostile (negative, zero, NaN, infinity, huge, wrong type), where valid
sizes stay small so an accepted file runs in milliseconds. Deterministic: ``derandomize=True``.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation.cli import main
from simulation.experiments import execution

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

NUMBERS = [-1, 0, 1, 2, 3, 2.5, -0.5, math.nan, math.inf, -math.inf, 10**9, 2**62, "3", True]
SIZES = [-1, 0, 1, 2, 3, 4, 2**28, 10**9, 2**62, 2.0, "4", True]  # small or far over the limit


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f'"{k}" = {toml_value(v)}' for k, v in value.items()) + " }"
    raise TypeError(value)


def toml(data: dict) -> str:
    return "".join(f'"{k}" = {toml_value(v)}\n' for k, v in data.items())


factor_values = st.sampled_from([
    [0, 2], [2, 0], [0, math.nan], [0, math.inf], [1], "x", [], {"range": [0, 2], "steps": 2},
    {"range": [0, 2], "steps": 10**7}, {"range": [0, 2], "steps": 0}, {"levels": [0.5, 1.0]}, {"levels": []},
    {"levels": ["iks", "as"]}, {"range": [0, 1e308]}, {"bogus": 1},
])
factor_keys = st.sampled_from(["w_myth", "w_cultural", "fixed_cost", "governance", "ticks", "nope",
                               "municipalities.Hamar.population", "generator.n", "review_rate"])
fixed_values = st.sampled_from([0.5, -1, math.nan, 1e308, "x", 10**9, True])


BASES = [  # valid files, small and quick; each example spoils one to three keys of one
    {"scenario": "synthetic_small", "replications": 3, "ticks": 2},
    {"scenario": "hedmark", "design": "latin_hypercube", "samples": 4, "ticks": 2, "parameters": {"w_myth": [0, 2]}},
    {"scenario": "synthetic_small", "design": "sobol", "samples": 2, "ticks": 2,
     "parameters": {"w_myth": [0, 2], "w_cultural": [0, 1]}},
    {"scenario": "synthetic_small", "design": "morris", "samples": 2, "ticks": 2,
     "parameters": {"w_myth": [0, 2], "review_rate": [0, 1]}},
    {"scenario": "hedmark", "design": "full_factorial", "ticks": 2,
     "parameters": {"governance": {"levels": ["iks", "as"]}, "w_myth": {"range": [0, 2], "steps": 2}}},
]
POOLS = {
    "scenario": st.sampled_from(["nowhere", "", "  ", "../x.toml", 3, "hedmark"]),
    "name": st.sampled_from(["ok", "", "a/b", ".hidden", "x" * 300, 5]),
    "design": st.sampled_from(["ensemble", "full_factorial", "latin_hypercube", "morris", "sobol", "bogus", 1]),
    "samples": st.sampled_from(SIZES), "replications": st.sampled_from(SIZES),
    "ticks": st.sampled_from([-1, 0, 1, 2, 501, 10**9, 2.0, "2"]), "seed": st.sampled_from(NUMBERS),
    "num_levels": st.sampled_from([-2, 0, 3, 4, math.nan]), "calc_second_order": st.sampled_from([True, 1, "no"]),
    "common_seeds": st.sampled_from([True, False, 0]),
    "outputs": st.sampled_from([["member_share"], ["nope"], "x", [1]]),
    "series": st.sampled_from([True, ["member_share"], ["nope"], 3]),
    "parameters": st.dictionaries(factor_keys, factor_values, max_size=3),
    "fixed": st.dictionaries(factor_keys, fixed_values, max_size=2),
    "discovery": st.dictionaries(st.sampled_from(["collapse_below", "max_depth", "bogus"]),
                                 st.sampled_from(NUMBERS), max_size=2),
    "bogus_key": st.just(1),
}


@st.composite
def experiment(draw) -> dict:
    data = dict(draw(st.sampled_from(BASES)))
    for key in draw(st.lists(st.sampled_from(sorted(POOLS)), max_size=3, unique=True)):
        data[key] = draw(POOLS[key])
    return data


sweep_flags = st.lists(st.sampled_from([
    ["--workers", "1"], ["--workers", "2"], ["--workers", "0"], ["--workers", "-1"], ["--workers", "10000"],
    ["--workers", "x"], ["--workers", "nan"], ["--max-runs", "1"], ["--max-runs", "0"], ["--max-runs", "-5"],
    ["--max-runs", "1e3"], ["--resume"], ["--repair"], ["--force"], ["--allow-large"], ["--bogus"],
    ["--scheduler", "tcp://host:99999"], ["--scheduler", "tcp://:"], ["--out", "x" * 5000], ["--out", ""],
]), max_size=2).map(lambda groups: [a for g in groups for a in g])


def fast_batch(scenario, batch, params, outputs, series):
    """A run that takes no time: the plan row with a constant outcome."""
    return [({"run_id": r["run_id"], "sample": r["sample"], "replication": r["replication"], "seed": r["seed"],
              **{k: r[k] for k in params}, **dict.fromkeys(outputs or ("member_share",), 0.5),
              "status": "ok", "error": "", "elapsed": 0.0}, None) for r in batch]


def run(capsys, argv: list[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def check_outcome(code: int, out: str, err: str, folder: Path, before: list[str]) -> None:
    assert "Traceback" not in err, err
    assert code in (0, 1, 2), (code, err)
    if code == 1:  # only a sweep stopped early may end so, and it says how to go on
        assert "incomplete: continue with:" in out, (out, err)
    if code == 2:
        assert len(err.strip().splitlines()) <= 1, err
        assert sorted(p.name for p in folder.iterdir()) == before, err  # nothing written


@pytest.fixture
def fast_runs(monkeypatch):
    monkeypatch.setattr(execution, "run_batch", fast_batch)


@SETTINGS
@given(data=experiment(), flags=sweep_flags)
def test_hostile_experiment_files_and_sweep_flags(capsys, fast_runs, data, flags):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "exp.toml"
        path.write_text(toml(data), encoding="utf-8")
        argv = ["sweep", str(path), "-q", *flags]
        if "--out" not in flags:
            argv += ["--out", str(folder / "res")]
        code, out, err = run(capsys, argv)
        check_outcome(code, out, err, folder, ["exp.toml"])


run_flags = st.lists(st.sampled_from([
    ["--ticks", "1"], ["--ticks", "2"], ["--ticks", "0"], ["--ticks", "501"], ["--ticks", "nan"], ["--ticks", "x"],
    ["--seed", "0"], ["--seed", "-1"], ["--seed", "99999999999999999999999"], ["--format", "parquet"],
    ["--format", "xlsx"], ["--set", "w_myth=2"], ["--set", "w_myth=nan"], ["--set", "w_myth=1e308"],
    ["--set", "generator.n=10000"], ["--set", "generator.n=3"], ["--set", "generator.min_population=1e308"],
    ["--set", "municipalities.X.population=5"], ["--set", "="], ["--set", "x"], ["--force"], ["--bogus"],
]), max_size=3).map(lambda groups: [a for g in groups for a in g])


@settings(SETTINGS, max_examples=30)
@given(flags=run_flags)
def test_hostile_run_flags(capsys, flags):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        code, out, err = run(capsys, ["run", "synthetic_small", "--ticks", "1", "--no-plots", "-q", *flags,
                                      "--out", str(folder / "out")])
        check_outcome(code, out, err, folder, [])


@pytest.fixture(scope="module")
def results_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile") / "res"
    exp = folder.parent / "exp.toml"
    exp.write_text('scenario = "synthetic_small"\ndesign = "latin_hypercube"\nsamples = 12\nticks = 2\n'
                   "[parameters]\nw_myth = [0, 2]\n", encoding="utf-8")
    assert main(["sweep", str(exp), "--out", str(folder), "-j", "1", "-q"]) == 0
    return folder


analyze_flags = st.lists(st.sampled_from([
    ["--top", "1"], ["--top", "-1"], ["--top", "0"], ["--top", "10**9"], ["--max-depth", "0"], ["--max-depth", "2"],
    ["--max-depth", "nan"], ["--collapse-below", "nan"], ["--collapse-below", "0.5"], ["--collapse-below", "2"],
    ["--dominant-above", "-inf"], ["--dominant-above", "0.6"], ["--outcomes", "member_share"], ["--outcomes", "nope"],
    ["--outcomes", ","], ["--discover"], ["--bogus"],
]), max_size=3).map(lambda groups: [a for g in groups for a in g])


@settings(SETTINGS, max_examples=25)
@given(flags=analyze_flags)
def test_hostile_analyze_flags(capsys, results_folder, flags):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        code, out, err = run(capsys, ["analyze", str(results_folder), "-q", *flags, "--out", str(folder / "a")])
        check_outcome(code, out, err, folder, [])
