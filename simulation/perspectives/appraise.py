"""The theory in one room: what each option is worth under the three perspectives.

Christensen, Lægreid, Roness and Røvik read organisational choice through three perspectives
(MODEL.md s4). Every option a municipality or a collaboration's member weighs is valued here
under all three, as ``Utilities(instrumental, cultural, myth)``; ``choice`` weighs them
(``U = w_I*U_I + w_C*U_C + w_M*U_M``), draws by a logit and says which perspective tipped it.

- **Instrumental** (logic of consequence, bounded rationality): the net benefit per inhabitant
  of the arrangement, from ``instrumental.member_net_benefit`` (scale economies, transaction
  cost, development gains, misfit, delay, shocks), less one-off costs spread over the horizon;
  under budget stress the member fee weighs more (000 L519). An organisation is a tool; the
  municipality compares what each option would bring. Increasing
  returns (path dependency, 000 L1140-1144; switch ``increasing_returns``): a collaboration's
  sunk joint investments add lasting development for its members, and a leaver loses its share
  of them (``leaving_terms``), more the longer it has been in.
- **Cultural** (logic of appropriateness, path dependency): identity fit with the partners
  (culture, region, trust, system family), the autonomy norm against pooling, commitment to a
  collaboration's leadership (001 L1200-1208), habit that grows with tenure and relaxes at
  junctures, and voice as the loyal member's appropriate act.
- **Myth** (institutional environment): the legitimacy of belonging to a sanctioned form under
  national pressure, imitation of neighbours and successful collaborations under uncertainty,
  professional recipes for standardising, and the modernity of consolidation. The myth sees
  formal membership and declared coordination, not practice: it is blind to leakage
  (decoupling), and coordination a strategy already declares brings no new legitimacy when
  systems follow (talk versus action, 003 L3058-3065; 000 L646-654). Forms come into and go
  out of fashion, so belonging to an out-of-fashion or outlawed form may be a liability (004
  L291, L469).
  ``belonging`` is the one place where the myth of collaborating is assembled.

The functions take plain values: the municipality's ``Traits``, the year's ``Conditions``, a
collaboration as a ``Prospect`` (its governance model, pool with the municipality counted in,
and standing), fits and shares the caller read off the world, and the ``Parameters``. They hold
no state and draw no random numbers; agents gather the values, the model runs the schedule.

Options of a municipality outside: ``stay_alone``, ``join``, ``found``. Options of a member:
``stay_member``, ``raise_coordination``, ``lower_coordination``, ``leak``, ``voice``,
``exit``, ``switch``. A member's view of a collective choice: ``admit``, ``merge``,
``standard``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from ..governance import GovernanceModel, collective_level
from ..parameters import Parameters
from . import cultural, instrumental, myth
from .choice import Utilities, Weights
from .instrumental import Pool, Standing


class Traits(NamedTuple):
    """What the perspectives see of a municipality (MODEL.md s2)."""

    population: float
    competence: float  # 0..1: in-house ICT competence
    ambition: float  # 0..1: the standard it wants
    autonomy: float  # 0..1: strength of the autonomy norm
    receptivity: float  # 0..1: how much national pressure it feels
    fee_weight: float = 0.0  # extra weight of the member fee under budget stress (instrumental.fee_weight)


class Conditions(NamedTuple):
    """The year's environment (``Environment``): pressure, risk and the cloud."""

    legitimacy: float  # felt legitimacy pressure L(t)
    risk: float  # perceived shock risk
    cloud: float  # cloud factor eroding the pooled-operations discount
    juncture_open: bool  # a critical juncture (or a new director) relaxes habit
    fashion: Mapping[str, float] = MappingProxyType({})  # each form's fashion standing (fashion_weight > 0)


class Prospect(NamedTuple):
    """A collaboration as a (prospective) member sees it."""

    governance: GovernanceModel
    pool: Pool  # its pool with this member counted in at its share
    standing: Standing  # development quality, delay, standard, mandatory systems
    transaction: float | None = None  # the pool's transaction cost, if the caller has it (else computed)


# ---- building blocks shared by the options ------------------------------------------------------

