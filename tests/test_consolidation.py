"""Consolidation (docs/ODD.md "Consolidation"): members' wishes to switch become merger proposals
(``merger_route``), a merger carries extra legitimacy (``merger_myth``), foundings need enough
founders (``found_min_partners``), a founding agreement binds (``founding_commitment``). Since the
one behavioural set (issue 11) the first three are on by default, and since the posterior-median
defaults (issue 12) ``founding_commitment`` is on (docs/ODD.md 7.19a); tests of the off behaviour pin the off
values (tests/helpers.NEW_MECHANISMS_OFF)."""

import numpy as np
import pytest

from simulation import collective
from simulation.model import CollaborationModel
from simulation.parameters import Parameters
from simulation.perspectives import choice, instrumental, myth
from simulation.scenario import scenario_from_dict

from .helpers import NEW_MECHANISMS_OFF

SEEDS = range(5)
#: the consolidation rules at their off values
CONSOLIDATION_OFF = {k: NEW_MECHANISMS_OFF[k] for k in ("merger_route", "merger_myth", "found_min_partners")}
#: no yearly merger review: only the members' wishes to switch can move the pair
NO_REVIEW = {"merger_review_rate": 0.0}


def two_collaborations(pair_county: str | None = None, pair_region: str = "A", **parameters):
    """Four municipalities of 20,000 in 'Big IKT' (an IKS) next to a pair of 1,500-inhabitant
    municipalities in 'Pair IKT' (host), all in one region: the pair's members do better in the
    big one. ``pair_county``: the pair lies in that county, Big IKT in county 'A'; ``pair_region``:
    the pair's region."""
    munis = [{"name": f"Big{i}", "population": 20000, "region": "A", "x": 8.0 + 0.1 * i, "y": 58.0} for i in range(4)]
    munis += [{"name": f"Small{i}", "population": 1500, "region": pair_region, "x": 8.4 + 0.1 * i, "y": 58.0} for i in range(2)]
    if pair_county is not None:
        for mu in munis:
            mu["county"] = pair_county if mu["name"].startswith("Small") else "A"
    return scenario_from_dict({
        "name": "consolidation_case", "start_year": 2015, "ticks": 8, "default_governance": "iks",
        "trust": {"within_region": 0.6, "between_regions": 0.1},
        "collaborations": [{"name": "Big IKT", "governance": "iks", "members": [f"Big{i}" for i in range(4)]},
                           {"name": "Pair IKT", "governance": "host", "members": ["Small0", "Small1"]}],
        "municipalities": munis, "parameters": parameters})


def fate_of_pair(model: CollaborationModel) -> str:
    pair = next(k for k in model.history if k.name == "Pair IKT")
    if any(small == "Pair IKT" for _, _, small in model.merger_log):
        return "merged"
    return "dissolved" if pair.ended is not None else "alive"


def test_switches_dissolve_the_pair_with_the_rules_off():
    """The case the rules address: with them off (and no merger review) the pair's members switch
    one by one and the pair dissolves, in every seed."""
    for seed in SEEDS:
        m = CollaborationModel(two_collaborations(**CONSOLIDATION_OFF, **NO_REVIEW), seed=seed).run()
        assert fate_of_pair(m) == "dissolved"
        assert any(d.choice == choice.SWITCH and d.target == "Big IKT" for d in m.decisions)
        assert m.merger_log == []


def test_by_default_the_switches_become_a_merger():
    """With the defaults (merger_route on) the same wishes to switch, with no merger review to
    help, merge the pair into Big IKT in every seed: nothing dissolves."""
    for seed in SEEDS:
        m = CollaborationModel(two_collaborations(**NO_REVIEW), seed=seed).run()
        assert fate_of_pair(m) == "merged"
        assert [(big, small) for _, big, small in m.merger_log] == [("Big IKT", "Pair IKT")]
        assert m.counts["dissolutions"] == 0


def test_with_the_rules_on_the_pair_merges_instead_of_dissolving():
    """Routed to the collaboration, the same wishes to switch become a merger, voted by both."""
    for seed in SEEDS:
        m = CollaborationModel(two_collaborations(merger_route=1.0, merger_myth=2.0), seed=seed).run()
        assert fate_of_pair(m) == "merged"
        assert [(big, small) for _, big, small in m.merger_log] == [("Big IKT", "Pair IKT")]
        big = next(k for k in m.collaborations if k.name == "Big IKT")
        assert {"Small0", "Small1"} <= {mm.name for mm in big.members}
        assert m.counts["dissolutions"] == 0


