"""Execute an experiment's plan into a results folder: what to run, resuming, flushing, the manifest.

Finished runs are handed to the result store in parts (every ``flush_every`` runs or
``flush_seconds``); a run that raises is recorded as failed and the sweep goes on. Where the runs
execute is :mod:`.engines`' job; what one run is, :mod:`.batch`'s.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..progress import Progress
from .batch import run_batch
from .engines import dask_client, run_tasks
from .folder_lock import FolderLock
from .plan import applied_names, plan_records, same_plan
from .provenance import model_fingerprint, now, package_versions
from .spec import Experiment, check_size, spec_record
from .store import ResultStore
from .workers import interrupts_deferred, sigterm_as_interrupt


def execute(exp: Experiment, folder: str | Path, workers: int = 1, scheduler: str | None = None,
            resume: bool = False, max_runs: int | None = None, progress: bool = True,
            flush_every: int = 100, flush_seconds: float = 5.0, durable: bool | None = None,
            background: bool | None = None, replace: bool = False, allow_large: bool = False) -> dict[str, Any]:
    """Run every planned run not yet in ``folder``; return the final manifest.

    A folder with results is refused unless ``resume`` (continue it: same plan and model only) or
    ``replace`` (remove its results and start again). ``durable`` fsyncs every file (default: the
    ``IMCSIM_FSYNC`` environment variable; see :mod:`.store`). ``background`` writes the plan and the
    parts on the store's writer thread while the runs go on; by default only when durable: an
    fsync waits on the disk for milliseconds, while without one a thread costs more than it saves
    (docs/performance.md). Every way out (the end, Ctrl-C, an engine error) writes the rows
    collected so far, after everything handed over and before the final manifest; a failed write
    is raised. SIGTERM is handled as Ctrl-C.

    One writer at a time: the folder is locked (:mod:`.folder_lock`) and a second command on it
    is refused with a line naming the first. A design above ``spec.MAX_RUNS`` runs is refused
    unless ``allow_large``."""
    check_size(exp, allow_large)  # counted, not planned: a huge design fails before it fills memory
    store = ResultStore(folder, durable)
    store.background = store.durable if background is None else background
    client = dask_client(scheduler) if scheduler else None  # fail before touching the results
    try:
        with sigterm_as_interrupt(), FolderLock(store.folder):
            try:
                if replace and not resume:
                    store.clear()
                session = _start(exp, store, workers, scheduler, resume, max_runs)
                _sweep(exp, store, session, workers, client, progress, flush_every, flush_seconds)
            finally:
                store.close()
    finally:
        if client is not None:
            client.close()
    return session.manifest


def new_manifest(exp: Experiment, runs_planned: int, fingerprint: str | None = None) -> dict[str, Any]:
    """The manifest of a results folder as a fresh sweep starts it."""
    return {
        "experiment": exp.name, "origin": exp.origin, "experiment_file": exp.source_text,
        "spec": spec_record(exp), "runs_planned": runs_planned, "packages": package_versions(),
        "started": now(), "ended": None, "sessions": [],
        "model_fingerprint": fingerprint or model_fingerprint(),
    }


@dataclass
class _Session:
    """One invocation's state: the manifest, its own session record, the plan and what to run."""

    manifest: dict[str, Any]
    record: dict[str, Any]
    plan: list[dict[str, Any]]
    todo: list[dict[str, Any]]
    tally: dict[str, int] = field(default_factory=dict)  # finished, failed (so far, all sessions)


def _start(exp: Experiment, store: ResultStore, workers: int, scheduler: str | None, resume: bool,
           max_runs: int | None) -> _Session:
    """Check the folder, decide what to run and start the session (plan and manifest handed over)."""
    plan = plan_records(exp)
    fingerprint = model_fingerprint()
    fresh = not store.exists()
    if fresh:
        manifest = new_manifest(exp, len(plan), fingerprint)
        done, failed = set(), 0
    else:
        if not resume:
            raise ValueError(f"{store.folder} already holds results; rerun with --resume to continue, "
                             "or --force to remove them and start again")
        if not same_plan(store.plan(), pd.DataFrame(plan)):
            raise ValueError(f"{store.folder}: the experiment changed since these results were started "
                             "(different plan); use another --out, or --force to start again")
        manifest = store.manifest()
        if manifest.get("model_fingerprint", fingerprint) != fingerprint:
            raise ValueError(f"{store.folder}: these results come from another version of the model or "
                             "its scenario files; use another --out, or --force to start again")
        store.clean_temporaries()
        done, failed = store.finished()
    todo = [r for r in plan if r["run_id"] not in done]
    if max_runs is not None:
        todo = todo[:max_runs]
    record = {"started": now(), "workers": workers, "scheduler": scheduler, "runs": len(todo),
              "packages": package_versions()}
    manifest.setdefault("sessions", []).append(record)
    if fresh:
        store.create(plan, manifest)
    else:
        store.write_manifest(manifest)
    return _Session(manifest, record, plan, todo, {"finished": len(done), "failed": failed})


def _sweep(exp: Experiment, store: ResultStore, session: _Session, workers: int, client: Any,
           progress: bool, flush_every: int, flush_seconds: float) -> None:
    """Run the session's runs, handing finished ones to the store in parts; then finish the manifest."""
    scenario = exp.load_scenario()
    task = functools.partial(run_batch, params=applied_names(exp), outputs=exp.outputs, series=exp.series)
    pending_rows: list[dict[str, Any]] = []
    pending_series: list[pd.DataFrame] = []
    tally = session.tally  # counted as parts are handed over, not read back
    last_flush = time.monotonic()

    def flush() -> None:
        nonlocal last_flush
        with interrupts_deferred():  # a part written is a part counted and let go, or not written
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

    bar = Progress(len(session.plan), exp.name, unit="run", initial=tally["finished"], enabled=progress)
    try:
        run_tasks(task, scenario, session.todo, collect, workers=workers, client=client)
    finally:
        bar.close()
        with interrupts_deferred():  # the last part and the manifest that counts it, whole
            store.wait()  # the parts handed over are on disk, or the first failed write is raised here
            store.background = False  # nothing left to overlap: a hand-over would only add a thread switch
            flush()
            manifest = session.manifest
            session.record["ended"] = now()
            manifest["runs_finished"] = tally["finished"]
            manifest["runs_failed"] = tally["failed"]
            manifest["complete"] = tally["finished"] == len(session.plan)
            if manifest["complete"]:
                manifest["ended"] = session.record["ended"]
            store.write_manifest(manifest)

