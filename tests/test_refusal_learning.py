"""Applicants learn from refusal (``refusal_learning``; docs/validation.md, "A lock-out across
regions"): after n refusals in a row an outsider weighs applying again as a chance
(1 - refusal_learning)^n of joining and the rest of standing alone (``appraise.application``)."""

import pytest

from simulation.model import CollaborationModel
from simulation.overrides import apply_overrides
from simulation.parameters import Parameters
from simulation.perspectives import appraise
from simulation.perspectives.choice import Utilities
from simulation.scenario import load_scenario

JOIN, STAY = Utilities(2.0, -1.0, 0.5), Utilities(-1.0, 1.0, 0.0)


def test_a_first_application_is_weighed_as_joining():
    p = Parameters(refusal_learning=0.5)
    assert appraise.application(JOIN, STAY, 0, p) == JOIN


def test_without_learning_refusals_change_nothing():
    p = Parameters(refusal_learning=0.0)
    assert appraise.application(JOIN, STAY, 7, p) == JOIN


@pytest.mark.parametrize(("refusals", "chance"), [(1, 0.5), (2, 0.25), (3, 0.125)])
def test_each_refusal_halves_the_expected_chance_at_one_half(refusals, chance):
    p = Parameters(refusal_learning=0.5)
    expected = [chance * j + (1 - chance) * s for j, s in zip(JOIN, STAY, strict=True)]
    assert appraise.application(JOIN, STAY, refusals, p) == pytest.approx(expected)


# A generated region no calibration saw (synthetic_small, generator seed 52) at twice the
# stand-alone fixed cost: a collaboration founded in 2000 by 8 municipalities of R00 and 5 of R01
# refuses the other 17 of R01, who apply as one bloc every year (run 21 of experiment seed 6262).
SEED = 332203742334931879
REGION = {"generator.seed": 52, "fixed_cost": 15.96e6, "ticks": 8}


def _outside(refusal_learning: float) -> tuple[list[str], int]:
    keys = {**REGION, "refusal_learning": refusal_learning}
    model = CollaborationModel(apply_overrides(load_scenario("synthetic_small"), keys), seed=SEED).run()
    return [mm.region for mm in model.municipalities if mm.collaboration is None], len(model.collaborations)


def test_applicants_who_never_learn_stay_refused():
    outside, collaborations = _outside(0.0)
    assert len(outside) >= 15 and set(outside) == {"R01"} and collaborations == 1


def test_applicants_who_learn_from_refusal_found_their_own():
    outside, collaborations = _outside(0.1)
    assert outside == [] and collaborations == 2
