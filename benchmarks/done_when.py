"""Issue 11's "done when", measured afresh on seeds of your choosing: one line per item with its
figure, its bar and the verdict, so that anybody can re-measure the claims of docs/validation.md
("Issue 11 at a glance") on seeds we never saw.

    python benchmarks/done_when.py --first-seed 777 --seeds 30 --draw 777 -j 2   # about 7 min on 2 cores

The levers (fixed cost, exit cost and notice, habit, legitimacy weight) are ``imcsim effects``'
paired runs on every shipped region, run seeds drawn from ``--draw``, 95 % t intervals; a lever
item is met on a region when one of its outcomes agrees (exits counted, or the chance of a notice,
``notice_chance``, for the exit items; small or large municipalities' membership for legitimacy).
The regions' figures are ``imcsim validate``'s patterns on seeds ``--first-seed`` onwards, 90 %
intervals, with its pass rule. The attrition experiment (``experiments/attrition_reasons.toml``)
is a sweep of its own and is not repeated here.
"""

from __future__ import annotations

import argparse
import sys
from typing import NamedTuple

from simulation.experiments import effects as fx
from simulation.experiments.effects_report import cell_text, markdown, plain
from simulation.validation.patterns import PATTERNS, patterns_for
from simulation.validation.runner import validate


class LeverItem(NamedTuple):
    text: str
    lever: str
    outcomes: tuple[str, ...]  # met on a region when any of these agrees


LEVER_ITEMS = (
    LeverItem("fixed cost ↑ → small municipalities' membership ↑", "fixed_cost", ("small_members",)),
    LeverItem("exit cost ↑ → exits ↓", "exit_cost", ("exits", "notice_chance")),
    LeverItem("notice ↑ → exits ↓", "exit_notice", ("exits", "notice_chance")),
    LeverItem("habit ↑ → members' exits ↓", "habit", ("exits", "notice_chance")),
    LeverItem("legitimacy weight ↑ → membership ↑", "legitimacy_weight", ("small_members", "large_members")),
)
LEVER_REGIONS = ("hedmark", "agder", "norway", "synthetic", "synthetic_small")

# the region items, by the validation pattern that measures each (simulation/validation/patterns.py)
PATTERN_ITEMS = {
    "norway": ("national membership ~60%", "about 40 collaborations", "small municipalities join more",
               "durable collaborations", "collaborations merge"),
    "agder": ("IKT Agder grows without exits", "Setesdal IKT merges into IKT Agder", "Setesdal IKT not dissolved"),
    "hedmark": ("bloc within a year of 2011", "late joiner 4+ years later"),
}


def lever_rows(regions: list[str], seeds: int, draw: int, workers: int, progress: bool) -> list[list[str]]:
    design = lever_design(regions, fx.run_seeds(draw, seeds))
    return rows_from_table(fx.effects_table(design, fx.run_design(design, workers, progress)), regions)


def lever_design(regions: list[str], run_seeds: list[int]) -> fx.Design:
    """The paired runs behind the lever items: their levers and outcomes on these regions and seeds."""
    levers = fx.pick(fx.LEVERS, list(dict.fromkeys(i.lever for i in LEVER_ITEMS)), "levers")
    outcomes = fx.pick(fx.OUTCOMES, list(dict.fromkeys(o for i in LEVER_ITEMS for o in i.outcomes)), "outcomes")
    return fx.Design(regions, levers, outcomes, run_seeds)


def rows_from_table(table, regions: list[str]) -> list[list[str]]:
    """One row per lever item and region from an effects table: the figures, and "met" when one
    of the item's outcomes agrees with the expected direction."""
    rows = []
    for item in LEVER_ITEMS:
        for region in regions:
            cells = table[(table.lever == item.lever) & (table.region == region)].set_index("outcome")
            met = any(cells.loc[o].verdict == fx.AGREES for o in item.outcomes)
            figures = "; ".join(f"{o} {cell_text(cells.loc[o])}" for o in item.outcomes)
            rows.append([item.text, region, figures, "met" if met else "not met"])
    return rows


def pattern_rows(regions: list[str], first_seed: int, seeds: int, workers: int) -> list[list[str]]:
    by_name = {p.name: p for p in PATTERNS}
    rows = []
    for region in (r for r in PATTERN_ITEMS if r in regions):
        wanted = [by_name[name] for name in PATTERN_ITEMS[region]]
        patterns = patterns_for(region) if region == "hedmark" else wanted
        results = validate(region, range(first_seed, first_seed + seeds), patterns=patterns, workers=workers)
        if region == "hedmark":  # "the history patterns pass": all of hedmark's, counted
            passed = sum(r.passed for r in results)
            rows.append(["the history patterns pass", region, f"{passed}/{len(results)} patterns pass",
                         "met" if passed == len(results) else "not met"])
        for r in (r for r in results if r.pattern in wanted):
            verdict = "met" if r.passed else "not met (interval straddles the bar)" if r.point_passed else "not met"
            rows.append([r.pattern.name, region, f"{r.observed()} (bar: {r.pattern.target_text})", verdict])
    return rows


def parse_regions(ap: argparse.ArgumentParser, text: str) -> list[str]:
    """--regions as a list, or the parser's error naming any region that is not one of the five."""
    regions = [r.strip() for r in text.split(",") if r.strip()]
    unknown = sorted(set(regions) - set(LEVER_REGIONS))
    if unknown:
        ap.error(f"--regions: {', '.join(unknown)} not among {', '.join(LEVER_REGIONS)}")
    return regions


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--first-seed", type=int, default=1, help="first seed of the regions' figures (default 1)")
    ap.add_argument("--seeds", type=int, default=30, help="seeds for the figures, and paired seeds per lever (default 30)")
    ap.add_argument("--draw", type=int, default=1, help="experiment seed the levers' run seeds are drawn from (default 1)")
    ap.add_argument("--regions", default=",".join(LEVER_REGIONS),
                    help="comma-separated shipped regions (default: the five the issue names)")
    ap.add_argument("-j", "--workers", type=int, default=2)
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    ap.add_argument("--quiet", action="store_true", help="no progress bar")
    args = ap.parse_args(argv)
    regions = parse_regions(ap, args.regions)
    rows = lever_rows(regions, args.seeds, args.draw, args.workers, not args.quiet)
    rows += pattern_rows(regions, args.first_seed, args.seeds, args.workers)
    header = ["item", "region", "figure", "verdict"]
    print(f"issue 11, done when: levers on {args.seeds} paired seeds (draw {args.draw}), regions' figures on "
          f"seeds {args.first_seed}-{args.first_seed + args.seeds - 1}")
    print(markdown(header, rows) if args.markdown else plain(header, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
