"""Apply registry keys to a scenario: the one function behind ``--set``, experiment factors,
calibration draws and the app's sliders.

``apply_overrides(scenario, {"trust.within_region": 0.6, "fixed_cost": 9e6})`` checks every key
against :mod:`simulation.registry` (name, kind, bounds; placeholders against the scenario's
municipalities, regions, governance models and events) and returns a new scenario; the first
bad key raises a one-line :class:`~simulation.registry.ScenarioError`. ``value_of`` reads a key's
current value, so a calibrated value can be read back and fed to ``--set``.
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from typing import Any

from . import registry
from .registry import Key, ScenarioError, show
from .suggest import did_you_mean


def parse_override_value(text: str) -> Any:
    """Parse the value of ``--set key=value`` as TOML (numbers, booleans, strings, lists)."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def parse_overrides(items: list[str] | None) -> dict[str, Any]:
    """``["key=value", ...]`` as a dict (values parsed as TOML; names are checked on applying)."""
    out: dict[str, Any] = {}
    for item in items or []:
        if "=" not in item:
            raise ScenarioError(f"--set {item}: expected key=value")
        key, text = item.split("=", 1)
        if not key.strip() or not text.strip():
            raise ScenarioError(f"--set {item}: expected key=value with a non-empty key and value")
        out[key.strip()] = parse_override_value(text.strip())
    return out


def apply_overrides(scenario: Any, overrides: dict[str, Any], origin: str = "--set") -> Any:
    """``scenario`` with every key of ``overrides`` set; errors name ``f"{origin} {key}"``.

    The generator is applied first (it redraws the municipalities), then municipality fields,
    trust, events, governance models, run keys and parameters."""
    if not isinstance(overrides, dict):
        raise ScenarioError(f"overrides: expected a dict of key: value, got {show(overrides)}")
    groups: dict[str, list[tuple[Key, dict[str, str], Any, str]]] = {}
    for name, value in overrides.items():
        if not isinstance(name, str):
            raise ScenarioError(f"{origin} {name!r}: expected a string key")
        where = f"{origin} {name}"
        key, bindings = registry.lookup(name, where)
        groups.setdefault(key.group, []).append((key, bindings, value, where))
    sc = scenario
    for group, apply in _APPLY.items():
        if group in groups:
            sc = apply(sc, groups[group], origin)
    return sc


def _generator(sc: Any, items: list, origin: str) -> Any:
    if sc.generator is None:
        raise ScenarioError(f"{items[0][3]}: scenario {sc.name!r} lists its municipalities; generator keys need a [generator] table")
    changes = {key.field: registry.check(key, value, where) for key, _, value, where in items}
    generator = replace(sc.generator, **changes)
    registry.check_generator(generator, f"{origin} generator.")
    return sc.with_region(generator, f"{origin} generator")


def _municipalities(sc: Any, items: list, origin: str) -> Any:
    by_name = {m.name: m for m in sc.municipalities}
    changes: dict[str, dict[str, Any]] = {}
    for key, bindings, value, where in items:
        name = bindings["NAME"]
        if name not in by_name:
            known = ", ".join(list(by_name)[:12]) + (", ..." if len(by_name) > 12 else "")
            raise ScenarioError(f"{origin} municipalities.{name}: unknown municipality {name!r}"
                                f"{did_you_mean(name, by_name)}; known: {known}")
        changes.setdefault(name, {})[key.field] = registry.check(key, value, where)
    for name, fields_ in changes.items():
        by_name[name] = replace(by_name[name], **fields_)
    municipalities = tuple(by_name[m.name] for m in sc.municipalities)
    registry.check_cultures(municipalities, f"{origin} municipalities")
    # neighbours stay as loaded: new x/y do not redraw a region's edges
    return replace(sc, municipalities=municipalities)


def _trust(sc: Any, items: list, origin: str) -> Any:
    changes: dict[str, Any] = {}
    by_region = dict(sc.trust_by_region)
    pairs = list(sc.trust_pairs)
    regions = sorted({m.region for m in sc.municipalities})
    names = {m.name for m in sc.municipalities}
    for key, bindings, value, where in items:
        value = registry.check(key, value, where)
        if key.name == "trust.within_region":
            changes["trust_within_region"] = value
        elif key.name == "trust.between_regions":
            changes["trust_between_regions"] = value
        elif key.name == "trust.regions.REGION":
            region = bindings["REGION"]
            if region not in regions:
                raise ScenarioError(f"{where}: expected one of the regions ({', '.join(regions)}), got {region!r}"
                                    f"{did_you_mean(region, regions)}")
            by_region[region] = value
        else:
            a, b = bindings["NAME"], bindings["OTHER"]
            for n in (a, b):
                if n not in names:
                    raise ScenarioError(f"{where}: unknown municipality {n!r}{did_you_mean(n, names)}")
            if a == b:
                raise ScenarioError(f"{where}: expected two different municipalities, got {a!r} twice")
            pairs = [p for p in pairs if {p[0], p[1]} != {a, b}] + [(a, b, value)]
    return replace(sc, trust_by_region=by_region, trust_pairs=tuple(pairs), **changes)


