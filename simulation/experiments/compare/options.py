"""What a comparison compares: the baseline, the options, the attribute swaps and robustness settings.

An option is a named set of registry overrides (``--set`` keys) applied to the region's scenario:
a governance model (``governance=as``), a policy lever (``governance.*.cost_key=equal`` for every
model, or any registry key through ``--vary``), or both. The baseline is the region as its
scenario file has it (the status quo) or one governance model (``--baseline``). Every option runs
with the same seeds as the baseline, so their difference is paired.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product
from typing import Any

from ...governance import GOVERNANCE_FIELDS, GOVERNANCE_MODELS, NO_SUCCESSOR, SOURCES
from ...overrides import parse_override_value, value_of
from ...registry import ScenarioError
from ...scenario import Scenario

STATUS_QUO = "status_quo"  # the baseline that changes nothing: the region as its scenario file has it


@dataclass(frozen=True)
class Option:
    """One arrangement to run: a label, its overrides and, for a governance model, its name."""

    label: str
    overrides: dict[str, Any] = field(default_factory=dict)
    governance: str | None = None  # the model every collaboration is under; None: as in the scenario

    @property
    def key(self) -> tuple:
        return overrides_key(self.overrides)


def overrides_key(overrides: dict[str, Any]) -> tuple:
    """A hashable identity of an override set: the same runs for the same key."""
    return tuple(sorted((k, repr(v)) for k, v in overrides.items()))


# The governance model's attributes a difference is attributed to, each one or more fields swapped
# together (MODEL.md s5). Fields left out (label, fashion cycle) fall to "interactions and the rest".
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "decision rule": ("decision_rule",),
    "cost key": ("cost_key", "mixed_equal_weight"),
    "pooled share": ("pooled_share",),
    "transaction coefficient": ("transaction_coefficient",),
    "exit terms": ("exit_notice", "exit_cost"),
    "admission rule": ("admission_rule",),
    "onboarding pace": ("onboarding_pace",),
    "consolidation": ("consolidation_mode", "mandatory_floor"),
    "legitimacy (myth)": ("legitimacy",),
}
REST = "interactions and the rest"


def lever_keys(name: str, scenario: Scenario) -> list[str]:
    """The registry keys a lever name sets: a governance field (``cost_key``) is set on every
    governance model of the scenario; any other name is a registry key as it stands."""
    if name in GOVERNANCE_FIELDS and name != "name":
        return [f"governance.{model}.{name}" for model in scenario.governance]
    return [name]


def parse_assignment(text: str, option: str) -> tuple[str, list[Any]]:
    """``KEY=a,b,c`` as the key and its parsed values (each as ``--set`` would read it)."""
    if "=" not in text:
        raise ScenarioError(f"{option} {text}: expected KEY=a,b,c")
    key, values = (s.strip() for s in text.split("=", 1))
    parts = [v.strip() for v in values.split(",") if v.strip()]
    if not key or not parts:
        raise ScenarioError(f"{option} {text}: expected KEY=a,b,c with a key and at least one value")
    return key, [parse_override_value(v) for v in parts]


def governance_label(scenario: Scenario, name: str) -> str:
    return scenario.governance[name].label if name in scenario.governance else name


def status_quo_text(scenario: Scenario) -> str:
    """The region's own arrangement in words: its collaborations' models and the model of new ones."""
    existing = "; ".join(f"{c.name} as {c.governance}" for c in scenario.collaborations)
    new = f"new collaborations as {scenario.default_governance}"
    return f"{existing}; {new}" if existing else new


def baseline_option(scenario: Scenario, baseline: str) -> Option:
    if baseline == STATUS_QUO:
        return Option("status quo", {}, None)
    if baseline not in scenario.governance:
        raise ScenarioError(f"--baseline {baseline}: unknown governance model; known: {STATUS_QUO}, "
                            f"{', '.join(scenario.governance)}")
    return Option(baseline, {"governance": baseline}, baseline)


def build_options(scenario: Scenario, baseline: str, governance: list[str], vary: list[str]) -> tuple[Option, list[Option]]:
    """The baseline and the options: each governance model (and the status quo if it is not the
    baseline), as it is and crossed with every combination of the ``--vary`` levers' values. Every option's
    overrides are applied once here, so a bad key or value is refused before any run."""
    base = baseline_option(scenario, baseline)
    if len(set(governance)) != len(governance):
        raise ScenarioError(f"--governance: repeated model in {','.join(governance)}")
    for g in governance:
        if g not in scenario.governance and g != STATUS_QUO:
            raise ScenarioError(f"--governance {g}: unknown governance model; known: {STATUS_QUO}, "
                                f"{', '.join(scenario.governance)}")
    arrangements = [baseline_option(scenario, g) for g in governance if g != baseline]
    if not governance and vary:
        arrangements = [base]
    elif baseline != STATUS_QUO and vary:
        arrangements = [base, *arrangements]
    levers = [parse_assignment(v, "--vary") for v in vary]
    names = [k for k, _ in levers]
    if len(set(names)) != len(names):
        raise ScenarioError(f"--vary: repeated key in {', '.join(names)}")
    base_scenario = scenario.with_overrides(base.overrides)
    combos = list(product(*[[(k, v) for v in values] for k, values in levers])) if levers else [()]
    options = []
    for arrangement in arrangements:
        # under a model, its own rules come first: the lever's effect within it is then visible
        own_rules = [()] if levers and arrangement is not base else []
        for combo in own_rules + combos:
            overrides = dict(arrangement.overrides)
            for key, value in combo:
                overrides.update({k: value for k in lever_keys(key, scenario)})
            settings = ", ".join(f"{k}={v}" for k, v in combo)
            own = arrangement is base and baseline == STATUS_QUO  # a lever on the status quo: its settings say it all
            label = arrangement.label if not combo else settings if own else f"{arrangement.label}, {settings}"
            applied = scenario.with_overrides(overrides, "--vary" if combo else "--governance")
            if applied == base_scenario:
                label += f" (= {base.label})"  # e.g. the model the region already uses: the same runs
            option = Option(label, overrides, arrangement.governance)
            if option.key != base.key:
                options.append(option)
    if not options:
        raise ScenarioError("--governance/--vary: nothing to compare with the baseline; name other models or values")
    return base, options


def models_in_use(scenario: Scenario) -> list[str]:
    """The governance models a run of ``scenario`` may put a collaboration under: its collaborations',
    the one new collaborations take and, with fashions on, the successors they convert to."""
    used = list(dict.fromkeys([*(c.governance for c in scenario.collaborations), scenario.default_governance]))
    if scenario.parameters.fashion_weight > 0:
        for name in list(used):
            successor = scenario.governance[name].successor
            while successor != NO_SUCCESSOR and successor not in used:
                used.append(successor)
                successor = scenario.governance[successor].successor
    return used


def swap(scenario: Scenario, base: Option, option: Option, attribute: str) -> dict[str, Any] | None:
    """The baseline's overrides with one attribute taken from the option's governance model (on
    every model the baseline's collaborations may be under); None when the two already agree."""
    if option.governance is None:
        return None
    base_sc = scenario.with_overrides(base.overrides)
    target = scenario.governance[option.governance]
    changes: dict[str, Any] = {}
    for fld in ATTRIBUTES[attribute]:
        value = getattr(target, fld)
        for model in (base_sc.governance[m] for m in models_in_use(base_sc)):
            if getattr(model, fld) != value:
                changes[f"governance.{model.name}.{fld}"] = value
    return {**base.overrides, **changes} if changes else None


def attribute_source(scenario: Scenario, model: str | None, attribute: str) -> str:
    """Where an attribute's value in ``model`` comes from: a source line, the scenario file (a value
    it sets), or '' (assumed: the builder's choice)."""
    if model is None:
        return "as in the scenario file"
    found = []
    for fld in ATTRIBUTES[attribute]:
        built_in = GOVERNANCE_MODELS.get(model)
        if built_in is not None and getattr(built_in, fld) != getattr(scenario.governance[model], fld):
            found.append(f"{fld}: set by the scenario file")
        elif fld in SOURCES.get(model, {}):
            found.append(SOURCES[model][fld])
    return "; ".join(found)


def attribute_value(scenario: Scenario, model: str | None, attribute: str) -> str:
    if model is None:
        models = models_in_use(scenario)
        return " / ".join(attribute_value(scenario, m, attribute) for m in models)
    g = scenario.governance[model]
    return ", ".join(str(getattr(g, f)) for f in ATTRIBUTES[attribute]
                     if not (f == "mixed_equal_weight" and g.cost_key != "mixed")
                     and not (f == "mandatory_floor" and g.consolidation_mode != "mandatory"))


# ---------------------------------------------------------------------------------------------
# robustness settings


@dataclass(frozen=True)
class Setting:
    """One setting of the world the ranking is checked under: a label and its overrides."""

    label: str
    overrides: dict[str, Any]


def robust_settings(scenario: Scenario, spec: str | None) -> list[Setting]:
    """The settings of ``--robust KEY=v1,v2``: ``Nx`` multiplies the scenario's own value, a plain
    value replaces it. Extension point: calibration posteriors (issue 12, ``--posterior FILE``)
    will add one Setting per posterior draw here (its overrides: the draw's parameter values)."""
    if not spec:
        return []
    key, values = parse_assignment(spec, "--robust")
    try:
        current = value_of(scenario, key)
    except ScenarioError as exc:
        raise ScenarioError(f"--robust {key}: {exc}") from None
    out = []
    for v in values:
        if isinstance(v, str) and v.endswith("x"):
            try:
                factor = float(v[:-1])
            except ValueError:
                raise ScenarioError(f"--robust {key}: expected a number or a multiple such as 0.5x, got {v!r}") from None
            if not isinstance(current, int | float) or isinstance(current, bool):
                raise ScenarioError(f"--robust {key}: {v} multiplies a number, but {key} is {current!r}")
            value: Any = type(current)(current * factor) if isinstance(current, int) else current * factor
            label = f"{key} × {factor:g} ({value:,.0f})" if abs(value) >= 100 else f"{key} × {factor:g} ({value:.3g})"
        else:
            value, label = v, f"{key} = {v}"
        setting = Setting(label, {key: value})
        scenario.with_overrides(setting.overrides, "--robust")
        out.append(setting)
    return out
