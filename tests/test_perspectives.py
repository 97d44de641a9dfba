"""Each perspective's direction of effect, as a rule and in the running model."""

import numpy as np
import pytest

from simulation.parameters import Parameters
from simulation.perspectives import choice, cultural, instrumental, myth
from simulation.perspectives.choice import Option, Utilities, Weights

from .helpers import ensemble

P = Parameters()


# ---- instrumental -------------------------------------------------------------------------
def test_economies_of_scale_make_small_municipalities_pay_more_per_inhabitant():
    per_inhabitant = [instrumental.alone_cost(n, P) / n for n in (1_000, 5_000, 30_000, 100_000)]
    assert np.all(np.diff(per_inhabitant) < 0), per_inhabitant  # strictly: equal costs are no economies of scale


def test_transaction_cost_grows_faster_than_linearly_with_members():
    """Each further member adds more coordination cost than the one before (T convex in n). A
    cost linear in n, e.g. T = c*(n - 1) with exponent 1, adds the same for every member and fails."""
    from simulation.governance import GOVERNANCE_MODELS

    gov = GOVERNANCE_MODELS["iks"]
    pool, costs = instrumental.EMPTY_POOL.plus(10_000, 0.5), []
    for _ in range(2, 11):  # 2..10 equal members: no heterogeneity, only the number counts
        pool = pool.plus(10_000, 0.5)
        costs.append(instrumental.transaction_cost(pool, gov, P))
    added = np.diff(costs)
    assert np.all(added[1:] > added[:-1] * (1 + 1e-6)), added


def test_heterogeneity_raises_transaction_cost():
    from simulation.governance import GOVERNANCE_MODELS

    gov = GOVERNANCE_MODELS["iks"]
    alike = instrumental.EMPTY_POOL.plus(10_000, 0.5).plus(10_000, 0.5).plus(10_000, 0.5)
    unlike = instrumental.EMPTY_POOL.plus(1_000, 0.5).plus(2_000, 0.5).plus(27_000, 0.5)
    assert instrumental.transaction_cost(unlike, gov, P) > instrumental.transaction_cost(alike, gov, P)


def test_higher_fixed_cost_makes_small_municipalities_join_more():
    # three years: all inside the binding founding period at the defaults, so it is switched off
    # here to let members depart at all
    low = ensemble("synthetic", {"ticks": 3, "fixed_cost": 1e6, "founding_commitment": 0.0})
    high = ensemble("synthetic", {"ticks": 3, "fixed_cost": 2e7, "founding_commitment": 0.0})
    assert high["small_members"] > low["small_members"]
    assert high["departures"] < low["departures"]


# ---- cultural -----------------------------------------------------------------------------
def test_habit_grows_with_tenure_and_relaxes_at_junctures():
    values = [cultural.habit(t, False, P) for t in (0, 2, 5, 20)]
    assert values[0] == 0 and np.all(np.diff(values) > 0), values  # strictly
    assert cultural.habit(20, True, P) < cultural.habit(20, False, P)


def test_identity_fit_prefers_similar_trusted_same_region_partners():
    close = cultural.identity_fit(0.9, 1.0, 0.8, 1.0, P)
    far = cultural.identity_fit(0.1, 0.0, 0.1, 0.0, P)
    assert close > 0 > far


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=(
    "not under the one behavioural set: on synthetic (20 years) departures are rare and do not fall "
    "with habit (seeds 0-3: 0.25 at habit 0 and 3; seeds 0-7: 0.125 vs 0.375; with the new mechanisms "
    "off 90.25 vs 95.75); reported to issue 11, claim kept"))
def test_stronger_habit_lowers_exits():
    weak = ensemble("synthetic", {"ticks": 20, "habit_strength": 0.0})
    strong = ensemble("synthetic", {"ticks": 20, "habit_strength": 3.0})
    assert strong["departures"] < weak["departures"]


# ---- myth ---------------------------------------------------------------------------------
def test_legitimacy_rises_with_pressure_receptivity_and_formal_form():
    assert myth.legitimacy(0.8, 0.5, 0.5, P) > myth.legitimacy(0.2, 0.5, 0.5, P)
    assert myth.legitimacy(0.5, 0.9, 0.5, P) > myth.legitimacy(0.5, 0.1, 0.5, P)
    assert myth.legitimacy(0.5, 0.5, 1.0, P) > myth.legitimacy(0.5, 0.5, 0.0, P)


def test_imitation_is_stronger_under_uncertainty():
    assert myth.mimetic(0.5, 0.2, competence=0.2, p=P) > myth.mimetic(0.5, 0.2, competence=0.8, p=P)


