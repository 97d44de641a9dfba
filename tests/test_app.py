"""The classroom page without a browser: its settings, histories, replays, ensembles, charts,
and the page itself rendered in-process (Solara's test renderer)."""

import re

import numpy as np
import pytest

from simulation import CollaborationModel, load_scenario, registry
from simulation.app import controls, drawing, svg
from simulation.app.ensemble import outcome, run_seeds, summarise
from simulation.app.history import History
from simulation.validation.path_dependency import measure


@pytest.fixture(scope="module")
def two_hubs():
    return load_scenario("two_hubs")


def _arrangement(model):
    return tuple(mm.collaboration_name for mm in model.municipalities)


# ---- settings ---------------------------------------------------------------------------------

def test_sliders_take_bounds_and_units_from_the_registry(two_hubs):
    for key, s in controls.SLIDERS.items():
        k = registry.BY_NAME[key]
        assert (s.low * s.scale, s.high * s.scale) == (k.low, k.high)
        assert s.low <= controls.defaults(two_hubs)[key] <= s.high
    assert controls.shown("fixed_cost", 8.0) == "8.0 MNOK/year"
    assert controls.shown("migration_cost", 400.0) == "400 NOK/inhabitant"
    assert controls.shown("w_myth", 1.0) == "1.0"  # a weight has no unit to show


def test_untouched_sliders_leave_the_scenario_as_it_is(two_hubs):
    values = controls.defaults(two_hubs)
    assert controls.overrides(values, two_hubs) == {}
    moved = {**values, "fixed_cost": 12.5}
    assert controls.overrides(moved, two_hubs) == {"fixed_cost": 12.5e6}
    with pytest.raises(ValueError, match="unknown slider 'fixed_costs'"):
        controls.overrides({"fixed_costs": 1.0}, two_hubs)


def test_presets_set_the_perspective_weights(two_hubs):
    values = controls.with_preset(controls.defaults(two_hubs), "traditional")
    over = controls.overrides(values, two_hubs)
    sc = two_hubs.with_overrides(over)
    p = sc.parameters
    assert (p.w_instrumental, p.w_cultural, p.w_myth) == (0.5, 2.0, 0.5)
    assert set(controls.PRESETS) == {"calculating", "traditional", "fashion-following"}
    with pytest.raises(ValueError, match="unknown preset"):
        controls.with_preset(values, "lazy")


# ---- histories and replays --------------------------------------------------------------------

@pytest.mark.slow
def test_the_page_run_is_the_ordinary_run(two_hubs):
    """Stepping a History gives the same history as CollaborationModel(scenario, seed)."""
    h = History.start(two_hubs, 4).run_to_end()
    m = CollaborationModel(two_hubs, seed=4)
    rows = [_arrangement(m)]
    while m.steps < two_hubs.ticks:
        m.step()
        rows.append(_arrangement(m))
    assert h.snapshot().arrangement == tuple(rows)
    assert h.snapshot().years == tuple(range(1999, 2030))


@pytest.mark.slow
def test_replay_shares_the_past_and_is_recreatable(two_hubs):
    """The page's first run (its seed) replayed from 2001: the same past, a recreatable future."""
    from simulation.app.page import DEFAULT_SEED

    original = History.start(two_hubs, DEFAULT_SEED).run_to_end().snapshot()
    parted = 0
    for seed in (20, 21, 22, 23):
        branch = History.start(two_hubs, DEFAULT_SEED)
        for _ in range(4):
            branch.step()
        replay = branch.replay(2, seed)  # from 2001, as in the lesson: the region is one collaboration by 2004
        assert replay.lineage == ((0, DEFAULT_SEED), (2, seed))
        a = replay.run_to_end().snapshot()
        assert a.arrangement[:3] == original.arrangement[:3]  # ticks 0-2 identical
        again = History(two_hubs, replay.lineage).run_to_end().snapshot()
        assert again.arrangement == a.arrangement  # rebuilt from the lineage alone
        parted += a.arrangement != original.arrangement
        # a replay of the replay keeps the first branch point
        twice = replay.replay(12, seed + 10)
        assert twice.lineage == ((0, DEFAULT_SEED), (2, seed), (12, seed + 10))
        assert twice.snapshot().arrangement == a.arrangement[:13]
    assert parted >= 1, "other dice should change at least one of four histories (the page's first seed is not locked in by 2001)"


# ---- the ensemble -----------------------------------------------------------------------------

