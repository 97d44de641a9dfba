"""Load and validate a TOML scenario into plain dataclasses (no Mesa here).

A scenario names a region (municipalities and their neighbour graph), the collaborations that
exist at the start, the governance rules, the environment's timeline and any parameter
overrides. ``--set key=value`` overrides are applied here too, so the model only ever sees a
complete, validated :class:`Scenario`.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .governance import GOVERNANCE_FIELDS, GovernanceModel, governance_table
from .parameters import PARAMETER_NAMES, Parameters

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
PERSPECTIVES = ("instrumental", "cultural", "myth")

# National mean net operating result, in % of revenue (004 L719).
NATIONAL_MEAN_NET_RESULT = 4.3
# Legitimacy pressure L(t) steps: eKommune 2005 and 2008, Digital agenda 2016, national
# strategy 2019 (sources 000, 001, 003, 004). The levels are defaults to calibrate.
DEFAULT_LEGITIMACY = {1990: 0.1, 2005: 0.3, 2008: 0.4, 2016: 0.6, 2019: 0.75}


class ScenarioError(ValueError):
    """A scenario file or override that cannot be used; the message names file and key."""


@dataclass(frozen=True)
class MunicipalitySpec:
    name: str
    population: float
    growth: float = 0.0
    net_result: float = NATIONAL_MEAN_NET_RESULT
    competence: float | None = None  # derived from size if absent
    ambition: float | None = None  # derived from size and economy if absent
    region: str = "region"
    family: str = "A"
    autonomy: float = 0.5
    receptivity: float = 0.5
    culture: tuple[int, ...] = ()
    x: float = 0.0
    y: float = 0.0
    approximate: bool = False  # figures not from the sources

    def derived_competence(self) -> float:
        """ICT (ordering) competence rises with size: scarce in small municipalities (002 SF19)."""
        if self.competence is not None:
            return self.competence
        return _clip(0.35 + 0.12 * math.log(self.population / 5_000.0), 0.05, 0.95)

    def derived_ambition(self) -> float:
        """Digital ambition rises with size and economy (004 L721, L750)."""
        if self.ambition is not None:
            return self.ambition
        economy = 0.04 * (self.net_result - NATIONAL_MEAN_NET_RESULT)
        return _clip(0.4 + 0.15 * math.log(self.population / 8_000.0) + economy, 0.0, 1.0)


@dataclass(frozen=True)
class CollaborationSpec:
    name: str
    governance: str
    members: tuple[str, ...]
    founded: int | None = None
    family: str | None = None  # common standard's system family; default: the largest member's


@dataclass(frozen=True)
class Juncture:
    start: int
    end: int
    label: str = "critical juncture"


@dataclass(frozen=True)
class ScheduledShock:
    year: int
    label: str = "shock"
    size: float = 1.0


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    start_year: int
    ticks: int
    municipalities: tuple[MunicipalitySpec, ...]
    edges: tuple[tuple[str, str], ...]
    collaborations: tuple[CollaborationSpec, ...] = ()
    default_governance: str = "iks"
    governance: dict[str, GovernanceModel] = field(default_factory=governance_table)
    parameters: Parameters = field(default_factory=Parameters)
    perspectives: tuple[str, ...] = PERSPECTIVES
    legitimacy: dict[int, float] = field(default_factory=lambda: dict(DEFAULT_LEGITIMACY))
    junctures: tuple[Juncture, ...] = ()
    shocks: tuple[ScheduledShock, ...] = ()
    trust_within_region: float = 0.5
    trust_between_regions: float = 0.1
    source: str = ""

    def with_overrides(self, overrides: dict[str, Any]) -> Scenario:
        return apply_overrides(self, overrides)


# --------------------------------------------------------------------------------------------
# loading


def available_scenarios() -> dict[str, Path]:
    return {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.toml"))}


def resolve_path(name_or_path: str | Path) -> Path:
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        if not path.exists():
            raise ScenarioError(f"{path}: no such scenario file")
        return path
    known = available_scenarios()
    if str(name_or_path) not in known:
        raise ScenarioError(f"unknown scenario {str(name_or_path)!r}; available: {', '.join(known)}")
    return known[str(name_or_path)]


def load_scenario(name_or_path: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """Read a scenario by name (``scenarios/NAME.toml``) or path, and apply overrides."""
    path = resolve_path(name_or_path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    scenario = scenario_from_dict(data, origin=str(path))
    return apply_overrides(scenario, overrides or {}) if overrides else scenario


_TOP_KEYS = {
    "name", "description", "start_year", "ticks", "default_governance", "perspectives",
    "parameters", "governance", "legitimacy", "junctures", "shocks", "municipalities",
    "collaborations", "neighbours", "generator", "trust", "source",
}


def scenario_from_dict(data: dict[str, Any], origin: str = "<scenario>") -> Scenario:
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ScenarioError(f"{origin}: unknown key(s) {', '.join(sorted(unknown))}; expected some of {', '.join(sorted(_TOP_KEYS))}")
    name = _typed(data, "name", str, origin, Path(origin).stem)
    start_year = _typed(data, "start_year", int, origin, 2000)
    ticks = _typed(data, "ticks", int, origin, 40)
    if ticks < 1:
        raise ScenarioError(f"{origin}: ticks must be >= 1, got {ticks}")

    if "generator" in data:
        from .synthetic import generate_region

        gen = data["generator"]
        if not isinstance(gen, dict):
            raise ScenarioError(f"{origin}: [generator] must be a table")
        try:
            municipalities, edges = generate_region(**gen)
        except TypeError as exc:
            raise ScenarioError(f"{origin}: [generator]: {exc}") from None
        if "municipalities" in data:
            raise ScenarioError(f"{origin}: give either [generator] or [[municipalities]], not both")
    else:
        municipalities = tuple(_municipality(m, origin, i) for i, m in enumerate(data.get("municipalities", [])))
        edges = _edges(data.get("neighbours", {}), municipalities, origin)
    if len(municipalities) < 2:
        raise ScenarioError(f"{origin}: municipalities: need at least two municipalities, got {len(municipalities)}")
    names = [m.name for m in municipalities]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ScenarioError(f"{origin}: municipalities: duplicate name(s) {', '.join(dupes)}")

    try:
        governance = governance_table(data.get("governance"))
    except (ValueError, TypeError) as exc:
        raise ScenarioError(f"{origin}: [governance]: {exc}") from None
    default_governance = _typed(data, "default_governance", str, origin, "iks")
    if default_governance not in governance:
        raise ScenarioError(f"{origin}: default_governance: unknown governance model {default_governance!r}; known: {', '.join(governance)}")

    params = _parameters(data.get("parameters", {}), origin)
    perspectives = tuple(data.get("perspectives", PERSPECTIVES))
    _check_perspectives(perspectives, origin)
    collaborations = tuple(_collaboration(c, origin, set(names), governance) for c in data.get("collaborations", []))
    seen: dict[str, str] = {}
    for c in collaborations:
        for m in c.members:
            if m in seen:
                raise ScenarioError(f"{origin}: collaborations: {m} is a member of both {seen[m]} and {c.name}")
            seen[m] = c.name

    legitimacy = {int(k): float(v) for k, v in data.get("legitimacy", DEFAULT_LEGITIMACY).items()}
    trust = data.get("trust", {})
    return Scenario(
        name=name,
        description=_typed(data, "description", str, origin, ""),
        start_year=start_year,
        ticks=ticks,
        municipalities=municipalities,
        edges=edges,
        collaborations=collaborations,
        default_governance=default_governance,
        governance=governance,
        parameters=params,
        perspectives=perspectives,
        legitimacy=legitimacy,
        junctures=tuple(Juncture(**j) for j in data.get("junctures", [])),
        shocks=tuple(ScheduledShock(**s) for s in data.get("shocks", [])),
        trust_within_region=float(trust.get("within_region", 0.5)),
        trust_between_regions=float(trust.get("between_regions", 0.1)),
        source=_typed(data, "source", str, origin, ""),
    )


_MUNI_FIELDS = {f.name: f for f in fields(MunicipalitySpec)}


def _municipality(raw: dict[str, Any], origin: str, index: int) -> MunicipalitySpec:
    where = f"{origin}: municipalities[{index}]"
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: must be a table")
    unknown = set(raw) - set(_MUNI_FIELDS)
    if unknown:
        raise ScenarioError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; expected some of {', '.join(_MUNI_FIELDS)}")
    if "name" not in raw or "population" not in raw:
        raise ScenarioError(f"{where}: needs at least 'name' and 'population'")
    values = dict(raw)
    if not isinstance(values["population"], int | float) or values["population"] <= 0:
        raise ScenarioError(f"{where}.population: expected a positive number, got {values['population']!r}")
    for key in ("competence", "ambition", "autonomy", "receptivity"):
        if key in values and not 0.0 <= float(values[key]) <= 1.0:
            raise ScenarioError(f"{where}.{key}: expected a number in [0, 1], got {values[key]!r}")
    if "culture" in values:
        values["culture"] = tuple(int(t) for t in values["culture"])
    return MunicipalitySpec(**values)


def _edges(raw: dict[str, Any], municipalities: tuple[MunicipalitySpec, ...], origin: str) -> tuple[tuple[str, str], ...]:
    names = {m.name for m in municipalities}
    if "edges" in raw:
        edges = []
        for a, b in raw["edges"]:
            for n in (a, b):
                if n not in names:
                    raise ScenarioError(f"{origin}: neighbours.edges: unknown municipality {n!r}")
            edges.append((a, b))
        return tuple(edges)
    from .synthetic import delaunay_edges

    return delaunay_edges(municipalities)


def _collaboration(raw: dict[str, Any], origin: str, names: set[str], governance: dict[str, GovernanceModel]) -> CollaborationSpec:
    where = f"{origin}: collaborations[{raw.get('name', '?')}]"
    members = tuple(raw.get("members", ()))
    if len(members) < 2:
        raise ScenarioError(f"{where}.members: a collaboration needs at least two members")
    for m in members:
        if m not in names:
            raise ScenarioError(f"{where}.members: unknown municipality {m!r}")
    gov = raw.get("governance", "iks")
    if gov not in governance:
        raise ScenarioError(f"{where}.governance: unknown governance model {gov!r}; known: {', '.join(governance)}")
    return CollaborationSpec(name=raw["name"], governance=gov, members=members,
                             founded=raw.get("founded"), family=raw.get("family"))


def _parameters(raw: dict[str, Any], origin: str) -> Parameters:
    params = Parameters()
    changes = {}
    for key, value in raw.items():
        changes[key] = coerce_parameter(key, value, f"{origin}: parameters")
    return params.replace(**changes)


def coerce_parameter(key: str, value: Any, where: str) -> Any:
    """Check one parameter's name, type and bounds; return the value in the field's type."""
    if key not in PARAMETER_NAMES:
        close = [n for n in sorted(PARAMETER_NAMES) if key.split("_")[0] in n][:5]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise ScenarioError(f"{where}.{key}: unknown parameter{hint}")
    f = next(f for f in fields(Parameters) if f.name == key)
    try:
        typed = int(value) if isinstance(f.default, int) and not isinstance(f.default, bool) else float(value)
    except (TypeError, ValueError):
        raise ScenarioError(f"{where}.{key}: expected a number, got {value!r}") from None
    if isinstance(f.default, int) and float(value) != typed:
        raise ScenarioError(f"{where}.{key}: expected an integer, got {value!r}")
    low, high = f.metadata["low"], f.metadata["high"]
    if (low is not None and typed < low) or (high is not None and typed > high):
        raise ScenarioError(f"{where}.{key}: expected a value in [{low}, {high}], got {typed}")
    return typed


def _check_perspectives(perspectives: tuple[str, ...], origin: str) -> None:
    bad = [p for p in perspectives if p not in PERSPECTIVES]
    if bad or not perspectives:
        raise ScenarioError(f"{origin}: perspectives: expected a non-empty subset of {', '.join(PERSPECTIVES)}, got {list(perspectives)}")


def _typed(data: dict[str, Any], key: str, kind: type, origin: str, default: Any) -> Any:
    value = data.get(key, default)
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        raise ScenarioError(f"{origin}: {key}: expected {kind.__name__}, got {value!r}")
    return value


def _clip(x: float, lo: float, hi: float) -> float:
    return min(hi, max(lo, x))


# --------------------------------------------------------------------------------------------
# overrides (--set key=value)


def parse_override_value(text: str) -> Any:
    """Parse the value of ``--set key=value`` as TOML (numbers, booleans, strings, lists)."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def parse_overrides(items: list[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items or []:
        if "=" not in item:
            raise ScenarioError(f"--set {item}: expected key=value")
        key, text = item.split("=", 1)
        out[key.strip()] = parse_override_value(text.strip())
    return out


