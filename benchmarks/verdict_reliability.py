"""How often does each of issue 11's verdicts hold on a 30-seed draw nobody chose?

Whoever re-measures our claims draws their own seeds. A lever verdict that is ✓ on the draws we
ran may be ○ on theirs when its effect sits near the edge of a 30-seed interval. This script runs
``--draws`` x ``--seeds`` paired seeds once, splits them into independent draws of ``--seeds``
each, and counts in how many draws each done-when item is met (the power of a 30-seed check); it
also gives the item on all the seeds pooled, where the interval is about sqrt(draws) times
narrower. The region items (``imcsim validate``'s patterns) are counted the same way on
consecutive seed blocks from ``--first-seed``.

    python benchmarks/verdict_reliability.py --draws 10 --seeds 30 --draw 161001 --first-seed 161001 -j 2

Writes ``OUT.csv`` (one row per item and region), ``OUT.md`` and ``OUT.png`` (the share of draws
in which each item is met, by region).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from done_when import (  # noqa: E402
    LEVER_ITEMS,
    LEVER_REGIONS,
    lever_design,
    parse_regions,
    pattern_rows,
    rows_from_table,
)

from simulation.experiments import effects as fx  # noqa: E402
from simulation.experiments.effects_report import markdown  # noqa: E402


def split(results: dict, draw: int, seeds: int) -> dict:
    """The per-seed outcomes of draw number ``draw`` (0-based): seeds draw*seeds .. (draw+1)*seeds-1."""
    return {key: runs[draw * seeds:(draw + 1) * seeds] for key, runs in results.items()}


def disagrees(table: pd.DataFrame, region: str, lever: str, outcomes: tuple[str, ...]) -> bool:
    """Whether one of the item's outcomes excludes zero on the wrong side (✗)."""
    cells = table[(table.lever == lever) & (table.region == region) & table.outcome.isin(outcomes)]
    return bool((cells.verdict == fx.DISAGREES).any())


def lever_reliability(regions: list[str], draws: int, seeds: int, draw_seed: int, workers: int,
                      progress: bool) -> list[dict]:
    """Each lever item on each region: met in how many draws, ✗ in how many, and on all seeds pooled."""
    design = lever_design(regions, fx.run_seeds(draw_seed, draws * seeds))
    results = fx.run_design(design, workers, progress)
    by_text = {i.text: i for i in LEVER_ITEMS}
    met: Counter[tuple[str, str]] = Counter()
    wrong: Counter[tuple[str, str]] = Counter()
    for d in range(draws):
        table = fx.effects_table(design, split(results, d, seeds))
        for text, region, _, verdict in rows_from_table(table, regions):
            item = by_text[text]
            met[(text, region)] += verdict == "met"
            wrong[(text, region)] += disagrees(table, region, item.lever, item.outcomes)
    pooled = fx.effects_table(design, results)
    return [{"item": text, "region": region, "draws_met": met[(text, region)], "draws_wrong_side": wrong[(text, region)],
             "draws": draws, "pooled_figure": figure,
             "pooled_verdict": "wrong side" if disagrees(pooled, region, by_text[text].lever, by_text[text].outcomes)
             and verdict != "met" else verdict}
            for text, region, figure, verdict in rows_from_table(pooled, regions)]


def pattern_reliability(regions: list[str], draws: int, seeds: int, first_seed: int, workers: int) -> list[dict]:
    """Each region item: met on how many consecutive blocks of ``seeds`` seeds, and on all pooled."""
    met: Counter[tuple[str, str]] = Counter()
    for d in range(draws):
        for text, region, _, verdict in pattern_rows(regions, first_seed + d * seeds, seeds, workers):
            met[(text, region)] += verdict == "met"
    pooled = pattern_rows(regions, first_seed, draws * seeds, workers)
    return [{"item": text, "region": region, "draws_met": met[(text, region)], "draws_wrong_side": None,
             "draws": draws, "pooled_figure": figure, "pooled_verdict": verdict}
            for text, region, figure, verdict in pooled]


