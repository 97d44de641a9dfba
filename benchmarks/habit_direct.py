"""Habit's direct effect on the chance of a notice to leave, holding each search's state fixed
(docs/validation.md, "Exits too rare to count"): in runs at ``habit_strength`` x0.5, every
member's search is weighed again with habit x2, as ``imcsim effects`` sets the habit lever, and
the two chances of a notice (``Municipality.notice_chance``) are summed, split by whether a
juncture (a director's turnover or a scheduled one) relaxed habit in that search.

    python benchmarks/habit_direct.py hedmark --seeds 30 --seed 1 [--set key=value ...]

The paired runs of ``imcsim effects`` compare two histories, which part as soon as habit changes a
choice; this compares the same searches, so it shows the lever's direct pull and nothing else.
The runs themselves are unchanged (the second weighing draws nothing and is thrown away).
"""

from __future__ import annotations

import collections
from contextlib import contextmanager

from outsiders import draw_parser

from simulation.agents import Municipality
from simulation.experiments.plan import run_seeds
from simulation.model import CollaborationModel
from simulation.overrides import parse_overrides
from simulation.parameters import Parameters
from simulation.perspectives import choice


@contextmanager
def weighing_again(factor: float, sums: collections.defaultdict):
    """While inside, every member's search adds its chance of a notice as weighed, and as weighed
    with ``habit_strength`` times ``factor``, to ``sums[juncture]``."""
    options = Municipality.options

    def watched(self: Municipality, juncture: bool):
        opts = options(self, juncture)
        if self.collaboration is not None:
            p = self.model.params
            self.model.params = p.replace(habit_strength=p.habit_strength * factor)
            try:
                alt = options(self, juncture)
            finally:
                self.model.params = p
            row = sums[juncture]
            row[0] += 1
            row[1] += self.notice_chance(opts, choice.combined_all(opts, self.weights))
            row[2] += self.notice_chance(alt, choice.combined_all(alt, self.weights))
        return opts

    Municipality.options = watched
    try:
        yield
    finally:
        Municipality.options = options


def main() -> None:
    args = draw_parser(__doc__, "hedmark").parse_args()
    base = parse_overrides(args.set)
    low = float(base.get("habit_strength", Parameters().habit_strength)) * 0.5
    sums: collections.defaultdict = collections.defaultdict(lambda: [0, 0.0, 0.0])
    with weighing_again(4.0, sums):
        for seed in run_seeds(args.seed, args.seeds):
            CollaborationModel(args.scenario, seed=seed, overrides={**base, "habit_strength": low}).run()
    print(f"{args.scenario}, {args.seeds} runs (experiment seed {args.seed}) at habit_strength {low:g}; "
          f"each member's search weighed again at {4 * low:g}")
    total = [sum(r[i] for r in sums.values()) for i in range(3)]
    for label, row in (("ordinary year", sums[False]), ("juncture open", sums[True]), ("all searches", total)):
        n, at_low, at_high = row
        change = f"{(at_high - at_low) / at_low:+.0%}" if at_low > 0 else "n/a"
        print(f"  {label:14s} {int(n):7d} searches: expected notices {at_low:8.4f} → {at_high:8.4f} ({change})")


if __name__ == "__main__":
    main()
