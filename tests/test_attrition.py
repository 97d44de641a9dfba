"""Attrition from Berg's reasons (000 L515-529): trust erosion, leadership, budget stress, attribution.

Known answers for each new equation (hand-computed), the switches (off: the mechanism's other
parameters change nothing and no random number is drawn), and runs in which members leave for
eroded trust, weak leadership and budget stress with the mechanisms on, and do not with them off.
"""

import numpy as np
import pytest

from simulation import CollaborationModel, metrics
from simulation.governance import GOVERNANCE_MODELS
from simulation.parameters import Parameters
from simulation.perspectives import appraise, attrition, choice, cultural, instrumental
from simulation.perspectives.choice import Decision, Weights

from .helpers import NEW_MECHANISMS_OFF

P = Parameters()
#: the three attrition mechanisms at their off values (all three are on at the registry defaults)
ATTRITION_OFF = {k: NEW_MECHANISMS_OFF[k] for k in ("trust_erosion", "leadership_turnover", "budget_stress_weight")}
IKS = GOVERNANCE_MODELS["iks"]


# ---- trust erosion -------------------------------------------------------------------------------

def test_erode_trust_known_answer():
    trust = np.full((4, 4), 0.5)
    p = P.replace(trust_erosion=0.1)
    conflicts = np.array([1, 0, 2, 5])
    cultural.erode_trust(trust, [np.array([0, 1, 2])], conflicts, p)
    assert trust[0, 1] == pytest.approx(0.5 * 0.9 ** 1)
    assert trust[1, 0] == pytest.approx(0.5 * 0.9 ** 1)  # both ways
    assert trust[0, 2] == pytest.approx(0.5 * 0.9 ** 3)  # each party's conflicts count
    assert trust[1, 2] == pytest.approx(0.5 * 0.9 ** 2)
    assert trust[0, 3] == 0.5 and trust[3, 2] == 0.5  # 3 is no co-member: its conflicts erode nothing here


def test_erode_trust_off_changes_nothing():
    trust = np.full((3, 3), 0.5)
    cultural.erode_trust(trust, [np.array([0, 1, 2])], np.array([3, 3, 3]), P.replace(trust_erosion=0.0))
    assert (trust == 0.5).all()


def test_conflict_rules_known_answers():
    p = P.replace(dispute_margin=0.25, project_shortfall=0.5, late_delay=1.0)
    assert cultural.cost_dispute(0.26, 0.2, 10.0, 0.0, p)  # 0.26 > 1.25 * 0.2
    assert not cultural.cost_dispute(0.24, 0.2, 10.0, 0.0, p)
    assert cultural.cost_dispute(0.2, 0.2, -1.0, 0.0, p)  # worse off than alone
    assert cultural.failed_project(2.4, 5.0, 0.0, p)  # 2.4 < 0.5 * 5
    assert not cultural.failed_project(2.6, 5.0, 1.0, p)
    assert cultural.failed_project(5.0, 5.0, 1.5, p)  # late
    assert cultural.standard_imposed(0.1, 0.2) and not cultural.standard_imposed(0.2, 0.1)


# ---- leadership ------------------------------------------------------------------------------------

def test_leadership_known_answers():
    p = P.replace(leadership_development=1.0, leadership_commitment=2.0, neutral_leadership=0.5)
    assert instrumental.leadership_factor(0.2, p) == pytest.approx(0.7)
    assert instrumental.leadership_factor(1.0, p) == pytest.approx(1.5)
    assert instrumental.leadership_factor(0.0, p.replace(leadership_development=2.0)) == 0.0
    assert instrumental.leadership_factor(0.0, p.replace(leadership_development=2.5)) == 0.0  # never negative
    assert cultural.commitment(0.2, p) == pytest.approx(2.0 * -0.3)
    # development lost: quality_value * e * (1 - operations_quality) * size gain * (neutral dq - dq)
    standing = instrumental.Standing(0.2, 0.0, 0.5, False, 0.2)
    size_gain = 5_000 / (5_000 + P.size_gain_half)
    want = P.quality_value * 1.0 * (1 - P.operations_quality) * size_gain * (0.5 - 0.2)
    assert instrumental.leadership_loss(5_000.0, 0.4, 1.0, standing, 0.5, P) == pytest.approx(want)


