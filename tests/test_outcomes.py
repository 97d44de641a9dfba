"""The declared outcomes and series (simulation/outcomes.py) are what a real run reports."""

from simulation import CollaborationModel, load_scenario, metrics
from simulation.outcomes import OUTCOMES, SERIES, SERIES_DEFAULT


def test_declared_outcomes_are_the_keys_summary_returns():
    model = CollaborationModel(load_scenario("two_hubs", {"ticks": 3}), seed=1).run()
    assert list(metrics.summary(model)) == list(OUTCOMES)


def test_declared_series_are_the_per_tick_columns():
    model = CollaborationModel(load_scenario("two_hubs", {"ticks": 2}), seed=1).run()
    assert list(metrics.series(model).columns) == ["tick", *SERIES]
    assert list(metrics.MODEL_REPORTERS) == list(SERIES)
    assert set(SERIES_DEFAULT) <= set(SERIES)


def test_every_outcome_and_series_has_a_meaning():
    assert all(text.strip() for text in (*OUTCOMES.values(), *SERIES.values()))
