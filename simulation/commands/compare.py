"""imcsim compare SCENARIO --governance a,b,...: the same region under each governance model."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..scenario import parse_overrides
from .options import (
    FORCE_RESULTS,
    add_out,
    add_posterior,
    add_quiet,
    check_sweep_out,
    with_posterior,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare", help="compare governance models on one region (report with figures)",
        description="Run SCENARIO under each governance model with the same seeds and horizon, and write a "
                    "Markdown report (report.md) with a table of outcomes and 95% confidence intervals and "
                    "side-by-side figures.",
        epilog="Example: imcsim compare hedmark --governance host,iks,as,loose_network --replications 20",
    )
    p.add_argument("scenario", help="scenario name (imcsim scenarios) or .toml path")
    p.add_argument("--governance", "-g", required=True,
                   help="comma-separated governance models (imcsim governance), e.g. host,iks,as")
    p.add_argument("--replications", "-r", type=int, default=10, help="seeds per governance model (default 10)")
    p.add_argument("--ticks", type=int, help="years to simulate (default: the scenario's)")
    p.add_argument("--seed", type=int, default=1, help="experiment seed from which the run seeds are drawn (default 1)")
    p.add_argument("--set", dest="overrides", action="append", metavar="KEY=VALUE",
                   help="override a parameter for every run (repeatable)")
    add_out(p, "results/compare-SCENARIO-MODELS", FORCE_RESULTS)
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted comparison in --out: reuse the runs already there")
    p.add_argument("--workers", "-j", type=int, default=os.cpu_count() or 1, help="local worker processes")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask distributed cluster")
    add_posterior(p)
    add_quiet(p)
    p.set_defaults(handler=compare)


def compare(args: argparse.Namespace) -> int:
    from ..experiments import execute, load_results
    from ..experiments.compare import (
        comparison_experiment,
        markdown_table,
        outcome_table,
        write_report,
    )

    governance = [g.strip() for g in args.governance.split(",") if g.strip()]
    if args.replications < 2:
        raise ValueError(f"--replications: need >= 2 for confidence intervals, got {args.replications}")
    if args.ticks is not None and args.ticks < 1:
        raise ValueError(f"--ticks: expected >= 1, got {args.ticks}")
    exp = comparison_experiment(args.scenario, governance, args.replications, args.ticks, args.seed,
                                parse_overrides(args.overrides))
    exp = with_posterior(exp, args)
    folder = args.out or Path("results") / exp.name
    if not args.resume:
        check_sweep_out(folder, args.force)
    print(f"{exp.name}: {len(governance)} governance models x {args.replications} seeds -> {folder}")
    # --resume reuses finished runs of the same comparison; a different one refuses to mix results
    execute(exp, folder, workers=args.workers, scheduler=args.scheduler, resume=args.resume, replace=args.force,
            progress=not args.quiet)
    report = write_report(folder, exp, governance)
    print(markdown_table(outcome_table(load_results(folder), governance), governance))
    print(f"report: {report}")
    return 0

