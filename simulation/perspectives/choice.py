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
from dataclasses import dataclass, field

import numpy as np

PERSPECTIVES = ("instrumental", "cultural", "myth")

STAY = "stay"
JOIN = "join"
FOUND = "found"
RAISE = "raise"
LOWER = "lower"
LEAK = "leak"
EXIT = "exit"
VOICE = "voice"
SWITCH = "switch"


@dataclass
class Option:
    kind: str
    target: object = None  # a Collaboration for join/switch
    partners: tuple[int, ...] = ()  # municipality indices for found
    utilities: tuple[float, float, float] = (0.0, 0.0, 0.0)  # instrumental, cultural, myth
    switching: float = 0.0  # part of the utility that is switching cost or habit (for lock-in)
    detail: dict = field(default_factory=dict)


def combined(u: tuple[float, float, float], weights: tuple[float, float, float]) -> float:
    return weights[0] * u[0] + weights[1] * u[1] + weights[2] * u[2]


def is_searching(outcome: float, aspiration: float, tolerance: float, review_rate: float,
                 juncture_open: bool, rng: np.random.Generator) -> bool:
    """Satisficing: search only when dissatisfied, at a juncture, or on an occasional review."""
    draw = rng.random()  # always drawn, so the random stream does not depend on the state
    return outcome < aspiration - tolerance or juncture_open or draw < review_rate


def logit_choice(options: list[Option], weights: tuple[float, float, float], temperature: float,
                 rng: np.random.Generator) -> int:
    """Draw an option with probability proportional to exp(U / temperature)."""
    u = [combined(o.utilities, weights) for o in options]
    top = max(u)
    weight = [math.exp((x - top) / temperature) for x in u]  # plain floats: a handful of options
    threshold = rng.random() * (1 - 1e-12) * math.fsum(weight)
    cumulative = 0.0
    for k, w in enumerate(weight):
        cumulative += w
        if threshold < cumulative:
            return k
    return len(weight) - 1


def tipped_by(options: list[Option], chosen: int, weights: tuple[float, float, float]) -> str:
    """The perspective that contributed most to the chosen option's advantage over the reference.

    The reference is the status quo (options[0]) when something else was chosen, otherwise the
    best alternative to the status quo.
    """
    if len(options) < 2:
        return "habit"
    if chosen != 0:
        reference = 0
    else:
        reference = max(range(1, len(options)), key=lambda k: combined(options[k].utilities, weights))
    gains = [w * (a - b) for w, a, b in zip(weights, options[chosen].utilities,
                                              options[reference].utilities, strict=True)]
    best = max(range(3), key=lambda k: gains[k])
    return PERSPECTIVES[best] if gains[best] > 0 else "chance"


def locked_in(options: list[Option], weights: tuple[float, float, float]) -> bool:
    """Would prefer to leave but for switching costs and habit: staying (options[0]) beats every
    exit or switch with them, and loses to one without them."""
    leaving = [o for o in options[1:] if o.kind in (EXIT, SWITCH)]
    if not leaving:
        return False
    stay = combined(options[0].utilities, weights)
    with_costs = [combined(o.utilities, weights) for o in leaving]
    without = [u - o.switching for u, o in zip(with_costs, leaving, strict=True)]
    return stay >= max(with_costs) and stay - options[0].switching < max(without)

