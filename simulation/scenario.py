"""Load and validate a TOML scenario into plain dataclasses (no Mesa here).

A scenario names a region (municipalities and their neighbour graph), the collaborations that
exist at the start, the governance rules, the environment's timeline and any parameter
overrides. ``--set key=value`` overrides are applied here too, so the model only ever sees a
complete, validated :class:`Scenario`.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any

from .governance import GOVERNANCE_FIELDS, GovernanceModel, governance_table
from .parameters import PARAMETER_NAMES, Parameters
from .suggest import did_you_mean

SCENARIO_DIR = Path(str(resources.files("simulation") / "scenarios"))  # shipped inside the package
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
    # perspective weights of this municipality; None: the scenario's w_instrumental etc. (MODEL.md s4)
    w_instrumental: float | None = None
    w_cultural: float | None = None
    w_myth: float | None = None
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
    trust_by_region: dict[str, float] = field(default_factory=dict)  # within-region trust of named regions
    trust_pairs: tuple[tuple[str, str, float], ...] = ()  # baseline trust of named pairs, overriding the rest
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
        raise ScenarioError(f"unknown scenario {str(name_or_path)!r}{did_you_mean(name_or_path, known)}; "
                            f"available: {', '.join(known)}")
    return known[str(name_or_path)]


def load_scenario(name_or_path: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """Read a scenario by name (``simulation/scenarios/NAME.toml``) or path, and apply overrides."""
    path = resolve_path(name_or_path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a UTF-8 text file") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read the scenario file: {exc.strerror or exc}") from None
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
    if not name.strip() or any(c in name for c in "/\\"):
        raise ScenarioError(f"{origin}: name: expected a non-empty name without path separators, got {name!r}")
    start_year = _number(_typed(data, "start_year", int, origin, 2000), f"{origin}: start_year",
                         *YEAR_RANGE, integer=True)
    ticks = _typed(data, "ticks", int, origin, 40)
    if not 1 <= ticks <= MAX_TICKS:
        raise ScenarioError(f"{origin}: ticks: expected a positive integer <= {MAX_TICKS}, got {ticks}")

    if "generator" in data:
        from .synthetic import generate_region

        if "municipalities" in data or "neighbours" in data:
            raise ScenarioError(f"{origin}: give either [generator] or [[municipalities]] and [neighbours], not both")
        gen = _generator_args(data["generator"], f"{origin}: generator")
        municipalities, edges = generate_region(**gen)
    else:
        raw = _array_of_tables(data.get("municipalities", []), f"{origin}: municipalities")
        municipalities = tuple(_municipality(m, origin, i) for i, m in enumerate(raw))
        _check_unique([m.name for m in municipalities], f"{origin}: municipalities")
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
    default_governance = _typed(data, "default_governance", str, origin, "iks")
    if default_governance not in governance:
        raise ScenarioError(f"{origin}: default_governance: unknown governance model {default_governance!r}; known: {', '.join(governance)}")

    params = _parameters(_table(data.get("parameters", {}), f"{origin}: parameters"), origin)
    perspectives = data.get("perspectives", PERSPECTIVES)
    if not isinstance(perspectives, list | tuple):
        raise ScenarioError(f"{origin}: perspectives: expected a list such as [\"instrumental\", \"myth\"], got {_show(perspectives)}")
    perspectives = tuple(perspectives)
    _check_perspectives(perspectives, origin)
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
                                f"({', '.join(sorted(regions))}), got {_show(region)}")
        _number(value, f"{origin}: trust.regions.{region}", 0.0, 1.0)
    pairs = _trust_pairs(trust.get("pairs", []), {m.name for m in municipalities}, f"{origin}: trust.pairs")
    junctures = tuple(_juncture(j, f"{origin}: junctures[{i}]")
                      for i, j in enumerate(_array_of_tables(data.get("junctures", []), f"{origin}: junctures")))
    shocks = tuple(_shock(x, f"{origin}: shocks[{i}]")
                   for i, x in enumerate(_array_of_tables(data.get("shocks", []), f"{origin}: shocks")))
    _check_parameters(params, f"{origin}: parameters")
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
        trust_within_region=float(_number(trust.get("within_region", 0.5), f"{origin}: trust.within_region", 0.0, 1.0)),
        trust_between_regions=float(_number(trust.get("between_regions", 0.1), f"{origin}: trust.between_regions", 0.0, 1.0)),
        trust_by_region={region: float(v) for region, v in by_region.items()},
        trust_pairs=pairs,
        source=_typed(data, "source", str, origin, ""),
    )


_MUNI_FIELDS = {f.name: f for f in fields(MunicipalitySpec)}


def _municipality(raw: dict[str, Any], origin: str, index: int | str, label: str | None = None) -> MunicipalitySpec:
    """One municipality table, checked; errors start with ``label`` if given (an override's key)."""
    where = label or f"{origin}: municipalities[{index}]"
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: must be a table")
    unknown = set(raw) - set(_MUNI_FIELDS)
    if unknown:
        raise ScenarioError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; expected some of {', '.join(_MUNI_FIELDS)}")
    if "name" not in raw or "population" not in raw:
        raise ScenarioError(f"{where}: needs at least 'name' and 'population'")
    values = dict(raw)
    _name(values["name"], f"{where}.name")
    where = label or f"{origin}: municipalities[{values['name']}]"
    population = values["population"]
    if isinstance(population, bool) or not isinstance(population, int | float) or not 1 <= population < math.inf:
        raise ScenarioError(f"{where}.population: expected a positive number of inhabitants (>= 1), got {_show(population)}")
    for key, (low, high) in _MUNI_RANGES.items():
        if key in values:
            _number(values[key], f"{where}.{key}", low, high)
    for key in ("region", "family"):
        if key in values:
            _name(values[key], f"{where}.{key}")
    for key in MUNICIPAL_WEIGHTS:
        if key in values:
            values[key] = coerce_parameter(key, values[key], where)
    if "approximate" in values and not isinstance(values["approximate"], bool):
        raise ScenarioError(f"{where}.approximate: expected true or false, got {_show(values['approximate'])}")
    if "culture" in values:
        traits = values["culture"]
        if not isinstance(traits, list | tuple) or not 1 <= len(traits) <= 50:
            raise ScenarioError(f"{where}.culture: expected a list of 1 to 50 integer traits, got {_show(traits)}")
        values["culture"] = tuple(_number(t, f"{where}.culture", 0, 1000, integer=True) for t in traits)
    return MunicipalitySpec(**values)


def _changed_municipalities(specs: tuple[MunicipalitySpec, ...],
                            changes: dict[str, dict[str, Any]]) -> tuple[MunicipalitySpec, ...]:
    """The municipalities with ``--set municipalities.NAME.FIELD`` applied, checked like a file's.
    Neighbours stay as loaded: new x/y do not redraw a generated region's edges."""
    by_name = {m.name: m for m in specs}
    for name, fields_ in changes.items():
        where = f"--set municipalities.{name}"
        if name not in by_name:
            known = ", ".join(list(by_name)[:12]) + (", ..." if len(by_name) > 12 else "")
            raise ScenarioError(f"{where}: unknown municipality {name!r}; known: {known}")
        if "name" in fields_:
            raise ScenarioError(f"{where}.name: a municipality cannot be renamed (trust pairs and edges name it)")
        raw = {k: v for k, v in asdict(by_name[name]).items() if v is not None and v != ()}  # () / None: not given
        raw.update(fields_)
        by_name[name] = _municipality(raw, "--set", name, label=where)
    return tuple(by_name[m.name] for m in specs)


# Perspective weights a municipality may have of its own (bounds as the scenario-wide parameters).
MUNICIPAL_WEIGHTS = ("w_instrumental", "w_cultural", "w_myth")

# Accepted ranges of a municipality's numeric fields (name and population are checked apart).
_MUNI_RANGES = {
    "growth": (-0.5, 0.5), "net_result": (-100.0, 100.0), "competence": (0.0, 1.0), "ambition": (0.0, 1.0),
    "autonomy": (0.0, 1.0), "receptivity": (0.0, 1.0), "x": (None, None), "y": (None, None),
}


def _edges(raw: dict[str, Any], municipalities: tuple[MunicipalitySpec, ...], origin: str) -> tuple[tuple[str, str], ...]:
    names = {m.name for m in municipalities}
    _keys(raw, ("edges",), f"{origin}: neighbours")
    if "edges" in raw:
        if not isinstance(raw["edges"], list):
            raise ScenarioError(f"{origin}: neighbours.edges: expected a list of [name, name] pairs, got {_show(raw['edges'])}")
        edges = []
        for pair in raw["edges"]:
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                raise ScenarioError(f"{origin}: neighbours.edges: expected a [name, name] pair, got {_show(pair)}")
            a, b = pair
            for n in (a, b):
                if not isinstance(n, str) or n not in names:
                    raise ScenarioError(f"{origin}: neighbours.edges: unknown municipality {n!r}")
            if a == b:
                raise ScenarioError(f"{origin}: neighbours.edges: {a!r} cannot neighbour itself")
            edges.append((a, b))
        return tuple(edges)
    from .synthetic import delaunay_edges

    return delaunay_edges(municipalities)


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
        raise ScenarioError(f"{where}.members: expected a list of municipality names, got {_show(members)}")
    members = tuple(members)
    if len(members) < 2:
        raise ScenarioError(f"{where}.members: a collaboration needs at least two members")
    for m in members:
        if not isinstance(m, str) or m not in names:
            raise ScenarioError(f"{where}.members: unknown municipality {m!r}")
    if len(set(members)) < len(members):
        raise ScenarioError(f"{where}.members: a municipality is listed twice")
    gov = raw.get("governance", "iks")
    if not isinstance(gov, str) or gov not in governance:
        raise ScenarioError(f"{where}.governance: unknown governance model {gov!r}; known: {', '.join(governance)}")
    founded = raw.get("founded")
    if founded is not None:
        _number(founded, f"{where}.founded", *YEAR_RANGE, integer=True)
    family = raw.get("family")
    if family is not None:
        _name(family, f"{where}.family")
    return CollaborationSpec(name=raw["name"], governance=gov, members=members, founded=founded, family=family)


def _parameters(raw: dict[str, Any], origin: str) -> Parameters:
    params = Parameters()
    changes = {}
    for key, value in raw.items():
        changes[key] = coerce_parameter(key, value, f"{origin}: parameters")
    return params.replace(**changes)


def coerce_parameter(key: str, value: Any, where: str, sep: str = ".") -> Any:
    """Check one parameter's name, type and bounds; return the value in the field's type.

    Errors name ``f"{where}{sep}{key}"``, e.g. "file.toml: parameters.w_myth" or "--set w_myth"."""
    if key not in PARAMETER_NAMES:
        close = [n for n in sorted(PARAMETER_NAMES) if key.split("_")[0] in n][:5]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise ScenarioError(f"{where}{sep}{key}: unknown parameter{hint}")
    f = next(f for f in fields(Parameters) if f.name == key)
    if isinstance(value, bool) or not isinstance(value, int | float) or (isinstance(value, float) and not math.isfinite(value)):
        raise ScenarioError(f"{where}{sep}{key}: expected a number, got {_show(value)}")
    try:
        typed = int(value) if isinstance(f.default, int) and not isinstance(f.default, bool) else float(value)
    except (TypeError, ValueError):
        raise ScenarioError(f"{where}{sep}{key}: expected a number, got {value!r}") from None
    if isinstance(f.default, int) and float(value) != typed:
        raise ScenarioError(f"{where}{sep}{key}: expected an integer, got {value!r}")
    low, high = f.metadata["low"], f.metadata["high"]
    if (low is not None and typed < low) or (high is not None and typed > high):
        raise ScenarioError(f"{where}{sep}{key}: expected a value in [{low}, {high}], got {typed}")
    return typed


def _check_perspectives(perspectives: tuple[str, ...], origin: str) -> None:
    bad = [p for p in perspectives if not isinstance(p, str) or p not in PERSPECTIVES]
    if bad or not perspectives or len(set(perspectives)) < len(perspectives):
        raise ScenarioError(f"{origin}: perspectives: expected a non-empty subset of {', '.join(PERSPECTIVES)}, got {list(perspectives)}")


def _typed(data: dict[str, Any], key: str, kind: type, origin: str, default: Any) -> Any:
    value = data.get(key, default)
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        raise ScenarioError(f"{origin}: {key}: expected {kind.__name__}, got {value!r}")
    return value


# Accepted calendar years and horizon: generous, but they catch typos such as 20005.
YEAR_RANGE = (1800, 2300)
MAX_TICKS = 500

# Arguments of synthetic.generate_region: (integer?, low, high).
_GENERATOR_ARGS = {
    "n": (True, 2, 10_000), "seed": (True, 0, 2**63 - 1), "regions": (True, 1, 10_000),
    "median_population": (False, 200.0, 700_000.0), "sigma": (False, 0.0, 5.0), "families": (True, 1, 4),
    "culture_features": (True, 1, 50), "culture_traits": (True, 1, 1000), "culture_noise": (False, 0.0, 1.0),
}


def _generator_args(raw: Any, where: str) -> dict[str, Any]:
    """The [generator] table, checked against generate_region's arguments and their ranges."""
    _keys(_table(raw, where), tuple(_GENERATOR_ARGS), where)
    for key, value in raw.items():
        integer, low, high = _GENERATOR_ARGS[key]
        _number(value, f"{where}.{key}", low, high, integer=integer)
    if raw.get("regions", 1) > raw.get("n", 100):
        raise ScenarioError(f"{where}.regions: expected at most n = {raw.get('n', 100)} regions, got {raw['regions']}")
    return dict(raw)


def _legitimacy(raw: Any, where: str) -> dict[int, float]:
    """Legitimacy steps: {year: level in [0, 1]}; TOML keys are strings such as "2005"."""
    out = {}
    for key, value in _table(raw, where).items():
        year = key if isinstance(key, int) and not isinstance(key, bool) else None
        if isinstance(key, str) and key.strip().lstrip("-").isdigit():
            year = int(key)
        if year is None or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            raise ScenarioError(f"{where}: expected years {YEAR_RANGE[0]}-{YEAR_RANGE[1]} as keys, got {key!r}")
        out[year] = float(_number(value, f"{where}.{key}", 0.0, 1.0))
    return out


def _juncture(raw: dict[str, Any], where: str) -> Juncture:
    _keys(raw, ("start", "end", "label"), where)
    for key in ("start", "end"):
        if key not in raw:
            raise ScenarioError(f"{where}: needs 'start' and 'end' years")
        _number(raw[key], f"{where}.{key}", *YEAR_RANGE, integer=True)
    if raw["end"] < raw["start"]:
        raise ScenarioError(f"{where}.end: expected a year >= start ({raw['start']}), got {raw['end']}")
    if not isinstance(raw.get("label", ""), str):
        raise ScenarioError(f"{where}.label: expected a string, got {_show(raw['label'])}")
    return Juncture(**raw)


def _shock(raw: dict[str, Any], where: str) -> ScheduledShock:
    _keys(raw, ("year", "label", "size"), where)
    if "year" not in raw:
        raise ScenarioError(f"{where}: needs a 'year'")
    _number(raw["year"], f"{where}.year", *YEAR_RANGE, integer=True)
    if "size" in raw:
        _number(raw["size"], f"{where}.size", 0.0, 1.0)
    if not isinstance(raw.get("label", ""), str):
        raise ScenarioError(f"{where}.label: expected a string, got {_show(raw['label'])}")
    return ScheduledShock(**raw)


def _governance_changes(raw: Any, where: str) -> dict[str, Any]:
    """Field overrides of one governance model, type-checked (ranges: GovernanceModel.validate)."""
    out = {}
    for key, value in _table(raw, where).items():
        kind = GOVERNANCE_FIELDS.get(key)
        if kind is None or key == "name":
            known = ", ".join(f for f in GOVERNANCE_FIELDS if f != "name")
            raise ScenarioError(f"{where}: unknown governance field {key!r}; known: {known}")
        if kind in (str, "str"):
            if not isinstance(value, str):
                raise ScenarioError(f"{where}.{key}: expected a string, got {_show(value)}")
            out[key] = value
        else:
            integer = kind in (int, "int")
            out[key] = _number(value, f"{where}.{key}", integer=integer)
            if not integer:
                out[key] = float(value)
    return out


def _check_parameters(params: Parameters, where: str, sep: str = ".") -> None:
    """Constraints between parameters that single bounds cannot express."""
    if params.small_max >= params.medium_max:
        raise ScenarioError(f"{where}{sep}small_max: expected less than medium_max ({params.medium_max:g}), got {params.small_max:g}")


def _number(value: Any, where: str, low: float | None = None, high: float | None = None,
            integer: bool = False) -> Any:
    """``value`` if it is a finite number (not a boolean) in [low, high], else a ScenarioError."""
    kind = "an integer" if integer else "a number"
    if low is not None and high is not None:
        expected = f"{kind} in [{low}, {high}]"
    elif low is not None or high is not None:
        expected = f"{kind} >= {low}" if low is not None else f"{kind} <= {high}"
    else:
        expected = kind
    allowed = int if integer else int | float
    if (isinstance(value, bool) or not isinstance(value, allowed)
            or (isinstance(value, float) and not math.isfinite(value))
            or (low is not None and value < low) or (high is not None and value > high)):
        raise ScenarioError(f"{where}: expected {expected}, got {_show(value)}")
    return value


def _check_unique(names: list[str], where: str) -> None:
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ScenarioError(f"{where}: duplicate name(s) {', '.join(dupes)}")


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(f"{where}: expected a non-empty string, got {_show(value)}")
    return value


def _trust_pairs(raw: Any, names: set[str], where: str) -> tuple[tuple[str, str, float], ...]:
    """``[[a, b, trust], ...]``: the baseline trust between two named municipalities."""
    if not isinstance(raw, list):
        raise ScenarioError(f"{where}: expected an array of [name, name, trust], got {_show(raw)}")
    pairs = []
    for i, item in enumerate(raw):
        if not (isinstance(item, list) and len(item) == 3 and all(isinstance(n, str) for n in item[:2])):
            raise ScenarioError(f"{where}[{i}]: expected [name, name, trust], got {_show(item)}")
        for n in item[:2]:
            if n not in names:
                raise ScenarioError(f"{where}[{i}]: expected a municipality name, got {_show(n)}")
        if item[0] == item[1]:
            raise ScenarioError(f"{where}[{i}]: expected two different municipalities, got {_show(item)}")
        pairs.append((item[0], item[1], float(_number(item[2], f"{where}[{i}] trust", 0.0, 1.0))))
    return tuple(pairs)


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ScenarioError(f"{where}: expected a table, got {_show(value)}")
    return value


def _array_of_tables(value: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, dict) for v in value):
        key = where.rsplit(": ", 1)[-1]
        raise ScenarioError(f"{where}: expected an array of tables ([[{key}]]), got {_show(value)}")
    return list(value)


