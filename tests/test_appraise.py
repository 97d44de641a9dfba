"""The theory room (perspectives.appraise): each option's utilities under the three perspectives,
and the named theory constants that replaced literals."""

import ast
from pathlib import Path

import networkx as nx
import pytest

from simulation.governance import GOVERNANCE_MODELS
from simulation.parameters import Parameters
from simulation.perspectives import appraise, cultural, instrumental, myth
from simulation.perspectives.choice import Utilities, combined

P = Parameters()
ME = appraise.Traits(population=4_000.0, competence=0.4, ambition=0.6, autonomy=0.5, receptivity=0.7)
WORLD = appraise.Conditions(legitimacy=0.6, risk=0.3, cloud=0.0, juncture_open=False)
GOV = GOVERNANCE_MODELS["iks"]
STANDING = instrumental.Standing(development_quality=0.5, delay=0.5, standard=0.5, mandatory=False)


def _prospect(share: float) -> appraise.Prospect:
    pool = instrumental.EMPTY_POOL.plus(20_000.0, 0.6).plus(ME.population, share)
    return appraise.Prospect(GOV, pool, STANDING)


def test_every_option_returns_named_utilities():
    joined = appraise.join(ME, 0.5, _prospect(0.5), 0.1, 0.5, 0.2, 400.0, WORLD, P)
    assert isinstance(joined, Utilities)
    assert joined.cultural == pytest.approx(0.1 - cultural.autonomy_cost(ME.autonomy, 0.5, P))
    assert joined.myth == pytest.approx(myth.legitimacy(0.6, 0.7, GOV.legitimacy, P) + myth.mimetic(0.5, 0.2, 0.4, P))


def test_one_off_costs_lower_only_the_instrumental_utility_of_joining():
    cheap = appraise.join(ME, 0.5, _prospect(0.5), 0.1, 0.5, 0.2, 0.0, WORLD, P)
    dear = appraise.join(ME, 0.5, _prospect(0.5), 0.1, 0.5, 0.2, 800.0, WORLD, P)
    assert dear.instrumental == pytest.approx(cheap.instrumental - 800.0 / P.horizon / P.utility_scale)
    assert (dear.cultural, dear.myth) == (cheap.cultural, cheap.myth)


def test_the_myth_is_blind_to_leakage_but_not_to_declared_coordination():
    belonging = appraise.belonging(ME, GOV, 0.5, 0.1, WORLD, P)
    leaked = appraise.leak(appraise.member(ME, 0.4, _prospect(0.4), 0.0, belonging, WORLD, P))
    raised = appraise.raise_coordination(ME, appraise.member(ME, 0.6, _prospect(0.6), 0.0, belonging, WORLD, P),
                                         0.1, WORLD, P)
    lowered = appraise.lower_coordination(ME, appraise.member(ME, 0.4, _prospect(0.4), 0.0, belonging, WORLD, P),
                                          0.1, WORLD, P)
    assert leaked.myth == belonging
    assert raised.myth > belonging > lowered.myth


def test_habit_and_voice_add_to_being_a_member():
    now = appraise.member(ME, 0.5, _prospect(0.5), 0.2, 0.3, WORLD, P)
    stay = appraise.stay_member(now, 0.4)
    assert stay.cultural == pytest.approx(now.cultural + 0.4) and stay.instrumental == now.instrumental
    voiced = appraise.voice(ME, now, 0.5, STANDING, 0.6, 2, P)
    assert voiced.instrumental > now.instrumental and voiced.cultural == pytest.approx(now.cultural + P.voice_weight * 0.6)
    assert appraise.voice(ME, now, 0.5, STANDING, 0.6, 0, P).cultural == float("-inf")


def test_exit_is_standing_alone_less_the_terms():
    alone = appraise.stay_alone(100.0, 0.0, P)
    out = appraise.exit(100.0, 800.0, P)
    assert out == Utilities(alone.instrumental - 800.0 / P.horizon / P.utility_scale, 0.0, 0.0)


