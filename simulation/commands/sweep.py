"""imcsim sweep EXPERIMENT: run every run of an experiment file into one results folder."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

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
        "sweep", help="run a parameter sweep, sensitivity design or ensemble from an experiment file",
        description="Run an experiment file (experiments/*.toml): every design point x replication, each with its "
                    "own reproducible seed, in parallel, written incrementally as Parquet to the output folder "
                    "(runs/ holds one row per run; simulation.load_results reads it). Interrupt at any time and "
                    "continue with --resume.",
        epilog="Example: imcsim sweep experiments/attrition_sobol.toml --workers 2   then   "
               "imcsim analyze results/attrition_sobol",
    )
    p.add_argument("experiment", help="experiment file (TOML)")
    p.add_argument("--workers", "-j", type=int, default=os.cpu_count() or 1,
                   help="local worker processes (default: all cores; 1 = serial in this process)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on a Dask distributed cluster, e.g. tcp://10.0.0.5:8786 (overrides --workers)")
    add_out(p, "results/NAME, NAME from the experiment file", FORCE_RESULTS)
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted sweep in --out: skip the runs already there")
    p.add_argument("--results", type=Path, help=argparse.SUPPRESS)  # deprecated: parent of --out
    p.add_argument("--max-runs", type=int, metavar="N", help="run at most N more runs, then stop (try a file; resume later)")
    p.add_argument("--fsync", action="store_true",
                   help="flush every results file to disk as it is written: finished parts survive a power loss "
                        "or an OS crash too (atomic writes already protect them against an interrupted or killed "
                        "command; default: the IMCSIM_FSYNC environment variable)")
    add_posterior(p)
    add_quiet(p)
    p.set_defaults(handler=sweep)


def sweep(args: argparse.Namespace) -> int:
    from ..experiments import execute, load_experiment, make_plan

    if args.workers < 1:
        raise ValueError(f"--workers: expected >= 1, got {args.workers}")
    if args.max_runs is not None and args.max_runs < 1:
        raise ValueError(f"--max-runs: expected >= 1, got {args.max_runs}")
    exp = with_posterior(load_experiment(args.experiment), args)
    folder = output_folder(args, exp.name)
    if not args.resume:
        check_sweep_out(folder, args.force)
    n = len(make_plan(exp))
    engine = f"Dask scheduler {args.scheduler}" if args.scheduler else (
        "serial" if args.workers == 1 else f"{args.workers} processes")
    print(f"{exp.name}: {exp.design} design, {n} runs ({n // exp.replications} points x {exp.replications} "
          f"replications) of {Path(exp.scenario).stem}; {engine} -> {folder}")
    manifest = execute(exp, folder, workers=args.workers, scheduler=args.scheduler, resume=args.resume,
                       replace=args.force, max_runs=args.max_runs, progress=not args.quiet,
                       durable=True if args.fsync else None)
    done, failed = manifest["runs_finished"], manifest["runs_failed"]
    print(f"{done}/{n} runs finished, {failed} failed -> {folder}")
    if failed:
        print(f"  failed runs are recorded with their error (status, error columns); see {folder}")
    if manifest["complete"]:
        print(f"analyse with: imcsim analyze {folder}")
        return 0
    print(f"incomplete: continue with: imcsim sweep {args.experiment} --out {folder} --resume")
    return 1


def output_folder(args: argparse.Namespace, name: str) -> Path:
    """--out, else the deprecated --results PARENT (its NAME subfolder), else results/NAME."""
    if args.out is not None:
        return args.out
    if args.results is not None:
        print(f"imcsim sweep: note: --results PARENT is deprecated; use --out {args.results / name}", file=sys.stderr)
    return (args.results or Path("results")) / name

