"""What lies behind an ``imcsim effects`` verdict: the decisions of paired runs, by size class
(docs/validation.md, "Where the model does not show the expected direction, and why").

Runs a region at a low and a high override set (on top of an optional base, e.g. the wave-2
mechanisms on) with the same seeds as ``imcsim effects --seed 1`` and prints, per run, the year's
counters (joins, rejections, foundings, dissolutions, exits, mergers), the decisions of small,
medium and large municipalities (size class at the start) and how many of them entered a
collaboration, the exit notices by size class and attrition reason, and how many municipalities
gave notice more than once (churn).

    PYTHONPATH=. python experiments/effects_decisions.py synthetic --low fixed_cost=4e6 --high fixed_cost=1.6e7
    PYTHONPATH=. python experiments/effects_decisions.py norway --low perspectives=cultural,myth --seeds 4
    PYTHONPATH=. python experiments/effects_decisions.py norway --preset mechanisms-on \\
        --low legitimacy_weight=0.5 --high legitimacy_weight=2 --seeds 4
"""

from __future__ import annotations

import argparse
from collections import Counter

from simulation import CollaborationModel, load_scenario, metrics
from simulation.experiments.effects import DEFAULT_SEED, PRESETS
from simulation.experiments.plan import run_seeds
from simulation.overrides import parse_overrides

COUNTERS = ("joins", "rejections", "foundings", "dissolutions", "exits", "mergers")
CHOICES = ("join", "found", "exit", "switch", "stay")
CLASSES = ("small", "medium", "large")


def tally(region: str, overrides: dict, seeds: list[int]) -> dict:
    """Per-run means of the counters, of each size class's decisions and entries, and of exit
    notices by (size class, reason)."""
    counts: Counter = Counter()
    scenario = load_scenario(region, overrides or None)
    for seed in seeds:
        model = CollaborationModel(scenario, seed=seed).run()
        summary = metrics.summary(model)
        counts.update({k: summary.get(k, 0) for k in COUNTERS})
        ms = metrics.municipality_series(model).sort_values(["name", "tick"])
        size_class = ms[ms.tick == 0].set_index("name").size_class
        d = metrics.decisions(model)
        d = d.assign(cls=d.municipality.map(size_class))
        counts.update((c, ch) for c, ch in zip(d.cls, d.choice, strict=True) if ch in CHOICES)
        exits = d[d.choice == "exit"]
        counts.update(("exit", c, r) for c, r in zip(exits.cls, exits.reason, strict=True))
        counts["gave notice more than once"] += int((exits.groupby("municipality").size() > 1).sum())
        before = ms.groupby("name").collaboration.shift()
        entered = ms[(before == "") & (ms.collaboration != "")]
        counts.update((c, "entered") for c in entered.name.map(size_class))
    return {k: v / len(seeds) for k, v in counts.items()}


def show(label: str, overrides: dict, t: dict) -> None:
    print(f"== {label}: {overrides}")
    print("  per run:", {k: round(t.get(k, 0), 1) for k in (*COUNTERS, "gave notice more than once")})
    for c in CLASSES:
        print(f"  {c}:", {ch: round(t.get((c, ch), 0), 1) for ch in (*CHOICES[:1], "entered", *CHOICES[1:])})
    print("  exit notices (class, reason):",
          {k[1:]: round(v, 1) for k, v in sorted(t.items(), key=str) if isinstance(k, tuple) and k[0] == "exit"})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("region")
    ap.add_argument("--low", action="append", default=[], metavar="KEY=VALUE", help="the low setting (repeatable)")
    ap.add_argument("--high", action="append", default=[], metavar="KEY=VALUE", help="the high setting (repeatable)")
    ap.add_argument("--set", dest="base", action="append", default=[], metavar="KEY=VALUE", help="base setting")
    ap.add_argument("--preset", choices=sorted(PRESETS), help="named base setting (effects.PRESETS)")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args()
    base = {**(PRESETS[args.preset] if args.preset else {}), **parse_overrides(args.base)}
    seeds = run_seeds(args.seed, args.seeds)
    for label, items in (("low", args.low), ("high", args.high)):
        overrides = parse_overrides(items)
        show(label, overrides, tally(args.region, {**base, **overrides}, seeds))


if __name__ == "__main__":
    main()
