"""Load and validate a TOML scenario into the world's data model (:mod:`simulation.world`).

A scenario names a region (municipalities and their neighbour graph, or a ``[generator]`` table
for a synthetic one), the collaborations that exist at the start, the governance rules, the
environment's timeline and any parameter overrides. Values are checked against the key registry
(:mod:`simulation.registry`), so a file and ``--set`` accept the same ranges. Shipped scenarios
live in ``simulation/scenarios/`` inside the package; a user's own file is found by its path.

The data model and the override language are re-exported here, so ``from simulation.scenario
import Scenario, ScenarioError, parse_overrides`` keeps working.
"""

from __future__ import annotations

import unicodedata
from dataclasses import fields
from importlib import resources
from pathlib import Path
from typing import Any

from . import registry
from .governance import GovernanceModel, governance_table
from .overrides import apply_overrides, parse_override_value, parse_overrides
from .parameters import PARAMETER_NAMES, Parameters
from .registry import (
    BY_NAME,
    MAX_TICKS,
    PERSPECTIVES,
    YEAR_RANGE,
    ScenarioError,
    check_perspectives,
    show,
)
from .suggest import did_you_mean
from .synthetic import GENERATOR_FIELDS, RegionGenerator
from .textfiles import missing_reason, read_toml
from .world import (
    DEFAULT_LEGITIMACY,
    NATIONAL_MEAN_NET_RESULT,
    CollaborationSpec,
    CountyReform,
    Juncture,
    MunicipalitySpec,
    Scenario,
    ScheduledShock,
    generated_region,
    neighbours,
)

__all__ = [
    "DEFAULT_LEGITIMACY", "MAX_TICKS", "NATIONAL_MEAN_NET_RESULT", "PERSPECTIVES", "SCENARIO_DIR", "YEAR_RANGE",
    "CollaborationSpec", "CountyReform", "Juncture", "MunicipalitySpec", "Scenario", "ScenarioError", "ScheduledShock",
    "apply_overrides", "available_scenarios", "load_scenario", "parse_override_value", "parse_overrides",
    "resolve_path", "scenario_from_dict",
]

SCENARIO_DIR = Path(str(resources.files("simulation") / "scenarios"))  # shipped inside the package


