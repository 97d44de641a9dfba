"""Known answers for the instrumental perspective's equations (simulation/perspectives/instrumental.py).

Each test states the equation in its docstring and computes the expected value by hand from it,
with round parameter values chosen so the arithmetic can be checked on paper; the function under
test is called once, never used to compute its own expectation.
"""

import math
from dataclasses import replace

import pytest
from numpy.testing import assert_allclose

from simulation.governance import GOVERNANCE_MODELS
from simulation.parameters import Parameters
from simulation.perspectives import instrumental
from simulation.perspectives.instrumental import EMPTY_POOL, Pool, Standing

P = Parameters().replace(
    fixed_cost=5_000.0, per_capita_cost=10.0, collab_fixed_cost=1_000.0, collab_fixed_elasticity=0.0, pooled_discount=0.2,
    transaction_cost=100.0, transaction_exponent=2.0, heterogeneity_weight=0.5, transaction_size_share=0.0,
    quality_value=200.0, operations_quality=0.5, size_gain_half=1_000.0, opt_in_misfit=0.25,
    misfit_cost=40.0, delay_cost=30.0, shock_loss=100.0, competence_protection=0.5, member_protection=0.8,
    development_half=2.0, development_rate=3.0, onboarding_work=0.5, horizon=4.0, utility_scale=10.0,
)
# a per-capita governance model with a round transaction coefficient
GOV = replace(GOVERNANCE_MODELS["iks"], cost_key="per_capita", transaction_coefficient=2.0)
# two members: 1,000 inhabitants pooling half their portfolio, 3,000 pooling all of it
PAIR = EMPTY_POOL.plus(1_000, 0.5).plus(3_000, 1.0)
EXACT = {"rtol": 1e-12, "atol": 1e-12}


def test_pool_sums():
    """Pool = (n, sum pop, sum pop^2, sum effective*pop): (2, 4000, 1e6 + 9e6, 500 + 3000)."""
    assert PAIR == Pool(2, 4_000.0, 10_000_000.0, 3_500.0)
    assert PAIR.minus(3_000, 1.0) == Pool(1, 1_000.0, 1_000_000.0, 500.0)
    assert PAIR.merged(PAIR) == Pool(4, 8_000.0, 20_000_000.0, 7_000.0)
    assert Pool.of([(1_000, 0.5), (3_000, 1.0)]) == PAIR
    assert Pool.of([]) == EMPTY_POOL


def test_pool_of_adds_in_the_same_order_as_plus():
    """Pool.of gives the very floats of successive ``plus`` (settlements must stay bit-identical)."""
    members = [(1_234.5 + 977.3 * i, 0.1 + 0.07 * i) for i in range(12)]
    step_by_step = EMPTY_POOL
    for population, effective in members:
        step_by_step = step_by_step.plus(population, effective)
    assert Pool.of(members) == step_by_step


def test_size_heterogeneity_is_the_coefficient_of_variation():
    """CV = sqrt(E[pop^2] - E[pop]^2) / E[pop]. Populations 1000 and 3000: mean 2000, variance
    5e6 - 4e6 = 1e6, CV = 1000/2000 = 0.5. Populations 1000, 2000, 6000: mean 3000, variance
    41e6/3 - 9e6, CV = sqrt(14e6/3)/3000. One member or equal members: 0."""
    assert_allclose(instrumental.size_heterogeneity(PAIR), 0.5, **EXACT)
    trio = EMPTY_POOL.plus(1_000, 1.0).plus(2_000, 1.0).plus(6_000, 1.0)
    assert_allclose(instrumental.size_heterogeneity(trio), math.sqrt(41e6 / 3 - 9e6) / 3_000, **EXACT)
    assert instrumental.size_heterogeneity(EMPTY_POOL.plus(1_000, 1.0)) == 0.0
    assert_allclose(instrumental.size_heterogeneity(EMPTY_POOL.plus(2_000, 1.0).plus(2_000, 0.3)), 0.0, atol=1e-12)


