"""Experimental designs: which parameter combinations a sweep runs.

Every design returns a list of parameter dicts, one per *sample* (design point); the runner
repeats each sample ``replications`` times with its own random stream. Sampling is delegated to
SALib (Latin hypercube, Morris trajectories, Saltelli/Sobol sequences) so that the analysis step
can hand the same sample matrix back to SALib's estimators.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from SALib.sample import latin
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

DESIGNS = ("full_factorial", "latin_hypercube", "morris", "sobol", "ensemble")


@dataclass(frozen=True)
class Factor:
    """One varied input: a continuous range ``[low, high]`` or a list of discrete ``levels``."""

    name: str
    low: float | None = None
    high: float | None = None
    levels: tuple[Any, ...] | None = None
    integer: bool = False  # round sampled values (integer parameters such as found_max_partners)

    @property
    def continuous(self) -> bool:
        return self.levels is None


def salib_problem(factors: list[Factor]) -> dict[str, Any]:
    """The SALib problem dict of the continuous factors."""
    return {
        "num_vars": len(factors),
        "names": [f.name for f in factors],
        "bounds": [[float(f.low), float(f.high)] for f in factors],
    }


def _to_dicts(factors: list[Factor], matrix: np.ndarray) -> list[dict[str, Any]]:
    out = []
    for row in matrix:
        point = {}
        for f, x in zip(factors, row, strict=True):
            point[f.name] = int(round(float(x))) if f.integer else float(x)
        out.append(point)
    return out


def full_factorial(factors: list[Factor]) -> list[dict[str, Any]]:
    """Every combination of the factors' levels (the first factor varies slowest)."""
    if not factors:
        return [{}]
    levels = [list(f.levels) for f in factors]
    return [dict(zip([f.name for f in factors], combo, strict=True)) for combo in itertools.product(*levels)]


def latin_hypercube(factors: list[Factor], samples: int, seed: int) -> list[dict[str, Any]]:
    return _to_dicts(factors, latin.sample(salib_problem(factors), samples, seed=seed))


def morris(factors: list[Factor], trajectories: int, seed: int, num_levels: int = 4) -> list[dict[str, Any]]:
    """Morris elementary-effects trajectories: ``trajectories * (k + 1)`` samples."""
    matrix = morris_sample.sample(salib_problem(factors), trajectories, num_levels=num_levels, seed=seed)
    return _to_dicts(factors, matrix)


def sobol(factors: list[Factor], base_samples: int, seed: int, calc_second_order: bool = False) -> list[dict[str, Any]]:
    """Saltelli's extension of a Sobol sequence: ``N * (k + 2)`` samples (``N * (2k + 2)`` with
    second-order indices). ``base_samples`` should be a power of two."""
    matrix = sobol_sample.sample(salib_problem(factors), base_samples,
                                 calc_second_order=calc_second_order, seed=seed)
    return _to_dicts(factors, matrix)


def ensemble() -> list[dict[str, Any]]:
    """One design point: the scenario as it is, repeated over many seeds."""
    return [{}]


def sample_matrix(factors: list[Factor], points: list[dict[str, Any]]) -> np.ndarray:
    """Back from parameter dicts to the (samples x factors) matrix SALib's analysers expect."""
    return np.array([[float(p[f.name]) for f in factors] for p in points], dtype=float)
