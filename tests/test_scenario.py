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
    ({"fixed_cost": -5}, "expected a number in"),
    ({"fixed_cost": "lots"}, "expected a number"),
    ({"governance.nope.exit_notice": 1}, "unknown governance model"),
    ({"governance.iks.colour": 1}, "unknown governance field"),
    ({"governance": "dictatorship"}, "unknown governance model"),
    ({"perspectives": "instrumental,astrology"}, "perspectives"),
    ({"ticks": 0}, r"integer in \[1, 500\]"),
])
def test_bad_overrides_are_refused(override, words):
    with pytest.raises(ScenarioError, match=words):
        load_scenario("hedmark", override)


@pytest.mark.parametrize("data, words", [
    ({"municipalities": []}, "at least two"),
    ({"municipalities": [{"name": "A", "population": 10}, {"name": "A", "population": 20}]}, "duplicate"),
    ({"municipalities": [{"name": "A", "population": -10}, {"name": "B", "population": 20}]}, "population: expected a number"),
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


# ---- the key registry: one language for --set, experiment factors, calibration and the app --------

def test_set_trust_within_region_is_accepted_and_effective():
    from simulation import CollaborationModel

    before = CollaborationModel("two_hubs", seed=1)
    after = CollaborationModel(load_scenario("two_hubs", parse_overrides(["trust.within_region=0.6"])), seed=1)
    same = [(a.index, b.index) for a in after.municipalities for b in after.municipalities
            if a is not b and a.region == b.region]
    assert same and before.scenario.trust_within_region != 0.6
    assert all(after.trust_baseline[i, j] == 0.6 for i, j in same)
    assert any(before.trust_baseline[i, j] != 0.6 for i, j in same)


def test_a_calibrated_value_round_trips_to_set():
    """calibrate.with_params and --set build the same scenario from the same values."""
    from simulation import registry
    from simulation.validation.calibrate import NATIONAL_PRIORS, PRIORS, with_params

    for name, priors in (("hedmark", PRIORS), ("national", NATIONAL_PRIORS)):
        draw = {k: lo + 0.37 * (hi - lo) for k, (lo, hi) in priors.items()}
        calibrated = with_params(name, draw)
        assert calibrated != load_scenario(name)
        typed = {k: round(v) if registry.lookup(k, k)[0].kind == "integer" else v for k, v in draw.items()}
        assert load_scenario(name, parse_overrides([f"{k}={v!r}" for k, v in typed.items()])) == calibrated
    national = with_params("national", {"generator.regions": 40.2})
    assert len({m.region for m in national.municipalities}) == 40
    assert national == load_scenario("national", {"generator.regions": 40})


def test_every_key_has_bounds_unit_and_meaning():
    from simulation import registry

    for key in registry.KEYS:
        assert key.unit and key.meaning, key.name
        if key.kind in ("number", "integer"):
            assert key.low is not None and key.high is not None and key.low < key.high, key.name
            if key.default is not None:
                assert key.low <= key.default <= key.high, key.name
        if key.kind == "choice" and key.group == "governance":
            assert key.choices, key.name


def test_registry_covers_every_field_it_stands_for():
    from dataclasses import fields

    from simulation import registry
    from simulation.governance import GovernanceModel
    from simulation.synthetic import RegionGenerator
    from simulation.world import MunicipalitySpec

    groups = {g: {k.field for k in registry.KEYS if k.group == g} for g in ("municipality", "governance", "generator")}
    assert groups["municipality"] == {f.name for f in fields(MunicipalitySpec)} - {"name"}
    assert groups["governance"] == {f.name for f in fields(GovernanceModel)} - {"name"}
    assert groups["generator"] == {f.name for f in fields(RegionGenerator)}


# a concrete instance of each numeric key family, in a scenario that has it
CONCRETE = [("hedmark", k) for k in (
    "fixed_cost", "found_max_partners", "competence_base", "shock_size", "ticks", "start_year", "governance.iks.exit_notice",
    "governance.as.pooled_share", "municipalities.Hamar.population", "municipalities.Grue.w_myth", "trust.within_region",
    "trust.between_regions", "trust.regions.Kongsvinger", "trust.pairs.Hamar.Grue", "legitimacy.2010", "junctures.0.start",
    "shocks.1.size")] + [("synthetic_small", "generator.regions"), ("synthetic_small", "generator.culture_noise")]


@pytest.mark.parametrize("scenario, key", CONCRETE)
def test_experiment_factors_accept_the_keys_set_accepts(scenario, key):
    from simulation import registry
    from simulation.experiments.spec import _factor
    from simulation.overrides import value_of

    spec, _ = registry.lookup(key, key)
    sc = load_scenario(scenario)
    value = value_of(sc, key)
    value = value if value is not None else spec.low
    assert sc.with_overrides({key: value}) is not None  # --set accepts the key and its current value
    low, high = (value, spec.high) if value < spec.high else (spec.low, value)
    factor = _factor(key, [low, high], "exp.toml", "latin_hypercube")
    assert factor.integer == (spec.kind == "integer")
    assert factor.name == key


@pytest.mark.parametrize("key, close", [
    ("trust.within_regoin", "trust.within_region"), ("fixd_cost", "fixed_cost"), ("generator.region", "generator.regions"),
    ("municipalities.Hamar.populaton", "population"), ("governance.iks.exit_notise", "exit_notice"),
    ("municipalities.Hamarr.w_myth", "Hamar"), ("governance.iksx.exit_notice", "iks"),
])
def test_unknown_keys_name_a_close_match_everywhere(key, close):
    from simulation.experiments.spec import _factor

    with pytest.raises(ScenarioError, match=rf"did you mean .*'{close}'") as err:
        load_scenario("hedmark", {key: 1})
    assert len(str(err.value).splitlines()) == 1
    if not key.startswith(("municipalities.Hamarr", "governance.iksx")):  # names the scenario supplies
        with pytest.raises(ScenarioError, match=rf"did you mean .*'{close}'"):
            _factor(key, [0, 1], "exp.toml", "latin_hypercube")


def test_unknown_scenario_names_a_close_match():
    from simulation.scenario import resolve_path

    with pytest.raises(ScenarioError, match="did you mean 'hedmark'"):
        resolve_path("hedmrk")


def test_generator_keys_redraw_the_region():
    small = load_scenario("synthetic_small")
    bigger = small.with_overrides({"generator.n": 45, "generator.family_share": 1.0})
    assert len(bigger.municipalities) == 45 and bigger.generator.n == 45
    regions = {}
    for m in bigger.municipalities:
        regions.setdefault(m.region, set()).add(m.family)
    assert all(len(f) == 1 for f in regions.values())  # family_share = 1: every municipality has its region's
    with pytest.raises(ScenarioError, match="generator.regions: expected at most n"):
        small.with_overrides({"generator.regions": 40})


def test_named_trait_formulas_are_the_model_s():
    """competence_* and ambition_* parameters reach the agents; a municipality's own value wins."""
    from simulation import CollaborationModel

    base = CollaborationModel("hedmark", seed=1)
    changed = CollaborationModel(load_scenario("hedmark", {"competence_base": 0.5, "ambition_base": 0.2}), seed=1)
    own = {m.name for m in base.scenario.municipalities if m.ambition is not None}
    for a, b in zip(base.municipalities, changed.municipalities, strict=True):
        assert b.competence > a.competence
        assert (b.ambition == a.ambition) if a.name in own else (b.ambition < a.ambition)
    assert own  # hedmark gives some municipalities an ambition of their own


def test_shock_size_is_the_rise_in_risk():
    import numpy as np

    from simulation.environment import Environment
    from simulation.parameters import Parameters
    from simulation.world import ScheduledShock

    p = Parameters(shock_probability=0.0, shock_size=0.4)
    env = Environment({2000: 0.1}, (), (ScheduledShock(2001), ScheduledShock(2003, size=0.9)), p)
    env.update(2000)
    env.update(2001, np.random.default_rng(0))
    assert env.risk == pytest.approx(0.4)
    env.update(2002, np.random.default_rng(0))
    env.update(2003, np.random.default_rng(0))
    assert env.risk == pytest.approx(min(1.0, 0.4 * p.shock_memory ** 2 + 0.9))


def test_params_command_says_when_nothing_matches(capsys):
    from simulation import cli

    assert cli.main(["params", "trust.regions"]) == 0
    assert "trust.regions.REGION" in capsys.readouterr().out
    assert cli.main(["params", "fixd_cost"]) == 1
    err = capsys.readouterr().err
    assert "no parameter matches 'fixd_cost'" in err and "did you mean 'fixed_cost'" in err


def test_the_data_model_the_generator_and_the_key_language_import_no_cycle():
    """world -> overrides -> registry -> synthetic, and the loader on top: no module imports one
    that imports it back, not even inside a function."""
    import ast
    from pathlib import Path

    import simulation

    root = Path(simulation.__file__).parent
    mods = ("world", "overrides", "registry", "synthetic", "scenario", "parameters", "governance", "suggest")
    graph = {}
    for m in mods:
        tree = ast.parse((root / f"{m}.py").read_text(encoding="utf-8"))
        deps = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                deps |= {node.module} if node.module else {a.name for a in node.names}
        graph[m] = deps & set(mods)

    def reaches(a, b, seen=()):
        return any(d == b or (d not in seen and reaches(d, b, (*seen, d))) for d in graph[a])

    assert not [m for m in mods if reaches(m, m)]
    assert "world" not in graph["synthetic"] and "scenario" not in graph["synthetic"]


def test_prior_ranges_come_from_the_registry():
    from simulation import registry

    assert registry.prior_ranges({"review_rate": None, "trust.regions.X": (0.2, 0.4)}) == {
        "review_rate": (0.0, 1.0), "trust.regions.X": (0.2, 0.4)}
    with pytest.raises(ScenarioError, match="within"):
        registry.prior_ranges({"review_rate": (0.5, 1.5)})
    with pytest.raises(ScenarioError, match="did you mean 'review_rate'"):
        registry.prior_ranges({"review_rat": None})


# ---- county reforms (the merger myth gathers a county; agder's 2020 reform) ----------------------

def _two_counties(**reform):
    munis = [{"name": f"M{i}", "population": 5000, "county": "North" if i < 2 else "South", "x": float(i), "y": 0.0}
             for i in range(4)]
    return {"name": "counties", "municipalities": munis, "county_reforms": [reform]}


def test_a_county_reform_needs_counties_some_municipality_lies_in():
    ok = scenario_from_dict(_two_counties(year=2010, into="Both", counties=["North", "South"]))
    assert ok.county_reforms[0].counties == ("North", "South") and ok.county_reforms[0].into == "Both"
    with pytest.raises(ScenarioError, match=r"county_reforms\[0\].counties: no municipality lies in 'East'; "
                                           r"the counties are 'North', 'South'"):
        scenario_from_dict(_two_counties(year=2010, into="Both", counties=["North", "East"]))
    with pytest.raises(ScenarioError, match=r"needs 'year', 'into' and 'counties'"):
        scenario_from_dict(_two_counties(year=2010, counties=["North", "South"]))
    with pytest.raises(ScenarioError, match=r"counties: expected a list of at least two"):
        scenario_from_dict(_two_counties(year=2010, into="Both", counties=["North"]))


def test_agder_lies_in_two_counties_until_the_2020_reform():
    from simulation.model import CollaborationModel

    m = CollaborationModel("agder", seed=1)
    county = {}
    while m.year < 2020:
        m.step()
        county[m.year] = {mm.name: mm.county for mm in m.municipalities}
    assert county[2019]["Arendal"] == "Aust-Agder" and county[2019]["Kristiansand"] == "Vest-Agder"
    assert set(county[2020].values()) == {"Agder"}


def test_a_county_reform_before_the_start_applies_from_the_first_year():
    from simulation.model import CollaborationModel

    m = CollaborationModel(scenario_from_dict({**_two_counties(year=1990, into="Both", counties=["North", "South"]),
                                               "start_year": 2000, "ticks": 2}), seed=1)
    assert {mm.county for mm in m.municipalities} == {"North", "South"}
    m.step()
    assert {mm.county for mm in m.municipalities} == {"Both"}
