"""The comparison's figures: differences against the baseline, the attribute decomposition and
who gains or loses. Titles in words with units; panels with nothing to show are left out."""

from __future__ import annotations

import math
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .tables import BETTER, OUTCOMES, WORSE

COLOURS = {BETTER: "#1a7f37", WORSE: "#c62828"}
NEUTRAL = "#6e7781"
SOURCED, ASSUMED, TOTAL = "#1f6feb", "#d29922", "#24292f"


def _flat(values: pd.Series, halves: pd.Series) -> bool:
    v = pd.concat([values, halves]).astype(float)
    return bool(v.isna().all() or np.allclose(v.fillna(0), 0))


def differences(diff: pd.DataFrame, base: str, title: str):
    """One panel per outcome that differs anywhere: each option's paired difference against the
    baseline with its 95 % interval, coloured by the verdict."""
    outcomes = [o for o in OUTCOMES if not _flat(diff[diff.outcome == o]["diff"], diff[diff.outcome == o].ci95)]
    options = list(dict.fromkeys(diff.option))
    cols = 3
    rows = max(1, math.ceil(len(outcomes) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 0.5 + (0.9 + 0.32 * len(options)) * rows), squeeze=False)
    for ax, name in zip(axes.flat, outcomes, strict=False):
        t = diff[diff.outcome == name].set_index("option").reindex(options)
        y = np.arange(len(options))[::-1]
        colours = [COLOURS.get(v, NEUTRAL) for v in t.verdict]
        ax.barh(y, t["diff"].fillna(0), xerr=t.ci95.fillna(0), color=colours, capsize=3, height=0.6)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_yticks(y, options, fontsize=8)
        o = OUTCOMES[name]
        ax.set_title(textwrap.fill(o.label, 44) + f"\n({o.unit}; vs {base})", fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
    for ax in axes.flat[len(outcomes):]:
        ax.set_visible(False)
    fig.suptitle(f"{title}\ndifference against {base}, mean over seeds with 95% interval "
                 "(green: better, red: worse, grey: no clear difference)", fontsize=10)
    fig.tight_layout()
    return fig


def decomposition(parts: dict[str, pd.DataFrame], sourced: dict[str, bool], option: str, base: str, title: str):
    """For each outcome: the difference option - baseline (dark) and each attribute's part with its
    interval, blue when the option's value of the attribute is sourced, amber when assumed."""
    shown = {k: v for k, v in parts.items() if not _flat(v.part, v.ci95)}
    fig, axes = plt.subplots(1, max(1, len(shown)), figsize=(5.2 * max(1, len(shown)), 4.6), squeeze=False)
    for ax, (name, t) in zip(axes.flat, shown.items(), strict=False):
        y = np.arange(len(t))[::-1]
        colours = [TOTAL if a == "total" else NEUTRAL if a not in sourced else SOURCED if sourced[a] else ASSUMED
                   for a in t.attribute]
        ax.barh(y, t.part.fillna(0), xerr=t.ci95.fillna(0), color=colours, capsize=3, height=0.6)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_yticks(y, [f"{a} (same)" if s else a for a, s in zip(t.attribute, t.same, strict=True)], fontsize=8)
        o = OUTCOMES[name]
        ax.set_title(textwrap.fill(o.label, 48) + f"\n({o.unit})", fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
    if not shown:
        axes.flat[0].text(0.5, 0.5, "no difference in any seed", ha="center", va="center")
        axes.flat[0].set_axis_off()
    fig.suptitle(f"{title}\nwhy {option} differs from {base}: one attribute at a time taken from {option} "
                 "(blue: sourced, amber: assumed, grey: rest; 95% intervals)", fontsize=10)
    fig.tight_layout()
    return fig


def municipalities(table: pd.DataFrame, option: str, base: str, title: str):
    """Each municipality's paired gain difference option - baseline with its interval, sorted."""
    t = table[table.option == option].sort_values("gain_vs_base")
    fig, ax = plt.subplots(figsize=(7.5, 1.2 + 0.26 * len(t)))
    y = np.arange(len(t))
    colours = [COLOURS[BETTER] if lo > 0 else COLOURS[WORSE] if hi < 0 else NEUTRAL
               for lo, hi in zip(t.gain_vs_base - t.gain_vs_base_ci95.fillna(0),
                                 t.gain_vs_base + t.gain_vs_base_ci95.fillna(0), strict=True)]
    ax.barh(y, t.gain_vs_base.fillna(0), xerr=t.gain_vs_base_ci95.fillna(0), color=colours, capsize=2, height=0.6)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, [f"{m} ({p:,})" for m, p in zip(t.municipality, t.population, strict=True)], fontsize=8)
    ax.set_xlabel(f"net gain over standing alone, {option} minus {base} (NOK per inhabitant, last year)", fontsize=8)
    ax.set_title(f"{title}\nwho gains and who loses under {option} (95% intervals)", fontsize=10)
    fig.tight_layout()
    return fig
