"""Are issue 11's timing misses a matter of calibration? A random search around the defaults.

    python benchmarks/neighbourhood.py --points 400 --scale 0.3 --seed 1 -j 2    # ~12 min on 2 cores
    python benchmarks/neighbourhood.py --points 300 --scale 0.6 --seed 2 -j 2    # wider, ~10 min
    python benchmarks/neighbourhood.py --points 600 --box --seed 3 -j 2          # the whole prior box

Hedmark's bloc within a year of 2011 and Setesdal IKT's merger in 2020-2024 are missed with the
one set (docs/validation.md). The calibration behind the defaults scored the bloc's and the
merger's *mean* year (``distances.STATISTICS``), which says nothing of how the years spread; the
issue asks for the year in *most seeds*. This script asks the issue's own question of the
parameter space around the defaults: each point multiplies every key of ``abcsmc.PRIORS`` and a
few more (``EXTRA``) by exp(N(0, ``--scale``)), clipped to the key's prior range, and scores it on
``--seeds`` run seeds with the patterns ``imcsim validate`` uses. It prints the defaults' row, the
best point for each reading, and the point whose worst reading is best (the compromise), with the
``--set`` options that re-measure it on seeds of one's own (``imcsim validate REGION -r 100
--first-seed N ...``): a point chosen on the search seeds looks better there than it is.
Every point is written to ``--out`` (JSON lines: overrides, readings).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from simulation.parameters import Parameters
from simulation.progress import Progress
from simulation.validation.abcsmc import PRIORS
from simulation.validation.calibrate import JOINT_PRIORS
from simulation.validation.patterns import patterns_for
from simulation.validation.runner import validate

# behavioural keys of the earlier joint searches the ABC priors left out, and the exclusion cost
EXTRA = {k: JOINT_PRIORS[k] for k in ("temperature", "trust_weight", "region_weight", "social_comparison",
                                      "delay_cost", "voice_weight")} | {"exclusion_cost": (0.0, 2.0)}
KEYS = dict(PRIORS) | EXTRA
# the done-when's readings of hedmark and agder (the patterns' names)
BLOC, LATE, SETESDAL = "bloc within a year of 2011", "late joiner 4+ years later", "Setesdal IKT merges into IKT Agder"
READINGS = {
    "hedmark": ("founding trio", BLOC, LATE, "no exits to 2022", "full history 3-6-7"),
    "agder": ("IKT Agder grows without exits", SETESDAL, "Setesdal IKT not dissolved"),
}
SHORT = {"founding trio": "trio", BLOC: "bloc ±1", LATE: "Sør-Odal 4+", "no exits to 2022": "no exits",
         "full history 3-6-7": "history", "IKT Agder grows without exits": "hub grows", SETESDAL: "Setesdal",
         "Setesdal IKT not dissolved": "survives"}
# the readings the compromise takes the worst of (the full history and Setesdal's survival follow from them)
COMPROMISE = ("founding trio", BLOC, LATE, "no exits to 2022", "IKT Agder grows without exits", SETESDAL)
# norway's membership band, collaborations and size gradient, judged by the patterns' own targets
MEMBERS, COLLABORATIONS, GRADIENT = "national membership ~60%", "about 40 collaborations", "small municipalities join more"


def draw_point(rng: np.random.Generator, scale: float) -> dict[str, float]:
    """Every key's default times exp(N(0, scale)), clipped to its prior range."""
    defaults = Parameters()
    point = {}
    for key, (low, high) in KEYS.items():
        value = getattr(defaults, key) * float(np.exp(rng.normal(0.0, scale)))
        point[key] = float(min(high, max(low, value)))
    return point


def draw_in_box(rng: np.random.Generator) -> dict[str, float]:
    """Every key uniform over its whole prior range (``--box``): far from the defaults too."""
    return {key: float(rng.uniform(low, high)) for key, (low, high) in KEYS.items()}


