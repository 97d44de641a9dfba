"""Run a comparison's points, every one with the same seeds, and keep what the report reads.

A point is an override set (an option, an attribute swap, a robustness setting); each runs once per
seed, and replication ``r`` has the same seed at every point (common random numbers). Besides the
run's outcomes, each run gives one row per municipality: its ICT cost and net gain over standing
alone in the last year, whether it is a member then, and whether it ever gave notice to leave.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ... import metrics
from ...model import CollaborationModel
from ...perspectives.choice import EXIT, SWITCH
from ...progress import Progress
from ...scenario import Scenario
from ..batch import overridden
from ..engines import run_tasks

SUMMARY = ("member_share", "collaborations", "largest_share", "exits", "exit_payments", "mergers",
           "cost_small", "cost_large", "development_output")


def run_one(scenario: Scenario, overrides: dict[str, Any], seed: int) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """One run's outcomes and its municipalities' rows."""
    model = CollaborationModel(overridden(scenario, overrides), seed=seed).run()
    summary = metrics.summary(model)
    leavers = {d.municipality for d in model.decisions if d.choice in (EXIT, SWITCH)}
    towns = []
    for mm in model.municipalities:
        towns.append({"municipality": mm.name, "population": mm.population, "size_class": mm.size_class(),
                      "cost": mm.cost, "gain": mm.outcome - mm.alone_outcome,
                      "member": float(mm.collaboration is not None), "notice": float(mm.name in leavers),
                      "collaboration": mm.collaboration_name})
    frame = pd.DataFrame(towns)
    row = {k: float(summary[k]) for k in SUMMARY}
    for size in ("small", "large"):
        of = frame[frame.size_class == size]
        # every municipality of the class: one that stands alone gains nothing over standing alone
        row[f"gain_{size}_all"] = float(of.gain.mean()) if len(of) else float("nan")
    weights = frame.population / frame.population.sum()
    row["gain_region"] = float((weights * frame.gain).sum())
    row["cost_region"] = float((weights * frame.cost).sum())
    return row, towns


def run_batch(scenario: Scenario, batch: list[tuple[int, dict[str, Any], int, int]]) -> list[tuple[dict, list[dict]]]:
    """A worker's batch (``engines.run_tasks``): (point, overrides, replication, seed) each."""
    out = []
    for point, overrides, rep, seed in batch:
        row, towns = run_one(scenario, overrides, seed)
        meta = {"point": point, "replication": rep, "seed": seed}
        out.append(({**meta, **row}, [{**meta, **t} for t in towns]))
    return out


def run_points(scenario: Scenario, points: list[dict[str, Any]], seeds: list[int], workers: int = 1,
               progress: bool = True, client: Any = None, desc: str = "compare",
               draws: list[dict[str, Any]] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every point with every seed: the runs (one row each) and the municipalities (one row each per run).
    With ``draws`` (a posterior's), replication r runs draw r under the point's overrides."""
    items = [(p, {**(draws[r] if draws else {}), **overrides}, r, s)
             for p, overrides in enumerate(points) for r, s in enumerate(seeds)]
    rows: list[dict] = []
    towns: list[dict] = []

    def collect(results: list) -> None:
        for row, t in results:
            rows.append(row)
            towns.extend(t)
        bar.update(len(results))

    bar = Progress(len(items), desc, unit="run", enabled=progress)
    try:
        run_tasks(run_batch, scenario, items, collect, workers=workers, client=client)
    finally:
        bar.close()
    order = ["point", "replication"]
    return (pd.DataFrame(rows).sort_values(order, ignore_index=True),
            pd.DataFrame(towns).sort_values([*order, "municipality"], ignore_index=True))