def test_commitment_enters_the_cultural_value_of_membership():
    me = appraise.Traits(4_000.0, 0.4, 0.6, 0.5, 0.7)
    pool = instrumental.EMPTY_POOL.plus(4_000.0, 0.5).plus(10_000.0, 0.5)
    weak = appraise.Prospect(IKS, pool, instrumental.Standing(0.5, 0.5, 0.5, False, 0.2))
    neutral = weak._replace(standing=weak.standing._replace(leadership=0.5))
    world = appraise.Conditions(1.0, 0.0, 1.0, False)
    u_weak = appraise.member(me, 0.5, weak, 0.1, 0.3, world, P)
    u_neutral = appraise.member(me, 0.5, neutral, 0.1, 0.3, world, P)
    assert u_weak.cultural - u_neutral.cultural == pytest.approx(P.leadership_commitment * (0.2 - 0.5))
    assert u_weak.instrumental == u_neutral.instrumental and u_weak.myth == u_neutral.myth


# ---- budget stress ---------------------------------------------------------------------------------

def test_fee_weight_known_answers():
    p = P.replace(budget_stress_weight=0.5, recommended_net_result=1.75)
    assert instrumental.fee_weight(0.75, p) == pytest.approx(0.5)  # 1 point below 1.75 %
    assert instrumental.fee_weight(4.3, p) == 0.0
    assert instrumental.fee_weight(-10.0, P.replace(budget_stress_weight=0.0)) == 0.0  # off


def test_member_fee_is_the_shared_cost_of_a_full_member():
    pool = instrumental.EMPTY_POOL.plus(4_000.0, 1.0).plus(10_000.0, 1.0)
    fee = instrumental.member_fee(IKS, 4_000.0, 1.0, pool, 1.0, P)
    share = instrumental.cost_share(IKS, 4_000.0, 1.0, pool)
    assert fee == pytest.approx(share * instrumental.pooled_cost(pool, IKS, P, 1.0) / 4_000.0)
    standing = instrumental.Standing(0.5, 0.0, 0.5, False)
    _, cost = instrumental.member_net_benefit(4_000.0, 0.4, 0.5, 1.0, pool, IKS, standing, 0.0, 1.0, P)
    assert cost == pytest.approx(fee)  # nothing run alone: the whole cost is the fee


def test_budget_stress_weighs_the_fee_in_the_appraisal():
    pool = instrumental.EMPTY_POOL.plus(4_000.0, 0.5).plus(10_000.0, 0.5)
    k = appraise.Prospect(IKS, pool, instrumental.Standing(0.5, 0.5, 0.5, False))
    world = appraise.Conditions(1.0, 0.0, 1.0, False)
    calm = appraise.Traits(4_000.0, 0.4, 0.6, 0.5, 0.7)
    stressed = calm._replace(fee_weight=0.4)
    fee = instrumental.member_fee(IKS, 4_000.0, 0.5, pool, 1.0, P)
    assert appraise.net_benefit(stressed, 0.5, k, world, P) == pytest.approx(
        appraise.net_benefit(calm, 0.5, k, world, P) - 0.4 * fee)


