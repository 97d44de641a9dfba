"""Combining the perspectives: satisficing gate, weighted utility, logit choice, attribution.

``U = w_I*U_I + w_C*U_C + w_M*U_M`` (MODEL.md s4). A municipality searches only when its outcome
falls short of its aspiration, when a critical juncture is open, or on an occasional review
(satisficing, bounded rationality); otherwise it keeps its habit. The choice is a logit over the
combined utilities. Each decision records which perspective tipped it: the one contributing most
to the chosen option's advantage over the reference (the status quo, or, when the status quo was
kept, the best alternative).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


class Utilities(NamedTuple):
    """An option's value under each perspective (``perspectives.appraise`` computes them)."""

    instrumental: float  # logic of consequence: net benefit, in utility units
    cultural: float  # logic of appropriateness: identity fit, autonomy, habit
    myth: float  # legitimacy and isomorphism


class Weights(NamedTuple):
    """How much a municipality weighs each perspective (w_I, w_C, w_M; MODEL.md s4)."""

    instrumental: float
    cultural: float
    myth: float


class Decision(NamedTuple):
    """One entry of the decision log (``CollaborationModel.decisions``)."""

    tick: int
    year: int
    municipality: str
    choice: str  # an option kind (below), or "forced" for a counterfactual move
    target: str  # the collaboration joined, switched to or acted in ('' if none)
    tipped_by: str  # the perspective that tipped it, "chance", "habit", or ''
    bloc: bool  # applied together with a region-mate (004 L301)
    reason: str = ""  # for a notice (exit, switch): the attrition reason that weighed most (perspectives.attrition)
    but_for: tuple[float, ...] = ()  # for a notice: each reason's share of its chance (attrition.but_for)


PERSPECTIVES = Utilities._fields
NO_UTILITIES = Utilities(0.0, 0.0, 0.0)

STAY = "stay"
JOIN = "join"
FOUND = "found"
RAISE = "raise"
LOWER = "lower"
LEAK = "leak"
EXIT = "exit"
VOICE = "voice"
SWITCH = "switch"


@dataclass(slots=True)
class Option:
    """An option in sight: its kind, target, utilities, and the part that is switching cost."""

    kind: str
    target: object = None  # a Collaboration for join/switch
    partners: tuple[int, ...] = ()  # municipality indices for found
    utilities: Utilities = NO_UTILITIES
    switching: float = 0.0  # part of the utility that is switching cost or habit (for lock-in)
    undelayed: Utilities | None = None  # exit or switch: what leaving brings once its notice has run
    after: float = 1.0  # exit or switch: the share of ``undelayed`` its utilities count (appraise.notice_delay)


def combined(u: Utilities, weights: Weights) -> float:
    """U = w_I*U_I + w_C*U_C + w_M*U_M."""
    u_i, u_c, u_m = u
    w_i, w_c, w_m = weights
    return w_i * u_i + w_c * u_c + w_m * u_m


def is_searching(outcome: float, aspiration: float, tolerance: float, review_rate: float,
                 juncture_open: bool, rng: np.random.Generator) -> bool:
    """Satisficing: search only when dissatisfied, at a juncture, or on an occasional review."""
    draw = rng.random()  # always drawn, so the random stream does not depend on the state
    return outcome < aspiration - tolerance or juncture_open or draw < review_rate


def combined_all(options: list[Option], weights: Weights) -> list[float]:
    """Each option's combined utility, in order: computed once per decision and handed to the
    logit, the attribution and the lock-in test (which would otherwise compute them again)."""
    return [combined(o.utilities, weights) for o in options]


def logit_choice(options: list[Option], weights: Weights, temperature: float,
                 rng: np.random.Generator, u: list[float] | None = None) -> int:
    """Draw an option with probability proportional to exp(U / temperature); ``u`` are the
    options' combined utilities when already at hand (``combined_all``)."""
    if u is None:
        u = combined_all(options, weights)
    weight = _logit_weights(u, temperature)
    threshold = rng.random() * (1 - 1e-12) * math.fsum(weight)
    cumulative = 0.0
    for k, w in enumerate(weight):
        cumulative += w
        if threshold < cumulative:
            return k
    return len(weight) - 1


def _logit_weights(u: list[float], temperature: float) -> list[float]:
    """exp((U - max U) / temperature) per option: the logit's unnormalised weights (plain
    floats: a handful of options)."""
    top = max(u)
    return [math.exp((x - top) / temperature) for x in u]


def probabilities(u: list[float], temperature: float) -> list[float]:
    """Each option's chance under ``logit_choice``: its weights, normalised. Draws nothing: an
    expectation taken beside the draw (``Municipality.decide``)."""
    weight = _logit_weights(u, temperature)
    total = math.fsum(weight)
    return [w / total for w in weight]


def tipped_by(options: list[Option], chosen: int, weights: Weights, u: list[float] | None = None) -> str:
    """The perspective that contributed most to the chosen option's advantage over the reference.

    The reference is the status quo (options[0]) when something else was chosen, otherwise the
    best alternative to the status quo. ``u``: the combined utilities, when at hand.
    """
    if len(options) < 2:
        return "habit"
    if chosen != 0:
        reference = 0
    else:
        if u is None:
            u = combined_all(options, weights)
        reference = max(range(1, len(options)), key=u.__getitem__)
    gains = [w * (a - b) for w, a, b in zip(weights, options[chosen].utilities,
                                              options[reference].utilities, strict=True)]
    best = max(range(3), key=lambda k: gains[k])
    return PERSPECTIVES[best] if gains[best] > 0 else "chance"


def locked_in(options: list[Option], weights: Weights, u: list[float] | None = None) -> bool:
    """Would prefer to leave but for switching costs and habit: staying (options[0]) beats every
    exit or switch with them, and loses to one without them. ``u``: the combined utilities, when
    at hand."""
    leaving = [k for k in range(1, len(options)) if options[k].kind in (EXIT, SWITCH)]
    if not leaving:
        return False
    if u is None:
        u = combined_all(options, weights)
    stay = u[0]
    with_costs = [u[k] for k in leaving]
    without = [x - options[k].switching for x, k in zip(with_costs, leaving, strict=True)]
    return stay >= max(with_costs) and stay - options[0].switching < max(without)

