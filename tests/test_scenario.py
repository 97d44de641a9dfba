"""The scenario loader: shipped scenarios, overrides and refusals."""

import pytest

from simulation import ScenarioError, available_scenarios, load_scenario
from simulation.scenario import parse_overrides, scenario_from_dict

HEDMARK = {  # Table 5.1 (004 L698-707)
    "Hamar": 31999, "Stange": 21156, "Kongsvinger": 17949, "Sør-Odal": 7978,
    "Løten": 7715, "Nord-Odal": 5016, "Grue": 4548,
}


def test_shipped_scenarios_load():
    names = set(available_scenarios())
    assert {"hedmark", "agder", "two_hubs", "synthetic", "national"} <= names
    for name in names:
        sc = load_scenario(name)
        assert len(sc.municipalities) >= 2 and sc.ticks >= 1


def test_hedmark_has_the_seven_members_with_source_figures():
    sc = load_scenario("hedmark")
    assert {m.name: m.population for m in sc.municipalities} == HEDMARK
    assert sc.start_year == 2005
    families = {m.name: m.family for m in sc.municipalities}
    assert families["Hamar"] == "Agresso" and families["Grue"] == "Visma"  # 004 L860, L870


def test_trust_baseline_by_region_and_pair():
    from simulation import CollaborationModel
    m = CollaborationModel("hedmark", seed=1)
    i = {mm.name: mm.index for mm in m.municipalities}
    assert m.trust_baseline[i["Hamar"], i["Løten"]] == 0.6  # within_region
    assert m.trust_baseline[i["Kongsvinger"], i["Grue"]] == 0.46  # trust.regions.Kongsvinger (004 L862)
    assert m.trust_baseline[i["Grue"], i["Sør-Odal"]] == m.trust_baseline[i["Sør-Odal"], i["Grue"]] == 0.35  # pairs
    assert m.trust_baseline[i["Hamar"], i["Grue"]] == 0.24  # between_regions


def test_national_scale_generator():
    sc = load_scenario("national")
    pops = sorted(m.population for m in sc.municipalities)
    assert len(pops) == 356
    small = sum(p < 5_000 for p in pops) / len(pops)
    assert 0.35 < small < 0.65  # about half are small (MODEL.md s6)
    assert len(sc.edges) > 356  # a connected-ish planar neighbour graph


def test_synthetic_region_is_reproducible_from_its_seed():
    a = scenario_from_dict({"generator": {"n": 30, "seed": 5}})
    b = scenario_from_dict({"generator": {"n": 30, "seed": 5}})
    c = scenario_from_dict({"generator": {"n": 30, "seed": 6}})
    assert a.municipalities == b.municipalities and a.edges == b.edges
    assert a.municipalities != c.municipalities


def test_overrides():
    sc = load_scenario("hedmark", parse_overrides([
        "fixed_cost=1e7", "ticks=10", "governance.iks.exit_notice=3", "perspectives=instrumental,myth"]))
    assert sc.parameters.fixed_cost == 1e7
    assert sc.ticks == 10
    assert sc.governance["iks"].exit_notice == 3
    assert sc.perspectives == ("instrumental", "myth")
    assert load_scenario("two_hubs", {"governance": "as"}).collaborations[0].governance == "as"


@pytest.mark.parametrize("override, words", [
    ({"no_such_param": 1}, "unknown"),
    ({"fixed_cost": -5}, "expected a value in"),
    ({"fixed_cost": "lots"}, "expected a number"),
    ({"governance.nope.exit_notice": 1}, "unknown governance model"),
    ({"governance.iks.colour": 1}, "unknown governance field"),
    ({"governance": "dictatorship"}, "unknown governance model"),
    ({"perspectives": "instrumental,astrology"}, "perspectives"),
    ({"ticks": 0}, "positive integer"),
])
def test_bad_overrides_are_refused(override, words):
    with pytest.raises(ScenarioError, match=words):
        load_scenario("hedmark", override)


@pytest.mark.parametrize("data, words", [
    ({"municipalities": []}, "at least two"),
    ({"municipalities": [{"name": "A", "population": 10}, {"name": "A", "population": 20}]}, "duplicate"),
    ({"municipalities": [{"name": "A", "population": -10}, {"name": "B", "population": 20}]}, "positive"),
    ({"municipalities": [{"name": "A", "population": 10, "size": 3}, {"name": "B", "population": 20}]}, "unknown key"),
    ({"colour": "red", "municipalities": []}, "unknown key"),
    ({"default_governance": "kingdom", "generator": {"n": 5}}, "unknown governance"),
    ({"ticks": "ten", "generator": {"n": 5}}, "expected int"),
    ({"generator": {"n": 5},
      "collaborations": [{"name": "X", "members": ["M000", "Nowhere"]}]}, "unknown municipality"),
])
def test_bad_scenarios_are_refused(data, words):
    with pytest.raises(ScenarioError, match=words):
        scenario_from_dict(data, origin="test.toml")


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario(tmp_path / "missing.toml")
