"""Small SVG charts for the classroom page: a region map, year charts and histograms.

Drawn as text, not with matplotlib: a chart costs well under a millisecond instead of about 0.1 s,
so the page keeps up with Play at several years a second, and SVG stays sharp on a projector.
Every chart scales to the width of its container (``viewBox``); sizes below are in its units.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

FONT = "font-family='DejaVu Sans, Arial, sans-serif'"
AXIS = "#444444"
GRID = "#e4e4e4"
JUNCTURE = "#f3dc9a"  # critical juncture years (goldenrod, light)


@dataclass(frozen=True)
class Line:
    """One series of a year chart; ``values`` align with the chart's years (None: no value)."""

    label: str
    colour: str
    values: Sequence[float | None]
    dash: str = ""
    width: float = 3.0


def _svg(width: float, height: float, body: list[str], label: str) -> str:
    return (f"<svg viewBox='0 0 {width:.0f} {height:.0f}' width='100%' preserveAspectRatio='xMidYMid meet' "
            f"role='img' aria-label='{escape(label, quote=True)}' {FONT} xmlns='http://www.w3.org/2000/svg'>"
            + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, size: float = 15, anchor: str = "middle", colour: str = AXIS,
          weight: str = "normal", extra: str = "") -> str:
    return (f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size}' text-anchor='{anchor}' fill='{colour}' "
            f"font-weight='{weight}' {extra}>{escape(str(text))}</text>")


def nice_ticks(low: float, high: float, count: int = 5, whole: bool = True) -> list[float]:
    """Round tick values covering [low, high] (about ``count`` of them); ``whole``: whole numbers
    only (counts of municipalities or runs)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(count, 1)
    if whole:
        raw = max(raw, 1.0)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw and not (whole and m * mag % 1))
    first = math.ceil(low / step - 1e-9) * step
    return [round(first + i * step, 10) for i in range(int((high - first) / step + 1e-9) + 1)]


def _fmt(v: float) -> str:
    return f"{v:.0f}" if abs(v - round(v)) < 1e-9 else f"{v:g}"


class _Frame:
    """Axes of a chart: data ranges mapped to the plotting area."""

    def __init__(self, width, height, xr, yr, left=58, right=14, top=34, bottom=50):
        self.w, self.h, self.xr, self.yr = width, height, xr, yr
        self.l, self.r, self.t, self.b = left, width - right, top, height - bottom

    def x(self, v: float) -> float:
        lo, hi = self.xr
        return self.l + (v - lo) / ((hi - lo) or 1) * (self.r - self.l)

    def y(self, v: float) -> float:
        lo, hi = self.yr
        return self.b - (v - lo) / ((hi - lo) or 1) * (self.b - self.t)

    def axes(self, xlabel: str, ylabel: str, title: str, xticks, yticks) -> list[str]:
        out = [_text(self.w / 2, 22, title, 17, weight="bold", colour="#222222")]
        for v in yticks:
            out.append(f"<line x1='{self.l}' x2='{self.r}' y1='{self.y(v):.1f}' y2='{self.y(v):.1f}' stroke='{GRID}'/>")
            out.append(_text(self.l - 6, self.y(v) + 5, _fmt(v), 14, "end"))
        for v in xticks:
            out.append(f"<line x1='{self.x(v):.1f}' x2='{self.x(v):.1f}' y1='{self.b}' y2='{self.b + 5}' stroke='{AXIS}'/>")
            out.append(_text(self.x(v), self.b + 20, _fmt(v) if not isinstance(v, str) else v, 14))
        out.append(f"<line x1='{self.l}' x2='{self.r}' y1='{self.b}' y2='{self.b}' stroke='{AXIS}'/>")
        out.append(f"<line x1='{self.l}' x2='{self.l}' y1='{self.t}' y2='{self.b}' stroke='{AXIS}'/>")
        out.append(_text((self.l + self.r) / 2, self.b + 40, xlabel, 15))
        out.append(_text(16, (self.t + self.b) / 2, ylabel, 15,
                         extra=f"transform='rotate(-90 16 {(self.t + self.b) / 2:.1f})'"))
        return out


def legend(entries: Sequence[tuple[str, str]], width: float, y: float, size: float = 14,
           dashes: Sequence[str] | None = None) -> list[str]:
    """Swatches and labels in rows across ``width``, starting at height ``y``; with ``dashes`` (one
    per entry, "" for solid) a line's sample instead of a swatch, so dashed lines read as such."""
    out, x, row = [], 10.0, y
    for i, (label, colour) in enumerate(entries):
        room = 26 + 8.2 * len(label)
        if x + room > width and x > 10:
            x, row = 10.0, row + size + 8
        if dashes is None:
            out.append(f"<rect x='{x:.1f}' y='{row - size + 2:.1f}' width='14' height='14' rx='3' fill='{colour}' "
                       "stroke='#333' stroke-width='0.6'/>")
        else:
            dash = f" stroke-dasharray='{dashes[i]}'" if dashes[i] else ""
            out.append(f"<line x1='{x:.1f}' x2='{x + 16:.1f}' y1='{row - size / 2 + 2:.1f}' y2='{row - size / 2 + 2:.1f}' "
                       f"stroke='{colour}' stroke-width='4'{dash}/>")
        out.append(_text(x + 20, row, label, size, "start", "#222222"))
        x += room
    return out


