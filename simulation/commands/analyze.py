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
        epilog="Example: imcsim analyze results/norway_attrition_sobol --noise-seeds 20 --convergence --discover",
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
    p.add_argument("--prim-threshold", type=float, default=None, metavar="D",
                   help="PRIM: choose the widest box whose density (share of its runs that are the case) is at "
                        "least D (default 0.8); lower it for a rare case, e.g. consolidation in a few %% of runs")
    p.add_argument("--top", type=int, default=6, help="outcomes printed and plotted (default 6)")
    p.add_argument("--noise-seeds", type=int, default=0, metavar="K",
                   help="seed-noise floor of a Morris or Sobol design without replications: run the experiment "
                        "K times at the centre of its ranges (seeds derived from the experiment seed) and draw "
                        "the mu* or ST that noise alone gives on every plot (designs with replications use "
                        "those instead; docs/experiments.md)")
    p.add_argument("--convergence", action="store_true",
                   help="Morris/Sobol: the indices from the first quarter, half and all of the design points, "
                        "plotted against their number")
    p.add_argument("--workers", "-j", type=int, default=1, help="processes for the --noise-seeds runs (default 1)")
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
    if args.noise_seeds < 0 or args.noise_seeds == 1:
        raise ValueError(f"--noise-seeds: expected 0 (none) or at least 2 seeds, got {args.noise_seeds}")
    if args.prim_threshold is not None and not 0 < args.prim_threshold <= 1:
        raise ValueError(f"--prim-threshold: expected a density in (0, 1], got {args.prim_threshold}")
    for flag, given in (("--noise-seeds", args.noise_seeds), ("--convergence", args.convergence)):
        if given and manifest["spec"]["design"] not in ("sobol", "morris"):
            raise ValueError(f"{flag}: only for Morris and Sobol designs (this one is {manifest['spec']['design']})")
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
    if design in ("sobol", "morris"):
        figures.update(_sensitivity(args, store, manifest, results, outcomes, shown, out, title))
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
        figures.update(_variance_split(results, outcomes, shown, out, title))
    if args.discover:
        figures.update(_discover(args, spec, results, out, title))
    for name, fig in figures.items():
        fig.savefig(out / name, dpi=110)
        plt.close(fig)
    return list(figures)


def _sensitivity(args: argparse.Namespace, store, manifest: dict, results: pd.DataFrame, outcomes: list[str],
                 shown: list[str], out: Path, title: str) -> dict:
    """Sobol or Morris indices with the seed-noise floor, Sobol S2 heat map, convergence."""
    from ..experiments import analysis, convergence, noise
    from ..progress import Progress

    spec = manifest["spec"]
    design = spec["design"]
    centre = None
    if args.noise_seeds and spec["replications"] > 1:
        print(f"--noise-seeds: not run, the design's {spec['replications']} replications per point measure the noise")
    if args.noise_seeds and spec["replications"] == 1:
        with Progress(args.noise_seeds, "noise runs at the centre", enabled=not args.quiet) as bar:
            centre = noise.centre_runs(manifest, args.noise_seeds, workers=args.workers, progress=bar)
        centre.to_csv(out / "noise_runs.csv", index=False)
    seed_var = noise.floor_variance(manifest, results, outcomes, centre)
    reps = int(spec["replications"])
    figures = {}
    s2 = None
    if design == "sobol":
        table, s2 = analysis.sobol_indices(manifest, results, outcomes)
        means = analysis.per_sample(results[results.status == "ok"], outcomes, int(results["sample"].max()) + 1)
        floor = noise.sobol_floor(seed_var.seed_var, means, reps)
        key, name, plot = "ST", "sobol", analysis.plot_sobol
        heading, caption = "Sobol indices (95% CI), sorted by total effect", "Sobol indices"
    else:
        table = analysis.morris(manifest, results, store.plan(), outcomes)
        floor = noise.morris_floor(seed_var.seed_var, reps, spec["num_levels"])
        key, name, plot = "mu_star", "morris", analysis.plot_morris
        heading, caption = "Morris screening, sorted by mu*", "Morris screening"
    table.to_csv(out / f"{name}.csv", index=False)
    for o in shown:
        print(f"\n{o}: {heading}; seed-noise floor of {key} {_num(floor[o])}")
        _print(table[table.outcome == o].sort_values(key, ascending=False).drop(columns="outcome"))
    figures[f"{name}.png"] = plot(table[table.outcome.isin(shown)], f"{caption}: {title}", floor.to_dict())
    if s2 is not None and len(s2):
        s2.to_csv(out / "sobol_s2.csv", index=False)
        figures["sobol_s2.png"] = analysis.plot_sobol_s2(s2[s2.outcome.isin(shown)], f"Second-order Sobol indices: {title}")
    floors = seed_var.assign(**{f"{key}_floor": floor}).reset_index()
    floors.to_csv(out / "noise_floor.csv", index=False)
    print(f"\nseed-noise floor ({floors.source.iloc[0]}): written to noise_floor.csv"
          + ("" if floors.seed_var.notna().any() else "; add --noise-seeds K to measure it"))
    if args.convergence:
        if design == "sobol":
            means = analysis.per_sample(results[results.status == "ok"], shown, int(results["sample"].max()) + 1)
            conv = convergence.sobol_convergence(manifest, means, shown)
        else:
            x, means = analysis.morris_inputs(manifest, results, store.plan(), shown)
            conv = convergence.morris_convergence(manifest, x, means, shown)
        conv.to_csv(out / f"{name}_convergence.csv", index=False)
        figures[f"{name}_convergence.png"] = convergence.plot_convergence(
            conv, key, f"Convergence of {key}: {title}", floor.to_dict())
        print(f"convergence: {key} from {', '.join(str(r) for r in sorted(conv.points.unique()))} design points "
              f"written to {name}_convergence.csv")
    return figures