def test_heterogeneity_burden_known_answer():
    # members counted one each (transaction_size_share = 0): two members, (n - 1)^exponent = 1;
    # heterogeneity_weight = 1: the heterogeneity factor of a CV of 0.5 is 1.5
    p = P.replace(transaction_size_share=0.0, heterogeneity_weight=1.0)
    pool = instrumental.EMPTY_POOL.plus(1_000.0, 1.0).plus(3_000.0, 1.0)  # CV of 1,000 and 3,000 = 0.5
    # per-capita key: no surcharge; its quarter of the transaction cost's heterogeneity part
    t = p.transaction_cost * IKS.transaction_coefficient * 1.0 * 1.5
    want = 0.25 * (t - t / 1.5) / 1_000.0
    assert IKS.cost_key == "per_capita"
    assert instrumental.heterogeneity_burden(IKS, 1_000.0, 1.0, pool, 1.0, p) == pytest.approx(want)
    even = instrumental.EMPTY_POOL.plus(2_000.0, 1.0).plus(2_000.0, 1.0)
    assert instrumental.heterogeneity_burden(IKS, 2_000.0, 1.0, even, 1.0, p) == pytest.approx(0.0)


# ---- attribution -----------------------------------------------------------------------------------

def test_reasons_known_answer():
    w = Weights(1.0, 2.0, 0.5)
    stay = attrition.Side(profile=(0.5, 1.0, 0.1, 1.0), autonomy_cost=0.2, commitment=-0.3, instrumental=0.4,
                          misfit=50.0, heterogeneity=100.0, budget=25.0, leadership_loss=10.0, myth=0.6)
    go = attrition.alone(0.1, P)
    r = attrition.reasons(stay, go, w, P)
    scale = P.utility_scale
    assert r.trust == pytest.approx(2.0 * P.trust_weight * (0.3 - 0.1))
    assert r.leadership == pytest.approx(10.0 / scale + 2.0 * 0.3)
    assert r.budget == pytest.approx(25.0 / scale)
    assert r.heterogeneity == pytest.approx(100.0 / scale)
    assert r.technology == pytest.approx(50.0 / scale + 2.0 * P.family_weight * (0.5 - 1.0))
    assert r.distance == pytest.approx(2.0 * P.region_weight * (0.5 - 1.0))
    assert r.autonomy == pytest.approx(2.0 * 0.2)
    assert r.alternative == pytest.approx(0.5 * (0.0 - 0.6))
    assert r.cost == pytest.approx((0.1 - 0.4) - (50.0 + 100.0 + 25.0 + 10.0) / scale)
    assert attrition.weighed_most(r) == "leadership"  # 0.62 beats trust 0.24
    assert attrition.weighed_most(attrition.Reasons(*([-1.0] * 9))) == "chance"


def test_decision_keeps_its_old_fields_and_gains_a_reason():
    old = Decision(1, 2001, "A", "exit", "K", "instrumental", False)
    assert old.reason == ""
    assert Decision._fields[:7] == ("tick", "year", "municipality", "choice", "target", "tipped_by", "bloc")
    m = CollaborationModel("synthetic_small", seed=1).run(3)
    shares = [f"but_for_{r}" for r in attrition.Reasons._fields]
    assert list(metrics.decisions(m).columns) == [f for f in Decision._fields if f != "but_for"] + shares


def test_but_for_known_answer():
    """Two options, utilities 0 (stay) and 0.1 (the notice), temperature 0.2: the notice's chance is
    e^0.5 / (1 + e^0.5) = 0.62246; without a term of 0.3 it is e^-1 / (1 + e^-1) = 0.26894, so
    the term accounts for 1 - 0.26894 / 0.62246 = 0.56793 of it. A term that speaks for staying
    accounts for none; a term far larger than the temperature for all of it."""
    r = attrition.Reasons(trust=0.3, leadership=-0.2, budget=0.0, cost=50.0, heterogeneity=0.3,
                          technology=0.0, distance=0.0, autonomy=0.0, alternative=0.0)
    shares = attrition.but_for(r, [0.0, 0.1], 1, 0.2)
    assert shares.trust == pytest.approx(0.56793, abs=1e-5)
    assert shares.heterogeneity == shares.trust
    assert shares.leadership == 0.0 and shares.budget == 0.0
    assert shares.cost == pytest.approx(1.0)
    # a notice weighed as a delay counts half of what leaving brings: half of each term is taken out
    halved = attrition.but_for(r, [0.0, 0.1], 1, 0.2, after=0.5)
    assert halved.trust == pytest.approx(attrition.but_for(r._replace(trust=0.15), [0.0, 0.1], 1, 0.2).trust)
    assert halved.trust < shares.trust


