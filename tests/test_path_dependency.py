"""Increasing returns from sunk joint investments (000 L1140-1144) and path dependency, measured.

Known answers for the equations (``instrumental.joint_assets``, ``lasting_development``,
``sunk_stake``, ``sunk_loss``, ``appraise.leaving_terms``), their place in the model, and the
claim the mechanism is for: on two_hubs, with paired seeds, leaving gets rarer with tenure and
the early leader wins more often with increasing returns on than off (with the mechanism isolated:
see ISOLATED).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulation import CollaborationModel, load_scenario
from simulation.parameters import Parameters
from simulation.perspectives import appraise, choice, instrumental
from simulation.validation import path_dependency as pd

from .helpers import mechanisms_off

ON = Parameters(increasing_returns=1.0, sunk_stake_cost=600.0, sunk_development=0.1, sunk_life=8.0,
                juncture_relief=0.8)


# ---- known answers --------------------------------------------------------------------------------

def test_joint_assets_add_a_member_year_each_and_age_out():
    assert instrumental.joint_assets(8.0, 3, ON) == pytest.approx(8.0 * 7 / 8 + 3)  # 10
    assert instrumental.joint_assets(0.0, 3, ON.replace(increasing_returns=2.0)) == pytest.approx(6.0)
    off = ON.replace(increasing_returns=0.0)
    assert instrumental.joint_assets(0.0, 5, off) == 0.0  # off: no stock ever builds
    # a constant membership of n converges to n * life
    stock = 0.0
    for _ in range(400):
        stock = instrumental.joint_assets(stock, 4, ON)
    assert stock == pytest.approx(4 * 8.0)


def test_lasting_development_is_the_yield_of_the_stock():
    assert instrumental.lasting_development(10.0, ON) == pytest.approx(1.0)
    assert instrumental.lasting_development(0.0, ON) == 0.0


def test_a_members_stake_follows_the_stock_of_one_member():
    assert instrumental.sunk_stake(0, ON) == 0.0  # a newcomer has sunk nothing yet
    assert instrumental.sunk_stake(1, ON) == pytest.approx(1.0)
    assert instrumental.sunk_stake(2, ON) == pytest.approx(1.0 + 7 / 8)
    stock = 0.0
    for tenure in range(1, 15):  # the closed form is the recursion with one member
        stock = instrumental.joint_assets(stock, 1, ON)
        assert instrumental.sunk_stake(tenure, ON) == pytest.approx(stock)
    assert instrumental.sunk_stake(500, ON) == pytest.approx(8.0)  # at most sunk_life


def test_the_loss_on_leaving_grows_with_tenure_and_a_juncture_relaxes_it():
    assert instrumental.sunk_loss(2, False, ON) == pytest.approx(600.0 * 1.875)  # 1125 NOK/inh.
    assert instrumental.sunk_loss(2, True, ON) == pytest.approx(600.0 * 1.875 * 0.2)  # relief 0.8
    losses = [instrumental.sunk_loss(t, False, ON) for t in range(12)]
    assert all(b > a for a, b in zip(losses, losses[1:], strict=False))
    assert instrumental.sunk_loss(9, False, ON.replace(increasing_returns=0.0)) == 0.0


def test_leaving_terms_add_the_sunk_loss_to_the_exit_terms():
    assert appraise.leaving_terms(250.0, 2, False, ON) == pytest.approx(250.0 + 1125.0)
    assert appraise.leaving_terms(250.0, 2, True, ON) == pytest.approx(250.0 + 225.0)
    assert appraise.leaving_terms(250.0, 9, False, ON.replace(increasing_returns=0.0)) == 250.0


# ---- in the model -----------------------------------------------------------------------------------

def test_joint_assets_raise_development_quality_from_the_first_year():
    m = CollaborationModel("two_hubs", seed=0, overrides={"increasing_returns": 1.0})
    p = m.params
    for k in m.collaborations:  # the initial production: one year of three members
        assert k.joint_assets == pytest.approx(3.0)
        lasting = instrumental.lasting_development(k.joint_assets, p)
        assert k.development_quality == pytest.approx(instrumental.development_quality(k.development_output + lasting, p))
    off = CollaborationModel("two_hubs", seed=0, overrides={"increasing_returns": 0.0})
    assert all(k.joint_assets == 0.0 for k in off.collaborations)
    assert [k.development_quality for k in off.collaborations] < [k.development_quality for k in m.collaborations]


def test_a_members_exit_cost_includes_its_sunk_loss():
    m = CollaborationModel("two_hubs", seed=1, overrides={"increasing_returns": 1.0}).run(6)
    members = [mm for mm in m.municipalities if mm.collaboration is not None]
    assert any(mm.tenure >= 5 for mm in members)
    for mm in members:
        k = mm.collaboration
        terms = instrumental.exit_terms(k.governance, mm.population, mm.effective_share(), k.pool, m.cloud,
                                        m.env.juncture_open, m.params)
        assert mm.exit_cost() - terms == pytest.approx(instrumental.sunk_loss(mm.tenure, m.env.juncture_open, m.params))


# ---- the measurement --------------------------------------------------------------------------------

def test_tenure_bands_and_leaders():
    assert [pd.band_of(t) for t in (0, 2, 3, 5, 6, 9, 10, 25)] == [0, 0, 1, 1, 2, 2, 3, 3]
    assert pd.band_labels() == ["0-2", "3-5", "6-9", "10+"]
    run = pd.observe(load_scenario("two_hubs"), seed=0)
    names = ["West IKT", "East IKT"]
    assert pd.leader(run, 0, names) is None  # the hubs start equal
    sizes = run.sizes(run.arrangement.shape[0] - 1, names)
    assert pd.leader(run, run.arrangement.shape[0] - 1, names) == (
        None if sizes["West IKT"] == sizes["East IKT"] else max(sizes, key=sizes.get))


def test_observe_counts_every_leaving_decision_and_member_year():
    # without increasing returns a member of the two hubs now and then leaves or switches (seed 3:
    # once; with them on nobody does in most runs): an event to count
    scenario = load_scenario("two_hubs", {"increasing_returns": 0.0})
    run = pd.observe(scenario, seed=3)
    m = CollaborationModel(scenario, seed=3).run()  # the same run, unobserved
    leaving = sum(d.choice in (choice.EXIT, choice.SWITCH) for d in m.decisions)
    assert run.events.sum() == leaving > 0
    members = run.arrangement[:-1] != ""  # members at the start of each year (some under notice)
    assert 0 < run.exposure.sum() <= members.sum()
    assert [list(r) for r in run.arrangement[-1:]] == [[mm.collaboration_name for mm in m.municipalities]]


def test_rates_and_shares_have_intervals_around_them():
    rate = pd.pooled_rate(np.array([1, 0, 3]), np.array([10, 10, 20]))
    assert rate.value == pytest.approx(4 / 40) and rate.low <= rate.value <= rate.high
    s = pd.share(30, 40)
    assert s.value == 0.75 and s.low < 0.75 < s.high
    assert math.isnan(pd.share(0, 0).value)


def test_rate_ratio_without_leavers_has_no_interval():
    """Runs in which nobody leaves (as on two_hubs at the defaults, where the hubs merge) give no
    ratio and no interval, instead of an error from an empty quantile."""
    point, low, high = pd.rate_ratio(np.zeros((6, 4)), np.ones((6, 4)), 3, 0)
    assert math.isnan(point) and math.isnan(low) and math.isnan(high)
    point, low, high = pd.rate_ratio(np.array([[1, 0, 0, 1], [2, 0, 0, 0]]), np.full((2, 4), 10.0), 3, 0)
    assert point == pytest.approx(1 / 3) and low <= high


# ---- the claim: paired seeds on two_hubs, increasing returns off and on ------------------------------

SEEDS = range(40)
# Increasing returns isolated: the other mechanisms of the one behavioural set off, and no merger
# review. At the defaults the two hubs merge in every seed (merger_review_rate 0.338), so one
# collaboration takes all and the early leader "wins" 32 of 32 with increasing returns on and off
# alike (measured on these seeds); the claims below are about increasing returns, so they are
# measured where the two hubs compete and only that mechanism differs.
ISOLATED = mechanisms_off(merger_review_rate=0.0)


@pytest.fixture(scope="module")
def off_and_on():
    return (pd.measure("two_hubs", SEEDS, ISOLATED, juncture=False),
            pd.measure("two_hubs", SEEDS, {**ISOLATED, "increasing_returns": 1.0}, juncture=False))


def _late_vs_early(f: pd.Figures) -> float:
    """Hazard at tenure >= 6 over hazard at tenure < 6 (outside junctures)."""
    early = sum(h.events for h in f.hazard[:2]) / sum(h.exposure for h in f.hazard[:2])
    late = sum(h.events for h in f.hazard[2:]) / sum(h.exposure for h in f.hazard[2:])
    return late / early


def test_with_increasing_returns_leaving_gets_rarer_with_tenure(off_and_on):
    off, on = off_and_on
    assert _late_vs_early(on) < 0.5, "with sunk investments, long-standing members should leave less often"
    assert _late_vs_early(on) < _late_vs_early(off) / 3, "... far more so than without them"
    late_off = sum(h.events for h in off.hazard[2:]) / sum(h.exposure for h in off.hazard[2:])
    late_on = sum(h.events for h in on.hazard[2:]) / sum(h.exposure for h in on.hazard[2:])
    assert late_on < late_off / 3, "members of six years and more should leave far less often"


def test_with_increasing_returns_the_early_leader_keeps_its_lead(off_and_on):
    off, on = off_and_on
    assert on.leader_wins.n >= 20 and off.leader_wins.n >= 20
    assert on.leader_wins.value > 0.5, "the hub leading after three years should end ahead in most runs"
    # since two_hubs reviews at the model's rate (2026-12-02) the middle fills over more years and
    # 40 seeds no longer resolve "most runs" by the interval (65 % [48 %, 79 %]; 62 % [52 %, 71 %] on
    # seeds 0-39 and 100-199, 37 % [28 %, 47 %] off); what they add over none is resolved: 65 % against 36 %
    a, b = on.leader_wins, off.leader_wins
    diff = a.k / a.n - b.k / b.n
    se = math.sqrt(a.k / a.n * (1 - a.k / a.n) / a.n + b.k / b.n * (1 - b.k / b.n) / b.n)
    assert diff - 1.96 * se > 0, "early events should matter more than without increasing returns"


def test_late_entry_measures_hedmark_with_the_patterns_definitions():
    """``late_entry`` reads the bloc's and Sør-Odal's entry years by the validation patterns' own
    functions, seed by seed (it once called a name the patterns module no longer had)."""
    from simulation.validation import patterns

    result = pd.late_entry(range(2))
    expected = []
    for seed in range(2):
        m = CollaborationModel("hedmark", seed=seed).run()
        bloc, entry = patterns.bloc_year(m), patterns.late_year(m)
        expected.append(entry - bloc if bloc is not None and entry is not None else None)
    assert result.seeds == 2 and result.gaps == tuple(expected)


def test_rate_ratio_without_any_leaving_has_no_interval():
    """With nobody leaving in the early band (few seeds, a region that is one collaboration at
    once), the ratio is undefined and so is its interval: no crash (the page's ensemble measures
    six seeds)."""
    events = np.zeros((6, 4), dtype=int)
    exposure = np.full((6, 4), 10)
    point, low, high = pd.rate_ratio(events, exposure, 3, 0)
    assert math.isnan(point) and math.isnan(low) and math.isnan(high)
