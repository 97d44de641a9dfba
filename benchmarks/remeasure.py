"""Issue 11's claims re-measured as an outsider would: from the files ``imcsim run`` writes, with
this script's own reading of them (pandas and scipy only), on seeds and lever settings of your
choosing.

    python benchmarks/remeasure.py --first-seed 131001 --seeds 30 -j 2            # regions, ~5 min
    python benchmarks/remeasure.py --first-seed 131001 --seeds 30 -j 2 --levers    # + doses, ~25 min

Why: docs/validation.md's figures are measured by ``simulation.validation.patterns`` and
``imcsim effects`` on the model's in-memory tables; anybody checking them will run the command
line and read the CSVs. This script does that, so that a disagreement between the two readings,
or a claim that holds only at our settings, shows up here first.

Nothing here imports the model. Each run is ``imcsim run REGION --seed S --no-plots`` (plus
``--set`` for a lever) in a subprocess; the defaults come from ``imcsim params NAME``. The
definitions below are written from issue 11's text, not copied from the patterns:

- norway in 2015: the share of municipalities with a collaboration in municipalities.csv; the
  number of distinct collaborations they belong to; small (< 5,000) minus large (>= 15,000)
  municipalities' member shares, and the same for the halves below and above the median
  population; dissolutions a year over the run and mergers, counted from series.csv's counters,
  from mergers.csv, and from collaborations.csv (a collaboration that ends is merged when its last
  members all sit together in another collaboration that already existed); and how many of the
  absorbed collaborations were founded the year they were absorbed (in no yearly row before it).
- agder: no municipality ever leaves IKT Agder, which has more members in 2022 than at the start;
  Setesdal IKT's end (merged: its last members all in IKT Agder the next year, by a merger
  counted in series.csv; else dissolved; or alive at the end) and the year of it.
- hedmark: the collaboration Hamar, Løten and Stange first share; the year Kongsvinger, Grue and
  Nord-Odal enter it (each one's first year in it, and whether the three agree); Sør-Odal's year.
- ``--levers``: the stand-alone fixed cost and the legitimacy weight at x0.8, x1 and x1.25 of
  their defaults (``imcsim effects`` uses x0.5 and x2), on every shipped region with the same
  seeds; the paired difference of small and large municipalities' member share, averaged over
  the run's years, with 95 % t intervals for each step.

Shares get 95 % Wilson intervals, means 95 % t intervals, over the seeds.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

REGIONS = ("hedmark", "agder", "norway", "synthetic", "synthetic_small")
SMALL, LARGE = 5_000, 15_000  # inhabitants: imcsim's size classes (imcsim params small_max, medium_max)
NATIONAL_YEAR, PRESENT = 2015, 2022
TRIO, BLOC, LATE = ("Hamar", "Løten", "Stange"), ("Kongsvinger", "Grue", "Nord-Odal"), "Sør-Odal"
HUB, ABSORBED = "IKT Agder", "Setesdal IKT"
DOSES = {"fixed_cost": (0.8, 1.25), "legitimacy_weight": (0.8, 1.25)}


def imcsim() -> list[str]:
    """The command line as installed beside this Python (the project's virtual environment)."""
    exe = Path(sys.executable).with_name("imcsim")
    return [str(exe)] if exe.exists() else [shutil.which("imcsim") or "imcsim"]


def default(name: str) -> float:
    """A parameter's default as ``imcsim params NAME`` prints it."""
    out = subprocess.run([*imcsim(), "params", name], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0] == name:
            return float(parts[1])
    raise SystemExit(f"imcsim params {name}: no such parameter")


class Run:
    """One finished run's files."""

    def __init__(self, folder: Path) -> None:
        self.series = pd.read_csv(folder / "series.csv")
        self.towns = pd.read_csv(folder / "municipalities.csv", keep_default_na=False,
                                 dtype={"collaboration": str})
        self.collabs = pd.read_csv(folder / "collaborations.csv")
        self.mergers = pd.read_csv(folder / "mergers.csv")
        years = dict(zip(self.series.tick, self.series.year, strict=True))
        self.towns["year"] = self.towns.tick.map(years)  # the series' own years, not the file's column
        self.collabs["year"] = self.collabs.tick.map(years)
        self.where = self.towns.pivot(index="year", columns="name", values="collaboration")

    def members(self, year: int, name: str) -> set[str]:
        row = self.where.loc[year]
        return set(row.index[row == name])


def run_all(jobs: list[tuple[str, int, dict[str, float]]], root: Path, workers: int) -> dict:
    """Run every (region, seed, settings) through the command line; the runs' folders by job."""
    def one(job):
        region, seed, sets = job
        tag = "-".join(f"{k}={v:g}" for k, v in sets.items()) or "base"
        out = root / region / tag / f"seed{seed}"
        args = [*imcsim(), "run", region, "--seed", str(seed), "--no-plots", "-q", "--out", str(out), "--force"]
        for k, v in sets.items():
            args += ["--set", f"{k}={v!r}"]
        done = subprocess.run(args, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr}")
        return job, out
    results = {}
    live = sys.stderr.isatty()  # a terminal: one line rewritten; a log: a line every tenth of the runs
    with ThreadPoolExecutor(workers) as pool:
        for i, ((region, seed, sets), out) in enumerate(pool.map(one, jobs), 1):
            results[(region, seed, tuple(sorted(sets.items())))] = out
            if live:
                print(f"\r  {i}/{len(jobs)} runs", end="", file=sys.stderr, flush=True)
            elif i == len(jobs) or i % max(1, len(jobs) // 10) == 0:
                print(f"  {i}/{len(jobs)} runs", file=sys.stderr, flush=True)
    if live:
        print(file=sys.stderr)
    return results


# ---- the measures, one number (or bool) per run ---------------------------------------------

def member_share(run: Run, year: int, keep: Callable[[pd.Series], pd.Series] | None = None) -> float:
    t = run.towns[run.towns.year == year]
    if keep is not None:
        t = t[keep(t.population)]
    return float((t.collaboration != "").mean()) if len(t) else float("nan")


def endings(run: Run) -> tuple[int, int]:
    """(dissolutions, mergers) read from collaborations.csv: a collaboration present in one year
    and gone the next is merged if its last members are all together in one collaboration that
    existed the year before, else dissolved. A collaboration founded and absorbed in the same year
    is in no yearly row, so mergers.csv can hold more."""
    alive = run.collabs.groupby("year").name.apply(set).to_dict()
    years = sorted(alive)
    dissolved = merged = 0
    for before, after in zip(years, years[1:], strict=False):
        for name in alive[before] - alive[after]:
            last = run.members(before, name)
            went = {run.where.loc[after, n] for n in last}
            if len(last) >= 2 and len(went) == 1 and (target := went.pop()) and target in alive[before]:
                merged += 1
            else:
                dissolved += 1
    return dissolved, merged


def first_year_in(run: Run, town: str, name: str) -> int | None:
    col = run.where[town]
    hits = col.index[col == name]
    return int(hits[0]) if len(hits) else None


def trio_collaboration(run: Run) -> str | None:
    for year in run.where.index:
        names = {run.where.loc[year, t] for t in TRIO}
        if len(names) == 1 and "" not in names:
            return names.pop()
    return None


def norway(run: Run) -> dict[str, float | bool]:
    year_rows = run.towns[run.towns.year == NATIONAL_YEAR]
    median = float(year_rows.population.median())
    diss, merg = endings(run)
    n_years = int((run.series.tick > 0).sum())
    first_row = run.collabs.groupby("name").year.min()  # a name's first year in collaborations.csv
    return {
        "member share 2015": member_share(run, NATIONAL_YEAR),
        "collaborations 2015": float(year_rows.collaboration[year_rows.collaboration != ""].nunique()),
        "small minus large 2015": member_share(run, NATIONAL_YEAR, lambda p: p < SMALL)
        - member_share(run, NATIONAL_YEAR, lambda p: p >= LARGE),
        "below minus above median 2015": member_share(run, NATIONAL_YEAR, lambda p: p < median)
        - member_share(run, NATIONAL_YEAR, lambda p: p > median),
        "dissolutions a year (series.csv)": float(run.series.dissolutions.sum()) / n_years,
        "dissolutions a year (collaborations.csv)": diss / n_years,
        "mergers occur (series.csv)": bool(run.series.mergers.sum() > 0),
        "mergers occur (collaborations.csv)": merg > 0,
        "mergers a run (series.csv)": float(run.series.mergers.sum()),
        "mergers a run (mergers.csv)": float(len(run.mergers)),
        "mergers a run (collaborations.csv)": float(merg),
        "absorbed in the year it was founded": float(sum(
            first_row.get(name, year) >= year for year, name in zip(run.mergers.year, run.mergers.absorbed, strict=True))),
    }


def agder(run: Run) -> dict[str, bool]:
    years = list(run.where.index)
    kept = all(run.members(a, HUB) <= run.members(b, HUB) for a, b in zip(years, years[1:], strict=False))
    grew = len(run.members(min(PRESENT, years[-1]), HUB)) > len(run.members(years[0], HUB))
    alive = [y for y in years if run.members(y, ABSORBED)]
    fate, when = "dissolved", None
    if alive and alive[-1] == years[-1]:
        fate = "alive"
    elif alive:
        last, when = alive[-1], alive[-1] + 1
        went = {run.where.loc[when, n] for n in run.members(last, ABSORBED)}
        merger = run.series.loc[run.series.year == when, "mergers"].sum() > 0
        fate = "merged" if went == {HUB} and merger else "dissolved"
    return {
        "IKT Agder grows without exits": kept and grew,
        "Setesdal IKT merged into IKT Agder": fate == "merged",
        "Setesdal IKT merged in 2020-2024": fate == "merged" and 2020 <= when <= 2024,
        "Setesdal IKT not dissolved": fate != "dissolved",
    }


def hedmark(run: Run) -> dict[str, bool]:
    name = trio_collaboration(run)
    entered = [first_year_in(run, t, name) if name else None for t in BLOC]
    together = None not in entered and len(set(entered)) == 1
    bloc = entered[0] if together else None
    late = first_year_in(run, LATE, name) if name else None
    return {
        "bloc enters together": together,
        "bloc within a year of 2011": bloc is not None and abs(bloc - 2011) <= 1,
        "Kongsvinger within a year of 2011": entered[0] is not None and abs(entered[0] - 2011) <= 1,
        "Sør-Odal 4+ years after the bloc, by 2022": bloc is not None and late is not None
        and bloc + 4 <= late <= PRESENT,
        "nobody leaves the trio's collaboration by 2022": name is not None and all(
            run.members(y, name) <= run.members(y + 1, name) for y in run.where.index if y < PRESENT),
    }


MEASURES = {"norway": norway, "agder": agder, "hedmark": hedmark}


def small_large(run: Run) -> tuple[float, float]:
    """Small and large municipalities' member shares averaged over the run's years (tick 0 out)."""
    t = run.towns[run.towns.tick > 0]
    inside = t.collaboration != ""
    by_year = lambda keep: inside[keep].groupby(t.year[keep]).mean().mean()  # noqa: E731
    return float(by_year(t.population < SMALL)), float(by_year(t.population >= LARGE))


# ---- summaries ---------------------------------------------------------------------------------

def summarise(values: list[float | bool]) -> str:
    """A yes/no measure as the share of seeds (Wilson interval), a number as the mean (t interval)."""
    v = np.array([x for x in values if x == x], dtype=float)
    if not len(v):
        return "n/a"
    if isinstance(values[0], bool):
        ci = stats.binomtest(int(v.sum()), len(v)).proportion_ci(0.95, method="wilson")
        return f"{v.mean():.0%} [{ci.low:.0%}, {ci.high:.0%}] of {len(v)}"
    lo, hi = stats.t.interval(0.95, len(v) - 1, v.mean(), stats.sem(v)) if v.std() > 0 else (v.mean(),) * 2
    return f"{v.mean():.3f} [{lo:.3f}, {hi:.3f}]"


def paired(a: list[float], b: list[float]) -> str:
    d = np.array(b) - np.array(a)
    lo, hi = stats.t.interval(0.95, len(d) - 1, d.mean(), stats.sem(d)) if d.std() > 0 else (d.mean(),) * 2
    sign = "=" if not d.any() else "↑" if lo > 0 else "↓" if hi < 0 else "○"
    return f"{d.mean():+.4f} [{lo:+.4f}, {hi:+.4f}] {sign}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--first-seed", type=int, default=131001, help="first run seed [131001]")
    ap.add_argument("--seeds", type=int, default=30, help="seeds per region and setting [30]")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="runs at once [2]")
    ap.add_argument("--levers", action="store_true", help="also the fixed cost and legitimacy doses")
    ap.add_argument("--keep", type=Path, help="keep the runs' folders here (default: a temporary folder)")
    args = ap.parse_args(argv)
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    root = args.keep or Path(tempfile.mkdtemp(prefix="remeasure-"))
    jobs = [(r, s, {}) for r in MEASURES for s in seeds]
    if args.levers:
        base = {k: default(k) for k in DOSES}
        jobs = [(r, s, {}) for r in REGIONS for s in seeds]
        jobs += [(r, s, {k: base[k] * f}) for k, fs in DOSES.items() for f in fs for r in REGIONS for s in seeds]
    print(f"seeds {seeds.start}-{seeds.stop - 1}; runs in {root}", file=sys.stderr)
    folders = run_all(jobs, root, args.jobs)
    read = lambda r, s, sets=(): Run(folders[(r, s, tuple(sorted(sets)))])  # noqa: E731

    for region, measure in MEASURES.items():
        per_seed = [measure(read(region, s)) for s in seeds]
        print(f"\n{region} (seeds {seeds.start}-{seeds.stop - 1})")
        for key in per_seed[0]:
            print(f"  {key:<48} {summarise([p[key] for p in per_seed])}")
    if args.levers:
        print("\nlever doses: paired difference of the member share averaged over the run, 95 % t interval")
        for k, (low, high) in DOSES.items():
            for region in REGIONS:
                at = {f: [small_large(read(region, s, {k: base[k] * f}.items() if f != 1 else ())) for s in seeds]
                      for f in (low, 1, high)}
                for i, size in enumerate(("small", "large")):
                    steps = [f"x{a:g}→x{b:g} {paired([v[i] for v in at[a]], [v[i] for v in at[b]])}"
                             for a, b in ((low, 1), (1, high), (low, high))]
                    print(f"  {k:<17} {region:<15} {size:<5} " + "   ".join(steps))
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
