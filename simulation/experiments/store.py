"""The results folder of a sweep: plan, Parquet parts and manifest, written atomically.

A results folder holds ``manifest.json`` (the experiment, package versions, sessions),
``plan.parquet`` (every planned run: id, sample, replication, seed, parameters), ``runs/`` with
``part-NNNNN.parquet`` files of finished runs (one row per run, the same columns in every part, so
``pd.read_parquet(folder / "runs")`` reads them all) and, if the experiment keeps per-tick series,
``series/`` with a ``part-NNNNN.parquet`` beside each run part. Folders written before runs/ existed
(parts and ``series-NNNNN.parquet`` beside the manifest) are read and resumed in their own layout.

Every file is written to a temporary name and renamed into place, so a failed or interrupted
command (an exception, Ctrl-C, SIGKILL, a full disk) leaves only whole files behind and
``--resume`` can trust what it finds. That needs no fsync: a killed process's writes are in the
page cache. Surviving a power failure or an OS crash as well needs ``durable=True`` (or
``IMCSIM_FSYNC=1``), which flushes every file and the folder to disk (about 1-3 ms a file).

With ``background=True`` the caller still turns rows into Arrow tables and JSON (Python work, which
a thread could not overlap with the model's), and one thread writes them, in order, while the next
runs go on (Parquet encoding, file calls and fsync release the GIL). ``wait()`` returns once
everything handed over is on disk, or raises the first write that failed; nothing is written after
a failed write. Sweeps use it when durable: an fsync waits on the disk for milliseconds, while a
part without one takes about 1 ms and the thread's hand-overs and GIL hand-offs cost as much
(docs/performance.md, the experiment engine).
"""

from __future__ import annotations

import json
import os
import re
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

PART = re.compile(r"^part-(\d{5})\.parquet$")
RUNS, SERIES = "runs", "series"  # the subfolders of run parts and series parts
DAMAGED = "damaged"  # where --repair moves parts that cannot be read


def repair_advice(path: Path) -> str:
    """How to recover from a damaged file of the results folder that holds ``path``."""
    folder = path.parent.parent if path.parent.name in (RUNS, SERIES) else path.parent
    return (f"continue with: imcsim sweep EXPERIMENT --out {folder} --repair (it moves damaged parts "
            f"to {DAMAGED}/ there and runs their runs again)")


class DamagedResults(ValueError):
    """A file of a results folder cannot be read; the message names it and how to recover."""


def read_part(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """A Parquet file of a results folder, or :class:`DamagedResults` naming it (not pyarrow's words alone)."""
    try:
        return pd.read_parquet(path, columns=columns)
    except (OSError, ValueError) as exc:  # ArrowInvalid is a ValueError; a truncated file an OSError
        if isinstance(exc, FileNotFoundError | PermissionError):
            raise
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        first = first.replace(f"Could not open Parquet input source '{path}': ", "")[:100]  # the path is named
        raise DamagedResults(f"{path}: damaged ({first}); {repair_advice(path)}") from None


def fsync_default() -> bool:
    return os.environ.get("IMCSIM_FSYNC", "").strip().lower() not in ("", "0", "false", "no")


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _atomic(path: Path, write, durable: bool = False) -> None:
    """``write(tmp)`` then rename ``tmp`` to ``path``; with ``durable``, fsync the file and folder."""
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    write(tmp)
    if durable:
        _fsync_path(tmp)
    os.replace(tmp, path)
    if durable and os.name == "posix":  # the rename itself (folders cannot be opened on Windows)
        _fsync_path(path.parent)


def atomic_write_bytes(path: Path, data: bytes, durable: bool = False) -> None:
    _atomic(path, lambda tmp: tmp.write_bytes(data), durable)


_NUMBERS = frozenset({int, float, type(None)})
_INT, _FLOAT, _TEXT = frozenset({int}), frozenset({float}), frozenset({str})
# parts and plans are small (flush_every rows): per-file statistics, dictionaries and compression
# cost more time than they save space or reads
ROWS_OPTIONS = {"compression": "none", "use_dictionary": False, "write_statistics": False}


def rows_table(rows: list[dict[str, Any]]) -> pa.Table:
    """The Arrow table ``pd.DataFrame(rows).to_parquet`` would write, without the DataFrame (3x faster).

    Columns in order of first appearance; a key a row lacks (a failed run's outcomes) and NaN are
    null; numbers with a float or a gap are float64 and text is large_string, as pandas stores them."""
    names = list(rows[0]) if rows else []
    if all(list(row) == names for row in rows):  # the usual part: every row has the same keys
        columns = zip(*[row.values() for row in rows], strict=True)
    else:
        names = list(dict.fromkeys(k for row in rows for k in row))
        columns = ([row.get(name) for row in rows] for name in names)
    return pa.Table.from_arrays([_column(values) for values in columns], names=names)


def _column(values) -> pa.Array:
    kinds = set(map(type, values))
    if kinds == _INT and -2**63 <= min(values) and max(values) < 2**63:
        return pa.array(values, type=pa.int64())
    if kinds == _FLOAT:  # from_pandas: NaN -> null
        return pa.array(values, type=pa.float64(), from_pandas=True)
    if kinds == _TEXT:
        return pa.array(values, type=pa.large_string())
    if kinds <= _NUMBERS and kinds != {type(None)}:  # via numpy: None -> NaN -> null
        return pa.array(np.array(values, dtype=np.float64), from_pandas=True)
    arr = pa.array(values, from_pandas=True)
    if arr.null_count and pa.types.is_integer(arr.type):
        return arr.cast(pa.float64())
    if pa.types.is_string(arr.type):
        return arr.cast(pa.large_string())
    return arr


def frame_table(df: pd.DataFrame) -> pa.Table:
    """The Arrow table ``df.to_parquet(index=False)`` writes (with pyarrow's default options)."""
    return pa.Table.from_pandas(df, preserve_index=False)


class Writer:
    """One thread that performs handed-over writes in order (a sweep's store; see the module doc).

    At most ``MAX_PENDING`` writes wait at a time (memory stays flat on a slow disk). A failed
    write stops all later ones and is raised by the next ``submit``, ``wait`` or ``close``."""

    MAX_PENDING = 4

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="imcsim-writer")
        self._pending: deque[Future] = deque()
        self._failed = False  # set by the thread: skip what comes after a failure
        self._error: BaseException | None = None

    def submit(self, write: Callable[[], None]) -> None:
        self._check()
        while self._pending and (self._pending[0].done() or len(self._pending) >= self.MAX_PENDING):
            self._done()
        self._pending.append(self._pool.submit(self._run, write))

    def _run(self, write: Callable[[], None]) -> None:
        if self._failed:
            return
        try:
            write()
        except BaseException:
            self._failed = True
            raise

    def _done(self) -> None:
        """Wait for the oldest write (a Ctrl-C meanwhile leaves it pending) and drop it."""
        error = self._pending[0].exception()
        self._pending.popleft()
        if error is not None:
            self._error = error
            raise error

    def _check(self) -> None:
        if self._error is not None:  # the same error again (an OSError stays one for the command line)
            raise self._error

    def wait(self) -> None:
        """Block until every handed-over write is done; raise the first that failed."""
        self._check()
        while self._pending:
            self._done()

    def close(self) -> None:
        """Wait for the pending writes (even on Ctrl-C), then stop the thread."""
        try:
            if self._error is None:
                self.wait()
        finally:
            self._pool.shutdown(wait=True)


