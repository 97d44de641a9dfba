"""Known answers for the governance models' cost shares and common standard (simulation/
governance.py with instrumental.cost_share) and for the environment (simulation/environment.py):
legitimacy pressure path, shocks, junctures and the cloud factor."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from simulation.environment import Environment
from simulation.governance import GOVERNANCE_MODELS, collective_level
from simulation.parameters import Parameters
from simulation.perspectives import instrumental
from simulation.perspectives.instrumental import EMPTY_POOL
from simulation.scenario import Juncture, ScheduledShock

EXACT = {"rtol": 1e-12, "atol": 1e-12}


# ---- governance: cost shares of the shipped models ------------------------------------------
# three members: 1,000 inhabitants pooling 0.5 of their portfolio, 3,000 pooling 1.0, 6,000 pooling 0.25
MEMBERS = ((1_000, 0.5), (3_000, 1.0), (6_000, 0.25))
POOL = EMPTY_POOL.plus(*MEMBERS[0]).plus(*MEMBERS[1]).plus(*MEMBERS[2])  # 10,000 inhabitants, 5,000 pooled
BY_POPULATION = (0.1, 0.3, 0.6)
BY_USAGE = (500 / 5_000, 3_000 / 5_000, 1_500 / 5_000)
SHARES = {
    "host": BY_POPULATION,  # per capita
    "iks": BY_POPULATION,  # per capita: ownership proportional to population (004 L303)
    "as": BY_USAGE,  # usage: pooled inhabitants
    "task_community": tuple(0.3 / 3 + 0.7 * s for s in BY_POPULATION),  # mixed, 30 % equal
    "loose_network": tuple(0.5 / 3 + 0.5 * s for s in BY_POPULATION),  # mixed, 50 % equal
}


def test_every_shipped_governance_model_has_a_known_answer():
    assert set(SHARES) == set(GOVERNANCE_MODELS)


@pytest.mark.parametrize("name", sorted(SHARES))
def test_cost_shares_of_the_shipped_governance_models(name):
    """per_capita: pop/sum pop; usage: e*pop/sum(e*pop); mixed: w/n + (1-w)*pop/sum pop.
    The shares add up to 1 and the members pay the whole pooled cost."""
    gov = GOVERNANCE_MODELS[name]
    shares = [instrumental.cost_share(gov, pop, e, POOL) for pop, e in MEMBERS]
    assert_allclose(shares, SHARES[name], **EXACT)
    assert_allclose(sum(shares), 1.0, **EXACT)


@pytest.mark.parametrize("rule, chair, expected", [
    ("host", 1, 0.5),  # the host's own level
    ("consensus", 0, 0.2),  # the 'good enough' minimum (004 L750)
    ("unanimity", 0, 0.2),
    ("majority", 0, 0.5),  # the median member: one vote each
    ("weighted_majority", 0, 0.9),  # weights 60/30/10: the first level reaching half the weight
])
def test_collective_level(rule, chair, expected):
    """Levels (0.9, 0.5, 0.2), weights (60, 30, 10). Sorted ascending, the (weighted) median is
    the first level whose cumulative weight reaches half: one vote each 1, 2 >= 1.5 -> 0.5;
    by weight 10, 40, 100 >= 50 -> 0.9."""
    assert collective_level(rule, [0.9, 0.5, 0.2], [60.0, 30.0, 10.0], chair) == expected


# ---- environment ------------------------------------------------------------------------------
P = Parameters().replace(legitimacy_uptake=0.5, shock_probability=0.0, shock_memory=0.5,
                         cloud_year=2010, cloud_drift=0.1)


SHOCK_2006 = (ScheduledShock(2006, size=0.5),)


def environment(params=P, shocks=SHOCK_2006):
    return Environment({2000: 0.2, 2005: 0.6}, (Juncture(2003, 2004),), shocks, params)


@pytest.mark.parametrize("year, expected", [(1999, 0.0), (2000, 0.2), (2004, 0.2), (2005, 0.6), (2030, 0.6)])
def test_national_legitimacy_steps(year, expected):
    """L(t) = the level of the latest strategy step at or before t; 0 before the first."""
    assert environment().legitimacy_at(year) == expected


@pytest.mark.parametrize("year, expected", [(2002, False), (2003, True), (2004, True), (2005, False)])
def test_juncture_is_open_from_start_to_end_inclusive(year, expected):
    assert environment().juncture_at(year) is expected


@pytest.mark.parametrize("year, expected", [(2005, 1.0), (2010, 1.0), (2013, 0.7), (2019, 0.1), (2025, 0.0)])
def test_cloud_factor(year, expected):
    """cloud = max(0, 1 - drift * max(0, year - cloud_year)), drift 0.1 from 2010."""
    assert_allclose(environment().cloud_factor(year), expected, **EXACT)


def test_felt_legitimacy_closes_half_the_gap_each_year():
    """Initial state: felt = national (0.2 in 2004). Then felt += u * (national - felt), u = 0.5:
    after k years of the 2005 step (0.6): felt = 0.6 - 0.4 * 0.5^k = 0.4, 0.5, 0.55, 0.575."""
    env = environment()
    env.update(2004)
    assert (env.legitimacy, env.national, env.juncture_open, env.shock_now) == (0.2, 0.2, True, False)
    rng = np.random.default_rng(0)
    felt = []
    for year in range(2005, 2009):
        env.update(year, rng)
        felt.append(env.legitimacy)
        assert env.national == 0.6 and env.juncture_open is False
    assert_allclose(felt, [0.6 - 0.4 * 0.5**k for k in (1, 2, 3, 4)], **EXACT)


def test_scheduled_shock_raises_risk_which_fades_with_memory():
    """risk = memory * risk, then min(1, risk + size) in a shock year: 0 -> 0.5 in 2006 (size 0.5),
    then 0.25, 0.125 (memory 0.5); a second shock of size 0.5 on risk 0.8 gives min(1, 0.4 + 0.5)."""
    env = environment()
    env.update(2005)
    rng = np.random.default_rng(0)
    risks, shocks = [], []
    for year in (2006, 2007, 2008):
        env.update(year, rng)
        risks.append(env.risk)
        shocks.append(env.shock_now)
    assert_allclose(risks, [0.5, 0.25, 0.125], **EXACT)
    assert shocks == [True, False, False] and env.shocks_so_far == [2006]
    env.risk = 0.8
    env.update(2006, rng)
    assert_allclose(env.risk, 0.9, **EXACT)
    # of two shocks scheduled in one year the larger counts; risk is capped at 1
    both = environment(shocks=(ScheduledShock(2006, size=0.3), ScheduledShock(2006, size=0.7)))
    both.update(2005)
    both.update(2006, rng)
    assert_allclose(both.risk, 0.7, **EXACT)
    both.risk = 0.9
    both.update(2006, rng)
    assert both.risk == 1.0


def test_random_shocks_come_from_one_draw_a_year():
    """One uniform draw per year; a shock (size 1) iff draw < probability 0.3. With a seeded stream
    the shock years are those whose draw in the same stream falls below 0.3. Budget stress off:
    with it on the environment also draws the national economic year from the same stream."""
    years = range(2001, 2041)
    draws = np.random.default_rng(7).random(len(years))
    expected = [y for y, d in zip(years, draws, strict=True) if d < 0.3]
    env = environment(params=P.replace(shock_probability=0.3, budget_stress_weight=0.0), shocks=())
    env.update(2000)
    stream = np.random.default_rng(7)
    for year in years:
        env.update(year, stream)
        if env.shock_now:
            assert env.risk == 1.0  # a random shock has size 1: risk is full whatever it was
    assert env.shocks_so_far == expected and 5 < len(expected) < 20
