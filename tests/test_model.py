"""The model as a whole: determinism, invariants, outputs and the command line."""

import json

import numpy as np
import pandas as pd
import pytest

from simulation import CollaborationModel, metrics
from simulation.cli import main


def run_series(scenario, seed, **overrides):
    return metrics.series(CollaborationModel(scenario, seed=seed, overrides=overrides or None).run())


@pytest.mark.parametrize("scenario", ["hedmark", "two_hubs", pytest.param("synthetic", marks=pytest.mark.slow)])
def test_same_seed_same_series_different_seeds_differ(scenario):
    a, b = run_series(scenario, 1, ticks=15), run_series(scenario, 1, ticks=15)
    pd.testing.assert_frame_equal(a, b)
    others = [run_series(scenario, s, ticks=15) for s in (2, 3, 4)]
    assert any(not o.equals(a) for o in others)


def test_invariants_hold_on_every_tick():
    m = CollaborationModel("agder", seed=4)
    for _ in range(m.scenario.ticks):
        m.step()
        seen = set()
        for k in m.collaborations:
            assert len(k.members) >= 2
            assert sum(k.cost_shares()) == pytest.approx(1.0)
            for mm in k.members:
                assert mm.collaboration is k and mm.name not in seen
                seen.add(mm.name)
        for mm in m.municipalities:
            assert mm.population > 0 and mm.cost >= 0
            assert 0 <= mm.coordination <= 1 and 0 <= mm.leakage <= 1
            if mm.collaboration is None:
                assert mm.name not in seen


def test_every_decision_records_a_perspective():
    m = CollaborationModel("synthetic", seed=2, overrides={"ticks": 10}).run()
    d = metrics.decisions(m)
    changes = d[d.choice != "stay"]
    assert len(changes) > 0
    assert set(changes.tipped_by) <= {"instrumental", "cultural", "myth", "chance"}


def test_summary_has_the_outcomes_of_model_section_7():
    s = metrics.summary(CollaborationModel("hedmark", seed=1).run())
    for key in ("member_share", "collaborations", "largest_share", "joins", "exits", "mergers", "dissolutions",
                "mean_coordination", "mean_leakage", "cost_small", "cost_large", "development_output",
                "gain_small", "gain_large", "lock_in_share", "tipped_instrumental"):
        assert key in s


@pytest.mark.slow
def test_imcsim_run_writes_series_and_plots(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "hedmark", "--seed", "1", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "members at the end" in printed and "exits" in printed
    for name in ("series.csv", "municipalities.csv", "collaborations.csv", "decisions.csv", "mergers.csv",
                 "summary.json", "membership.png", "costs.png", "coordination.png", "network.png"):
        assert (out / name).stat().st_size > 0, name
    series = pd.read_csv(out / "series.csv")
    assert series.year.iloc[0] == 2004 and series.year.iloc[-1] == 2039
    for name in ("municipalities.csv", "collaborations.csv"):  # each row's budget year, as the series'
        table = pd.read_csv(out / name)
        assert (table.year == table.tick.map(dict(zip(series.tick, series.year, strict=True)))).all(), name
    assert list(pd.read_csv(out / "mergers.csv").columns) == ["year", "absorbing", "absorbed"]
    assert json.loads((out / "summary.json").read_text())["seed"] == 1


def test_imcsim_run_parquet_and_ticks(tmp_path):
    out = tmp_path / "pq"
    assert main(["run", "two_hubs", "--ticks", "5", "--format", "parquet", "--no-plots", "--out", str(out)]) == 0
    assert len(pd.read_parquet(out / "series.parquet")) == 6


def test_imcsim_refuses_bad_input_with_exit_code_2(capsys):
    assert main(["run", "atlantis"]) == 2
    assert main(["run", "hedmark", "--set", "fixed_cost=-1"]) == 2
    err = capsys.readouterr().err
    assert err.count("imcsim: error:") == 2 and "Traceback" not in err


def test_imcsim_lists_scenarios_params_and_governance(capsys):
    assert main(["scenarios"]) == 0
    assert main(["params", "fixed"]) == 0
    assert main(["governance"]) == 0
    out = capsys.readouterr().out
    assert "hedmark" in out and "fixed_cost" in out and "vertskommune" in out


def test_mean_of_a_few_values_is_numpys_to_the_last_bit():
    """metrics._mean adds fewer than eight values in Python: it must give np.mean's very float
    (the series would otherwise change in their last digits), signed zeros and infinities included."""
    rng = np.random.default_rng(5)
    specials = [0.0, -0.0, 1e16, -1e16, 1.0, -3.3, 1e-300, np.inf]
    for trial in range(20_000):
        n = int(rng.integers(1, 12))
        if trial % 3 == 0:
            values = rng.choice(specials, size=n)
        else:
            values = rng.normal(size=n) * 10.0 ** rng.integers(-20, 20, size=n)
        values = [float(x) for x in values]
        want, got = float(np.mean(values)), metrics._mean(values)
        assert got == want or (np.isnan(got) and np.isnan(want)), values
        assert np.signbit(got) == np.signbit(want), values
    assert metrics._mean([1, 2, 4]) == float(np.mean([1, 2, 4]))  # counts, as family_camps gives
