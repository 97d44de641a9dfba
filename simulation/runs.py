"""One simulation run, end to end: scenario -> model -> tables -> results folder."""

from __future__ import annotations

import json
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
