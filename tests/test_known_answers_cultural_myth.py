"""Known answers for the cultural and myth perspectives' equations (simulation/perspectives/
cultural.py, myth.py): each docstring states the equation, each expectation is worked out from it
by hand with round parameter values."""

import math

import numpy as np
from numpy.testing import assert_allclose, assert_array_equal

from simulation.parameters import Parameters
from simulation.perspectives import cultural, myth

P = Parameters().replace(
    habit_strength=2.0, habit_years=3.0, juncture_relief=0.75,
    identity_weight=1.0, region_weight=2.0, trust_weight=3.0, family_weight=4.0,
    autonomy_weight=2.0, voice_weight=0.5, trust_gain=0.1, trust_decay=0.2,
    legitimacy_weight=2.0, mimetic_weight=2.0, normative_weight=0.3, merger_legitimacy=0.5,
)
EXACT = {"rtol": 1e-12, "atol": 1e-12}


# ---- cultural -----------------------------------------------------------------------------
def test_habit():
    """H = s * (1 - exp(-tenure / years)), times (1 - relief) while a juncture is open; s=2,
    years=3, relief=0.75: tenure 3 gives 2*(1 - 1/e), 0.25 of that at a juncture; tenure 0 gives 0."""
    assert_allclose(cultural.habit(3.0, False, P), 2 * (1 - math.exp(-1)), **EXACT)
    assert_allclose(cultural.habit(3.0, True, P), 0.25 * 2 * (1 - math.exp(-1)), **EXACT)
    assert_allclose(cultural.habit(9.0, False, P), 2 * (1 - math.exp(-3)), **EXACT)
    assert cultural.habit(0.0, False, P) == 0.0


def test_identity_fit():
    """F = wi*(similarity - 0.5) + wr*(region - 0.5) + wt*(trust - 0.3) + wf*(family - 0.5)
    = 1*0.2 + 2*0.5 + 3*0.2 + 4*(-0.5) = -0.2; at the neutral points (0.5, 0.5, 0.3, 0.5) F = 0."""
    assert_allclose(cultural.identity_fit(0.7, 1.0, 0.5, 0.0, P), -0.2, **EXACT)
    assert_allclose(cultural.identity_fit(0.5, 0.5, 0.3, 0.5, P), 0.0, **EXACT)
    assert_allclose(cultural.identity_fit(1.0, 1.0, 1.0, 1.0, P), 0.5 + 1.0 + 2.1 + 2.0, **EXACT)


def test_autonomy_cost():
    """A = w * autonomy * pooled share = 2 * 0.6 * 0.5 = 0.6."""
    assert_allclose(cultural.autonomy_cost(0.6, 0.5, P), 0.6, **EXACT)


def test_voice():
    """V = w * mean trust = 0.5 * 0.4 = 0.2 from one year's tenure on; before that, -inf."""
    assert_allclose(cultural.voice(0.4, 2.0, P), 0.2, **EXACT)
    assert_allclose(cultural.voice(0.4, 1.0, P), 0.2, **EXACT)
    assert cultural.voice(0.4, 0.5, P) == -math.inf


def test_group_profile():
    """i = 0 towards members {1, 2}: similarity = equal traits / (n * traits) = (2 + 3)/(2*4) = 0.625,
    same region 1/2, mean trust (0.5 + 0.2)/2 = 0.35, same family 0/2; no members: the neutral points."""
    culture = np.array([[0, 1, 2, 3], [0, 1, 0, 0], [0, 1, 2, 0]])
    region, family = np.array([0, 0, 1]), np.array([0, 1, 1])
    trust = np.array([[1.0, 0.5, 0.2], [0.5, 1.0, 0.4], [0.2, 0.4, 1.0]])
    profile = cultural.group_profile(0, np.array([1, 2]), culture, region, family, trust)
    assert_allclose(profile, (0.625, 0.5, 0.35, 0.0), **EXACT)
    empty = cultural.group_profile(0, np.array([], dtype=int), culture, region, family, trust)
    assert_allclose(empty, (0.5, 0.5, 0.3, 0.5), **EXACT)


def test_update_trust():
    """Co-members (0 and 1): t + gain*(1 - t), full trust stays 1: 0.5 -> 0.5 + 0.1*0.5 = 0.55.
    Everyone else decays towards the baseline: t + decay*(b - t): 0.2 -> 0.2 + 0.2*(0.3 - 0.2) = 0.22,
    0.4 -> 0.4 + 0.2*(0.3 - 0.4) = 0.38; the diagonal (1, baseline 1) stays 1."""
    trust = np.array([[1.0, 0.5, 0.2], [0.5, 1.0, 0.4], [0.2, 0.4, 1.0]])
    baseline = np.array([[1.0, 0.3, 0.3], [0.3, 1.0, 0.3], [0.3, 0.3, 1.0]])
    cultural.update_trust(trust, baseline, [np.array([0, 1])], P)
    assert_allclose(trust, [[1.0, 0.55, 0.22], [0.55, 1.0, 0.38], [0.22, 0.38, 1.0]], **EXACT)


def test_convergence_off_leaves_culture_alone():
    """convergence_rate = 0: no member copies a trait, and no random draw is taken."""
    culture = np.array([[0, 1], [1, 0]])
    rng = np.random.default_rng(1)
    cultural.converge(culture, [np.array([0, 1])], rng, P.replace(convergence_rate=0.0))
    assert_array_equal(culture, [[0, 1], [1, 0]])
    assert rng.random() == np.random.default_rng(1).random()


# ---- myth ---------------------------------------------------------------------------------
def test_legitimacy():
    """M = wl * pressure * receptivity * (0.5 + 0.5 * form) = 2 * 0.8 * 0.5 * (0.5 + 0.3) = 0.64;
    an informal form (0) still carries half."""
    assert_allclose(myth.legitimacy(0.8, 0.5, 0.6, P), 0.64, **EXACT)
    assert_allclose(myth.legitimacy(0.8, 0.5, 0.0, P), 0.4, **EXACT)


def test_mimetic():
    """I = wm * (1 - competence) * (peer share + max(0, reputation)) = 2 * 0.75 * (0.4 + 0.3) = 1.05;
    a bad reputation counts as 0: 2 * 0.75 * 0.4 = 0.6."""
    assert_allclose(myth.mimetic(0.4, 0.3, 0.25, P), 1.05, **EXACT)
    assert_allclose(myth.mimetic(0.4, -0.5, 0.25, P), 0.6, **EXACT)


def test_standardisation():
    """N = (wl * pressure * receptivity + normative) * step = (2*0.8*0.5 + 0.3) * 0.1 = 0.11."""
    assert_allclose(myth.standardisation(0.8, 0.5, 0.1, P), 0.11, **EXACT)


def test_consolidation():
    """K = wl * merger * pressure * receptivity = 2 * 0.5 * 0.8 * 0.5 = 0.4."""
    assert_allclose(myth.consolidation(0.8, 0.5, P), 0.4, **EXACT)
