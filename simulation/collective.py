"""Choices that take more than one party: applications with regional blocs, foundings,
admission votes and mergers (MODEL.md s3, steps 3 and 4).

A municipality only says what it intends (``Municipality.decide``). What needs others' consent
is orchestrated here, in one direction: the bloc mates, invited partners or voting members are
asked what they make of it, each under the three perspectives (``perspectives.appraise``), and
the world changes through the model's public operations (``create``, ``merge``,
``record_decision``). Agents never call back into the model to ask a third party.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from .perspectives import appraise, choice, instrumental
from .perspectives.choice import Option, Utilities

if TYPE_CHECKING:
    from .agents import Collaboration, Municipality
    from .model import CollaborationModel

# what a municipality's own choices count as in the year's counters
_COUNTED = {choice.LEAK: "leaks", choice.VOICE: "voice", choice.EXIT: "notices", choice.SWITCH: "notices"}


class AdmissionCase(NamedTuple):
    """A case put to a vote: the collaboration as it stands and as it would be with the
    applicants (the same for every voter: built once, transaction costs included), and the
    applicants' indices (``admission_case``)."""

    now: appraise.Prospect
    grown: appraise.Prospect
    applicants: np.ndarray


# ---- step 3: carrying out a municipality's choice ------------------------------------------------

def carry_out(model: CollaborationModel, mm: Municipality, option: Option) -> None:
    """Log the choice; an application or a founding goes to the others concerned, anything else
    the municipality does on its own (``Municipality.act``)."""
    model.record_decision(mm, option)
    if option.kind == choice.JOIN:
        option.target.applications.append(mm)
        regional_bloc(model, mm, option.target)
    elif option.kind == choice.FOUND:
        found(model, mm, option.partners)
    elif option.kind == choice.SWITCH and routed_to_merger(model):
        model.merger_proposals.append((mm.collaboration, option.target))
        model.counts["merger_proposals"] += 1
    else:
        mm.act(option)
        if option.kind in _COUNTED:
            model.counts[_COUNTED[option.kind]] += 1


def routed_to_merger(model: CollaborationModel) -> bool:
    """Does a member's wish to switch go to its collaboration as a merger proposal? Collaborations
    grow by established collaborations merging (002 L388-393), and members raise what they want
    changed rather than withdraw (002 L2512-2520). Draws only for a share strictly between 0 and 1."""
    route = model.params.merger_route
    if route <= 0.0:
        return False
    return route >= 1.0 or model.rng.random() < route


def regional_bloc(model: CollaborationModel, applicant: Municipality, k: Collaboration) -> None:
    """Trusted outside region-mates consider applying together (004 L301: regional blocs): each
    chooses, by the same logit, between standing alone and joining with the applicant."""
    p = model.params
    for j in model.prospective_bloc(applicant):
        mate = model.municipalities[j]
        if mate in k.applications:
            continue
        stay = mate.stay_alone_option(model.env.juncture_open)
        options = [stay, mate.application_option(k, stay)]
        u = choice.combined_all(options, mate.weights)
        chosen = choice.logit_choice(options, mate.weights, p.temperature, model.rng, u)
        if chosen == 1:
            mate.last_choice = choice.JOIN
            mate.tipped_by = choice.tipped_by(options, chosen, mate.weights, u)
            model.record_decision(mate, options[1], bloc=True)
            k.applications.append(mate)
            mate.bloc_lead = applicant  # one case with the applicant (decide_applications)


def found(model: CollaborationModel, founder: Municipality, partners: tuple[int, ...]) -> None:
    """Invited partners accept when founding beats standing alone for them; with at least one,
    the collaboration is founded under the scenario's default governance model."""
    accepted = []
    for j in partners:
        mate = model.municipalities[j]
        if mate.collaboration is not None:
            continue
        others = tuple(x for x in (founder.index, *partners) if x != j)
        u_found = choice.combined(mate.founding_utilities(others), mate.weights)
        u_stay = choice.combined(mate.stay_alone_option(model.env.juncture_open).utilities, mate.weights)
        if u_found > u_stay:
            accepted.append(mate)
    if len(accepted) >= model.params.found_min_partners:
        members = [founder, *accepted]
        model.create(members, model.governance[model.default_governance])
        model.counts["foundings"] += 1
        model.counts["joins"] += len(members)


