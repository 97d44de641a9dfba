"""``imcsim sweep --repair``: make a damaged results folder resumable again.

A part that cannot be read (truncated by a full disk, overwritten, not Parquet) blocks resuming
and analysing. Repair moves it, with its companion (the run part's per-tick series part, or the
other way round), to ``FOLDER/damaged/``, so its runs count as not run and a resume runs them
again. A damaged or missing manifest is rebuilt from the experiment file when the folder's plan
is that experiment's (the model fingerprint is then this version's: the old one is lost with it).
A damaged plan cannot be rebuilt safely: the folder must be started again.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from .execution import new_manifest
from .folder_lock import FolderLock
from .plan import plan_records, same_plan
from .provenance import now
from .spec import Experiment
from .store import DAMAGED, DamagedResults, ResultStore


def repair(exp: Experiment, folder: str | Path) -> list[str]:
    """Set damaged parts aside and rebuild a damaged manifest; return what was done, one line each."""
    store = ResultStore(folder)
    with FolderLock(store.folder):
        if not store.exists():
            raise ValueError(f"--repair: {store.folder} holds no results of a sweep to repair")
        try:
            plan = store.plan()
        except (DamagedResults, FileNotFoundError):
            raise ValueError(f"{store.plan_path}: damaged or missing, and the runs cannot be matched without it; "
                             "start again with --force (or another --out)") from None
        if not same_plan(plan, pd.DataFrame(plan_records(exp))):
            raise ValueError(f"{store.folder}: these results are of another experiment (different plan); "
                             "repair them with the experiment file that made them")
        done = [_set_aside(store, part) for part in _damaged_groups(store)]
        try:
            store.manifest()
        except (DamagedResults, FileNotFoundError):
            manifest = new_manifest(exp, len(plan))
            manifest["repaired"] = now()
            store.write_manifest(manifest)
            done.append(f"rebuilt {store.manifest_path} from {exp.origin}")
    return done


def _damaged_groups(store: ResultStore) -> list[Path]:
    """The run parts to set aside: damaged ones and those whose series part is damaged."""
    bad = set(store.damaged_parts())
    return [p for p in store.parts() if p in bad or store.series_path(p) in bad]


def _set_aside(store: ResultStore, part: Path) -> str:
    target = store.folder / DAMAGED
    target.mkdir(exist_ok=True)
    moved = []
    for path in (store.series_path(part), part):  # series first: a run part without series is whole
        if path.exists():
            dest = target / f"{path.parent.name}-{path.name}"
            n = 1
            while dest.exists():  # an earlier repair set aside a part of the same name
                n += 1
                dest = target / f"{path.parent.name}-{path.stem}.{n}{path.suffix}"
            os.replace(path, dest)
            moved.append(dest.name)
    return f"moved {part.name} ({', '.join(moved)}) to {target}/; its runs will run again"