def _keys(raw: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    unknown = set(raw) - set(allowed)
    if unknown:
        raise ScenarioError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; expected some of {', '.join(allowed)}")


def _show(value: Any, width: int = 60) -> str:
    """A one-line, bounded repr for error messages."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


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
        if not key.strip() or not text.strip():
            raise ScenarioError(f"--set {item}: expected key=value with a non-empty key and value")
        out[key.strip()] = parse_override_value(text.strip())
    return out


def apply_overrides(scenario: Scenario, overrides: dict[str, Any]) -> Scenario:
    """Apply ``key=value`` overrides: a parameter name, a top-level field, governance.MODEL.FIELD
    or municipalities.NAME.FIELD."""
    params: dict[str, Any] = {}
    gov_changes: dict[str, dict[str, Any]] = {}
    muni_changes: dict[str, dict[str, Any]] = {}
    top: dict[str, Any] = {}
    if not isinstance(overrides, dict):
        raise ScenarioError(f"overrides: expected a dict of key: value, got {_show(overrides)}")
    for key, value in overrides.items():
        where = f"--set {key}"
        if not isinstance(key, str):
            raise ScenarioError(f"--set {key!r}: expected a string key")
        if key.startswith("governance."):
            parts = key.split(".")
            if len(parts) != 3:
                raise ScenarioError(f"{where}: expected governance.MODEL.FIELD")
            _, model, fld = parts
            if model not in scenario.governance:
                raise ScenarioError(f"{where}: unknown governance model {model!r}; known: {', '.join(scenario.governance)}")
            if fld not in GOVERNANCE_FIELDS or fld == "name":
                raise ScenarioError(f"{where}: unknown governance field {fld!r}; known: {', '.join(f for f in GOVERNANCE_FIELDS if f != 'name')}")
            gov_changes.setdefault(model, {}).update(_governance_changes({fld: value}, f"--set governance.{model}"))
        elif key.startswith("municipalities."):
            parts = key.split(".")
            if len(parts) != 3:
                raise ScenarioError(f"{where}: expected municipalities.NAME.FIELD")
            muni_changes.setdefault(parts[1], {})[parts[2]] = value
        elif key in PARAMETER_NAMES:
            params[key] = coerce_parameter(key, value, "--set", sep=" ")
        elif key in ("ticks", "years"):
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_TICKS:
                raise ScenarioError(f"{where}: expected a positive integer <= {MAX_TICKS}, got {_show(value)}")
            top["ticks"] = value
        elif key == "start_year":
            top["start_year"] = _number(value, where, *YEAR_RANGE, integer=True)
        elif key == "default_governance":
            if not isinstance(value, str) or value not in scenario.governance:
                raise ScenarioError(f"{where}: unknown governance model {value!r}; known: {', '.join(scenario.governance)}")
            top["default_governance"] = value
        elif key == "perspectives":
            if not isinstance(value, str | list | tuple):
                raise ScenarioError(f"{where}: expected a comma-separated list such as instrumental,myth, got {_show(value)}")
            value = tuple(v.strip() for v in value.split(",")) if isinstance(value, str) else tuple(value)
            _check_perspectives(value, "--set")
            top["perspectives"] = value
        elif key == "governance":
            # every collaboration (initial and new) under one governance model
            if not isinstance(value, str) or value not in scenario.governance:
                raise ScenarioError(f"{where}: unknown governance model {value!r}; known: {', '.join(scenario.governance)}")
            top["default_governance"] = value
            top["collaborations"] = tuple(replace(c, governance=value) for c in scenario.collaborations)
        else:
            raise ScenarioError(f"{where}: unknown key; expected a parameter (imcsim params), ticks, start_year, "
                                "perspectives, governance, default_governance, governance.MODEL.FIELD "
                                "or municipalities.NAME.FIELD")
    if muni_changes:
        top["municipalities"] = _changed_municipalities(scenario.municipalities, muni_changes)
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
        _check_parameters(top["parameters"], "--set", sep=" ")
    return replace(scenario, **top)
