"""Why a member leaves: the term of its appraisal that weighed most against staying.

Berg (2008: 164) lists eight reasons why members leave networks (000 L515-529): heterogeneity in
size and power, needs and benefit, economy and costs, choice of technology and the pioneer's
cost, distance, alternative networks, lack of trust, weak change leadership. When a member gives
notice, its appraisal of staying and of leaving (``perspectives.appraise``) is split into terms,
each weighted by its perspective weight, in the direction "for leaving": a term is positive when
it makes leaving look better than staying. The reason recorded is the largest positive term;
"chance" when none is positive (the logit drew a worse option). Habit and the myth of belonging
only ever speak for staying, so they are never a reason.

The split is of terms the model has: trust, culture and region, system family and the common
standard are the cultural identity fit's terms (``cultural.identity_fit``) against their neutral
points; the instrumental terms are the misfit, the heterogeneity part of the member's cost, the
budget-stress weight on its fee and the development lost to weak leadership, and what is left of
the instrumental difference is "cost" (needs and benefit, economy and costs as such).
"""

from __future__ import annotations

from typing import NamedTuple

from ..parameters import Parameters
from .choice import Weights


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
    alternative: float  # alternative networks: the pull of the collaboration switched to (000 L525)


REASONS = (*Reasons._fields, "chance")


class Appraisal(NamedTuple):
    """What a member's appraisal of staying and leaving was made of (``Municipality.leaving_reason``)."""

    profile: tuple[float, float, float, float]  # (similarity, same-region share, mean trust, same-family share)
    autonomy_cost: float  # cultural.autonomy_cost at its share
    commitment: float  # cultural.commitment to its leadership
    stay_instrumental: float  # U_I of being a member (utility units)
    exit_instrumental: float  # U_I of leaving to stand alone
    misfit: float  # misfit cost, NOK per inhabitant
    heterogeneity: float  # heterogeneity burden, NOK per inhabitant (instrumental.heterogeneity_burden)
    budget: float  # budget-stress extra on the fee, NOK per inhabitant
    leadership_loss: float  # value of development lost to leadership below neutral, NOK per inhabitant
    pull: float = 0.0  # combined utility of the switch over plain exit (0 for an exit)


def reasons(a: Appraisal, w: Weights, p: Parameters) -> Reasons:
    """The weighted terms for leaving of appraisal ``a``."""
    similarity, region_share, trust, family_share = a.profile
    scale = p.utility_scale
    misfit = w.instrumental * a.misfit / scale
    heterogeneity = w.instrumental * a.heterogeneity / scale
    budget = w.instrumental * a.budget / scale
    lost = w.instrumental * a.leadership_loss / scale
    cost = w.instrumental * (a.exit_instrumental - a.stay_instrumental) - misfit - heterogeneity - budget - lost
    return Reasons(
        trust=w.cultural * p.trust_weight * (p.neutral_trust - trust),
        leadership=lost - w.cultural * a.commitment,
        budget=budget,
        cost=cost,
        heterogeneity=heterogeneity,
        technology=misfit + w.cultural * p.family_weight * (p.neutral_family_share - family_share),
        distance=w.cultural * (p.region_weight * (p.neutral_region_share - region_share)
                               + p.identity_weight * (p.neutral_similarity - similarity)),
        autonomy=w.cultural * a.autonomy_cost,
        alternative=a.pull,
    )


def weighed_most(r: Reasons) -> str:
    """The reason whose term spoke most for leaving, or "chance" if none did."""
    best = max(range(len(r)), key=r.__getitem__)
    return Reasons._fields[best] if r[best] > 0 else "chance"
