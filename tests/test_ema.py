"""The EMA Workbench adapter: a tiny experiment runs through it and gives the declared outcomes."""

import numpy as np
import pytest

ema_workbench = pytest.importorskip("ema_workbench")

from simulation import ema  # noqa: E402
from simulation.outcomes import OUTCOMES  # noqa: E402

KEYS = ("temperature", "habit_strength", "found_max_partners")


def _run(model, n=4):
    from ema_workbench import SequentialEvaluator

    with SequentialEvaluator(model) as evaluator:
        return evaluator.perform_experiments(scenarios=n)


def test_uncertainties_follow_the_registry():
    params = {p.name: p for p in ema.uncertainties(KEYS, ranges={"temperature": (0.1, 1.0)})}
    assert isinstance(params["found_max_partners"], ema_workbench.IntegerParameter)
    assert (params["found_max_partners"].lower_bound, params["found_max_partners"].upper_bound) == (1, 20)
    assert isinstance(params["temperature"], ema_workbench.RealParameter)
    assert (params["temperature"].lower_bound, params["temperature"].upper_bound) == (0.1, 1.0)
    with pytest.raises(ValueError):
        ema.uncertainties(["temperature"], ranges={"temperature": (0.0, 1.0)})  # below the registry's 0.01
    with pytest.raises(ValueError):
        ema.uncertainties(["no_such_key"])


def test_tiny_experiment_shapes_and_outcome_names():
    model = ema.model("synthetic_small", keys=KEYS, ticks=5)
    experiments, outcomes = _run(model)
    assert len(experiments) == 4
    assert set(KEYS) <= set(experiments.columns)
    assert [(c.name, c.value) for c in model.constants] == [("seed", ema.DEFAULT_SEED)]
    assert list(outcomes) == list(OUTCOMES)
    assert all(np.shape(v) == (4,) for v in outcomes.values())
    assert np.isfinite(outcomes["member_share"]).all()


def test_seed_is_a_constant_so_a_rerun_is_identical():
    names = ["member_share", "joins"]
    model = ema.model("synthetic_small", keys=KEYS, ticks=5, outcome_names=names)
    a = ema.ScenarioRun(model.function.scenario, names, ticks=5)(temperature=0.5)
    b = ema.ScenarioRun(model.function.scenario, names, ticks=5)(temperature=0.5)
    assert a == b and list(a) == names


def test_seed_as_uncertainty():
    model = ema.model("synthetic_small", keys=KEYS[:1], ticks=5, seed_range=(1, 1000), outcome_names=["joins"])
    experiments, outcomes = _run(model, 3)
    assert experiments.seed.between(1, 1000).all()
    assert list(outcomes) == ["joins"]
