"""One simulation run, end to end: scenario -> model -> tables -> results folder."""

from __future__ import annotations

import glob
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib.pyplot as plt

from . import metrics, plots
from .model import CollaborationModel
from .scenario import Scenario, load_scenario


def simulate(scenario: str | Path | Scenario, seed: int = 1, overrides: dict | None = None,
             ticks: int | None = None) -> CollaborationModel:
    """Build and run a model; ``ticks`` overrides the scenario's horizon."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, overrides)
    elif overrides:
        scenario = scenario.with_overrides(overrides)
    if ticks is not None:
        scenario = scenario.with_overrides({"ticks": ticks})
    return CollaborationModel(scenario, seed=seed).run()


# the tables write_tables writes, each from its reader in metrics
TABLES = {"series": metrics.series, "municipalities": metrics.municipality_series,
          "collaborations": metrics.collaboration_series, "decisions": metrics.decisions, "mergers": metrics.mergers}
OUTPUT_NAMES = frozenset(f"{stem}.{ext}" for stem in TABLES for ext in ("csv", "parquet")) | {"summary.json"} | {
    f"{stem}.png" for stem in ("membership", "costs", "coordination", "network")}


@contextmanager
def staged_output(out: Path) -> Iterator[Path]:
    """A fresh hidden folder next to ``out`` to write into, which then replaces ``out`` as a whole.

    The new folder gets this run's files and the user's own files from ``out`` (hard links, or
    copies across devices); files of an earlier run that this one did not write (plots, now with
    --no-plots; the other table format) are not carried over, so ``out`` never mixes two runs.
    The swap is two renames (``out`` aside, the new folder in); should the second fail, the first
    is undone. A failed or interrupted command leaves ``out`` as it was, and a later command
    removes staging folders of processes that are gone (and puts back an ``out`` a kill left aside)."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out}: exists and is not a folder")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _clean_stale(out)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.{os.getpid()}.", suffix=".partial", dir=out.parent))
    except (FileExistsError, NotADirectoryError):
        raise ValueError(f"--out {out}: cannot create the folder: a part of the path is a file, not a folder") from None
    except OSError as exc:
        raise ValueError(f"--out {out}: cannot create the folder: {exc.strerror or exc}") from None
    try:
        yield staging
        written = {p.name for p in staging.iterdir()}
        if out.is_dir():
            for path in out.iterdir():
                if path.name not in written and path.name not in OUTPUT_NAMES:
                    _carry(path, staging / path.name)
        _swap(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _carry(source: Path, dest: Path) -> None:
    """A user's file or folder into the new output folder: hard links where possible."""
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, dest, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(source, dest)


def _link_or_copy(source, dest) -> None:
    try:
        os.link(source, dest, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, dest, follow_symlinks=False)


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staging, out)
        return
    aside = out.with_name(f".{out.name}.{os.getpid()}.old")
    os.rename(out, aside)
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(aside, out)  # undo: the earlier outputs stay
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _clean_stale(out: Path) -> None:
    """Staging folders of ``out`` whose process is gone, and an ``out`` a killed swap left aside."""
    for path in out.parent.glob(f".{glob.escape(out.name)}.*"):
        parts = path.name[len(out.name) + 2:].split(".")
        if not parts[0].isdigit() or _alive(int(parts[0])):
            continue
        if path.name.endswith(".old") and not out.exists():
            os.rename(path, out)  # killed between the two renames: the earlier outputs come back
        elif path.name.endswith((".old", ".partial")):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def write_tables(model: CollaborationModel, out: Path, fmt: str = "csv") -> list[Path]:
    """Per-tick series (model, municipalities, collaborations), decisions, mergers and the run summary."""
    out.mkdir(parents=True, exist_ok=True)
    tables = {name: read(model) for name, read in TABLES.items()}
    written = []
    for name, df in tables.items():
        path = out / f"{name}.{fmt}"
        if fmt == "parquet":
            df.to_parquet(path, index=False)
        else:
            df.to_csv(path, index=False)
        written.append(path)
    summary = {"scenario": model.scenario.name, "seed": model.seed, "ticks": model.steps,
               **metrics.summary(model)}
    path = out / "summary.json"
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    written.append(path)
    return written


def write_plots(model: CollaborationModel, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    s = metrics.series(model)
    name = model.scenario.name
    figures = {
        "membership": plots.membership(metrics.collaboration_series(model), s, len(model.municipalities),
                                       f"{name}: membership by collaboration (seed {model.seed})"),
        "costs": plots.costs(s, f"{name}: ICT cost per inhabitant by size class (seed {model.seed})"),
        "coordination": plots.coordination(s, f"{name}: coordination, leakage, lock-in (seed {model.seed})"),
        "network": plots.network(model),
    }
    written = []
    for stem, fig in figures.items():
        path = out / f"{stem}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written
