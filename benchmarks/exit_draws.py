"""Were the exits chosen or drawn? For every notice to leave alone, how far below staying the
exit's combined utility was when the municipality chose it (docs/validation.md, "Exits at the
one set, on 200 seeds"): positive means the logit drew an option worse than staying.

    python benchmarks/exit_draws.py norway --seeds 1-60 [--set key=value ...]

Wraps ``Municipality.decide`` for the runs (``outsiders.watching``; the decisions are unchanged).
"""

from __future__ import annotations

import argparse
import collections

from outsiders import watching

from simulation.agents import Municipality
from simulation.model import CollaborationModel
from simulation.overrides import parse_overrides
from simulation.perspectives import choice, cultural


def logging_exits(log: list[tuple]):
    """Record (year, municipality, staying minus the exit in combined utility, reason, collaboration,
    tenure, habit) per exit notice."""

    def record(mm: Municipality, chosen: choice.Option) -> None:
        if chosen.kind != choice.EXIT:
            return
        juncture = mm.model.env.juncture_open
        options = mm.options(juncture)
        u = choice.combined_all(options, mm.weights)
        exit_u = max(x for x, o in zip(u, options, strict=True) if o.kind == choice.EXIT)
        log.append((mm.model.year, mm.name, u[0] - exit_u, mm.reason, mm.collaboration.name, mm.tenure,
                    cultural.habit(mm.tenure, juncture, mm.model.params)))

    return watching(record)


def seeds(text: str) -> list[int]:
    """'1-60' or '1,2,5'."""
    if "-" in text:
        first, last = (int(x) for x in text.split("-"))
        return list(range(first, last + 1))
    return [int(x) for x in text.split(",")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario", nargs="?", default="norway")
    ap.add_argument("--seeds", default="1-20", help="seeds, as 1-60 or 1,2,5 (default 1-20)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a parameter override")
    args = ap.parse_args()
    log: list[tuple] = []
    runs = seeds(args.seeds)
    with logging_exits(log):
        for seed in runs:
            CollaborationModel(args.scenario, seed=seed, overrides=parse_overrides(args.set) or None).run()
    worse = [entry for entry in log if entry[2] > 0]
    print(f"{args.scenario}, {len(runs)} seeds: {len(log)} exit notices, {len(worse)} of them worse than staying")
    if log:
        print("staying minus the exit is in combined utility (the logit temperature is its scale)")
        for year, name, gap, reason, collaboration, tenure, habit in sorted(log):
            print(f"  {year} {name} leaves {collaboration} after {tenure:g} years (habit {habit:.2f}): "
                  f"staying minus the exit {gap:+.2f}, reason {reason}")
        print("reasons:", dict(collections.Counter(entry[3] for entry in log).most_common()))


if __name__ == "__main__":
    main()