def net_benefit(me: Traits, share: float, k: Prospect, world: Conditions, p: Parameters) -> float:
    """Instrumental: net benefit per inhabitant of being in ``k`` with pooled ``share``; under
    budget stress the member fee weighs more (``Traits.fee_weight``; 000 L519, 002 L333-337)."""
    net = instrumental.member_net_benefit(me.population, me.competence, me.ambition, share, k.pool,
                                          k.governance, k.standing, world.risk, world.cloud, p,
                                          transaction=k.transaction)[0]
    if me.fee_weight > 0:
        net -= me.fee_weight * instrumental.member_fee(k.governance, me.population, share, k.pool, world.cloud, p,
                                                       k.transaction)
    return net


def fit_with(group_fit: float, autonomy: float, share: float, k: Prospect, p: Parameters) -> float:
    """Cultural: fit with the group less the autonomy given up, and the commitment its
    leadership creates (001 L1200-1208; weak change leadership, 000 L529)."""
    return group_fit - cultural.autonomy_cost(autonomy, share, p) + cultural.commitment(k.standing.leadership, p)


def belonging(me: Traits, form: GovernanceModel, peer_share: float, reputation: float,
              world: Conditions, p: Parameters) -> float:
    """Myth: the legitimacy of belonging to a collaboration of a sanctioned form (coercive), as
    the form stands in fashion this year, and of doing what neighbours and successful
    collaborations do (mimetic)."""
    return (myth.legitimacy(world.legitimacy, me.receptivity, form.legitimacy, p, world.fashion.get(form.name, 0.0))
            + myth.mimetic(peer_share, reputation, me.competence, p))


def joining_one_off(entry_fee: float, family_switch: bool, extra: float, p: Parameters) -> float:
    """One-off cost per inhabitant of joining: migration, the free-rider entry fee, a switch of
    system family under mandatory common systems, and ``extra`` (a switcher's exit terms)."""
    one_off = p.migration_cost + extra + entry_fee
    if family_switch:
        one_off += p.family_switch_cost
    return one_off


def switching_part(one_off: float, weights: Weights, p: Parameters) -> float:
    """The weighted part of an option's utility that is switching cost (for lock-in)."""
    return -weights.instrumental * instrumental.amortised(one_off, p) / p.utility_scale


def habit_part(habit: float, weights: Weights) -> float:
    """The weighted part of the status quo's utility that is habit (for lock-in)."""
    return weights.cultural * habit


def leaving_terms(exit_terms: float, tenure: float, juncture_open: bool, p: Parameters) -> float:
    """What leaving costs a member per inhabitant: the governance model's exit terms
    (``instrumental.exit_terms``) and its share of the sunk joint investments, which stay with
    the collaboration (``instrumental.sunk_loss``: asset specificity grows with tenure, 000
    L1140-1144). A critical juncture relaxes both (004 L1032); with ``increasing_returns`` 0 only
    the exit terms remain."""
    return exit_terms + instrumental.sunk_loss(tenure, juncture_open, p)


def founding_standing(pool: Pool, standard: float, mandatory: bool, p: Parameters) -> Standing:
    """What founders expect of their new collaboration: development from their pooled inhabitants
    under a leadership of the usual quality, a delay while the joint platform is built, the
    standard their decision rule sets."""
    output = instrumental.development_capacity(pool, p) * instrumental.leadership_factor(p.leadership_mean, p)
    return Standing(development_quality=instrumental.development_quality(output, p),
                    delay=p.founding_delay, standard=standard, mandatory=mandatory, leadership=p.leadership_mean)


# ---- options of a municipality outside ----------------------------------------------------------

def stay_alone(alone_outcome: float, habit: float, p: Parameters) -> Utilities:
    """Keep running everything alone: its own net benefit, and habit; the myth gives nothing."""
    return Utilities(instrumental.utility(alone_outcome, 0.0, p), habit, 0.0)


def join(me: Traits, share: float, k: Prospect, group_fit: float, peer_share: float, reputation: float,
         one_off: float, world: Conditions, p: Parameters) -> Utilities:
    """Apply to a collaboration, entering at pooled ``share``: its net benefit less the one-off
    (instrumental); fit with the group it would join less the autonomy given up, and its
    leadership (cultural, ``fit_with``); the legitimacy of belonging (myth)."""
    return Utilities(instrumental.utility(net_benefit(me, share, k, world, p), one_off, p),
                     fit_with(group_fit, me.autonomy, share, k, p),
                     belonging(me, k.governance, peer_share, reputation, world, p))


