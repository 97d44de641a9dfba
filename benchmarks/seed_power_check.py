"""Does ``imcsim effects``' ``seeds_80`` predict what 30-seed draws do? Predicted against observed.

    python benchmarks/seed_power_check.py --draw 161001 --draws 10 --seeds 30 -j 2     # ~2 min

Runs ``--draws`` x ``--seeds`` paired seeds of four levers on hedmark, agder and synthetic_small
(the cheap regions), takes the standardised effect (mean / sd of the paired differences) on all
the seeds as true, and prints for each declared expectation the chance the power calculation
(``simulation.experiments.seed_power``) gives that a draw of ``--seeds`` excludes zero on the
effect's side, beside the share of the ``--draws`` real draws that did (docs/validation.md, "How
often a verdict holds on a draw nobody chose").
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy import stats
from verdict_reliability import split

from simulation.experiments import effects as fx
from simulation.experiments.seed_power import power_at

REGIONS = ("hedmark", "agder", "synthetic_small")
LEVERS = ("fixed_cost", "exit_cost", "habit", "legitimacy_weight")
OUTCOMES = ("small_members", "large_members", "notice_chance")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draw", type=int, default=161001, help="experiment seed the run seeds come from")
    ap.add_argument("--draws", type=int, default=10)
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("-j", "--workers", type=int, default=2)
    args = ap.parse_args()
    n = args.draws * args.seeds
    design = fx.Design(list(REGIONS), fx.pick(fx.LEVERS, LEVERS, "levers"), fx.pick(fx.OUTCOMES, OUTCOMES, "outcomes"),
                       fx.run_seeds(args.draw, n))
    results = fx.run_design(design, args.workers)
    pooled = fx.effects_table(design, results)
    draws = [fx.effects_table(design, split(results, d, args.seeds)) for d in range(args.draws)]
    print(f"{n} paired seeds from experiment seed {args.draw}, cut into {args.draws} draws of {args.seeds}")
    print(f"{'region':<16} {'lever':<18} {'outcome':<14} {'d':>7} {'seeds_80':>8}  predicted  observed")
    for i, row in pooled[pooled.expected != ""].iterrows():
        if row.verdict not in (fx.AGREES, fx.DISAGREES, fx.INCLUDES_ZERO):
            continue
        sd = (row.ci_high - row.mean_diff) / stats.t.ppf(0.5 + fx.LEVEL / 2, row.n_seeds - 1) * np.sqrt(row.n_seeds)
        d = row.mean_diff / sd  # the standardised effect on all the seeds, read back from its t interval
        side = fx.AGREES if (row.mean_diff > 0) == (row.expected == "+") else fx.DISAGREES
        seen = sum(t.loc[i, "verdict"] == side for t in draws)
        print(f"{row.region:<16} {row.lever:<18} {row.outcome:<14} {d:>+7.3f} {row.seeds_80:>8.0f}  "
              f"{power_at(d, args.seeds):>9.2f}  {seen:>4}/{args.draws}")


if __name__ == "__main__":
    main()
