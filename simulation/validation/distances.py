"""How far one run lies from the sources' figures: continuous distances that rank calibration draws.

The patterns (:mod:`.patterns`) say pass or fail; a search also needs to know how close a draw
that fails came. Each distance is a sum of terms, one per summary statistic, each in units of the
pattern's tolerance (1 = as far off as the half-width of its window or band) and capped at 3, so
that one wild statistic does not hide the others; an event that never happened counts as the cap.
0 is the history itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from .. import metrics
from .patterns import (
    AGDER_MERGER_WINDOW,
    AGDER_MERGER_YEAR,
    AGDER_OWNERS_2022,
    BLOC_WINDOW,
    DISSOLUTIONS_PER_YEAR,
    FOUNDING_YEARS,
    LARGEST_MEMBERS,
    PRESENT,
    Runs,
    absorbed_fate,
    bloc_year,
    dissolutions_per_year,
    hub_members,
    largest_members,
    late_year,
    mergers_occur,
    national_collaborations,
    national_member_share,
    small_join_more,
    trio_collaboration,
)

CAP = 3.0  # most any one term contributes
HISTORY_BLOC, HISTORY_LATE = 2011, 2018  # 004 L301
NATIONAL_SHARE, NATIONAL_COLLABORATIONS = 0.6, 40  # 004 L256-258; 004 L271, 002 L384-386
SHARE_TOLERANCE, COLLABORATIONS_TOLERANCE = 0.15, 15  # half-widths of the bands 45-75 % and 25-55
SMALL_GAP = 0.15  # small-minus-large membership gap that counts as clearly "small join more"
OWNERS_TOLERANCE = 5  # members of IKT Agder in 2022 off the 14 owners (002 L137-141)
LARGEST_TOLERANCE = 5  # members beyond our bound on the largest collaboration (patterns.LARGEST_MEMBERS)


def term(value: float | None, centre: float, tolerance: float) -> float:
    """|value - centre| in units of ``tolerance``, capped at CAP; None or nan counts as CAP."""
    if value is None or math.isnan(value):
        return CAP
    return min(CAP, abs(value - centre) / tolerance)


def shortfall(value: float, floor: float, tolerance: float) -> float:
    """How far ``value`` falls below ``floor``, in units of ``tolerance``, capped; nan counts as CAP."""
    if math.isnan(value):
        return CAP
    return min(CAP, max(0.0, floor - value) / tolerance)


def excess(value: float, ceiling: float, tolerance: float) -> float:
    """How far ``value`` rises above ``ceiling``, in units of ``tolerance``, capped; nan counts as CAP."""
    return shortfall(-value, -ceiling, tolerance)


@dataclass(frozen=True)
class Statistic:
    """One summary statistic: what is measured on a region's runs (one number per seed; nan when
    the event never happened), the sources' figure, and its distance term (0 = the history, CAP at
    most). ABC (:mod:`.abcsmc`) keeps the raw values and sums the terms; the region distances below
    are the same sums."""

    name: str
    region: str
    source: str
    measure: Callable[[Runs], float]
    term: Callable[[float], float]
    observed: float
    text: str  # how the term is computed, for docs and the posterior's provenance

    def distance(self, runs: Runs) -> float:
        return self.term(self.measure(runs))


def _year(value: int | None) -> float:
    return math.nan if value is None else float(value)


def _trio_year(runs: Runs) -> float:
    return _year(trio_collaboration(runs.get())[1])


def _founded_term(year: float) -> float:
    return 0.0 if year in FOUNDING_YEARS else term(year, sum(FOUNDING_YEARS) / 2, 1.0)


def _exits_to_present(runs: Runs) -> float:
    s = metrics.series(runs.get())
    s = s[s.year <= PRESENT]
    return float(s.exits.sum() + s.dissolutions.sum())


def _setesdal_merger_year(runs: Runs) -> float:
    """The year Setesdal IKT merged into IKT Agder; inf if it survives to the end; nan if it ended
    otherwise (dissolved, or merged elsewhere)."""
    fate, year = absorbed_fate(runs.get())
    return float(year) if fate == "merged" else (math.inf if fate == "survives" else math.nan)


def _merger_term(year: float) -> float:
    if math.isinf(year):
        return CAP / 2
    return term(year, AGDER_MERGER_YEAR, (AGDER_MERGER_WINDOW[1] - AGDER_MERGER_WINDOW[0]) / 2)


STATISTICS: tuple[Statistic, ...] = (
    Statistic("hedmark trio year", "hedmark", "004 L301", _trio_year, _founded_term, sum(FOUNDING_YEARS) / 2,
              "0 in 2005-06, else abs(year - 2005.5)"),
    Statistic("hedmark bloc year", "hedmark", "004 L301", lambda r: _year(bloc_year(r.get())),
              lambda v: term(v, HISTORY_BLOC, (BLOC_WINDOW[1] - BLOC_WINDOW[0]) / 2), HISTORY_BLOC,
              "abs(year - 2011) / 2"),
    Statistic("hedmark Sør-Odal year", "hedmark", "004 L301", lambda r: _year(late_year(r.get())),
              lambda v: term(v, HISTORY_LATE, 2.0), HISTORY_LATE, "abs(year - 2018) / 2"),
    Statistic("hedmark exits to 2022", "hedmark", "004 L301, L742", _exits_to_present,
              lambda v: min(CAP, v), 0.0, "exits + dissolutions up to 2022 (a count)"),
    Statistic("agder IKT Agder members 2022", "agder", "002 L137-141", lambda r: float(hub_members(r.get())),
              lambda v: term(v, AGDER_OWNERS_2022, OWNERS_TOLERANCE), AGDER_OWNERS_2022, "abs(members - 14) / 5"),
    Statistic("agder Setesdal merger year", "agder", "002 L145-147", _setesdal_merger_year, _merger_term,
              AGDER_MERGER_YEAR, "merged into IKT Agder: abs(year - 2022) / 2; survives: CAP/2; else CAP"),
    Statistic("norway member share 2015", "norway", "004 L256-258", national_member_share,
              lambda v: term(v, NATIONAL_SHARE, SHARE_TOLERANCE), NATIONAL_SHARE, "abs(share - 0.6) / 0.15"),
    Statistic("norway collaborations 2015", "norway", "004 L271; 002 L384-386", national_collaborations,
              lambda v: term(v, NATIONAL_COLLABORATIONS, COLLABORATIONS_TOLERANCE), NATIONAL_COLLABORATIONS,
              "abs(n - 40) / 15"),
    Statistic("norway small minus large", "norway", "004 L262, L764", small_join_more,
              lambda v: shortfall(v, SMALL_GAP, 0.1), SMALL_GAP, "max(0, 0.15 - gap) / 0.1"),
    Statistic("norway dissolutions per year", "norway", "002 L388-393", dissolutions_per_year,
              lambda v: excess(v, DISSOLUTIONS_PER_YEAR, 0.5), DISSOLUTIONS_PER_YEAR,
              "max(0, rate - 1) / 0.5"),
    Statistic("norway mergers", "norway", "002 L388-393", lambda r: float(mergers_occur(r)),
              lambda v: 0.0 if v > 0 else 1.0, 1.0, "0 if a merger happened, else 1"),
    Statistic("norway largest collaboration 2015", "norway", "002 L137-141; 004 L301", largest_members,
              lambda v: excess(v, LARGEST_MEMBERS, LARGEST_TOLERANCE), LARGEST_MEMBERS,
              f"max(0, members - {LARGEST_MEMBERS}) / {LARGEST_TOLERANCE}"),
)


def region_distance(region: str, runs: Runs) -> float:
    """Sum of the region's statistics' terms on one seed's runs."""
    return sum(s.distance(runs) for s in STATISTICS if s.region == region)


def hedmark_distance(runs: Runs) -> float:
    """Sum of: the trio's founding year off 2005-06 (years); the bloc's year off 2011 (in 2-year
    half-widths of its window); Sør-Odal's year off 2018 (in 2-year units); exits and dissolutions
    up to 2022 (a count). 004 L301, L742."""
    return region_distance("hedmark", runs)


def agder_distance(runs: Runs) -> float:
    """Sum of: IKT Agder's members in 2022 off its 14 owners (in units of 5; 002 L137-141); and
    Setesdal IKT's fate: merged into IKT Agder, its year off 2022 in units of the window's
    half-width (2 years); surviving, half the cap; dissolved or absorbed elsewhere, the cap
    (002 L145-147)."""
    return region_distance("agder", runs)


def national_distance(runs: Runs) -> float:
    """Sum of: the 2015 member share off 60 % (in units of 0.15; 004 L256-258); the number of
    collaborations in 2015 off 40 (in units of 15; 004 L271; 002 L384-386); the small-minus-large
    membership gap below +0.15 (in units of 0.1; 004 L262, L764); dissolutions per year above one
    (in units of 0.5); and 1 when no merger happened (002 L388-393)."""
    return region_distance("norway", runs)