def available_scenarios() -> dict[str, Path]:
    return {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.toml"))}


def resolve_path(name_or_path: str | Path) -> Path:
    """The file of a shipped scenario's name, or a path to a user's own TOML file."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists() or path.is_symlink():
        if not path.exists():
            raise ScenarioError(f"{path}: {missing_reason(path)}scenario file")
        return path
    known = available_scenarios()
    name = str(name_or_path)
    if name not in known:
        raise ScenarioError(f"unknown scenario {name!r}{did_you_mean(name, known)}; available: {', '.join(known)}")
    return known[name]


def load_scenario(name_or_path: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """Read a scenario by name (``simulation/scenarios/NAME.toml``) or path, and apply overrides."""
    path = resolve_path(name_or_path)
    data = read_toml(path, "scenario file")
    scenario = scenario_from_dict(data, origin=str(path))
    return apply_overrides(scenario, overrides) if overrides else scenario


_TOP_KEYS = {
    "name", "description", "start_year", "ticks", "default_governance", "perspectives",
    "parameters", "governance", "legitimacy", "junctures", "shocks", "municipalities",
    "collaborations", "neighbours", "generator", "trust", "source", "county_reforms",
}


def scenario_from_dict(data: dict[str, Any], origin: str = "<scenario>") -> Scenario:
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ScenarioError(f"{origin}: unknown key(s) {', '.join(sorted(unknown))}; expected some of {', '.join(sorted(_TOP_KEYS))}")
    name = _typed(data, "name", str, origin, Path(origin).stem)
    if not name.strip() or any(c in name for c in "/\\"):
        raise ScenarioError(f"{origin}: name: expected a non-empty name without path separators, got {name!r}")
    start_year = _key("start_year", _typed(data, "start_year", int, origin, BY_NAME["start_year"].default), f"{origin}: start_year")
    ticks = _key("ticks", _typed(data, "ticks", int, origin, BY_NAME["ticks"].default), f"{origin}: ticks")

    generator = None
    if "generator" in data:
        if "municipalities" in data or "neighbours" in data:
            raise ScenarioError(f"{origin}: give either [generator] or [[municipalities]] and [neighbours], not both")
        generator = _generator(data["generator"], f"{origin}: generator")
        municipalities, edges = generated_region(generator)
    else:
        raw = _array_of_tables(data.get("municipalities", []), f"{origin}: municipalities")
        municipalities = tuple(_municipality(m, origin, i) for i, m in enumerate(raw))
        _check_unique([m.name for m in municipalities], f"{origin}: municipalities")
        registry.check_cultures(municipalities, f"{origin}: municipalities")
        edges = _edges(_table(data.get("neighbours", {}), f"{origin}: neighbours"), municipalities, origin)
    if len(municipalities) < 2:
        raise ScenarioError(f"{origin}: municipalities: need at least two municipalities, got {len(municipalities)}")
    names = [m.name for m in municipalities]

    gov_raw = _table(data.get("governance", {}), f"{origin}: governance")
    gov_changes = {model: _governance_changes(changes, f"{origin}: governance.{model}")
                   for model, changes in gov_raw.items()}
    try:
        governance = governance_table(gov_changes)
    except (ValueError, TypeError) as exc:
        raise ScenarioError(f"{origin}: governance: {exc}") from None
    default_governance = _typed(data, "default_governance", str, origin, BY_NAME["default_governance"].default)
    if default_governance not in governance:
        raise ScenarioError(f"{origin}: default_governance: unknown governance model {default_governance!r}; known: {', '.join(governance)}")

    params = _parameters(_table(data.get("parameters", {}), f"{origin}: parameters"), origin)
    perspectives = data.get("perspectives", PERSPECTIVES)
    if not isinstance(perspectives, list | tuple):
        raise ScenarioError(f"{origin}: perspectives: expected a list such as [\"instrumental\", \"myth\"], got {show(perspectives)}")
    perspectives = tuple(perspectives)
    check_perspectives(perspectives, f"{origin}: perspectives")
    raw_collabs = _array_of_tables(data.get("collaborations", []), f"{origin}: collaborations")
    collaborations = tuple(_collaboration(c, origin, set(names), governance, i) for i, c in enumerate(raw_collabs))
    _check_unique([c.name for c in collaborations], f"{origin}: collaborations")
    seen: dict[str, str] = {}
    for c in collaborations:
        for m in c.members:
            if m in seen:
                raise ScenarioError(f"{origin}: collaborations: {m} is a member of both {seen[m]} and {c.name}")
            seen[m] = c.name

    legitimacy = _legitimacy(data.get("legitimacy", DEFAULT_LEGITIMACY), f"{origin}: legitimacy")
    trust = _table(data.get("trust", {}), f"{origin}: trust")
    _keys(trust, ("within_region", "between_regions", "regions", "pairs"), f"{origin}: trust")
    regions = {m.region for m in municipalities}
    by_region = _table(trust.get("regions", {}), f"{origin}: trust.regions")
    for region, value in by_region.items():
        if region not in regions:
            raise ScenarioError(f"{origin}: trust.regions.{region}: expected one of the regions "
                                f"({', '.join(sorted(regions))}), got {show(region)}")
        _key("trust.regions.REGION", value, f"{origin}: trust.regions.{region}")
    pairs = _trust_pairs(trust.get("pairs", []), {m.name for m in municipalities}, f"{origin}: trust.pairs")
    junctures = tuple(_juncture(j, f"{origin}: junctures[{i}]")
                      for i, j in enumerate(_array_of_tables(data.get("junctures", []), f"{origin}: junctures")))
    shocks = tuple(_shock(x, f"{origin}: shocks[{i}]")
                   for i, x in enumerate(_array_of_tables(data.get("shocks", []), f"{origin}: shocks")))
    counties = {m.county for m in municipalities}
    reforms = tuple(_county_reform(x, f"{origin}: county_reforms[{i}]", counties)
                    for i, x in enumerate(_array_of_tables(data.get("county_reforms", []), f"{origin}: county_reforms")))
    registry.check_parameters(params, f"{origin}: parameters.")
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
        junctures=junctures,
        shocks=shocks,
        county_reforms=reforms,
        trust_within_region=_key("trust.within_region", trust.get("within_region", BY_NAME["trust.within_region"].default),
                                 f"{origin}: trust.within_region"),
        trust_between_regions=_key("trust.between_regions", trust.get("between_regions", BY_NAME["trust.between_regions"].default),
                                   f"{origin}: trust.between_regions"),
        trust_by_region={region: float(v) for region, v in by_region.items()},
        trust_pairs=pairs,
        source=_typed(data, "source", str, origin, ""),
        generator=generator,
    )


def _key(name: str, value: Any, where: str) -> Any:
    """``value`` checked as the registry's key ``name`` (bounds, unit and meaning live there)."""
    return registry.check(BY_NAME[name], value, where)


_MUNI_FIELDS = tuple(f.name for f in fields(MunicipalitySpec))


def _municipality(raw: dict[str, Any], origin: str, index: int | str) -> MunicipalitySpec:
    """One municipality table, each field checked as the key ``municipalities.NAME.FIELD``."""
    where = f"{origin}: municipalities[{index}]"
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: must be a table")
    unknown = set(raw) - set(_MUNI_FIELDS)
    if unknown:
        raise ScenarioError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; expected some of {', '.join(_MUNI_FIELDS)}")
    if "name" not in raw or "population" not in raw:
        raise ScenarioError(f"{where}: needs at least 'name' and 'population'")
    values = dict(raw)
    _name(values["name"], f"{where}.name")
    where = f"{origin}: municipalities[{values['name']}]"
    for key in values:
        if key != "name":
            values[key] = _key(f"municipalities.NAME.{key}", values[key], f"{where}.{key}")
    return MunicipalitySpec(**values)


def _edges(raw: dict[str, Any], municipalities: tuple[MunicipalitySpec, ...], origin: str) -> tuple[tuple[str, str], ...]:
    names = {m.name for m in municipalities}
    _keys(raw, ("edges",), f"{origin}: neighbours")
    if "edges" not in raw:
        return neighbours(municipalities)
    if not isinstance(raw["edges"], list):
        raise ScenarioError(f"{origin}: neighbours.edges: expected a list of [name, name] pairs, got {show(raw['edges'])}")
    edges = []
    for pair in raw["edges"]:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ScenarioError(f"{origin}: neighbours.edges: expected a [name, name] pair, got {show(pair)}")
        a, b = pair
        for n in (a, b):
            if not isinstance(n, str) or n not in names:
                raise ScenarioError(f"{origin}: neighbours.edges: unknown municipality {n!r}{did_you_mean(str(n), names)}")
        if a == b:
            raise ScenarioError(f"{origin}: neighbours.edges: {a!r} cannot neighbour itself")
        edges.append((a, b))
    return tuple(edges)


def _collaboration(raw: dict[str, Any], origin: str, names: set[str], governance: dict[str, GovernanceModel],
                   index: int = 0) -> CollaborationSpec:
    where = f"{origin}: collaborations[{index}]"
    _keys(raw, ("name", "governance", "members", "founded", "family"), where)
    if "name" not in raw:
        raise ScenarioError(f"{where}: needs a 'name'")
    _name(raw["name"], f"{where}.name")
    where = f"{origin}: collaborations[{raw['name']}]"
    members = raw.get("members", ())
    if not isinstance(members, list | tuple):
        raise ScenarioError(f"{where}.members: expected a list of municipality names, got {show(members)}")
    members = tuple(members)
    if len(members) < 2:
        raise ScenarioError(f"{where}.members: a collaboration needs at least two members")
    for m in members:
        if not isinstance(m, str) or m not in names:
            raise ScenarioError(f"{where}.members: unknown municipality {m!r}{did_you_mean(str(m), names)}")
    if len(set(members)) < len(members):
        raise ScenarioError(f"{where}.members: a municipality is listed twice")
    gov = raw.get("governance", "iks")
    if not isinstance(gov, str) or gov not in governance:
        raise ScenarioError(f"{where}.governance: unknown governance model {gov!r}; known: {', '.join(governance)}")
    founded = raw.get("founded")
    if founded is not None:
        registry.number(founded, f"{where}.founded", *YEAR_RANGE, integer=True)
    family = raw.get("family")
    if family is not None:
        _name(family, f"{where}.family")
    return CollaborationSpec(name=raw["name"], governance=gov, members=members, founded=founded, family=family)


def _parameters(raw: dict[str, Any], origin: str) -> Parameters:
    """The [parameters] table: model parameters only (the other keys have tables of their own)."""
    changes = {}
    for key, value in raw.items():
        where = f"{origin}: parameters.{key}"
        if key not in PARAMETER_NAMES:
            raise ScenarioError(f"{where}: unknown parameter{did_you_mean(key, PARAMETER_NAMES)} (see imcsim params)")
        changes[key] = _key(key, value, where)
    return Parameters().replace(**changes)


def _generator(raw: Any, where: str) -> RegionGenerator:
    """The [generator] table: fields of RegionGenerator, each checked as the key ``generator.FIELD``."""
    _keys(_table(raw, where), tuple(GENERATOR_FIELDS), where)
    generator = RegionGenerator(**{key: _key(f"generator.{key}", value, f"{where}.{key}") for key, value in raw.items()})
    registry.check_generator(generator, f"{where}.")
    return generator


def _typed(data: dict[str, Any], key: str, kind: type, origin: str, default: Any) -> Any:
    value = data.get(key, default)
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        raise ScenarioError(f"{origin}: {key}: expected {kind.__name__}, got {value!r}")
    return value


def _legitimacy(raw: Any, where: str) -> dict[int, float]:
    """Legitimacy steps: {year: level in [0, 1]}; TOML keys are strings such as "2005"."""
    out = {}
    for key, value in _table(raw, where).items():
        year = key if isinstance(key, int) and not isinstance(key, bool) else None
        if isinstance(key, str) and key.strip().lstrip("-").isdigit():
            year = int(key)
        if year is None or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            raise ScenarioError(f"{where}: expected years {YEAR_RANGE[0]}-{YEAR_RANGE[1]} as keys, got {key!r}")
        out[year] = _key("legitimacy.YEAR", value, f"{where}.{key}")
    return out


def _juncture(raw: dict[str, Any], where: str) -> Juncture:
    _keys(raw, ("start", "end", "label"), where)
    for key in ("start", "end"):
        if key not in raw:
            raise ScenarioError(f"{where}: needs 'start' and 'end' years")
        _key(f"junctures.INDEX.{key}", raw[key], f"{where}.{key}")
    if raw["end"] < raw["start"]:
        raise ScenarioError(f"{where}.end: expected a year >= start ({raw['start']}), got {raw['end']}")
    if not isinstance(raw.get("label", ""), str):
        raise ScenarioError(f"{where}.label: expected a string, got {show(raw['label'])}")
    return Juncture(**raw)


def _county_reform(raw: dict[str, Any], where: str, counties: set[str]) -> CountyReform:
    """A county reform: its year, the counties it joins (each some municipality's) and the new name."""
    _keys(raw, ("year", "into", "counties", "label"), where)
    if not {"year", "into", "counties"} <= set(raw):
        raise ScenarioError(f"{where}: needs 'year', 'into' and 'counties'")
    _key("county_reforms.INDEX.year", raw["year"], f"{where}.year")
    for key in ("into", "label"):
        if not isinstance(raw.get(key, ""), str) or (key == "into" and not raw[key].strip()):
            raise ScenarioError(f"{where}.{key}: expected a name, got {show(raw[key])}")
    joined = raw["counties"]
    if not isinstance(joined, list) or len(joined) < 2 or not all(isinstance(c, str) for c in joined):
        raise ScenarioError(f"{where}.counties: expected a list of at least two county names, got {show(joined)}")
    unknown = sorted(set(joined) - counties)
    if unknown:
        raise ScenarioError(f"{where}.counties: no municipality lies in {', '.join(map(show, unknown))}; "
                            f"the counties are {', '.join(map(show, sorted(counties)))}")
    return CountyReform(year=raw["year"], into=raw["into"], counties=tuple(joined), label=raw.get("label", "county reform"))


def _shock(raw: dict[str, Any], where: str) -> ScheduledShock:
    _keys(raw, ("year", "label", "size"), where)
    if "year" not in raw:
        raise ScenarioError(f"{where}: needs a 'year'")
    _key("shocks.INDEX.year", raw["year"], f"{where}.year")
    if "size" in raw:
        _key("shocks.INDEX.size", raw["size"], f"{where}.size")
    if not isinstance(raw.get("label", ""), str):
        raise ScenarioError(f"{where}.label: expected a string, got {show(raw['label'])}")
    return ScheduledShock(**raw)


def _governance_changes(raw: Any, where: str) -> dict[str, Any]:
    """Field overrides of one governance model, each checked as ``governance.MODEL.FIELD``."""
    out = {}
    for key, value in _table(raw, where).items():
        name = f"governance.MODEL.{key}"
        if name not in BY_NAME:
            known = ", ".join(k.field for k in registry.KEYS if k.group == "governance")
            raise ScenarioError(f"{where}: unknown governance field {key!r}{did_you_mean(key, known.split(', '))}; known: {known}")
        out[key] = _key(name, value, f"{where}.{key}")
    return out


def _check_unique(names: list[str], where: str) -> None:
    """Names must differ after Unicode normalisation (NFC) and case folding: "Hamar" and "HAMAR",
    or an "Å" composed and one decomposed (A + ring), name one municipality."""
    seen: dict[str, str] = {}
    dupes = []
    for n in names:
        key = unicodedata.normalize("NFC", n).casefold()
        if key in seen:
            other = seen[key]
            if n == other:
                dupes.append(n)
            elif unicodedata.normalize("NFC", n) == unicodedata.normalize("NFC", other):
                dupes.append(f"{other!r} and {n!r} (one with composed, one with decomposed letters)")
            else:
                dupes.append(f"{other!r} and {n!r}")
        seen.setdefault(key, n)
    if dupes:
        raise ScenarioError(f"{where}: duplicate name(s) {', '.join(dict.fromkeys(dupes))} (names are compared "
                            "ignoring case and Unicode normalisation)")


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(f"{where}: expected a non-empty string, got {show(value)}")
    return value


def _trust_pairs(raw: Any, names: set[str], where: str) -> tuple[tuple[str, str, float], ...]:
    """``[[a, b, trust], ...]``: the baseline trust between two named municipalities."""
    if not isinstance(raw, list):
        raise ScenarioError(f"{where}: expected an array of [name, name, trust], got {show(raw)}")
    pairs = []
    for i, item in enumerate(raw):
        if not (isinstance(item, list) and len(item) == 3 and all(isinstance(n, str) for n in item[:2])):
            raise ScenarioError(f"{where}[{i}]: expected [name, name, trust], got {show(item)}")
        for n in item[:2]:
            if n not in names:
                raise ScenarioError(f"{where}[{i}]: expected a municipality name, got {show(n)}{did_you_mean(n, names)}")
        if item[0] == item[1]:
            raise ScenarioError(f"{where}[{i}]: expected two different municipalities, got {show(item)}")
        pairs.append((item[0], item[1], _key("trust.pairs.NAME.OTHER", item[2], f"{where}[{i}] trust")))
    return tuple(pairs)


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ScenarioError(f"{where}: expected a table, got {show(value)}")
    return value


def _array_of_tables(value: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, dict) for v in value):
        key = where.rsplit(": ", 1)[-1]
        raise ScenarioError(f"{where}: expected an array of tables ([[{key}]]), got {show(value)}")
    return list(value)


def _keys(raw: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    unknown = set(raw) - set(allowed)
    if unknown:
        raise ScenarioError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; expected some of {', '.join(allowed)}")
