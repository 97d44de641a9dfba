"""The world a run starts from: municipalities, collaborations, governance rules, the environment's
timeline and the parameters, as plain frozen dataclasses (no Mesa here).

A :class:`Scenario` is complete and validated: :mod:`simulation.scenario` reads one from TOML and
:meth:`Scenario.with_overrides` changes one through the key registry (:mod:`simulation.registry`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from . import overrides
from .governance import GovernanceModel, governance_table
from .parameters import Parameters
from .registry import BY_NAME, PERSPECTIVES, ScenarioError, show
from .synthetic import NATIONAL_MEAN_NET_RESULT, RegionGenerator, delaunay_edges, generate_region

__all__ = [
    "DEFAULT_LEGITIMACY", "NATIONAL_MEAN_NET_RESULT", "PERSPECTIVES", "CollaborationSpec", "Juncture",
    "MunicipalitySpec", "Scenario", "ScenarioError", "ScheduledShock", "generated_region", "neighbours",
]

# Legitimacy pressure L(t) steps: eKommune 2005 and 2008, Digital agenda 2016, national
# strategy 2019 (sources 000, 001, 003, 004). The levels are defaults to calibrate.
DEFAULT_LEGITIMACY = {1990: 0.1, 2005: 0.3, 2008: 0.4, 2016: 0.6, 2019: 0.75}


@dataclass(frozen=True)
class MunicipalitySpec:
    name: str
    population: float
    growth: float = 0.0
    net_result: float = NATIONAL_MEAN_NET_RESULT
    competence: float | None = None  # derived from size if absent
    ambition: float | None = None  # derived from size and economy if absent
    region: str = "region"
    county: str = ""  # the county (fylke); "" everywhere: the scenario is one county
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

    def derived_competence(self, p: Parameters) -> float:
        """ICT (ordering) competence rises with size: scarce in small municipalities (002 SF19)."""
        if self.competence is not None:
            return self.competence
        return _clip(p.competence_base + p.competence_slope * math.log(self.population / p.competence_reference),
                     p.competence_min, p.competence_max)

    def derived_ambition(self, p: Parameters) -> float:
        """Digital ambition rises with size and economy (004 L721, L750)."""
        if self.ambition is not None:
            return self.ambition
        economy = p.ambition_economy * (self.net_result - NATIONAL_MEAN_NET_RESULT)
        return _clip(p.ambition_base + p.ambition_slope * math.log(self.population / p.ambition_reference) + economy, 0.0, 1.0)


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
class CountyReform:
    """From ``year`` on, the municipalities of ``counties`` lie in one county, ``into`` (Aust-Agder
    and Vest-Agder became Agder in 2020): a merger across the old line gathers one county then."""
    year: int
    into: str
    counties: tuple[str, ...]
    label: str = "county reform"


@dataclass(frozen=True)
class ScheduledShock:
    year: int
    label: str = "shock"
    size: float | None = None  # rise in perceived risk; None: the parameter shock_size


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    start_year: int
    ticks: int
    municipalities: tuple[MunicipalitySpec, ...]
    edges: tuple[tuple[str, str], ...]
    collaborations: tuple[CollaborationSpec, ...] = ()
    default_governance: str = BY_NAME["default_governance"].default
    governance: dict[str, GovernanceModel] = field(default_factory=governance_table)
    parameters: Parameters = field(default_factory=Parameters)
    perspectives: tuple[str, ...] = PERSPECTIVES
    legitimacy: dict[int, float] = field(default_factory=lambda: dict(DEFAULT_LEGITIMACY))
    junctures: tuple[Juncture, ...] = ()
    shocks: tuple[ScheduledShock, ...] = ()
    county_reforms: tuple[CountyReform, ...] = ()
    trust_within_region: float = BY_NAME["trust.within_region"].default
    trust_between_regions: float = BY_NAME["trust.between_regions"].default
    trust_by_region: dict[str, float] = field(default_factory=dict)  # within-region trust of named regions
    trust_pairs: tuple[tuple[str, str, float], ...] = ()  # baseline trust of named pairs, overriding the rest
    source: str = ""
    generator: RegionGenerator | None = None  # how the region was drawn, if it is synthetic

    @property
    def east_west_squeeze(self) -> float:
        """How long a unit of x is on a map against a unit of y: cos(mean latitude) where positions
        are longitude and latitude in degrees (the Norwegian scenarios), so a drawn region keeps
        its shape; 1 for other coordinates (the synthetic unit square)."""
        ys = [m.y for m in self.municipalities]
        if ys and 50 <= min(ys) and max(ys) <= 75:  # degrees of latitude
            return math.cos(math.radians(sum(ys) / len(ys)))
        return 1.0

    def with_overrides(self, changes: dict[str, Any], origin: str = "--set") -> Scenario:
        """This scenario with registry keys set (``--set``, experiment factors, calibration draws)."""
        return overrides.apply_overrides(self, changes, origin)

    def with_region(self, generator: RegionGenerator, where: str = "generator") -> Scenario:
        """This scenario on the region ``generator`` draws; refused if collaborations or trust
        name a municipality or region the new region lacks."""
        municipalities, edges = generated_region(generator)
        names, regions = {m.name for m in municipalities}, {m.region for m in municipalities}
        missing = sorted({m for c in self.collaborations for m in c.members} - names)
        missing += sorted({n for a, b, _ in self.trust_pairs for n in (a, b)} - names)
        missing += sorted(set(self.trust_by_region) - regions)
        if missing:
            raise ScenarioError(f"{where}: the new region lacks {', '.join(map(show, missing))}, which the scenario names")
        return replace(self, municipalities=municipalities, edges=edges, generator=generator)


def generated_region(generator: RegionGenerator) -> tuple[tuple[MunicipalitySpec, ...], tuple[tuple[str, str], ...]]:
    """The municipalities and neighbours of a synthetic region."""
    rows, edges = generate_region(generator)
    return tuple(MunicipalitySpec(**row) for row in rows), edges


def neighbours(municipalities: tuple[MunicipalitySpec, ...]) -> tuple[tuple[str, str], ...]:
    """Neighbours drawn from positions (Delaunay), for a region whose file lists no edges."""
    return delaunay_edges([m.name for m in municipalities], [(m.x, m.y) for m in municipalities])


def _clip(x: float, lo: float, hi: float) -> float:
    return min(hi, max(lo, x))
