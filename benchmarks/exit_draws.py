"""Were the exits chosen or drawn? For every notice to leave alone, how far below staying the
exit's combined utility was when the municipality chose it (docs/validation.md, "The levers
on 200 paired seeds"): positive means the logit drew an option worse than staying.

    python benchmarks/exit_draws.py norway --seeds 1-60 [--set key=value ...]

Wraps ``Municipality.decide`` for the runs (``outsiders.watching``; the decisions are unchanged).
"""

from __future__ import annotations

import collections

from outsiders import watched_runs, watching

from simulation.agents import Municipality
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


def main() -> None:
    args, log = watched_runs(__doc__, "1-20", logging_exits)
    worse = [entry for entry in log if entry[2] > 0]
    print(f"{args.scenario}, {len(args.seeds)} seeds: {len(log)} exit notices, {len(worse)} of them worse than staying")
    if log:
        print("staying minus the exit is in combined utility (the logit temperature is its scale)")
        for year, name, gap, reason, collaboration, tenure, habit in sorted(log):
            print(f"  {year} {name} leaves {collaboration} after {tenure:g} years (habit {habit:.2f}): "
                  f"staying minus the exit {gap:+.2f}, reason {reason}")
        print("reasons:", dict(collections.Counter(entry[3] for entry in log).most_common()))


if __name__ == "__main__":
    main()
