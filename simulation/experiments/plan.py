"""The plan of an experiment: every run with its design point, replication and seed.

Each run's seed comes from ``numpy.random.SeedSequence(experiment_seed).spawn(n)[i]`` for its run
index ``i`` (or its replication index with ``common_seeds``), so a run's result depends only on the
experiment file, never on the number of workers or the order in which runs finish.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .spec import Experiment

META_COLUMNS = ("run_id", "sample", "replication", "seed")


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
    points = [{k: plain(v) for k, v in p.items()} for p in exp.points()]
    for key in points[0] if points else ():
        if {type(p[key]) for p in points} == {int, float}:
            for p in points:
                p[key] = float(p[key])
    n_runs = len(points) * exp.replications
    seeds = run_seeds(exp.seed, exp.replications if exp.common_seeds else n_runs)
    draws = posterior_draws(exp)
    rows = []
    for sample, point in enumerate(points):
        for rep in range(exp.replications):
            run_id = sample * exp.replications + rep
            rows.append({"run_id": run_id, "sample": sample, "replication": rep,
                         "seed": seeds[rep if exp.common_seeds else run_id], **draws[rep], **point})
    return rows


def factor_names(exp: Experiment) -> list[str]:
    return [f.name for f in exp.factors]


def posterior_draws(exp: Experiment) -> list[dict[str, Any]]:
    """Each replication's posterior draw (given keys and particle), without the keys the
    experiment fixes or varies (those win); empty dicts without a posterior."""
    if not exp.posterior:
        return [{}] * exp.replications
    from ..posterior import load_posterior

    mine = set(exp.fixed) | set(factor_names(exp))
    return [{k: v for k, v in d.items() if k not in mine} for d in load_posterior(exp.posterior).draws(exp.replications)]


def applied_names(exp: Experiment) -> list[str]:
    """The plan's columns a run applies as overrides: the posterior draw's keys, then the factors."""
    return [*posterior_draws(exp)[0], *factor_names(exp)]


def same_plan(old: pd.DataFrame, new: pd.DataFrame) -> bool:
    """Whether a results folder's plan is this experiment's (values compared, not dtypes)."""
    if list(old.columns) != list(new.columns) or len(old) != len(new):
        return False
    try:
        pd.testing.assert_frame_equal(old.reset_index(drop=True), new.reset_index(drop=True), check_dtype=False)
    except AssertionError:
        return False
    return True


def plain(value: Any) -> Any:
    """numpy scalars from the plan table back to Python numbers (for --set style overrides)."""
    return value.item() if isinstance(value, np.generic) else value
