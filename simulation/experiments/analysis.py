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
"""Seed of the Sobol and Morris bootstraps: SALib's sobol.analyze reads a seed of 0 as "no seed",
so the same results would get other confidence intervals on every ``imcsim analyze``."""


MOSTLY_ONE_VALUE = 0.9
"""An outcome that takes one value at this share of the design points or more is flagged: its
indices rest on the few other points (e.g. the retained share where almost nobody leaves), so an
ST near one can be the mark of a handful of runs rather than of the parameters."""


def one_value_note(values: np.ndarray) -> str:
    """'97% of points at 1' when one value holds at least ``MOSTLY_ONE_VALUE`` of the points, else ''."""
    found, counts = np.unique(values, return_counts=True)
    share = counts.max() / len(values)
    return f"{share:.0%} of points at {found[counts.argmax()]:g}" if share >= MOSTLY_ONE_VALUE else ""


def sobol(manifest: dict[str, Any], results: pd.DataFrame, outcomes: list[str],
          seed: int = BOOTSTRAP_SEED) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol indices with 95% bootstrap confidence intervals,
    reproducible: the bootstrap is seeded (never with 0, which SALib takes for unseeded)."""
    return sobol_indices(manifest, results, outcomes, seed)[0]


def sobol_indices(manifest: dict[str, Any], results: pd.DataFrame, outcomes: list[str],
                  seed: int = BOOTSTRAP_SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`sobol`'s table and, for designs with ``calc_second_order``, the second-order indices
    (one row per outcome and pair: S2 with its 95% CI and the outcome's note; empty otherwise)."""
    if not seed:
        raise ValueError("sobol: the bootstrap seed must not be 0 (SALib reads 0 as unseeded)")
    factors = factors_of(manifest)
    names = [f.name for f in factors]
    second = bool(manifest["spec"]["calc_second_order"])
    n_samples = int(results["sample"].max()) + 1 if len(results) else 0
    y = per_sample(check_complete(manifest, results), outcomes, n_samples)
    rows, pairs = [], []
    for outcome in outcomes:
        values = y[outcome].to_numpy(dtype=float)
        if np.isnan(values).any() or np.nanstd(values) == 0:
            reason = "failed runs or undefined values" if np.isnan(values).any() else "no variation"
            rows += [{"outcome": outcome, "parameter": n, "S1": np.nan, "S1_conf": np.nan,
                      "ST": np.nan, "ST_conf": np.nan, "note": reason} for n in names]
            continue
        res, note = sobol_of(salib_problem(factors), values, second, seed), one_value_note(values)
        for i, n in enumerate(names):
            rows.append({"outcome": outcome, "parameter": n, "S1": res["S1"][i], "S1_conf": res["S1_conf"][i],
                         "ST": res["ST"][i], "ST_conf": res["ST_conf"][i], "note": note})
        if second:
            pairs += [{"outcome": outcome, "parameter_1": names[i], "parameter_2": names[j],
                       "S2": res["S2"][i, j], "S2_conf": res["S2_conf"][i, j], "note": note}
                      for i in range(len(names)) for j in range(i + 1, len(names))]
    s2 = pd.DataFrame(pairs, columns=["outcome", "parameter_1", "parameter_2", "S2", "S2_conf", "note"])
    return pd.DataFrame(rows), s2


def sobol_of(problem: dict[str, Any], values: np.ndarray, second: bool, seed: int = BOOTSTRAP_SEED) -> dict:
    """SALib's sobol.analyze of one outcome's values in Saltelli order, seeded bootstrap."""
    from SALib.analyze import sobol as sobol_analyze

    return sobol_analyze.analyze(problem, values, calc_second_order=second, conf_level=0.95, seed=seed)


