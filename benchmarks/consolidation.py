"""Consolidation figures over seeds: foundings, dissolutions, mergers, durable collaborations,
the largest collaboration in 2015 (its members, how many came in by merger, the counties it
spans) and at the end, and for agder the fate of Setesdal IKT (merged into IKT Agder, or
dissolved, and when).

    python benchmarks/consolidation.py norway --seeds 10 [--set key=value ...]
    python benchmarks/consolidation.py agder --seeds 20 --set merger_route=0
    python benchmarks/consolidation.py norway --seeds 30 --plot region_span.png --against region_span_weight=0
    python benchmarks/consolidation.py norway --seeds 20 --plot largest.png --against merger_myth_across_counties=1

Prints one line per seed and means with 95 % intervals (t over seeds). ``--plot`` draws the
largest collaboration's members and the collaborations alive, year by year (mean and 95 % band
over the seeds); ``--against`` adds the same seeds run with other settings as a second line.
"""

from __future__ import annotations

import argparse
import statistics
from collections import Counter

import numpy as np

from simulation import metrics
from simulation.experiments.analysis import mean_ci
from simulation.model import CollaborationModel
from simulation.overrides import parse_overrides
from simulation.validation.patterns import LARGEST_MEMBERS


def run_one(scenario: str, seed: int, overrides: dict) -> dict:
    m = CollaborationModel(scenario, seed=seed, overrides=overrides or None)
    left: dict[str, int] = {}  # members lost (not through a merger) by the named collaborations
    names = {c.name for c in m.scenario.collaborations}
    members = {k.name: {mm.name for mm in k.members} for k in m.collaborations}  # alive collaborations' members
    by_merger: dict[str, int] = {}  # members each collaboration gained through mergers
    largest: dict[str, float] = {}
    years, biggest, alive = [], [], []
    while m.running:
        m.step()
        now = {k.name: {mm.name for mm in k.members} for k in m.collaborations}
        for name in names & now.keys():  # the named collaborations still alive
            left[name] = left.get(name, 0) + len(members.get(name, now[name]) - now[name])
        for year, big, small in m.merger_log:
            if year == m.year:
                by_merger[big] = by_merger.get(big, 0) + len(now.get(big, set()) & members.get(small, set()))
        members = now
        years.append(m.year)
        biggest.append(max(map(len, now.values()), default=0))
        alive.append(len(now))
        if m.year == 2015 and m.collaborations:
            k = metrics.largest(m)
            largest = {"largest_2015": len(k.members), "largest_2015_by_merger": by_merger.get(k.name, 0),
                       "largest_2015_counties": len({mm.county for mm in k.members})}
    founded = [k for k in m.history if k.founded >= m.scenario.start_year and k.name not in
               {c.name for c in m.scenario.collaborations}]
    dissolved = [k for k in m.history if k.ended is not None and k not in m.collaborations
                 and not any(small == k.name for _, _, small in m.merger_log)]
    series = m.datacollector.get_model_vars_dataframe()
    at = series[series["year"] == 2015] if "year" in series else series.iloc[[0]]
    members = [mm for mm in m.municipalities]
    p = m.params
    small = [mm for mm in members if mm.population < p.small_max]
    large = [mm for mm in members if mm.population >= p.medium_max]
    row = {
        "foundings": len(founded),
        "dissolutions": len(dissolved),
        "mergers": len(m.merger_log),
        "alive_2015": float(at["collaborations"].iloc[0]) if len(at) else float("nan"),
        "member_share_2015": float(at["member_share"].iloc[0]) if len(at) else float("nan"),
        "alive_end": len(m.collaborations),
        "durable_end": sum(m.year - k.founded >= 10 for k in m.collaborations),  # alive, 10 years or older
        "pairs_share": (sum(k.peak_members <= 2 for k in founded) / len(founded)) if founded else float("nan"),
        "dissolved_life": statistics.median([k.ended - k.founded for k in dissolved]) if dissolved else float("nan"),
        "small_in_end": sum(mm.collaboration is not None for mm in small) / max(1, len(small)),
        "large_in_end": sum(mm.collaboration is not None for mm in large) / max(1, len(large)),
        "switch": sum(d.choice == "switch" for d in m.decisions),
        "exit": sum(d.choice == "exit" for d in m.decisions),
        **largest,
        "largest_end": biggest[-1],
        "_series": (years, biggest, alive),  # for --plot, not tabulated
    }
    if m.scenario.name == "agder":
        merged = [(y, big) for y, big, small in m.merger_log if small == "Setesdal IKT"]
        setesdal = next(k for k in m.history if k.name == "Setesdal IKT")
        agder = next(k for k in m.history if k.name == "IKT Agder")
        row["setesdal"] = ("merged:" + merged[0][1] if merged else
                           "dissolved" if setesdal.ended is not None else "alive")
        row["setesdal_year"] = merged[0][0] if merged else (setesdal.ended or 0)
        row["agder_exits"] = left.get("IKT Agder", 0)
        row["setesdal_exits"] = left.get("Setesdal IKT", 0)
        row["ikt_agder_members"] = len(agder.members) if agder.alive else 0
    return row


