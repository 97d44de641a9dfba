"""Attrition from Berg's reasons, shown: members leave for eroded trust, weak leadership, budget stress.

Runs a region with the three attrition mechanisms off and on (an experiment file: its ``[fixed]``
values with every factor at its low or its high level), on the same seeds, and draws: (1) one run
with the mechanisms on: members of the collaborations that lost most, each exit (a member deciding
to leave to stand alone) marked by the reason that weighed most (``Decision.reason``,
``perspectives.attrition``); (2) the same seed with them off; (3) exits by the reason that weighed
most per run, on and off, with the paired difference in exits (on - off) and its 95 % interval;
(4) the exits each reason accounts for (``Decision.but_for``: its share of each exit's chance,
summed), which names what tipped a decision rather than its largest term.

    PYTHONPATH=. python experiments/attrition_reasons.py                 # synthetic_small, 10 seeds
    PYTHONPATH=. python experiments/attrition_reasons.py --region hedmark --show-seed 2
    PYTHONPATH=. python experiments/attrition_reasons.py --experiment experiments/attrition_one_set.toml --seeds 30
    PYTHONPATH=. python experiments/attrition_reasons.py --experiment experiments/attrition_one_set.toml \
        --region synthetic_small --seeds 30 --first-seed 101 --out results/attrition_one_set_small.png
    python -m simulation.norway --county Vestland       # a county's networks (writes norway_vestland.toml)
    PYTHONPATH=. python experiments/attrition_reasons.py --experiment experiments/attrition_one_set.toml \
        --region norway_vestland.toml --seeds 200 --first-seed 1001 --markdown
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
from simulation.experiments.analysis import mean_ci  # noqa: E402
from simulation.perspectives.attrition import REASONS, Reasons  # noqa: E402
from simulation.progress import Progress  # noqa: E402

HERE = Path(__file__).parent
COLOURS = {"trust": "#d62728", "leadership": "#9467bd", "budget": "#ff7f0e", "cost": "#1f77b4",
           "heterogeneity": "#8c564b", "technology": "#e377c2", "distance": "#7f7f7f", "autonomy": "#bcbd22",
           "alternative": "#17becf", "chance": "#000000"}


LINES = ("-", "--", ":", "-.")
NEW_REASONS = ("trust", "leadership", "budget")


def mechanisms(experiment: Path, level: int) -> dict:
    """The experiment file's fixed values and every factor at its low (0: off) or high (-1: on) level."""
    spec = tomllib.loads(experiment.read_text())
    settings = dict(spec.get("fixed", {}))
    settings.update({key: factor["levels"][level] for key, factor in spec["parameters"].items()})
    return settings


def tally(model: CollaborationModel) -> dict:
    """A run's exits (``exits``), its notices (exits and wishes to switch), and the exits by the
    reason that weighed most and by the exits each reason accounts for (``but_for``)."""
    leaving = exits(model)
    weighed = leaving.reason.value_counts()
    return {"exits": len(leaving), "notices": sum(metrics.exit_reasons(model).values()),
            "weighed": {r: int(weighed.get(r, 0)) for r in REASONS},
            "but_for": {r: float(leaving[f"but_for_{r}"].sum()) for r in Reasons._fields}}


def paired_interval(on: list[float], off: list[float]) -> tuple[float, float, float]:
    """Mean paired difference (on - off, same seeds) and its 95 % t-interval (``analysis.mean_ci``)."""
    mean, half, _ = mean_ci(np.subtract(on, off, dtype=float))
    return mean, mean - half, mean + half


def compare(on: list[dict], off: list[dict]) -> dict:
    """Paired seeds' tallies (``tally``, the same seeds in the same order) compared: mean exits on
    and off; the paired difference in exits, on - off, with its 95 % interval (``diff``: mean, low,
    high); the exits each new reason accounts for, on - off, with theirs (``accounted``); their sum
    (``added``), and whether it lies inside the difference's interval (``inside``): the measure per
    decision against the measure per history of the same attrition."""
    exits_on, exits_off = [t["exits"] for t in on], [t["exits"] for t in off]
    diff = paired_interval(exits_on, exits_off)
    accounted = {r: paired_interval([t["but_for"][r] for t in on], [t["but_for"][r] for t in off])
                 for r in NEW_REASONS}
    added = sum(mean for mean, _, _ in accounted.values())
    return {"on": float(np.mean(exits_on)), "off": float(np.mean(exits_off)), "diff": diff,
            "accounted": accounted, "added": added, "inside": diff[1] <= added <= diff[2]}


