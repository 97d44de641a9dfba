"""The norway scenario: the shipped municipality table, its regions and neighbours, and the
generated scenario file."""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import fields
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from simulation import norway
from simulation.parameters import Parameters
from simulation.runs import simulate
from simulation.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def region() -> norway.NorwayRegion:
    return norway.build_norway()


def test_the_table_ships_as_package_data_and_loads_through_importlib_resources():
    data = resources.files("simulation").joinpath("data", norway.DATA_FILE)
    assert data.is_file()
    assert resources.files("simulation").joinpath("data", "README.md").is_file()  # provenance
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "data/*" in package_data["simulation"]
    kommuner = norway.read_municipalities()
    assert len(kommuner) == 357
    assert len({k.number for k in kommuner}) == 357
    assert len({k.county_number for k in kommuner}) == 15
    assert all(k.number.startswith(k.county_number) for k in kommuner)
    assert 5.4e6 < sum(k.population for k in kommuner) < 5.7e6  # Norway, 1 January 2025
    assert all(57.9 < k.lat < 71.2 and 4.0 < k.lon < 31.5 and k.area_km2 > 0 for k in kommuner)


def test_shared_names_get_their_county_so_every_name_is_unique(region):
    assert len(set(region.names)) == 357
    assert "Herøy (Nordland)" in region.names and "Våler (Innlandet)" in region.names
    assert "Herøy" not in region.names


def test_every_municipality_is_in_one_region_within_its_county(region):
    assert len(region.regions) == 357 and all(region.regions)
    county_of = {}
    for kommune, label in zip(region.kommuner, region.regions, strict=True):
        assert county_of.setdefault(label, kommune.county_number) == kommune.county_number


def test_regions_have_the_size_of_regional_councils(region):
    sizes = Counter(region.regions)
    assert 60 <= len(sizes) <= 70  # Norway's ~60-70 regional councils
    per_county = Counter(k.county_number for k in region.kommuner)
    for label, n in sizes.items():
        county = next(k.county_number for k, r in zip(region.kommuner, region.regions, strict=True) if r == label)
        if per_county[county] >= norway.REGION_MIN_SIZE:
            assert norway.REGION_MIN_SIZE <= n <= norway.REGION_MAX_SIZE, (label, n)
        else:
            assert n == per_county[county]  # Oslo: the whole county, alone
    assert sizes["Oslo region"] == 1


def test_bounded_kmeans_keeps_every_cluster_within_the_bounds():
    rng = np.random.default_rng(3)
    xy = np.vstack([rng.normal(0, 1, (25, 2)), rng.normal(20, 1, (3, 2))])  # a far, too-small group
    labels, _ = norway.bounded_kmeans(xy, 5, np.random.default_rng(0))
    sizes = np.bincount(labels, minlength=5)
    assert sizes.sum() == 28
    assert sizes.min() >= norway.REGION_MIN_SIZE and sizes.max() <= norway.REGION_MAX_SIZE


def test_the_neighbour_graph_is_connected_and_pruned_of_long_edges(region):
    assert norway.component_sizes(357, region.edges) == [357]
    assert 800 <= len(region.edges) <= 1000
    degree = Counter(i for edge in region.edges for i in edge)
    assert min(degree[i] for i in range(357)) >= 1
    lengths = [norway.great_circle_km(region.kommuner[i], region.kommuner[j]) for i, j in region.edges]
    assert max(lengths) < 110  # the hull edges across Sweden (up to 1,430 km) are gone
    by_name = dict(zip(region.names, range(357), strict=True))
    linked = {frozenset(e) for e in region.edges}
    assert frozenset((by_name["Utsira"], by_name["Fedje"])) not in linked  # open sea, 172 km
    assert frozenset((by_name["Hamar"], by_name["Løten"])) in linked  # true neighbours
    assert frozenset((by_name["Karasjok"], by_name["Kautokeino"])) in linked  # large, far-apart points


def test_the_scenario_file_is_what_the_builder_writes_now(region):
    shipped = resources.files("simulation").joinpath("scenarios", "norway.toml").read_text(encoding="utf-8")
    assert shipped == norway.scenario_toml(region), "run `python -m simulation.norway --write`"


def test_the_scenario_loads_with_the_data_and_national_timeline_and_default_behaviour(region):
    scenario = load_scenario("norway")
    national = load_scenario("national")
    assert len(scenario.municipalities) == 357
    assert {m.name: m.region for m in scenario.municipalities} == dict(zip(region.names, region.regions, strict=True))
    assert {m.name: m.population for m in scenario.municipalities}["Oslo"] == 717_710
    assert len(scenario.edges) == len(region.edges)
    assert (scenario.start_year, scenario.ticks) == (national.start_year, national.ticks) == (2000, 40)
    assert scenario.legitimacy == national.legitimacy
    assert (scenario.junctures, scenario.shocks, scenario.collaborations) == (national.junctures, national.shocks, ())
    defaults = Parameters()
    assert all(getattr(scenario.parameters, f.name) == getattr(defaults, f.name) for f in fields(Parameters))
    assert "2025" in scenario.description


def test_a_five_year_run_of_norway():
    model = simulate("norway", seed=1, ticks=5)
    data = model.datacollector.model_vars
    assert data["year"] == [1999, 2000, 2001, 2002, 2003, 2004]  # the initial state, then five budget years
    assert all(0.0 <= s <= 1.0 for s in data["member_share"])
    assert sum(data["foundings"]) > 0 and data["collaborations"][-1] > 0


