"""Synthetic regions: N municipalities with a skewed size distribution, regions and neighbours.

Norway has about 356 municipalities, half of them small (MODEL.md s6); collaborations form among
geographic neighbours in the same county (002 L127-129, SF1). The generator draws from its own
``seed`` so that the same region can be simulated under many model seeds and governance models.

Every number the generator uses is a field of :class:`RegionGenerator` (a scenario's
``[generator]`` table, ``--set generator.FIELD=...``). This module makes numbers only: it returns
each municipality as a dict of :class:`simulation.world.MunicipalitySpec` fields, so the data
model can use the generator without the generator knowing the data model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from .parameters import _p

FAMILIES = ("Agresso", "Visma", "Unit4", "Other")
# National mean net operating result, in % of revenue (004 L719).
NATIONAL_MEAN_NET_RESULT = 4.3
# A Delaunay edge longer than this many times the median edge spans the hull, not a border: dropped.
LONG_EDGE = 3.0
MAX_GENERATED = 2_000


@dataclass(frozen=True)
class RegionGenerator:
    """The settings of a synthetic region; defaults, bounds and units as for :class:`Parameters`."""

    # at most MAX_GENERATED: 4.7 times Norway's 428 municipalities before the 2020 reform; a tick's
    # cost grows about with n squared (pairwise trust and sameness): 0.3 s at 2,000, minutes at 10,000
    n: int = _p(100, 2, MAX_GENERATED, "Number of municipalities (at most 2,000: time per tick grows with n squared).",
                unit="municipalities")
    seed: int = _p(0, 0, 2**63 - 1, "Seed of the region's own random draws (independent of the model seed).", unit="seed")
    regions: int | None = _p(None, 1, 10_000, "Number of regions (Voronoi cells); none given: n / municipalities_per_region.",
                             "002 L127-129 (collaborations form within a county)", unit="regions")
    municipalities_per_region: float = _p(25.0, 1.0, 10_000.0, "Municipalities per region when regions is not given.",
                                          unit="municipalities/region")
    min_regions: int = _p(2, 1, 10_000, "Fewest regions when regions is not given.", unit="regions")
    median_population: float = _p(5_000.0, 200.0, 700_000.0, "Median population (log-normal sizes; about half are small).",
                                  "MODEL.md s6", unit="inhabitants")
    sigma: float = _p(1.2, 0.0, 5.0, "Spread of the log-normal population distribution (log scale).", unit="ln(inhabitants)")
    min_population: float = _p(200.0, 1.0, 1.0e7, "Smallest population drawn.", unit="inhabitants")
    max_population: float = _p(700_000.0, 1.0, 1.0e7, "Largest population drawn.", unit="inhabitants")
    net_result_sd: float = _p(2.0, 0.0, 20.0, "Spread of the net operating result around the national mean (4.3 %, 004 L719).",
                              unit="% of revenue")
    growth_slope: float = _p(0.002, 0.0, 0.1, "Yearly population growth per e-fold of size above the median (larger ones grow).",
                             unit="share/year per ln(inhabitants)")
    growth_sd: float = _p(0.004, 0.0, 0.1, "Spread of yearly population growth.", unit="share/year")
    growth_min: float = _p(-0.02, -0.5, 0.5, "Lowest yearly population growth drawn.", unit="share/year")
    growth_max: float = _p(0.03, -0.5, 0.5, "Highest yearly population growth drawn.", unit="share/year")
    families: int = _p(2, 1, len(FAMILIES), "Number of legacy system families (ERP vendors) in the region.", "001 L2471; 004 L870",
                       unit="families")
    family_share: float = _p(0.8, 0.0, 1.0, "Probability that a municipality has its region's system family.", "004 L860, L870",
                             unit="probability")
    culture_features: int = _p(4, 1, 50, "Cultural features per municipality (Axelrod).", unit="features")
    culture_traits: int = _p(5, 1, 1000, "Traits each cultural feature may take.", unit="traits")
    culture_noise: float = _p(0.3, 0.0, 1.0, "Probability that a feature departs from its region's prototype.", unit="probability")
    autonomy_mean: float = _p(0.5, 0.0, 1.0, "Mean strength of the autonomy norm.", unit="norm (0-1)")
    autonomy_sd: float = _p(0.15, 0.0, 1.0, "Spread of the autonomy norm.", unit="norm (0-1)")
    receptivity_mean: float = _p(0.5, 0.0, 1.0, "Mean receptivity to national legitimacy pressure.", unit="receptivity (0-1)")
    receptivity_sd: float = _p(0.15, 0.0, 1.0, "Spread of receptivity.", unit="receptivity (0-1)")

    def problems(self) -> list[tuple[str, str]]:
        """(field, message) for settings that are in bounds one by one but do not fit together."""
        out = []
        if self.regions is not None and self.regions > self.n:
            out.append(("regions", f"expected at most n = {self.n} regions, got {self.regions}"))
        if self.min_population > self.max_population:
            out.append(("min_population", f"expected at most max_population ({self.max_population:g}), got {self.min_population:g}"))
        if self.growth_min > self.growth_max:
            out.append(("growth_min", f"expected at most growth_max ({self.growth_max:g}), got {self.growth_min:g}"))
        return out


GENERATOR_FIELDS = {f.name: f for f in fields(RegionGenerator)}


def generate_region(g: RegionGenerator) -> tuple[tuple[dict[str, Any], ...], tuple[tuple[str, str], ...]]:
    """Municipalities with log-normal populations, positions in the unit square, Voronoi regions,
    region-typed culture and system families, Delaunay neighbours: (municipality fields, edges)."""
    import numpy as np  # on use: the settings alone are read by `imcsim params`, which must start fast

    n, families = g.n, g.families
    if n < 2:
        raise ValueError(f"n must be >= 2, got {n}")
    if not 1 <= families <= len(FAMILIES):
        raise ValueError(f"families must be in 1..{len(FAMILIES)}, got {families}")
    rng = np.random.default_rng(g.seed)
    regions = g.regions or max(g.min_regions, round(n / g.municipalities_per_region))
    xy = rng.random((n, 2))
    centres = rng.random((regions, 2))
    region_of = np.argmin(((xy[:, None, :] - centres[None, :, :]) ** 2).sum(-1), axis=1)
    population = np.clip(rng.lognormal(np.log(g.median_population), g.sigma, n), g.min_population, g.max_population).round()
    net_result = rng.normal(NATIONAL_MEAN_NET_RESULT, g.net_result_sd, n).round(1)
    growth = np.clip(g.growth_slope * np.log(population / g.median_population) + rng.normal(0.0, g.growth_sd, n),
                     g.growth_min, g.growth_max)
    prototypes = rng.integers(0, g.culture_traits, (regions, g.culture_features))
    region_family = rng.integers(0, families, regions)
    rows = []
    for i in range(n):
        r = region_of[i]
        culture = np.where(rng.random(g.culture_features) < g.culture_noise,
                           rng.integers(0, g.culture_traits, g.culture_features), prototypes[r])
        family = region_family[r] if rng.random() < g.family_share else rng.integers(0, families)
        rows.append({
            "name": f"M{i:03d}", "population": float(population[i]), "growth": round(float(growth[i]), 4),
            "net_result": float(net_result[i]), "region": f"R{r:02d}", "family": FAMILIES[int(family)],
            "autonomy": float(np.clip(rng.normal(g.autonomy_mean, g.autonomy_sd), 0, 1)),
            "receptivity": float(np.clip(rng.normal(g.receptivity_mean, g.receptivity_sd), 0, 1)),
            "culture": tuple(int(t) for t in culture), "x": float(xy[i, 0]), "y": float(xy[i, 1]),
            "approximate": True,
        })
    return tuple(rows), delaunay_edges([r["name"] for r in rows], [(r["x"], r["y"]) for r in rows])


def delaunay_edges(names: Sequence[str], positions: Sequence[tuple[float, float]]) -> tuple[tuple[str, str], ...]:
    """Neighbours as a Delaunay triangulation of positions, without overly long hull edges
    (longer than LONG_EDGE times the median edge)."""
    import numpy as np  # on use, as in generate_region
    from scipy.spatial import Delaunay

    n = len(names)
    if n < 3:
        return tuple((names[i], names[j]) for i in range(n) for j in range(i + 1, n))
    xy = np.array(positions, dtype=float)
    try:
        tri = Delaunay(xy)
    except Exception:  # collinear or coincident points: fall back to a chain by x then y
        order = np.lexsort((xy[:, 1], xy[:, 0]))
        return tuple((names[order[k]], names[order[k + 1]]) for k in range(n - 1))
    pairs = set()
    for simplex in tri.simplices:
        for a in range(3):
            i, j = sorted((int(simplex[a]), int(simplex[(a + 1) % 3])))
            pairs.add((i, j))
    lengths = {p: float(np.hypot(*(xy[p[0]] - xy[p[1]]))) for p in pairs}
    cutoff = LONG_EDGE * float(np.median(list(lengths.values())))
    kept = sorted(p for p in pairs if lengths[p] <= cutoff)
    return tuple((names[i], names[j]) for i, j in kept)
