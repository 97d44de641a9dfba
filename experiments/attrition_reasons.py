"""Attrition from Berg's reasons, shown: members leave for eroded trust, weak leadership, budget stress.

Runs a region with the three attrition mechanisms off and on (``attrition_reasons.toml``: its
``[fixed]`` values with every factor at its low or its high level), on the same seeds, and draws:
(1) one run with the mechanisms on: members of each collaboration over time, each notice to leave
marked by the reason that weighed most (``Decision.reason``, ``perspectives.attrition``); (2) the
same seed with them off; (3) notices by reason per run, on and off, over all seeds.

    PYTHONPATH=. python experiments/attrition_reasons.py                 # synthetic_small, 10 seeds
    PYTHONPATH=. python experiments/attrition_reasons.py --region hedmark --show-seed 2
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from simulation import CollaborationModel, metrics  # noqa: E402
from simulation.perspectives.attrition import REASONS  # noqa: E402

HERE = Path(__file__).parent
COLOURS = {"trust": "#d62728", "leadership": "#9467bd", "budget": "#ff7f0e", "cost": "#1f77b4",
           "heterogeneity": "#8c564b", "technology": "#e377c2", "distance": "#7f7f7f", "autonomy": "#bcbd22",
           "alternative": "#17becf", "chance": "#000000"}


LINES = ("-", "--", ":", "-.")
NEW_REASONS = ("trust", "leadership", "budget")


def mechanisms(level: int) -> dict:
    """The experiment file's fixed values and every factor at its low (0: off) or high (-1: on) level."""
    spec = tomllib.loads((HERE / "attrition_reasons.toml").read_text())
    settings = dict(spec.get("fixed", {}))
    settings.update({key: factor["levels"][level] for key, factor in spec["parameters"].items()})
    return settings


def run(region: str, seed: int, overrides: dict | None) -> CollaborationModel:
    return CollaborationModel(region, seed=seed, overrides=overrides or None).run()


def leavers(model: CollaborationModel):
    """Notices to leave, with the collaboration each one leaves (its membership the tick before)."""
    decisions = metrics.decisions(model)
    leaving = decisions[decisions.choice.isin(["exit", "switch"])].copy()
    panel = metrics.municipality_series(model).set_index(["tick", "name"]).collaboration
    leaving["source"] = [panel.get((t - 1, n), "") for t, n in zip(leaving.tick, leaving.municipality, strict=True)]
    return leaving


def draw_run(ax, model: CollaborationModel, title: str) -> None:
    """Members of the collaborations that lost most members, each notice marked by its reason."""
    collabs = metrics.collaboration_series(model)
    series = metrics.series(model)
    collabs["year"] = collabs.tick.map(dict(zip(series.tick, series.year, strict=True)))
    leaving = leavers(model)
    by_source = leaving.source.value_counts()
    biggest = collabs.groupby("name").members.max().sort_values(ascending=False).index
    # a notice in a member's first year has no membership the tick before (source ''): no line to draw
    names = [n for n in by_source.index if n][:4] or list(biggest[:3])
    for name, style in zip(names, LINES, strict=False):
        c = collabs[collabs.name == name]
        ax.plot(c.year, c.members, lw=1.6, color="0.35", ls=style, label=f"{name} ({by_source.get(name, 0)} left)")
        stacked: dict[int, int] = {}  # notices in the same year are stacked above the line
        for _, d in leaving[leaving.source == name].iterrows():
            y = c.members[c.year == d.year]
            above = stacked[d.year] = stacked.get(d.year, -1) + 1
            ax.scatter(d.year, (y.iloc[0] if len(y) else 0) + 0.35 * above, s=70, color=COLOURS[d.reason],
                       edgecolor="black", linewidth=0.5, zorder=3)
    if leaving.empty:
        ax.text(0.5, 0.08, "no member gave notice", transform=ax.transAxes, ha="center")
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("year (marker: a member gives notice to leave, coloured by reason)", fontsize=8)
    ax.set_ylabel("members")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=7, frameon=False, loc="lower right")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--region", default="synthetic_small")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--show-seed", type=int, default=None,
                    help="seed of the runs drawn (default: the one with most notices for trust, leadership, budget)")
    ap.add_argument("--out", default="results/attrition_reasons.png")
    args = ap.parse_args()
    on, off = mechanisms(-1), mechanisms(0)
    counts = {"off": [], "on": []}
    for seed in range(1, args.seeds + 1):
        for label, overrides in (("off", off), ("on", on)):
            counts[label].append(metrics.exit_reasons(run(args.region, seed, overrides)))
    new = [sum(c[r] for r in NEW_REASONS) for c in counts["on"]]
    shown = args.show_seed or 1 + int(np.argmax(new))
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))
    draw_run(axes[0], run(args.region, shown, on), f"{args.region}, seed {shown}: mechanisms on")
    draw_run(axes[1], run(args.region, shown, off), f"{args.region}, seed {shown}: mechanisms off")
    x = np.arange(len(REASONS))
    for offset, label in ((-0.2, "off"), (0.2, "on")):
        mean = [np.mean([c[r] for c in counts[label]]) for r in REASONS]
        axes[2].bar(x + offset, mean, width=0.4, label=f"mechanisms {label}",
                    color=[COLOURS[r] for r in REASONS], alpha=0.45 if label == "off" else 1.0, edgecolor="black")
    axes[2].set_xticks(x, REASONS, rotation=45, ha="right", fontsize=8)
    axes[2].set_ylabel(f"notices to leave per run (mean of {args.seeds} seeds)")
    axes[2].set_title("Notices by the reason that weighed most (pale: off, solid: on)", fontsize=10)
    fig.suptitle("Attrition from Berg's reasons (000 L515-529): " + ", ".join(f"{k}={v:g}" for k, v in on.items()),
                 fontsize=9)
    fig.tight_layout()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=110)
    print(f"{args.out}")
    for label in ("off", "on"):
        totals = {r: sum(c[r] for c in counts[label]) for r in REASONS}
        print(f"{label:3s}: " + ", ".join(f"{r} {n}" for r, n in totals.items() if n))


if __name__ == "__main__":
    main()
