"""How far one run lies from the sources' figures: continuous distances that rank calibration draws.

The patterns (:mod:`.patterns`) say pass or fail; a search also needs to know how close a draw
that fails came. Each distance is a sum of terms, one per summary statistic, each in units of the
pattern's tolerance (1 = as far off as the half-width of its window or band) and capped at 3, so
that one wild statistic does not hide the others; an event that never happened counts as the cap.
0 is the history itself.
"""

from __future__ import annotations

import math

from .. import metrics
from .patterns import (
    AGDER_MERGER_WINDOW,
    AGDER_MERGER_YEAR,
    AGDER_OWNERS_2022,
    BLOC_WINDOW,
    DISSOLUTIONS_PER_YEAR,
    FOUNDING_YEARS,
    PRESENT,
    Runs,
    absorbed_fate,
    bloc_year,
    dissolutions_per_year,
    hub_members,
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


def hedmark_distance(runs: Runs) -> float:
    """Sum of: the trio's founding year off 2005-06 (years); the bloc's year off 2011 (in 2-year
    half-widths of its window); Sør-Odal's year off 2018 (in 2-year units); exits and dissolutions
    up to 2022 (a count). 004 L301, L742."""
    m = runs.get()
    _, trio = trio_collaboration(m)
    founded = 0.0 if trio in FOUNDING_YEARS else term(trio, sum(FOUNDING_YEARS) / 2, 1.0)
    bloc = term(bloc_year(m), HISTORY_BLOC, (BLOC_WINDOW[1] - BLOC_WINDOW[0]) / 2)
    late = term(late_year(m), HISTORY_LATE, 2.0)
    s = metrics.series(m)
    s = s[s.year <= PRESENT]
    return founded + bloc + late + min(CAP, float(s.exits.sum() + s.dissolutions.sum()))


def agder_distance(runs: Runs) -> float:
    """Sum of: IKT Agder's members in 2022 off its 14 owners (in units of 5; 002 L137-141); and
    Setesdal IKT's fate: merged into IKT Agder, its year off 2022 in units of the window's
    half-width (2 years); surviving, half the cap; dissolved or absorbed elsewhere, the cap
    (002 L145-147)."""
    m = runs.get()
    owners = term(hub_members(m), AGDER_OWNERS_2022, OWNERS_TOLERANCE)
    fate, year = absorbed_fate(m)
    if fate == "merged":
        merger = term(year, AGDER_MERGER_YEAR, (AGDER_MERGER_WINDOW[1] - AGDER_MERGER_WINDOW[0]) / 2)
    else:
        merger = CAP / 2 if fate == "survives" else CAP
    return owners + merger


def national_distance(runs: Runs) -> float:
    """Sum of: the 2015 member share off 60 % (in units of 0.15; 004 L256-258); the number of
    collaborations in 2015 off 40 (in units of 15; 004 L271; 002 L384-386); the small-minus-large
    membership gap below +0.15 (in units of 0.1; 004 L262, L764); dissolutions per year above one
    (in units of 0.5); and 1 when no merger happened (002 L388-393)."""
    return (term(national_member_share(runs), NATIONAL_SHARE, SHARE_TOLERANCE)
            + term(national_collaborations(runs), NATIONAL_COLLABORATIONS, COLLABORATIONS_TOLERANCE)
            + shortfall(small_join_more(runs), SMALL_GAP, 0.1)
            + min(CAP, max(0.0, dissolutions_per_year(runs) - DISSOLUTIONS_PER_YEAR) / 0.5)
            + (0.0 if mergers_occur(runs) else 1.0))
