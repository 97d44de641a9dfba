"""The seed-noise floor of a sensitivity study, and each outcome's variance split into parameter
and stochastic parts.

imcsim is stochastic: two runs at the same parameters with different seeds differ. A sensitivity
index computed from single runs mixes that noise into every parameter's effect, so an index is
only informative where it stands clearly above what noise alone would give. The noise is
measured by *replicates at fixed points*: the design's own replications (every design point run
``R`` times) or, for single-replication designs, ``K`` extra seeds at the centre of the ranges
(:func:`centre_runs`). Either gives the seed variance ``s2`` of one run; the floors follow:

- **Morris**: an elementary effect is ``(y(x + delta e_i) - y(x)) / delta`` (SALib, ``delta`` on the
  unit scale of the ranges), so noise alone adds ``(e1 - e2) / delta`` with sd
  ``sqrt(2 s2 / R) / delta`` (``R`` replications averaged per point), the sd of the difference
  between two seeds at the same point divided by delta. mu* is a mean *absolute* effect, and the
  mean absolute value of a normal with that sd is ``sqrt(2 / pi)`` times it: a parameter without
  any effect shows ``mu* = 2 sqrt(s2 / R) / (delta sqrt(pi))`` (:func:`morris_floor`).
- **Sobol**: the total-effect estimator (Jansen) is ``E[(f(A) - f(AB_i))^2] / 2V``; independent noise
  in both runs adds ``(s2 / R) / V`` to every ST, the share of the analysed outcome's variance that
  is seed noise (:func:`sobol_floor`). S1 is not biased by it, only made less precise.

The split (:func:`variance_split`) is the law of total variance over the runs of a replicated design:
``Var(Y) = E[Var(Y | x)] + Var(E[Y | x])``, within-point (seed) plus between-point (parameters).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..scenario import load_scenario
from .batch import run_batch
from .engines import run_tasks
from .plan import run_seeds

NOISE_SEEDS = 20  # default K: seeds at the centre of the ranges for a single-replication design


def seed_variance(results: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """Pooled within-point variance (one run's seed variance) of each outcome, with its degrees of
    freedom, from the runs of points that have at least two successful replications."""
    ok = results[results.status == "ok"]
    groups = ok.groupby("sample")[outcomes]
    n = groups.count()
    ss = groups.var(ddof=1).mul(n - 1)  # within sum of squares per point
    dof = (n - 1).clip(lower=0).sum()
    s2 = ss.sum(min_count=1) / dof.replace(0, np.nan)
    return pd.DataFrame({"seed_var": s2, "dof": dof}).rename_axis("outcome")


def variance_split(results: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """Each outcome's variance over the runs split by the law of total variance into the mean
    within-point variance (the seed's part) and the variance of the point means (the parameters'
    part, which still holds ``within / R`` of seed noise; ``between_corrected`` takes it out).

    Shares are of the total ``within + between``, so they add up to one."""
    ok = results[results.status == "ok"]
    rows = []
    for outcome in outcomes:
        g = ok.groupby("sample")[outcome]
        counts = g.count()
        keep = counts[counts >= 2].index
        if len(keep) < 2:
            rows.append({"outcome": outcome, "points": len(keep), "replications": np.nan, "within": np.nan,
                         "between": np.nan, "between_corrected": np.nan, "seed_share": np.nan,
                         "parameter_share": np.nan})
            continue
        sub = ok[ok["sample"].isin(keep)]
        gg = sub.groupby("sample")[outcome]
        within = float(gg.var(ddof=0).mean())        # E[Var(Y | x)]
        between = float(gg.mean().var(ddof=0))       # Var(E[Y | x]) of the sample means
        reps = float(gg.count().mean())
        corrected = max(between - within / max(reps - 1, 1), 0.0)  # the means' own seed noise removed
        total = within + between
        rows.append({"outcome": outcome, "points": len(keep), "replications": reps, "within": within,
                     "between": between, "between_corrected": corrected,
                     "seed_share": within / total if total > 0 else np.nan,
                     "parameter_share": between / total if total > 0 else np.nan})
    return pd.DataFrame(rows)


def centre_point(manifest: dict[str, Any]) -> dict[str, Any]:
    """The middle of every varied range (integer parameters rounded): the fixed point of the noise runs."""
    point = {}
    for f in manifest["spec"]["factors"]:
        if f["levels"] is not None:
            raise ValueError(f"noise runs need ranges; {f['name']} has levels (use replications instead)")
        mid = (f["low"] + f["high"]) / 2
        point[f["name"]] = int(round(mid)) if f["integer"] else float(mid)
    return point


def centre_runs(manifest: dict[str, Any], k: int = NOISE_SEEDS, workers: int = 1,
                progress: Any = None) -> pd.DataFrame:
    """Run the experiment's scenario (its fixed values and ticks) ``k`` times at :func:`centre_point`.

    The seeds are the experiment seed's spawned children after the design's own
    (``run_seeds(seed, planned + k)[planned:]``), so they never repeat a design run's seed and the
    same results folder always gives the same noise runs."""
    spec = manifest["spec"]
    overrides = dict(spec["fixed"])
    if spec["ticks"] is not None:
        overrides["ticks"] = spec["ticks"]
    scenario = load_scenario(spec["scenario"], overrides)
    point = centre_point(manifest)
    planned = int(manifest["runs_planned"])
    seeds = run_seeds(spec["seed"], planned + k)[planned:]
    items = [{"run_id": i, "sample": 0, "replication": i, "seed": s, **point} for i, s in enumerate(seeds)]
    rows: list[dict[str, Any]] = []

    def collect(batch: list) -> None:
        rows.extend(row for row, _ in batch)
        if progress is not None:
            progress.update(len(batch))

    run_tasks(_centre_batch, (scenario, list(point), tuple(spec["outputs"])), items, collect, workers=workers)
    return pd.DataFrame(rows).sort_values("run_id").reset_index(drop=True)


def _centre_batch(shared: tuple, batch: list[dict[str, Any]]) -> list:
    scenario, params, outputs = shared
    return run_batch(scenario, batch, params, outputs, ())


def floor_variance(manifest: dict[str, Any], results: pd.DataFrame, outcomes: list[str],
                   centre: pd.DataFrame | None) -> pd.DataFrame:
    """One run's seed variance per outcome and where it was measured: the design's replications if
    it has any (over the whole design), else the centre runs; ``None`` rows (NaN) when neither."""
    reps = int(manifest["spec"]["replications"])
    if reps > 1:
        table = seed_variance(results, outcomes)
        table["source"] = f"design replications ({reps} per point)"
    elif centre is not None and len(centre):
        ok = centre[centre.status == "ok"]
        table = pd.DataFrame({"seed_var": ok[outcomes].var(ddof=1), "dof": len(ok) - 1}).rename_axis("outcome")
        table["source"] = f"{len(ok)} seeds at the centre of the ranges"
    else:
        table = pd.DataFrame({"seed_var": np.nan, "dof": 0, "source": "not measured"}, index=pd.Index(outcomes, name="outcome"))
    table["replications"] = reps
    return table


def morris_floor(seed_var: pd.Series, replications: int, num_levels: int) -> pd.Series:
    """mu* of a parameter with no effect: the mean absolute elementary effect of noise alone,
    ``2 sqrt(s2 / R) / (delta sqrt(pi))`` with SALib's ``delta = num_levels / (2 (num_levels - 1))``."""
    delta = num_levels / (2 * (num_levels - 1))
    return (2 * np.sqrt(seed_var / replications) / (delta * np.sqrt(np.pi))).rename("mu_star_floor")


def sobol_floor(seed_var: pd.Series, means: pd.DataFrame, replications: int) -> pd.Series:
    """The bias seed noise adds to every ST: its share of the analysed (per-point mean) variance."""
    total = means[list(seed_var.index)].var(ddof=1)
    return (seed_var / replications / total.replace(0, np.nan)).clip(upper=1).rename("ST_floor")


def plot_variance_split(table: pd.DataFrame, title: str):
    """Stacked bars of the seed's and the parameters' share of each outcome's variance."""
    import matplotlib.pyplot as plt

    t = table.dropna(subset=["seed_share"]).iloc[::-1]
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(t) + 1.4))
    y = np.arange(len(t))
    ax.barh(y, t.parameter_share, color="#4C72B0", label="between design points (parameters)")
    ax.barh(y, t.seed_share, left=t.parameter_share, color="#BBBBBB", label="within design points (seed)")
    ax.set_yticks(y, t.outcome, fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the outcome's variance over the runs")
    ax.legend(fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
    ax.set_title(title, fontsize=10, pad=22)
    fig.tight_layout()
    return fig