def test_transaction_cost():
    """T = c * g * (n - 1)^e * (1 + h * CV), c=100, g=2 (governance), e=2, h=0.5.
    Pair (CV 0.5): 100*2*1*(1.25) = 250. Trio 1000/2000/6000: 100*2*4*(1 + 0.5*CV). One member: 0."""
    assert_allclose(instrumental.transaction_cost(PAIR, GOV, P), 250.0, **EXACT)
    trio = EMPTY_POOL.plus(1_000, 1.0).plus(2_000, 1.0).plus(6_000, 1.0)
    cv = math.sqrt(41e6 / 3 - 9e6) / 3_000
    assert_allclose(instrumental.transaction_cost(trio, GOV, P), 800.0 * (1 + 0.5 * cv), **EXACT)
    assert instrumental.transaction_cost(EMPTY_POOL.plus(5_000, 1.0), GOV, P) == 0.0


def test_transaction_cost_across_regions():
    """T = c * g * (n - 1)^e * (1 + h * CV) * (1 + w * (regions - 1)), w = region_span_weight.
    The pair in one region: 250 as above; in two regions with w = 0.5: 250 * 1.5 = 375; the pair
    merged with a pair of a third region (n 4, CV of 1000/3000/1000/3000 = 0.5): 100*2*9*1.25 *
    (1 + 0.5*2) = 4,500. Unlabelled members (no region) and w = 0 add nothing (off)."""
    w = P.replace(region_span_weight=0.5)
    one = EMPTY_POOL.plus(1_000, 0.5, "A").plus(3_000, 1.0, "A")
    two = EMPTY_POOL.plus(1_000, 0.5, "A").plus(3_000, 1.0, "B")
    assert one.regions == {"A"} and two.regions == {"A", "B"}
    assert_allclose(instrumental.transaction_cost(one, GOV, w), 250.0, **EXACT)
    assert_allclose(instrumental.transaction_cost(two, GOV, w), 375.0, **EXACT)
    third = Pool.of([(1_000, 0.5), (3_000, 1.0)], ["C", "C"])
    assert two.merged(third).regions == {"A", "B", "C"}
    assert_allclose(instrumental.transaction_cost(two.merged(third), GOV, w), 4_500.0, **EXACT)
    assert instrumental.transaction_cost(two, GOV, w.replace(region_span_weight=0.0)) == 250.0
    assert instrumental.transaction_cost(PAIR, GOV, w) == 250.0
    assert two.minus(3_000, 1.0).plus(3_000, 0.2).regions == two.regions  # out and back in at another share


def test_coordination_load_by_size():
    """L = (1 - s) * n + s * sum(P) / P_ref. Off (s = 0): L = n. Trio 1000/2000/6000 with s = 0.5,
    P_ref = 2000: 0.5 * 3 + 0.5 * 9000 / 2000 = 3.75, so T = 100*2*(2.75)^2*(1 + 0.5*CV).
    A small newcomer adds less load than a large one (003 L1161-1169); counted one each, the same."""
    trio = EMPTY_POOL.plus(1_000, 1.0).plus(2_000, 1.0).plus(6_000, 1.0)
    assert instrumental.coordination_load(trio, P) == 3.0
    by_size = P.replace(transaction_size_share=0.5, transaction_size_reference=2_000.0)
    assert_allclose(instrumental.coordination_load(trio, by_size), 3.75, **EXACT)
    cv = math.sqrt(41e6 / 3 - 9e6) / 3_000
    assert_allclose(instrumental.transaction_cost(trio, GOV, by_size), 200.0 * 2.75**2 * (1 + 0.5 * cv), **EXACT)
    load = instrumental.coordination_load
    small, large = trio.plus(500, 1.0), trio.plus(20_000, 1.0)
    assert load(small, by_size) - load(trio, by_size) < load(large, by_size) - load(trio, by_size)
    assert load(small, P) - load(trio, P) == load(large, P) - load(trio, P) == 1.0
    # two small members below one reference municipality's load coordinate at no transaction cost
    tiny = EMPTY_POOL.plus(100, 1.0).plus(100, 1.0)
    assert instrumental.transaction_cost(tiny, GOV, P.replace(transaction_size_share=1.0)) == 0.0


def test_pooled_cost():
    """C = F + v * (1 - d * cloud) * sum(effective*pop) + T, F=1000, v=10, d=0.2.
    Pair at cloud 0.5: 1000 + 10*0.9*3500 + 250 = 32,750; at cloud 0 no discount: 1000 + 35,000 + 250."""
    assert_allclose(instrumental.pooled_cost(PAIR, GOV, P, cloud=0.5), 32_750.0, **EXACT)
    assert_allclose(instrumental.pooled_cost(PAIR, GOV, P, cloud=0.0), 36_250.0, **EXACT)


