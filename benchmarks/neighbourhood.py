"""Are issue 11's timing misses a matter of calibration? A random search around the defaults.

    python benchmarks/neighbourhood.py --points 400 --scale 0.3 --seed 1 -j 2    # ~18 min on 2 cores
    python benchmarks/neighbourhood.py --points 300 --scale 0.6 --seed 2 -j 2    # wider, ~14 min

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
READINGS = {
    "hedmark": ("founding trio", "bloc within a year of 2011", "late joiner 4+ years later", "no exits to 2022",
                "full history 3-6-7"),
    "agder": ("IKT Agder grows without exits", "Setesdal IKT merges into IKT Agder", "Setesdal IKT not dissolved"),
}
SHORT = {"founding trio": "trio", "bloc within a year of 2011": "bloc ±1", "late joiner 4+ years later": "Sør-Odal 4+",
         "no exits to 2022": "no exits", "full history 3-6-7": "history", "IKT Agder grows without exits": "hub grows",
         "Setesdal IKT merges into IKT Agder": "Setesdal", "Setesdal IKT not dissolved": "survives"}
# the readings the compromise takes the worst of (the full history and Setesdal's survival follow from them)
COMPROMISE = ("founding trio", "bloc within a year of 2011", "late joiner 4+ years later", "no exits to 2022",
              "IKT Agder grows without exits", "Setesdal IKT merges into IKT Agder")


def draw_point(rng: np.random.Generator, scale: float) -> dict[str, float]:
    """Every key's default times exp(N(0, scale)), clipped to its prior range."""
    defaults = Parameters()
    point = {}
    for key, (low, high) in KEYS.items():
        value = getattr(defaults, key) * float(np.exp(rng.normal(0.0, scale)))
        point[key] = float(min(high, max(low, value)))
    return point


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


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=400, help="random points besides the defaults")
    ap.add_argument("--scale", type=float, default=0.3, help="sd of the log-multiplier of every key")
    ap.add_argument("--seed", type=int, default=1, help="seed of the points' generator")
    ap.add_argument("--seeds", type=int, default=40, help="run seeds per point")
    ap.add_argument("--first-seed", type=int, default=161001)
    ap.add_argument("-j", "--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=Path("results/neighbourhood.jsonl"))
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    with args.out.open("w") as f, Progress(args.points + 1, "neighbourhood", unit="point") as progress:
        for i in range(args.points + 1):
            point = {} if i == 0 else draw_point(rng, args.scale)
            rows.append({"overrides": point, "readings": score(point, seeds, args.workers)})
            f.write(json.dumps(rows[-1]) + "\n")
            f.flush()
            progress.update()
    print(f"{args.points} points at scale {args.scale} (seed {args.seed}) and the defaults, run seeds "
          f"{seeds.start}-{seeds.stop - 1}; shares of seeds:")
    names = [n for names in READINGS.values() for n in names]
    short = [SHORT[n] for n in names]
    print(f"{'':<24}" + "".join(f"{n:>12}" for n in short))

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


if __name__ == "__main__":
    main()