def plot(frame: pd.DataFrame, regions: list[str], seeds: int, path: Path) -> None:
    """The share of draws in which each item is met, item by region (blank: not measured there);
    each cell also says whether the item is met on all the seeds pooled, and in how many draws a
    lever's effect was on the wrong side (✗)."""
    items = list(dict.fromkeys(frame["item"]))
    draws = int(frame.draws.iloc[0])
    def label(row: pd.Series) -> str:
        wrong = f", ✗ in {int(row.draws_wrong_side)}" if row.draws_wrong_side else ""
        return f"{row.draws_met}/{row.draws}{wrong}\n{draws * seeds} seeds: {row.pooled_verdict.split(' (')[0]}"

    frame = frame.assign(share=frame.draws_met / frame.draws, label=frame.fillna({"draws_wrong_side": 0}).apply(label, axis=1))
    share = frame.pivot(index="item", columns="region", values="share").reindex(index=items, columns=regions)
    labels = frame.pivot(index="item", columns="region", values="label").reindex(index=items, columns=regions)
    fig, ax = plt.subplots(figsize=(1.7 * len(regions) + 5, 0.5 * len(items) + 1.6))
    image = ax.imshow(share.to_numpy(dtype=float), cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
    for i, item in enumerate(items):
        for j, region in enumerate(regions):
            if isinstance(labels.loc[item, region], str):
                ax.text(j, i, labels.loc[item, region], ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(regions)), regions)
    ax.set_yticks(range(len(items)), [t if len(t) < 60 else t[:57] + "..." for t in items], fontsize=8)
    ax.set_title(f"Each item: met in how many of {draws} independent {seeds}-seed draws (colour), "
                 f"and on all {draws * seeds} seeds", fontsize=10)
    fig.colorbar(image, ax=ax, fraction=0.03, label="share of draws met")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--draws", type=int, default=10, help="independent draws (default 10)")
    ap.add_argument("--seeds", type=int, default=30, help="seeds in each draw (default 30, the issue's)")
    ap.add_argument("--draw", type=int, default=1, help="experiment seed the levers' run seeds come from (default 1)")
    ap.add_argument("--first-seed", type=int, default=1, help="first seed of the regions' blocks (default 1)")
    ap.add_argument("--regions", default=",".join(LEVER_REGIONS), help="comma-separated regions (default: the five)")
    ap.add_argument("--no-patterns", action="store_true", help="the lever items only")
    ap.add_argument("-j", "--workers", type=int, default=2)
    ap.add_argument("--out", default="results/verdict_reliability", help="output stem [results/verdict_reliability]")
    ap.add_argument("--quiet", action="store_true", help="no progress bar")
    args = ap.parse_args(argv)
    regions = parse_regions(ap, args.regions)
    if args.draws < 1 or args.seeds < 2:
        ap.error("--draws must be >= 1 and --seeds >= 2 (an interval needs two seeds)")
    rows = lever_reliability(regions, args.draws, args.seeds, args.draw, args.workers, not args.quiet)
    if not args.no_patterns:
        rows += pattern_reliability(regions, args.draws, args.seeds, args.first_seed, args.workers)
    frame = pd.DataFrame(rows)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out.with_suffix(".csv"), index=False)
    header = ["item", "region", f"met in draws of {args.seeds}", "✗ in draws", f"pooled ({args.draws * args.seeds} seeds)",
              "pooled verdict"]
    table = [[r["item"], r["region"], f"{r['draws_met']}/{r['draws']}",
              "" if r["draws_wrong_side"] is None else str(r["draws_wrong_side"]), r["pooled_figure"], r["pooled_verdict"]]
             for r in rows]
    text = (f"issue 11's items on {args.draws} draws of {args.seeds} seeds: levers from experiment seed {args.draw}, "
            f"regions' figures on seeds {args.first_seed}-{args.first_seed + args.draws * args.seeds - 1}\n\n"
            + markdown(header, table))
    out.with_suffix(".md").write_text(text + "\n", encoding="utf-8")
    plot(frame, regions, args.seeds, out.with_suffix(".png"))
    print(text)
    print(f"\nwrote {out.with_suffix('.csv')}, {out.with_suffix('.md')}, {out.with_suffix('.png')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