def run(region: str, seed: int, overrides: dict | None) -> CollaborationModel:
    return CollaborationModel(region, seed=seed, overrides=overrides or None).run()


def exits(model: CollaborationModel):
    """Exits: members deciding to leave to stand alone. Not switches: a wish to switch may be turned
    down by the other collaboration or go to a merger proposal instead
    (``collective.routed_to_merger``), and the member stays; an exit is carried out once its notice
    has run."""
    decisions = metrics.decisions(model)
    return decisions[decisions.choice == "exit"].copy()


def leavers(model: CollaborationModel):
    """``exits`` with the collaboration each one leaves (its membership the tick before): for the
    drawn runs only, since the panel it reads is the dearest part."""
    leaving = exits(model)
    panel = metrics.municipality_series(model).set_index(["tick", "name"]).collaboration
    leaving["source"] = [panel.get((t - 1, n), "") for t, n in zip(leaving.tick, leaving.municipality, strict=True)]
    return leaving


def tipped_by(exit_row) -> str:
    """The new reason (trust, leadership, budget) without which this exit had more likely not been
    taken than taken (its ``but_for`` share at least a half), the largest if several; '' if none."""
    share, reason = max((exit_row[f"but_for_{r}"], r) for r in NEW_REASONS)
    return reason if share >= 0.5 else ""


