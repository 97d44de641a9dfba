"""From histories and ensemble outcomes to the page's SVG charts (simulation.app.svg).

Colours are stable per collaboration name within a session (``Palette``), so West IKT is the
same blue in the map, in both histories of a replay and in the ensemble's bars.
"""

from __future__ import annotations

import math
from collections import Counter

from .. import metrics
from ..scenario import Scenario
from . import svg
from .ensemble import NONE, TIE, Outcome, focus_collaboration
from .history import Snapshot

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
           "#17becf", "#bcbd22", "#aec7e8")  # no grey: grey is for the alone, ties and the rest
OUTSIDE = "#e6e6e6"
OUTSIDE_LINE = "#888888"
OTHERS_LINE = "#444444"
CHART_LINES = 8  # collaborations drawn one by one in the membership chart; beyond, the totals below it
MANY_REGIONS = 6  # beyond, the ensemble counts collaborations at the end instead of the largest one's share
CHART_BARS = 6  # bars of "which collaboration ends largest"; beyond, the least frequent as "others"
OTHERS = "(others)"  # the bar of the rest, as NONE and TIE are bars of no collaboration


class Palette:
    """A colour per collaboration name, handed out in order of first sight (the scenario's own
    collaborations first): distinct while the ten colours last; beyond them, a collaboration
    first seen on the map takes a colour its touching collaborations do not have (``claim``)."""

    def __init__(self, scenario: Scenario) -> None:
        self._colours: dict[str, str] = {}
        for c in scenario.collaborations:
            self(c.name)

    def __call__(self, name: str) -> str:
        if name in (NONE, TIE, ""):
            return OUTSIDE_LINE
        if name == OTHERS:
            return OTHERS_LINE
        if name not in self._colours:
            self._colours[name] = COLOURS[len(self._colours) % len(COLOURS)]
        return self._colours[name]

    def claim(self, name: str, touching: set[str]) -> str:
        """The colour of ``name``; once the ten are handed out, a new name takes the first colour
        none of its ``touching`` collaborations (those already coloured) has, where one is left."""
        if name not in self._colours and len(self._colours) >= len(COLOURS):
            used = {self._colours[t] for t in touching if t in self._colours}
            free = [c for c in COLOURS if c not in used]
            if free:  # the least used of them, so that no one colour fills the map
                uses = Counter(self._colours.values())
                self._colours[name] = min(free, key=lambda c: uses[c])
        return self(name)


def positions(scenario: Scenario) -> list[tuple[float, float]]:
    """Map positions, squeezed east-west where they are longitude and latitude
    (``Scenario.east_west_squeeze``) so the region keeps its shape."""
    squeeze = scenario.east_west_squeeze
    return [(s.x * squeeze, s.y) for s in scenario.municipalities]


def region_map(scenario: Scenario, snap: Snapshot, palette: Palette, title: str, width: float = 620) -> str:
    row = snap.arrangement[-1]
    pops = [s.population for s in scenario.municipalities]
    big = max(pops)
    n = len(pops)
    r_max = 30 if n <= 20 else 18 if n <= 60 else 7
    index = {s.name: i for i, s in enumerate(scenario.municipalities)}
    edges = [(index[a], index[b]) for a, b in scenario.edges]
    touching = metrics.touching(row, edges)
    for name in touching:  # first sight on the map, in map order
        palette.claim(name, touching[name])
    places = [svg.Place(s.name, x, y, max(r_max * math.sqrt(s.population / big), 6 if n <= 60 else 2.5),
                        palette(name) if name else OUTSIDE)
              for s, (x, y), name in zip(scenario.municipalities, positions(scenario), row, strict=True)]
    counts = Counter(name for name in row if name)
    entries = [(f"{name} ({counts[name]})", palette(name)) for name in snap.names if counts.get(name)]
    if len(entries) > len(COLOURS):  # colours repeat, so names would not tell them apart: the count
        entries = [(f"{len(entries)} collaborations (touching ones differ in colour)", COLOURS[0])]
    entries.append((f"alone ({n - sum(counts.values())})", OUTSIDE))
    return svg.region_map(places, edges, entries, title=title, labels=n <= 30, width=width)