@pytest.mark.slow
def test_ensemble_outcomes_are_per_seed_and_match_path_dependency(two_hubs):
    forward, backward = [], []
    run_seeds(two_hubs, range(6), forward.append)
    run_seeds(two_hubs, reversed(range(6)), backward.append)
    assert forward == backward[::-1]  # one outcome per seed, whatever the order
    figures = measure(two_hubs, range(6), juncture=False)
    years = [o.lock_in_year for o in forward]
    assert np.median(years) == figures.lock_in_year
    assert sum(o.takes_all for o in forward) == figures.take_all.k
    s = summarise(forward)
    assert s.runs == 6 and sum(k for _, k in s.wins) == 6
    stopped = []
    assert run_seeds(two_hubs, range(6), stopped.append, lambda: len(stopped) >= 2) is False
    assert len(stopped) == 2


@pytest.mark.slow
def test_an_outcome_reads_the_end_of_the_run(two_hubs):
    o = outcome(two_hubs, 3)
    m = CollaborationModel(two_hubs, seed=3).run()
    end = _arrangement(m)
    assert dict(o.sizes) == {n: end.count(n) for n in set(end) if n}
    assert o.focus_share == end.count("West IKT") / len(end)


# ---- charts -----------------------------------------------------------------------------------

def test_year_chart_has_fixed_axes_and_no_empty_legend_entries():
    chart = svg.year_chart([1999], [svg.Line("West IKT", "#1f77b4", [3]), svg.Line("ghost", "#000", [None])],
                           first=1999, last=2029, ymax=12, title="t", ylabel="municipalities")
    assert "ghost" not in chart and "West IKT" in chart
    assert ">year<" in chart and ">2025<" in chart and ">10<" in chart  # axes drawn before the first step
    assert svg.nice_ticks(0, 12) == [0, 5, 10] and svg.nice_ticks(0, 3) == [0, 1, 2, 3]


def test_histogram_counts_into_bins():
    chart = svg.histogram([0.0, 0.5, 0.5, 1.0], [0, 0.5, 1.0], title="t", xlabel="x")
    assert re.findall(r"<title>(\d+)</title>", chart) == ["1", "3"]


def test_hedmark_map_keeps_the_region_shape():
    sc = load_scenario("hedmark")
    xy = drawing.positions(sc)
    lat = np.mean([s.y for s in sc.municipalities])
    assert xy[0][0] == pytest.approx(sc.municipalities[0].x * np.cos(np.radians(lat)))
    snap = History.start(sc, 1).snapshot()
    chart = drawing.region_map(sc, snap, drawing.Palette(sc), "Hedmark")
    assert chart.count("class='place'") == len(sc.municipalities) and "Sør-Odal" in chart


def test_beyond_ten_collaborations_touching_ones_differ_on_the_map():
    """A national map along a path: ten collaborations, then two more at the ends of the path, next
    to the first and the tenth. The ten colours go out in order; the two new ones take a colour
    their neighbour does not have (handed out in order, as before, K10 would take K00's). Beyond
    twelve the legend gives the count."""
    from types import SimpleNamespace

    first = [f"K{k:02d}" for k in range(10) for _ in range(2)]
    rows = [["", "", *first, "", ""], ["K10", "K10", *first, "K11", "K11"]]  # a year later
    munis = tuple(SimpleNamespace(name=f"m{i}", population=1000, x=float(i), y=0.0) for i in range(24))
    scenario = SimpleNamespace(municipalities=munis, collaborations=(), east_west_squeeze=1.0,
                               edges=tuple((f"m{i}", f"m{i + 1}") for i in range(23)))
    palette = drawing.Palette(scenario)
    maps = [drawing.region_map(scenario, SimpleNamespace(arrangement=[row], names=list(dict.fromkeys(row))), palette, "")
            for row in rows]
    assert "K05 (2)" in maps[0] and "12 collaborations" in maps[1] and "K05 (2)" not in maps[1]  # a count, not 12 names
    row = rows[-1]
    assert [palette(f"K{k:02d}") for k in range(10)] == list(drawing.COLOURS)
    touching = {(row[i], row[i + 1]) for i in range(23) if row[i] != row[i + 1]}
    assert len(touching) == 11 and all(palette(a) != palette(b) for a, b in touching)


