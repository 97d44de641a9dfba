"""Why outsiders join: for every decision of a municipality outside a collaboration that searched,
the weighted advantage of its best alternative (joining or founding) over standing alone, by
perspective (docs/validation.md, "Norway's membership, taken apart").

    python benchmarks/outsiders.py norway --seeds 1,2 [--set key=value ...]

Prints the median advantage (utility units; compare with the logit ``temperature``) per period and
size class, and how often each option was chosen. It wraps ``Municipality.decide`` for the run
(the decision itself is unchanged: the options are recomputed after it, from the same state).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import pandas as pd

from simulation.agents import Municipality
from simulation.model import CollaborationModel
from simulation.overrides import parse_overrides
from simulation.perspectives import choice

PERIODS = [1900, 2002, 2005, 2010, 2100]
SIZES = [0, 5_000, 15_000, float("inf")]


@contextmanager
def watching(record: Callable[[Municipality, choice.Option], None]):
    """Call ``record(municipality, chosen)`` after every decision in which a municipality searched,
    for the runs inside the block. The decision itself is unchanged: ``record`` may recompute the
    options, which depend on the state, not on the random stream."""
    decide = Municipality.decide

    def watched(self: Municipality):
        chosen = decide(self)
        if chosen is not None:
            record(self, chosen)
        return chosen

    Municipality.decide = watched
    try:
        yield
    finally:
        Municipality.decide = decide


def logging_outsiders(log: list[tuple]):
    """Record (year, population, chosen, best alternative, weighted dI, dC, dM) per search outside."""

    def record(mm: Municipality, chosen: choice.Option) -> None:
        if mm.collaboration is not None:  # carried out later in the year: still a member if it was one
            return
        options = mm.options(mm.model.env.juncture_open)
        alone = options[0].utilities
        best = max(options[1:], key=lambda o: choice.combined(o.utilities, mm.weights), default=None)
        if best is not None:
            gain = [w * (b - a) for w, b, a in zip(mm.weights, best.utilities, alone, strict=True)]
            log.append((mm.model.year, mm.population, chosen.kind, best.kind, *gain))

    return watching(record)


def draw_parser(doc: str, default_scenario: str) -> argparse.ArgumentParser:
    """The lever diagnostics' command line (scenario, --seeds runs drawn from --seed as
    ``imcsim effects`` draws them, --set), for a script to add its own options to."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("scenario", nargs="?", default=default_scenario)
    ap.add_argument("--seeds", type=int, default=30, help="runs, paired where two settings run (default 30)")
    ap.add_argument("--seed", type=int, default=1, help="experiment seed the run seeds are drawn from, as imcsim effects")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a base override")
    return ap


def seed_list(text: str) -> list[int]:
    """Seeds given as '1-60' or '1,2,5'."""
    if "-" in text:
        first, last = (int(x) for x in text.split("-"))
        return list(range(first, last + 1))
    return [int(x) for x in text.split(",")]


def watched_runs(doc: str, default_seeds: str, logger: Callable[[list[tuple]], Any]) -> tuple[argparse.Namespace, list[tuple]]:
    """The diagnostics' command line (scenario, --seeds, --set): run each seed under
    ``logger(log)`` and return the arguments and what was logged."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("scenario", nargs="?", default="norway")
    ap.add_argument("--seeds", default=default_seeds, help=f"seeds, as 1-60 or 1,2,5 (default {default_seeds})")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a parameter override")
    args = ap.parse_args()
    args.seeds = seed_list(args.seeds)
    log: list[tuple] = []
    with logger(log):
        for seed in args.seeds:
            CollaborationModel(args.scenario, seed=seed, overrides=parse_overrides(args.set) or None).run()
    return args, log


def main() -> None:
    _, log = watched_runs(__doc__, "1,2", logging_outsiders)
    df = pd.DataFrame(log, columns=["year", "population", "chosen", "best", "instrumental", "cultural", "myth"])
    df["size"] = pd.cut(df.population, SIZES, labels=["small", "medium", "large"], right=False)
    df["period"] = pd.cut(df.year, PERIODS)
    by = df.groupby(["period", "size"], observed=True)
    print("median weighted advantage of the best alternative over standing alone (utility units):")
    print(by[["instrumental", "cultural", "myth"]].median().round(2).to_string())
    print("\nchosen:")
    print(by.chosen.value_counts().unstack().fillna(0).astype(int).to_string())


if __name__ == "__main__":
    main()
