"""Options every command spells the same way: ``--out DIR`` (with ``--force``) and ``--quiet``.

``--out`` is always the folder this command writes to (not a parent of it). A folder that
already holds files is refused unless ``--force``: an earlier run is never replaced by accident.
"""

from __future__ import annotations

import argparse
from pathlib import Path

FORCE = "write into --out even if it already holds files (same-named files are replaced)"
LOCK_FILE = ".lock"  # experiments.folder_lock.LOCK_NAME: a killed sweep's lock is no user file
FORCE_RESULTS = "start again in --out: remove the results there (other files are kept)"


def add_out(p: argparse.ArgumentParser, default: str, force: str = FORCE) -> None:
    p.add_argument("--out", type=Path, default=None, metavar="DIR", help=f"output folder [{default}]")
    p.add_argument("--force", action="store_true", help=force)


def add_quiet(p: argparse.ArgumentParser, what: str = "progress output") -> None:
    p.add_argument("--quiet", "-q", action="store_true", help=f"no {what} (on stderr)")
    p.add_argument("--no-progress", dest="quiet", action="store_true", help=argparse.SUPPRESS)  # old name


def check_out(out: Path, force: bool) -> None:
    """Refuse ``out`` if it is a file, or a folder with files in it and ``force`` is not given."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out}: exists and is not a folder")
    if not force and out.is_dir() and any(p.name != LOCK_FILE for p in out.iterdir()):
        raise ValueError(f"--out {out}: already holds files; add --force to replace them, or choose another folder")


def check_sweep_out(out: Path, force: bool) -> None:
    """As :func:`check_out`, except for a folder with a sweep's results: running into it again is
    ``execute``'s to refuse (it asks for --resume or --force, and checks the plan and model)."""
    from ..experiments.folder_lock import check_free
    from ..experiments.store import ResultStore

    check_free(out)  # a running sweep's half-made folder is busy, not "already holds files"
    if not ResultStore(out).exists():
        check_out(out, force)


def check_resumable(out: Path, flag: str = "--resume") -> None:
    """``--resume`` continues the folder it names, never another: a folder without results is refused."""
    from ..experiments.store import ResultStore

    if not ResultStore(out).exists():
        raise ValueError(f"{flag}: {out} holds no results to continue; drop {flag} to start there, "
                         "or name the folder of the earlier run with --out")


def add_posterior(p: argparse.ArgumentParser) -> None:
    p.add_argument("--posterior", metavar="FILE",
                   help="integrate over a calibration's posterior (imcsim calibrate's posterior.csv): replication r "
                        "runs posterior draw r with its seed, on the registry's behaviour as calibrated")
    p.add_argument("--draws", type=int, metavar="N", help="with --posterior: N draws (replications) [the replications]")


def read_posterior(args: argparse.Namespace, replications: int):
    """(the posterior, how many draws) for ``--posterior``/``--draws``; (None, replications) without."""
    if args.draws is not None and not args.posterior:
        raise ValueError("--draws: needs --posterior FILE")
    if not args.posterior:
        return None, replications
    from ..posterior import load_posterior

    return load_posterior(args.posterior), args.draws or replications


def with_posterior(exp, args: argparse.Namespace):
    """The experiment integrating over ``--posterior`` (``--draws`` replications), or as it is."""
    import dataclasses

    posterior, n = read_posterior(args, exp.replications)
    if posterior is None:
        return exp
    return dataclasses.replace(exp, posterior=str(posterior.path.resolve()), replications=n)
