"""One run of a plan, and a batch of runs: what a worker process (or Dask worker) executes.

One run is ``metrics.summary`` of ``CollaborationModel(scenario.with_overrides(params), seed)``. A run
that raises is recorded as failed (status, error) with every outcome NaN (stored as missing), so
the sweep goes on and every part of the results has the same columns and column types.
"""

from __future__ import annotations

import time
import traceback
from pathlib import Path
from typing import Any

import pandas as pd

from .. import metrics
from ..model import CollaborationModel
from ..outcomes import OUTCOMES
from ..scenario import Scenario
from .plan import META_COLUMNS, plain


def run_one(scenario: Scenario, params: dict[str, Any], seed: int, outputs: tuple[str, ...] = (),
            series: tuple[str, ...] = ()) -> tuple[dict[str, Any], pd.DataFrame | None]:
    """Run one simulation; return its outcome row and, if asked, its per-tick series."""
    try:
        model = CollaborationModel(overridden(scenario, params), seed=seed).run()
        row = metrics.summary(model)  # a fresh dict: completed in place
        if outputs:
            row = {k: row[k] for k in outputs}
        frame = metrics.series(model)[["tick", *series]] if series else None
        row["status"], row["error"] = "ok", ""
        return row, frame
    except Exception as exc:  # noqa: BLE001 - a failing run is data, not the end of the sweep
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return {**dict.fromkeys(outputs or OUTCOMES, float("nan")), "status": "failed",
                "error": f"{type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})"}, None


_OVERRIDDEN: dict[tuple, tuple[Scenario, Scenario]] = {}
_OVERRIDDEN_MAX = 64


def overridden(scenario: Scenario, params: dict[str, Any]) -> Scenario:
    """``scenario.with_overrides(params)``, remembered for the last few distinct parameter sets.

    Replications and factor levels repeat the same overrides (100 hedmark runs: 5 distinct sets),
    and applying them costs as much as the rest of a run's bookkeeping. A Scenario is frozen; the
    cache holds its base, so an id is not reused while remembered, and is bounded (flat memory)."""
    try:
        key = (id(scenario), *((k, type(v), v) for k, v in params.items()))
        hit = _OVERRIDDEN.get(key)
    except TypeError:  # an unhashable value
        return scenario.with_overrides(params)
    if hit is not None and hit[0] is scenario:
        return hit[1]
    result = scenario.with_overrides(params)
    if len(_OVERRIDDEN) >= _OVERRIDDEN_MAX:
        _OVERRIDDEN.clear()
    _OVERRIDDEN[key] = (scenario, result)
    return result


def run_batch(scenario: Scenario, batch: list[dict[str, Any]], params: list[str], outputs: tuple[str, ...],
              series: tuple[str, ...]) -> list[tuple[dict[str, Any], pd.DataFrame | None]]:
    """Run planned rows one after the other; each result row is the plan row plus its outcomes."""
    out = []
    for planned in batch:
        start = time.perf_counter()
        row = {k: planned[k] for k in META_COLUMNS}
        values = {k: plain(planned[k]) for k in params}
        row.update(values)
        outcome, frame = run_one(scenario, values, int(planned["seed"]), outputs, series)
        row.update(outcome)
        row["elapsed"] = time.perf_counter() - start
        if frame is not None:
            frame.insert(0, "run_id", planned["run_id"])
        out.append((row, frame))
    return out
