"""The joint calibration's pieces: one behavioural set for every region, the agder and norway
target patterns, and the joint target computing on tiny runs (issue 11, item 6)."""

import dataclasses
import math

import pandas as pd
import pytest

from simulation.parameters import Parameters
from simulation.scenario import available_scenarios, load_scenario
from simulation.validation import patterns, patterns_for
from simulation.validation.behaviour import behaviour_free, behavioural_overrides
from simulation.validation.calibrate import (
    HEDMARK,
    JOINT,
    JOINT2,
    JOINT2_GIVEN,
    JOINT2_PRIORS,
    JOINT_PRIORS,
    PRESENT,
    Region,
    behaviour_draw,
    region_scenario,
    score,
)
from simulation.validation.distances import CAP, agder_distance, term
from simulation.validation.patterns import (
    _MEMBERSHIP,
    absorbed_fate,
    absorbed_merges_in_window,
    absorbed_not_dissolved,
    bloc_near_2011,
    hub_grows_without_exits,
    largest_members,
    late_joiner,
    late_well_after_bloc,
)


@pytest.mark.parametrize("name", sorted(available_scenarios()))
def test_behaviour_free_gives_the_registry_defaults_and_keeps_the_region(name):
    sc = load_scenario(name)
    bare = behaviour_free(sc)
    assert bare.parameters == Parameters() and behavioural_overrides(bare) == {}
    # everything but the behaviour is the file's: municipalities, trust, governance, events
    assert dataclasses.replace(bare, parameters=sc.parameters) == sc


def test_behaviour_free_keeps_what_is_given_and_checks_it():
    bare = behaviour_free(load_scenario("hedmark"), {"review_rate": 0.2})
    assert behavioural_overrides(bare) == {"review_rate": 0.2}
    with pytest.raises(ValueError, match="review_rate"):
        behaviour_free(load_scenario("hedmark"), {"review_rate": 7.0})


#: the shipped region files: since the one behavioural set (issue 11) none carries behaviour, the
#: teaching design two_hubs included (since 2026-12-02)
BEHAVIOUR_FREE_FILES = ("hedmark", "agder", "norway", "national", "synthetic", "synthetic_small", "two_hubs")


def test_no_shipped_region_file_carries_behaviour():
    """Behaviour is the model's (the registry defaults): no shipped scenario sets any."""
    assert set(BEHAVIOUR_FREE_FILES) <= set(available_scenarios())
    for name in available_scenarios():
        assert behavioural_overrides(load_scenario(name)) == {}, name
    for region in JOINT.regions:
        assert not region.own_behaviour
        assert behavioural_overrides(region_scenario(region, {})) == {}
    assert region_scenario(HEDMARK.regions[0], {}).parameters == load_scenario("hedmark").parameters


def test_the_joint_target_strips_a_files_behaviour(tmp_path):
    """A region file with a [parameters] table runs on the registry defaults in a joint target
    (own_behaviour False), and on its own behaviour where the target keeps it."""
    text = available_scenarios()["hedmark"].read_text(encoding="utf-8")
    path = tmp_path / "hedmark_own.toml"
    path.write_text(text + "\n[parameters]\nbloc_trust = 0.45\nautonomy_weight = 0.5\n", encoding="utf-8")
    own = load_scenario(path)
    assert behavioural_overrides(own) == {"bloc_trust": 0.45, "autonomy_weight": 0.5}
    assert behavioural_overrides(region_scenario(Region(str(path), PRESENT, own_behaviour=False), {})) == {}
    assert region_scenario(Region(str(path), PRESENT), {}).parameters == own.parameters
    bare = behaviour_free(own)
    assert bare.parameters == Parameters() and dataclasses.replace(bare, parameters=own.parameters) == own


def test_the_joint_priors_cover_every_behavioural_key_a_file_sets():
    """So the found set, given as --set keys, runs every region on exactly that behaviour."""
    for name in available_scenarios():
        assert set(behavioural_overrides(load_scenario(name))) - {"review_rate"} <= set(JOINT_PRIORS)
    assert "review_rate" in JOINT_PRIORS