# ---- step 4: admissions ---------------------------------------------------------------------------

def decide_applications(model: CollaborationModel, k: Collaboration) -> None:
    """Admit applicants by the admission rule; all admitted this year onboard together. A
    regional bloc applies as one case, admitted or refused as a whole: the Kongsvinger three
    joined HIKT together in 2011 (004 L301) and coordinate ownership (004 L862)."""
    if not k.applications:
        return
    applicants, k.applications = k.applications, []
    cases: dict[Municipality, list[Municipality]] = {}
    now: dict[Municipality, float] = {}  # members' net benefit before any admission this year
    for a in dict.fromkeys(applicants):  # once each, in order of application
        lead, a.bloc_lead = a.bloc_lead, None
        cases.setdefault(lead if lead in applicants else a, []).append(a)
    for case in cases.values():
        case = [a for a in case if a.collaboration is None]  # not admitted elsewhere meanwhile
        if not case or not k.alive:
            continue
        if k.governance.admission_rule == "open":
            admitted = True
        else:
            proposal = admission_case(model, k, case)
            admitted = k.vote(lambda mm, proposal=proposal: choice.combined(
                admission_view(model, mm, k, proposal, now), mm.weights))
        for a in case:
            if admitted:
                a.refusals.clear()  # admitted: past refusals no longer weigh (appraise.application)
                k.admit(a)
                model.counts["joins"] += 1
            else:
                a.refusals[k] = a.refusals.get(k, 0) + 1  # learnt from (appraise.application)
                model.counts["rejections"] += 1
    k.refresh()


def admission_case(model: CollaborationModel, k: Collaboration, case: list[Municipality]) -> AdmissionCase:
    """What the members of ``k`` judge when voting on a case (one applicant, or a regional bloc
    as a whole): the pool and standing before and after admitting it, and who applies."""
    p = model.params
    grown, work = k.pool, 0.0
    for a in case:
        grown = grown.plus(a.population, a.entry_coordination(a.cap(k), k.floor, a.carried), a.region)
        work += instrumental.onboarding_work(a.population, p)
    gov = k.governance
    now = appraise.Prospect(gov, k.pool, k.standing(), instrumental.transaction_cost(k.pool, gov, p))
    after = appraise.Prospect(gov, grown, k.prospective_standing(grown, work), instrumental.transaction_cost(grown, gov, p))
    return AdmissionCase(now, after, np.array([a.index for a in case]))


def admission_view(model: CollaborationModel, member: Municipality, k: Collaboration, case: AdmissionCase,
                   now: dict[Municipality, float]) -> Utilities:
    """A member's utilities of admitting ``case`` (``appraise.admit``). ``now`` memoises the
    members' net benefit as things stand, the same for every case of one year's applications."""
    p, world, me = model.params, model.conditions, member.traits()
    e = member.effective_share(k)
    net_now = now.get(member)
    if net_now is None:
        net_now = now[member] = appraise.net_benefit(me, e, case.now, world, p)
    _, region_share, mean_trust, _ = member.profile(case.applicants)  # applicants' region and trust in them
    return appraise.admit(me, e, net_now, case.grown, region_share, mean_trust, world, p)


# ---- step 4: mergers ------------------------------------------------------------------------------