@pytest.mark.slow
def test_stronger_legitimacy_pressure_raises_membership():
    # Under the myth perspective alone, membership is driven by legitimacy only.
    none = ensemble("synthetic", {"ticks": 5, "start_year": 2020, "perspectives": "myth", "legitimacy_weight": 0.0})
    strong = ensemble("synthetic", {"ticks": 5, "start_year": 2020, "perspectives": "myth", "legitimacy_weight": 4.0})
    assert strong["member_share"] > none["member_share"] + 0.3
    # With all three perspectives, stronger pressure keeps more municipalities in collaborations.
    # (Moves between collaborations rise with it: consolidation legitimacy makes collaborations
    # admit switchers more readily, so notices are not the measure here.)
    full_none = ensemble("synthetic", {"ticks": 5, "start_year": 2020, "legitimacy_weight": 0.0})
    full_strong = ensemble("synthetic", {"ticks": 5, "start_year": 2020, "legitimacy_weight": 4.0})
    assert full_strong["member_share"] > full_none["member_share"] + 0.03


# ---- choice -------------------------------------------------------------------------------
def test_logit_choice_is_greedy_when_cold_and_spread_when_hot():
    options = [Option("stay", utilities=Utilities(0.0, 0.0, 0.0)), Option("join", utilities=Utilities(1.0, 0.0, 0.0))]
    rng = np.random.default_rng(0)
    cold = [choice.logit_choice(options, Weights(1.0, 1.0, 1.0), 0.01, rng) for _ in range(200)]
    hot = [choice.logit_choice(options, Weights(1.0, 1.0, 1.0), 10.0, rng) for _ in range(2000)]
    assert set(cold) == {1}
    assert 0.4 < np.mean(hot) < 0.6


def test_tipping_perspective_is_the_one_that_contributed_most():
    stay = Option("stay", utilities=Utilities(instrumental=0.0, cultural=0.5, myth=0.0))
    join = Option("join", utilities=Utilities(instrumental=0.2, cultural=0.0, myth=0.9))
    assert choice.tipped_by([stay, join], 1, Weights(1.0, 1.0, 1.0)) == "myth"
    assert choice.tipped_by([stay, join], 0, Weights(1.0, 1.0, 1.0)) == "cultural"
    assert choice.tipped_by([stay, join], 1, Weights(instrumental=1.0, cultural=1.0, myth=0.0)) == "instrumental"


def test_switched_off_perspective_weighs_nothing():
    from simulation import CollaborationModel

    m = CollaborationModel("hedmark", seed=1, overrides={"perspectives": "instrumental,cultural"})
    assert m.weights.myth == 0.0 and m.weights.instrumental > 0 and m.weights.cultural > 0


def test_a_municipality_can_have_weights_of_its_own():
    """MODEL.md s4: weights per municipality, the scenario's by default; switching a perspective
    off zeroes it for every municipality; a municipality weighing only consequences never has a
    change tipped by culture or myth, while the others' are."""
    from simulation import CollaborationModel, metrics

    own = {f"municipalities.Grue.{w}": v for w, v in (("w_instrumental", 2.0), ("w_cultural", 0.0), ("w_myth", 0.0))}
    m = CollaborationModel("hedmark", seed=1, overrides={**own, "municipalities.Hamar.w_myth": 3.0})
    by_name = {mm.name: mm for mm in m.municipalities}
    assert by_name["Grue"].weights == Weights(instrumental=2.0, cultural=0.0, myth=0.0)
    assert by_name["Hamar"].weights == m.weights._replace(myth=3.0)
    assert by_name["Stange"].weights == m.weights
    off = CollaborationModel("hedmark", seed=1, overrides={**own, "municipalities.Hamar.w_myth": 3.0,
                                                           "perspectives": "instrumental,cultural"})
    assert {mm.name: mm.weights.myth for mm in off.municipalities}["Hamar"] == 0.0

    tipped: dict[bool, set[str]] = {True: set(), False: set()}
    for seed in range(1, 9):
        run = CollaborationModel("hedmark", seed=seed, overrides=own).run()
        d = metrics.decisions(run)
        d = d[d.choice != "stay"]
        tipped[True] |= set(d[d.municipality == "Grue"].tipped_by)
        tipped[False] |= set(d[d.municipality != "Grue"].tipped_by)
    assert tipped[True] and tipped[True] <= {"instrumental", "chance", "habit"}, tipped[True]
    assert {"cultural", "myth"} & tipped[False], tipped[False]


def test_lock_in_needs_switching_costs_to_be_decisive():
    stay = Option("stay", utilities=Utilities(0.0, 0.6, 0.0), switching=0.6)
    leave = Option("exit", utilities=Utilities(0.3, 0.0, 0.0), switching=-0.1)
    assert choice.locked_in([stay, leave], Weights(1.0, 1.0, 1.0))
    free = Option("exit", utilities=Utilities(0.3, 0.0, 0.0), switching=0.0)
    assert not choice.locked_in([Option("stay", utilities=Utilities(0.5, 0.0, 0.0)), free], Weights(1.0, 1.0, 1.0))

