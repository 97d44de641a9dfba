"""The results folder of a sweep: plan, Parquet parts and manifest, written atomically.

``results/NAME/`` holds ``plan.parquet`` (every planned run: id, sample, replication, seed,
parameters), ``part-NNNNN.parquet`` files with finished runs (one row per run), optional
``series-NNNNN.parquet`` files with per-tick columns, and ``manifest.json``. Every file is written
to a temporary name and renamed into place, so a killed sweep leaves only whole files behind and
``--resume`` can trust what it finds.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

PART = re.compile(r"^part-(\d{5})\.parquet$")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def atomic_write_parquet(path: Path, df: pd.DataFrame) -> None:
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    df.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def atomic_write_json(path: Path, data: dict[str, Any]) -> None:
    atomic_write_bytes(path, json.dumps(data, indent=2, ensure_ascii=False, default=str).encode("utf-8"))


class ResultStore:
    """Read and append the results of one experiment."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    # -- paths --------------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.folder / "manifest.json"

    @property
    def plan_path(self) -> Path:
        return self.folder / "plan.parquet"

    def exists(self) -> bool:
        return self.manifest_path.exists() or self.plan_path.exists()

    def parts(self) -> list[Path]:
        if not self.folder.exists():
            return []
        return sorted(p for p in self.folder.iterdir() if PART.match(p.name))

    # -- writing ------------------------------------------------------------------------------
    def create(self, plan: pd.DataFrame, manifest: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.clean_temporaries()
        atomic_write_parquet(self.plan_path, plan)
        self.write_manifest(manifest)

    def clean_temporaries(self) -> None:
        """Remove half-written files a killed process left behind."""
        for p in self.folder.glob(".tmp-*"):
            p.unlink(missing_ok=True)

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        atomic_write_json(self.manifest_path, manifest)

    def append(self, rows: list[dict[str, Any]], series: list[pd.DataFrame] | None = None) -> Path | None:
        """Write finished runs as the next part (and their per-tick series alongside)."""
        if not rows:
            return None
        existing = [int(PART.match(p.name).group(1)) for p in self.parts()]
        index = max(existing, default=-1) + 1
        if series:
            atomic_write_parquet(self.folder / f"series-{index:05d}.parquet", pd.concat(series, ignore_index=True))
        path = self.folder / f"part-{index:05d}.parquet"
        atomic_write_parquet(path, pd.DataFrame(rows))
        return path

    # -- reading ------------------------------------------------------------------------------
    def manifest(self) -> dict[str, Any]:
        if not self.manifest_path.exists():
            raise FileNotFoundError(f"{self.folder}: no manifest.json; not a results folder of imcsim sweep")
        return json.loads(self.manifest_path.read_text(encoding="utf-8"))

    def plan(self) -> pd.DataFrame:
        return pd.read_parquet(self.plan_path)

    def results(self) -> pd.DataFrame:
        """All finished runs, one row per run id (the first recorded wins), sorted by run id."""
        parts = self.parts()
        if not parts:
            return pd.DataFrame(columns=["run_id", "status", "error"])
        df = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
        return df.drop_duplicates("run_id", keep="first").sort_values("run_id").reset_index(drop=True)

    def finished_ids(self) -> set[int]:
        parts = self.parts()
        if not parts:
            return set()
        ids = pd.concat([pd.read_parquet(p, columns=["run_id"]) for p in parts]).run_id
        return {int(i) for i in ids}

    def series(self) -> pd.DataFrame:
        """Per-tick series of the finished runs (empty if the experiment kept none)."""
        files = sorted(self.folder.glob("series-*.parquet"))
        # only series whose part made it to disk count: the part is renamed last
        done = {p.name.replace("part-", "series-") for p in self.parts()}
        frames = [pd.read_parquet(f) for f in files if f.name in done]
        if not frames:
            return pd.DataFrame()
        df = pd.concat(frames, ignore_index=True)
        return df.drop_duplicates(["run_id", "tick"], keep="first").sort_values(["run_id", "tick"]).reset_index(drop=True)