def found(me: Traits, share: float, k: Prospect, partner_fit: float, collaborating_share: float,
          world: Conditions, p: Parameters) -> Utilities:
    """Found a collaboration with trusted neighbours (002 SF2): as joining, at the migration
    cost, with no reputation yet; imitation follows how many neighbours collaborate at all."""
    return Utilities(instrumental.utility(net_benefit(me, share, k, world, p), p.migration_cost, p),
                     fit_with(partner_fit, me.autonomy, share, k, p),
                     belonging(me, k.governance, collaborating_share, 0.0, world, p))


# ---- options of a member ------------------------------------------------------------------------

def member(me: Traits, share: float, k: Prospect, others_fit: float, belonging_now: float,
           world: Conditions, p: Parameters) -> Utilities:
    """Being a member at pooled ``share``: net benefit, fit with the other members less the
    autonomy given up and with the commitment its leadership creates (``fit_with``), and the
    legitimacy of belonging."""
    return Utilities(instrumental.utility(net_benefit(me, share, k, world, p), 0.0, p),
                     fit_with(others_fit, me.autonomy, share, k, p), belonging_now)


def stay_member(now: Utilities, habit: float) -> Utilities:
    """Keep the arrangement as it is: being a member (``member`` at the current share), plus habit."""
    return Utilities(now.instrumental, now.cultural + habit, now.myth)


def raise_coordination(me: Traits, raised: Utilities, step: float, world: Conditions, p: Parameters) -> Utilities:
    """Pool more (``raised``: ``member`` at the higher share); declared coordination is
    legitimate and carried by professional recipes (myth). ``step`` is the rise of what is
    declared: nothing new to the myth if a strategy already declared it (talk before action)."""
    return Utilities(raised.instrumental, raised.cultural,
                     raised.myth + myth.standardisation(world.legitimacy, me.receptivity, step, p))


def lower_coordination(me: Traits, lowered: Utilities, step: float, world: Conditions, p: Parameters) -> Utilities:
    """Pool less (``lowered``: ``member`` at the lower share); the myth frowns on it as far as
    ``step`` lowers what is declared (a standing strategy keeps the talk up)."""
    return Utilities(lowered.instrumental, lowered.cultural,
                     lowered.myth - myth.standardisation(world.legitimacy, me.receptivity, step, p))


def leak(leaked: Utilities) -> Utilities:
    """Buy part of the portfolio on its own while staying a member (004 L888; ``leaked``:
    ``member`` at the leaked share). Formal membership is unchanged, so the myth does not see
    it (decoupling)."""
    return leaked


def voice(me: Traits, now: Utilities, share: float, standing: Standing, mean_trust: float, tenure: float,
          p: Parameters) -> Utilities:
    """Propose a reform (voice before exit, 002 L2512-2520): the share of misfit and delay costs a
    reform would remove (instrumental); appropriate for loyal, trusting members (cultural)."""
    reform_gain = p.reform_gain * share * (p.misfit_cost * instrumental.misfit(me.ambition, standing, p)
                                           + p.delay_cost * standing.delay) / p.utility_scale
    return Utilities(now.instrumental + reform_gain, now.cultural + cultural.voice(mean_trust, tenure, p), now.myth)


def exit(alone_outcome: float, exit_terms: float, p: Parameters) -> Utilities:
    """Leave to stand alone: its own net benefit less the exit terms; no fit, no legitimacy."""
    return Utilities(instrumental.utility(alone_outcome, exit_terms, p), 0.0, 0.0)


def notice_delay(notice: float, p: Parameters) -> float:
    """The share of the horizon a member weighs as still in, on today's terms, when leaving with
    ``notice`` years' notice (``after_notice``)."""
    return min(1.0, p.notice_foresight * notice / p.horizon)


def after_notice(leaving: Utilities, staying: Utilities, notice: float, p: Parameters) -> Utilities:
    """Leaving as weighed with its notice (exit or switch): for ``notice`` of the ``horizon``'s
    years the member is still in on today's terms (``staying``, without habit), so a longer
    notice delays and dilutes what leaving brings (a binding agreement keeps networks alive,
    000 L1038-1046). ``notice_foresight`` 0 leaves ``leaving`` as it is."""
    delayed = notice_delay(notice, p)
    if delayed <= 0.0:
        return leaving
    return Utilities(*(delayed * now + (1.0 - delayed) * then for now, then in zip(staying, leaving, strict=True)))


