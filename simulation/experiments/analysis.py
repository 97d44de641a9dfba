"""Analyse a finished sweep: Sobol indices, Morris screening, ensembles, factorial summaries.

The analysers read the result store and the experiment record in its manifest, hand the
outcomes back to SALib in the sampling order, and return tidy tables (one row per outcome and
parameter) plus matplotlib figures; the command layer prints and saves them.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from .designs import Factor, salib_problem
from .results import load_results
from .store import ResultStore

KEY_OUTCOMES = ("member_share", "retained_share", "largest_share", "collaborations", "exits",
                "mergers", "cost_small", "cost_large", "development_output", "gain_small", "gain_large")


def load(folder) -> tuple[ResultStore, dict[str, Any], pd.DataFrame]:
    """A sweep's store, its manifest (the experiment as run) and its runs (:func:`load_results`)."""
    store = ResultStore(folder)
    manifest = store.manifest()  # first: a folder of one imcsim run is no sweep to analyse
    return store, manifest, load_results(folder)


def factors_of(manifest: dict[str, Any]) -> list[Factor]:
    return [Factor(**{**f, "levels": tuple(f["levels"]) if f["levels"] is not None else None})
            for f in manifest["spec"]["factors"]]


def outcome_columns(manifest: dict[str, Any], results: pd.DataFrame, wanted: list[str] | None = None) -> list[str]:
    """Numeric outcome columns, the key outcomes first; ``wanted`` restricts them."""
    skip = {"run_id", "sample", "replication", "seed", "status", "error", "elapsed",
            *(f["name"] for f in manifest["spec"]["factors"])}
    numeric = [c for c in results.columns if c not in skip and pd.api.types.is_numeric_dtype(results[c])]
    if wanted:
        bad = [w for w in wanted if w not in numeric]
        if bad:
            raise ValueError(f"unknown outcome(s) {', '.join(bad)}; this sweep has {', '.join(numeric)}")
        return list(wanted)
    key = [c for c in KEY_OUTCOMES if c in numeric]
    return key + [c for c in numeric if c not in key]


def check_complete(manifest: dict[str, Any], results: pd.DataFrame) -> pd.DataFrame:
    """The successful runs; sensitivity designs need every run (SALib's estimators are positional)."""
    planned = manifest["runs_planned"]
    ok = results[results.status == "ok"] if len(results) else results
    if len(results) < planned:
        raise ValueError(f"{planned - len(results)} of {planned} runs missing; finish with imcsim sweep --resume")
    return ok


def per_sample(results: pd.DataFrame, outcomes: list[str], n_samples: int) -> pd.DataFrame:
    """Mean outcome per design point (averaging replications), indexed by sample 0..n-1."""
    means = results.groupby("sample")[outcomes].mean()
    return means.reindex(range(n_samples))


def seed_noise(results: pd.DataFrame, outcomes: list[str]) -> pd.Series:
    """Share of each outcome's variance that is within design points (seed alone), given
    replications: the floor under total-effect indices computed from single runs."""
    ok = results[results.status == "ok"]
    within = ok.groupby("sample")[outcomes].var(ddof=1).mean()
    total = ok[outcomes].var(ddof=1)
    return (within / total.replace(0, np.nan)).rename("seed_share")


# ---------------------------------------------------------------------------------------------
# Sobol


BOOTSTRAP_SEED = 20_261_130
"""Seed of the Sobol bootstrap: SALib's sobol.analyze reads a seed of 0 as "no seed", so the same
results would get other confidence intervals on every ``imcsim analyze``."""


