"""A region locked out (docs/validation.md, "A region locked out"): on a generated region no
calibration saw (the synthetic generator's seed 12), the outsiders of one region apply year after
year as one bloc to a four-member collaboration of their own region and are refused every time.
The cost of excluding region-mates (004 L880), on by default, lets them in."""

from simulation.model import CollaborationModel
from simulation.overrides import apply_overrides
from simulation.parameters import Parameters
from simulation.scenario import load_scenario

# The seed of the effects run (experiment seed 4242, run 66) where the dearer stand-alone cost
# left 15 of the region's small municipalities outside for 38 years.
SEED = 3742301118866134609
REGION = {"generator.seed": 12, "fixed_cost": 15.96e6, "ticks": 12}


def _outside(exclusion_cost: float | None) -> list[str]:
    # "off" switches off both answers to the lock-out: the exclusion cost and learning from refusal
    keys = dict(REGION) if exclusion_cost is None else {**REGION, "exclusion_cost": exclusion_cost,
                                                         "refusal_learning": 0.0}
    model = CollaborationModel(apply_overrides(load_scenario("synthetic"), keys), seed=SEED).run()
    return [mm.region for mm in model.municipalities if mm.collaboration is None]


def test_without_the_exclusion_cost_a_whole_region_is_refused_for_years():
    outside = _outside(0.0)
    assert len(outside) >= 20 and set(outside) == {"R01"}


def test_with_the_default_exclusion_cost_the_region_is_admitted():
    assert Parameters().exclusion_cost > 0
    assert len(_outside(None)) <= 2
