"""Attrition at a county's scale (docs/validation.md, "At a county's scale"): the one-set attrition
experiment (``experiments/attrition_one_set.toml``: every collaboration a loose network; trust
erosion, leadership turnover and budget stress off and at the registry's defaults) on each county
as a region of its own, on paired seeds, in one table. Norway's loose networks grow to a hundred
members across counties; a county's are the size of the networks the sources name (DigiRogaland,
003 L1603; Digi Vestland, 003 L2766).

    python benchmarks/attrition_counties.py --seeds 200 --first-seed 1001 -j 2    # about 10 min on 2 cores
    python benchmarks/attrition_counties.py --counties Vestland,Troms --seeds 30

Per county: exits a run with the mechanisms on / off; the paired difference (on - off) with its
95 % t interval and verdict (✓ above zero, ✗ below, ○ neither); the exits eroded trust, weak
leadership and budget stress account for (on - off, ``Decision.but_for``, ODD 7.25) and their sum;
and whether that sum, a counterfactual at each decision, lies inside the interval of the exits
switching the three off removes, one over the whole history.
"""

from __future__ import annotations

import argparse
import runpy
import tempfile
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from pathlib import Path

from simulation.norway import build_norway, counties, county_region, county_slug, scenario_toml
from simulation.progress import Progress

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENT = ROOT / "experiments" / "attrition_one_set.toml"
# the experiment's own functions (experiments/ is scripts, not a package): its on/off settings, a
# run's tally of exits and attributions, and the paired comparison of the tallies
ATTRITION = runpy.run_path(str(ROOT / "experiments" / "attrition_reasons.py"), run_name="attrition_reasons")


def county_files(names: list[str] | None, folder: Path) -> dict[str, tuple[Path, int]]:
    """Each county's scenario written into ``folder``: its display name → (file, municipalities).
    Counties of one municipality (Oslo) are left out: a region needs two."""
    norway = build_norway()
    files = {}
    for wanted in names or list(counties(norway).values()):
        region = county_region(norway, wanted)
        if len(region.kommuner) < 2:
            continue
        path = folder / f"{county_slug(region)}.toml"
        path.write_text(scenario_toml(region), encoding="utf-8")
        files[region.county] = (path, len(region.kommuner))
    return files


def one_run(job: tuple[str, int, str, dict]) -> tuple[str, int, str, dict]:
    path, seed, label, overrides = job
    return path, seed, label, ATTRITION["tally"](ATTRITION["run"](path, seed, overrides))


def verdict(low: float, high: float) -> str:
    """✓ the interval lies above zero, ✗ below, ○ it holds zero, = no seed's pair differs."""
    if low == high == 0:
        return "="
    return "✓" if low > 0 else ("✗" if high < 0 else "○")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counties", default=None,
                    help="comma-separated county names or numbers (default: every county of two or more municipalities)")
    ap.add_argument("--seeds", type=int, default=200, help="number of paired seeds (default 200)")
    ap.add_argument("--first-seed", type=int, default=1001, help="first of the paired seeds (default 1001)")
    ap.add_argument("-j", "--workers", type=int, default=2, help="worker processes (default 2)")
    args = ap.parse_args(argv)
    if args.seeds < 2:
        ap.error("--seeds needs at least 2 for an interval")
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    with tempfile.TemporaryDirectory() as folder:
        try:
            files = county_files(args.counties.split(",") if args.counties else None, Path(folder))
        except ValueError as exc:  # ScenarioError: an unknown county, with the known ones
            ap.error(str(exc))
        settings = {label: ATTRITION["mechanisms"](EXPERIMENT, level) for label, level in (("off", 0), ("on", -1))}
        jobs = [(str(path), seed, label, settings[label])
                for path, _ in files.values() for seed in seeds for label in ("off", "on")]
        runs: dict[tuple[str, str], dict[int, dict]] = {}
        with Progress(len(jobs), "counties: runs") as progress, ExitStack() as stack:
            # one worker: in this process; more: a pool (the runs are seeded, so the table is the same)
            mapped = (map(one_run, jobs) if args.workers <= 1 else
                      stack.enter_context(ProcessPoolExecutor(args.workers)).map(one_run, jobs, chunksize=8))
            for path, seed, label, tally in mapped:
                runs.setdefault((path, label), {})[seed] = tally
                progress.update()
    print(f"Attrition at a county's scale: {EXPERIMENT.name}, seeds {seeds[0]}-{seeds[-1]} paired, 95 % intervals")
    print("| county (municipalities) | exits a run on / off | on − off | the three account for, on − off: "
          "trust / leadership / budget, summed | the sum in the interval |")
    print("|---|---|---|---|---|")
    marks = []
    for county, (path, n) in files.items():
        c = ATTRITION["compare"](*([runs[(str(path), label)][s] for s in seeds] for label in ("on", "off")))
        diff, low, high = c["diff"]
        marks.append(verdict(low, high))
        print(f"| {county} ({n}) | {c['on']:.2f} / {c['off']:.2f} | {marks[-1]} {diff:+.2f} [{low:+.2f}, {high:+.2f}] | "
              + " / ".join(f"{mean:+.2f}" for mean, _, _ in c["accounted"].values()) + f", {c['added']:+.2f} | "
              + ("inside" if c["inside"] else "outside") + " |")
    print(f"the three mechanisms raise exits on {marks.count('✓')} of {len(marks)} counties, "
          f"lower them on {marks.count('✗')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