def test_a_notice_delays_what_leaving_brings_for_its_share_of_the_horizon():
    """Known answer: with a notice of 2 years and a horizon of 8, leaving is weighed as a quarter
    staying on today's terms and three quarters standing alone; off at foresight 0; a notice as
    long as the horizon leaves nothing of leaving."""
    now = appraise.member(ME, 0.5, _prospect(0.5), 0.2, 0.3, WORLD, P)
    out = appraise.exit(100.0, 800.0, P)
    p8 = P.replace(horizon=8.0, notice_foresight=1.0)
    weighed = appraise.after_notice(out, now, 2, p8)
    assert weighed == pytest.approx(tuple(0.25 * a + 0.75 * b for a, b in zip(now, out, strict=True)))
    assert appraise.after_notice(out, now, 2, p8.replace(notice_foresight=0.5)) == pytest.approx(
        tuple(0.125 * a + 0.875 * b for a, b in zip(now, out, strict=True)))
    assert appraise.after_notice(out, now, 2, p8.replace(notice_foresight=0.0)) is out
    assert appraise.after_notice(out, now, 0, p8) is out
    assert appraise.after_notice(out, now, 12, p8) == pytest.approx(tuple(now))


def test_admission_judges_applicants_by_identity_fit_at_neutral_culture_and_family():
    """Region-mates (share 1) also carry the cost of excluding them (004 L880)."""
    u = appraise.admit(ME, 0.5, 0.0, _prospect(0.5), 1.0, 0.8, WORLD, P)
    assert u.cultural == (cultural.identity_fit(P.neutral_similarity, 1.0, 0.8, P.neutral_family_share, P)
                          + cultural.exclusion_cost(1.0, P))
    assert u.cultural == pytest.approx(P.region_weight * (1.0 - P.neutral_region_share) + P.trust_weight * (0.8 - P.neutral_trust)
                                       + P.exclusion_cost)
    assert u.myth == myth.consolidation(WORLD.legitimacy, ME.receptivity, P) > 0


def test_a_merger_is_judged_by_the_change_it_brings():
    now = _prospect(0.5)
    assert appraise.merge(ME, 0.5, now, now, 0.1, 0.1, WORLD, P)[:2] == (0.0, 0.0)


def test_for_the_absorbed_a_merger_is_a_move_at_merger_switching_of_its_costs():
    """Known answer: migration (+ a family switch under mandatory systems) spread over the horizon
    off the instrumental side, the habit given up off the cultural side; nothing at share 0."""
    one_off, habit = appraise.merger_move(True, 6.0, False, P)
    assert one_off == pytest.approx(P.merger_switching * (P.migration_cost + P.family_switch_cost))
    assert habit > 0 and habit == pytest.approx(P.merger_switching * cultural.habit(6.0, False, P))
    now = _prospect(0.5)
    free = appraise.merge(ME, 0.5, now, now, 0.1, 0.1, WORLD, P)
    moved = appraise.merge(ME, 0.5, now, now, 0.1, 0.1, WORLD, P, one_off, habit)
    assert moved.instrumental == pytest.approx(free.instrumental - one_off / P.horizon / P.utility_scale)
    assert moved.cultural == pytest.approx(free.cultural - habit) and moved.myth == free.myth
    # a juncture relaxes the habit part only; no family switch, no family switch cost
    assert appraise.merger_move(True, 6.0, True, P)[1] == pytest.approx(habit * (1 - P.juncture_relief))
    assert appraise.merger_move(False, 6.0, False, P)[0] == pytest.approx(P.merger_switching * P.migration_cost)
    assert appraise.merger_move(True, 6.0, False, P.replace(merger_switching=0.0)) == (0.0, 0.0)


# ---- named theory constants ------------------------------------------------------------------
def test_identity_fit_is_zero_at_the_neutral_points_whatever_they_are():
    for q in (P, P.replace(neutral_trust=0.6, neutral_similarity=0.2, neutral_region_share=0.9, neutral_family_share=0.1)):
        assert cultural.identity_fit(q.neutral_similarity, q.neutral_region_share, q.neutral_trust,
                                     q.neutral_family_share, q) == 0.0
    assert cultural.identity_fit(0.5, 0.5, 0.5, 0.5, P.replace(neutral_trust=0.6)) < cultural.identity_fit(0.5, 0.5, 0.5, 0.5, P)