def test_a_national_membership_chart_draws_the_largest_on_a_county_axis_and_the_totals_below():
    """Twelve collaborations: the eight largest (by their peak) keep a line and a legend entry
    each, on an axis of the largest county's size (on one of all municipalities a national run's
    collaborations lay flat near zero); a second chart gives everyone: in a collaboration and
    alone. A drawn line whose colour an earlier drawn one has (K10 has K00's) is dashed."""
    from types import SimpleNamespace

    sizes = {"K00": 12, **{f"K{k:02d}": k for k in range(1, 12)}}  # K00 the largest, then K11 ... K01
    row = tuple(name for name, n in sizes.items() for _ in range(n)) + ("",) * 5
    snap = SimpleNamespace(years=(2000, 2001), arrangement=(("",) * len(row), row), names=tuple(sizes))
    towns = tuple(SimpleNamespace(county="North" if i < 20 else "South", region="") for i in range(len(row)))
    scenario = SimpleNamespace(municipalities=towns, collaborations=(), start_year=2001, ticks=2, junctures=())
    palette = drawing.Palette(scenario)
    for name in sizes:  # the map hands the colours out first, in order of first sight
        palette(name)
    chart = drawing.membership_chart(scenario, snap, palette)
    largest, totals = re.findall(r"<svg.*?</svg>", chart)
    drawn = ["K00", *(f"K{k:02d}" for k in range(5, 12))]
    assert all(f">{name}<" in largest for name in drawn) and ">members: 8 largest of 12<" in largest
    assert not any(f">K0{k}<" in chart for k in range(1, 5)) and "others" not in chart
    assert drawing.group_ceiling(scenario) == len(row) - 20  # South, the larger county
    ticks = [int(t) for t in re.findall(r"text-anchor='end'[^>]*>(\d+)</text>", largest)]
    assert max(ticks) == 60 and ">80<" in totals  # the axes: 63 (South) against all 83
    polylines = re.findall(r"<polyline points='([^']*)' fill='none' stroke='([^']*)' [^>]*?/>", largest)
    assert len(polylines) == 8
    dashed = re.findall(r"stroke='([^']*)' stroke-width='3[.0]*' stroke-linejoin='round' stroke-dasharray", largest)
    assert dashed == [palette("K10")] and palette("K10") == palette("K00")
    lines = re.findall(r"<polyline points='([^']*)' fill='none' stroke='([^']*)' [^>]*?/>", totals)
    assert [colour for _, colour in lines] == [drawing.OTHERS_LINE, drawing.OUTSIDE_LINE]
    assert ">in a collaboration<" in totals and ">alone<" in totals
    inside, alone = ([float(p.split(",")[1]) for p in points.split()] for points, _ in lines)
    assert inside[0] > inside[1] and alone[0] < alone[1]  # from all alone to 78 of 83 members
    few = SimpleNamespace(years=snap.years, arrangement=(("",) * 6, ("A", "A", "B", "B", "", "")), names=("A", "B"))
    small = drawing.membership_chart(SimpleNamespace(municipalities=range(6), collaborations=(), start_year=2001,
                                                     ticks=2, junctures=()), few, palette)
    assert small.count("<svg") == 1 and ">A<" in small and ">B<" in small and ">alone<" in small


def test_many_winners_keep_five_bars_and_the_rest_as_others():
    """Nine different largest collaborations over twelve runs (a national region): the five most
    frequent keep a bar, the other four and their runs one bar, "others"; long names are cut."""
    from types import SimpleNamespace

    from simulation.app.ensemble import Outcome

    winners = ["Alpha IKT"] * 3 + ["Beta IKT"] * 2 + [f"Collaboration number {k}" for k in range(7)]
    outcomes = [Outcome(i, ((w, 10), ("small", 2)), 357, 2010, 0.03) for i, w in enumerate(winners)]
    munis = tuple(SimpleNamespace(region=f"r{i % 65}") for i in range(357))
    scenario = SimpleNamespace(collaborations=(), start_year=2000, ticks=40, municipalities=munis)
    charts = drawing.ensemble_charts(scenario, outcomes, drawing.Palette(scenario), 12)
    chart = charts[0]
    bars = re.findall(r"<title>([^<]*): (\d+)</title>", chart)
    assert len(bars) == drawing.CHART_BARS
    assert bars[:2] == [("Alpha IKT", "3"), ("Beta IKT", "2")] and bars[-1] == ("others", "4")
    assert sum(int(n) for _, n in bars) == len(outcomes)
    assert "Collaboration number 0" in chart and ">Collaboration number 0<" not in chart  # a tooltip; cut below the bar
    assert svg.fit("Collaboration number 0", 50) == "Collab…" and svg.fit("Alpha", 50) == "Alpha"
    # a country of 65 regions: the second chart counts collaborations at the end (two in every run)
    assert "Collaborations at the end" in charts[1] and "share" not in charts[1]
    counts = [int(n) for n in re.findall(r"<rect class='bin'[^>]*><title>(\d+)</title>", charts[1])]
    assert counts and sum(counts) == len(outcomes) and max(counts) == len(outcomes)
    few = SimpleNamespace(collaborations=(), start_year=2000, ticks=40,
                          municipalities=tuple(SimpleNamespace(region=f"r{i % 2}") for i in range(7)))
    assert "Largest one&#x27;s share at the end" in drawing.ensemble_charts(few, outcomes, drawing.Palette(few), 12)[1]