def mergers(model: CollaborationModel) -> None:
    """Mergers members proposed this year are voted on first (``proposed_mergers``); then
    neighbouring collaborations consider merging; the larger absorbs the smaller when both
    agree by their own decision rules (Setesdal IKT into IKT Agder, 002 L145-147)."""
    proposed_mergers(model)
    p = model.params
    rate = min(1.0, p.merger_review_rate * (p.juncture_merger_boost if model.env.juncture_open else 1.0))
    alive = sorted(model.collaborations, key=lambda k: k.unique_id)
    if len(alive) < 2:
        return
    # one draw per pair, in pair order: the same numbers as drawing them one by one, in one call
    draws = iter(model.rng.random(len(alive) * (len(alive) - 1) // 2).tolist())
    for a_pos, a in enumerate(alive):
        for b in alive[a_pos + 1:]:
            draw = next(draws)
            if not (a.alive and b.alive) or draw >= rate or not established(model, a, b) or not adjacent(a, b):
                continue
            big, small = absorber_first(model, a, b)
            merged = big.pool.merged(small.pool)
            if both_agree(model, big, small, merged):
                model.merge(big, small)


def established(model: CollaborationModel, *collaborations: Collaboration) -> bool:
    """Each was founded in an earlier year (or given by the scenario): only established
    collaborations merge, "sammenslåing av etablerte samarbeid" (002 L388-393). Municipalities
    that found one this year have just chosen it over joining its neighbours."""
    return all(k.created_tick < model.steps for k in collaborations)


def absorber_first(model: CollaborationModel, a: Collaboration, b: Collaboration) -> tuple[Collaboration, Collaboration]:
    """(absorbing, absorbed): the larger by pooled inhabitants absorbs the smaller; between two of
    exactly equal size (a teaching design's twin hubs) a coin toss from the model's generator
    decides, not the order in which they were founded."""
    if a.pool.sum_pop != b.pool.sum_pop:
        return (a, b) if a.pool.sum_pop > b.pool.sum_pop else (b, a)
    return (a, b) if model.rng.random() < 0.5 else (b, a)


def proposed_mergers(model: CollaborationModel) -> None:
    """A member that would rather be in a neighbouring collaboration proposes that its own
    collaboration merge with it (``merger_route``); the case is put to both, once a year per
    pair, and the larger absorbs the smaller when both agree. Refused, the member stays."""
    proposals, model.merger_proposals = model.merger_proposals, []
    for own, other in dict.fromkeys(proposals):
        if own is other or not (own.alive and other.alive) or not established(model, own, other):
            continue
        big, small = absorber_first(model, own, other)
        if both_agree(model, big, small, big.pool.merged(small.pool)):
            model.merge(big, small)


def adjacent(a: Collaboration, b: Collaboration) -> bool:
    """A member of ``b`` neighbours a member of ``a``."""
    return not a.sight()[1].isdisjoint(mm.index for mm in b.members)


def both_agree(model: CollaborationModel, big: Collaboration, small: Collaboration,
               merged: instrumental.Pool) -> bool:
    within = within_one_county(big, small)
    return (big.vote(lambda mm: choice.combined(merger_view(model, mm, big, small, merged, within), mm.weights))
            and small.vote(lambda mm: choice.combined(merger_view(model, mm, small, big, merged, within), mm.weights)))


def within_one_county(a: Collaboration, b: Collaboration) -> bool:
    """Every member of ``a`` and ``b`` lies in one county (a scenario without counties is one)."""
    return len({mm.county for k in (a, b) for mm in k.members}) <= 1


def merger_view(model: CollaborationModel, mm: Municipality, own: Collaboration, other: Collaboration,
                merged: instrumental.Pool, within_county: bool = True) -> Utilities:
    """A member's utilities of merging ``own`` with ``other`` (``appraise.merge``): the larger
    absorbs the smaller under its governance, onboarding the smaller one's members; the merger
    myth in full only when the two gather one county's municipalities (``myth.merger``)."""
    p = model.params
    absorbing = own if own.pool.sum_pop >= other.pool.sum_pop else other
    absorbed = other if absorbing is own else own
    work = sum(instrumental.onboarding_work(x.population, p) for x in absorbed.members)
    now = appraise.Prospect(own.governance, own.pool, own.standing())
    after = appraise.Prospect(absorbing.governance, merged, absorbing.prospective_standing(merged, work))
    others_now = own.member_indices(exclude=mm.index)
    everyone = np.concatenate([others_now, other.member_indices()])
    one_off, habit = (appraise.merger_move(absorbing.imposes_family_on(mm), mm.tenure, model.env.juncture_open, p)
                      if own is absorbed else (0.0, 0.0))
    return appraise.merge(mm.traits(), mm.effective_share(own), now, after, mm.fit(others_now), mm.fit(everyone),
                          model.conditions, p, one_off, habit, within_county)