class ResultStore:
    """Read and append the results of one experiment."""

    def __init__(self, folder: str | Path, durable: bool | None = None, background: bool = False) -> None:
        self.folder = Path(folder)
        self.durable = fsync_default() if durable is None else durable
        self.background = background
        self._writer: Writer | None = None  # started by the first background write
        self._next_part: int | None = None
        self._legacy: bool | None = None  # decided on first use (see ``legacy``)

    # -- paths --------------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.folder / "manifest.json"

    @property
    def plan_path(self) -> Path:
        return self.folder / "plan.parquet"

    @property
    def legacy(self) -> bool:
        """Whether the folder has the layout of before runs/: parts beside the manifest."""
        if self._legacy is None:
            self._legacy = (not (self.folder / RUNS).is_dir() and self.folder.is_dir()
                            and any(PART.match(p.name) for p in self.folder.iterdir()))
        return self._legacy

    @property
    def runs_dir(self) -> Path:
        return self.folder if self.legacy else self.folder / RUNS

    def series_path(self, part: Path) -> Path:
        """The per-tick series file that belongs to a run part."""
        if self.legacy:
            return part.with_name(part.name.replace("part-", "series-"))
        return self.folder / SERIES / part.name

    def exists(self) -> bool:
        return self.manifest_path.exists() or self.plan_path.exists()

    def parts(self) -> list[Path]:
        if not self.runs_dir.is_dir():
            return []
        return sorted(p for p in self.runs_dir.iterdir() if PART.match(p.name))

    # -- writing ------------------------------------------------------------------------------
    def _write(self, write: Callable[[], None]) -> None:
        if not self.background:
            self.wait()  # in order after what was handed over
            write()
            return
        if self._writer is None:
            self._writer = Writer()
        self._writer.submit(write)

    def _write_table(self, path: Path, table: pa.Table, **options: Any) -> None:
        durable = self.durable
        self._write(lambda: _atomic(path, lambda tmp: pq.write_table(table, tmp, **options), durable))

    def wait(self) -> None:
        """Return once every write handed over is on disk; raise the first that failed."""
        if self._writer is not None:
            self._writer.wait()

    def close(self) -> None:
        """Wait for the pending writes and stop the background thread (if any)."""
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.close()

    def create(self, plan: pd.DataFrame | list[dict[str, Any]], manifest: dict[str, Any]) -> None:
        """Start a results folder: the plan (a table or its rows), then the manifest."""
        (self.folder / RUNS).mkdir(parents=True, exist_ok=True)
        self._legacy = False
        self.clean_temporaries()
        if isinstance(plan, pd.DataFrame):
            self._write_table(self.plan_path, frame_table(plan))
        else:
            self._write_table(self.plan_path, rows_table(plan), **ROWS_OPTIONS)
        self.write_manifest(manifest)

    def clean_temporaries(self) -> None:
        """Remove half-written files a killed process left behind."""
        for folder in (self.folder, self.folder / RUNS, self.folder / SERIES):
            for p in folder.glob(".tmp-*"):
                p.unlink(missing_ok=True)

    def clear(self) -> None:
        """Remove this store's files (manifest, plan, run and series parts, either layout) and
        nothing else: starting again with --force leaves a user's own files alone."""
        self.wait()
        for p in [self.manifest_path, self.plan_path, *self.parts(), *(self.series_path(p) for p in self.parts())]:
            p.unlink(missing_ok=True)
        for sub in (RUNS, SERIES):
            folder = self.folder / sub
            if folder.is_dir():
                for p in folder.glob("*.parquet"):
                    p.unlink()
                if not any(folder.iterdir()):
                    folder.rmdir()
        self.clean_temporaries()
        self._legacy, self._next_part = None, None

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Write the manifest as it is now (encoded at once: the caller may change it afterwards)."""
        data = json.dumps(manifest, indent=2, ensure_ascii=False, default=str).encode("utf-8")
        path, durable = self.manifest_path, self.durable
        self._write(lambda: atomic_write_bytes(path, data, durable))

    def append(self, rows: list[dict[str, Any]], series: list[pd.DataFrame] | None = None) -> Path | None:
        """Write finished runs as the next part (and their per-tick series first, alongside)."""
        if not rows:
            return None
        if self._next_part is None:  # list the folder once; this store names the parts after that
            self._next_part = max((int(PART.match(p.name).group(1)) for p in self.parts()), default=-1) + 1
        index = self._next_part
        path = self.runs_dir / f"part-{index:05d}.parquet"
        if series:
            self.series_path(path).parent.mkdir(exist_ok=True)
            self._write_table(self.series_path(path), frame_table(pd.concat(series, ignore_index=True)))
        self._write_table(path, rows_table(rows), **ROWS_OPTIONS)
        self._next_part = index + 1
        return path

    # -- reading (after this store's own pending writes) -------------------------------------
    def manifest(self) -> dict[str, Any]:
        self.wait()
        if not self.manifest_path.exists():
            raise FileNotFoundError(f"{self.folder}: no manifest.json; not a results folder of imcsim sweep")
        try:
            manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
            raise DamagedResults(f"{self.manifest_path}: damaged, not JSON ({exc}); {repair_advice(self.manifest_path)}") from None
        if not isinstance(manifest, dict):
            raise DamagedResults(f"{self.manifest_path}: damaged, not a JSON object; {repair_advice(self.manifest_path)}")
        return manifest

    def plan(self) -> pd.DataFrame:
        self.wait()
        return read_part(self.plan_path)

    def damaged_parts(self) -> list[Path]:
        """Run and series parts that cannot be read (truncated, overwritten, not Parquet)."""
        self.wait()
        bad = []
        for part in self.parts():
            for path in (part, self.series_path(part)):
                if path.exists():
                    try:
                        pq.read_metadata(path)
                        if path == part:
                            pq.read_table(path, columns=["run_id", "status"])
                    except Exception:  # noqa: BLE001 - pyarrow raises several kinds for a broken file
                        bad.append(path)
        return bad

    def results(self) -> pd.DataFrame:
        """All finished runs, one row per run id (the first recorded wins), sorted by run id."""
        self.wait()
        parts = self.parts()
        if not parts:
            return pd.DataFrame(columns=["run_id", "status", "error"])
        df = pd.concat([read_part(p) for p in parts], ignore_index=True)
        return df.drop_duplicates("run_id", keep="first").sort_values("run_id").reset_index(drop=True)

    def finished(self) -> tuple[set[int], int]:
        """Ids of the finished runs and how many of them failed (the first record of a run wins)."""
        self.wait()
        parts = self.parts()
        if not parts:
            return set(), 0
        df = pd.concat([read_part(p, columns=["run_id", "status"]) for p in parts])
        df = df.drop_duplicates("run_id", keep="first")
        return {int(i) for i in df.run_id}, int((df.status == "failed").sum())

    def series(self) -> pd.DataFrame:
        """Per-tick series of the finished runs (empty if the experiment kept none)."""
        self.wait()
        # only series whose part made it to disk count: the part is renamed last
        files = [self.series_path(p) for p in self.parts()]
        frames = [read_part(f) for f in files if f.exists()]
        if not frames:
            return pd.DataFrame()
        df = pd.concat(frames, ignore_index=True)
        return df.drop_duplicates(["run_id", "tick"], keep="first").sort_values(["run_id", "tick"]).reset_index(drop=True)