def sobol(manifest: dict[str, Any], results: pd.DataFrame, outcomes: list[str],
          seed: int = BOOTSTRAP_SEED) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol indices with 95% bootstrap confidence intervals,
    reproducible: the bootstrap is seeded (never with 0, which SALib takes for unseeded)."""
    if not seed:
        raise ValueError("sobol: the bootstrap seed must not be 0 (SALib reads 0 as unseeded)")
    from SALib.analyze import sobol as sobol_analyze

    factors = factors_of(manifest)
    problem = salib_problem(factors)
    spec = manifest["spec"]
    n_samples = int(results["sample"].max()) + 1 if len(results) else 0
    y = per_sample(check_complete(manifest, results), outcomes, n_samples)
    rows = []
    for outcome in outcomes:
        values = y[outcome].to_numpy(dtype=float)
        if np.isnan(values).any() or np.nanstd(values) == 0:
            reason = "failed runs or undefined values" if np.isnan(values).any() else "no variation"
            rows += [{"outcome": outcome, "parameter": f.name, "S1": np.nan, "S1_conf": np.nan,
                      "ST": np.nan, "ST_conf": np.nan, "note": reason} for f in factors]
            continue
        res = sobol_analyze.analyze(problem, values, calc_second_order=spec["calc_second_order"],
                                    conf_level=0.95, seed=seed)
        for i, f in enumerate(factors):
            rows.append({"outcome": outcome, "parameter": f.name, "S1": res["S1"][i], "S1_conf": res["S1_conf"][i],
                         "ST": res["ST"][i], "ST_conf": res["ST_conf"][i], "note": ""})
    return pd.DataFrame(rows)


def morris(manifest: dict[str, Any], results: pd.DataFrame, plan: pd.DataFrame, outcomes: list[str],
           seed: int = 0) -> pd.DataFrame:
    """Morris elementary effects: mu* (importance) with its 95% CI, and sigma (interaction/non-linearity)."""
    from SALib.analyze import morris as morris_analyze

    factors = factors_of(manifest)
    problem = salib_problem(factors)
    names = [f.name for f in factors]
    x = plan.drop_duplicates("sample").sort_values("sample")[names].to_numpy(dtype=float)
    y = per_sample(check_complete(manifest, results), outcomes, len(x))
    rows = []
    for outcome in outcomes:
        values = y[outcome].to_numpy(dtype=float)
        if np.isnan(values).any():
            rows += [{"outcome": outcome, "parameter": n, "mu_star": np.nan, "mu_star_conf": np.nan,
                      "mu": np.nan, "sigma": np.nan, "note": "failed runs or undefined values"} for n in names]
            continue
        res = morris_analyze.analyze(problem, x, values, conf_level=0.95, num_levels=manifest["spec"]["num_levels"],
                                     seed=seed)
        for i, n in enumerate(names):
            rows.append({"outcome": outcome, "parameter": n, "mu_star": res["mu_star"][i],
                         "mu_star_conf": res["mu_star_conf"][i], "mu": res["mu"][i], "sigma": res["sigma"][i],
                         "note": ""})
    return pd.DataFrame(rows)


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and the half-width of its t confidence interval (NaNs dropped)."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if len(v) == 0:
        return np.nan, np.nan, 0
    if len(v) == 1:
        return float(v[0]), np.nan, 1
    half = stats.t.ppf(0.5 + level / 2, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v))
    return float(v.mean()), float(half), len(v)


def ensemble(results: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """Distribution of each outcome across seeds: mean with 95% CI, sd and quantiles."""
    ok = results[results.status == "ok"]
    rows = []
    for outcome in outcomes:
        v = ok[outcome].to_numpy(dtype=float)
        mean, half, n = mean_ci(v)
        q = np.nanquantile(v, [0.05, 0.25, 0.5, 0.75, 0.95]) if n else [np.nan] * 5
        rows.append({"outcome": outcome, "n": n, "mean": mean, "ci95": half, "sd": float(np.nanstd(v, ddof=1)) if n > 1 else np.nan,
                     "p5": q[0], "p25": q[1], "median": q[2], "p75": q[3], "p95": q[4]})
    return pd.DataFrame(rows)


def by_levels(manifest: dict[str, Any], results: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """For factorial designs: mean and 95% CI of each outcome per combination of levels."""
    names = [f["name"] for f in manifest["spec"]["factors"]]
    ok = results[results.status == "ok"]
    rows = []
    for key, group in (ok.groupby(names, sort=False) if names else [((), ok)]):
        key = key if isinstance(key, tuple) else (key,)
        for outcome in outcomes:
            mean, half, n = mean_ci(group[outcome].to_numpy())
            rows.append({**dict(zip(names, key, strict=True)), "outcome": outcome, "mean": mean, "ci95": half, "n": n})
    return pd.DataFrame(rows)


def correlations(manifest: dict[str, Any], results: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """For Latin hypercubes: Spearman rank correlation of each parameter with each outcome."""
    names = [f["name"] for f in manifest["spec"]["factors"]]
    ok = results[results.status == "ok"]
    rows = []
    for outcome in outcomes:
        for n in names:
            if ok[outcome].nunique() <= 1 or ok[n].nunique() <= 1:
                rho, p = np.nan, np.nan  # undefined for a constant
            else:
                rho, p = stats.spearmanr(ok[n], ok[outcome], nan_policy="omit")
            rows.append({"outcome": outcome, "parameter": n, "spearman": float(rho), "p_value": float(p)})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# plots


def _grid(n: int, width: float = 4.2, height: float = 3.2):
    cols = min(3, n)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat


def plot_sobol(table: pd.DataFrame, title: str):
    outcomes = list(dict.fromkeys(table.outcome))
    fig, axes = _grid(len(outcomes), height=0.35 * table.parameter.nunique() + 1.6)
    for ax, outcome in zip(axes, outcomes, strict=False):
        t = table[table.outcome == outcome].sort_values("ST")
        y = np.arange(len(t))
        ax.barh(y + 0.2, t.ST, 0.4, xerr=t.ST_conf, label="total (ST)", color="#4C72B0", capsize=2)
        ax.barh(y - 0.2, t.S1, 0.4, xerr=t.S1_conf, label="first order (S1)", color="#DD8452", capsize=2)
        ax.set_yticks(y, t.parameter, fontsize=8)
        ax.set_xlim(min(0, np.nanmin(t.S1.to_numpy(), initial=0)) - 0.05, 1.05)
        ax.axvline(0, color="grey", lw=0.5)
        ax.set_title(outcome + (" (no variation)" if t.note.any() else ""), fontsize=10)
    axes[0].legend(fontsize=8, loc="lower right")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_morris(table: pd.DataFrame, title: str):
    outcomes = list(dict.fromkeys(table.outcome))
    fig, axes = _grid(len(outcomes), width=4.6, height=3.8)
    for ax, outcome in zip(axes, outcomes, strict=False):
        t = table[table.outcome == outcome]
        ax.scatter(t.mu_star, t.sigma, s=14)
        top = t.nlargest(5, "mu_star")
        for _, r in top.iterrows():
            ax.annotate(r.parameter, (r.mu_star, r.sigma), fontsize=7, xytext=(3, 2), textcoords="offset points")
        ax.set_xlabel("mu* (importance)")
        ax.set_ylabel("sigma (interactions)")
        ax.set_title(outcome, fontsize=10)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_ensemble(results: pd.DataFrame, outcomes: list[str], title: str):
    ok = results[results.status == "ok"]
    fig, axes = _grid(len(outcomes), height=2.8)
    for ax, outcome in zip(axes, outcomes, strict=False):
        v = ok[outcome].dropna()
        ax.hist(v, bins=min(30, max(5, v.nunique())), color="#4C72B0", edgecolor="white")
        ax.axvline(v.mean(), color="black", lw=1, ls="--")
        ax.set_title(f"{outcome} (n={len(v)})", fontsize=10)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_levels(table: pd.DataFrame, names: list[str], title: str):
    outcomes = list(dict.fromkeys(table.outcome))
    fig, axes = _grid(len(outcomes), height=3.0)
    for ax, outcome in zip(axes, outcomes, strict=False):
        t = table[table.outcome == outcome]
        labels = [" / ".join(str(r[n]) for n in names) for _, r in t.iterrows()]
        ax.bar(range(len(t)), t["mean"], yerr=t["ci95"], capsize=3, color="#4C72B0")
        ax.set_xticks(range(len(t)), labels, rotation=30, ha="right", fontsize=8)
        ax.set_title(outcome, fontsize=10)
    fig.suptitle(title)
    fig.tight_layout()
    return fig
