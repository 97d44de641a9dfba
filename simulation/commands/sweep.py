"""imcsim sweep EXPERIMENT: run every run of an experiment file into one results folder."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from .options import (
    FORCE_RESULTS,
    add_out,
    add_posterior,
    add_quiet,
    check_resumable,
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
    p.add_argument("--repair", action="store_true",
                   help="continue a sweep whose folder has damaged files: move unreadable parts to DIR/damaged/ "
                        "(their runs run again) and rebuild a damaged manifest, then resume")
    p.add_argument("--allow-large", action="store_true",
                   help="allow a design of more than 1,000,000 runs (the plan is held in memory: ~0.5 kB a run)")
    p.add_argument("--fsync", action="store_true",
                   help="flush every results file to disk as it is written: finished parts survive a power loss "
                        "or an OS crash too (atomic writes already protect them against an interrupted or killed "
                        "command; default: the IMCSIM_FSYNC environment variable)")
    add_posterior(p)
    add_quiet(p)
    p.set_defaults(handler=sweep)


def sweep(args: argparse.Namespace) -> int:
    from ..experiments import execute, load_experiment
    from ..experiments.repair import repair
    from ..experiments.results import require_ok_runs
    from ..experiments.spec import check_size
    from ..experiments.store import ResultStore

    exp = with_posterior(load_experiment(args.experiment), args)
    n = check_size(exp, args.allow_large)  # counted, not planned: a huge design fails at once
    folder = output_folder(args, exp.name)
    resume = args.resume or args.repair
    if resume:
        check_resumable(folder, "--repair" if args.repair else "--resume")
    else:
        check_sweep_out(folder, args.force)
    if args.repair:
        for line in repair(exp, folder) or ["nothing damaged found"]:
            print(f"repair: {line}")
    engine = f"Dask scheduler {args.scheduler}" if args.scheduler else (
        "serial" if args.workers == 1 else f"{args.workers} processes")
    print(f"{exp.name}: {exp.design} design, {n} runs ({n // exp.replications} points x {exp.replications} "
          f"replications) of {Path(exp.scenario).stem}; {engine} -> {folder}")
    manifest = execute(exp, folder, workers=args.workers, scheduler=args.scheduler, resume=resume,
                       replace=args.force, max_runs=args.max_runs, progress=not args.quiet,
                       durable=True if args.fsync else None, allow_large=args.allow_large)
    done, failed = manifest["runs_finished"], manifest["runs_failed"]
    print(f"{done}/{n} runs finished, {failed} failed -> {folder}")
    if failed:
        print(f"  failed runs are recorded with their error (status, error columns); see {folder}")
    if done and failed == done:  # the sweep itself went well: exit 1, as for an unfinished one
        try:
            require_ok_runs(ResultStore(folder).results(), folder)
        except ValueError as exc:
            print(f"imcsim: error: {exc}", file=sys.stderr)
            return 1
    if manifest["complete"]:
        print(f"analyse with: imcsim analyze {folder}")
        return 0
    print(f"incomplete: continue with: {resume_command(args, folder)}")
    return 1


def resume_command(args: argparse.Namespace, folder: Path) -> str:
    """The command that continues this sweep in ``folder`` (whatever named it: --out or --results)."""
    extra = " --allow-large" if args.allow_large else ""
    return f"imcsim sweep {shlex.quote(str(args.experiment))} --out {shlex.quote(str(folder))} --resume{extra}"


def output_folder(args: argparse.Namespace, name: str) -> Path:
    """--out, else the deprecated --results PARENT (its NAME subfolder), else results/NAME."""
    if args.out is not None:
        return args.out
    if args.results is not None:
        print(f"imcsim sweep: note: --results PARENT is deprecated; use --out {args.results / name}", file=sys.stderr)
    return (args.results or Path("results")) / name