def _events(sc: Any, items: list, origin: str) -> Any:
    legitimacy = dict(sc.legitimacy)
    events = {"junctures": list(sc.junctures), "shocks": list(sc.shocks)}
    for key, bindings, value, where in items:
        value = registry.check(key, value, where)
        if "YEAR" in bindings:
            legitimacy[_year(bindings["YEAR"], where)] = value
            continue
        kind = key.name.split(".")[0]
        index = bindings["INDEX"]
        if not index.isdigit() or int(index) >= len(events[kind]):
            raise ScenarioError(f"{where}: expected an index 0-{len(events[kind]) - 1} of the scenario's {kind}, got {index!r}"
                                if events[kind] else f"{where}: the scenario has no {kind}")
        events[kind][int(index)] = replace(events[kind][int(index)], **{key.field: value})
    for i, j in enumerate(events["junctures"]):
        if j.end < j.start:
            raise ScenarioError(f"{origin} junctures.{i}.end: expected a year >= start ({j.start}), got {j.end}")
    return replace(sc, legitimacy=dict(sorted(legitimacy.items())), junctures=tuple(events["junctures"]),
                   shocks=tuple(events["shocks"]))


def _year(text: str, where: str) -> int:
    low, high = registry.YEAR_RANGE
    if not text.isdigit() or not low <= int(text) <= high:
        raise ScenarioError(f"{where}: expected a year {low}-{high} after 'legitimacy.', got {text!r}")
    return int(text)


def _governance(sc: Any, items: list, origin: str) -> Any:
    table = dict(sc.governance)
    for key, bindings, value, where in items:
        model = bindings["MODEL"]
        if model not in table:
            raise ScenarioError(f"{where}: unknown governance model {model!r}{did_you_mean(model, table)}; "
                                f"known: {', '.join(table)}")
        table[model] = replace(table[model], **{key.field: registry.check(key, value, where)})
    try:
        for model in table.values():
            model.validate()
    except (ValueError, TypeError) as exc:
        raise ScenarioError(f"{origin} governance: {exc}") from None
    return replace(sc, governance=table)


def _run(sc: Any, items: list, origin: str) -> Any:
    top: dict[str, Any] = {}
    for key, _, value, where in items:
        value = registry.check(key, value, where, choices=sc.governance)
        if key.name == "governance":  # every collaboration (initial and new) under one model
            top["default_governance"] = value
            top["collaborations"] = tuple(replace(c, governance=value) for c in sc.collaborations)
        else:
            top[key.name] = value
    return replace(sc, **top)


def _parameters(sc: Any, items: list, origin: str) -> Any:
    params = sc.parameters.replace(**{key.name: registry.check(key, value, where) for key, _, value, where in items})
    registry.check_parameters(params, f"{origin} ", {key.name for key, _, _, _ in items})
    return replace(sc, parameters=params)


_APPLY = {"generator": _generator, "municipality": _municipalities, "trust": _trust, "event": _events,
          "governance": _governance, "run": _run, "parameter": _parameters}


def value_of(scenario: Any, name: str) -> Any:
    """The current value of key ``name`` in ``scenario`` (what ``--set name=...`` would replace)."""
    key, b = registry.lookup(name, name)
    sc = scenario
    if key.group == "parameter":
        return getattr(sc.parameters, key.name)
    if key.group == "run":
        if key.name == "governance":
            return sc.default_governance
        return ",".join(sc.perspectives) if key.name == "perspectives" else getattr(sc, key.name)
    if key.group == "governance":
        return getattr(sc.governance[b["MODEL"]], key.field)
    if key.group == "municipality":
        return getattr(next(m for m in sc.municipalities if m.name == b["NAME"]), key.field)
    if key.group == "generator":
        if sc.generator is None:
            raise ScenarioError(f"{name}: scenario {sc.name!r} has no generator")
        return getattr(sc.generator, key.field)
    if key.name == "trust.within_region":
        return sc.trust_within_region
    if key.name == "trust.between_regions":
        return sc.trust_between_regions
    if key.name == "trust.regions.REGION":
        return sc.trust_by_region.get(b["REGION"], sc.trust_within_region)
    if key.name == "trust.pairs.NAME.OTHER":
        return next((t for x, y, t in sc.trust_pairs if {x, y} == {b["NAME"], b["OTHER"]}), None)
    if key.name == "legitimacy.YEAR":
        return sc.legitimacy.get(int(b["YEAR"]))
    kind = key.name.split(".")[0]
    return getattr(getattr(sc, kind)[int(b["INDEX"])], key.field)
