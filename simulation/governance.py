"""Governance models as data: named parameter sets that policy analysts compare (MODEL.md s5).

A governance model is not a subclass: the same Collaboration agent reads its decision rule, cost
key, exit terms and so on from one of these records. Scenario files may override any field, and
``--set governance.<name>.<field>=value`` does so from the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

DECISION_RULES = ("host", "majority", "weighted_majority", "unanimity", "consensus")
COST_KEYS = ("per_capita", "equal", "mixed", "usage")
CONSOLIDATION_MODES = ("voluntary", "mandatory")
ADMISSION_RULES = ("open", "vote", "screening")
ONBOARDING_PACES = ("batch", "staggered")
NO_SUCCESSOR = "none"  # a form that falls out of fashion without a successor keeps its collaborations in it


@dataclass(frozen=True)
class GovernanceModel:
    """The rules one collaboration lives by."""

    name: str
    label: str
    decision_rule: str
    cost_key: str
    mixed_equal_weight: float  # share of cost split equally under the 'mixed' key
    exit_notice: int  # ticks between notice and exit
    exit_cost: float  # exit settlement, in years of the member's pooled cost share
    transaction_coefficient: float  # multiplies the model's transaction cost
    pooled_share: float  # most of a member's portfolio that can be pooled
    consolidation_mode: str
    mandatory_floor: float  # least coordination a member may keep under mandatory consolidation
    admission_rule: str
    onboarding_pace: str
    legitimacy: float  # how formal/legitimate the form looks to the myth perspective (0-1)
    # its fashion cycle (read only when the parameter fashion_weight > 0; environment.fashion_standing):
    fashion_gain: float = 0.0  # legitimacy the form gains as it comes into fashion (0-1)
    fashion_rise: int = 2000  # year its rise is half way
    fashion_loss: float = 0.0  # legitimacy it loses as it falls out of fashion or is outlawed (0-1)
    fashion_fall: int = 2100  # year its fall is half way
    successor: str = "none"  # the form a collaboration converts to once this one has fallen (NO_SUCCESSOR: none)

    def validate(self) -> None:
        checks = {
            "decision_rule": (self.decision_rule, DECISION_RULES),
            "cost_key": (self.cost_key, COST_KEYS),
            "consolidation_mode": (self.consolidation_mode, CONSOLIDATION_MODES),
            "admission_rule": (self.admission_rule, ADMISSION_RULES),
            "onboarding_pace": (self.onboarding_pace, ONBOARDING_PACES),
        }
        for key, (value, allowed) in checks.items():
            if value not in allowed:
                raise ValueError(f"governance '{self.name}': {key} must be one of {', '.join(allowed)}, got {value!r}")
        for key in ("mixed_equal_weight", "pooled_share", "mandatory_floor", "legitimacy", "fashion_gain", "fashion_loss"):
            value = getattr(self, key)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"governance '{self.name}': {key} must be in [0, 1], got {value}")
        for key in ("exit_notice", "exit_cost", "transaction_coefficient"):
            if getattr(self, key) < 0:
                raise ValueError(f"governance '{self.name}': {key} must be >= 0, got {getattr(self, key)}")
        for key in ("fashion_rise", "fashion_fall"):
            if not 1900 <= getattr(self, key) <= 2200:
                raise ValueError(f"governance '{self.name}': {key} must be a year 1900-2200, got {getattr(self, key)}")


GOVERNANCE_MODELS: dict[str, GovernanceModel] = {
    # vertskommune (kommuneloven ch. 20); HIKT before 2023 was in practice host-responsible:
    # "Hamar kommune is legally responsible" (004 L822).
    "host": GovernanceModel(
        name="host", label="Host municipality (vertskommune)",
        decision_rule="host", cost_key="per_capita", mixed_equal_weight=0.0,
        exit_notice=1, exit_cost=0.25, transaction_coefficient=0.8, pooled_share=0.8,
        consolidation_mode="voluntary", mandatory_floor=0.0, admission_rule="vote",
        onboarding_pace="staggered", legitimacy=0.6,
    ),
    # interkommunalt selskap: council votes by ownership share; ownership proportional to
    # population (004 L303); owners liable for the company's obligations (004 L295).
    "iks": GovernanceModel(
        name="iks", label="Joint company (IKS)",
        decision_rule="weighted_majority", cost_key="per_capita", mixed_equal_weight=0.0,
        exit_notice=1, exit_cost=1.0, transaction_coefficient=1.0, pooled_share=0.85,
        consolidation_mode="voluntary", mandatory_floor=0.0, admission_rule="vote",
        onboarding_pace="staggered", legitimacy=0.8,
        # the move to the IKS form: HIKT decides to become an IKS as the 2018 Act comes into force
        # in 2020 (004 L285, L785); IKS "as common a form as section 27" (004 L295)
        fashion_gain=0.2, fashion_rise=2020,
    ),
    # aksjeselskap, e.g. IKT Agder (002): board votes by shares, everyone on the same systems
    # (002 L1977-1981), fast batch growth (002 L2597), exit means selling shares.
    "as": GovernanceModel(
        name="as", label="Limited company (AS)",
        decision_rule="weighted_majority", cost_key="usage", mixed_equal_weight=0.0,
        exit_notice=2, exit_cost=2.0, transaction_coefficient=0.9, pooled_share=0.95,
        consolidation_mode="mandatory", mandatory_floor=0.6, admission_rule="open",
        onboarding_pace="batch", legitimacy=0.9,
        # the "IKT Agder model" lifted up as the successful recipe of consolidation (004 L1046-1060)
        fashion_gain=0.2, fashion_rise=2018,
    ),
    # kommunalt oppgavefellesskap (kommuneloven ch. 19): council, one vote each, mixed key.
    "task_community": GovernanceModel(
        name="task_community", label="Task community (oppgavefellesskap)",
        decision_rule="majority", cost_key="mixed", mixed_equal_weight=0.3,
        exit_notice=1, exit_cost=0.5, transaction_coefficient=1.1, pooled_share=0.7,
        consolidation_mode="voluntary", mandatory_floor=0.0, admission_rule="vote",
        onboarding_pace="staggered", legitimacy=0.6,
    ),
    # regional digitalisation network (DigiInnlandet, Det Digitale Trondelag): consensus,
    # project opt-in, spleiselag; no pooled operations (004 L914 gains little traction).
    "loose_network": GovernanceModel(
        name="loose_network", label="Loose network (digitalisation network)",
        decision_rule="consensus", cost_key="mixed", mixed_equal_weight=0.5,
        exit_notice=0, exit_cost=0.0, transaction_coefficient=0.5, pooled_share=0.25,
        consolidation_mode="voluntary", mandatory_floor=0.0, admission_rule="open",
        onboarding_pace="staggered", legitimacy=0.4,
        # regional digitalisation networks in fashion from the late 2010s: DigiRogaland from a 2018
        # pre-project (003 L181, L1603), Digi Viken (000-001 L2459-2467), DigiInnlandet
        fashion_gain=0.4, fashion_rise=2017,
    ),
}

GOVERNANCE_FIELDS = {f.name: f.type for f in fields(GovernanceModel)}

# Which fields of the built-in models a source gives (the comments above, as data), so that a
# comparison can say of each attribute whether it is sourced or assumed. A field not listed here is
# the model builder's assumption; a source that gives only the direction says so.
SOURCES: dict[str, dict[str, str]] = {
    "host": {"decision_rule": "004 L822 (Hamar legally responsible: the host decides)"},
    "iks": {"decision_rule": "004 L303 (ownership proportional to population: votes by ownership share)",
            "exit_cost": "004 L295 (owners liable for the company's obligations; the size is assumed)"},
    "as": {"decision_rule": "002 (board votes by shares)",
           "consolidation_mode": "002 L1977-1981 (everyone on the same systems)",
           "pooled_share": "002 L1977-1981 (everyone on the same systems; the share is assumed)",
           "onboarding_pace": "002 L2597, L37-47 (fast batch growth)"},
    "task_community": {"decision_rule": "Local Government Act ch. 19 (council, one vote each)"},
    "loose_network": {"decision_rule": "004 L252 (voluntarism and cost-sharing, spleiselag)",
                      "pooled_share": "004 L914 (no pooled operations; the share is assumed)"},
}


def governance_table(overrides: dict[str, dict[str, Any]] | None = None) -> dict[str, GovernanceModel]:
    """The governance models with per-field overrides applied and validated."""
    table = dict(GOVERNANCE_MODELS)
    for name, changes in (overrides or {}).items():
        base = table.get(name)
        if base is None:
            raise ValueError(f"unknown governance model {name!r}; known: {', '.join(sorted(table))}")
        unknown = set(changes) - set(GOVERNANCE_FIELDS) - {"name"}
        if unknown:
            raise ValueError(f"governance '{name}': unknown field(s) {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(sorted(GOVERNANCE_FIELDS))}")
        table[name] = replace(base, **changes)
    for model in table.values():
        model.validate()
        if model.successor != NO_SUCCESSOR and model.successor not in table:
            raise ValueError(f"governance '{model.name}': successor must be one of {', '.join(sorted(table))}, "
                             f"got {model.successor!r}")
    return table


class Ballots(Sequence[bool]):
    """Members' yes/no votes, each cast only when the count asks for it: a vote costs the member
    a utility calculation, and :func:`collective_decision` stops counting once the outcome is
    settled. Each vote is cast at most once."""

    def __init__(self, members: Sequence[Any], yes: Callable[[Any], bool]) -> None:
        self._members, self._yes, self._cast = members, yes, {}

    def __len__(self) -> int:
        return len(self._members)

    def __getitem__(self, k):  # an index; raises IndexError past the end, which ends iteration
        if k not in self._cast:
            self._cast[k] = self._yes(self._members[k])
        return self._cast[k]


# A weighted count stops early only when the yes-weight is above half, or the yes-weight still
# possible below half, by this relative margin: far above the rounding of the running sums, so the
# outcome is always the one counting every vote in member order gives.
_SETTLED_MARGIN = 1e-9


def collective_decision(rule: str, votes: Sequence[bool], weights: Sequence[float], chair: int) -> bool:
    """Aggregate members' yes/no votes by the decision rule, asking for a vote (``votes[k]``)
    only while the outcome is open; the outcome is that of counting every vote.

    ``chair`` is the index of the host or chair: it decides alone under 'host' and breaks ties
    under simple majority ("simple majority, and in case of a tie the chair has a double vote",
    004 L796). 'consensus' and 'unanimity' need every vote: the first "no" settles them. A weighted
    majority counts the largest owners first, since they settle it soonest.
    """
    n = len(votes)
    if n == 0:
        return False
    if rule == "host":
        return votes[chair]
    if rule == "majority":
        yes = no = 0
        for k in range(n):
            yes, no = (yes + 1, no) if votes[k] else (yes, no + 1)
            if yes > n / 2 or no > n / 2:
                break
        return yes > n / 2 or (yes == n / 2 and votes[chair])
    if rule == "weighted_majority":
        total = sum(weights)
        half = total / 2
        yes, open_weight = 0.0, total
        for k in sorted(range(n), key=lambda k: -weights[k]):
            open_weight -= weights[k]
            yes += weights[k] if votes[k] else 0.0
            if yes > half * (1 + _SETTLED_MARGIN):
                return True
            if yes + open_weight < half * (1 - _SETTLED_MARGIN):
                return False
        return sum(w for k, w in enumerate(weights) if votes[k]) > half  # too close to call early
    return all(votes[k] for k in range(n))  # unanimity, consensus


def collective_level(rule: str, values: list[float], weights: list[float], chair: int) -> float:
    """The common ambition level a decision rule produces from members' ambitions: the host's,
    the median, the ownership-weighted median, or under consensus the 'good enough' minimum that
    all can live with (004 L750)."""
    if rule == "host":
        return values[chair]
    if rule in ("unanimity", "consensus"):
        return min(values)
    order = sorted(range(len(values)), key=lambda k: values[k])
    w = [1.0] * len(values) if rule == "majority" else weights
    half, acc = sum(w) / 2, 0.0
    for k in order:
        acc += w[k]
        if acc >= half:
            return values[k]
    return values[order[-1]]