def _num(value: float) -> str:
    return "not measured" if value != value else f"{value:.4g}"


def _variance_split(results: pd.DataFrame, outcomes: list[str], shown: list[str], out: Path, title: str) -> dict:
    """Law of total variance over a replicated design: the seed's and the parameters' parts."""
    from ..experiments import noise

    split = noise.variance_split(results, outcomes)
    split.to_csv(out / "variance_split.csv", index=False)
    print("\nvariance of each outcome: share between design points (parameters) and within them (seed)")
    _print(split[split.outcome.isin(shown)])
    return {"variance_split.png": noise.plot_variance_split(split, f"Variance split: {title}")}


def _discover(args: argparse.Namespace, spec: dict, results: pd.DataFrame, out: Path, title: str) -> dict:
    from ..experiments.discovery import PRIM_THRESHOLD, discover, plot_tree, skill

    d = spec["discovery"]
    collapse_below = args.collapse_below if args.collapse_below is not None else d["collapse_below"]
    dominant_above = args.dominant_above if args.dominant_above is not None else d["dominant_above"]
    found = discover(results, [f["name"] for f in spec["factors"]],
                     collapse_below=collapse_below, dominant_above=dominant_above,
                     max_depth=args.max_depth or d["max_depth"], min_leaf=d["min_leaf"])
    counts = found["counts"]
    print(f"\nScenario discovery (scikit-learn decision tree, depth {found['tree'].get_depth()}): "
          f"cross-validated accuracy {found['cv_accuracy']:.2f} ± {found['cv_accuracy_sd']:.2f} "
          f"({found['cv_folds']}-fold; balanced {found['cv_balanced_accuracy']:.2f}; training {found['accuracy']:.2f}; "
          f"always the commonest class {found['baseline']:.2f})")
    print(f"held out, the tree {skill(found)}")
    print("runs by end state: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    _print(found["leaves"])
    found["leaves"].to_csv(out / "discovery.csv", index=False)
    (out / "discovery_tree.txt").write_text(found["text"], encoding="utf-8")
    figures = {"discovery_tree.png": plot_tree(found, f"Collapse vs consolidation: {title}")}
    threshold = args.prim_threshold if args.prim_threshold is not None else PRIM_THRESHOLD
    figures.update(_prim(spec, results, out, title, collapse_below, dominant_above, threshold))
    return figures


def _prim(spec: dict, results: pd.DataFrame, out: Path, title: str, collapse_below: float,
          dominant_above: float, threshold: float) -> dict:
    """PRIM boxes through ema_workbench, or a one-line note when it is not installed."""
    from ..experiments.discovery import (
        markdown_table,
        plot_prim,
        prim_boxes,
        prim_table,
    )

    boxes = prim_boxes(results, [f["name"] for f in spec["factors"]], collapse_below, dominant_above, threshold)
    if boxes is None:
        print("\nPRIM: skipped, ema_workbench is not installed (pip install 'imcsim[ema]'); decision tree only")
        return {}
    table = prim_table(boxes)
    print(f"\nPRIM (ema_workbench analysis.prim): chosen boxes, widest with density >= {threshold}")
    _print(table)
    for case, f in boxes.items():
        if f is None:
            print(f"{case}: no run ended this way, no box")
        elif f["limits"].empty:
            print(f"{case}: no box reaches density {threshold} (the row is the whole parameter space)")
    table.to_csv(out / "discovery_prim.csv", index=False)
    (out / "discovery_prim.md").write_text(markdown_table(table), encoding="utf-8")
    return {"discovery_prim.png": plot_prim(boxes, f"PRIM peeling trajectories: {title}")}