def test_a_switch_proposes_a_merger_by_default_and_gives_notice_with_the_route_off():
    m = CollaborationModel(two_collaborations(merger_route=0.0), seed=0)
    small = next(mm for mm in m.municipalities if mm.name == "Small0")
    big = next(k for k in m.collaborations if k.name == "Big IKT")
    switch = small.join_option(big, one_off_extra=small.exit_cost(), carried=small.coordination)
    state = m.rng.bit_generator.state
    collective.carry_out(m, small, switch)
    assert m.rng.bit_generator.state == state  # off: no draw
    assert small.notice_until is not None and small.destination is big
    assert m.merger_proposals == []

    routed = CollaborationModel(two_collaborations(), seed=0)  # merger_route = 1 at the defaults
    small = next(mm for mm in routed.municipalities if mm.name == "Small0")
    big = next(k for k in routed.collaborations if k.name == "Big IKT")
    state = routed.rng.bit_generator.state
    collective.carry_out(routed, small, small.join_option(big, one_off_extra=small.exit_cost()))
    assert routed.rng.bit_generator.state == state  # a share of 1 needs no draw either
    assert small.notice_until is None
    assert routed.merger_proposals == [(small.collaboration, big)]


def test_a_refused_proposal_leaves_both_as_they_were(monkeypatch):
    m = CollaborationModel(two_collaborations(merger_route=1.0), seed=0)
    pair = next(k for k in m.collaborations if k.name == "Pair IKT")
    big = next(k for k in m.collaborations if k.name == "Big IKT")
    m.merger_proposals.append((pair, big))
    monkeypatch.setattr(collective, "both_agree", lambda *args: False)  # refused by vote
    collective.proposed_mergers(m)
    assert pair.alive and big.alive and len(pair.members) == 2 and m.merger_proposals == []


def test_only_the_absorbed_members_weigh_a_merger_as_a_move():
    """Pair IKT's members (absorbed) see the merger lose the move's one-off and habit once
    ``merger_switching`` is on; Big IKT's members (absorbing) stay on their platform and see
    no difference."""
    views = {}
    for share in (0.0, 1.0):
        m = CollaborationModel(two_collaborations(merger_switching=share), seed=0)
        big, pair = (next(k for k in m.collaborations if k.name == n) for n in ("Big IKT", "Pair IKT"))
        for mm in pair.members:
            mm.tenure = 5  # some years in: a habit to give up
        merged = big.pool.merged(pair.pool)
        views[share] = ([collective.merger_view(m, mm, pair, big, merged) for mm in pair.members],
                        [collective.merger_view(m, mm, big, pair, merged) for mm in big.members])
    for off, on in zip(views[0.0][0], views[1.0][0], strict=True):
        assert on.instrumental < off.instrumental and on.cultural < off.cultural and on.myth == off.myth
    assert views[0.0][1] == views[1.0][1]


def test_merger_myth_known_answer():
    """legitimacy_weight x (merger_legitimacy + merger_myth) x pressure x receptivity."""
    p = Parameters().replace(legitimacy_weight=2.0, merger_legitimacy=0.5, merger_myth=1.5)
    assert myth.merger(0.5, 0.8, p) == pytest.approx(2.0 * 2.0 * 0.5 * 0.8)
    off = Parameters().replace(merger_myth=0.0)
    assert myth.merger(0.7, 0.6, off) == myth.consolidation(0.7, 0.6, off)


def test_a_merger_across_county_lines_carries_its_share_of_the_merger_myth():
    """004 L880: the myth gathers a region's municipalities. Across counties a merger carries
    merger_myth_across_counties of merger_myth (known answer), and at 1 the same as within one."""
    p = Parameters().replace(legitimacy_weight=2.0, merger_legitimacy=0.5, merger_myth=1.5, merger_myth_across_counties=0.2)
    assert myth.merger(0.5, 0.8, p, within_county=False) == pytest.approx(2.0 * (0.5 + 0.3) * 0.5 * 0.8)
    assert myth.merger(0.5, 0.8, p.replace(merger_myth_across_counties=1.0), False) == myth.merger(0.5, 0.8, p)


def test_the_merger_vote_reads_the_members_counties():
    """Big IKT in county A, the pair in A (or no county given) or in B: only the pair in B sees
    the merger lose the myth's extra, and nothing else of its view changes."""
    def views(county):
        m = CollaborationModel(two_collaborations(pair_county=county), seed=0)
        big, pair = (next(k for k in m.collaborations if k.name == n) for n in ("Big IKT", "Pair IKT"))
        merged = big.pool.merged(pair.pool)
        within = collective.within_one_county(big, pair)
        return within, [collective.merger_view(m, mm, pair, big, merged, within) for mm in pair.members]
    (none, plain), (same, alike), (other, across) = views(None), views("A"), views("B")
    assert none and same and not other and plain == alike
    for a, b in zip(plain, across, strict=True):
        assert b.myth < a.myth and b[:2] == a[:2]