def test_but_for_is_the_share_of_notices_the_term_accounts_for():
    """Drawn, not computed: among many logit draws with and without a reason's term in the notice's
    utility (three options: stay, exit, switch), the notices that go when the term goes are the
    share ``but_for`` gives, within four binomial standard errors (seeded: deterministic)."""
    u, chosen, term, temperature = [0.2, 0.0, -0.1], 1, 0.15, 0.25
    share = attrition.but_for(attrition.Reasons(*([term] + [0.0] * 8)), u, chosen, temperature).trust
    rng = np.random.default_rng(515)
    opts = [choice.Option("stay"), choice.Option("exit"), choice.Option("switch")]
    w = Weights(1.0, 0.0, 0.0)
    draws = 40_000
    with_term = sum(choice.logit_choice(opts, w, temperature, rng, u) == chosen for _ in range(draws))
    without = list(u)
    without[chosen] -= term
    without_term = sum(choice.logit_choice(opts, w, temperature, rng, without) == chosen for _ in range(draws))
    drawn = 1 - without_term / with_term
    p0, p1 = with_term / draws, without_term / draws
    se = np.sqrt(p1 * (1 - p1) / draws) / p0 + np.sqrt(p0 * (1 - p0) / draws) * p1 / p0**2
    assert abs(drawn - share) < 4 * se
    assert 0.2 < share < 0.6  # a case where the answer is neither none nor all


# ---- switches in the model -------------------------------------------------------------------------

def test_off_means_the_other_parameters_change_nothing():
    """With every attrition mechanism at its off value (pinned: they are on at the defaults), its
    other parameters do not matter and no random number is drawn for it: the run is the same to
    the last digit."""
    changed = {"dispute_margin": 0.0, "project_shortfall": 1.0, "late_delay": 0.0, "leadership_spread": 0.1,
               "leadership_development": 2.0, "leadership_commitment": 5.0, "economy_national_sd": 5.0,
               "economy_local_sd": 5.0, "economy_persistence": 0.9, "recommended_net_result": 9.0}
    a = CollaborationModel("synthetic_small", seed=3, overrides=ATTRITION_OFF).run()
    b = CollaborationModel("synthetic_small", seed=3, overrides={**ATTRITION_OFF, **changed}).run()
    pd_a, pd_b = metrics.municipality_series(a), metrics.municipality_series(b)
    assert pd_a.equals(pd_b)
    assert a.rng.random() == b.rng.random()


def test_economy_shares_national_years_and_varies_only_when_on():
    off = CollaborationModel("hedmark", seed=1, overrides={"budget_stress_weight": 0.0}).run(5)
    assert all(mm.net_result == mm.net_result_base for mm in off.municipalities)
    on = CollaborationModel("hedmark", seed=1, overrides={"budget_stress_weight": 0.3}).run(5)
    national = [mm.net_result - mm.net_result_base - mm.economy_own for mm in on.municipalities]
    assert np.allclose(national, on.env.economy) and on.env.economy != 0.0
    assert len({mm.economy_own for mm in on.municipalities}) == len(on.municipalities)
    for mm in on.municipalities:
        assert mm.fee_weight == pytest.approx(0.3 * max(0.0, 1.75 - mm.net_result))