def test_agder_and_norway_have_their_patterns():
    agder = {p.name for p in patterns_for("agder")}
    assert {"IKT Agder grows without exits", "Setesdal IKT merges into IKT Agder", "Setesdal IKT not dissolved"} <= agder
    norway = {p.name for p in patterns_for("norway")}
    assert {"national membership ~60%", "about 40 collaborations", "small municipalities join more",
            "durable collaborations", "collaborations merge", "no collaboration outgrows a county"} <= norway


# ---- Setesdal's fate and IKT Agder's growth on hand-made membership tables --------------------

class _Model:
    """Stands in for a finished model whose membership table is given."""


class _Runs:
    def __init__(self, table: pd.DataFrame, mergers: tuple[int, ...] = ()) -> None:
        self.model = _Model()
        self.model.mergers = set(mergers)
        _MEMBERSHIP[self.model] = table

    def get(self):
        return self.model


def _table(rows: dict[int, list[str]]) -> pd.DataFrame:
    """Years -> memberships of A (IKT Agder's founder), B, C (Setesdal's members), D."""
    return pd.DataFrame.from_dict(rows, orient="index", columns=["A", "B", "C", "D"])


HUB, SET = "IKT Agder", "Setesdal IKT"


@pytest.fixture(autouse=True)
def _mergers_from_the_stand_in(monkeypatch):
    """Merger years of a stand-in model are what it was given (a real one counts them)."""
    real = patterns.merger_years
    monkeypatch.setattr(patterns, "merger_years", lambda m: m.mergers if isinstance(m, _Model) else real(m))


def test_a_merger_in_2022_is_told_from_a_dissolution_by_exits():
    rows = {2020: [HUB, HUB, SET, SET], 2021: [HUB, HUB, SET, SET], 2022: [HUB, HUB, HUB, HUB]}
    merged = _Runs(_table(rows), mergers=(2022,))
    assert absorbed_fate(merged.get()) == ("merged", 2022)
    assert absorbed_merges_in_window(merged) and absorbed_not_dissolved(merged)
    assert hub_grows_without_exits(merged)
    dissolved = _Runs(_table({2020: [HUB, HUB, SET, SET], 2021: [HUB, HUB, SET, ""], 2022: [HUB, HUB, "", ""]}))
    assert absorbed_fate(dissolved.get()) == ("dissolved", 2022)
    assert not absorbed_merges_in_window(dissolved) and not absorbed_not_dissolved(dissolved)
    assert not hub_grows_without_exits(dissolved)  # the hub did not grow
    # both members switching to IKT Agder in the same year is not a merger: no merger happened
    switched = _Runs(_table(rows))
    assert absorbed_fate(switched.get()) == ("dissolved", 2022) and not absorbed_not_dissolved(switched)
    early = _Runs(_table({2009: [HUB, HUB, SET, SET], 2010: [HUB, HUB, HUB, HUB], 2011: [HUB, HUB, HUB, HUB]}),
                  mergers=(2010,))
    assert absorbed_fate(early.get()) == ("merged", 2010)
    assert not absorbed_merges_in_window(early) and absorbed_not_dissolved(early)
    survives = _Runs(_table({2021: [HUB, "", SET, SET], 2022: [HUB, HUB, SET, SET]}))
    assert absorbed_fate(survives.get()) == ("survives", None) and absorbed_not_dissolved(survives)


def test_a_member_leaving_ikt_agder_fails_its_growth():
    left = _Runs(_table({2020: [HUB, HUB, "", ""], 2021: [HUB, "", HUB, HUB], 2022: [HUB, HUB, HUB, HUB]}))
    assert not hub_grows_without_exits(left)


def test_the_largest_collaboration_is_counted_in_2015_not_at_the_end():
    table = pd.DataFrame.from_dict({2014: ["K", "K", "", ""], 2015: ["K", "K", "K", "L"],
                                    2016: ["K", "K", "K", "K"]}, orient="index", columns=["A", "B", "C", "D"])
    assert largest_members(_Runs(table)) == 3.0
    assert largest_members(_Runs(table.loc[[2014]])) == 2.0  # a run that ends early: its last year
    assert largest_members(_Runs(table.loc[[2014]].replace("K", ""))) == 0.0  # nobody inside