def morris_inputs(manifest: dict[str, Any], results: pd.DataFrame, plan: pd.DataFrame,
                  outcomes: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """The Morris sample matrix (trajectories in order) and each point's mean outcomes."""
    names = [f.name for f in factors_of(manifest)]
    x = plan.drop_duplicates("sample").sort_values("sample")[names].to_numpy(dtype=float)
    return x, per_sample(check_complete(manifest, results), outcomes, len(x))


def morris(manifest: dict[str, Any], results: pd.DataFrame, plan: pd.DataFrame, outcomes: list[str],
           seed: int = BOOTSTRAP_SEED) -> pd.DataFrame:
    """Morris elementary effects: mu* (importance) with its 95% bootstrap CI (seeded, so the same on
    every analysis), mu (signed) and sigma (interaction/non-linearity)."""
    names = [f.name for f in factors_of(manifest)]
    x, y = morris_inputs(manifest, results, plan, outcomes)
    rows = []
    for outcome in outcomes:
        values = y[outcome].to_numpy(dtype=float)
        if np.isnan(values).any():
            rows += [{"outcome": outcome, "parameter": n, "mu_star": np.nan, "mu_star_conf": np.nan,
                      "mu": np.nan, "sigma": np.nan, "note": "failed runs or undefined values"} for n in names]
            continue
        res, note = morris_of(manifest, x, values, seed), one_value_note(values)
        for i, n in enumerate(names):
            rows.append({"outcome": outcome, "parameter": n, "mu_star": res["mu_star"][i],
                         "mu_star_conf": res["mu_star_conf"][i], "mu": res["mu"][i], "sigma": res["sigma"][i],
                         "note": note})
    return pd.DataFrame(rows)


def morris_of(manifest: dict[str, Any], x: np.ndarray, values: np.ndarray, seed: int = BOOTSTRAP_SEED) -> dict:
    """SALib's morris.analyze of one outcome (rows in trajectory order), seeded bootstrap of mu*."""
    from SALib.analyze import morris as morris_analyze

    problem = salib_problem(factors_of(manifest))
    return morris_analyze.analyze(problem, x, values, conf_level=0.95, num_levels=manifest["spec"]["num_levels"],
                                  seed=seed)


SAME_UP_TO = 1e-12
"""Relative spread below which values over seeds count as one value (float rounding, not seeds)."""


def rounding_scale(*arrays) -> float:
    """The largest magnitude among the numbers a difference was taken between (NaNs ignored; 0
    when there are none): the size their float rounding is relative to (``mean_ci``'s ``scale``)."""
    values = np.abs(np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays]))
    return float(np.nanmax(values, initial=0.0))


