"""Why stronger habit raises hedmark's chance of a notice: the Kongsvinger bloc's entry, moved.

    python benchmarks/habit_bloc.py --draw 161001 --seeds 300 -j 2     # ~2 min

``imcsim effects hedmark --levers habit`` compares ``habit_strength`` x0.5 with x2 on paired run
seeds drawn from ``--draw``; on 300 seeds it puts hedmark's chance of a notice *up*
(docs/validation.md, "How often a verdict holds on a draw nobody chose"). The reading there is
that habit holds outsiders to their own systems too (004 L1028), so the bloc (Kongsvinger, Grue,
Nord-Odal) comes in later, into the 2019-2023 juncture, where a newcomer has no habit and habit
is relaxed (004 L291, L1032). This script runs the same seeds at both settings and prints
Kongsvinger's first year as a member: the share in 2010-2012, in 2019-2023, never, the median,
and in how many seeds it comes later or earlier at x2.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from hedmark_fixed_cost import first_in

from simulation import CollaborationModel, metrics
from simulation.experiments import effects as fx
from simulation.scenario import load_scenario

HABIT = next(lv for lv in fx.LEVERS if lv.name == "habit")


def kongsvinger_year(job: tuple[dict, int]) -> int:
    """Kongsvinger's first simulated year as a member (0 if never)."""
    overrides, seed = job
    ms = metrics.municipality_series(CollaborationModel("hedmark", seed=seed, overrides=overrides).run())
    return first_in(ms, "Kongsvinger")[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draw", type=int, default=161001, help="experiment seed the run seeds come from")
    ap.add_argument("--seeds", type=int, default=300)
    ap.add_argument("-j", "--workers", type=int, default=2)
    args = ap.parse_args()
    scenario = load_scenario("hedmark")
    seeds = fx.run_seeds(args.draw, args.seeds)
    years = {}
    with ProcessPoolExecutor(args.workers) as pool:
        for which in ("low", "high"):
            overrides = HABIT.overrides(scenario, which)
            entered = np.array(list(pool.map(kongsvinger_year, [(overrides, s) for s in seeds], chunksize=10)))
            years[which] = np.where(entered == 0, np.inf, entered)  # never: later than any year
    print(f"hedmark, {args.seeds} run seeds from experiment seed {args.draw}: Kongsvinger's first year as a member")
    for which, label in (("low", "habit x0.5"), ("high", "habit x2")):
        y = years[which]
        print(f"{label:<10}  2010-2012 {np.mean((y >= 2010) & (y <= 2012)):.0%}  2019-2023 "
              f"{np.mean((y >= 2019) & (y <= 2023)):.0%}  never {np.mean(np.isinf(y)):.0%}  "
              f"median {np.median(y[np.isfinite(y)]):.0f}")
    later, earlier = np.sum(years["high"] > years["low"]), np.sum(years["high"] < years["low"])
    print(f"at x2 the bloc comes later (or never) in {later} seeds, earlier in {earlier}, the same year in "
          f"{args.seeds - later - earlier}")


if __name__ == "__main__":
    main()