def ci(values: list[float]) -> str:
    """Mean ± the half-width of its 95 % t interval (``analysis.mean_ci``; NaNs dropped)."""
    mean, half, n = mean_ci(np.array(values, dtype=float))
    if n == 0:
        return "n/a"
    return f"{mean:.3g} ± {half if n > 1 else 0.0:.2g}"


def runs(scenario: str, seeds: range, overrides: dict, label: str) -> list[dict]:
    """One row per seed, printed as it comes, then the means with their intervals."""
    rows = []
    for seed in seeds:
        row = run_one(scenario, seed, overrides)
        rows.append(row)
        print(label, seed, {k: v for k, v in row.items() if not k.startswith("_")}, flush=True)
    for key in (k for k in rows[0] if not k.startswith("_")):
        vals = [r[key] for r in rows]
        if isinstance(vals[0], str):
            print(f"{label} {key}: {dict(Counter(vals))}")
        else:
            print(f"{label} {key}: {ci([float(v) for v in vals])}")
    return rows


def plot(scenario: str, seeds: range, cases: dict[str, list[dict]], path: str) -> None:
    """The largest collaboration's members and the collaborations alive by year, per case."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for (label, rows), style in zip(cases.items(), ("-", "--"), strict=False):
        years = rows[0]["_series"][0]
        for ax, at in zip(axes, (1, 2), strict=True):
            values = np.array([r["_series"][at] for r in rows], dtype=float)
            mean, half = [], []
            for column in values.T:
                mu, h, _ = mean_ci(column)
                mean.append(mu)
                half.append(h if len(rows) > 1 else 0.0)
            mean, half = np.array(mean), np.array(half)
            ax.plot(years, mean, style, color="black", label=label)
            ax.fill_between(years, mean - half, mean + half, color="grey", alpha=0.25)
    axes[0].axhline(LARGEST_MEMBERS, color="firebrick", lw=0.8, ls="--",
                    label=f"pattern's bound in 2015 ({LARGEST_MEMBERS}; IKT Agder had 14, 002 L137-141)")
    axes[0].set(title="members of the largest collaboration", xlabel="year", ylabel="members")
    axes[1].set(title="collaborations alive", xlabel="year", ylabel="collaborations")
    for ax in axes:
        ax.axvline(2015, color="grey", lw=0.8, ls=":")
        ax.legend(fontsize=8)
    fig.suptitle(f"{scenario}: mean and 95 % interval over seeds {seeds.start}-{seeds.stop - 1}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"wrote {path}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario", help="scenario name or TOML path")
    ap.add_argument("--seeds", type=int, default=10, help="number of seeds (default 10)")
    ap.add_argument("--first", type=int, default=1, help="first seed (default 1)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override, repeatable")
    ap.add_argument("--against", action="append", default=[], metavar="KEY=VALUE",
                    help="also run the same seeds with these overrides (on top of --set), repeatable")
    ap.add_argument("--plot", metavar="PNG", help="draw the largest collaboration and the collaborations alive by year")
    args = ap.parse_args()
    overrides = parse_overrides(args.set) if args.set else {}
    seeds = range(args.first, args.first + args.seeds)
    label = " ".join(args.set) or "defaults"
    cases = {label: runs(args.scenario, seeds, overrides, label)}
    if args.against:
        other = " ".join([*args.set, *args.against])
        cases[other] = runs(args.scenario, seeds, {**overrides, **parse_overrides(args.against)}, other)
    if args.plot:
        plot(args.scenario, seeds, cases, args.plot)


if __name__ == "__main__":
    main()
