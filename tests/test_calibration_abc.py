"""Calibration with uncertainty (issue 12): interval-based passing, the posterior file and its
draws, and a tiny ABC-SMC calibration end to end, interrupted and resumed."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from simulation import registry
from simulation.cli import main
from simulation.posterior import load_posterior
from simulation.validation.distances import CAP, STATISTICS
from simulation.validation.patterns import Pattern
from simulation.validation.runner import aggregate


def _pattern(kind: str, passes) -> Pattern:
    return Pattern("test", "000 L1", "measure", "target", lambda runs: 0.0, passes, kind=kind)


def test_a_positive_effect_passes_only_when_its_whole_interval_is_above_zero():
    positive = _pattern("mean", lambda v: v > 0)
    straddles = aggregate(positive, [-20.0, 30.0, -10.0, 25.0, 5.0, -15.0, 20.0, 1.0])
    assert straddles.value > 0 and straddles.low < 0
    assert straddles.point_passed and not straddles.passed and straddles.verdict == "fail (straddles)"
    clear = aggregate(positive, [10.0, 12.0, 9.0, 11.0, 13.0, 10.5])
    assert clear.low > 0 and clear.passed and clear.verdict == "PASS"


def test_a_window_must_contain_the_interval_and_a_share_clear_its_floor():
    window = _pattern("mean", lambda v: 0.45 <= v <= 0.75)
    edge = aggregate(window, [0.70, 0.80, 0.72, 0.78, 0.74, 0.76, 0.71, 0.79])  # mean 0.75, interval past 0.75
    assert edge.low <= 0.75 < edge.high and not edge.passed
    assert aggregate(window, [0.58, 0.62, 0.6, 0.61, 0.59]).passed
    share = _pattern("share", lambda v: v >= 0.5)
    assert not aggregate(share, [1, 1, 1, 0, 0, 1, 1, 0]).passed  # 62 % of 8: the Wilson interval reaches below 50 %
    assert aggregate(share, [1] * 30).passed


def test_statistics_terms_are_zero_at_the_sources_figures_and_capped():
    for s in STATISTICS:
        assert s.term(math.nan) == CAP or s.name == "norway mergers", s.name
        if s.name not in ("norway mergers",):
            assert s.term(float(s.observed)) == 0.0, s.name
        assert 0.0 <= s.term(float(s.observed) + 1e6) <= CAP, s.name


def test_weighing_regions_makes_each_region_count_the_same():
    """Known answer: at the sources' figures the distance is 0; with every term at its cap a region
    contributes its number of statistics times the cap when statistics are weighed, and one cap
    (its mean term) when regions are."""
    from simulation.validation import abcsmc
    by_stats = abcsmc.Setup(regions=("hedmark", "agder", "norway"))
    by_regions = abcsmc.Setup(regions=("hedmark", "agder", "norway"), weigh="regions")
    names = tuple(s.name for s in by_stats.statistics())
    at = {s.name: np.array([float(s.observed)]) for s in by_stats.statistics()} | {"seeds": np.array([1.0])}
    assert abcsmc.distance(at, names=names) == 0.0
    count = {r: sum(s.region == r for s in by_stats.statistics()) for r in by_stats.regions}
    assert count == {"hedmark": 4, "agder": 2, "norway": 6}
    w = by_regions.weights()
    for region in by_regions.regions:
        assert sum(v for n, v in w.items() if n.startswith(region)) == pytest.approx(1.0)
    assert set(by_stats.weights().values()) == {1.0}
    # every term at the cap: 12 statistics x CAP against 3 regions x CAP
    capped = {n: np.array([math.nan]) for n in names} | {"seeds": np.array([1.0])}
    capped["norway mergers"] = np.array([0.0])  # its term is 1 when no merger happened, not the cap
    ws = tuple(w[n] for n in names)
    assert abcsmc.distance(capped, names=names) == pytest.approx(11 * CAP + 1.0)
    assert abcsmc.distance(capped, names=names, weights=ws) == pytest.approx(2 * CAP + (5 * CAP + 1.0) / 6)


def _posterior(tmp_path, rows, given=None):
    path = tmp_path / "posterior.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    path.with_suffix(".json").write_text(json.dumps({"given": given or {}}), encoding="utf-8")
    return path


def test_the_statistics_table_reads_each_seed_of_a_particle():
    """Known answer with two seeds a particle: a seed whose bloc never came counts in the share of
    seeds, not as the whole particle, and the term is the mean of the seeds' terms (as the
    distance takes it), not the term of the mean year."""
    from simulation.validation.posterior_report import statistics_table
    bloc = next(s for s in STATISTICS if s.name == "hedmark bloc year")  # abs(year - 2011) / 2, nan: CAP
    parts = [{"weight": 0.5, "stats": {bloc.name: [2011.0, math.nan]}},
             {"weight": 0.5, "stats": {bloc.name: [2013.0, 2015.0]}}]
    (row,) = statistics_table(parts, [bloc])
    assert row["finite_share"] == 0.75
    assert row["posterior_mean"] == pytest.approx(2013.0)
    assert row["mean_term"] == pytest.approx(((0 + CAP) / 2 + (1 + 2) / 2) / 2)


def test_posterior_draws_follow_the_weights_and_longer_lists_keep_the_first_draws(tmp_path):
    path = _posterior(tmp_path, {"weight": [0.0, 1.0, 3.0], "habit_strength": [0.1, 0.5, 0.9]},
                      {"merger_route": 1.0})
    post = load_posterior(path)
    many = post.draws(400)
    assert all(d["merger_route"] == 1.0 for d in many)
    values = [d["habit_strength"] for d in many]
    assert 0.1 not in values  # weight 0: never drawn
    assert 0.6 < values.count(0.9) / len(values) < 0.9  # about 3/4
    assert post.draws(5) == many[:5] and post.draw(3) == many[2]
    assert post.summary()["habit_strength"] == 0.9  # the weighted median


def test_a_bad_posterior_file_is_one_line_exit_2(tmp_path, capsys):
    bad = tmp_path / "p.csv"
    bad.write_text("habit_strength\n0.5\n", encoding="utf-8")
    assert main(["run", "hedmark", "--posterior", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--posterior" in err and "weight" in err
    assert not (tmp_path / "o").exists()


def test_validate_run_and_sweep_read_posterior_draws(tmp_path, capsys):
    path = _posterior(tmp_path, {"weight": [1.0, 1.0], "habit_strength": [0.3, 1.7]})
    assert main(["validate", "hedmark", "-r", "2", "--posterior", str(path), "-q"]) == 0
    assert "posterior draws" in capsys.readouterr().out
    assert main(["run", "hedmark", "--posterior", str(path), "--draw", "2", "--ticks", "3", "--no-plots",
                 "--out", str(tmp_path / "run"), "-q"]) == 0
    exp = tmp_path / "e.toml"
    exp.write_text('name = "e"\nscenario = "hedmark"\ndesign = "ensemble"\nreplications = 1\nticks = 3\n',
                   encoding="utf-8")
    assert main(["sweep", str(exp), "--posterior", str(path), "--draws", "3", "-j", "1", "-q",
                 "--out", str(tmp_path / "sw")]) == 0
    from simulation.experiments import load_results

    runs = load_results(tmp_path / "sw").sort_values("replication")
    assert list(runs.habit_strength) == [d["habit_strength"] for d in load_posterior(path).draws(3)]
    assert main(["compare", "hedmark", "-g", "iks", "--posterior", str(path), "--draws", "2", "--ticks", "3",
                 "--no-decompose", "-j", "1", "-q", "--out", str(tmp_path / "cmp")]) == 0
    assert "--posterior" in (tmp_path / "cmp" / "report.md").read_text(encoding="utf-8")


# ---- ABC-SMC end to end (pyabc) --------------------------------------------------------------------

TINY = ["calibrate", "--regions", "hedmark", "--particles", "4", "--seed", "5", "-q", "-j", "1"]


def _calibrate(folder, generations, *extra):
    return main([*TINY, "--generations", str(generations), "--out", str(folder), *extra])


def test_a_tiny_calibration_interrupted_and_resumed_continues_as_an_uninterrupted_one(tmp_path, monkeypatch):
    pytest.importorskip("pyabc")
    from simulation.validation import abcsmc

    assert _calibrate(tmp_path / "a", 2, "--no-plots") == 0
    engine = abcsmc.run_tasks

    def interrupted(task, shared, items, handle, workers=1, client=None):
        """Ctrl-C in generation 1, after its first evaluation."""
        if shared[2] == 1:
            handle(task(shared, list(items[:1])))
            raise KeyboardInterrupt
        return engine(task, shared, items, handle, workers=workers, client=client)

    monkeypatch.setattr(abcsmc, "run_tasks", interrupted)
    assert _calibrate(tmp_path / "b", 2, "--no-plots") == 130
    assert abcsmc.generations_done(tmp_path / "b") == 1 and not (tmp_path / "b" / "posterior.csv").exists()
    monkeypatch.setattr(abcsmc, "run_tasks", engine)
    assert _calibrate(tmp_path / "b", 2, "--resume") == 0
    a, b = (pd.read_csv(tmp_path / x / "posterior.csv") for x in "ab")
    assert (b.generation == 1).all() and len(b) == 4
    pd.testing.assert_frame_equal(a, b)
    provenance = json.loads((tmp_path / "b" / "posterior.json").read_text(encoding="utf-8"))
    assert [g["generation"] for g in provenance["generations"]] == [0, 1] and len(provenance["sessions"]) == 2
    assert provenance["model_fingerprint"] and provenance["packages"]["pyabc"]
    assert np.isclose(b.weight.sum(), 1.0)
    for name in ("identification.md", "marginals.png", "pairs.png", "statistics.md"):
        assert (tmp_path / "b" / name).is_file(), name


def test_resume_refuses_another_setup_and_an_empty_folder(tmp_path, capsys):
    pytest.importorskip("pyabc")
    assert _calibrate(tmp_path / "none", 2, "--resume") == 2
    assert "no calibration to continue" in capsys.readouterr().err
    assert _calibrate(tmp_path / "c", 1, "--no-plots") == 0
    assert main([*TINY, "--generations", "2", "--out", str(tmp_path / "c"), "--resume", "--particles", "5"]) == 2
    assert "another setup" in capsys.readouterr().err
    assert _calibrate(tmp_path / "c", 1) == 2  # holds files: neither --resume nor --force


def test_only_calibrates_the_keys_named_and_holds_the_rest_at_their_defaults(tmp_path):
    """One key without a default prior (its registry bounds, then narrowed by --prior): the
    posterior has that column alone, and the plots are drawn for one parameter."""
    pytest.importorskip("pyabc")
    assert _calibrate(tmp_path / "a", 2, "--only", "region_span_weight") == 0
    assert _calibrate(tmp_path / "b", 1, "--only", "region_span_weight", "--prior", "region_span_weight=0:0.5",
                      "--no-plots") == 0
    a, b = (pd.read_csv(tmp_path / x / "posterior.csv") for x in "ab")
    for frame in (a, b):
        assert [c for c in frame.columns if c in registry.BY_NAME] == ["region_span_weight"]
    assert b.region_span_weight.between(0, 0.5).all() and (tmp_path / "a" / "marginals.png").is_file()
    provenance = json.loads((tmp_path / "b" / "posterior.json").read_text(encoding="utf-8"))
    assert provenance["setup"]["priors"] == {"region_span_weight": [0.0, 0.5]}


def test_calibrate_refuses_bad_options_in_one_line(tmp_path, capsys):
    for extra in (["--exclude", "hedmark"], ["--prior", "habit_strength=a:b"], ["--prior", "habit_strength=0:99"],
                  ["--regions", "mars"], ["--alpha", "0"], ["--only", "mars"], ["--only", ","],
                  ["--only", "default_governance"]):
        assert _calibrate(tmp_path / "x", 1, *extra) == 2, extra
        assert capsys.readouterr().err.count("\n") == 1, extra
    assert not (tmp_path / "x").exists()


@pytest.mark.slow
def test_the_posterior_is_the_same_on_two_workers_and_the_held_out_table_is_written(tmp_path):
    pytest.importorskip("pyabc")
    assert _calibrate(tmp_path / "one", 2) == 0
    assert _calibrate(tmp_path / "two", 2, "-j", "2") == 0
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "one" / "posterior.csv"),
                                  pd.read_csv(tmp_path / "two" / "posterior.csv"))
    assert main(["calibrate", "--regions", "hedmark,agder", "--exclude", "agder", "--particles", "3",
                 "--generations", "1", "--heldout-replications", "2", "-q", "--out", str(tmp_path / "h")]) == 0
    text = (tmp_path / "h" / "heldout.md").read_text(encoding="utf-8")
    assert "Held out: agder" in text and "IKT Agder grows without exits" in text


@pytest.mark.slow
def test_the_posterior_is_the_same_on_a_dask_cluster(tmp_path):
    """Also the engine's Dask path with a tuple as the shared data, over several calls (each round
    of a generation is one): scatter once split the tuple and lost its int item between calls."""
    pytest.importorskip("pyabc")
    distributed = pytest.importorskip("distributed")
    from simulation.validation import abcsmc

    setup = abcsmc.Setup(regions=("hedmark",), population=4, seed=5)
    for name in ("serial", "dask"):
        (tmp_path / name).mkdir()
    abcsmc.run(setup, tmp_path / "serial", 2, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        abcsmc.run(setup, tmp_path / "dask", 2, client=client, progress=False)
    serial, dask = ([{k: v for k, v in p.items() if k != "stats"} for p in abcsmc.particles(tmp_path / n)]
                    for n in ("serial", "dask"))
    assert serial == dask
