"""Why a member leaves: the term of its appraisal that weighed most against staying.

Berg (2008: 164) lists eight reasons why members leave networks (000 L515-529): heterogeneity in
size and power, needs and benefit, economy and costs, choice of technology and the pioneer's
cost, distance, alternative networks, lack of trust, weak change leadership. When a member gives
notice, its appraisal of staying and of where it goes (``perspectives.appraise``; standing alone
for an exit, the other collaboration for a switch) is split into the same terms on both sides,
each weighted by its perspective weight. A reason's weight is its term where the member goes
less its term where it is: positive when it speaks for leaving. The reason recorded is the
largest positive one; "chance" when none is positive (the logit drew a worse option). Habit only
ever speaks for staying, so it is never a reason.

"Weighed most" names the largest term, which is not always the one that made the difference: a
member of a loose network may leave with heterogeneity its largest term while an eroded trust
tipped it. ``but_for`` answers the counterfactual question instead: of the chance that the member
gave this notice, which share would have gone without a given reason's term? Under the logit
choice (``choice.logit_choice``) that is an attributable fraction, 1 - P(notice without the
term) / P(notice); summed over the notices of a run it is the number of notices the reason
accounts for (each reason on its own: the fractions of one notice need not sum to one).

The terms are those the model has: trust, culture and region, system family are the cultural
identity fit's terms (``cultural.identity_fit``, zero at their neutral points, as standing alone
is); commitment to the leadership; the instrumental misfit, heterogeneity part of the cost,
budget-stress weight on the fee and development lost to weak leadership; what is left of the
instrumental difference is "cost" (needs and benefit, economy and costs as such); the myth's
difference (legitimacy, peers, reputation of the other network) is "alternative".
"""

from __future__ import annotations

import math
from typing import NamedTuple

from ..parameters import Parameters
from .choice import Weights, probabilities


class Reasons(NamedTuple):
    """Weighted terms for leaving (utility units; positive = speaks for leaving)."""

    trust: float  # lack of trust in the co-members (000 L527)
    leadership: float  # weak change leadership: commitment and development lost (000 L529)
    budget: float  # the member fee weighs more under budget stress (000 L519; 002 L333-337)
    cost: float  # needs and benefit, economy and costs: the rest of the net benefit (000 L517, L519)
    heterogeneity: float  # heterogeneity in size and power: what size differences cost it (000 L515)
    technology: float  # choice of technology: misfit with the standard, another system family (000 L521)
    distance: float  # distance: another region, another culture (000 L523)
    autonomy: float  # the autonomy given up by pooling (004: culture of autonomy)
    alternative: float  # alternative networks: the other network's legitimacy and pull (000 L525)


REASONS = (*Reasons._fields, "chance")


class Side(NamedTuple):
    """One side of a member's choice, as its appraisal saw it: where it is, or where it goes."""

    profile: tuple[float, float, float, float]  # (similarity, same-region share, mean trust, same-family share)
    autonomy_cost: float = 0.0  # cultural.autonomy_cost at its share
    commitment: float = 0.0  # cultural.commitment to the leadership
    instrumental: float = 0.0  # U_I (utility units)
    misfit: float = 0.0  # misfit cost, NOK per inhabitant
    heterogeneity: float = 0.0  # instrumental.heterogeneity_burden, NOK per inhabitant
    budget: float = 0.0  # budget-stress extra on the fee, NOK per inhabitant
    leadership_loss: float = 0.0  # instrumental.leadership_loss, NOK per inhabitant
    myth: float = 0.0  # U_M


def alone(instrumental: float, p: Parameters) -> Side:
    """Standing alone: no partners (every identity term at its neutral point), no fee, no myth."""
    neutral = (p.neutral_similarity, p.neutral_region_share, p.neutral_trust, p.neutral_family_share)
    return Side(neutral, instrumental=instrumental)


def reasons(stay: Side, go: Side, w: Weights, p: Parameters) -> Reasons:
    """The weighted terms for leaving ``stay`` for ``go``."""
    (s0, r0, t0, f0), (s1, r1, t1, f1) = stay.profile, go.profile
    per_nok = w.instrumental / p.utility_scale
    misfit = per_nok * (stay.misfit - go.misfit)
    heterogeneity = per_nok * (stay.heterogeneity - go.heterogeneity)
    budget = per_nok * (stay.budget - go.budget)
    lost = per_nok * (stay.leadership_loss - go.leadership_loss)
    cost = w.instrumental * (go.instrumental - stay.instrumental) - misfit - heterogeneity - budget - lost
    return Reasons(
        trust=w.cultural * p.trust_weight * (t1 - t0),
        leadership=lost + w.cultural * (go.commitment - stay.commitment),
        budget=budget,
        cost=cost,
        heterogeneity=heterogeneity,
        technology=misfit + w.cultural * p.family_weight * (f1 - f0),
        distance=w.cultural * (p.region_weight * (r1 - r0) + p.identity_weight * (s1 - s0)),
        autonomy=w.cultural * (stay.autonomy_cost - go.autonomy_cost),
        alternative=w.myth * (go.myth - stay.myth),
    )


def weighed_most(r: Reasons) -> str:
    """The reason whose term spoke most for leaving, or "chance" if none did."""
    best = max(range(len(r)), key=r.__getitem__)
    return Reasons._fields[best] if r[best] > 0 else "chance"


def but_for(r: Reasons, u: list[float], chosen: int, temperature: float, after: float = 1.0) -> Reasons:
    """Per reason, the share of the chance of the notice (option ``chosen`` among options with
    combined utilities ``u``, drawn at ``temperature``) that its term accounts for: 1 - P/P0, with
    P0 the logit's chance of the notice and P its chance with the term taken out of the notice's
    utility. The terms are what leaving brings once the notice has run (``reasons``); a notice
    weighed as a delay counts ``after`` of that (``Option.after``), and so of each term. Zero for a
    term that spoke for staying (taking it out would only make the notice likelier)."""
    p0 = probabilities(u, temperature)[chosen]
    shares = []
    for term in r:
        if term <= 0.0 or not math.isfinite(term):
            shares.append(0.0)
            continue
        without = list(u)
        without[chosen] -= after * term
        shares.append(1.0 - probabilities(without, temperature)[chosen] / p0)
    return Reasons(*shares)