def test_joint_fixed_cost_scales_with_the_population_served():
    """F(P) = F * min(1, P / P_ref) ** e, F=1000, P_ref=8000; the pair serves P = 4000 inhabitants.
    e=0: 1000 (one fixed cost for every pool); e=0.5: 1000 * sqrt(1/2); e=1: 500. A pool at or
    above the reference runs the full organisation: 1000 for 8,000 or 16,000 inhabitants. Below 1,
    a pool of twice the population still pays less per inhabitant: 1000/8000 < 1000*sqrt(1/2)/4000."""
    scaled = P.replace(collab_fixed_reference=8_000.0)
    assert_allclose(instrumental.joint_fixed_cost(PAIR, scaled), 1_000.0, **EXACT)
    half = scaled.replace(collab_fixed_elasticity=0.5)
    assert_allclose(instrumental.joint_fixed_cost(PAIR, half), 1_000.0 * math.sqrt(0.5), **EXACT)
    assert_allclose(instrumental.joint_fixed_cost(PAIR, scaled.replace(collab_fixed_elasticity=1.0)), 500.0, **EXACT)
    assert_allclose(instrumental.joint_fixed_cost(PAIR.merged(PAIR), half), 1_000.0, **EXACT)
    assert_allclose(instrumental.joint_fixed_cost(PAIR.merged(PAIR).merged(PAIR.merged(PAIR)), half), 1_000.0, **EXACT)
    # economies of scale survive: twice the population pays less per inhabitant
    assert instrumental.joint_fixed_cost(PAIR.merged(PAIR), half) / 8_000 < instrumental.joint_fixed_cost(PAIR, half) / 4_000
    # and it is the fixed part of the pooled cost: 32,750 - 1000 + 1000*sqrt(1/2)
    assert_allclose(instrumental.pooled_cost(PAIR, GOV, half, cloud=0.5), 31_750.0 + 1_000.0 * math.sqrt(0.5), **EXACT)


@pytest.mark.parametrize("cost_key, small, large", [
    ("per_capita", 1_000 / 4_000, 3_000 / 4_000),  # population share
    ("equal", 1 / 2, 1 / 2),  # one n-th each
    ("mixed", 0.3 / 2 + 0.7 * 1_000 / 4_000, 0.3 / 2 + 0.7 * 3_000 / 4_000),  # w/n + (1-w)*population share, w=0.3
    ("usage", 500 / 3_500, 3_000 / 3_500),  # pooled inhabitants' share
])
def test_cost_share_under_each_cost_key(cost_key, small, large):
    """The small member (1000 inhabitants, effective 0.5) and the large one (3000, effective 1)."""
    gov = replace(GOV, cost_key=cost_key, mixed_equal_weight=0.3)
    assert_allclose(instrumental.cost_share(gov, 1_000, 0.5, PAIR), small, **EXACT)
    assert_allclose(instrumental.cost_share(gov, 3_000, 1.0, PAIR), large, **EXACT)


def test_cost_share_edge_cases():
    """No members: 0. Usage key with nothing pooled (sum effective*pop = 0): 1/n."""
    assert instrumental.cost_share(GOV, 1_000, 0.5, EMPTY_POOL) == 0.0
    unpooled = EMPTY_POOL.plus(1_000, 0.0).plus(3_000, 0.0)
    assert_allclose(instrumental.cost_share(replace(GOV, cost_key="usage"), 1_000, 0.0, unpooled), 0.5, **EXACT)


def test_alone_cost():
    """A = fixed + per_capita * pop = 5000 + 10*1000 = 15,000."""
    assert_allclose(instrumental.alone_cost(1_000, P), 15_000.0, **EXACT)


def test_shock_exposure():
    """S = risk * loss * (1 - cp * competence) * (1 - mp * effective)
    = 0.6 * 100 * (1 - 0.5*0.4) * (1 - 0.8*0.5) = 60 * 0.8 * 0.6 = 28.8; no risk, no exposure."""
    assert_allclose(instrumental.shock_exposure(0.4, 0.5, 0.6, P), 28.8, **EXACT)
    assert instrumental.shock_exposure(0.4, 0.5, 0.0, P) == 0.0


