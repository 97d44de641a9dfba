"""Synthetic regions: N municipalities with a skewed size distribution, regions and neighbours.

Norway has about 356 municipalities, half of them small (MODEL.md s6); collaborations form among
geographic neighbours in the same county (002 L127-129, SF1). The generator draws from its own
``seed`` so that the same region can be simulated under many model seeds and governance models.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import Delaunay

from .scenario import MunicipalitySpec

FAMILIES = ("Agresso", "Visma", "Unit4", "Other")


def generate_region(
    n: int = 100,
    seed: int = 0,
    regions: int | None = None,
    median_population: float = 5_000.0,
    sigma: float = 1.2,
    families: int = 2,
    culture_features: int = 4,
    culture_traits: int = 5,
    culture_noise: float = 0.3,
) -> tuple[tuple[MunicipalitySpec, ...], tuple[tuple[str, str], ...]]:
    """Municipalities with log-normal populations (median ~5,000, so half are small), positions in
    the unit square, Voronoi regions, region-typed culture and system families, Delaunay neighbours."""
    if n < 2:
        raise ValueError(f"n must be >= 2, got {n}")
    if not 1 <= families <= len(FAMILIES):
        raise ValueError(f"families must be in 1..{len(FAMILIES)}, got {families}")
    rng = np.random.default_rng(seed)
    regions = regions or max(2, round(n / 25))
    xy = rng.random((n, 2))
    centres = rng.random((regions, 2))
    region_of = np.argmin(((xy[:, None, :] - centres[None, :, :]) ** 2).sum(-1), axis=1)
    population = np.clip(rng.lognormal(np.log(median_population), sigma, n), 200, 700_000).round()
    # net operating result around the national mean of 4.3 % (004 L719)
    net_result = rng.normal(4.3, 2.0, n).round(1)
    growth = np.clip(0.002 * np.log(population / median_population) + rng.normal(0.0, 0.004, n), -0.02, 0.03)
    prototypes = rng.integers(0, culture_traits, (regions, culture_features))
    region_family = rng.integers(0, families, regions)
    specs = []
    for i in range(n):
        r = region_of[i]
        culture = np.where(rng.random(culture_features) < culture_noise,
                           rng.integers(0, culture_traits, culture_features), prototypes[r])
        family = region_family[r] if rng.random() < 0.8 else rng.integers(0, families)
        specs.append(MunicipalitySpec(
            name=f"M{i:03d}", population=float(population[i]), growth=round(float(growth[i]), 4),
            net_result=float(net_result[i]), region=f"R{r:02d}", family=FAMILIES[int(family)],
            autonomy=float(np.clip(rng.normal(0.5, 0.15), 0, 1)),
            receptivity=float(np.clip(rng.normal(0.5, 0.15), 0, 1)),
            culture=tuple(int(t) for t in culture), x=float(xy[i, 0]), y=float(xy[i, 1]),
            approximate=True,
        ))
    return tuple(specs), delaunay_edges(tuple(specs))


def delaunay_edges(municipalities: tuple[MunicipalitySpec, ...]) -> tuple[tuple[str, str], ...]:
    """Neighbours as a Delaunay triangulation of positions, without overly long hull edges."""
    names = [m.name for m in municipalities]
    n = len(names)
    if n < 3:
        return tuple((names[i], names[j]) for i in range(n) for j in range(i + 1, n))
    xy = np.array([[m.x, m.y] for m in municipalities], dtype=float)
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
    cutoff = 3.0 * float(np.median(list(lengths.values())))
    kept = sorted(p for p in pairs if lengths[p] <= cutoff)
    return tuple((names[i], names[j]) for i, j in kept)
