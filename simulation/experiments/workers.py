"""The life of local worker processes: they die with their parent, and SIGTERM ends a sweep as
Ctrl-C does.

A pool worker forked from a sweep would otherwise outlive it when the sweep is killed (SIGKILL,
or SIGTERM before this module's handler): it keeps running its batch, holding memory, CPU and the
parent's open files (the results folder's lock among them). :func:`init_worker`, the pool's
initializer, asks Linux to SIGKILL the worker when its parent dies (``prctl(PR_SET_PDEATHSIG)``)
and closes the descriptors the parent marked as its own (:func:`parent_only`). Elsewhere a thread
polls for the parent instead.

:func:`sigterm_as_interrupt` turns SIGTERM (``kill PID``, a job scheduler's stop) into
:class:`Terminated`, a KeyboardInterrupt, so a sweep keeps and writes the runs it finished, as on
Ctrl-C; the command line then exits with 143 (128 + SIGTERM). :func:`interrupts_deferred` holds
both signals back while a part is written and counted, so an interrupt cannot fall between the
two and the part be written twice.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator

PR_SET_PDEATHSIG = 1  # linux/prctl.h
PARENT_POLL_SECONDS = 1.0  # where prctl is missing: how often a worker checks its parent is alive

_PARENT_ONLY: set[int] = set()


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C (finished runs are kept); ``signum`` for the exit code."""

    signum = signal.SIGTERM


def parent_only(fd: int, held: bool = True) -> None:
    """Mark (or unmark) a descriptor that worker processes must not keep (a lock, say)."""
    (_PARENT_ONLY.add if held else _PARENT_ONLY.discard)(fd)


def init_worker(parent: int) -> None:
    """Initializer of a local worker process: die with ``parent``; drop the parent's own descriptors."""
    for fd in list(_PARENT_ONLY):
        with contextlib.suppress(OSError):
            os.close(fd)
    _PARENT_ONLY.clear()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the sweep's handler, inherited by fork
    if not _die_with_parent():
        threading.Thread(target=_watch, args=(parent,), daemon=True, name="imcsim-parent-watch").start()
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _die_with_parent() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` in the main thread (elsewhere: no change)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Terminated

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """While inside, Ctrl-C and SIGTERM wait: delivered again, to the handlers outside, once the
    block is done (in the main thread; elsewhere no change). Around a write and its bookkeeping,
    so that both happen or neither."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum, frame):
        held.append(signum)

    previous = {s: signal.signal(s, hold) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if held:
            signal.raise_signal(held[0])