def legend_rows(entries: Sequence[tuple[str, str]], width: float, size: float = 14) -> int:
    rows, x = 1, 10.0
    for label, _ in entries:
        room = 26 + 8.2 * len(label)
        if x + room > width and x > 10:
            rows, x = rows + 1, 10.0
        x += room
    return rows if entries else 0


def year_chart(years: Sequence[int], lines: Sequence[Line], *, first: int, last: int, ymax: float,
               title: str, ylabel: str, shade: Sequence[tuple[int, int]] = (), mark: int | None = None,
               mark_label: str = "", width: float = 640, height: float = 360) -> str:
    """Lines over calendar years on fixed axes ``first``..``last`` x 0..``ymax`` (fixed from the
    start, so nothing jumps as years are added); ``shade`` marks juncture years, ``mark`` a year
    (a branch point). Only lines with at least one value appear in the legend."""
    shown = [ln for ln in lines if any(v is not None for v in ln.values)]
    entries = [(ln.label, ln.colour) for ln in shown]
    extra = legend_rows(entries, width) * 22
    f = _Frame(width, height, (first - 0.5, last + 0.5), (0, ymax), bottom=54 + extra)
    out = []
    for a, b in shade:
        out.append(f"<rect x='{f.x(a - 0.5):.1f}' y='{f.t}' width='{f.x(b + 0.5) - f.x(a - 0.5):.1f}' "
                   f"height='{f.b - f.t}' fill='{JUNCTURE}'/>")
    span = last - first
    step = 5 if span <= 40 else 10
    xt = [y for y in range(first, last + 1) if y % step == 0]
    out += f.axes("year", ylabel, title, xt, nice_ticks(0, ymax, 5))
    if mark is not None:
        out.append(f"<line x1='{f.x(mark):.1f}' x2='{f.x(mark):.1f}' y1='{f.t}' y2='{f.b}' stroke='#000' "
                   "stroke-width='2' stroke-dasharray='6 4'/>")
        out.append(_text(f.x(mark) + 5, f.t + 16, mark_label, 14, "start", "#000"))
    for ln in shown:
        pts = " ".join(f"{f.x(y):.1f},{f.y(v):.1f}" for y, v in zip(years, ln.values, strict=False) if v is not None)
        dash = f" stroke-dasharray='{ln.dash}'" if ln.dash else ""
        out.append(f"<polyline points='{pts}' fill='none' stroke='{ln.colour}' stroke-width='{ln.width}' "
                   f"stroke-linejoin='round'{dash}/>")
    out += legend(entries, width, f.b + 66, dashes=[ln.dash for ln in shown])
    return _svg(width, height, out, title)


def bars(labels: Sequence[str], counts: Sequence[int], colours: Sequence[str], *, title: str, ylabel: str,
         xlabel: str = "", width: float = 420, height: float = 300, ymax: float | None = None) -> str:
    """Counts per category (e.g. which collaboration ends largest), with the count on each bar."""
    top = max(ymax or 0, max(counts, default=0), 1)
    f = _Frame(width, height, (0, max(len(labels), 1)), (0, top * 1.15))
    out = f.axes(xlabel, ylabel, title, [], nice_ticks(0, top * 1.15, 4))
    slot = (f.r - f.l) / max(len(labels), 1)
    for i, (label, n, colour) in enumerate(zip(labels, counts, colours, strict=True)):
        x0 = f.l + i * slot + slot * 0.15
        out.append(f"<rect x='{x0:.1f}' y='{f.y(n):.1f}' width='{slot * 0.7:.1f}' height='{f.b - f.y(n):.1f}' "
                   f"fill='{colour}'><title>{escape(label)}: {n}</title></rect>")
        out.append(_text(x0 + slot * 0.35, f.y(n) - 5, str(n), 15, colour="#111", weight="bold"))
        out.append(_text(x0 + slot * 0.35, f.b + 20, fit(label, slot), 14 if len(label) * 8 < slot else 12))
    return _svg(width, height, out, title)


