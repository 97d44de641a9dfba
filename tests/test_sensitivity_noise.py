"""Sensitivity analysis to the field's standard: known answers for the seed-noise floors (a
pure-noise model gives the floor), the variance split (known within and between variance), Morris
on a known function, Sobol S2 and convergence on Ishigami; and imcsim analyze end to end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from simulation.cli import main
from simulation.experiments import analysis, convergence, noise
from simulation.experiments.designs import Factor, salib_problem


def _manifest(factors: list[Factor], design: str, n_points: int, **spec) -> dict:
    return {"spec": {"factors": [{"name": f.name, "low": f.low, "high": f.high, "levels": None, "integer": False}
                                 for f in factors], "design": design, "replications": 1, "num_levels": 4,
                     "calc_second_order": False, **spec},
            "runs_planned": n_points}


def _morris_design(factors: list[Factor], trajectories: int, seed: int = 4):
    x = morris_sample.sample(salib_problem(factors), trajectories, num_levels=4, seed=seed)
    plan = pd.DataFrame(x, columns=[f.name for f in factors]).assign(sample=np.arange(len(x)))
    return x, plan


# ---------------------------------------------------------------------------------------------
# variance split (law of total variance)


def _replicated(points: int = 300, reps: int = 40, between_sd: float = 2.0, within_sd: float = 1.0, seed: int = 1):
    """Y = m(x) + e: point means with variance 4 and seed noise with variance 1 (the drawn means
    are kept as column ``m``: the parameters' part the split should find)."""
    rng = np.random.default_rng(seed)
    means = rng.normal(0, between_sd, points)
    y = np.repeat(means, reps) + rng.normal(0, within_sd, points * reps)
    return pd.DataFrame({"sample": np.repeat(np.arange(points), reps), "status": "ok", "y": y,
                         "m": np.repeat(means, reps)})


def test_variance_split_recovers_known_within_and_between_variance():
    runs = _replicated()
    row = noise.variance_split(runs, ["y"]).iloc[0]
    reps = row.replications
    assert row.within * reps / (reps - 1) == pytest.approx(1.0, rel=0.05)  # one run's seed variance
    true_between = np.var(runs.groupby("sample").m.first())  # the drawn means' variance, about 4
    assert row.between_corrected == pytest.approx(true_between, rel=0.03)
    assert row["between"] == pytest.approx(true_between + 1 / reps, rel=0.03)  # the means keep 1/R of the noise
    assert row.within + row["between"] == pytest.approx(np.var(runs.y))  # the law holds exactly
    assert row.seed_share + row.parameter_share == pytest.approx(1.0)
    assert row.seed_share == pytest.approx(row.within / (row.within + true_between + 1 / reps), rel=0.03)


def test_seed_variance_pools_the_within_point_variance():
    runs = _replicated(points=200, reps=5, within_sd=3.0)
    table = noise.seed_variance(runs, ["y"])
    assert table.loc["y", "seed_var"] == pytest.approx(9.0, rel=0.1)
    assert table.loc["y", "dof"] == 200 * 4


def test_variance_split_of_a_design_without_replications_is_undefined():
    runs = pd.DataFrame({"sample": range(10), "status": "ok", "y": np.arange(10.0)})
    assert np.isnan(noise.variance_split(runs, ["y"]).iloc[0].seed_share)


# ---------------------------------------------------------------------------------------------
# Morris


MORRIS_FACTORS = [Factor("a", 0.0, 1.0), Factor("b", 0.0, 1.0), Factor("c", 0.0, 2.0)]


def test_morris_on_a_known_function():
    """y = 3a + c^2: the elementary effect of a is 3 everywhere (mu* 3, sigma 0); b has none; c's
    varies (sigma > 0). Effects are per unit step of the range, so c over [0, 2] counts its range."""
    x, plan = _morris_design(MORRIS_FACTORS, 30)
    y = 3 * x[:, 0] + x[:, 2] ** 2
    manifest = _manifest(MORRIS_FACTORS, "morris", len(y))
    results = pd.DataFrame({"sample": np.arange(len(y)), "status": "ok", "y": y})
    table = analysis.morris(manifest, results, plan, ["y"]).set_index("parameter")
    assert table.loc["a", "mu_star"] == pytest.approx(3.0)
    assert table.loc["a", "sigma"] == pytest.approx(0.0, abs=1e-9)
    assert table.loc["b", "mu_star"] == pytest.approx(0.0, abs=1e-12)
    assert table.loc["c", "sigma"] > 0.5
    # the bootstrap CI is seeded: the same on every analysis
    pd.testing.assert_frame_equal(analysis.morris(manifest, results, plan, ["y"]),
                                  analysis.morris(manifest, results, plan, ["y"]))


def test_morris_floor_is_the_mu_star_of_a_pure_noise_model():
    """No parameter acts: every mu* is noise, and the floor computed from the noise's variance
    (as replicates at a fixed point would measure it) predicts it."""
    sd = 0.3
    x, plan = _morris_design(MORRIS_FACTORS, 400, seed=9)
    y = np.random.default_rng(2).normal(0, sd, len(x))
    manifest = _manifest(MORRIS_FACTORS, "morris", len(y))
    results = pd.DataFrame({"sample": np.arange(len(y)), "status": "ok", "y": y})
    table = analysis.morris(manifest, results, plan, ["y"])
    floor = noise.morris_floor(pd.Series({"y": sd ** 2}), replications=1, num_levels=4)["y"]
    np.testing.assert_allclose(table.mu_star, floor, rtol=0.1)
    # with replicates at one fixed point the floor is estimated, not given
    replicates = pd.DataFrame({"status": "ok", "y": np.random.default_rng(3).normal(5, sd, 200)})
    measured = noise.floor_variance(manifest, results, ["y"], replicates)
    assert noise.morris_floor(measured.seed_var, 1, 4)["y"] == pytest.approx(floor, rel=0.1)
    assert measured.loc["y", "source"] == "200 seeds at the centre of the ranges"


def test_morris_plot_draws_sorted_bars_with_intervals_and_the_floor():
    x, plan = _morris_design(MORRIS_FACTORS, 20)
    y = 3 * x[:, 0] + x[:, 2] ** 2
    manifest = _manifest(MORRIS_FACTORS, "morris", len(y))
    results = pd.DataFrame({"sample": np.arange(len(y)), "status": "ok", "y": y})
    table = analysis.morris(manifest, results, plan, ["y"])
    fig = analysis.plot_morris(table, "known", {"y": 0.5})
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == list(table.sort_values("mu_star").parameter)  # one label per bar, sorted
    floor = next(line for line in ax.get_lines() if line.get_gid() == "noise_floor")
    assert floor.get_xdata()[0] == pytest.approx(0.5)


# ---------------------------------------------------------------------------------------------
# Sobol: floor, second order, convergence


ISHIGAMI = [Factor(f"x{i}", -np.pi, np.pi) for i in (1, 2, 3)]


def _ishigami(n: int, second: bool, noise_sd: float = 0.0):
    x = sobol_sample.sample(salib_problem(ISHIGAMI), n, calc_second_order=second, seed=3)
    y = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    y = y + np.random.default_rng(5).normal(0, noise_sd, len(y)) if noise_sd else y
    manifest = _manifest(ISHIGAMI, "sobol", len(y), calc_second_order=second)
    return manifest, pd.DataFrame({"sample": np.arange(len(y)), "status": "ok", "f": y})


def test_sobol_floor_is_the_bias_of_st_under_seed_noise():
    """y = x1 + noise with a quarter of the variance from noise: x2 (no effect) gets ST at the floor
    (0.25), x1 gets S1 0.75 and ST 1 (its effect plus the noise every ST carries)."""
    factors = [Factor("x1", 0.0, 1.0), Factor("x2", 0.0, 1.0)]
    x = sobol_sample.sample(salib_problem(factors), 4096, calc_second_order=False, seed=1)
    sd = np.sqrt(1 / 12 / 3)  # noise variance a third of x1's: a quarter of the total
    y = x[:, 0] + np.random.default_rng(1).normal(0, sd, len(x))
    manifest = _manifest(factors, "sobol", len(y))
    results = pd.DataFrame({"sample": np.arange(len(y)), "status": "ok", "y": y})
    table = analysis.sobol(manifest, results, ["y"]).set_index("parameter")
    floor = noise.sobol_floor(pd.Series({"y": sd ** 2}), analysis.per_sample(results, ["y"], len(y)), 1)["y"]
    assert floor == pytest.approx(0.25, abs=0.02)
    assert table.loc["x2", "ST"] == pytest.approx(floor, abs=0.04)
    assert table.loc["x1", "S1"] == pytest.approx(0.75, abs=0.05)
    assert table.loc["x1", "ST"] == pytest.approx(1.0, abs=0.05)


def test_ishigami_second_order_and_heat_map():
    """Ishigami's only interaction is x1 x x3 (S13 = 0.2437; S12 = S23 = 0)."""
    manifest, results = _ishigami(1024, second=True)
    table, s2 = analysis.sobol_indices(manifest, results, ["f"])
    s2 = s2.set_index(["parameter_1", "parameter_2"])
    assert s2.loc[("x1", "x3"), "S2"] == pytest.approx(0.2437, abs=0.06)
    assert abs(s2.loc[("x1", "x2"), "S2"]) < 0.06 and abs(s2.loc[("x2", "x3"), "S2"]) < 0.06
    fig = analysis.plot_sobol_s2(s2.reset_index(), "Ishigami")
    texts = {t.get_text().split("\n")[0] for t in fig.axes[0].texts}
    assert f"{s2.loc[('x1', 'x3'), 'S2']:.2f}" in texts
    assert len(table) == 3


def test_sobol_convergence_cuts_the_design_into_valid_smaller_designs():
    manifest, results = _ishigami(512, second=False)
    means = analysis.per_sample(results, ["f"], len(results))
    conv = convergence.sobol_convergence(manifest, means, ["f"])
    assert sorted(conv["size"].unique()) == [128, 256, 512]
    full = conv[conv["size"] == 512].set_index("parameter")
    direct = analysis.sobol(manifest, results, ["f"]).set_index("parameter")
    np.testing.assert_allclose(full.ST, direct.ST)  # all of it is the design itself
    width = conv.groupby("size").ST_conf.mean()
    assert width[512] < width[128]  # intervals narrow as the design grows
    fig = convergence.plot_convergence(conv, "ST", "Ishigami", {"f": 0.1})
    assert len(fig.axes[0].get_lines()) >= 3


def test_morris_convergence_uses_whole_trajectories():
    x, plan = _morris_design(MORRIS_FACTORS, 12)
    y = 3 * x[:, 0] + x[:, 2] ** 2
    manifest = _manifest(MORRIS_FACTORS, "morris", len(y))
    means = pd.DataFrame({"y": y})
    conv = convergence.morris_convergence(manifest, x, means, ["y"])
    assert sorted(conv["size"].unique()) == [3, 6, 12]
    np.testing.assert_allclose(conv[conv.parameter == "a"].mu_star, 3.0)


# ---------------------------------------------------------------------------------------------
# imcsim analyze end to end


MORRIS = """
name = "tiny_morris"
scenario = "synthetic_small"
design = "morris"
samples = 4
ticks = 4
seed = 5
[parameters]
delay_cost = [0.0, 3000.0]
collab_fixed_cost = [0.0, 2.5e7]
"""

SOBOL = """
name = "tiny_sobol"
scenario = "synthetic_small"
design = "sobol"
samples = 4
calc_second_order = true
replications = 2
ticks = 4
seed = 5
[parameters]
delay_cost = [0.0, 3000.0]
collab_fixed_cost = [0.0, 2.5e7]
w_myth = [0.0, 3.0]
"""


def _sweep(tmp_path: Path, text: str, name: str) -> Path:
    exp = tmp_path / f"{name}.toml"
    exp.write_text(text, encoding="utf-8")
    folder = tmp_path / name
    assert main(["sweep", str(exp), "--workers", "1", "--out", str(folder), "-q"]) == 0
    return folder


@pytest.mark.slow
def test_analyze_morris_with_noise_runs_and_convergence(tmp_path: Path, capsys):
    folder = _sweep(tmp_path, MORRIS, "m")
    assert main(["analyze", str(folder), "--noise-seeds", "3", "--convergence", "-q"]) == 0
    out = folder / "analysis"
    for name in ("morris.csv", "morris.png", "noise_floor.csv", "noise_runs.csv", "morris_convergence.csv",
                 "morris_convergence.png"):
        assert (out / name).exists(), name
    runs = pd.read_csv(out / "noise_runs.csv")
    plan = pd.read_parquet(folder / "plan.parquet")
    assert len(runs) == 3 and not set(runs.seed) & set(plan.seed)  # own seeds, never a design run's
    assert runs.delay_cost.eq(1500.0).all() and runs.collab_fixed_cost.eq(1.25e7).all()  # the centre
    floors = pd.read_csv(out / "noise_floor.csv").set_index("outcome")
    assert np.isfinite(floors.loc["member_share", "mu_star_floor"])
    # the same folder gives the same noise runs (seeds from the experiment seed)
    assert main(["analyze", str(folder), "--noise-seeds", "3", "--out", str(tmp_path / "again"), "-q"]) == 0
    pd.testing.assert_frame_equal(runs.drop(columns="elapsed"),
                                  pd.read_csv(tmp_path / "again" / "noise_runs.csv").drop(columns="elapsed"))


@pytest.mark.slow
def test_analyze_replicated_sobol_writes_s2_floor_and_variance_split(tmp_path: Path, capsys):
    folder = _sweep(tmp_path, SOBOL, "s")
    assert main(["analyze", str(folder), "--convergence", "--noise-seeds", "3"]) == 0
    text = capsys.readouterr().out
    assert "not run, the design's 2 replications per point measure the noise" in text
    out = folder / "analysis"
    for name in ("sobol_s2.csv", "sobol_s2.png", "variance_split.csv", "variance_split.png",
                 "sobol_convergence.png", "noise_floor.csv"):
        assert (out / name).exists(), name
    assert not (out / "noise_runs.csv").exists()
    split = pd.read_csv(out / "variance_split.csv").set_index("outcome")
    assert split.loc["member_share", "seed_share"] + split.loc["member_share", "parameter_share"] == pytest.approx(1)
    floors = pd.read_csv(out / "noise_floor.csv")
    assert floors.source.iloc[0] == "design replications (2 per point)"


@pytest.mark.parametrize("args, message", [
    (["--noise-seeds", "1"], "--noise-seeds: expected 0 (none) or at least 2 seeds"),
    (["--noise-seeds", "-3"], "--noise-seeds: expected an integer in [0, "),  # cli_checks.BOUNDS, before analyze
    (["--workers", "0"], "--workers: expected an integer in [1, "),
    (["--prim-threshold", "1.5"], "--prim-threshold: expected a number in [0, 1]"),
    (["--prim-threshold", "0"], "--prim-threshold: expected a density in (0, 1]"),
])
def test_analyze_refuses_bad_noise_options(tmp_path: Path, capsys, args, message):
    folder = tmp_path / "res"
    _fake_sweep(folder, "morris")
    assert main(["analyze", str(folder), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1
    assert not (folder / "analysis").exists()


def test_convergence_is_only_for_sensitivity_designs(tmp_path: Path, capsys):
    folder = tmp_path / "res"
    _fake_sweep(folder, "ensemble")
    assert main(["analyze", str(folder), "--convergence"]) == 2
    assert "--convergence: only for Morris and Sobol designs (this one is ensemble)" in capsys.readouterr().err
    assert not (folder / "analysis").exists()


def _fake_sweep(folder: Path, design: str) -> None:
    """A results folder with a manifest and no runs: enough for the option checks, which come first."""
    from simulation.experiments.store import ResultStore

    store = ResultStore(folder)
    manifest = {"spec": {"design": design, "factors": [], "replications": 1, "name": "x",
                         "scenario": "synthetic_small"}, "runs_planned": 0}
    store.create([], manifest)
    store.close()


def test_convergence_plot_gives_each_parameter_one_colour_in_every_panel():
    manifest, results = _ishigami(256, second=False)
    results["g"] = -results.f ** 3  # another ranking of the same parameters
    means = analysis.per_sample(results, ["f", "g"], len(results))
    fig = convergence.plot_convergence(convergence.sobol_convergence(manifest, means, ["f", "g"]), "ST", "two")
    colour = [{c.get_label(): c.lines[0].get_color() for c in ax.containers} for ax in fig.axes[:2]]
    assert colour[0] == colour[1] and len(set(colour[0].values())) == 3