def test_a_county_is_its_municipalities_with_norways_regions_and_the_edges_among_them(region):
    vestland = norway.county_region(region, "vestland")
    assert norway.county_region(region, "46") == vestland  # by number as well as by name
    rows = [i for i, k in enumerate(region.kommuner) if k.county == "Vestland"]
    assert len(vestland.kommuner) == len(rows) == 43
    assert vestland.names == tuple(region.names[i] for i in rows)
    assert vestland.regions == tuple(region.regions[i] for i in rows)
    inside = {(region.names[i], region.names[j]) for i, j in region.edges if i in rows and j in rows}
    assert {(vestland.names[i], vestland.names[j]) for i, j in vestland.edges} == inside
    assert norway.component_sizes(len(vestland.kommuner), vestland.edges) == [43]
    with pytest.raises(norway.ScenarioError, match="unknown county 'Hordaland'.*Vestland \\(46\\)"):
        norway.county_region(region, "Hordaland")  # merged into Vestland in 2020


def test_a_county_scenario_is_written_loaded_and_run(tmp_path):
    path = tmp_path / "trondelag.toml"
    assert norway.main(["--county", "Trøndelag", "--to", str(path)]) == 0
    scenario = load_scenario(str(path))
    assert scenario.name == "norway_trondelag"
    assert len(scenario.municipalities) == 38 and "Trondheim" in {m.name for m in scenario.municipalities}
    assert scenario.parameters == Parameters()  # behaviour from the registry, as norway's
    assert "2025" in scenario.description and "GENERATED" in path.read_text(encoding="utf-8")
    model = simulate(str(path), seed=1, ticks=5)
    assert model.datacollector.model_vars["collaborations"][-1] > 0
    with pytest.raises(SystemExit):
        norway.main(["--to", str(path)])  # --to goes with --county
    with pytest.raises(SystemExit):
        norway.main(["--county", "Oslo", "--to", str(tmp_path / "oslo.toml")])  # one municipality: no region
    assert not (tmp_path / "oslo.toml").exists()


def test_a_county_of_one_region_says_so_in_the_singular(tmp_path, capsys):
    assert norway.main(["--county", "Vestfold", "--to", str(tmp_path / "vestfold.toml")]) == 0
    assert "6 municipalities, 1 region, " in capsys.readouterr().out
    assert norway.main(["--county", "Agder", "--to", str(tmp_path / "agder.toml")]) == 0
    assert "25 municipalities, 5 regions, " in capsys.readouterr().out


def test_the_four_counties_joined_within_a_run_split_into_their_older_counties(region):
    parts = Counter((k.county, k.first_county) for k in region.kommuner if k.county in norway.COUNTY_REFORMS)
    assert parts == {("Innlandet", "Hedmark"): 22, ("Innlandet", "Oppland"): 24,
                     ("Vestland", "Hordaland"): 25, ("Vestland", "Sogn og Fjordane"): 18,
                     ("Agder", "Aust-Agder"): 15, ("Agder", "Vest-Agder"): 10,
                     ("Trøndelag", "Sør-Trøndelag"): 20, ("Trøndelag", "Nord-Trøndelag"): 18}
    assert all(k.first_county == k.county for k in region.kommuner if k.county not in norway.COUNTY_REFORMS)
    county = {name: k.first_county for name, k in zip(region.names, region.kommuner, strict=True)}
    hikt = ("Hamar", "Løten", "Stange", "Kongsvinger", "Grue", "Nord-Odal", "Sør-Odal")  # 004 L301
    assert {county[m] for m in hikt} == {"Hedmark"}
    assert county["Lillehammer"] == county["Gjøvik"] == "Oppland"
    agder = load_scenario("agder")  # the agder scenario's counties before 2020 are the same
    assert {m.name: m.county for m in agder.municipalities} == {m: c for m, c in county.items()
                                                                if m in {x.name for x in agder.municipalities}}


def test_norway_joins_the_older_counties_in_their_reform_years():
    scenario = load_scenario("norway")
    assert {(r.year, r.into, r.counties) for r in scenario.county_reforms} == {
        (2018, "Trøndelag", ("Nord-Trøndelag", "Sør-Trøndelag")), (2020, "Innlandet", ("Hedmark", "Oppland")),
        (2020, "Vestland", ("Hordaland", "Sogn og Fjordane")), (2020, "Agder", ("Aust-Agder", "Vest-Agder"))}
    model = simulate("norway", seed=1, ticks=20)  # 2000-2019
    county = {mm.name: mm.county for mm in model.municipalities}
    assert (county["Hamar"], county["Lillehammer"], county["Trondheim"], county["Steinkjer"]) == (
        "Hedmark", "Oppland", "Trøndelag", "Trøndelag")
    model.step()  # 2020
    county = {mm.name: mm.county for mm in model.municipalities}
    assert county["Hamar"] == county["Lillehammer"] == "Innlandet"
    assert county["Bergen"] == county["Kinn"] == "Vestland" and county["Oslo"] == "Oslo"


def test_a_county_scenario_carries_its_reform_and_others_none(region, tmp_path):
    reforms = {}
    for county in ("Innlandet", "Rogaland"):
        path = tmp_path / f"{county}.toml"
        path.write_text(norway.scenario_toml(norway.county_region(region, county)), encoding="utf-8")
        reforms[county] = [(r.year, r.into, r.counties) for r in load_scenario(str(path)).county_reforms]
    assert reforms == {"Innlandet": [(2020, "Innlandet", ("Hedmark", "Oppland"))], "Rogaland": []}


def test_the_older_counties_table_must_cover_the_reformed_counties(monkeypatch):
    rows = norway._data_rows
    monkeypatch.setattr(norway, "_data_rows", lambda name: rows(name)[:-1] if name == norway.FORMER_COUNTIES_FILE else rows(name))
    with pytest.raises(ValueError, match="covers 151 municipalities.*have 152"):
        norway.former_counties(rows(norway.DATA_FILE))