def score(overrides: dict[str, float], seeds: range, workers: int) -> dict[str, float]:
    """Each reading's share of seeds (``imcsim validate``'s value) at ``overrides``."""
    out = {}
    for region, names in READINGS.items():
        patterns = [p for p in patterns_for(region) if p.name in names]
        out |= {r.pattern.name: float(r.value) for r in validate(region, seeds, overrides, patterns=patterns,
                                                                   workers=workers)}
    return out


def worst(readings: dict[str, float]) -> float:
    return min(readings[name] for name in COMPROMISE)


def search(args: argparse.Namespace, seeds: range) -> list[dict]:
    """The defaults and ``--points`` random points, each scored; every row written to ``--out``."""
    rng = np.random.default_rng(args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    with args.out.open("w") as f, Progress(args.points + 1, "neighbourhood", unit="point") as progress:
        for i in range(args.points + 1):
            point = {} if i == 0 else draw_in_box(rng) if args.box else draw_point(rng, args.scale)
            rows.append({"overrides": point, "readings": score(point, seeds, args.workers)})
            f.write(json.dumps(rows[-1]) + "\n")
            f.flush()
            progress.update()
    return rows


def report(rows: list[dict]) -> None:
    """The defaults' row, the best point on each reading, and the compromise."""
    names = [n for names in READINGS.values() for n in names]
    print(f"{'':<24}" + "".join(f"{SHORT[n]:>12}" for n in names))

    def line(label: str, row: dict) -> None:
        print(f"{label:<24}" + "".join(f"{row['readings'][n]:>12.0%}" for n in names))

    line("defaults", rows[0])
    for name in names:
        line(f"best {SHORT[name]}", max(rows[1:], key=lambda r, n=name: r["readings"][n]))
    best = max(rows, key=lambda r: worst(r["readings"]))
    line("compromise (best worst)", best)
    print(f"points whose worst reading beats the defaults': {sum(worst(r['readings']) > worst(rows[0]['readings']) for r in rows[1:])}")
    print("the compromise, to re-measure on seeds of your own: "
          + " ".join(f"--set {k}={v:.4g}" for k, v in best["overrides"].items()))


def norway_at_setesdal_points(rows: list[dict], seeds: range, workers: int) -> None:
    """norway's membership, collaborations and size gradient at every point where Setesdal IKT
    merges in the window in most seeds: does the price of Setesdal's timing fall on norway too?"""
    points = [r for r in rows if r["overrides"] and r["readings"][SETESDAL] > 0.5]
    patterns = [p for p in patterns_for("norway") if p.name in (MEMBERS, COLLABORATIONS, GRADIENT)]
    print(f"norway (run seeds {seeds.start}-{seeds.stop - 1}) at the {len(points)} points with Setesdal IKT "
          "merged in 2020-2024 in most seeds:")
    print(f"{'bloc ±1':>8}{'Sør-Odal 4+':>12}{'Setesdal':>9}{'members':>9}{'collabs':>9}{'small-large':>12}")
    counts = {"none": 0, "band": 0, "gradient and Sør-Odal": 0}
    for r in Progress(len(points), "norway", unit="point").wrap(points):
        n = {x.pattern.name: x for x in validate("norway", seeds, r["overrides"], patterns=patterns, workers=workers)}
        h = r["readings"]
        print(f"{h[BLOC]:>8.0%}{h[LATE]:>12.0%}{h[SETESDAL]:>9.0%}"
              f"{n[MEMBERS].value:>9.2f}{n[COLLABORATIONS].value:>9.1f}{n[GRADIENT].value:>+12.2f}")
        counts["none"] += n[MEMBERS].value == 0
        counts["band"] += n[MEMBERS].point_passed
        counts["gradient and Sør-Odal"] += n[GRADIENT].point_passed and h[LATE] > 0.5
    print(f"no collaboration at all in norway: {counts['none']}; membership in 45-75 %: {counts['band']}; "
          f"small ones more often members (> +0.05) with Sør-Odal's late entry in most seeds: "
          f"{counts['gradient and Sør-Odal']}")


def plot(rows: list[dict], path: Path, where: str) -> None:
    """Each point's bloc within a year of 2011 against Setesdal's merger in the window, marked by
    whether Sør-Odal's late entry holds in most seeds; the defaults and the "most seeds" lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(0)  # jitter only: 40 seeds put every share on a grid of 1/40
    points = rows[1:]
    x = np.array([r["readings"][SETESDAL] for r in points]) + rng.uniform(-0.008, 0.008, len(points))
    y = np.array([r["readings"][BLOC] for r in points]) + rng.uniform(-0.008, 0.008, len(points))
    late = np.array([r["readings"][LATE] > 0.5 for r in points])
    fig, ax = plt.subplots(figsize=(6.5, 5))
    ax.scatter(x[~late], y[~late], s=10, color="0.65", label="Sør-Odal 4+ years later in at most half")
    ax.scatter(x[late], y[late], s=12, color="tab:blue", label="Sør-Odal 4+ years later in most seeds")
    d = rows[0]["readings"]
    ax.scatter([d[SETESDAL]], [d[BLOC]], s=120, marker="*", color="tab:red",
               label="the defaults", zorder=3)
    ax.axhline(0.5, color="k", lw=0.8, ls="--")
    ax.axvline(0.5, color="k", lw=0.8, ls="--")
    ax.text(0.98, 0.98, "both in most seeds", ha="right", va="top", transform=ax.transAxes, fontsize=8)
    ax.set_xlim(-0.03, 1.03)
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel("Setesdal IKT merged into IKT Agder in 2020-2024 (share of seeds)")
    ax.set_ylabel("Hedmark's bloc within a year of 2011 (share of seeds)")
    ax.set_title(f"{len(points)} points {where}", fontsize=10)
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.93), fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=130)
    print(f"written: {path}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=400, help="random points besides the defaults")
    ap.add_argument("--scale", type=float, default=0.3, help="sd of the log-multiplier of every key")
    ap.add_argument("--box", action="store_true", help="draw every key uniformly over its prior range instead")
    ap.add_argument("--seed", type=int, default=1, help="seed of the points' generator")
    ap.add_argument("--seeds", type=int, default=40, help="run seeds per point")
    ap.add_argument("--first-seed", type=int, default=161001)
    ap.add_argument("-j", "--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=Path("results/neighbourhood.jsonl"))
    ap.add_argument("--read", type=Path, nargs="+", metavar="FILE",
                    help="report on the points of earlier runs' --out files instead of searching")
    ap.add_argument("--norway", type=int, default=0, metavar="N",
                    help="then score norway on N run seeds at the points where Setesdal merges in the window")
    ap.add_argument("--plot", type=Path, metavar="PNG", help="draw the points' bloc against Setesdal's window")
    args = ap.parse_args(argv)
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    if args.read:
        rows = [json.loads(line) for path in args.read for line in path.read_text().splitlines()]
        rows = [rows[0]] + [r for r in rows[1:] if r["overrides"]]  # one defaults' row
        where = f"from {', '.join(p.name for p in args.read)}"
        print(f"{len(rows) - 1} points from {', '.join(map(str, args.read))} and the defaults; shares of seeds:")
    else:
        rows = search(args, seeds)
        where = "uniform over the priors" if args.box else f"at scale {args.scale}"
        print(f"{args.points} points {where} (seed {args.seed}) and the defaults, run seeds "
              f"{seeds.start}-{seeds.stop - 1}; shares of seeds:")
    report(rows)
    if args.plot:
        plot(rows, args.plot, where)
    if args.norway:
        norway_at_setesdal_points(rows, range(args.first_seed, args.first_seed + args.norway), args.workers)


if __name__ == "__main__":
    main()
