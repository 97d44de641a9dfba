"""A calibration's posterior as other commands read it: weighted parameter sets and their draws.

``imcsim calibrate`` writes ``posterior.csv`` (one row per particle: ``weight``, ``distance``
and one column per calibrated parameter) and ``posterior.json`` beside it (provenance, and the
``given`` keys every particle ran with). A draw is a weighted resample of the rows; draws are
numbered from 1 and drawing more never changes the first ones, so ``--draw K`` of ``run`` and
draw K of a sweep's replication K are the same parameter set. The draw is applied as the
calibration applied it: on the region with its own behavioural ``[parameters]`` stripped
(:func:`.validation.behaviour.behaviour_free`), then the given keys, then the particle.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import registry
from .scenario import Scenario

META = ("particle", "weight", "distance", "generation")  # posterior.csv columns that are no parameter
DRAW_SEED = 0  # seed of the weighted resample: fixed, so draw K is the same set for every command


def typed_value(key: str, value: float) -> float | int:
    """A drawn value as its key takes it: integer keys (``generator.regions``) rounded."""
    return round(value) if registry.lookup(key, key)[0].kind == "integer" else float(value)


@dataclass(frozen=True)
class Posterior:
    path: Path
    particles: pd.DataFrame  # one column per parameter
    weights: np.ndarray  # normalised to sum 1
    given: dict[str, Any]  # keys fixed under every particle
    provenance: dict[str, Any]

    @property
    def names(self) -> list[str]:
        return list(self.particles.columns)

    def indices(self, n: int) -> np.ndarray:
        """Rows of the first ``n`` draws (weighted, with replacement; a prefix of any longer list)."""
        u = np.random.default_rng(DRAW_SEED).random(n)
        return np.minimum(np.searchsorted(np.cumsum(self.weights), u, side="right"), len(self.weights) - 1)

    def draws(self, n: int) -> list[dict[str, Any]]:
        """The first ``n`` draws as ``--set``-style overrides: the given keys, then the particle's."""
        return [self.overrides(int(i)) for i in self.indices(n)]

    def draw(self, k: int) -> dict[str, Any]:
        """Draw number ``k`` (from 1)."""
        if k < 1:
            raise ValueError(f"--draw: expected >= 1, got {k}")
        return self.draws(k)[k - 1]

    def overrides(self, row: int) -> dict[str, Any]:
        values = self.particles.iloc[row]
        return {**self.given, **{k: typed_value(k, values[k]) for k in self.names}}

    def summary(self) -> dict[str, Any]:
        """The weighted median of each parameter (with the given keys): one point for a single run."""
        order = {k: np.argsort(self.particles[k].to_numpy()) for k in self.names}
        out = {}
        for k, o in order.items():
            cdf = np.cumsum(self.weights[o])
            out[k] = typed_value(k, self.particles[k].to_numpy()[o][np.searchsorted(cdf, 0.5)])
        return {**self.given, **out}

    def apply(self, scenario: Scenario, overrides: dict[str, Any]) -> Scenario:
        """``scenario`` on the registry's behaviour (as calibrated), with a draw's overrides."""
        from .validation.behaviour import behaviour_free

        return behaviour_free(scenario, overrides, origin=f"posterior {self.path}")

    def base(self, scenario: Scenario) -> Scenario:
        """``scenario`` on the registry's behaviour plus the given keys (a draw goes on top)."""
        return self.apply(scenario, self.given)

    def record(self) -> dict[str, Any]:
        """What a results folder keeps about the posterior it integrated over."""
        return {"file": str(self.path), "sha256": _sha256(self.path), "particles": len(self.weights),
                "model_fingerprint": self.provenance.get("model_fingerprint")}


def load_posterior(path: str | Path) -> Posterior:
    """Read ``posterior.csv`` (or the folder holding it) and its ``posterior.json``; one-line errors."""
    path = Path(path)
    if path.is_dir():
        path = path / "posterior.csv"
    if not path.is_file():
        raise ValueError(f"--posterior {path}: no such file (imcsim calibrate writes posterior.csv)")
    try:
        table = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValueError(f"--posterior {path}: not a posterior table ({exc})") from None
    if "weight" not in table or len(table) == 0:
        raise ValueError(f"--posterior {path}: expected a 'weight' column and at least one particle")
    weights = table["weight"].to_numpy(dtype=float)
    if not np.all(np.isfinite(weights)) or (weights < 0).any() or weights.sum() <= 0:
        raise ValueError(f"--posterior {path}: weights must be finite, non-negative and not all 0")
    sidecar = path.with_suffix(".json")
    provenance = json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.is_file() else {}
    particles = table[[c for c in table.columns if c not in META]]
    for key in particles.columns:
        registry.lookup(key, f"--posterior {path}: column {key}")  # refuses a column no key names
    if particles.isna().any().any():
        raise ValueError(f"--posterior {path}: missing parameter values")
    return Posterior(path, particles.astype(float), weights / weights.sum(), dict(provenance.get("given", {})),
                     provenance)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def interval_width(values: np.ndarray, weights: np.ndarray, level: float = 0.9) -> float:
    """Width of the central weighted ``level`` interval of ``values``."""
    order = np.argsort(values)
    v, cdf = values[order], np.cumsum(weights[order]) / weights.sum()
    tail = (1 - level) / 2
    lo = v[min(np.searchsorted(cdf, tail), len(v) - 1)]
    hi = v[min(np.searchsorted(cdf, 1 - tail), len(v) - 1)]
    return float(hi - lo) if math.isfinite(hi - lo) else math.nan
