"""imcsim analyze RESULTS: sensitivity indices, ensemble distributions and scenario discovery."""

from __future__ import annotations

import argparse
import contextlib
import io
from pathlib import Path
from typing import TYPE_CHECKING

from .options import add_out, add_quiet, check_out

if TYPE_CHECKING:
    import pandas as pd


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "analyze", help="analyse a sweep: Sobol or Morris indices, ensemble distributions, scenario discovery",
        description="Analyse the results folder of imcsim sweep according to its design: Sobol first-order and "
                    "total indices with 95% CIs (sobol), Morris mu*/sigma (morris), the distribution of outcomes "
                    "across seeds (ensemble), means with CIs per level (full_factorial) or rank correlations "
                    "(latin_hypercube). Tables (CSV) and plots (PNG) go to --out (default RESULTS/analysis/).",
        epilog="Example: imcsim analyze results/attrition_sobol --discover",
    )
    p.add_argument("results", type=Path, help="results folder written by imcsim sweep")
    p.add_argument("--outcomes", help="comma-separated outcomes to analyse (default: all; key ones printed)")
    p.add_argument("--discover", action="store_true",
                   help="scenario discovery: a decision tree (scikit-learn CART) of the parameter ranges that lead "
                        "to collapse (most members gone) vs consolidation (one dominant collaboration), and PRIM "
                        "boxes with quasi-p-values when ema_workbench is installed (imcsim[ema])")
    p.add_argument("--collapse-below", type=float, help="collapse: end member share below this (default from the experiment, 0.5)")
    p.add_argument("--dominant-above", type=float, help="consolidation: largest collaboration's share at least this (default 0.6)")
    p.add_argument("--max-depth", type=int, help="depth of the discovery tree (default 3)")
    p.add_argument("--top", type=int, default=6, help="outcomes printed and plotted (default 6)")
    add_out(p, "RESULTS/analysis")
    add_quiet(p, "tables on the screen (only the line naming the output folder)")
    p.set_defaults(handler=analyze)


def _print(df: pd.DataFrame) -> None:
    import pandas as pd

    with pd.option_context("display.width", 160, "display.max_columns", 20, "display.float_format", "{:.3f}".format):
        print(df.to_string(index=False))


def analyze(args: argparse.Namespace) -> int:
    out = args.out or args.results / "analysis"
    with contextlib.redirect_stdout(io.StringIO()) if args.quiet else contextlib.nullcontext():
        figures = _analyze(args, out)
    print(f"\ntables and plots: {out}/ ({', '.join(sorted(figures))})")
    return 0