def test_the_real_regions_have_a_story_of_their_own():
    from simulation.app.story import story

    for name in ("two_hubs", "hedmark", "agder", "norway"):
        sc = load_scenario(name)
        assert story(sc) != sc.description and len(story(sc)) > 100, name
    sc = load_scenario("synthetic")
    assert story(sc) == sc.description


def test_each_scenario_gets_a_lesson_about_itself():
    """The "Why?" tab's lesson: two_hubs's is about its hubs; another scenario's names no hub and
    asks about years inside its own span (the lesson once told every scenario to watch the hubs)."""
    from simulation.app.story import lesson

    assert "hub" in lesson(load_scenario("two_hubs"))
    for name, names in (("hedmark", ("Kongsvinger", "Sør-Odal")), ("agder", ("Setesdal IKT", "IKT Agder")),
                        ("norway", ("2015",)), ("synthetic", ()), ("synthetic_small", ())):
        sc = load_scenario(name)
        text = lesson(sc)
        assert "hub" not in text.lower(), name
        assert all(n in text for n in names), name
        years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", text)]
        assert years, name
        assert all(sc.start_year <= y <= sc.start_year + sc.ticks for y in years), (name, years)


def test_palette_keeps_colours_by_name(two_hubs):
    p = drawing.Palette(two_hubs)
    assert p("West IKT") == drawing.COLOURS[0] and p("East IKT") == drawing.COLOURS[1]
    assert p("New") == drawing.COLOURS[2] and p("New") == drawing.COLOURS[2]


# ---- the page in-process ----------------------------------------------------------------------

def _page_after(monkeypatch, scenario: str, steps: int) -> dict[str, str]:
    """The page rendered in-process on ``scenario`` and stepped ``steps`` times: the year's and the
    map's and membership chart's HTML."""
    import ipyvuetify as v
    import solara
    from solara.widgets import HTML

    from simulation.app import page

    monkeypatch.setenv(page.SCENARIO_ENV, scenario)
    _, rc = solara.render(page.Page(), handle_error=False)
    step = rc.find(v.Btn, children=["Step"]).widget
    for _ in range(steps):
        step.click()
    out = {"year": rc.find(HTML, attributes={"data-steps": str(steps), "class": "imc-year"}).widget.unsafe_innerHTML}
    for name in ("map", "membership"):
        out[name] = rc.find(HTML, attributes={"data-chart": name, "class": "imc-card"}).widget.unsafe_innerHTML
    return out


@pytest.mark.slow
def test_the_page_renders_and_steps(monkeypatch):
    shown = _page_after(monkeypatch, "two_hubs", 3)
    assert shown["year"].startswith("2002")
    assert "West IKT" in shown["membership"] and ">year<" in shown["membership"]


@pytest.mark.slow
def test_the_page_renders_norway_at_national_scale(monkeypatch):
    """All 357 municipalities: after sixteen steps (2015) the map gives a count for its legend and
    the membership chart draws the eight largest collaborations on a county's axis and everyone,
    in a collaboration or alone, below."""
    shown = _page_after(monkeypatch, "norway", 16)
    assert shown["year"].startswith("2015")
    assert re.search(r">\d+ collaborations \(touching ones differ in colour\)<", shown["map"])
    chart = shown["membership"]
    assert chart.count("<svg") == 2 and re.search(r">members: 8 largest of \d+<", chart)
    assert chart.count("<polyline") == drawing.CHART_LINES + 2  # eight; in a collaboration, alone