def membership_chart(scenario: Scenario, snap: Snapshot, palette: Palette, title: str = "Members of each collaboration",
                     mark: int | None = None, mark_label: str = "", width: float = 620, height: float = 330) -> str:
    """Members per collaboration by year on fixed axes: years of the scenario x 0..municipalities.
    At a national scale (more than ``CHART_LINES`` collaborations) two charts: the largest
    ``CHART_LINES`` by their peak, on an axis of a county's size (on one of all municipalities they
    lay flat near zero), and below it the municipalities in a collaboration and alone. A line whose
    colour an earlier one has (colours repeat beyond ten) is dashed."""
    n = len(scenario.municipalities)
    series = {name: [sum(1 for c in row if c == name) for row in snap.arrangement] for name in snap.names}
    series = {name: counts for name, counts in series.items() if any(counts)}
    shown = set(sorted(series, key=lambda name: -max(series[name]))[:CHART_LINES])
    lines, seen = [], set()
    for name in (name for name in series if name in shown):  # in order of first sight, as the palette
        colour = palette(name)
        lines.append(svg.Line(name, colour, series[name], dash="5 3" if colour in seen else ""))
        seen.add(colour)
    alone = svg.Line("alone", OUTSIDE_LINE, [sum(1 for c in row if not c) for row in snap.arrangement],
                     dash="6 5", width=2)
    first = scenario.start_year - 1
    axes = dict(first=first, last=first + scenario.ticks, ylabel="municipalities", shade=juncture_years(scenario),
                mark=mark, mark_label=mark_label, width=width)
    if len(series) <= CHART_LINES:
        return svg.year_chart(snap.years, [*lines, alone], ymax=n, title=title, height=height, **axes)
    peak = max((max(line.values) for line in lines), default=0)
    largest = svg.year_chart(snap.years, lines, ymax=max(group_ceiling(scenario), peak), title=title,
                             height=height, **{**axes, "ylabel": f"members: {len(lines)} largest of {len(series)}"})
    inside = svg.Line("in a collaboration", OTHERS_LINE, [n - k for k in alone.values], width=2)
    totals = svg.year_chart(snap.years, [inside, alone], ymax=n, title="In a collaboration or alone",
                            height=round(height * 0.7), **axes)
    return largest + totals


def group_ceiling(scenario: Scenario) -> int:
    """The axis of a national chart of single collaborations: the municipalities of the largest
    county (a collaboration's reach since the merger myth gathers a county), or of the largest
    region where the scenario names no counties; all municipalities where it names neither."""
    groups = Counter(m.county or m.region for m in scenario.municipalities)
    groups.pop("", None)
    return max(groups.values(), default=len(scenario.municipalities))


def juncture_years(scenario: Scenario) -> list[tuple[int, int]]:
    return [(j.start, j.end) for j in scenario.junctures]


def winner_bars(scenario: Scenario, wins: Counter) -> tuple[list[str], list[str]]:
    """The bars of "which collaboration ends largest", in order: the scenario's own collaborations,
    the others by name, a tie and none last. Beyond ``CHART_BARS`` (a national region, a different
    largest in many runs) the ``CHART_BARS - 1`` most frequent keep a bar and the rest come back
    apart, for one bar (``OTHERS``) or, on the page, one phrase."""
    own = [c.name for c in scenario.collaborations]
    labels = own + [w for w in sorted(wins) if w not in own]
    labels = [w for w in labels if w not in (TIE, NONE)] + [w for w in (TIE, NONE) if wins.get(w)]
    if len(labels) <= CHART_BARS:
        return labels, []
    named = set(sorted(labels, key=lambda w: -wins.get(w, 0))[:CHART_BARS - 1])
    return [w for w in labels if w in named], [w for w in labels if w not in named]


def ensemble_charts(scenario: Scenario, outcomes: list[Outcome], palette: Palette, planned: int) -> list[str]:
    """Three views of the ensemble so far: who ends largest, the final share, the year of lock-in;
    axes fixed by ``planned`` runs so bars grow in place."""
    wins = Counter(o.winner for o in outcomes)
    labels, rest = winner_bars(scenario, wins)
    if rest:
        wins[OTHERS] = sum(wins[w] for w in rest)
        labels.append(OTHERS)
    short = [{TIE: "tie", NONE: "none", OTHERS: "others"}.get(w, w) for w in labels]
    win_chart = svg.bars(short, [wins.get(w, 0) for w in labels], [palette(w) for w in labels],
                         title="Which collaboration ends largest", ylabel="runs",
                         ymax=max(planned / 2, 1), width=360, height=280)
    focus = focus_collaboration(scenario)
    if focus is None and len({m.region for m in scenario.municipalities}) > MANY_REGIONS:
        # a country of regions: the largest holds a few per cent in every run; how many
        # collaborations there are at the end is what differs (consolidation)
        top = 12 * math.ceil(len(scenario.municipalities) / 4 / 12)
        share_chart = svg.histogram([min(len(o.sizes), top) for o in outcomes], list(range(0, top + 1, top // 12)),
                                    title="Collaborations at the end", xlabel="collaborations",
                                    colour="#4c72b0", ymax=max(planned / 4, 1), tick_every=3,
                                    tick_format="{:.0f}", width=360, height=280)
    else:
        what = f"{focus}'s share" if focus else "Largest one's share"
        share_chart = svg.histogram([o.focus_share for o in outcomes], [i / 12 for i in range(13)],
                                    title=f"{what} at the end", xlabel="share of all municipalities",
                                    colour=palette(focus) if focus else "#4c72b0", ymax=max(planned / 4, 1),
                                    tick_every=3, tick_format="{:.2f}", width=360, height=280)
    first, last = scenario.start_year, scenario.start_year + scenario.ticks - 1
    step = 2 if scenario.ticks <= 40 else 5
    edges = list(range(first, last + step + 1, step))
    years = [o.lock_in_year for o in outcomes if o.lock_in_year is not None]  # None: never changed
    lock_chart = svg.histogram(years, edges, title="Year of lock-in (last change)", xlabel="year",
                               colour="#555555", ymax=max(planned / 4, 1), tick_every=max(10 // step, 1),
                               tick_format="{:.0f}", width=360, height=280)
    return [win_chart, share_chart, lock_chart]