def test_leadership_changes_with_turnover_only():
    stable = CollaborationModel("synthetic_small", seed=1, overrides={"leadership_turnover": 0.0,
                                                                       "leadership_mean": 0.3}).run(5)
    assert {k.leadership for k in stable.collaborations} == {0.3}
    moving = CollaborationModel("synthetic_small", seed=1, overrides={"leadership_turnover": 1.0,
                                                                       "leadership_spread": 0.2}).run(5)
    qualities = [k.leadership for k in moving.collaborations]
    assert all(0.3 - 1e-12 <= q <= 0.7 + 1e-12 for q in qualities) and len(set(qualities)) == len(qualities)


# ---- members leave for the reasons, attributed ---------------------------------------------------

def _reasons(overrides: dict, seeds=range(1, 21)) -> dict[str, int]:
    """Notices to leave by reason over twenty seeds of synthetic_small. The joint organisation's
    scale is pinned off (``collab_fixed_elasticity`` 0): at the defaults a pool of small
    municipalities runs so cheap an organisation that nobody leaves these short runs at all,
    and an attribution needs exits to attribute."""
    overrides = {"collab_fixed_elasticity": 0.0, **overrides}
    total = dict.fromkeys(attrition.REASONS, 0)
    for seed in seeds:
        for reason, n in metrics.exit_reasons(CollaborationModel("synthetic_small", seed=seed, overrides=overrides).run()).items():
            total[reason] += n
    return total


@pytest.mark.parametrize("reason, on, off", [
    ("leadership", {"leadership_turnover": 0.3, "leadership_commitment": 2.0},
     {"leadership_turnover": 0.0, "leadership_commitment": 2.0}),
    ("budget", {"budget_stress_weight": 1.0}, {"budget_stress_weight": 0.0}),
    ("trust", {"trust_erosion": 0.3, "project_shortfall": 0.8, "trust_weight": 1.5},
     {"trust_erosion": 0.0, "project_shortfall": 0.8, "trust_weight": 1.5}),
])
def test_members_leave_for_the_reason_only_when_its_mechanism_is_on(reason, on, off):
    assert _reasons(on)[reason] > 0
    assert _reasons(off)[reason] == 0


def test_summary_counts_notices_by_reason():
    m = CollaborationModel("synthetic_small", seed=2, overrides={"budget_stress_weight": 1.0}).run()
    s = metrics.summary(m)
    notices = [d for d in m.decisions if d.choice in (choice.EXIT, choice.SWITCH)]
    assert sum(s[f"notices_{r}"] for r in attrition.REASONS) == len(notices)
    assert all(d.reason in attrition.REASONS for d in notices)
    assert all(d.reason == "" for d in m.decisions if d.choice not in (choice.EXIT, choice.SWITCH))


def test_summary_sums_each_reasons_share_of_the_notices():
    """``but_for_<reason>`` is each notice's share summed, a share lies in [0, 1], a notice has one
    share per reason, and any other decision has none (loose networks: members leave)."""
    m = CollaborationModel("synthetic_small", seed=1, overrides={"default_governance": "loose_network"}).run()
    s = metrics.summary(m)
    notices = [d for d in m.decisions if d.choice in (choice.EXIT, choice.SWITCH)]
    assert notices
    for k, reason in enumerate(attrition.Reasons._fields):
        assert s[f"but_for_{reason}"] == pytest.approx(sum(d.but_for[k] for d in notices))
    assert all(len(d.but_for) == len(attrition.Reasons._fields) for d in notices)
    assert all(0.0 <= x <= 1.0 for d in notices for x in d.but_for)
    assert all(d.but_for == () for d in m.decisions if d.choice not in (choice.EXIT, choice.SWITCH))


