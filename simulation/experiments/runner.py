"""Run the plan of an experiment: serially, on local processes, or on a Dask cluster.

One run is ``metrics.summary`` of ``CollaborationModel(scenario.with_overrides(params), seed)``.
Each run's seed comes from ``numpy.random.SeedSequence(experiment_seed).spawn(n)[i]`` for its run
index ``i`` (or its replication index with ``common_seeds``), so a run's result depends only on the
experiment file, never on the number of workers or the order in which runs finish. Finished runs
are flushed to the result store in batches; a run that raises is recorded as failed and the sweep
goes on.
"""

from __future__ import annotations

import functools
import hashlib
import math
import multiprocessing
import sys
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from .. import metrics
from ..model import CollaborationModel
from ..scenario import Scenario
from .spec import Experiment
from .store import ResultStore

META_COLUMNS = ("run_id", "sample", "replication", "seed")
PACKAGES = ("simulation", "mesa", "numpy", "scipy", "pandas", "pyarrow", "SALib", "networkx",
            "scikit-learn", "dask", "distributed")


@functools.cache
def outcome_names() -> tuple[str, ...]:
    """The outcomes ``metrics.summary`` reports (learnt from a one-tick run of a tiny scenario)."""
    from ..scenario import load_scenario

    model = CollaborationModel(load_scenario("two_hubs", {"ticks": 1}), seed=0).run()
    return tuple(metrics.summary(model))


def series_names() -> tuple[str, ...]:
    return tuple(metrics.MODEL_REPORTERS)


# ---------------------------------------------------------------------------------------------
# the plan


def run_seeds(experiment_seed: int, n: int) -> list[int]:
    """One independent 63-bit seed per index, from the experiment seed's spawned children."""
    children = np.random.SeedSequence(experiment_seed).spawn(n)
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]


def make_plan(exp: Experiment) -> pd.DataFrame:
    """Every run of the experiment: run id, design point, replication, seed and parameters."""
    return pd.DataFrame(plan_records(exp))


def plan_records(exp: Experiment) -> list[dict[str, Any]]:
    """The rows of :func:`make_plan` as the plain values its table holds (a fresh sweep needs no table).

    Like the table's columns, a factor whose values mix integers and floats gives floats, and numpy
    numbers become Python numbers (tests check the two agree)."""
    points = [{k: _plain(v) for k, v in p.items()} for p in exp.points()]
    for key in points[0] if points else ():
        if {type(p[key]) for p in points} == {int, float}:
            for p in points:
                p[key] = float(p[key])
    n_runs = len(points) * exp.replications
    seeds = run_seeds(exp.seed, exp.replications if exp.common_seeds else n_runs)
    rows = []
    for sample, point in enumerate(points):
        for rep in range(exp.replications):
            run_id = sample * exp.replications + rep
            rows.append({"run_id": run_id, "sample": sample, "replication": rep,
                         "seed": seeds[rep if exp.common_seeds else run_id], **point})
    return rows


def factor_names(exp: Experiment) -> list[str]:
    return [f.name for f in exp.factors]


