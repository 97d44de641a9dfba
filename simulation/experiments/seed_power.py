"""How many paired seeds a lever's verdict needs (``imcsim effects``: the ``seeds_80`` column).

A paired effect whose 95 % interval includes zero on 30 seeds may be no effect, or an effect too
small for 30 seeds; and one that excludes zero on our draw may include it on the next. Read as a
pilot study, the paired differences give a standardised effect ``d = mean / sd``; the t interval
of a fresh draw of ``n`` seeds excludes zero on the side of ``mean`` with the probability that a
noncentral t with ``n - 1`` degrees of freedom and noncentrality ``d sqrt(n)`` exceeds the
interval's critical value (the power of the one-sample t test, two-sided, counting the side of the
mean only). ``seeds_for_power`` is the smallest ``n`` at which that reaches ``power``. The
estimate carries the pilot's own noise (an observed ``d`` is itself uncertain), so it is a
planning figure: "about this many", not a guarantee.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from .analysis import mean_ci

POWER = 0.8  # the usual planning target
MAX_SEEDS = 1_000_000  # beyond this, "more seeds" is not the answer: reported as inf


def power_at(d: float, n: int, level: float = 0.95) -> float:
    """Chance that a draw of ``n`` paired seeds gives a t interval (at ``level``) excluding zero on
    the side of a true standardised effect ``d`` (> 0 or < 0)."""
    if n < 2:
        return 0.0
    critical = stats.t.ppf(0.5 + level / 2, n - 1)
    return float(stats.nct.sf(critical, n - 1, abs(d) * math.sqrt(n)))


def seeds_for_power(differences: np.ndarray, power: float = POWER, level: float = 0.95) -> float:
    """The smallest number of paired seeds whose interval excludes zero on the side of the observed
    mean with probability ``power``, at the standardised effect the differences show; nan when
    they show none (no differences, or all zero), inf beyond ``MAX_SEEDS``."""
    d = np.asarray(differences, dtype=float)
    d = d[~np.isnan(d)]
    if len(d) < 2 or not d.any():
        return math.nan
    if mean_ci(d, level)[1] == 0:  # the same difference in every seed (up to rounding): any two show it
        return 2.0
    effect = float(d.mean()) / float(d.std(ddof=1))
    if effect == 0:
        return math.inf
    if power_at(effect, 2, level) >= power:
        return 2.0
    low, high = 2, 4  # power grows with n: double until it is reached, then halve the gap
    while power_at(effect, high, level) < power:
        low, high = high, high * 2
        if high > MAX_SEEDS:
            return math.inf
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if power_at(effect, middle, level) >= power else (middle, high)
    return float(high)