def draw_run(ax, model: CollaborationModel, title: str) -> None:
    """Members of the collaborations that lost most members, each exit marked by the reason that
    weighed most (fill) and, ringed, by a new reason that tipped it (``tipped_by``)."""
    collabs = metrics.collaboration_series(model)
    series = metrics.series(model)
    collabs["year"] = collabs.tick.map(dict(zip(series.tick, series.year, strict=True)))
    leaving = leavers(model)
    by_source = leaving.source.value_counts()
    biggest = collabs.groupby("name").members.max().sort_values(ascending=False).index
    # a notice in a member's first year has no membership the tick before (source ''): no line to draw
    names = [n for n in by_source.index if n][:4] or list(biggest[:3])
    size = 70 if by_source.reindex(names).fillna(0).sum() <= 40 else 22  # many notices (norway): smaller marks
    for name, style in zip(names, LINES, strict=False):
        c = collabs[collabs.name == name]
        ax.plot(c.year, c.members, lw=1.6, color="0.35", ls=style, label=f"{name} ({by_source.get(name, 0)} left)")
        stacked: dict[int, int] = {}  # notices in the same year are stacked above the line
        for _, d in leaving[leaving.source == name].iterrows():
            y = c.members[c.year == d.year]
            above = stacked[d.year] = stacked.get(d.year, -1) + 1
            tipped = tipped_by(d)
            ax.scatter(d.year, (y.iloc[0] if len(y) else 0) + 0.35 * above, s=size, color=COLOURS[d.reason],
                       edgecolor=COLOURS[tipped] if tipped else "black", linewidth=2.2 if tipped else 0.5, zorder=3)
    if leaving.empty:
        ax.text(0.5, 0.08, "no member left", transform=ax.transAxes, ha="center")
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("year. Marker: a member decides to leave; fill: the reason that weighed most;\n"
                  "ring: trust, leadership or budget, but for which it more likely stayed (colours of the bars)", fontsize=8)
    ax.set_ylabel("members")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.yaxis.get_major_locator().set_params(integer=True)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7, loc="best", framealpha=0.85)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--experiment", type=Path, default=HERE / "attrition_reasons.toml",
                    help="experiment file: [fixed] settings and each mechanism's levels (off, on)")
    ap.add_argument("--region", default=None, help="region (default: the experiment file's scenario)")
    ap.add_argument("--seeds", type=int, default=10, help="number of paired seeds (default 10)")
    ap.add_argument("--first-seed", type=int, default=1, help="first of the paired seeds (default 1)")
    ap.add_argument("--show-seed", type=int, default=None,
                    help="seed of the runs drawn (default: the one with most exits trust, leadership and budget account for)")
    ap.add_argument("--out", default=None, help="figure (default: results/<experiment name>.png)")
    ap.add_argument("--markdown", action="store_true",
                    help="also print the figures as one row of a Markdown table (region, seeds, exits on / off, "
                         "on - off, the exits trust, leadership and budget account for)")
    args = ap.parse_args()
    spec = tomllib.loads(args.experiment.read_text())
    region = args.region or spec["scenario"]
    name = Path(region).stem if region.endswith(".toml") else region  # a generated file: its name, not its path
    out = Path(args.out or f"results/{spec['name']}.png")
    on, off = mechanisms(args.experiment, -1), mechanisms(args.experiment, 0)
    runs: dict[str, list[dict]] = {"off": [], "on": []}
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    named = f"seeds {seeds[0]}-{seeds[-1]} paired"
    with Progress(2 * len(seeds), f"{name}: runs") as progress:
        for seed in seeds:
            for label, overrides in (("off", off), ("on", on)):
                runs[label].append(tally(run(region, seed, overrides)))
                progress.update()
    new = [sum(t["but_for"][r] for r in NEW_REASONS) for t in runs["on"]]
    shown = args.show_seed or seeds[int(np.argmax(new))]
    fig, axes = plt.subplots(1, 4, figsize=(21, 4.8))
    draw_run(axes[0], run(region, shown, on), f"{name}, seed {shown}: mechanisms on")
    draw_run(axes[1], run(region, shown, off), f"{name}, seed {shown}: mechanisms off")
    for ax, key, reasons, what in ((axes[2], "weighed", REASONS, "by the reason that weighed most"),
                                   (axes[3], "but_for", Reasons._fields, "each reason accounts for (but for it)")):
        x = np.arange(len(reasons))
        for offset, label in ((-0.2, "off"), (0.2, "on")):
            mean = [np.mean([t[key][r] for t in runs[label]]) for r in reasons]
            ax.bar(x + offset, mean, width=0.4, label=f"mechanisms {label}", color=[COLOURS[r] for r in reasons],
                   alpha=0.45 if label == "off" else 1.0, edgecolor="black")
        ax.set_xticks(x, reasons, rotation=45, ha="right", fontsize=8)
        ax.set_ylabel(f"exits per run (mean of {args.seeds} seeds)")
        ax.set_title(f"Exits {what}\n(pale: mechanisms off, solid: on)", fontsize=10)
    compared = compare(runs["on"], runs["off"])
    diff, low, high = compared["diff"]
    axes[2].set_title(f"Exits by the reason that weighed most (pale: off, solid: on)\nexits a run, on - off: "
                      f"{diff:+.1f} [{low:+.1f}, {high:+.1f}] (95 %, {named})", fontsize=10)
    fig.suptitle(f"Attrition from Berg's reasons (000 L515-529), {spec['name']}: "
                 + ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in on.items()), fontsize=9)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    print(f"{out}")
    for what in ("exits", "notices"):
        mean = {label: np.mean([t[what] for t in runs[label]]) for label in runs}
        d, lo, hi = paired_interval([t[what] for t in runs["on"]], [t[what] for t in runs["off"]])
        print(f"{what} a run: on {mean['on']:.2f}, off {mean['off']:.2f}; on - off {d:+.2f} [{lo:+.2f}, {hi:+.2f}] "
              f"(95 %, {named})")
    for label in ("off", "on"):
        totals = {r: sum(t["weighed"][r] for t in runs[label]) for r in REASONS}
        print(f"{label:3s} exits by the reason that weighed most (all runs): "
              + ", ".join(f"{r} {n}" for r, n in totals.items() if n))
        mean = {r: np.mean([t["but_for"][r] for t in runs[label]]) for r in Reasons._fields}
        print(f"{label:3s} exits each reason accounts for, a run: "
              + ", ".join(f"{r} {v:.2f}" for r, v in mean.items() if v >= 0.005))
    for reason, (d, lo, hi) in compared["accounted"].items():
        print(f"exits {reason} accounts for, on - off: {d:+.2f} [{lo:+.2f}, {hi:+.2f}]")
    inside = "inside" if compared["inside"] else "outside"
    print(f"exits the three account for, on - off, summed: {compared['added']:+.2f}; {inside} the interval of the exits "
          f"switching them off removes ({diff:+.2f} [{low:+.2f}, {high:+.2f}])")
    if args.markdown:
        print("| region | seeds | exits on / off | on - off (95 %) | trust / leadership / budget account for (on - off) |")
        print("|---|---|---|---|---|")
        print(f"| {name} | {seeds[0]}-{seeds[-1]} | {compared['on']:.2f} / {compared['off']:.2f} | "
              f"{diff:+.2f} [{low:+.2f}, {high:+.2f}] | "
              + " / ".join(f"{mean:+.2f}" for mean, _, _ in compared["accounted"].values()) + " |")


if __name__ == "__main__":
    main()