def mean_ci(values: np.ndarray, level: float = 0.95, scale: float = 0.0) -> tuple[float, float, float]:
    """Mean and the half-width of its t confidence interval (NaNs dropped). Values equal up to
    float rounding (a spread of 1e-12 of their size, or of ``scale``: the size of the numbers a
    difference was taken between, whose rounding it carries) are the same in every seed: a
    half-width of 0, not the rounding's 1e-13, which a report would print to seventeen decimals."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if len(v) == 0:
        return np.nan, np.nan, 0
    if len(v) == 1:
        return float(v[0]), np.nan, 1
    if v.max() - v.min() <= SAME_UP_TO * max(np.abs(v).max(), scale):
        return float(v.mean()), 0.0, len(v)
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


def panel_grid(n: int, width: float = 4.2, height: float = 3.2):
    cols = min(3, n)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat


FLOOR_STYLE = {"color": "#C44E52", "ls": "--", "lw": 1.2}
FLOOR_SHADE = {"color": "#C44E52", "alpha": 0.12, "lw": 0}


def _floor(ax, value: float | None, label: str) -> None:
    """The seed-noise floor as a dashed line with the region below it shaded: below it, noise."""
    if value is None or not np.isfinite(value):
        return
    ax.axvspan(0, value, **FLOOR_SHADE)
    ax.axvline(value, label=label, gid="noise_floor", **FLOOR_STYLE)


def titled(outcome: str, notes: pd.Series | None) -> str:
    """A panel's title with its outcome's note, if any ("no variation", "97% of points at 1"); a
    table without a note column (an older analysis's CSV) gives the bare outcome."""
    note = next((n for n in notes if isinstance(n, str) and n), "") if notes is not None else ""
    return f"{outcome} ({note})" if note else outcome


def plot_sobol(table: pd.DataFrame, title: str, floors: dict[str, float] | None = None):
    """S1 and ST with their CIs, sorted by ST; ``floors`` (outcome -> ST floor) marks seed noise."""
    outcomes = list(dict.fromkeys(table.outcome))
    fig, axes = panel_grid(len(outcomes), height=0.35 * table.parameter.nunique() + 1.6)
    for ax, outcome in zip(axes, outcomes, strict=False):
        t = table[table.outcome == outcome].sort_values("ST")
        y = np.arange(len(t))
        _floor(ax, (floors or {}).get(outcome), "seed-noise floor of ST")
        ax.barh(y + 0.2, t.ST, 0.4, xerr=t.ST_conf, label="total (ST)", color="#4C72B0", capsize=2)
        ax.barh(y - 0.2, t.S1, 0.4, xerr=t.S1_conf, label="first order (S1)", color="#DD8452", capsize=2)
        ax.set_yticks(y, t.parameter, fontsize=8)
        ax.set_xlim(min(0, np.nanmin(t.S1.to_numpy(), initial=0)) - 0.05, 1.05)
        ax.axvline(0, color="grey", lw=0.5)
        ax.set_title(titled(outcome, t.note), fontsize=10)
    axes[0].legend(fontsize=7, loc="lower right")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_morris(table: pd.DataFrame, title: str, floors: dict[str, float] | None = None):
    """mu* with its bootstrap 95% CI as horizontal bars sorted by mu* (one label per bar, no
    overlap), sigma as a marker on the same scale; ``floors`` (outcome -> mu* floor) marks the mu*
    that seed noise alone gives."""
    outcomes = list(dict.fromkeys(table.outcome))
    fig, axes = panel_grid(len(outcomes), width=4.8, height=0.3 * table.parameter.nunique() + 1.6)
    for ax, outcome in zip(axes, outcomes, strict=False):
        t = table[table.outcome == outcome].sort_values("mu_star")
        y = np.arange(len(t))
        _floor(ax, (floors or {}).get(outcome), "seed-noise floor of mu*")
        ax.barh(y, t.mu_star, 0.6, xerr=t.mu_star_conf, color="#4C72B0", capsize=2, label="mu* (95% CI)")
        ax.scatter(t.sigma, y, marker="D", s=14, color="black", zorder=3, label="sigma")
        ax.set_yticks(y, t.parameter, fontsize=8)
        ax.set_xlim(left=0)
        ax.set_xlabel("mean |elementary effect| per unit step of the range", fontsize=8)
        ax.set_title(titled(outcome, t.note), fontsize=10)
    axes[0].legend(fontsize=7, loc="lower right")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_sobol_s2(s2: pd.DataFrame, title: str):
    """Second-order Sobol indices as one heat map per outcome: a cell per pair of parameters (row
    before column in the design's order), annotated with S2, greyed "ns" when its CI includes zero."""
    outcomes = list(dict.fromkeys(s2.outcome))
    names = list(dict.fromkeys([*s2.parameter_1, *s2.parameter_2]))
    rows, cols = names[:-1], names[1:]
    k = len(cols)
    ncols = min(3, len(outcomes))
    nrows = int(np.ceil(len(outcomes) / ncols))
    fig, grid_axes = plt.subplots(nrows, ncols, figsize=((0.8 * k + 2.2) * ncols + 1, (0.6 * k + 1.8) * nrows),
                                  squeeze=False, layout="constrained")
    for ax in grid_axes.flat[len(outcomes):]:
        ax.set_visible(False)
    axes = list(grid_axes.flat)[: len(outcomes)]
    vmax = max(float(np.nanmax(np.abs(s2.S2.to_numpy()), initial=0.05)), 0.05)
    image = None
    for ax, outcome in zip(axes, outcomes, strict=True):
        grid = np.full((k, k), np.nan)
        for r in s2[s2.outcome == outcome].itertuples():
            i, j = rows.index(r.parameter_1), cols.index(r.parameter_2)
            grid[i, j] = r.S2
            clear = abs(r.S2) > r.S2_conf
            ax.text(j, i, f"{r.S2:.2f}" + ("" if clear else "\nns"), ha="center", va="center", fontsize=7,
                    color="black" if clear else "#777777")
        image = ax.imshow(grid, cmap="RdBu_r", vmin=-vmax, vmax=vmax)
        ax.set_xticks(range(k), cols, rotation=40, ha="right", fontsize=7)
        ax.set_yticks(range(k), rows, fontsize=7)
        ax.set_title(titled(outcome, s2[s2.outcome == outcome].get("note")), fontsize=10)
    if image is not None:
        fig.colorbar(image, ax=axes, shrink=0.8, label="S2 (ns: 95% CI includes 0)")
    fig.suptitle(title)
    return fig


def plot_ensemble(results: pd.DataFrame, outcomes: list[str], title: str):
    ok = results[results.status == "ok"]
    fig, axes = panel_grid(len(outcomes), height=2.8)
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
    fig, axes = panel_grid(len(outcomes), height=3.0)
    for ax, outcome in zip(axes, outcomes, strict=False):
        t = table[table.outcome == outcome]
        labels = [" / ".join(str(r[n]) for n in names) for _, r in t.iterrows()]
        ax.bar(range(len(t)), t["mean"], yerr=t["ci95"], capsize=3, color="#4C72B0")
        ax.set_xticks(range(len(t)), labels, rotation=30, ha="right", fontsize=8)
        ax.set_title(outcome, fontsize=10)
    fig.suptitle(title)
    fig.tight_layout()
    return fig
