"""Myth perspective: the institutional environment and legitimacy (MODEL.md s4).

Collaboration and standardisation are rationalised myths: national strategies and KS recipes
("better, smarter, more efficient", "as many identical systems as possible") raise legitimacy
pressure L(t) over time (sources 000, 001, 003, 004). A municipality's receptivity scales how
much of that pressure it feels. Isomorphism comes in three kinds: coercive (formal, legally
sanctioned forms look more legitimate), mimetic (imitate neighbours and successful
collaborations under uncertainty, e.g. the "IKT Agder model", 004 L1060) and normative
(professional recipes favour more coordination). Decoupling: the myth rewards formal membership
and declared coordination, not practice, so it is blind to leakage (004 L888).

Fashions: forms come into and go out of fashion (regional digitalisation networks in the late
2010s, 003; the move to IKS and AS forms and the outlawed section-27 form, 004 L291, L1046). A
form's fashion standing adds to its legal sanction and may take the legitimacy of belonging below
zero: a delegitimised form pushes a member out. Talk versus action: what a municipality declares
(membership, a strategy, its declared coordination) is what the myth sees; what it does (its
systems on the common platform) is what the instrumental perspective pays for (003 L3058-3065,
L3842-3848; 000 L646-654). A strategy declares what the felt pressure prescribes; coordination
already declared brings the myth nothing new when systems follow, nor is it missed when they go.
"""

from __future__ import annotations

from ..parameters import Parameters


def legitimacy(pressure: float, receptivity: float, form_legitimacy: float, p: Parameters,
               fashion: float = 0.0) -> float:
    """Legitimacy gained by belonging to a collaboration of a given (coercively sanctioned) form;
    an informal form carries ``informal_form_legitimacy`` of it. The form's ``fashion`` standing,
    weighted by ``fashion_weight``, adds to it (and may make belonging a liability)."""
    base = p.informal_form_legitimacy
    form = base + (1.0 - base) * form_legitimacy
    if fashion:
        form += p.fashion_weight * fashion
    return p.legitimacy_weight * pressure * receptivity * form


def mimetic(peer_share: float, reputation: float, competence: float, p: Parameters) -> float:
    """Imitation of what neighbours do and of successful collaborations, stronger the more
    uncertain (less competent) the municipality is."""
    uncertainty = 1.0 - competence
    return p.mimetic_weight * uncertainty * (peer_share + max(0.0, reputation))


def standardisation(pressure: float, receptivity: float, step: float, p: Parameters) -> float:
    """Declared coordination is legitimate ("as many identical systems as possible") and
    carried by professional recipes (normative isomorphism); ``step`` is the change of what is
    declared (talk), whether or not systems move (action)."""
    return (p.legitimacy_weight * pressure * receptivity + p.normative_weight) * step


def consolidation(pressure: float, receptivity: float, p: Parameters) -> float:
    """Bigger, merged collaborations look more modern under pressure: growth and mergers carry
    the same legitimacy pressure as collaborating, times their own extra weight."""
    return p.legitimacy_weight * p.merger_legitimacy * pressure * receptivity


def merger(pressure: float, receptivity: float, p: Parameters, within_county: bool = True) -> float:
    """A merger of two collaborations is consolidation at its most visible ("part of something
    bigger", 004 L764): the legitimacy of consolidation plus ``merger_myth``, the extra that
    absorbing a whole collaboration carries. The myth is of gathering "the municipalities in the
    regions in the same ICT collaboration" (004 L880), as IKT Agder gathers Agder's (002 L137-147)
    and DigiRogaland all of Rogaland (003 L1603); ICT collaborations come about between neighbours
    "within the same county" (002 L127-129). A merger whose members span more than one county
    carries ``merger_myth_across_counties`` of that extra."""
    extra = p.merger_myth if within_county else p.merger_myth * p.merger_myth_across_counties
    return p.legitimacy_weight * (p.merger_legitimacy + extra) * pressure * receptivity


def declared_target(pressure: float, p: Parameters) -> float:
    """The coordination a strategy declares as the national pressure prescribes it ("as many
    identical systems as possible"): most strategies are copies of the KS template, itself the
    national strategy's translation (003 L662-672, L3058-3065), with nothing local behind them
    (003 L3842-3848)."""
    return min(1.0, p.legitimacy_weight * pressure)