def apply_overrides(scenario: Scenario, overrides: dict[str, Any]) -> Scenario:
    """Apply ``key=value`` overrides: a parameter name, a top-level field, or governance.NAME.FIELD."""
    params: dict[str, Any] = {}
    gov_changes: dict[str, dict[str, Any]] = {}
    top: dict[str, Any] = {}
    for key, value in overrides.items():
        where = f"--set {key}"
        if key.startswith("governance."):
            parts = key.split(".")
            if len(parts) != 3:
                raise ScenarioError(f"{where}: expected governance.MODEL.FIELD")
            _, model, fld = parts
            if model not in scenario.governance:
                raise ScenarioError(f"{where}: unknown governance model {model!r}; known: {', '.join(scenario.governance)}")
            if fld not in GOVERNANCE_FIELDS or fld == "name":
                raise ScenarioError(f"{where}: unknown governance field {fld!r}; known: {', '.join(f for f in GOVERNANCE_FIELDS if f != 'name')}")
            gov_changes.setdefault(model, {})[fld] = value
        elif key in PARAMETER_NAMES:
            params[key] = coerce_parameter(key, value, "--set")
        elif key in ("ticks", "years"):
            if not isinstance(value, int) or value < 1:
                raise ScenarioError(f"{where}: expected a positive integer, got {value!r}")
            top["ticks"] = value
        elif key == "start_year":
            if not isinstance(value, int):
                raise ScenarioError(f"{where}: expected an integer, got {value!r}")
            top["start_year"] = value
        elif key == "default_governance":
            if value not in scenario.governance:
                raise ScenarioError(f"{where}: unknown governance model {value!r}; known: {', '.join(scenario.governance)}")
            top["default_governance"] = value
        elif key == "perspectives":
            value = tuple(value.split(",")) if isinstance(value, str) else tuple(value)
            _check_perspectives(value, "--set")
            top["perspectives"] = value
        elif key == "governance":
            # every collaboration (initial and new) under one governance model
            if value not in scenario.governance:
                raise ScenarioError(f"{where}: unknown governance model {value!r}; known: {', '.join(scenario.governance)}")
            top["default_governance"] = value
            top["collaborations"] = tuple(replace(c, governance=value) for c in scenario.collaborations)
        else:
            raise ScenarioError(f"{where}: unknown key; expected a parameter (imcsim params), ticks, start_year, "
                                "perspectives, governance, default_governance or governance.MODEL.FIELD")
    if gov_changes:
        try:
            table = dict(scenario.governance)
            for name, changes in gov_changes.items():
                table[name] = replace(table[name], **changes)
                table[name].validate()
        except (ValueError, TypeError) as exc:
            raise ScenarioError(f"--set governance: {exc}") from None
        top["governance"] = table
    if params:
        top["parameters"] = scenario.parameters.replace(**params)
    return replace(scenario, **top)
