"""The effects table for people: terminal text and Markdown (``imcsim effects``).

Reads the tidy table of :func:`.effects.estimate` (one row per region, lever and outcome) and
lays it out as the expected directions by region, and as one lever x region table per outcome.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import pandas as pd

from .effects import (
    AGREES,
    DISAGREES,
    FEW_EVENTS,
    INCLUDES_ZERO,
    LEVEL,
    MARKS,
    NO_DIFFERENCE,
    NOT_IN_MODEL,
    UNDEFINED,
    Lever,
    Outcome,
)
from .seed_power import MAX_SEEDS, POWER


def _num(x: float) -> str:
    if math.isnan(x):
        return "n/a"
    if x == 0:
        return "0"
    return f"{x:+.3g}" if abs(x) >= 1e-3 else f"{x:+.1e}"


def cell_text(row: Any, interval: bool = True) -> str:
    """'+0.12 [+0.05, +0.19] ✓': the effect, its t interval and the verdict's mark; for a count
    outcome with fewer than ``FEW_EVENTS`` events over both arms, how many ('(12 events)').
    Without ``interval``, the figure's short form: '+0.12 ✓', '(12 ev.)'."""
    if row.verdict in (NOT_IN_MODEL, UNDEFINED):
        return row.verdict
    text = _num(row.mean_diff) + (f" [{_num(row.ci_low)}, {_num(row.ci_high)}]" if interval else "")
    mark = MARKS[row.verdict]
    text = f"{text} {mark}" if mark else text
    events = _events(row)
    if events < FEW_EVENTS:
        text += f" ({events:.0f} event{'' if round(events) == 1 else 's'})" if interval else f" ({events:.0f} ev.)"
    return text


def expectations_table(table: pd.DataFrame, cell: Callable[[Any], str] = cell_text,
                       source: bool = True) -> tuple[list[str], list[list[str]]]:
    """Header and rows: each declared expectation (lever, outcome, direction, source) by region,
    each cell written by ``cell`` (the effect and its verdict, or ``seeds_text``)."""
    regions = list(dict.fromkeys(table.region))
    rows = []
    expected = table[table.expected != ""]
    for (lever, outcome), group in expected.groupby(["lever", "outcome"], sort=False):
        g = group.set_index("region")
        first = group.iloc[0]
        rows.append([lever, outcome, first.expected, *([first.source] if source else []),
                     *(cell(g.loc[r]) for r in regions)])
    return ["lever", "outcome", "expected", *(["source"] if source else []), *regions], rows


def seeds_text(row: Any) -> str:
    """'34' paired seeds for an 80 % chance that a draw's interval excludes zero on the side of
    this effect ('34, other side' when that is against the expected direction); '' where there is
    no effect to find (no difference, not in the model, undefined)."""
    n = getattr(row, "seeds_80", math.nan)
    if n is None or math.isnan(n) or row.verdict in (NOT_IN_MODEL, UNDEFINED, NO_DIFFERENCE):
        return ""
    text = f"> {MAX_SEEDS:,}" if math.isinf(n) else f"{n:,.0f}"
    against = row.expected and row.mean_diff != 0 and (row.mean_diff > 0) != (row.expected == "+")
    return f"{text}, other side" if against else text


class VerdictGrid(NamedTuple):
    """The declared expectations at a glance (``plots.effects_verdicts``): a row per expectation
    ('habit → notice_chance (-)'), a column per region; per cell the verdict, its text ('-0.0015 ✓')
    and whether it is a count with too few events to tell (``FEW_EVENTS``)."""

    labels: list[str]
    regions: list[str]
    verdicts: list[list[str]]
    texts: list[list[str]]
    rare: list[list[bool]]


def verdict_grid(table: pd.DataFrame) -> VerdictGrid:
    regions = list(dict.fromkeys(table.region))
    grid = VerdictGrid([], regions, [], [], [])
    for (lever, outcome), group in table[table.expected != ""].groupby(["lever", "outcome"], sort=False):
        g = group.set_index("region")
        grid.labels.append(f"{lever} → {outcome} ({group.iloc[0].expected})")
        grid.verdicts.append([g.loc[r].verdict for r in regions])
        grid.texts.append([cell_text(g.loc[r], interval=False) for r in regions])
        grid.rare.append([_events(g.loc[r]) < FEW_EVENTS for r in regions])
    return grid