def fit(label: str, room: float, char: float = 7.0) -> str:
    """``label`` cut to about ``room`` pixels at 12 px (``char`` a character), ending in an
    ellipsis where it was cut (the bar's tooltip keeps the whole name)."""
    most = max(int(room // char), 3)
    return label if len(label) <= most else label[:most - 1].rstrip() + "…"


def histogram(values: Sequence[float], edges: Sequence[float], *, title: str, xlabel: str, ylabel: str = "runs",
              colour: str = "#4c72b0", width: float = 420, height: float = 300, ymax: float | None = None,
              tick_every: int = 1, tick_format: str = "{:g}") -> str:
    """Counts of ``values`` in the bins ``edges`` (left-closed; the last bin also closed on the right)."""
    counts = [0] * (len(edges) - 1)
    for v in values:
        for i in range(len(counts)):
            if edges[i] <= v < edges[i + 1] or (i == len(counts) - 1 and v == edges[-1]):
                counts[i] += 1
                break
    top = max(ymax or 0, max(counts, default=0), 1)
    f = _Frame(width, height, (edges[0], edges[-1]), (0, top * 1.12), right=26)
    ticks = list(edges[::tick_every])
    out = f.axes(xlabel, ylabel, title, [], nice_ticks(0, top * 1.12, 4))
    for v in ticks:
        out.append(f"<line x1='{f.x(v):.1f}' x2='{f.x(v):.1f}' y1='{f.b}' y2='{f.b + 5}' stroke='{AXIS}'/>")
        out.append(_text(f.x(v), f.b + 20, tick_format.format(v), 14))
    for i, n in enumerate(counts):
        if n:
            x0, x1 = f.x(edges[i]), f.x(edges[i + 1])
            out.append(f"<rect class='bin' x='{x0 + 1:.1f}' y='{f.y(n):.1f}' width='{max(x1 - x0 - 2, 1):.1f}' "
                       f"height='{f.b - f.y(n):.1f}' fill='{colour}'><title>{n}</title></rect>")
    return _svg(width, height, out, title)


@dataclass(frozen=True)
class Place:
    """A municipality on the map."""

    name: str
    x: float
    y: float
    radius: float
    fill: str


def region_map(places: Sequence[Place], edges: Sequence[tuple[int, int]], legend_entries: Sequence[tuple[str, str]],
               *, title: str, labels: bool = True, width: float = 640, max_height: float = 440) -> str:
    """Municipalities at their positions (already projected, y up), neighbour links in grey,
    names below the discs, and a legend of the colours below; as tall as the region's shape
    needs (up to ``max_height``)."""
    extra = legend_rows(legend_entries, width) * 22
    xs, ys = [p.x for p in places], [p.y for p in places]
    pad = max((p.radius for p in places), default=10) + 18
    inner = width - 20 - 2 * pad
    shape = ((max(ys) - min(ys)) or 1.0) / ((max(xs) - min(xs)) or 1.0)
    height = min(max(inner * shape + 2 * pad + 54 + extra, 200), max_height)
    box = (10 + pad, 34 + pad, width - 10 - pad, height - 20 - extra - pad)  # left, top, right, bottom
    dx, dy = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    scale = min((box[2] - box[0]) / dx, (box[3] - box[1]) / dy)
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    mx, my = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    pos = [(cx + (p.x - mx) * scale, cy - (p.y - my) * scale) for p in places]
    # the largest disc no wider than 0.45 of the closest two places' distance, so discs stay apart
    closest = min((math.dist(a, b) for i, a in enumerate(pos) for b in pos[i + 1:]), default=2 * pad)
    shrink = min(1.0, 0.45 * closest / max(p.radius for p in places))
    out = [_text(width / 2, 22, title, 17, weight="bold", colour="#222222")]
    for i, j in edges:
        (x1, y1), (x2, y2) = pos[i], pos[j]
        out.append(f"<line x1='{x1:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' y2='{y2:.1f}' stroke='#c8c8c8' stroke-width='1.5'/>")
    for p, (x, y) in zip(places, pos, strict=True):
        out.append(f"<circle class='place' data-name='{escape(p.name, quote=True)}' cx='{x:.1f}' cy='{y:.1f}' "
                   f"r='{max(p.radius * shrink, 4):.1f}' fill='{p.fill}' stroke='#222' stroke-width='1.2'><title>{escape(p.name)}</title></circle>")
    if labels:
        for p, (x, y) in zip(places, pos, strict=True):
            out.append(_text(x, y + max(p.radius * shrink, 4) + 15, p.name, 13, colour="#111",
                             extra="paint-order='stroke' stroke='white' stroke-width='3'"))
    out += legend(legend_entries, width, height - 10 - extra + 18)
    return _svg(width, height, out, title)
