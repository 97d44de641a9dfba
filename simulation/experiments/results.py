"""Load what imcsim wrote: a sweep's or comparison's runs, or one ``imcsim run``, as DataFrames.

    from simulation import load_results, load_series
    runs = load_results("results/attrition_sobol")      # one row per run
    series = load_series("results/attrition_sobol")     # one row per run and tick (if kept)

A sweep's run parts are also plain Parquet: ``pd.read_parquet(folder / "runs")`` reads them
without imcsim (the columns are described in README, "Loading results").
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .store import ResultStore


def load_results(folder: str | Path) -> pd.DataFrame:
    """The runs in ``folder``, one row per run, sorted by ``run_id``.

    For a sweep or comparison (``imcsim sweep``, ``imcsim compare``): ``run_id``, ``sample`` (the
    design point), ``replication``, ``seed``, the varied parameters, the outcomes
    (``simulation.outcomes.OUTCOMES``, or the experiment's ``outputs``), ``status`` (``ok`` or
    ``failed``), ``error`` and ``elapsed`` (seconds). A failed run's outcomes are missing (NaN).
    An unfinished sweep gives the runs finished so far. The experiment and provenance are in
    ``folder/manifest.json``.

    For one run (``imcsim run``): a single row, ``summary.json`` (scenario, seed, ticks, outcomes).

    Raises ``FileNotFoundError`` for a folder that holds neither."""
    folder = Path(folder)
    store = ResultStore(folder)
    if store.exists():
        return store.results()
    summary = folder / "summary.json"
    if summary.exists():
        return pd.DataFrame([json.loads(summary.read_text(encoding="utf-8"))])
    raise FileNotFoundError(f"{folder}: no results of imcsim sweep, compare or run (no manifest.json, "
                            "plan.parquet or summary.json)")


def load_series(folder: str | Path) -> pd.DataFrame:
    """The per-tick series in ``folder``, one row per run and tick.

    For a sweep or comparison: ``run_id``, ``tick`` and the experiment's ``series`` columns (empty
    if it kept none; only runs whose outcome row was written). For one run: its ``series.csv`` or
    ``series.parquet`` (every column of ``simulation.outcomes.SERIES``, with ``tick``)."""
    folder = Path(folder)
    store = ResultStore(folder)
    if store.exists():
        return store.series()
    for name, read in (("series.parquet", pd.read_parquet), ("series.csv", pd.read_csv)):
        if (folder / name).exists():
            return read(folder / name)
    raise FileNotFoundError(f"{folder}: no results of imcsim sweep, compare or run")


def require_ok_runs(results: pd.DataFrame, folder: str | Path) -> None:
    """Refuse, in one line, results in which no run finished without an error (nothing to analyse)."""
    if "status" in results and len(results) and not (results.status == "ok").any():
        first = results.error.iloc[0] if "error" in results else "unknown"
        raise ValueError(f"{folder}: every run failed ({len(results)} of {len(results)}), nothing to analyse; "
                         f"the first error: {first}")
    if not len(results):
        raise ValueError(f"{folder}: no finished runs yet, nothing to analyse; continue the sweep with --resume")
