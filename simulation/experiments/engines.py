"""Where runs execute: serially in this process, on local worker processes, or on a Dask cluster.

All three take the same job: ``task(shared, batch) -> results`` over batches of ``items``, handing
each finished batch's results to ``handle`` as it completes (in completion order). ``shared`` is
sent to each worker once (the scenario). Sweeps, comparisons and validation use this one engine;
what is run and how results are kept is theirs.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, TypeVar

from .handshake import check_scheduler
from .workers import init_worker

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

MAX_BATCH = 10  # runs per batch at most: small enough for steady progress and Ctrl-C
BATCHES_PER_WORKER = 8  # at least this many batches per worker, for load balance


def batches(items: Sequence[T], workers: int) -> list[list[T]]:
    size = max(1, min(MAX_BATCH, math.ceil(len(items) / (max(workers, 1) * BATCHES_PER_WORKER))))
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def run_tasks(task: Callable[[S, list[T]], list[R]], shared: S, items: Sequence[T],
              handle: Callable[[list[R]], None], workers: int = 1, client: Any = None) -> None:
    """Run ``task(shared, batch)`` for every batch of ``items`` on the chosen engine: ``client`` (a
    Dask ``Client``) if given, else ``workers`` local processes (1 = serially, in this process).

    On Ctrl-C, pending batches are cancelled, running ones finish and are handed over too, so an
    interrupted sweep keeps everything it computed. ``task`` must be picklable for processes and
    Dask (a module-level function, or a ``functools.partial`` of one)."""
    if not items:
        return
    if client is not None:
        _run_dask(task, shared, items, handle, client)
    elif workers <= 1:
        for batch in batches(items, 1):
            handle(task(shared, batch))
    else:
        _run_processes(task, shared, items, handle, workers)


def _run_processes(task, shared, items, handle, workers: int) -> None:
    parts = batches(items, workers)
    # no more processes than batches (4 runs never fork 10 workers); each dies with this process
    pool = ProcessPoolExecutor(max_workers=min(workers, len(parts)), mp_context=worker_context(),
                               initializer=init_worker, initargs=(os.getpid(),))
    futures = {pool.submit(task, shared, b) for b in parts}
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


def _run_dask(task, shared, items, handle, client: Any) -> None:
    from distributed import as_completed as dask_completed

    parts = batches(items, max(1, len(client.scheduler_info().get("workers", {}))))
    # one piece of data, under a key of its own: scatter would split a tuple into its items, and
    # key a hashable item (an int) by its value, which the previous call's release then loses
    remote = client.scatter([shared], broadcast=True, hash=False)[0]
    futures = [client.submit(task, remote, b, pure=False) for b in parts]
    try:
        for fut in dask_completed(futures):
            handle(fut.result())
    finally:
        client.cancel(futures)


def worker_context():
    """Fork workers on Linux: importing mesa makes 'spawn' the default, and each spawned worker
    re-imports numpy, pandas, scipy and mesa (~1.7 s), which halves the 2-worker speed-up
    (docs/performance.md). Results do not depend on the start method: seeds are per run."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return None


def dask_client(scheduler: str):
    """A Dask client for ``scheduler`` (``tcp://HOST:PORT``), or a one-line error. The address
    must first greet as a Dask scheduler within seconds (:mod:`.handshake`)."""
    try:
        from distributed import Client
    except ImportError:
        raise ValueError("--scheduler needs Dask distributed: pip install 'dask[distributed]'") from None
    check_scheduler(scheduler)
    try:
        return Client(scheduler, timeout="10s")
    except Exception as exc:  # noqa: BLE001 - whatever Dask raises, the command line gets one line
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(f"--scheduler {scheduler}: cannot connect to a Dask scheduler ({first})") from None