def test_informal_form_legitimacy_sets_what_an_unsanctioned_form_carries():
    full = myth.legitimacy(0.8, 0.5, 1.0, P)
    assert myth.legitimacy(0.8, 0.5, 0.0, P) == pytest.approx(P.informal_form_legitimacy * full)
    flat = P.replace(informal_form_legitimacy=1.0)
    assert myth.legitimacy(0.8, 0.5, 0.0, flat) == myth.legitimacy(0.8, 0.5, 1.0, flat)


# ---- structure -------------------------------------------------------------------------------
THEORY_ROOMS = ("model", "agents", "collective", "metrics", "state", "perspectives/appraise",
                "perspectives/choice", "perspectives/cultural", "perspectives/instrumental", "perspectives/myth")


def test_the_theory_rooms_import_each_other_without_cycles_or_hidden_imports():
    """Only module-level imports (TYPE_CHECKING-only ones aside), and no cycle among them."""
    package = Path(__file__).parents[1] / "simulation"
    graph = nx.DiGraph()
    for room in THEORY_ROOMS:
        tree = ast.parse((package / f"{room}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                hidden = [n for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))]
                assert not hidden, f"{room}.{node.name} imports inside a function"
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.level:
                here = room.split("/")[:-1]
                base = here[: len(here) - node.level + 1]
                names = [node.module] if node.module else [a.name for a in node.names]
                for name in names:
                    graph.add_edge(room, "/".join(base + name.split(".")))
    assert not list(nx.simple_cycles(graph))


def test_packed_pair_counts_give_the_same_group_profile():
    """cultural.coded_profile (the model's fast path) = cultural.group_profile, number for number."""
    import numpy as np

    rng = np.random.default_rng(3)
    n = 40
    culture, region, family = rng.integers(0, 5, (n, 4)), rng.integers(0, 6, n), rng.integers(0, 3, n)
    trust = rng.random((n, n))
    alike = cultural.sameness(culture, region, family)
    for i in range(n):
        members = rng.choice(n, size=rng.integers(1, n), replace=False)
        assert cultural.coded_profile(i, members, alike, trust) == cultural.group_profile(i, members, culture, region,
                                                                                          family, trust)


# ---- exclusion cost: refusing region-mates (004 L880) -------------------------------------------
def test_exclusion_cost_is_the_weight_times_the_share_of_region_mates_and_off_at_zero():
    on, off = Parameters(exclusion_cost=2.0), Parameters(exclusion_cost=0.0)
    assert cultural.exclusion_cost(0.25, on) == pytest.approx(0.5)
    assert cultural.exclusion_cost(1.0, off) == 0.0
    off_vote = appraise.admit(ME, 0.5, 0.0, _prospect(0.5), 0.25, 0.8, WORLD, off)
    on_vote = appraise.admit(ME, 0.5, 0.0, _prospect(0.5), 0.25, 0.8, WORLD, on)
    assert on_vote.cultural == pytest.approx(off_vote.cultural + 0.5)
    assert (on_vote.instrumental, on_vote.myth) == (off_vote.instrumental, off_vote.myth)


def test_a_small_region_mate_refused_without_exclusion_cost_is_admitted_with_it():
    """A small applicant that costs the member net benefit (a full transaction-cost step for little
    pooled population) is voted down; with the cost of excluding a region-mate it is voted in,
    while one from another region is still refused."""
    grown = _prospect(0.5)
    net_after = appraise.net_benefit(ME, 0.5, grown, WORLD, P)
    net_now = net_after + 3.0 * P.utility_scale  # admitting costs the member 3 utility units
    weights = (1.0, 1.0, 1.0)
    on, off = Parameters(exclusion_cost=4.0), Parameters(exclusion_cost=0.0)
    refused = combined(appraise.admit(ME, 0.5, net_now, grown, 1.0, P.neutral_trust, WORLD, off), weights)
    admitted = combined(appraise.admit(ME, 0.5, net_now, grown, 1.0, P.neutral_trust, WORLD, on), weights)
    stranger = combined(appraise.admit(ME, 0.5, net_now, grown, 0.0, P.neutral_trust, WORLD, on), weights)
    assert refused < 0 < admitted
    assert stranger < 0
