"""The comparison's numbers: means, paired differences against the baseline with verdicts, the
ranking for each audience, the per-municipality table, the attribute decomposition, robustness.

Every interval is a 95 % t interval over seeds (``analysis.mean_ci``); a difference is the mean of
the per-seed differences of two points run with the same seeds. Whether a difference is better or
worse follows from its interval and the outcome's declared direction (``OUTCOMES``), nothing else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..analysis import mean_ci, rounding_scale


@dataclass(frozen=True)
class Outcome:
    """An outcome of the comparison: its words, unit and which way is better (+1 higher, -1 lower,
    0 neither: the report says higher or lower)."""

    label: str
    unit: str
    better: int


GAIN_UNIT = "NOK per inhabitant, last year"
OUTCOMES: dict[str, Outcome] = {
    "gain_small_all": Outcome("Net gain over standing alone, small municipalities", GAIN_UNIT, +1),
    "gain_large_all": Outcome("Net gain over standing alone, large municipalities", GAIN_UNIT, +1),
    "gain_region": Outcome("Net gain over standing alone, whole region (population-weighted)", GAIN_UNIT, +1),
    "cost_small": Outcome("ICT cost, small municipalities", GAIN_UNIT, -1),
    "cost_large": Outcome("ICT cost, large municipalities", GAIN_UNIT, -1),
    "cost_region": Outcome("ICT cost, whole region (population-weighted)", GAIN_UNIT, -1),
    "member_share": Outcome("Municipalities in a collaboration at the end", "share of all", +1),
    "exits": Outcome("Exits over the run", "exits per run", -1),
    "development_output": Outcome("Joint development output", "developer-years per year", +1),
    "exit_payments": Outcome("Exit terms paid", "MNOK over the run", 0),
    "collaborations": Outcome("Collaborations at the end", "count", 0),
    "largest_share": Outcome("Share in the largest collaboration", "share of all", 0),
}
# who an option is best for, and the outcome that says so
AUDIENCES = {"small municipalities": "gain_small_all", "large municipalities": "gain_large_all",
             "the region as a whole": "gain_region"}
SHORT = {"gain_small_all": "small", "gain_large_all": "large", "gain_region": "region"}

BETTER, WORSE, UNCLEAR, SAME = "better", "worse", "no clear difference", "no difference"


def verdict(mean: float, half: float, better: int) -> str:
    """Better / worse when the interval excludes zero on the better / worse side (higher / lower
    for an outcome with no better side); 'no difference' when it is zero in every seed."""
    if math.isnan(mean):
        return "n/a"
    if mean == 0 and (half == 0 or math.isnan(half)):
        return SAME
    if math.isnan(half) or abs(mean) <= half:
        return UNCLEAR
    if better == 0:
        return "higher" if mean > 0 else "lower"
    return BETTER if mean * better > 0 else WORSE


def _by_rep(runs: pd.DataFrame, point: int, outcome: str) -> pd.Series:
    return runs[runs.point == point].set_index("replication")[outcome]


def paired(runs: pd.DataFrame, point: int, base: int, outcome: str) -> tuple[float, float, int, np.ndarray]:
    """Mean and half-width of the per-seed differences point - base, their number, and the differences
    (a difference the same in every seed up to the rounding of the two outcomes has no interval)."""
    a, b = _by_rep(runs, point, outcome), _by_rep(runs, base, outcome)
    d = (a - b).to_numpy(dtype=float)
    mean, half, n = mean_ci(d, scale=rounding_scale(a, b))
    return mean, half, n, d


def outcome_table(runs: pd.DataFrame, labels: dict[int, str]) -> pd.DataFrame:
    """Mean and 95 % half-width of every outcome at every point named in ``labels``."""
    rows = []
    for point, label in labels.items():
        of = runs[runs.point == point]
        for name, o in OUTCOMES.items():
            mean, half, n = mean_ci(of[name].to_numpy(dtype=float))
            rows.append({"option": label, "outcome": name, "label": o.label, "unit": o.unit,
                         "mean": mean, "ci95": half, "n": n})
    return pd.DataFrame(rows)


def difference_table(runs: pd.DataFrame, base: int, labels: dict[int, str]) -> pd.DataFrame:
    """Paired difference option - baseline of every outcome, with its interval and verdict."""
    rows = []
    for point, label in labels.items():
        if point == base:
            continue
        for name, o in OUTCOMES.items():
            mean, half, n, _ = paired(runs, point, base, name)
            rows.append({"option": label, "outcome": name, "label": o.label, "unit": o.unit, "diff": mean,
                         "ci95": half, "low": mean - half, "high": mean + half, "n": n,
                         "verdict": verdict(mean, half, o.better)})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Ranking:
    """Which option ranks first for one audience, by how much and how sure."""

    audience: str
    outcome: str
    best: str
    best_mean: float
    runner_up: str | None
    margin: float  # best - runner-up, mean of paired differences
    margin_ci: float
    first_share: float  # share of seeds in which the best is first
    vs_base: float  # best - baseline
    vs_base_ci: float
    n: int

    @property
    def sure(self) -> bool:
        return self.runner_up is not None and not math.isnan(self.margin_ci) and self.margin - self.margin_ci > 0


def rank(runs: pd.DataFrame, labels: dict[int, str], base: int, audience: str) -> Ranking | None:
    """The best option for an audience (baseline included), the runner-up and the paired margin."""
    outcome = AUDIENCES[audience]
    better = OUTCOMES[outcome].better
    table = runs[runs.point.isin(labels)].pivot(index="replication", columns="point", values=outcome)
    # an option that gives the baseline's runs in every seed (a lever at the value the region has) is the baseline
    table = table.drop(columns=[p for p in table.columns if p != base and table[p].equals(table[base])])
    means = table.mean()
    if means.isna().all():
        return None
    order = (means * better).sort_values(ascending=False).index.tolist()
    best = order[0]
    runner = order[1] if len(order) > 1 else None
    margin = half = float("nan")
    if runner is not None:
        margin, half, _, _ = paired(runs, best, runner, outcome)
        margin *= better
    first = (table.mul(better).idxmax(axis=1) == best).mean()
    vs, vs_half, n, _ = paired(runs, best, base, outcome)
    return Ranking(audience, outcome, labels[best], float(means[best]), labels.get(runner), margin, half,
                   float(first), vs, vs_half, n)


def municipality_table(towns: pd.DataFrame, labels: dict[int, str], base: int) -> pd.DataFrame:
    """Per option and municipality: mean ICT cost and net gain per inhabitant in the last year,
    probability of being a member at the end and of giving notice to leave, and the paired gain
    difference against the baseline."""
    base_gain = towns[towns.point == base].set_index(["municipality", "replication"]).gain
    rows = []
    for point, label in labels.items():
        of = towns[towns.point == point]
        for name, m in of.groupby("municipality", sort=False):
            gain_here, gain_base = m.set_index(["municipality", "replication"]).gain, base_gain.loc[[name]]
            d = (gain_here - gain_base).to_numpy(dtype=float)
            diff, half, _ = mean_ci(d, scale=rounding_scale(gain_here, gain_base))
            cost, cost_half, _ = mean_ci(m.cost.to_numpy(dtype=float))
            gain, gain_half, _ = mean_ci(m.gain.to_numpy(dtype=float))
            rows.append({"option": label, "municipality": name, "population": int(m.population.iloc[0]),
                         "size_class": m.size_class.iloc[-1], "cost": cost, "cost_ci95": cost_half,
                         "gain": gain, "gain_ci95": gain_half, "p_member": m.member.mean(),
                         "p_notice": m.notice.mean(), "gain_vs_base": diff, "gain_vs_base_ci95": half})
    out = pd.DataFrame(rows)
    return out.sort_values(["option", "population"], ascending=[True, False], kind="stable", ignore_index=True)


def decomposition(runs: pd.DataFrame, base: int, option: int, swaps: dict[str, int | None],
                  outcome: str) -> pd.DataFrame:
    """The difference option - baseline of ``outcome`` and each attribute's part: the paired
    difference of the baseline with that one attribute taken from the option (zero when the two
    agree on it), and what is left (interactions and attributes not swapped), all per seed."""
    total_mean, total_half, n, total = paired(runs, option, base, outcome)
    rows, parts = [], np.zeros_like(total)
    for attribute, point in swaps.items():
        if point is None:
            rows.append({"attribute": attribute, "part": 0.0, "ci95": 0.0, "same": True})
            continue
        mean, half, _, d = paired(runs, point, base, outcome)
        parts = parts + np.nan_to_num(d)
        rows.append({"attribute": attribute, "part": mean, "ci95": half, "same": False})
    rest, rest_half, _ = mean_ci(total - parts, scale=rounding_scale(runs[outcome]))  # differences of these
    rows.append({"attribute": "interactions and the rest", "part": rest, "ci95": rest_half, "same": False})
    rows.append({"attribute": "total", "part": total_mean, "ci95": total_half, "same": False})
    out = pd.DataFrame(rows)
    out["outcome"], out["n"] = outcome, n
    return out