def test_summary_sums_the_shares_of_the_exits_alone():
    """``exits_but_for_<reason>`` sums the shares over exits only, not over wishes to switch: on a
    run with both, it equals the exits' sum and falls short of the notices' (``but_for_<reason>``)
    by the switches' shares (synthetic with loose networks: 6 exits and 57 wishes to switch)."""
    m = CollaborationModel("synthetic", seed=2, overrides={"default_governance": "loose_network"}).run()
    s = metrics.summary(m)
    left = [d for d in m.decisions if d.choice == choice.EXIT]
    switched = [d for d in m.decisions if d.choice == choice.SWITCH]
    assert left and switched
    for k, reason in enumerate(attrition.Reasons._fields):
        assert s[f"exits_but_for_{reason}"] == pytest.approx(sum(d.but_for[k] for d in left))
        assert s[f"but_for_{reason}"] - s[f"exits_but_for_{reason}"] == pytest.approx(sum(d.but_for[k] for d in switched))
    assert sum(s[f"exits_but_for_{r}"] for r in attrition.Reasons._fields) > 0


def test_no_notice_is_accounted_for_by_a_mechanism_switched_off():
    """Budget stress and leadership off, their terms are zero, so they account for no notice;
    on (the defaults), they account for some on the same seeds."""
    loose = {"default_governance": "loose_network"}
    off = {**loose, "budget_stress_weight": 0.0, "leadership_turnover": 0.0}
    totals = {}
    for label, overrides in (("on", loose), ("off", off)):
        runs = [metrics.summary(CollaborationModel("synthetic_small", seed=seed, overrides=overrides).run())
                for seed in range(1, 9)]
        totals[label] = {r: sum(s[f"but_for_{r}"] for s in runs) for r in ("budget", "leadership")}
    assert totals["off"] == {"budget": 0.0, "leadership": 0.0}
    assert totals["on"]["budget"] > 0.0 and totals["on"]["leadership"] > 0.0


def test_conflict_hooks_count_only_when_erosion_is_on():
    for erosion, want in ((0.2, 1), (0.0, 0)):
        m = CollaborationModel("agder", seed=1, overrides={"trust_erosion": erosion})
        k = m.collaborations[0]
        proposer = k.members[0]
        k.voice, k.proposers = 0.0, [proposer]  # a proposal that does not reach the reform threshold
        k.consider_reform()
        assert m.conflicts[proposer.index] == want and k.proposers == []
        k.development_output, k.capacity, k.delay = 0.1, 5.0, 0.0  # a failed project: every member
        assert set(k.disputes()) >= set(k.members)


def test_conflicts_erode_co_members_trust_in_a_run():
    """The same run with erosion on: conflicts happen and co-members' trust ends lower."""
    def co_member_trust(model):
        return np.mean([model.trust[i, j] for k in model.collaborations for i in k.member_indices()
                        for j in k.member_indices() if i != j])
    on = CollaborationModel("synthetic_small", seed=1, overrides={"trust_erosion": 0.3, "project_shortfall": 0.8})
    conflicts = 0
    for _ in range(10):
        on.step()
        conflicts += int(on.conflicts.sum())
    off = CollaborationModel("synthetic_small", seed=1, overrides={"trust_erosion": 0.0, "project_shortfall": 0.8}).run(10)
    assert conflicts > 0
    assert co_member_trust(on) < co_member_trust(off)


def test_the_one_set_attrition_experiment_changes_no_behaviour():
    """experiments/attrition_one_set.toml fixes only the institution (every collaboration a loose
    network) and switches each mechanism between off and its registry default: a change of a
    default leaves the file stale, and this fails."""
    import tomllib
    from pathlib import Path

    spec = tomllib.loads((Path(__file__).resolve().parents[1] / "experiments" / "attrition_one_set.toml").read_text())
    assert spec["fixed"] == {"default_governance": "loose_network"}
    assert set(spec["parameters"]) == set(ATTRITION_OFF)
    for key, factor in spec["parameters"].items():
        assert factor["levels"] == [ATTRITION_OFF[key], getattr(P, key)], key