def test_agder_distance_is_zero_only_at_the_history():
    # 14 owners are not in a four-municipality table, so only the merger term can be zero
    on_time = _Runs(_table({2021: [HUB, HUB, SET, SET], 2022: [HUB, HUB, HUB, HUB]}), mergers=(2022,))
    late = _Runs(_table({2021: [HUB, HUB, SET, SET], 2022: [HUB, HUB, SET, SET], 2023: [HUB, HUB, SET, SET],
                         2024: [HUB, HUB, HUB, HUB]}), mergers=(2024,))
    assert agder_distance(on_time) < agder_distance(late)
    assert term(None, 2022, 2) == CAP and term(math.nan, 0, 1) == CAP and term(2023, 2022, 2) == 0.5


# ---- the joint target computes on tiny runs -----------------------------------------------------

def test_the_joint_target_scores_every_check_on_a_tiny_run():
    tiny = dataclasses.replace(JOINT, regions=(Region("hedmark", 2007, False), Region("agder", 2004, False),
                                               Region("norway", 2002, False)))
    scores = score(behaviour_draw("norway", JOINT_PRIORS), [1], tiny)
    assert set(scores) == set(JOINT.checks)
    for name, value in scores.items():
        if name.endswith("distance"):
            assert value >= 0
        else:
            assert value in (0.0, 1.0), name
    assert scores["hedmark full history"] == 0.0  # the bloc cannot have joined by 2007
    assert JOINT.fitness(scores)[0] <= 1


# ---- joint2: the new mechanisms' switches fixed on, the issue's sharper hedmark checks ---------

def _hedmark(bloc: int, late: int | None) -> _Runs:
    """Trio in HaLøSt from 2005, the bloc joining in ``bloc``, Sør-Odal in ``late`` (None: never)."""
    names = ["Hamar", "Løten", "Stange", "Kongsvinger", "Grue", "Nord-Odal", "Sør-Odal"]
    rows = {y: ["H"] * 3 + (["H"] * 3 if y >= bloc else [""] * 3) + (["H"] if late is not None and y >= late else [""])
            for y in range(2005, 2023)}
    return _Runs(pd.DataFrame.from_dict(rows, orient="index", columns=names))


def test_the_bloc_must_be_within_a_year_of_2011_and_sor_odal_four_years_later():
    assert bloc_near_2011(_hedmark(2011, 2018)) and late_well_after_bloc(_hedmark(2011, 2018))
    assert not bloc_near_2011(_hedmark(2013, 2018)) and bloc_near_2011(_hedmark(2012, 2018))
    # a follower one year after the bloc is a late joiner, but not the history's late one
    assert late_joiner(_hedmark(2011, 2012)) and not late_well_after_bloc(_hedmark(2011, 2012))
    assert late_well_after_bloc(_hedmark(2011, 2015)) and not late_well_after_bloc(_hedmark(2011, 2014))
    assert not late_well_after_bloc(_hedmark(2011, None))


def test_joint2_fixes_the_switches_on_and_searches_the_new_rates():
    assert {"merger_route": 1.0, "increasing_returns": 1.0, "found_min_partners": 2}.items() <= JOINT2_GIVEN.items()
    assert {"merger_myth", "sunk_stake_cost", "trust_erosion", "leadership_turnover", "budget_stress_weight",
            "merger_review_rate"} <= set(JOINT2_PRIORS)
    assert not set(JOINT2_GIVEN) & set(JOINT2_PRIORS)
    # searched and given together still cover every behavioural key a file sets
    assert set(JOINT_PRIORS) <= set(JOINT2_PRIORS) | set(JOINT2_GIVEN)
    sc = region_scenario(JOINT2.regions[0], JOINT2.given | {"merger_myth": 2.0})
    assert sc.parameters.merger_route == 1.0 and sc.parameters.found_min_partners == 2
    assert sc.parameters.merger_myth == 2.0


def test_the_joint2_target_scores_every_check_on_a_tiny_run():
    tiny = dataclasses.replace(JOINT2, regions=(Region("hedmark", 2007, False), Region("agder", 2004, False),
                                                Region("norway", 2002, False)))
    scores = score({k: (lo + hi) / 2 for k, (lo, hi) in JOINT2_PRIORS.items()}, [1], tiny)
    assert set(scores) == set(JOINT2.checks)
    assert scores["hedmark bloc 2010-12"] == 0.0 and scores["hedmark Sør-Odal >= 4 y after bloc"] == 0.0
    assert -1 <= scores["norway small minus large"] <= 1
