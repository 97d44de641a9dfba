"""How many paired seeds a verdict needs (``simulation.experiments.seed_power``; ``imcsim effects``'
``seeds_80``): known answers from the power tables of the one-sample t test, a Monte Carlo check
that the figure is what t intervals actually do, and the edge cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulation.experiments.analysis import mean_ci
from simulation.experiments.seed_power import power_at, seeds_for_power


def _standardised(d: float, n: int = 50) -> np.ndarray:
    """Differences whose mean / sd is exactly ``d``."""
    a = np.random.default_rng(7).normal(size=n)
    return (a - a.mean()) / a.std(ddof=1) + d


@pytest.mark.parametrize(("d", "seeds"), [(0.2, 199), (0.5, 34), (0.8, 15), (-0.5, 34)])
def test_known_answers_of_the_one_sample_t_test(d, seeds):
    """Cohen's small, medium and large effects at 80 % power, two-sided 5 %: 199, 34 and 15
    (G*Power, "t tests - means: difference from constant (one sample case)"); the sign of the
    effect does not matter."""
    assert seeds_for_power(_standardised(d)) == seeds
    assert power_at(d, seeds) >= 0.8 > power_at(d, seeds - 1)


def test_the_figure_is_what_t_intervals_do_on_fresh_draws():
    """Draws of 34 differences from a normal of d = 0.5: the share whose 95 % interval (the
    effects engine's own ``mean_ci``) lies above zero is the power the module gives (0.81),
    within Monte Carlo error; at 17 seeds it is about half."""
    rng = np.random.default_rng(20261203)
    for n in (34, 17):
        above = [mean_ci(x, 0.95)[0] - mean_ci(x, 0.95)[1] > 0 for x in rng.normal(0.5, 1.0, size=(4000, n))]
        assert np.mean(above) == pytest.approx(power_at(0.5, n), abs=0.02)


def test_no_effect_and_a_constant_effect():
    assert math.isnan(seeds_for_power(np.zeros(10)))  # high equals low in every seed: nothing to find
    assert math.isnan(seeds_for_power(np.array([0.3])))  # one seed: no spread to plan from
    assert seeds_for_power(np.array([0.2, 0.2, 0.2])) == 2  # the same difference every time
    assert math.isinf(seeds_for_power(np.array([1.0, -1.0, 1.0, -1.0])))  # mean exactly zero
    assert seeds_for_power(np.array([1.0, np.nan, 1.2, 0.9, 1.1])) == seeds_for_power(np.array([1.0, 1.2, 0.9, 1.1]))