def test_a_merger_across_regions_costs_its_members_more_coordination():
    """002 L2178-2183: the pool of a collaboration and of a prospective merger knows its members'
    regions; with the pair in another region the merged pool spans two, its transaction cost is
    (1 + region_span_weight) times the one-region cost, and the merger's instrumental view is
    worse for every member, nothing else of it changed."""
    def views(pair_region):
        m = CollaborationModel(two_collaborations(pair_region=pair_region), seed=0)
        big, pair = (next(k for k in m.collaborations if k.name == n) for n in ("Big IKT", "Pair IKT"))
        merged = big.pool.merged(pair.pool)
        return m, merged, [collective.merger_view(m, mm, pair, big, merged, True) for mm in pair.members]
    (m, same, alike), (_, apart, across) = views("A"), views("B")
    assert same.regions == {"A"} and apart.regions == {"A", "B"}
    gov, p = m.collaborations[0].governance, m.params
    assert instrumental.transaction_cost(apart, gov, p) == pytest.approx(
        (1 + p.region_span_weight) * instrumental.transaction_cost(same, gov, p))
    for a, b in zip(alike, across, strict=True):
        assert b.instrumental < a.instrumental


def test_found_min_partners_refuses_a_pair():
    """With two accepted partners required, a founder with one willing partner founds nothing.
    (A joint organisation at 10 MNOK a year, not the default 18, makes the partner willing: at the
    defaults a pair of 20,000-inhabitant municipalities does better alone.)"""
    for needed, founded in ((1, 1), (2, 0)):
        m = CollaborationModel(two_collaborations(found_min_partners=needed, collab_fixed_cost=1.0e7), seed=0)
        for k in list(m.collaborations):
            m.dissolve(k)
        m._settle(produce=True)  # outcomes alone, as at the start of a year
        m.counts.clear()
        a, b = m.municipalities[0], m.municipalities[1]
        collective.found(m, a, (b.index,))
        assert m.counts["foundings"] == founded


def test_founding_commitment_binds_members_for_its_years():
    """In the binding period a member is offered neither exit nor switch; afterwards both."""
    m = CollaborationModel(two_collaborations(founding_commitment=3.0), seed=0)
    small = next(mm for mm in m.municipalities if mm.name == "Small0")
    kinds = {o.kind for o in small.member_options(juncture=False)}
    assert choice.EXIT not in kinds and choice.SWITCH not in kinds
    m.year = small.collaboration.founded + 3
    kinds = {o.kind for o in small.member_options(juncture=False)}
    assert choice.EXIT in kinds and choice.SWITCH in kinds
    off = CollaborationModel(two_collaborations(founding_commitment=0.0), seed=0)
    assert choice.EXIT in {o.kind for o in off.municipalities[4].member_options(juncture=False)}
    default = CollaborationModel(two_collaborations(), seed=0)  # the default binds the founding year and the next
    assert choice.EXIT not in {o.kind for o in default.municipalities[4].member_options(juncture=False)}
    default.year = default.municipalities[4].collaboration.founded + 2
    assert choice.EXIT in {o.kind for o in default.municipalities[4].member_options(juncture=False)}


def test_merger_log_and_lifetimes():
    m = CollaborationModel(two_collaborations(merger_route=1.0, merger_myth=2.0), seed=0).run()
    pair = next(k for k in m.history if k.name == "Pair IKT")
    big = next(k for k in m.history if k.name == "Big IKT")
    assert pair.ended == m.merger_log[0][0] and big.ended is None
    assert big.peak_members == 6 and pair.peak_members == 2
    assert np.isfinite(pair.ended - pair.founded)


def test_between_equal_collaborations_the_absorber_is_a_coin_toss_not_the_founding_order():
    """Twin hubs (two_hubs) of exactly equal size: either may absorb the other, each about half
    the time; the larger always absorbs the smaller, whatever the order asked."""
    from simulation.scenario import load_scenario

    m = CollaborationModel(load_scenario("two_hubs"), seed=1)
    west, east = sorted(m.collaborations, key=lambda k: k.unique_id)
    assert west.pool.sum_pop == east.pool.sum_pop
    firsts = [collective.absorber_first(m, west, east)[0] is west for _ in range(400)]
    assert 0.4 < np.mean(firsts) < 0.6
    grown = west.pool.plus(1_000.0, 1.0)
    west.pool = grown
    assert all(collective.absorber_first(m, a, b) == (west, east) for a, b in ((west, east), (east, west)))


def test_the_consolidation_benchmark_counts_the_largest_collaboration_as_the_pattern_does():
    """benchmarks/consolidation.py (docs/validation.md, "No collaboration outgrows a county"): its
    largest collaboration in 2015 is the pattern's on the same seed, the members it gained by
    merger are at most its members, and it spans at least one county."""
    import importlib.util
    from pathlib import Path

    from simulation.validation import patterns_for, validate

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "consolidation.py"
    spec = importlib.util.spec_from_file_location("consolidation_bench", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    row = bench.run_one("norway", 1, {})
    pattern = [p for p in patterns_for("norway") if p.name == "no collaboration outgrows a county"]
    (result,) = validate("norway", [1], patterns=pattern)
    assert row["largest_2015"] == result.value
    assert 0 <= row["largest_2015_by_merger"] <= row["largest_2015"]
    assert row["largest_2015_counties"] >= 1
    assert row["largest_end"] == row["_series"][1][-1]