def _analyze(args: argparse.Namespace, out: Path) -> list[str]:
    """Print and write the analysis; return the names of the figures written."""
    import matplotlib.pyplot as plt

    from ..experiments import analysis
    from ..experiments.results import require_ok_runs

    store, manifest, results = analysis.load(args.results)  # first: refuse a folder that is no sweep
    require_ok_runs(results, args.results)
    check_out(out, args.force)
    spec = manifest["spec"]
    out.mkdir(parents=True, exist_ok=True)
    wanted = [o.strip() for o in args.outcomes.split(",")] if args.outcomes else None
    outcomes = analysis.outcome_columns(manifest, results, wanted)
    shown = outcomes[: args.top] if not wanted else outcomes
    design = spec["design"]
    n_failed = int((results.status == "failed").sum()) if len(results) else 0
    print(f"{spec['name']}: {design} design, {len(results)}/{manifest['runs_planned']} runs ({n_failed} failed)")
    title = f"{spec['name']} ({Path(spec['scenario']).stem}, {len(results)} runs)"
    figures = {}
    if design == "sobol":
        table = analysis.sobol(manifest, results, outcomes)
        table.to_csv(out / "sobol.csv", index=False)
        for o in shown:
            print(f"\n{o}: Sobol indices (95% CI), sorted by total effect")
            _print(table[table.outcome == o].sort_values("ST", ascending=False).drop(columns="outcome"))
        figures["sobol.png"] = analysis.plot_sobol(table[table.outcome.isin(shown)], f"Sobol indices: {title}")
    elif design == "morris":
        table = analysis.morris(manifest, results, store.plan(), outcomes)
        table.to_csv(out / "morris.csv", index=False)
        for o in shown:
            print(f"\n{o}: Morris screening, sorted by mu*")
            _print(table[table.outcome == o].sort_values("mu_star", ascending=False).drop(columns="outcome"))
        figures["morris.png"] = analysis.plot_morris(table[table.outcome.isin(shown)], f"Morris screening: {title}")
    elif design == "ensemble":
        table = analysis.ensemble(results, outcomes)
        table.to_csv(out / "ensemble.csv", index=False)
        print("\nDistribution of outcomes across seeds")
        _print(table)
        figures["ensemble.png"] = analysis.plot_ensemble(results, shown, f"Outcomes across seeds: {title}")
    elif design == "full_factorial":
        names = [f["name"] for f in spec["factors"]]
        table = analysis.by_levels(manifest, results, outcomes)
        table.to_csv(out / "levels.csv", index=False)
        for o in shown:
            print(f"\n{o}: mean and 95% CI half-width per level")
            _print(table[table.outcome == o].drop(columns="outcome"))
        figures["levels.png"] = analysis.plot_levels(table[table.outcome.isin(shown)], names, f"Outcomes by level: {title}")
    else:
        table = analysis.correlations(manifest, results, outcomes)
        table.to_csv(out / "correlations.csv", index=False)
        for o in shown:
            print(f"\n{o}: Spearman rank correlation with each parameter")
            _print(table[table.outcome == o].drop(columns="outcome"))

    if design != "ensemble" and spec["replications"] > 1 and len(results):
        noise = analysis.seed_noise(results, shown)
        print("\nshare of variance from the seed alone (within design points): "
              + ", ".join(f"{k} {v:.2f}" for k, v in noise.items()))
    if args.discover:
        figures.update(_discover(args, spec, results, out, title))
    for name, fig in figures.items():
        fig.savefig(out / name, dpi=110)
        plt.close(fig)
    return list(figures)


def _discover(args: argparse.Namespace, spec: dict, results: pd.DataFrame, out: Path, title: str) -> dict:
    from ..experiments.discovery import discover, plot_tree

    d = spec["discovery"]
    collapse_below = args.collapse_below if args.collapse_below is not None else d["collapse_below"]
    dominant_above = args.dominant_above if args.dominant_above is not None else d["dominant_above"]
    found = discover(results, [f["name"] for f in spec["factors"]],
                     collapse_below=collapse_below, dominant_above=dominant_above,
                     max_depth=args.max_depth or d["max_depth"], min_leaf=d["min_leaf"])
    counts = found["counts"]
    print(f"\nScenario discovery (scikit-learn decision tree, depth {found['tree'].get_depth()}, "
          f"training accuracy {found['accuracy']:.2f})")
    print("runs by end state: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    _print(found["leaves"])
    found["leaves"].to_csv(out / "discovery.csv", index=False)
    (out / "discovery_tree.txt").write_text(found["text"], encoding="utf-8")
    figures = {"discovery_tree.png": plot_tree(found, f"Collapse vs consolidation: {title}")}
    figures.update(_prim(spec, results, out, title, collapse_below, dominant_above))
    return figures


def _prim(spec: dict, results: pd.DataFrame, out: Path, title: str, collapse_below: float,
          dominant_above: float) -> dict:
    """PRIM boxes through ema_workbench, or a one-line note when it is not installed."""
    from ..experiments.discovery import (
        PRIM_THRESHOLD,
        markdown_table,
        plot_prim,
        prim_boxes,
        prim_table,
    )

    boxes = prim_boxes(results, [f["name"] for f in spec["factors"]], collapse_below, dominant_above)
    if boxes is None:
        print("\nPRIM: skipped, ema_workbench is not installed (pip install 'imcsim[ema]'); decision tree only")
        return {}
    table = prim_table(boxes)
    print(f"\nPRIM (ema_workbench analysis.prim): chosen boxes, widest with density >= {PRIM_THRESHOLD}")
    _print(table)
    for case, f in boxes.items():
        if f is None:
            print(f"{case}: no run ended this way, no box")
        elif f["limits"].empty:
            print(f"{case}: no box reaches density {PRIM_THRESHOLD} (the row is the whole parameter space)")
    table.to_csv(out / "discovery_prim.csv", index=False)
    (out / "discovery_prim.md").write_text(markdown_table(table), encoding="utf-8")
    return {"discovery_prim.png": plot_prim(boxes, f"PRIM peeling trajectories: {title}")}
