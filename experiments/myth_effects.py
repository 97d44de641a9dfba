"""Fashions and decoupling at their recommended values: the decoupling gap, membership and the
departures the myth tipped, on paired seeds (docs/ODD.md section 7.11a).

For each region and seed, runs the model with both mechanisms off (the defaults), fashions on
(``fashion_weight``), decoupling on (``declaration_rate``), both on, and the region's own
``legitimacy_weight`` halved and doubled with fashions off, on, and with decoupling on, all with
the same seeds. Prints per region the mean of each setting and the paired differences with a
95 % t interval.

    PYTHONPATH=. python experiments/myth_effects.py                             # 10 seeds, 4 regions
    PYTHONPATH=. python experiments/myth_effects.py --regions hedmark --seeds 30
"""

from __future__ import annotations

import argparse

import numpy as np

from simulation import CollaborationModel, load_scenario, metrics
from simulation.experiments.analysis import mean_ci

RECOMMENDED = {"fashion_weight": 1.0, "declaration_rate": 0.3}
OUTCOMES = ("gap", "member_share", "exits", "switches", "leave_myth", "conversions", "coordination")
CONTRASTS = (("fashion", "off"), ("decoupling", "off"), ("both", "off"), ("lw_high", "lw_low"),
             ("lw_high_fashion", "lw_low_fashion"), ("lw_high_decoupling", "lw_low_decoupling"))


def run(region: str, overrides: dict, seed: int) -> dict[str, float]:
    """One run's outcomes: the gap and membership at the end, departures and those the myth tipped,
    conversions of a fallen form, members' coordination."""
    m = CollaborationModel(load_scenario(region, overrides or None), seed=seed).run()
    summary = metrics.summary(m)
    decisions = metrics.decisions(m)
    leaving = decisions[decisions.choice.isin(["exit", "switch"])]
    collabs = metrics.collaboration_series(m)
    return {"gap": summary["decoupling_gap"], "member_share": summary["member_share"], "exits": summary["exits"],
            "switches": int((decisions.choice == "switch").sum()), "leave_myth": int((leaving.tipped_by == "myth").sum()),
            "conversions": int((collabs.groupby("agent_id").governance.nunique() > 1).sum()),
            "coordination": summary["mean_coordination"]}


def interval(diffs: list[float]) -> tuple[float, float, float]:
    """Mean paired difference and its 95 % t interval (``analysis.mean_ci``)."""
    mean, half, _ = mean_ci(np.asarray(diffs, dtype=float))
    return mean, mean - half, mean + half


def settings(legitimacy_weight: float) -> dict[str, dict]:
    low, high = legitimacy_weight * 0.5, legitimacy_weight * 2.0
    fashion, decoupling = {"fashion_weight": RECOMMENDED["fashion_weight"]}, {"declaration_rate": RECOMMENDED["declaration_rate"]}
    return {"off": {}, "fashion": fashion, "decoupling": decoupling, "both": dict(RECOMMENDED),
            "lw_low": {"legitimacy_weight": low}, "lw_high": {"legitimacy_weight": high},
            "lw_low_fashion": {"legitimacy_weight": low, **fashion}, "lw_high_fashion": {"legitimacy_weight": high, **fashion},
            "lw_low_decoupling": {"legitimacy_weight": low, **decoupling},
            "lw_high_decoupling": {"legitimacy_weight": high, **decoupling}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regions", default="hedmark,agder,synthetic_small,norway")
    ap.add_argument("--seeds", type=int, default=10)
    args = ap.parse_args()
    seeds = range(1, args.seeds + 1)
    for region in args.regions.split(","):
        runs = {name: [run(region, overrides, s) for s in seeds]
                for name, overrides in settings(load_scenario(region).parameters.legitimacy_weight).items()}
        print(f"== {region}: means over {len(seeds)} seeds")
        print(f"  {'':20s}" + "".join(f"{k:>14s}" for k in OUTCOMES))
        for name, rows in runs.items():
            print(f"  {name:20s}" + "".join(f"{np.mean([r[k] for r in rows]):14.3f}" for k in OUTCOMES))
        for a, b in CONTRASTS:
            print(f"  {a} - {b}:")
            for k in OUTCOMES:
                mean, lo, hi = interval([x[k] - y[k] for x, y in zip(runs[a], runs[b], strict=True)])
                print(f"    {k:14s} {mean:+9.3f} [{lo:+9.3f}, {hi:+9.3f}]")


if __name__ == "__main__":
    main()