def test_alone_net_benefit():
    """B_alone = q * competence - A/pop - S(effective 0)
    = 200*0.4 - 15000/1000 - 0.6*100*0.8*1 = 80 - 15 - 48 = 17."""
    assert_allclose(instrumental.alone_net_benefit(1_000, 0.4, 0.6, P), 17.0, **EXACT)


@pytest.mark.parametrize("ambition, mandatory, expected", [
    (0.8, True, 0.3),  # |0.8 - 0.5|
    (0.2, True, 0.3),  # |0.2 - 0.5|
    (0.8, False, 0.25 * 0.3),  # above a voluntary standard: opt_in_misfit * gap
    (0.2, False, 0.3),  # below it: the full gap
    (0.5, False, 0.0),
])
def test_misfit(ambition, mandatory, expected):
    """Mandatory: |ambition - standard|; voluntary: max(0, standard - ambition)
    + opt_in_misfit * max(0, ambition - standard); standard 0.5, opt_in_misfit 0.25."""
    standing = Standing(development_quality=0.6, delay=0.5, standard=0.5, mandatory=mandatory)
    assert_allclose(instrumental.misfit(ambition, standing, P), expected, **EXACT)


def test_member_quality():
    """Q = e * (o + (1 - o) * D * pop/(pop + h)) + (1 - e) * competence, o=0.5, D=0.6, h=1000:
    size gain 1000/2000 = 0.5, pooled 0.5 + 0.5*0.6*0.5 = 0.65, Q = 0.5*0.65 + 0.5*0.4 = 0.525.
    With h = 0 the size gain is 1: pooled 0.8, Q = 0.6."""
    standing = Standing(0.6, 0.5, 0.5, True)
    assert_allclose(instrumental.member_quality(1_000, 0.4, 0.5, standing, P), 0.525, **EXACT)
    assert_allclose(instrumental.member_quality(1_000, 0.4, 0.5, standing, P.replace(size_gain_half=0.0)), 0.6, **EXACT)


def test_member_net_benefit():
    """cost = ((1 - e) * A + share * C) / pop = (0.5*15000 + 0.25*32750) / 1000 = 15.6875;
    B = q*Q - cost - m*e*misfit - d*e*delay - S
      = 200*0.525 - 15.6875 - 40*0.5*0.3 - 30*0.5*0.5 - 28.8 = 105 - 15.6875 - 6 - 7.5 - 28.8 = 47.0125."""
    standing = Standing(development_quality=0.6, delay=0.5, standard=0.5, mandatory=True)
    net, cost = instrumental.member_net_benefit(1_000, 0.4, 0.8, 0.5, PAIR, GOV, standing, 0.6, 0.5, P)
    assert_allclose(cost, 15.6875, **EXACT)
    assert_allclose(net, 47.0125, **EXACT)


def test_development_quality():
    """D = 1 - exp(-max(0, output) / half), half 2: output 2 gives 1 - 1/e; negative output gives 0."""
    assert_allclose(instrumental.development_quality(2.0, P), 1 - math.exp(-1), **EXACT)
    assert_allclose(instrumental.development_quality(6.0, P), 1 - math.exp(-3), **EXACT)
    assert instrumental.development_quality(-1.0, P) == 0.0


def test_development_capacity():
    """Developer-years = rate * sum(effective*pop) / 10,000 = 3 * 3500 / 10000 = 1.05."""
    assert_allclose(instrumental.development_capacity(PAIR, P), 1.05, **EXACT)


def test_onboarding_work():
    """Work = w * (1 + pop/10,000) = 0.5 * (1 + 2) = 1.5 for 20,000 inhabitants."""
    assert_allclose(instrumental.onboarding_work(20_000, P), 1.5, **EXACT)


def test_amortised_and_utility():
    """amortised = one-off / horizon = 400/4 = 100; U_I = (B - amortised) / scale = (50 - 100)/10 = -5."""
    assert_allclose(instrumental.amortised(400.0, P), 100.0, **EXACT)
    assert_allclose(instrumental.utility(50.0, 400.0, P), -5.0, **EXACT)
    assert_allclose(instrumental.utility(50.0, 0.0, P), 5.0, **EXACT)