def test_the_attrition_figure_draws_from_the_one_set_experiment(tmp_path, monkeypatch, capsys):
    """experiments/attrition_reasons.py with the one-set experiment file (loose networks), on a
    small region and three paired seeds: it writes the figure, reports exits on and off, and with
    --markdown prints them as a table row."""
    import runpy
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "attrition.png"
    monkeypatch.setattr(sys, "argv", ["attrition_reasons.py", "--experiment", str(root / "experiments" / "attrition_one_set.toml"),
                                      "--region", "synthetic_small", "--seeds", "3", "--first-seed", "4", "--out", str(out),
                                      "--markdown"])
    runpy.run_path(str(root / "experiments" / "attrition_reasons.py"), run_name="__main__")
    text = capsys.readouterr().out
    assert out.stat().st_size > 10_000
    assert "exits a run: on" in text and "(95 %, seeds 4-6 paired)" in text
    assert "exits trust accounts for, on - off" in text
    assert "exits the three account for, on - off, summed" in text
    row = next(line for line in text.splitlines() if line.startswith("| synthetic_small | 4-6 |"))
    assert len(row.strip("|").split("|")) == 5


def test_the_exits_the_reasons_account_for_are_the_exits_switching_them_off_removes():
    """Two measures of the same attrition (docs/ODD.md 7.25, "At the one set"): per decision, the
    exits eroded trust, weak leadership and budget stress account for (on - off, summed over the
    three); per history, the exits switching the three mechanisms off removes (paired seeds).
    synthetic_small with loose networks, seeds 1-30: the first lies inside the second's 95 %
    interval, and that interval excludes zero. A ``but_for`` that counted nothing, or twice what it
    should (2.6 against an interval of [0.1, 2.4]), fails it."""
    from simulation.experiments.analysis import mean_ci

    loose = {"default_governance": "loose_network"}
    off = {**loose, **ATTRITION_OFF}
    exits, accounted = {"on": [], "off": []}, {"on": [], "off": []}
    for seed in range(1, 31):
        for label, overrides in (("on", loose), ("off", off)):
            d = metrics.decisions(CollaborationModel("synthetic_small", seed=seed, overrides=overrides).run())
            d = d[d.choice == choice.EXIT]
            exits[label].append(len(d))
            accounted[label].append(sum(d[f"but_for_{r}"].sum() for r in ("trust", "leadership", "budget")))
    mean, half, _ = mean_ci(np.subtract(exits["on"], exits["off"], dtype=float))
    added = float(np.mean(accounted["on"]) - np.mean(accounted["off"]))
    assert mean - half > 0
    assert mean - half < added < mean + half


def test_the_county_benchmark_tabulates_the_one_set_experiment_per_county(tmp_path, capsys):
    """benchmarks/attrition_counties.py (docs/validation.md, "At a county's scale"): a row per
    county with the exits a run on / off that the county's own runs give, its verdict and the
    summed attribution; an unknown county is refused with the known ones."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "attrition_counties.py"
    spec = importlib.util.spec_from_file_location("attrition_counties", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--counties", "Vestfold,Østfold", "--seeds", "3", "--first-seed", "1", "-j", "1"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith(("| Vestfold", "| Østfold"))]
    assert [r.split(" (")[0] for r in rows] == ["| Vestfold", "| Østfold"]
    files = bench.county_files(["Østfold"], tmp_path)
    county, n = files["Østfold"]
    assert n == 12
    loose = {"default_governance": "loose_network"}
    mean = {}
    for label, overrides in (("on", loose), ("off", {**loose, **ATTRITION_OFF})):
        exits = [(metrics.decisions(CollaborationModel(str(county), seed=s, overrides=overrides).run()).choice
                  == choice.EXIT).sum() for s in (1, 2, 3)]
        mean[label] = np.mean(exits)
    assert f"| Østfold (12) | {mean['on']:.2f} / {mean['off']:.2f} |" in rows[1]
    assert rows[1].count("|") == 6 and rows[1].rstrip("| ").endswith(("inside", "outside"))
    with pytest.raises(SystemExit) as refused:
        bench.main(["--counties", "Nowhere", "--seeds", "3"])
    assert refused.value.code == 2
