"""Benchmark: wall time per run and simulated municipality-years per second (not a test).

    .venv/bin/python benchmarks/bench_runs.py            # hedmark, synthetic 100, national 356
    .venv/bin/python benchmarks/bench_runs.py --quick    # fewer repetitions

A run is model construction plus all ticks, data collection included (scenario loading is not).
Prints the median and best wall time of several runs with different seeds, the CPU time (less
sensitive to other load on the machine) and the target from issue 10 ("The house": hedmark at
most 15 ms and the national region at most 0.7 s per 40-year run on a 2-core machine; issue 6
had asked for 50 ms and 1 s).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from simulation import CollaborationModel, load_scenario

# (scenario, repetitions, target seconds per run on a 2-core machine; issue 10)
CASES = [("hedmark", 20, 0.015), ("synthetic", 6, None), ("national", 4, 0.7)]


def time_runs(name: str, repetitions: int) -> dict[str, float]:
    scenario = load_scenario(name)
    CollaborationModel(scenario, seed=0).run()  # warm-up: imports, caches
    walls, cpus = [], []
    for seed in range(1, repetitions + 1):
        w0, c0 = time.perf_counter(), time.process_time()
        CollaborationModel(scenario, seed=seed).run()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    n, ticks = len(scenario.municipalities), scenario.ticks
    median = statistics.median(walls)
    return {"municipalities": n, "years": ticks, "median": median, "best": min(walls),
            "cpu": statistics.median(cpus), "rate": n * ticks / median}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("scenarios", nargs="*", help="scenario names [hedmark synthetic national]")
    args = parser.parse_args()
    cases = [c for c in CASES if not args.scenarios or c[0] in args.scenarios]
    print(f"single runs on {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"{'scenario':<10} {'munis':>5} {'years':>5} {'median s':>9} {'best s':>8} {'cpu s':>7} "
          f"{'muni-years/s':>13}  target")
    for name, reps, target in cases:
        r = time_runs(name, max(2, reps // 3) if args.quick else reps)
        verdict = "" if target is None else (f"<= {target:g} s: " + ("met" if r["median"] <= target else "MISSED"))
        print(f"{name:<10} {r['municipalities']:>5} {r['years']:>5} {r['median']:>9.3f} {r['best']:>8.3f} "
              f"{r['cpu']:>7.3f} {r['rate']:>13,.0f}  {verdict}")


if __name__ == "__main__":
    main()
