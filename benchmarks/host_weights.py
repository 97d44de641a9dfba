"""Whose perspective decides the Kongsvinger region's entry into HIKT: the host's or the applicants'.

    python benchmarks/host_weights.py --first-seed 1 --seeds 100 -j 2     # ~20 s

docs/teaching.md ("Whose perspective matters?") asks a class whose way of thinking sets the year
the Kongsvinger bloc (Kongsvinger, Grue, Nord-Odal) comes into the Hamar trio's collaboration.
Under the host model Hamar decides admissions (004 L796). This script gives Hamar, or Grue, one
of the page's three presets of perspective weights (w_instrumental, w_cultural, w_myth) and
prints, per setting, on the same seeds: the year Grue first becomes a member of any
collaboration (median and quartiles; "never" if not by the run's end) and the share of seeds in
which the bloc joins the trio's collaboration in 2009-2013 (`imcsim validate hedmark`'s pattern
"regional bloc joins", 004 L301), with a 95 % Wilson interval.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from hedmark_fixed_cost import first_in

from simulation import metrics
from simulation.scenario import load_scenario
from simulation.validation import patterns
from simulation.validation.runner import wilson

PRESETS = {"calculating": (2, 0, 0), "traditional": (0.5, 2, 0.5), "fashion-following": (1, 1, 3)}
SETTINGS = [("none (the defaults: 1, 1, 1)", None, None), *[(f"Hamar {p}", "Hamar", p) for p in PRESETS],
            ("Grue calculating", "Grue", "calculating")]


def overrides(who: str | None, preset: str | None) -> dict:
    if who is None:
        return {}
    keys = ("w_instrumental", "w_cultural", "w_myth")
    return {f"municipalities.{who}.{k}": v for k, v in zip(keys, PRESETS[preset], strict=True)}


def one(job: tuple[dict, int]) -> tuple[int, bool]:
    """Grue's first year in any collaboration (0 if never) and whether the bloc joins in 2009-2013
    (the pattern itself, on the same run)."""
    over, seed = job
    scenario = load_scenario("hedmark", over)
    runs = patterns.Runs(scenario, seed, scenario.ticks)
    return first_in(metrics.municipality_series(runs.get()), "Grue")[0], patterns.bloc_join(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--seeds", type=int, default=100)
    ap.add_argument("-j", "--workers", type=int, default=2)
    args = ap.parse_args()
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    print(f"hedmark, seeds {seeds.start}-{seeds.stop - 1}, the defaults otherwise\n")
    print("| weights changed | Grue a member from: median (quartiles) | bloc joins in 2009-2013 |")
    print("|---|---|---|")
    with ProcessPoolExecutor(args.workers) as pool:
        for label, who, preset in SETTINGS:
            over = overrides(who, preset)
            res = list(pool.map(one, [(over, s) for s in seeds], chunksize=10))
            years = np.array([y for y, _ in res if y])
            never = sum(1 for y, _ in res if not y)
            hits = sum(w for _, w in res)
            lo, hi = wilson(hits, len(res), level=0.95)
            q1, med, q3 = np.percentile(years, [25, 50, 75]) if len(years) else (np.nan,) * 3
            never_text = f"; not by the run's end in {never}" if never else ""
            print(f"| {label} | {med:.0f} ({q1:.0f}-{q3:.0f}){never_text} | "
                  f"{hits / len(res):.0%} [{lo:.0%}, {hi:.0%}] |")


if __name__ == "__main__":
    main()