def _events(row: Any) -> float:
    """Events of a count outcome over both arms; infinity for an outcome that is not a count."""
    events = getattr(row, "events", math.nan)
    return math.inf if events is None or math.isnan(events) else float(events)


def outcome_tables(table: pd.DataFrame, levers: list[Lever], outcomes: list[Outcome]) -> dict[str, tuple]:
    """Per outcome: header and rows of a lever x region table, with the lever's settings and the
    expected direction and its source."""
    regions = list(dict.fromkeys(table.region))
    out = {}
    for outcome in outcomes:
        t = table[table.outcome == outcome.name].set_index(["lever", "region"])
        rows = []
        for lever in levers:
            e = lever.expectation(outcome.name)
            rows.append([lever.name, lever.settings_text(),
                         f"{'+' if e.direction > 0 else '-'} ({e.source})" if e else "",
                         *(cell_text(t.loc[(lever.name, r)]) for r in regions)])
        out[outcome.name] = (["lever", "low → high", "expected", *regions], rows)
    return out


def markdown(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def plain(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*header), fmt.format(*("-" * w for w in widths)),
                      *(fmt.format(*map(str, r)) for r in rows)])


LEGEND = (f"Effect = mean over seeds of (high - low) with the same seed for both, [{LEVEL:.0%} t interval]. "
          f"{MARKS[AGREES]} the interval excludes zero in the expected direction, {MARKS[DISAGREES]} it excludes "
          f"zero the other way, {MARKS[INCLUDES_ZERO]} it includes zero, {MARKS[NO_DIFFERENCE]} high equals low "
          "in every seed; 'not in the model': the lever's key or the outcome is not (yet) part of the model; "
          "'undefined here': no run has a value (e.g. a region without small municipalities). "
          f"'(k events)': a count with fewer than {FEW_EVENTS} events over both settings and all seeds, too few "
          "for an interval to exclude zero even if the lever halved it: run more seeds before reading a "
          f"{MARKS[INCLUDES_ZERO]} there as no effect.")


SEEDS_LEGEND = (f"Paired seeds a fresh draw needs for a chance of {POWER:.0%} that its {LEVEL:.0%} interval excludes "
                "zero on the side of the effect above, taking that effect and the spread of the paired differences "
                "as true (the power of a one-sample t test; `seeds_80` in effects.csv). A planning figure from "
                "this draw, noisy itself: a verdict at about as many seeds as were run may go either way on the "
                "next draw. Against ten real 30-seed draws it was about right for member shares and conservative (more "
                "seeds than needed) for the chance of a notice (docs/validation.md, \"How often a verdict holds on a draw nobody chose\"). "
                "'other side': the effect above is against the expected direction.")


def report_markdown(table: pd.DataFrame, levers: list[Lever], outcomes: list[Outcome], n_seeds: int,
                    ticks: int | None, seed: int, base: str = "") -> str:
    horizon = f"{ticks} years" if ticks else "each region's own horizon"
    setting = (f"Base setting, applied to every region before the levers (a lever that scales the region's "
               f"own value scales this one): `{base}`." if base else "Base setting: each region as shipped.")
    parts = [
        "# Effects of the theory's levers, by region",
        "",
        f"Paired seeds: {n_seeds} per region (experiment seed {seed}), {horizon}. {setting} {LEGEND}",
        "",
        "## Levers",
        "",
        markdown(["lever", "keys", "low → high", "meaning"],
                 [[lv.name, ", ".join(f"`{k}`" for k in lv.keys), lv.settings_text(), lv.meaning] for lv in levers]),
        "",
        "## Expected directions",
        "",
        markdown(*expectations_table(table)),
        "",
        "## Seeds a verdict needs",
        "",
        SEEDS_LEGEND,
        "",
        markdown(*expectations_table(table, seeds_text, source=False)),
    ]
    for outcome in outcomes:
        header, rows = outcome_tables(table, levers, [outcome])[outcome.name]
        parts += ["", f"## {outcome.label} (`{outcome.name}`)", "", markdown(header, rows)]
    return "\n".join(parts) + "\n"