def switch(me: Traits, share: float, k: Prospect, group_fit: float, peer_share: float, reputation: float,
           one_off: float, world: Conditions, p: Parameters) -> Utilities:
    """Leave for another collaboration: joining it with the coordination brought along and the
    exit terms added to the one-off (``joining_one_off(extra=exit terms)``)."""
    return join(me, share, k, group_fit, peer_share, reputation, one_off, world, p)


def application(join: Utilities, stay: Utilities, refusals: int, p: Parameters) -> Utilities:
    """Apply to a collaboration that has refused it ``refusals`` times in a row: bounded
    rationality, the outsider expects admission with the chance its experience suggests,
    ``(1 - refusal_learning)^refusals``, and otherwise to stand alone as now (MODEL.md s4; no
    opportunity among the neighbours is a hindrance the municipalities name, 004 L258)."""
    if not refusals or not p.refusal_learning:
        return join
    chance = (1.0 - p.refusal_learning) ** refusals
    return Utilities(*(chance * j + (1.0 - chance) * s for j, s in zip(join, stay, strict=True)))


# ---- a member's view of collective choices ------------------------------------------------------

def admit(me: Traits, share: float, net_now: float, grown: Prospect, region_share: float, mean_trust: float,
          world: Conditions, p: Parameters) -> Utilities:
    """Admit applicants: the change of its net benefit (``net_now``, as things stand) when the
    pool and standing grow (instrumental); trust in the applicants and their region, and the
    cost of excluding region-mates it has other binding ties with (cultural, 004 L880);
    growth as modernity (myth)."""
    return Utilities((net_benefit(me, share, grown, world, p) - net_now) / p.utility_scale,
                     cultural.applicant_fit(region_share, mean_trust, p) + cultural.exclusion_cost(region_share, p),
                     myth.consolidation(world.legitimacy, me.receptivity, p))


def merge(me: Traits, share: float, now: Prospect, merged: Prospect, fit_now: float, fit_merged: float,
          world: Conditions, p: Parameters, one_off: float = 0.0, habit: float = 0.0,
          within_county: bool = True) -> Utilities:
    """Merge two collaborations (Setesdal IKT into IKT Agder, 002 L145-147): the change of net
    benefit under the absorbing collaboration's governance (instrumental), of fit with the
    members (cultural), and consolidation as modernity, the more so for a whole collaboration
    gathering one county's municipalities (myth, ``myth.merger``). For a member of the absorbed collaboration a merger is a move
    (``merger_move``): the one-off of migrating, spread over the horizon, and the habit of the
    arrangement it gives up, as ``switch`` and ``stay_member`` weigh them for a member alone."""
    return Utilities(instrumental.utility(net_benefit(me, share, merged, world, p) - net_benefit(me, share, now, world, p),
                                          one_off, p),
                     fit_merged - fit_now - habit,
                     myth.merger(world.legitimacy, me.receptivity, p, within_county))


def merger_move(family_switch: bool, tenure: float, juncture_open: bool, p: Parameters) -> tuple[float, float]:
    """(one-off per inhabitant, habit) an absorbed collaboration's member gives for a merger, at
    ``merger_switching`` of a move's: it migrates onto the absorbing platform (002 L2191-2217),
    switching system family under mandatory common systems (002 L1977), and leaves the
    arrangement it is used to (``cultural.habit``, relaxed while a juncture is open, 004 L1032)."""
    one_off = joining_one_off(0.0, family_switch, 0.0, p)  # no entry fee, no exit terms in a merger
    return (p.merger_switching * one_off,
            p.merger_switching * cultural.habit(tenure, juncture_open, p))


def standard(rule: str, ambitions: list[float], populations: list[float], chair: int) -> float:
    """The common standard: each member wants its own ambition (where it feels no misfit,
    ``instrumental.misfit``); the decision rule aggregates the wishes, weighted by ownership
    (004 L750: a 'good enough' minimum under consensus)."""
    return collective_level(rule, ambitions, populations, chair)