# ---------------------------------------------------------------------------------------------
# one run and a batch of runs (executed in worker processes)


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
        return {"status": "failed",
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
    out = []
    for planned in batch:
        start = time.perf_counter()
        row = {k: planned[k] for k in META_COLUMNS}
        values = {k: _plain(planned[k]) for k in params}
        row.update(values)
        outcome, frame = run_one(scenario, values, int(planned["seed"]), outputs, series)
        row.update(outcome)
        row["elapsed"] = time.perf_counter() - start
        if frame is not None:
            frame.insert(0, "run_id", planned["run_id"])
        out.append((row, frame))
    return out


def _plain(value: Any) -> Any:
    """numpy scalars from the plan table back to Python numbers (for --set style overrides)."""
    return value.item() if isinstance(value, np.generic) else value


# ---------------------------------------------------------------------------------------------
# executing a plan


def package_versions() -> dict[str, str]:
    """Versions of the packages that shape results (a fresh copy of a once-per-process read)."""
    return dict(_package_versions())


@functools.cache
def _package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    import platform

    out["python"] = platform.python_version()
    return out


@functools.cache
def model_fingerprint() -> str:
    """A hash of the model's code and scenario files: resuming results made by another version
    would silently mix two models in one table."""
    root = Path(__file__).resolve().parents[1]  # the installed package, checkout or wheel alike
    digest = hashlib.sha256()
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.toml")]):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _batches(todo: list[dict[str, Any]], workers: int) -> list[list[dict[str, Any]]]:
    size = max(1, min(10, math.ceil(len(todo) / (max(workers, 1) * 8))))
    return [todo[i:i + size] for i in range(0, len(todo), size)]


def execute(exp: Experiment, folder: str | Path, workers: int = 1, scheduler: str | None = None,
            resume: bool = False, max_runs: int | None = None, progress: bool = True,
            flush_every: int = 100, flush_seconds: float = 5.0, durable: bool | None = None,
            background: bool | None = None) -> dict[str, Any]:
    """Run every planned run not yet in ``folder``; return the final manifest.

    ``durable`` fsyncs every file (default: the ``IMCSIM_FSYNC`` environment variable; see
    :mod:`.store`). ``background`` writes the plan and the parts on the store's writer thread while
    the runs go on; by default only when durable: an fsync waits on the disk for milliseconds,
    while without one a thread costs more than it saves (docs/performance.md). Every way out (the
    end, Ctrl-C, an engine error) writes the rows collected so far, after everything handed over
    and before the final manifest; a failed write is raised."""
    store = ResultStore(folder, durable)
    store.background = store.durable if background is None else background
    client = _dask_client(scheduler) if scheduler else None  # fail before touching the results
    try:
        manifest, session, plan, todo, done, failed = _start(exp, store, workers, scheduler, resume, max_runs)
        _sweep(exp, store, manifest, session, plan, todo, (len(done), failed), workers, client, progress,
               flush_every, flush_seconds)
    finally:
        try:
            store.close()
        finally:
            if client is not None:
                client.close()
    return manifest


def _start(exp: Experiment, store: ResultStore, workers: int, scheduler: str | None, resume: bool,
           max_runs: int | None) -> tuple:
    """Check the folder, decide what to run and start the session (plan and manifest handed over)."""
    plan = plan_records(exp)
    fingerprint = model_fingerprint()
    fresh = not store.exists()
    if fresh:
        manifest = {
            "experiment": exp.name, "origin": exp.origin, "experiment_file": exp.source_text,
            "spec": spec_record(exp), "runs_planned": len(plan), "packages": package_versions(),
            "started": _now(), "ended": None, "sessions": [], "model_fingerprint": fingerprint,
        }
        done, failed = set(), 0
    else:
        if not resume:
            raise ValueError(f"{store.folder} already holds results; rerun with --resume to continue, "
                             "or remove the folder to start again")
        old = store.plan()
        if not _same_plan(old, pd.DataFrame(plan)):
            raise ValueError(f"{store.folder}: the experiment changed since these results were started "
                             "(different plan); use a new name or remove the folder")
        manifest = store.manifest()
        if manifest.get("model_fingerprint", fingerprint) != fingerprint:
            raise ValueError(f"{store.folder}: these results come from another version of the model or "
                             "its scenario files; use a new name or remove the folder to start again")
        store.clean_temporaries()
        done, failed = store.finished()
    todo = [r for r in plan if r["run_id"] not in done]
    if max_runs is not None:
        todo = todo[:max_runs]
    session = {"started": _now(), "workers": workers, "scheduler": scheduler, "runs": len(todo),
               "packages": package_versions()}
    manifest.setdefault("sessions", []).append(session)
    if fresh:
        store.create(plan, manifest)
    else:
        store.write_manifest(manifest)
    return manifest, session, plan, todo, done, failed


def _sweep(exp: Experiment, store: ResultStore, manifest: dict[str, Any], session: dict[str, Any],
           plan: list[dict[str, Any]], todo: list[dict[str, Any]], counts: tuple[int, int], workers: int,
           client: Any, progress: bool, flush_every: int, flush_seconds: float) -> None:
    """Run ``todo``, handing finished runs to the store in parts; then finish the manifest."""
    scenario = exp.load_scenario()
    args = (factor_names(exp), exp.outputs, exp.series)
    pending_rows: list[dict[str, Any]] = []
    pending_series: list[pd.DataFrame] = []
    tally = {"finished": counts[0], "failed": counts[1]}  # counted as parts are handed over, not read back
    last_flush = time.monotonic()

    def flush() -> None:
        nonlocal last_flush
        store.append(pending_rows, pending_series)  # raises if an earlier write failed
        tally["finished"] += len(pending_rows)
        tally["failed"] += sum(row["status"] == "failed" for row in pending_rows)
        pending_rows.clear()
        pending_series.clear()
        last_flush = time.monotonic()

    def collect(results: list) -> None:
        for row, frame in results:
            pending_rows.append(row)
            if frame is not None:
                pending_series.append(frame)
        bar.update(len(results))
        if len(pending_rows) >= flush_every or time.monotonic() - last_flush > flush_seconds:
            flush()

    bar = tqdm(total=len(plan), initial=counts[0], unit="run", desc=exp.name, disable=not progress,
               dynamic_ncols=True, smoothing=0.1)
    try:
        _run_all(scenario, todo, args, workers, client, collect)
    finally:
        bar.close()
        store.wait()  # the parts handed over are on disk, or the first failed write is raised here
        store.background = False  # nothing left to overlap: a hand-over would only add a thread switch
        flush()
        session["ended"] = _now()
        manifest["runs_finished"] = tally["finished"]
        manifest["runs_failed"] = tally["failed"]
        manifest["complete"] = tally["finished"] == len(plan)
        if manifest["complete"]:
            manifest["ended"] = session["ended"]
        store.write_manifest(manifest)


def _run_all(scenario: Scenario, todo: list[dict[str, Any]], args: tuple, workers: int, client: Any,
             handle: Callable[[list], None]) -> None:
    """Run ``todo`` on the chosen engine, handing each finished batch to ``handle`` as it completes.

    On Ctrl-C, pending batches are cancelled, running ones finish and are handed over too, so an
    interrupted sweep keeps everything it computed."""
    if not todo:
        return
    if client is not None:
        from distributed import as_completed as dask_completed

        batches = _batches(todo, max(1, len(client.scheduler_info().get("workers", {}))))
        remote = client.scatter(scenario, broadcast=True)
        futures = [client.submit(run_batch, remote, b, *args, pure=False) for b in batches]
        try:
            for fut in dask_completed(futures):
                handle(fut.result())
        finally:
            client.cancel(futures)
    elif workers <= 1:
        for batch in _batches(todo, 1):
            handle(run_batch(scenario, batch, *args))
    else:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=_worker_context())
        futures = {pool.submit(run_batch, scenario, b, *args) for b in _batches(todo, workers)}
        try:
            for fut in as_completed(futures):
                futures.discard(fut)  # drop the finished batch once handled: memory stays flat
                handle(fut.result())
        except KeyboardInterrupt:
            pool.shutdown(wait=True, cancel_futures=True)
            for fut in futures:
                if fut.done() and not fut.cancelled() and fut.exception() is None:
                    handle(fut.result())
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _worker_context():
    """Fork workers on Linux: importing mesa makes 'spawn' the default, and each spawned worker
    re-imports numpy, pandas, scipy and mesa (~1.7 s), which halves the 2-worker speed-up
    (docs/performance.md). Results do not depend on the start method: seeds are per run."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return None


def _dask_client(scheduler: str):
    try:
        from distributed import Client
    except ImportError:
        raise ValueError("--scheduler needs Dask distributed: pip install 'dask[distributed]'") from None
    try:
        return Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise ValueError(f"--scheduler {scheduler}: cannot reach a Dask scheduler ({exc})") from None


def _same_plan(old: pd.DataFrame, new: pd.DataFrame) -> bool:
    if list(old.columns) != list(new.columns) or len(old) != len(new):
        return False
    try:
        pd.testing.assert_frame_equal(old.reset_index(drop=True), new.reset_index(drop=True), check_dtype=False)
    except AssertionError:
        return False
    return True


def spec_record(exp: Experiment) -> dict[str, Any]:
    """What the analysis needs to know about the experiment, as plain JSON."""
    return {
        "name": exp.name, "scenario": exp.scenario, "design": exp.design, "samples": exp.samples,
        "replications": exp.replications, "ticks": exp.ticks, "seed": exp.seed,
        "common_seeds": exp.common_seeds, "calc_second_order": exp.calc_second_order,
        "num_levels": exp.num_levels, "outputs": list(exp.outputs), "series": list(exp.series),
        "fixed": exp.fixed, "factors": [asdict(f) for f in exp.factors],
        "discovery": asdict(exp.discovery), "description": exp.description,
    }


def run_experiment(exp: Experiment, results_root: str | Path = "results", **kwargs: Any) -> Path:
    folder = Path(results_root) / exp.name
    execute(exp, folder, **kwargs)
    return folder

