"""Where hedmark's response to the stand-alone fixed cost bends: a dose-response curve, taken apart.

    python benchmarks/hedmark_fixed_cost.py --first-seed 20001 --seeds 200 -j 2     # ~1 min

``imcsim effects`` contrasts x0.5 with x2 of ``fixed_cost`` (hedmark: +0.30 on small
municipalities' membership) and ``--scale 0.8,1.25`` a smaller step (+0.03 on one 30-seed draw).
Hedmark's small municipalities (under 5,000 inhabitants, classed each year) are Grue (4,548) and,
from 2005 as its population falls below 5,000, Nord-Odal (5,016): both in the Kongsvinger bloc
with Kongsvinger. So "small municipalities' membership" is these two's share of the years in a
collaboration. This script runs the same seeds at several doses and prints, per dose, that
share (mean over seeds, 95 % t interval), the paired step from the dose before, and how Grue
comes in: into Hamar IKT (the trio's collaboration, 004 L301), into a collaboration the bloc
founds itself, or never; and whether it comes in the same year as Kongsvinger. Writes
results/hedmark_fixed_cost.{csv,png}.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from simulation import CollaborationModel, metrics  # noqa: E402
from simulation.experiments import effects as fx  # noqa: E402
from simulation.experiments.analysis import mean_ci  # noqa: E402
from simulation.scenario import load_scenario  # noqa: E402

DOSES = (0.5, 0.65, 0.8, 1.0, 1.25, 1.6, 2.0)
TRIO_HOST = "Hamar IKT"
SMALL_MEMBERS = fx.pick(fx.OUTCOMES, ["small_members"], "outcomes")[0]  # imcsim effects' own reading


def first_in(ms: pd.DataFrame, name: str) -> tuple[int, str]:
    """The first simulated year ``name`` is a member, and of what (0, "" if never)."""
    rows = ms[(ms["name"] == name) & (ms["collaboration"] != "") & (ms["tick"] > 0)].sort_values("tick")
    return (int(rows["year"].iloc[0]), str(rows["collaboration"].iloc[0])) if len(rows) else (0, "")


def one(job: tuple[float, float, int]) -> dict:
    dose, fixed_cost, seed = job
    ms = metrics.municipality_series(CollaborationModel("hedmark", seed=seed,
                                                        overrides={"fixed_cost": fixed_cost}).run())
    grue_year, grue_in = first_in(ms, "Grue")
    kongsvinger_year, _ = first_in(ms, "Kongsvinger")
    return {"dose": dose, "seed": seed, "small_members": SMALL_MEMBERS.value(fx.RunData({}, pd.DataFrame(), ms)),
            "grue_year": grue_year, "grue_in": grue_in, "with_kongsvinger": grue_year == kongsvinger_year}


def interval(x: pd.Series, sign: str = "+") -> str:
    """Mean and 95 % t interval (``analysis.mean_ci``); ``sign`` "+" for a difference, "" for a level."""
    m, half, _ = mean_ci(x.to_numpy())
    return f"{m:{sign}.3f} [{m - half:{sign}.3f}, {m + half:{sign}.3f}]"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--first-seed", type=int, default=20001)
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("-j", "--workers", type=int, default=2)
    ap.add_argument("--out", default="results/hedmark_fixed_cost")
    args = ap.parse_args()
    own = load_scenario("hedmark").parameters.fixed_cost
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    jobs = [(d, d * own, s) for d in DOSES for s in seeds]
    with ProcessPoolExecutor(args.workers) as pool:
        runs = pd.DataFrame(list(pool.map(one, jobs, chunksize=10)))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    runs.to_csv(out.with_suffix(".csv"), index=False)

    wide = runs.pivot(index="seed", columns="dose", values="small_members")
    entry = runs.assign(entered=np.where(runs["grue_in"] == TRIO_HOST, "Hamar IKT",
                                         np.where(runs["grue_in"] == "", "never", "the bloc's own")))
    entries = pd.crosstab(entry["dose"], entry["entered"]).reindex(columns=["Hamar IKT", "the bloc's own", "never"],
                                                                   fill_value=0)
    print(f"hedmark, seeds {args.first_seed}-{args.first_seed + args.seeds - 1}: small municipalities' (Grue's, "
          f"Nord-Odal's) share of years as members")
    print(f"{'dose':>5}  {'share':>19}  {'step from the dose before':>26}  {'Hamar IKT':>9}  {'own':>4}  "
          f"{'never':>5}  {'with Kongsvinger':>16}  median year")
    for i, dose in enumerate(DOSES):
        at = runs[runs["dose"] == dose]
        step = interval(wide[dose] - wide[DOSES[i - 1]]) if i else ""
        into_trio, own_bloc, never = entries.loc[dose]
        years = at.loc[at["grue_year"] > 0, "grue_year"]
        print(f"x{dose:<4g}  {interval(wide[dose], ''):>19}  {step:>26}  {into_trio:>9}  {own_bloc:>4}  {never:>5}  "
              f"{at['with_kongsvinger'].mean():>16.0%}  {years.median():.0f}")
    print(f"x0.8 -> x1.25: {interval(wide[1.25] - wide[0.8])}; x0.5 -> x2: {interval(wide[2.0] - wide[0.5])}")

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    means, halves = zip(*(mean_ci(wide[d].to_numpy())[:2] for d in DOSES), strict=True)
    left.errorbar(DOSES, means, yerr=halves, marker="o", capsize=3)
    left.axvspan(0.8, 1.25, color="0.9", label="--scale 0.8,1.25")
    left.set_xscale("log")
    left.set_xticks(DOSES, [f"×{d:g}" for d in DOSES])
    left.minorticks_off()
    left.set_xlabel("stand-alone fixed cost (× the default, 7.98 MNOK a year)")
    left.set_ylabel("Grue, Nord-Odal: share of years as members")
    left.set_title("Small municipalities' membership (95 % intervals)")
    left.legend(loc="upper left")
    shares = entries.div(entries.sum(axis=1), axis=0).set_axis([f"×{d:g}" for d in entries.index])
    shares.plot.bar(stacked=True, ax=right, rot=0, color=["tab:blue", "tab:orange", "0.7"])
    right.set_ylabel("share of seeds")
    right.set_title("Where Grue first comes in")
    right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, fontsize=8)
    fig.suptitle(f"hedmark, {args.seeds} paired seeds from {args.first_seed}")
    fig.tight_layout()
    fig.savefig(out.with_suffix(".png"), dpi=130)
    print(f"written: {out.with_suffix('.csv')}, {out.with_suffix('.png')}")


if __name__ == "__main__":
    main()
