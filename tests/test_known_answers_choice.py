"""Known answers for combining the perspectives (simulation/perspectives/choice.py): the weighted
sum, the satisficing gate, the logit choice (analytic probabilities, the inverse-CDF draw, and the
sampling frequency of a seeded stream), attribution and lock-in."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from simulation.perspectives import choice
from simulation.perspectives.choice import Option


class Draws:
    """A stand-in random generator whose ``random()`` returns the given numbers in turn."""

    def __init__(self, *values: float) -> None:
        self.values = list(values)

    def random(self) -> float:
        return self.values.pop(0)


def test_combined():
    """U = wI*UI + wC*UC + wM*UM = 0.5*1 + 0.25*2 + 2*3 = 7."""
    assert_allclose(choice.combined((1.0, 2.0, 3.0), (0.5, 0.25, 2.0)), 7.0, rtol=1e-15)


@pytest.mark.parametrize("outcome, juncture, draw, expected", [
    (90.0, False, 0.5, False),  # 90 >= 100 - 20: satisfied, no juncture, draw above review rate
    (79.0, False, 0.5, True),  # 79 < 100 - 20: dissatisfied
    (80.0, False, 0.5, False),  # exactly at the tolerance: still satisfied
    (90.0, True, 0.5, True),  # juncture open
    (90.0, False, 0.05, True),  # review: draw 0.05 < 0.1
])
def test_is_searching(outcome, juncture, draw, expected):
    """search = outcome < aspiration - tolerance or juncture or draw < review rate
    (aspiration 100, tolerance 20, review rate 0.1); one draw is taken either way."""
    rng = Draws(draw, 0.99)
    assert choice.is_searching(outcome, 100.0, 20.0, 0.1, juncture, rng) is expected
    assert rng.values == [0.99]


# three options with combined utilities 0, 0.5 and -0.25 (weights 1, 2, 1)
OPTIONS = [Option(choice.STAY, utilities=(0.0, 0.0, 0.0)),
           Option(choice.JOIN, utilities=(0.1, 0.2, 0.0)),
           Option(choice.LEAK, utilities=(-0.5, 0.0, 0.25))]
WEIGHTS = (1.0, 2.0, 1.0)
TEMPERATURE = 0.5
# P(k) = exp(U_k/T) / sum_j exp(U_j/T) = (e^0, e^1, e^-0.5) / (1 + e + e^-0.5)
PROBABILITIES = np.array([1.0, math.e, math.exp(-0.5)]) / (1.0 + math.e + math.exp(-0.5))


def test_logit_choice_inverts_the_cumulative_probabilities():
    """The draw r picks the first k with r < P(0) + ... + P(k) (up to a 1e-12 guard at the top)."""
    p0, p01 = PROBABILITIES[0], PROBABILITIES[0] + PROBABILITIES[1]
    for r, expected in ((0.0, 0), (p0 - 1e-9, 0), (p0 + 1e-9, 1), (p01 - 1e-9, 1), (p01 + 1e-9, 2), (1 - 1e-15, 2)):
        assert choice.logit_choice(OPTIONS, WEIGHTS, TEMPERATURE, Draws(r)) == expected, r


def test_logit_choice_frequencies_match_the_logit_probabilities():
    """Over N = 20,000 seeded draws each option's frequency lies within 4 binomial standard errors
    sqrt(P(1-P)/N) of its logit probability (deterministic: the seed is fixed)."""
    n = 20_000
    rng = np.random.default_rng(2024)
    counts = np.bincount([choice.logit_choice(OPTIONS, WEIGHTS, TEMPERATURE, rng) for _ in range(n)], minlength=3)
    bound = 4 * np.sqrt(PROBABILITIES * (1 - PROBABILITIES) / n)
    assert np.all(np.abs(counts / n - PROBABILITIES) < bound), (counts / n, PROBABILITIES)


def test_probabilities_are_the_logit_probabilities_and_draw_nothing():
    """choice.probabilities gives logit_choice's chances, exp(U/T) normalised, from the combined
    utilities alone (no generator is passed: an expectation beside the draw)."""
    u = choice.combined_all(OPTIONS, WEIGHTS)
    assert_allclose(choice.probabilities(u, TEMPERATURE), PROBABILITIES, rtol=1e-12)
    assert math.fsum(choice.probabilities([0.0, 1000.0, -1000.0], 0.01)) == pytest.approx(1.0)


def test_logit_choice_is_argmax_when_cold():
    """As T -> 0 all probability goes to the best option: P(1) = 1 / (1 + e^-50 + e^-75) at T = 0.01."""
    rng = np.random.default_rng(3)
    assert {choice.logit_choice(OPTIONS, WEIGHTS, 0.01, rng) for _ in range(500)} == {1}


def test_tipped_by():
    """Gain of perspective k = w_k * (U_k(chosen) - U_k(reference)); the largest positive gain tips.
    Weights (1, 2, 0.5); stay (0.1, 0.2, 0), join (0.5, 0.1, 1.0), found (-1, 0.2, 0).
    Join chosen, reference stay: gains (0.4, -0.2, 0.5): myth.
    Stay chosen, reference the best alternative (join 1.2 > found -0.6): gains (-0.4, 0.2, -0.5): cultural
    (against found they would be (1.1, 0, 0): instrumental)."""
    weights = (1.0, 2.0, 0.5)
    stay = Option(choice.STAY, utilities=(0.1, 0.2, 0.0))
    join = Option(choice.JOIN, utilities=(0.5, 0.1, 1.0))
    found = Option(choice.FOUND, utilities=(-1.0, 0.2, 0.0))
    assert choice.tipped_by([stay, join, found], 1, weights) == "myth"
    assert choice.tipped_by([stay, found, join], 0, weights) == "cultural"
    # join over stay with the instrumental weight doubled: gains (0.8, -0.2, 0.5): instrumental
    assert choice.tipped_by([stay, join], 1, (2.0, 2.0, 0.5)) == "instrumental"
    # nothing gained on any perspective: chance; a single option: habit
    assert choice.tipped_by([Option(choice.STAY), Option(choice.JOIN, utilities=(1.0, 1.0, 1.0))], 0, weights) == "chance"
    assert choice.tipped_by([stay], 0, weights) == "habit"


def test_locked_in():
    """Locked in = U(stay) >= max U(leave) and U(stay) - s(stay) < max (U(leave) - s(leave)),
    leave = exit or switch options, s = the switching part; weights (1, 1, 1).
    Stay 0.7 (switching 0.5); exit 0.4 (switching -0.3): 0.7 >= 0.4 and 0.2 < 0.7: locked in."""
    w = (1.0, 1.0, 1.0)
    stay = Option(choice.STAY, utilities=(0.2, 0.5, 0.0), switching=0.5)
    costly_exit = Option(choice.EXIT, utilities=(0.4, 0.0, 0.0), switching=-0.3)
    assert choice.locked_in([stay, costly_exit], w)
    # exit 0.1 with no switching part: 0.2 < 0.1 fails: stays by preference, not lock-in
    assert not choice.locked_in([stay, Option(choice.EXIT, utilities=(0.1, 0.0, 0.0))], w)
    # exit 0.9 beats staying even with its costs: 0.7 >= 0.9 fails: not locked in, it would leave
    assert not choice.locked_in([stay, Option(choice.EXIT, utilities=(0.9, 0.0, 0.0))], w)
    # the best of several ways out counts: a switch worth 0.3 - (-0.3) = 0.6 > 0.2 without costs
    switch = Option(choice.SWITCH, utilities=(0.3, 0.0, 0.0), switching=-0.3)
    assert choice.locked_in([stay, Option(choice.EXIT, utilities=(0.1, 0.0, 0.0)), switch], w)
    # no exit or switch among the options (joining is not leaving): never locked in
    assert not choice.locked_in([stay, Option(choice.JOIN, utilities=(0.4, 0.0, 0.0), switching=-0.3)], w)
