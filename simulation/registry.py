"""Every key a researcher may set, declared once, with bounds, unit, meaning and source.

One language drives ``--set key=value``, scenario-file tables, experiment factors, calibration
priors and the app's sliders. Keys are dotted names; upper-case parts are placeholders for names
the scenario supplies (``municipalities.NAME.population``, ``governance.MODEL.exit_notice``).

- model parameters (``fixed_cost``): the fields of :class:`~simulation.parameters.Parameters`,
  whose metadata stays their source of truth;
- run keys: ``ticks``, ``start_year``, ``perspectives``, ``governance`` (every collaboration under
  one model), ``default_governance``;
- ``governance.MODEL.FIELD``: a field of a governance model;
- ``municipalities.NAME.FIELD``: a field of one municipality;
- ``trust.within_region``, ``trust.between_regions``, ``trust.regions.REGION``,
  ``trust.pairs.NAME.OTHER``: the baseline trust;
- ``generator.FIELD``: the synthetic-region generator (:class:`~simulation.synthetic.RegionGenerator`);
  changing one regenerates the region;
- scheduled events: ``legitimacy.YEAR`` (a step of L(t)), ``junctures.INDEX.start``/``end``,
  ``shocks.INDEX.year``/``size`` (INDEX counts from 0 in file order).

This module declares and checks keys and values; :mod:`simulation.overrides` applies them to a
scenario.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from .governance import (
    ADMISSION_RULES,
    CONSOLIDATION_MODES,
    COST_KEYS,
    DECISION_RULES,
    GOVERNANCE_MODELS,
    NO_SUCCESSOR,
    ONBOARDING_PACES,
)
from .parameters import Parameters
from .suggest import did_you_mean
from .synthetic import GENERATOR_FIELDS

PERSPECTIVES = ("instrumental", "cultural", "myth")
# Accepted calendar years and horizon: generous, but they catch typos such as 20005.
YEAR_RANGE = (1800, 2300)
MAX_TICKS = 500
# The most inhabitants a municipality may have: Norway's largest, Oslo, has 717,710 (2025,
# simulation/data/norway_municipalities_2025.csv) and the whole country about 5.6 million; ten
# million leaves room for other countries' municipalities and catches typos such as 1e15.
MAX_POPULATION = 10_000_000


class ScenarioError(ValueError):
    """A scenario file or override that cannot be used; the message names file and key."""


@dataclass(frozen=True)
class Key:
    """One settable key. ``kind``: number, integer, choice, text, flag, traits or perspectives."""

    name: str
    group: str  # parameter, run, governance, municipality, trust, generator, event
    kind: str
    default: Any
    low: float | None
    high: float | None
    unit: str
    meaning: str
    source: str = ""
    choices: tuple[str, ...] = ()  # for kind 'choice' (empty: the scenario's governance models)
    whole: bool = False  # a number that counts (inhabitants): no fraction, though stored as a float

    @property
    def field(self) -> str:
        """The last part of the name: the dataclass field the key sets."""
        return self.name.rsplit(".", 1)[-1]

    @property
    def bounds(self) -> str:
        if self.kind == "choice":
            return " | ".join(self.choices) or "a governance model"
        if self.kind in ("number", "integer"):
            return f"[{_fmt(self.low)}, {_fmt(self.high)}]"
        return {"perspectives": "subset of " + ",".join(PERSPECTIVES), "flag": "true | false",
                "traits": "1-50 integers in [0, 1000]", "text": "a name"}[self.kind]


def _fmt(x: float | None) -> str:
    if x is None:
        return "–"
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e12 else f"{x:g}"


def _number_kind(default: Any) -> str:
    return "integer" if isinstance(default, int) and not isinstance(default, bool) else "number"


def _parameter_keys() -> list[Key]:
    return [Key(f.name, "parameter", _number_kind(f.default), f.default, f.metadata["low"], f.metadata["high"],
                f.metadata["unit"], f.metadata["doc"], f.metadata["source"]) for f in fields(Parameters)]


def _run_keys() -> list[Key]:
    return [
        Key("ticks", "run", "integer", 40, 1, MAX_TICKS, "years", "Years (ticks) to simulate."),
        Key("start_year", "run", "integer", 2000, *YEAR_RANGE, "year", "Calendar year of the first tick."),
        Key("perspectives", "run", "perspectives", ",".join(PERSPECTIVES), None, None, "perspectives",
            "Perspectives municipalities use (a comma-separated list); the others are switched off.", "MODEL.md s4"),
        Key("governance", "run", "choice", "as in scenario", None, None, "governance model",
            "Every collaboration, initial and new, under this governance model."),
        Key("default_governance", "run", "choice", "iks", None, None, "governance model",
            "Governance model of collaborations founded during the run."),
    ]


# governance fields: (kind, low, high, unit, meaning); ranges as GovernanceModel.validate
_GOVERNANCE = {
    "label": ("text", None, None, "text", "Name shown in tables and plots."),
    "decision_rule": ("choice", DECISION_RULES, None, "rule", "How the collaboration decides (admission, standard, merger)."),
    "cost_key": ("choice", COST_KEYS, None, "rule", "How joint costs are shared among members."),
    "mixed_equal_weight": ("number", 0.0, 1.0, "share", "Share of cost split equally under the 'mixed' cost key."),
    "exit_notice": ("integer", 0, 50, "ticks", "Ticks between notice and exit."),
    "exit_cost": ("number", 0.0, 50.0, "years of cost share", "Exit settlement, in years of the member's pooled cost share."),
    "transaction_coefficient": ("number", 0.0, 10.0, "factor", "Multiplies the model's transaction cost."),
    "pooled_share": ("number", 0.0, 1.0, "share of portfolio", "Most of a member's portfolio that can be pooled."),
    "consolidation_mode": ("choice", CONSOLIDATION_MODES, None, "rule", "Whether members may keep their own coordination level."),
    "mandatory_floor": ("number", 0.0, 1.0, "coordination level", "Least coordination a member may keep under mandatory consolidation."),
    "admission_rule": ("choice", ADMISSION_RULES, None, "rule", "How applicants are admitted."),
    "onboarding_pace": ("choice", ONBOARDING_PACES, None, "rule", "Whether new members are onboarded in one batch or one by one."),
    "legitimacy": ("number", 0.0, 1.0, "legitimacy (0-1)", "How formal and legitimate the form looks to the myth perspective."),
    "fashion_gain": ("number", 0.0, 1.0, "legitimacy (0-1)", "Legitimacy the form gains as it comes into fashion (fashion_weight > 0)."),
    "fashion_rise": ("integer", 1900, 2200, "year", "Year the form's rise into fashion is half way."),
    "fashion_loss": ("number", 0.0, 1.0, "legitimacy (0-1)", "Legitimacy the form loses as it falls out of fashion or is outlawed."),
    "fashion_fall": ("integer", 1900, 2200, "year", "Year the form's fall is half way; a collaboration converts to its successor then."),
    "successor": ("choice", (NO_SUCCESSOR, *GOVERNANCE_MODELS), None, "governance model",
                  "Form a collaboration converts to once this one has fallen (none: it keeps its form)."),
}


def _governance_keys() -> list[Key]:
    out = []
    for name, (kind, low, high, unit, meaning) in _GOVERNANCE.items():
        choices = low if kind == "choice" else ()
        low = None if kind == "choice" else low
        out.append(Key(f"governance.MODEL.{name}", "governance", kind, None, low, high, unit, meaning, "governance.py",
                       choices=choices))
    return out


def _municipality_keys() -> list[Key]:
    p = {f.name: f.metadata for f in fields(Parameters)}
    rows = [
        ("population", "number", 1, MAX_POPULATION, "inhabitants", "Inhabitants (a whole number).",
         "the scenario file's source; bound: see MAX_POPULATION"),
        ("growth", "number", -0.5, 0.5, "share/year", "Yearly population growth.", ""),
        ("net_result", "number", -100.0, 100.0, "% of revenue", "Net operating result (national mean 4.3 %).", "004 L719"),
        ("competence", "number", 0.0, 1.0, "competence (0-1)", "ICT (ordering) competence; none given: derived from size "
         "(competence_* parameters).", "002 SF19"),
        ("ambition", "number", 0.0, 1.0, "ambition (0-1)", "Digital ambition; none given: derived from size and economy "
         "(ambition_* parameters).", "004 L721, L750"),
        ("region", "text", None, None, "name", "Region (county or regional council) the municipality belongs to.", ""),
        ("county", "text", None, None, "name", "County (fylke): the merger myth gathers a county's municipalities "
         "(merger_myth_across_counties). None given: the scenario is one county.", "004 L880; 002 L127-129"),
        ("family", "text", None, None, "name", "Legacy system family (ERP vendor).", "004 L860, L870"),
        ("autonomy", "number", 0.0, 1.0, "norm (0-1)", "Strength of the autonomy norm.", "004 (culture of autonomy)"),
        ("receptivity", "number", 0.0, 1.0, "receptivity (0-1)", "Receptivity to national legitimacy pressure.", ""),
        ("culture", "traits", None, None, "traits", "Cultural traits (Axelrod features); none given: drawn from the model seed.", ""),
        *[(w, "number", p[w]["low"], p[w]["high"], "weight", f"This municipality's own {w}; none given: the scenario's.",
           "MODEL.md s4") for w in ("w_instrumental", "w_cultural", "w_myth")],
        ("x", "number", -1.0e7, 1.0e7, "map units", "Position on the map (east; degrees or metres, any planar coordinates).", ""),
        ("y", "number", -1.0e7, 1.0e7, "map units", "Position on the map (north).", ""),
        ("approximate", "flag", None, None, "flag", "True if the figures are not from the sources.", ""),
    ]
    return [Key(f"municipalities.NAME.{name}", "municipality", kind, None, low, high, unit, meaning, source,
                whole=name == "population") for name, kind, low, high, unit, meaning, source in rows]


def _trust_keys() -> list[Key]:
    return [
        Key("trust.within_region", "trust", "number", 0.5, 0.0, 1.0, "trust (0-1)", "Baseline trust between municipalities of one region.",
            "004 L862"),
        Key("trust.between_regions", "trust", "number", 0.1, 0.0, 1.0, "trust (0-1)", "Baseline trust between municipalities of different regions."),
        Key("trust.regions.REGION", "trust", "number", None, 0.0, 1.0, "trust (0-1)",
            "Baseline trust within one named region (instead of trust.within_region).", "004 L862"),
        Key("trust.pairs.NAME.OTHER", "trust", "number", None, 0.0, 1.0, "trust (0-1)",
            "Baseline trust between two named municipalities, overriding the rest."),
    ]


def _generator_keys() -> list[Key]:
    return [Key(f"generator.{f.name}", "generator", "integer" if f.type in ("int", "int | None") else "number", f.default,
                f.metadata["low"], f.metadata["high"], f.metadata["unit"], f.metadata["doc"], f.metadata["source"])
            for f in GENERATOR_FIELDS.values()]


def _event_keys() -> list[Key]:
    return [
        Key("legitimacy.YEAR", "event", "number", None, 0.0, 1.0, "pressure (0-1)",
            "National legitimacy pressure L(t) from YEAR on (a strategy step; a new YEAR adds a step).", "000, 001, 003, 004"),
        Key("junctures.INDEX.start", "event", "integer", None, *YEAR_RANGE, "year", "First year of a critical juncture.", "004 L1032"),
        Key("junctures.INDEX.end", "event", "integer", None, *YEAR_RANGE, "year", "Last year of a critical juncture.", "004 L1032"),
        Key("shocks.INDEX.year", "event", "integer", None, *YEAR_RANGE, "year", "Year of a scheduled shock.", "004 L908-928"),
        Key("shocks.INDEX.size", "event", "number", None, 0.0, 1.0, "risk (0-1)",
            "Rise in perceived risk from a scheduled shock (none given: shock_size).", "004 L908-928"),
        Key("county_reforms.INDEX.year", "event", "integer", None, *YEAR_RANGE, "year",
            "Year from which the reform's counties (county_reforms.INDEX.counties, municipalities' county) are one, "
            "county_reforms.INDEX.into (a name): the merger myth then gathers them as one county.", "004 L880; 002 L127-129"),
    ]


KEYS: tuple[Key, ...] = (*_parameter_keys(), *_run_keys(), *_governance_keys(), *_municipality_keys(),
                         *_trust_keys(), *_generator_keys(), *_event_keys())
BY_NAME = {k.name: k for k in KEYS}
ALIASES = {"years": "ticks"}
PLACEHOLDERS = ("NAME", "OTHER", "MODEL", "REGION", "YEAR", "INDEX")
# the prefix of a family of keys and the placeholders it needs, for errors about its shape
_FAMILIES = {"governance": "governance.MODEL.FIELD", "municipalities": "municipalities.NAME.FIELD",
             "generator": "generator.FIELD", "legitimacy": "legitimacy.YEAR", "junctures": "junctures.INDEX.start|end",
             "shocks": "shocks.INDEX.year|size"}


def _matches(pattern: tuple[str, ...], parts: list[str]) -> dict[str, str] | None:
    if len(pattern) != len(parts):
        return None
    bindings = {}
    for p, x in zip(pattern, parts, strict=True):
        if p in PLACEHOLDERS and x:
            bindings[p] = x
        elif p != x:
            return None
    return bindings


def lookup(name: str, where: str) -> tuple[Key, dict[str, str]]:
    """The key ``name`` stands for and its placeholder values; a one-line ScenarioError with
    'did you mean' if there is none."""
    name = ALIASES.get(name, name)
    if name in BY_NAME:
        return BY_NAME[name], {}
    parts = name.split(".")
    for key in KEYS:
        bindings = _matches(tuple(key.name.split(".")), parts)
        if bindings is not None:
            return key, bindings
    raise ScenarioError(f"{where}: {_unknown(parts)}")


def _unknown(parts: list[str]) -> str:
    """Why ``parts`` names no key, naming the closest ones."""
    head, last = parts[0], parts[-1]
    family = [k for k in KEYS if len(parts) > 1 and k.name.split(".")[0] == head]
    if head == "governance" and len(parts) == 3:
        if last == "name":
            return "unknown governance field 'name' (a model's name is its key)"
        return f"unknown governance field {last!r}{did_you_mean(last, _GOVERNANCE)}; known: {', '.join(_GOVERNANCE)}"
    if head == "municipalities" and len(parts) == 3:
        if last == "name":
            return "a municipality cannot be renamed (trust pairs and edges name it)"
        known = [k.field for k in family]
        return f"unknown municipality field {last!r}{did_you_mean(last, known)}; known: {', '.join(known)}"
    if head in _FAMILIES and len(parts) > 1:
        known = [k.name for k in family]
        return f"unknown key{did_you_mean('.'.join(parts), known)}; expected {_FAMILIES[head]}"
    if head in _FAMILIES:
        return f"expected {_FAMILIES[head]}"
    concrete = [k.name for k in KEYS if not set(k.name.split(".")) & set(PLACEHOLDERS)]
    return (f"unknown key{did_you_mean('.'.join(parts), concrete)}; expected a parameter or a key listed by "
            "imcsim params")


def check(key: Key, value: Any, where: str, choices: Iterable[str] = ()) -> Any:
    """``value`` checked against the key's kind and bounds, in the key's type (integer: int,
    number: float); ``choices`` are the scenario's governance models for a choice key without
    its own."""
    kind = key.kind
    if kind in ("number", "integer"):
        checked = number(value, where, key.low, key.high, integer=kind == "integer")
        if key.whole and not float(checked).is_integer():
            _refuse(where, f"expected a whole number of {key.unit}, got {show(value)}")
        return checked
    if kind == "choice":
        allowed = key.choices or tuple(choices)
        if not isinstance(value, str) or value not in allowed:
            if not key.choices:
                return _refuse(where, f"unknown governance model {value!r}; known: {', '.join(allowed)}")
            return _refuse(where, f"expected one of {', '.join(allowed)}, got {show(value)}")
        return value
    if kind == "text":
        if not isinstance(value, str) or not value.strip():
            _refuse(where, f"expected a non-empty string, got {show(value)}")
        return value
    if kind == "flag":
        if not isinstance(value, bool):
            _refuse(where, f"expected true or false, got {show(value)}")
        return value
    if kind == "traits":
        if not isinstance(value, list | tuple) or not 1 <= len(value) <= 50:
            _refuse(where, f"expected a list of 1 to 50 integer traits, got {show(value)}")
        return tuple(number(t, where, 0, 1000, integer=True) for t in value)
    if kind == "perspectives":
        if not isinstance(value, str | list | tuple):
            _refuse(where, f"expected a comma-separated list such as instrumental,myth, got {show(value)}")
        chosen = tuple(v.strip() for v in value.split(",")) if isinstance(value, str) else tuple(value)
        check_perspectives(chosen, where)
        return chosen
    raise AssertionError(kind)


def check_perspectives(perspectives: tuple[Any, ...], where: str) -> None:
    bad = [p for p in perspectives if not isinstance(p, str) or p not in PERSPECTIVES]
    if bad or not perspectives or len(set(perspectives)) < len(perspectives):
        _refuse(where, f"expected a non-empty subset of {', '.join(PERSPECTIVES)}, got {list(perspectives)}")


# pairs of parameters that must stay in order: (lower, upper, strictly)
_ORDERED = (("small_max", "medium_max", True), ("competence_min", "competence_max", False))


def check_parameters(params: Parameters, where: str, changed: Iterable[str] = ()) -> None:
    """Constraints between parameters that single bounds cannot express; ``where`` names the key
    prefix, e.g. "file.toml: parameters." or "--set ". The error names the lower key of a pair, or
    the upper one when only that one is among the ``changed`` keys (what the user just set)."""
    changed = set(changed)
    for low, high, strict in _ORDERED:
        a, b = getattr(params, low), getattr(params, high)
        if a < b or (a == b and not strict):
            continue
        if high in changed and low not in changed:
            _refuse(f"{where}{high}", f"expected {'more than' if strict else 'at least'} {low} ({a:g}), got {b:g}")
        _refuse(f"{where}{low}", f"expected {'less than' if strict else 'at most'} {high} ({b:g}), got {a:g}")


def check_cultures(municipalities: Iterable[Any], where: str) -> None:
    """Every municipality that lists culture traits lists as many as the others (Axelrod features
    are compared position by position; a short list would be silently padded with zeros). The odd
    one out is named: the first whose length differs from the most common one."""
    listed = [m for m in municipalities if m.culture]
    if not listed:
        return
    lengths = [len(m.culture) for m in listed]
    usual = max(dict.fromkeys(lengths), key=lengths.count)
    model = next(m for m in listed if len(m.culture) == usual)
    for m in listed:
        if len(m.culture) != usual:
            _refuse(f"{where}[{m.name}].culture", f"expected {usual} traits, as {model.name} has, got {len(m.culture)}")


def check_generator(generator: Any, where: str) -> None:
    """Constraints between generator settings; ``where`` names the key prefix ("...: generator.")."""
    for fld, message in generator.problems():
        _refuse(f"{where}{fld}", message)


def number(value: Any, where: str, low: float | None = None, high: float | None = None, integer: bool = False) -> Any:
    """(For keys, and for the loader's structural numbers such as a collaboration's founding year.)
    ``value`` if it is a finite number (not a boolean) in [low, high]: an int for an integer
    (a float is refused there, even 3.0: a tick count or a seed is counted, not measured), else a float."""
    kind = "an integer" if integer else "a number"
    if low is not None and high is not None:
        expected = f"{kind} in [{low}, {high}]"
    elif low is not None or high is not None:
        expected = f"{kind} >= {low}" if low is not None else f"{kind} <= {high}"
    else:
        expected = kind
    ok = not isinstance(value, bool) and isinstance(value, int if integer else int | float) and math.isfinite(value)
    if not ok or (low is not None and value < low) or (high is not None and value > high):
        _refuse(where, f"expected {expected}, got {show(value)}")
    return int(value) if integer else float(value)


def _refuse(where: str, message: str) -> Any:
    raise ScenarioError(f"{where}: {message}")


def show(value: Any, width: int = 60) -> str:
    """A one-line, bounded repr for error messages."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def prior_ranges(narrower: dict[str, tuple[float, float] | None]) -> dict[str, tuple[float, float]]:
    """Uniform prior ranges for calibration: a key's registry bounds, or the narrower range given.
    Refuses unknown keys, keys without two bounds, and ranges outside the bounds."""
    out = {}
    for name, rng in narrower.items():
        key, _ = lookup(name, f"prior {name}")
        if key.kind not in ("number", "integer") or key.low is None or key.high is None:
            raise ScenarioError(f"prior {name}: expected a key with numeric bounds, got {key.name} ({key.kind})")
        low, high = rng if rng is not None else (key.low, key.high)
        if not key.low <= low < high <= key.high:
            raise ScenarioError(f"prior {name}: expected a range within {key.bounds}, got [{low}, {high}]")
        out[name] = (low, high)
    return out


def describe(text: str = "") -> list[Key]:
    """The keys whose name contains ``text`` (all keys for "")."""
    return [k for k in KEYS if text in k.name]
