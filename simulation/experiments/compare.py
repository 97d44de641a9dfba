"""Governance comparison: the same region, seeds and horizon under each governance model.

Builds a full-factorial experiment over ``governance`` (the scenario override that puts every
collaboration, initial and new, under one model) with common random numbers: replication ``r``
uses the same seed under every governance model, so differences are the governance model's and
not the dice's. The report is Markdown with the figures beside it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .analysis import mean_ci
from .results import load_results, load_series
from .spec import Experiment, experiment_from_dict

REPORT_OUTCOMES = {
    "retained_share": "Membership retained (end / peak member share)",
    "member_share": "Member share at the end",
    "exits": "Exits (total)",
    "exit_payments": "Exit terms paid (MNOK, total)",
    "mergers": "Mergers (total)",
    "collaborations": "Collaborations at the end",
    "largest_share": "Share in the largest collaboration",
    "cost_small": "ICT cost per inhabitant, small (NOK)",
    "cost_medium": "ICT cost per inhabitant, medium (NOK)",
    "cost_large": "ICT cost per inhabitant, large (NOK)",
    "development_output": "Development output (developer-years/yr)",
    "gain_small": "Net gain per inhabitant, small members (NOK)",
    "gain_large": "Net gain per inhabitant, large members (NOK)",
    "gain_gap": "Inequality: gain large - gain small (NOK)",
}
SERIES = ("member_share", "collaborations", "largest_share", "cost_small", "cost_large", "development_output")


def comparison_experiment(scenario: str, governance: list[str], replications: int, ticks: int | None,
                          seed: int, fixed: dict[str, Any] | None = None, name: str | None = None) -> Experiment:
    if len(governance) < 1:
        raise ValueError("--governance: name at least one governance model")
    if len(set(governance)) != len(governance):
        raise ValueError(f"--governance: repeated model in {','.join(governance)}")
    stem = Path(scenario).stem if scenario.endswith(".toml") else scenario
    data: dict[str, Any] = {
        "name": name or f"compare-{stem}-{'-'.join(governance)}",
        "scenario": scenario, "design": "full_factorial", "replications": replications,
        "seed": seed, "common_seeds": True, "series": list(SERIES),
        "parameters": {"governance": {"levels": list(governance)}},
        "fixed": dict(fixed or {}),
    }
    if ticks is not None:
        data["ticks"] = ticks
    return experiment_from_dict(data, origin="imcsim compare", base=Path.cwd())


def outcome_table(results: pd.DataFrame, governance: list[str]) -> pd.DataFrame:
    """Mean and 95% CI half-width of each report outcome, one row per (outcome, governance)."""
    ok = results[results.status == "ok"].copy()
    ok["gain_gap"] = ok.gain_large - ok.gain_small
    rows = []
    for outcome in REPORT_OUTCOMES:
        for g in governance:
            mean, half, n = mean_ci(ok.loc[ok.governance == g, outcome].to_numpy())
            rows.append({"outcome": outcome, "governance": g, "mean": mean, "ci95": half, "n": n})
    return pd.DataFrame(rows)


def _fmt(mean: float, half: float) -> str:
    if np.isnan(mean):
        return "n/a"
    digits = 2 if abs(mean) < 10 else 0
    return f"{mean:,.{digits}f} ± {half:,.{digits}f}" if not np.isnan(half) else f"{mean:,.{digits}f}"


def markdown_table(table: pd.DataFrame, governance: list[str]) -> str:
    lines = ["| Outcome | " + " | ".join(governance) + " |", "|---|" + "---:|" * len(governance)]
    for outcome, label in REPORT_OUTCOMES.items():
        t = table[table.outcome == outcome].set_index("governance")
        cells = [_fmt(t.loc[g, "mean"], t.loc[g, "ci95"]) for g in governance]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot_outcomes(table: pd.DataFrame, governance: list[str], title: str):
    outcomes = list(REPORT_OUTCOMES)
    cols = 4
    rows = int(np.ceil(len(outcomes) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 2.9 * rows), squeeze=False)
    colours = plt.cm.tab10(np.arange(len(governance)))
    for ax, outcome in zip(axes.flat, outcomes, strict=False):
        t = table[table.outcome == outcome].set_index("governance").reindex(governance)
        ax.bar(range(len(governance)), t["mean"], yerr=t["ci95"].fillna(0), color=colours, capsize=3)
        ax.set_xticks(range(len(governance)), governance, rotation=30, ha="right", fontsize=8)
        ax.set_title(REPORT_OUTCOMES[outcome], fontsize=8)
        ax.axhline(0, color="grey", lw=0.5)
    for ax in axes.flat[len(outcomes):]:
        ax.set_visible(False)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_trajectories(series: pd.DataFrame, runs: pd.DataFrame, governance: list[str], start_year: int, title: str):
    """Mean and 5-95% band over replications of per-tick outcomes, one line per governance model."""
    data = series.merge(runs[["run_id", "governance"]], on="run_id")
    columns = [c for c in SERIES if c in data.columns]
    fig, axes = plt.subplots(2, 3, figsize=(13, 6.5), squeeze=False)
    colours = plt.cm.tab10(np.arange(len(governance)))
    for ax, col in zip(axes.flat, columns, strict=False):
        for g, colour in zip(governance, colours, strict=True):
            d = data[data.governance == g].groupby("tick")[col]
            years = start_year - 1 + d.mean().index
            ax.plot(years, d.mean(), color=colour, label=g)
            ax.fill_between(years, d.quantile(0.05), d.quantile(0.95), color=colour, alpha=0.15, lw=0)
        ax.set_title(col, fontsize=10)
    axes.flat[0].legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def write_report(folder: Path, exp: Experiment, governance: list[str], out: Path | None = None) -> Path:
    """Write ``report.md`` with the outcome table and figures into ``out`` (default: the results folder)."""
    from ..governance import GOVERNANCE_MODELS

    results = load_results(folder)
    out = out or folder
    out.mkdir(parents=True, exist_ok=True)
    scenario = exp.load_scenario()
    table = outcome_table(results, governance)
    table.to_csv(out / "outcomes.csv", index=False)
    title = f"{scenario.name}: governance comparison ({exp.replications} seeds, {scenario.ticks} years)"
    figures = {"outcomes.png": plot_outcomes(table, governance, title)}
    series = load_series(folder)
    if len(series):
        figures["trajectories.png"] = plot_trajectories(series, results, governance, scenario.start_year, title)
    for fname, fig in figures.items():
        fig.savefig(out / fname, dpi=110)
        plt.close(fig)
    failed = results[results.status == "failed"]
    labels = "\n".join(f"- **{g}**: {GOVERNANCE_MODELS[g].label if g in GOVERNANCE_MODELS else g}" for g in governance)
    text = f"""# Governance comparison: {scenario.name}

{scenario.description}

Every collaboration (initial and new) runs under one governance model at a time (`--set governance=NAME`).
Same region, same {exp.replications} seeds (common random numbers: replication *r* uses the same seed under
every model) and the same horizon: {scenario.start_year}-{scenario.start_year + scenario.ticks - 1} ({scenario.ticks} years).
Values are means over seeds ± the half-width of a 95% t confidence interval.

Governance models:
{labels}

## Outcomes

{markdown_table(table, governance)}

![Outcomes by governance model](outcomes.png)

## Over time

Mean over seeds with a 5-95% band.

![Trajectories by governance model](trajectories.png)

## Notes

- Runs: {len(results)} ({len(failed)} failed). Raw results: `{folder}/runs/` (one Parquet row per run; `simulation.load_results`); table: `outcomes.csv`.
- Membership retained = member share at the end / peak member share. Inequality = mean net gain per inhabitant
  of large members minus that of small members (n/a when a class has no members).
"""
    if len(failed):
        text += "\nFailed runs:\n\n" + "\n".join(f"- run {r.run_id} ({r.governance}): {r.error}" for r in failed.itertuples()) + "\n"
    path = out / "report.md"
    path.write_text(text, encoding="utf-8")
    return path
