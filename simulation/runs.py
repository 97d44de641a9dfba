"""One simulation run, end to end: scenario -> model -> tables -> results folder."""

from __future__ import annotations

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


@contextmanager
def staged_output(out: Path) -> Iterator[Path]:
    """A fresh hidden folder next to ``out`` to write into; its files move into ``out`` only once
    everything was written, so a failed or interrupted command leaves earlier outputs intact."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out}: exists and is not a folder")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    except OSError as exc:
        raise ValueError(f"--out {out}: cannot create the folder: {exc.strerror or exc}") from None
    try:
        yield staging
        out.mkdir(exist_ok=True)
        for path in sorted(staging.iterdir()):
            os.replace(path, out / path.name)  # atomic per file on one file system
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_tables(model: CollaborationModel, out: Path, fmt: str = "csv") -> list[Path]:
    """Per-tick series (model, municipalities, collaborations), decisions and the run summary."""
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "series": metrics.series(model),
        "municipalities": metrics.municipality_series(model),
        "collaborations": metrics.collaboration_series(model),
        "decisions": metrics.decisions(model),
    }
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
