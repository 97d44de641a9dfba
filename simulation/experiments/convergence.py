"""Convergence of sensitivity indices: the same indices from the first quarter, half and all of a
design, so a reader sees whether the ranking and the intervals have settled.

Both designs can be cut without rerunning: a Saltelli sample is ``N`` blocks of ``k + 2`` rows
(``2k + 2`` with second-order indices), one block per base point, and a Morris design is ``r``
trajectories of ``k + 1`` rows; the first ``n`` blocks or trajectories are a valid design of size
``n`` (for Sobol, ``n`` is kept a power of two, as Saltelli sampling wants).
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .analysis import (
    FLOOR_STYLE,
    factors_of,
    morris_of,
    one_value_note,
    panel_grid,
    salib_problem,
    sobol_of,
    titled,
)

FRACTIONS = (0.25, 0.5, 1.0)


def sizes(total: int, minimum: int = 2, power_of_two: bool = False) -> list[int]:
    """The design sizes analysed: ``FRACTIONS`` of ``total`` (at least ``minimum``), distinct."""
    out = []
    for f in FRACTIONS:
        n = max(minimum, int(total * f))
        if power_of_two:
            n = 1 << int(np.floor(np.log2(n)))
        if n <= total and n not in out:
            out.append(n)
    return out


def sobol_convergence(manifest: dict[str, Any], means: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """S1 and ST (with CIs) of each outcome from the first n base samples, for n in :func:`sizes`."""
    factors = factors_of(manifest)
    names = [f.name for f in factors]
    second = bool(manifest["spec"]["calc_second_order"])
    block = (2 * len(names) + 2) if second else (len(names) + 2)
    base = len(means) // block
    rows = []
    for n in sizes(base, minimum=4, power_of_two=True):
        for outcome in outcomes:
            values = means[outcome].to_numpy(dtype=float)[: n * block]
            if np.isnan(values).any() or np.nanstd(values) == 0:
                continue
            res, note = sobol_of(salib_problem(factors), values, second), one_value_note(values)
            rows += [{"outcome": outcome, "size": n, "points": n * block, "parameter": p,
                      "S1": res["S1"][i], "S1_conf": res["S1_conf"][i], "ST": res["ST"][i],
                      "ST_conf": res["ST_conf"][i], "note": note} for i, p in enumerate(names)]
    return pd.DataFrame(rows)


def morris_convergence(manifest: dict[str, Any], x: np.ndarray, means: pd.DataFrame,
                       outcomes: list[str]) -> pd.DataFrame:
    """mu* (with CI) of each outcome from the first n trajectories, for n in :func:`sizes`."""
    names = [f.name for f in factors_of(manifest)]
    length = len(names) + 1
    trajectories = len(x) // length
    rows = []
    for n in sizes(trajectories, minimum=2):
        for outcome in outcomes:
            values = means[outcome].to_numpy(dtype=float)[: n * length]
            if np.isnan(values).any():
                continue
            res, note = morris_of(manifest, x[: n * length], values), one_value_note(values)
            rows += [{"outcome": outcome, "size": n, "points": n * length, "parameter": p,
                      "mu_star": res["mu_star"][i], "mu_star_conf": res["mu_star_conf"][i], "note": note}
                     for i, p in enumerate(names)]
    return pd.DataFrame(rows)


def plot_convergence(table: pd.DataFrame, index: str, title: str, floors: dict[str, float] | None = None):
    """One panel per outcome: ``index`` of every parameter against the number of design points
    analysed, with its CI; the seed-noise floor, if given, as a dashed line."""
    outcomes = list(dict.fromkeys(table.outcome))
    names = list(dict.fromkeys(table.parameter))  # one colour per parameter, the same in every panel
    colours = plt.get_cmap("tab10" if len(names) <= 10 else "tab20").colors
    fig, axes = panel_grid(len(outcomes), width=5.0, height=3.6)
    for ax, outcome in zip(axes, outcomes, strict=False):
        t = table[table.outcome == outcome]
        for rank, name in enumerate(names):
            p = t[t.parameter == name].sort_values("size")
            ax.errorbar(p.points * (1 + 0.015 * (rank - len(names) / 2)), p[index], yerr=p[f"{index}_conf"],
                        marker="o", ms=3, capsize=2, lw=1, label=name, color=colours[rank % len(colours)])
        floor = (floors or {}).get(outcome)
        if floor is not None and np.isfinite(floor):
            ax.axhline(floor, label="seed-noise floor", **FLOOR_STYLE)
        ax.set_xscale("log", base=2)
        ax.set_xticks(sorted(t.points.unique()), [str(r) for r in sorted(t.points.unique())])
        ax.minorticks_off()
        if index in ("S1", "ST"):
            ax.set_ylim(-0.25, 1.3)  # indices are shares; a wider interval is cut at the frame
        ax.set_xlabel("design points analysed (first quarter, half, all)", fontsize=8)
        ax.set_ylabel(index, fontsize=8)
        ax.set_title(titled(outcome, t[t["size"] == t["size"].max()].get("note")), fontsize=10)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=7, loc="center right")
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0, 0.8, 1))
    return fig
