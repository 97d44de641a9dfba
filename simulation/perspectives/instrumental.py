"""Instrumental perspective: the logic of consequence under bounded rationality (MODEL.md s4).

A municipality compares the net benefit per inhabitant of its options: ICT cost with economies of
scale ("we are too small", 004 L764; even the largest stay for scale, L766), a pooled cost that
grows faster than linearly with the number and heterogeneity of members ("more cooks, more
mess", 002 L2179-2209), development gains that grow with member size (002 L1534-1633), the misfit
of one standard for all, the delay of slow joint processes (004 L888), the risk of shocks alone
(004 L908-928), and one-off switching costs spread over a planning horizon.

Everything here is a pure function of plain numbers so that the rules read as the theory and
can be tested one by one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

from ..governance import GovernanceModel
from ..parameters import Parameters


class Pool(NamedTuple):
    """What a collaboration's pooled cost depends on: its members' sizes and pooled shares, and
    the regions they lie in (coordination across regions costs more, ``transaction_cost``)."""

    n: int
    sum_pop: float
    sum_pop2: float
    sum_eff: float  # sum of effective pooled share times population: pooled inhabitants
    regions: frozenset[str] = frozenset()  # the members' regions (unlabelled members: none)

    @classmethod
    def of(cls, members: Iterable[tuple[float, float]], regions: Iterable[str] = ()) -> Pool:
        """The pool of members given as (population, effective share) and their ``regions``: the
        empty pool ``plus`` each in turn (the same sums in the same order), without a tuple per
        member."""
        n, sum_pop, sum_pop2, sum_eff = 0, 0.0, 0.0, 0.0
        for population, effective in members:
            n += 1
            sum_pop += population
            sum_pop2 += population**2
            sum_eff += effective * population
        return cls(n, sum_pop, sum_pop2, sum_eff, frozenset(regions))

    def plus(self, population: float, effective: float, region: str | None = None) -> Pool:
        return Pool(self.n + 1, self.sum_pop + population, self.sum_pop2 + population**2,
                    self.sum_eff + effective * population,
                    self.regions if region is None or region in self.regions else self.regions | {region})

    def minus(self, population: float, effective: float) -> Pool:
        """Without one member, whose region stays counted: callers take a member out to put it
        back at another share (``Municipality.member_options``)."""
        return Pool(self.n - 1, self.sum_pop - population, self.sum_pop2 - population**2,
                    self.sum_eff - effective * population, self.regions)

    def merged(self, other: Pool) -> Pool:
        return Pool(self.n + other.n, self.sum_pop + other.sum_pop,
                    self.sum_pop2 + other.sum_pop2, self.sum_eff + other.sum_eff, self.regions | other.regions)


EMPTY_POOL = Pool(0, 0.0, 0.0, 0.0)


class Standing(NamedTuple):
    """What a member experiences of its collaboration besides cost: the common standard and pace."""

    development_quality: float  # 0..1, from development output
    delay: float  # years of joint-process delay (onboarding backlog over capacity)
    standard: float  # the common ambition level, 0..1
    mandatory: bool  # mandatory common systems (IKT Agder) vs voluntary minimum (HIKT2025)
    leadership: float = 0.5  # the collaboration's leadership quality, 0..1 (0.5: neutral_leadership's default)


def size_heterogeneity(pool: Pool) -> float:
    """Coefficient of variation of member populations."""
    if pool.n < 2 or pool.sum_pop <= 0:
        return 0.0
    variance = max(0.0, pool.sum_pop2 / pool.n - (pool.sum_pop / pool.n) ** 2)
    return math.sqrt(variance) / (pool.sum_pop / pool.n)


def coordination_load(pool: Pool, p: Parameters) -> float:
    """Members to coordinate, in member-equivalents: each counts one, or, for the share
    ``transaction_size_share``, its population over a reference municipality's (larger
    municipalities need formal structures to collaborate across units, smaller ones coordinate
    through relations; 003 L78-81, L1161-1169)."""
    if p.transaction_size_share <= 0.0:
        return float(pool.n)
    return ((1.0 - p.transaction_size_share) * pool.n
            + p.transaction_size_share * pool.sum_pop / p.transaction_size_reference)


def transaction_cost(pool: Pool, gov: GovernanceModel, p: Parameters) -> float:
    """Coordination cost growing faster than linearly with members (beyond the first: a
    municipality alone coordinates with nobody), with their heterogeneity, and with the regions
    they span (``region_span_weight`` for each region beyond the first: members once "within
    walking distance" of each other coordinate more easily, 002 L2178-2183; Berg's distance,
    000 L523)."""
    if pool.n < 2:
        return 0.0
    others = max(0.0, coordination_load(pool, p) - 1.0)
    span = 1.0 + p.region_span_weight * max(0, len(pool.regions) - 1)
    return (p.transaction_cost * gov.transaction_coefficient * others ** p.transaction_exponent
            * (1.0 + p.heterogeneity_weight * size_heterogeneity(pool)) * span)


def pooled_cost(pool: Pool, gov: GovernanceModel, p: Parameters, cloud: float,
                transaction: float | None = None) -> float:
    """Yearly cost of the joint organisation: fixed + discounted variable + transaction cost
    (``transaction``: the pool's ``transaction_cost`` where the caller has it already; it depends
    on the members' number and sizes, not on their shares)."""
    if transaction is None:
        transaction = transaction_cost(pool, gov, p)
    per_capita = p.per_capita_cost * (1.0 - p.pooled_discount * cloud)
    return joint_fixed_cost(pool, p) + per_capita * pool.sum_eff + transaction


def joint_fixed_cost(pool: Pool, p: Parameters) -> float:
    """Fixed cost of the joint organisation: a host municipality serving a valley of 7,000
    inhabitants runs a smaller organisation than the full one a pool of ``collab_fixed_reference``
    or more needs; a larger pool still pays less per inhabitant (economies of scale, 004
    L764-766) while the elasticity is below 1."""
    if p.collab_fixed_elasticity <= 0.0 or pool.sum_pop <= 0.0:
        return p.collab_fixed_cost
    return p.collab_fixed_cost * min(1.0, pool.sum_pop / p.collab_fixed_reference) ** p.collab_fixed_elasticity


def cost_share(gov: GovernanceModel, population: float, effective: float, pool: Pool) -> float:
    """A member's share of the pooled cost under the governance model's cost key."""
    if pool.n == 0:
        return 0.0
    per_capita = population / pool.sum_pop if pool.sum_pop > 0 else 1.0 / pool.n
    if gov.cost_key == "per_capita":  # ownership proportional to population (004 L303)
        return per_capita
    if gov.cost_key == "equal":
        return 1.0 / pool.n
    if gov.cost_key == "mixed":
        w = gov.mixed_equal_weight
        return w / pool.n + (1.0 - w) * per_capita
    # usage: pay for what you pool
    return effective * population / pool.sum_eff if pool.sum_eff > 0 else 1.0 / pool.n


def alone_cost(population: float, p: Parameters) -> float:
    """Yearly ICT cost of running everything alone: a fixed cost plus a per-inhabitant cost."""
    return p.fixed_cost + p.per_capita_cost * population


def shock_exposure(competence: float, effective: float, risk: float, p: Parameters) -> float:
    """Expected loss per inhabitant from shocks; pooled security protects members (004 L920)."""
    return risk * p.shock_loss * (1.0 - p.competence_protection * competence) * (1.0 - p.member_protection * effective)


def alone_net_benefit(population: float, competence: float, risk: float, p: Parameters) -> float:
    """Net benefit per inhabitant of standing alone: own quality minus own cost and risk."""
    return (p.quality_value * competence - alone_cost(population, p) / population
            - shock_exposure(competence, 0.0, risk, p))


def misfit(ambition: float, standing: Standing, p: Parameters) -> float:
    """Gap between own ambition and the common standard. Under the voluntary 'good enough'
    minimum, members above the standard opt in to more and feel little of the gap (004 L750)."""
    gap = ambition - standing.standard
    if standing.mandatory:
        return abs(gap)
    return max(0.0, -gap) + p.opt_in_misfit * max(0.0, gap)


def member_quality(population: float, competence: float, effective: float,
                   standing: Standing, p: Parameters) -> float:
    """Service quality: pooled operations plus development gains that grow with member size."""
    size_gain = population / (population + p.size_gain_half) if p.size_gain_half > 0 else 1.0
    pooled = p.operations_quality + (1.0 - p.operations_quality) * standing.development_quality * size_gain
    return effective * pooled + (1.0 - effective) * competence


def member_net_benefit(population: float, competence: float, ambition: float, effective: float,
                       pool: Pool, gov: GovernanceModel, standing: Standing, risk: float,
                       cloud: float, p: Parameters, pooled: float | None = None,
                       transaction: float | None = None) -> tuple[float, float]:
    """(net benefit, cost) per inhabitant of a member with pooled share ``effective``.

    ``pool`` must already include this member with this effective share. ``pooled`` is the
    pool's ``pooled_cost`` where the caller has it already (a settlement computes it once for
    all members); ``transaction`` its ``transaction_cost`` (the same at any share of the member).
    """
    if pooled is None:
        pooled = pooled_cost(pool, gov, p, cloud, transaction)
    own = (1.0 - effective) * alone_cost(population, p)
    shared = cost_share(gov, population, effective, pool) * pooled
    cost = (own + shared) / population
    quality = member_quality(population, competence, effective, standing, p)
    net = (p.quality_value * quality - cost
           - p.misfit_cost * effective * misfit(ambition, standing, p)
           - p.delay_cost * effective * standing.delay
           - shock_exposure(competence, effective, risk, p))
    return net, cost


def member_fee(gov: GovernanceModel, population: float, effective: float, pool: Pool, cloud: float,
               p: Parameters, transaction: float | None = None) -> float:
    """The member fee per inhabitant: its share of the pooled cost (``pool`` includes it;
    ``transaction``: its transaction cost, where the caller has it)."""
    return cost_share(gov, population, effective, pool) * pooled_cost(pool, gov, p, cloud, transaction) / population


def heterogeneity_burden(gov: GovernanceModel, population: float, effective: float, pool: Pool, cloud: float,
                         p: Parameters) -> float:
    """What differences in size cost a member, per inhabitant: its share of the transaction cost
    that heterogeneity adds, and what its cost key charges it above its population share
    (Berg's 'heterogeneity in size and power', 000 L515)."""
    if pool.n < 2 or pool.sum_pop <= 0:
        return 0.0
    share = cost_share(gov, population, effective, pool)
    transaction = transaction_cost(pool, gov, p)
    base = transaction / (1.0 + p.heterogeneity_weight * size_heterogeneity(pool))
    extra = max(0.0, share - population / pool.sum_pop) * pooled_cost(pool, gov, p, cloud, transaction)
    return (share * (transaction - base) + extra) / population


def leadership_loss(population: float, competence: float, effective: float, standing: Standing,
                    neutral_quality: float, p: Parameters) -> float:
    """Value per inhabitant of the development a member loses because its collaboration's
    leadership is below neutral (negative when above): quality at the development quality
    neutral leadership would give, less quality as it is."""
    neutral = standing._replace(development_quality=neutral_quality)
    return p.quality_value * (member_quality(population, competence, effective, neutral, p)
                              - member_quality(population, competence, effective, standing, p))


def fee_weight(net_result: float, p: Parameters) -> float:
    """Extra weight of the member fee under budget stress: ``budget_stress_weight`` per percentage
    point of net operating result below the recommended level (004 L709: 1.75 %). A strained
    budget makes the yearly fee the line to cut (Berg's 'economy and costs', 000 L519; a poor
    economy, 002 L333-337)."""
    return p.budget_stress_weight * max(0.0, p.recommended_net_result - net_result)


def leadership_factor(quality: float, p: Parameters) -> float:
    """Development output relative to what neutral leadership achieves: catalytic leadership
    makes joint work succeed, weak leadership lets it fail (001 L1102-1106; 000 L529)."""
    return max(0.0, 1.0 + p.leadership_development * (quality - p.neutral_leadership))


def development_quality(output: float, p: Parameters) -> float:
    """Saturating value of a collaboration's development output (developer-years)."""
    return 1.0 - math.exp(-max(0.0, output) / p.development_half)


def development_capacity(pool: Pool, p: Parameters) -> float:
    """Developer-years a collaboration can field, from its pooled inhabitants."""
    return p.development_rate * pool.sum_eff / 10_000.0


def joint_assets(stock: float, members: int, p: Parameters) -> float:
    """A collaboration's sunk joint investments (member-years) after one more year: each member-year
    adds one, scaled by ``increasing_returns`` (0: none), and 1/``sunk_life`` of the stock ages out.
    ICT investments made together "bind the actors up in the long term" (000 L1140-1144)."""
    return stock * (1.0 - 1.0 / p.sunk_life) + p.increasing_returns * members


def lasting_development(stock: float, p: Parameters) -> float:
    """Developer-years of lasting development (common systems, integrations, competence built
    together) that a stock of joint investments adds to this year's development output: the
    increasing returns of a collaboration that grows and lasts."""
    return p.sunk_development * stock


def sunk_stake(tenure: float, p: Parameters) -> float:
    """Member-years of its own joint investments a member still has in its collaboration after
    ``tenure`` years: one a year, ageing out like the collaboration's stock (``joint_assets``),
    ``sunk_life * (1 - (1 - 1/sunk_life) ** tenure)``: zero for a newcomer, ``sunk_life`` at most."""
    return p.sunk_life * (1.0 - (1.0 - 1.0 / p.sunk_life) ** tenure)


def sunk_loss(tenure: float, juncture_open: bool, p: Parameters) -> float:
    """What a member leaving after ``tenure`` years loses of its sunk joint investments, per
    inhabitant (asset specificity, 000 L1140-1144): it grows with tenure, so leaving gets harder;
    relaxed like the exit terms while a critical juncture is open (004 L1032)."""
    loss = p.increasing_returns * p.sunk_stake_cost * sunk_stake(tenure, p)
    return loss * (1.0 - p.juncture_relief) if juncture_open else loss


def onboarding_work(population: float, p: Parameters) -> float:
    """Developer-years needed to move a new member onto the common platform (002 L2191-2217)."""
    return p.onboarding_work * (1.0 + population / 10_000.0)


def amortised(one_off_per_inhabitant: float, p: Parameters) -> float:
    """A one-off cost per inhabitant, spread over the planning horizon."""
    return one_off_per_inhabitant / p.horizon


def utility(net_benefit: float, one_off: float, p: Parameters) -> float:
    """Instrumental utility: net benefit minus amortised one-off costs, in utility units."""
    return (net_benefit - amortised(one_off, p)) / p.utility_scale


def entry_fee(gov: GovernanceModel, population: float, effective: float, pool: Pool, cloud: float,
              p: Parameters) -> float:
    """A year of the applicant's expected cost share, per inhabitant: what free-rider screening
    charges a late applicant (004 L880). ``pool`` is the collaboration before it joins."""
    share = cost_share(gov, population, effective, pool.plus(population, effective))
    return share * pooled_cost(pool, gov, p, cloud) / population


def exit_terms(gov: GovernanceModel, population: float, effective: float, pool: Pool, cloud: float,
               juncture_open: bool, p: Parameters) -> float:
    """Exit terms per inhabitant: ``gov.exit_cost`` years of the member's share of the pooled
    cost (section 5); relaxed like habit while a critical juncture is open (a legal-form
    conversion makes every member re-commit, 004 L1032; 002 L413-425)."""
    yearly = cost_share(gov, population, effective, pool) * pooled_cost(pool, gov, p, cloud)
    terms = gov.exit_cost * yearly / population
    return terms * (1.0 - p.juncture_relief) if juncture_open else terms
