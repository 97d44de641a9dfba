"""Benchmark the experiment engine (not a test): per-run overhead of ``imcsim sweep`` against
``mesa.batch_run`` on the same runs, speed-up from 1 to 2 workers, and peak memory of a
10,000-run sweep.

    .venv/bin/python benchmarks/bench_sweep.py              # everything (a few minutes)
    .venv/bin/python benchmarks/bench_sweep.py overhead     # or: speedup, memory
    .venv/bin/python benchmarks/bench_sweep.py memory --runs 2000

Overhead per run = (engine wall time - time spent inside the model) / runs, on 1 worker, where
the time inside the model (construction and steps) is measured by wrapping
``CollaborationModel.__init__`` and ``step``; so background load on the model part does not blur
the comparison. Both clocks start from the experiment: the sweep's overhead is everything it does
besides the model (plan, scenario file, run summary, results written to Parquet, manifest,
progress); batch_run's is making its inputs (scenario file, one overridden scenario per governance
model, seeds) and collecting the end-of-run model variables (it writes nothing to disk). It is
also shown with its inputs made outside its clock, as this benchmark measured it before. The
sweep writes its files in line unless asked for fsync (``--fsync``, ``durable=True``); then, or
with ``background=True`` ("files on a thread"), it hands the plan and parts to a writer thread
while the runs go on, whose CPU time is printed as a bound on what could hide in the model's time.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mesa

from simulation import CollaborationModel
from simulation.experiments import execute, load_experiment, make_plan, store
from simulation.experiments.plan import run_seeds

GOVERNANCE = ["host", "iks", "as", "task_community", "loose_network"]


def write_experiment(folder: Path, name: str, scenario: str, replications: int, ticks: int | None = None) -> Path:
    """A full-factorial experiment over the five governance models with common seeds."""
    path = folder / f"{name}.toml"
    levels = ", ".join(f'"{g}"' for g in GOVERNANCE)
    path.write_text(
        f'name = "{name}"\nscenario = "{scenario}"\ndesign = "full_factorial"\n'
        f"replications = {replications}\ncommon_seeds = true\nseed = 11\n"
        + (f"ticks = {ticks}\n" if ticks else "")
        + f"\n[parameters]\ngovernance = {{ levels = [{levels}] }}\n", encoding="utf-8")
    return path


def plain_loop(exp, plan) -> float:
    scenario = exp.load_scenario()
    start = time.perf_counter()
    for row in plan.to_dict("records"):
        CollaborationModel(scenario.with_overrides({"governance": row["governance"]}), seed=int(row["seed"])).run()
    return time.perf_counter() - start


def sweep(exp, workers: int, durable: bool = False, background: bool | None = None) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        manifest = execute(exp, Path(tmp) / exp.name, workers=workers, progress=False, durable=durable,
                           background=background)
        elapsed = time.perf_counter() - start
    assert manifest["complete"] and manifest["runs_failed"] == 0, manifest
    return elapsed


def batch_run(exp, plan, workers: int, prepared: bool = False) -> float:
    """``mesa.batch_run`` over the plan's runs. Its clock includes preparing its inputs from the
    experiment (scenario file, one overridden scenario per governance model, the seeds), as the
    sweep's clock includes its own; ``prepared=True`` leaves that out (the old measure)."""
    def inputs():
        scenario = exp.load_scenario()
        seeds = run_seeds(exp.seed, exp.replications)  # common seeds: one per replication
        return {"scenario": [scenario.with_overrides({"governance": g}) for g in GOVERNANCE], "seed": seeds}

    parameters = inputs() if prepared else None
    start = time.perf_counter()
    if parameters is None:
        parameters = inputs()
    rows = mesa.batch_run(CollaborationModel, parameters, number_processes=workers, iterations=1,
                          max_steps=10**6, display_progress=False)
    elapsed = time.perf_counter() - start
    assert len(rows) == len(plan) and sorted(parameters["seed"]) == sorted(set(plan["seed"]))
    return elapsed


class ModelClock:
    """Accumulates the wall time spent in CollaborationModel.__init__ and step (this process)."""

    def __enter__(self) -> ModelClock:
        self.seconds = 0.0
        self.saved = CollaborationModel.__init__, CollaborationModel.step

        def timed(fn):
            def wrapper(*args, **kwargs):
                start = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    self.seconds += time.perf_counter() - start
            return wrapper

        CollaborationModel.__init__, CollaborationModel.step = (timed(f) for f in self.saved)
        return self

    def __exit__(self, *exc) -> None:
        CollaborationModel.__init__, CollaborationModel.step = self.saved


class WriterClock:
    """Accumulates the CPU time of the store's background writer thread: it runs alongside the
    model, so the part of it that holds the GIL (at most all of it) could hide in the model's time."""

    def __enter__(self) -> WriterClock:
        self.seconds = 0.0
        self.saved = store.Writer._run

        def timed(writer, write):
            start = time.thread_time()
            try:
                return self.saved(writer, write)
            finally:
                self.seconds += time.thread_time() - start

        store.Writer._run = timed
        return self

    def __exit__(self, *exc) -> None:
        store.Writer._run = self.saved


ENGINES = {
    "sweep": ("imcsim sweep (execute)", lambda exp, plan: sweep(exp, 1)),
    "sweep_thread": ("  files on a thread", lambda exp, plan: sweep(exp, 1, background=True)),
    "sweep_fsync": ("  with --fsync (thread)", lambda exp, plan: sweep(exp, 1, durable=True)),
    "batch": ("mesa.batch_run", lambda exp, plan: batch_run(exp, plan, 1)),
    "batch_prepared": ("  inputs made outside", lambda exp, plan: batch_run(exp, plan, 1, prepared=True)),
}


def engine_overhead(exp, plan, repeats: int) -> tuple[dict[str, float], dict[str, float]]:
    """Median total seconds each engine spends outside the model for this plan (1 worker), and
    median seconds of background writing alongside it."""
    extra: dict[str, list[float]] = {key: [] for key in ENGINES}
    writing: dict[str, list[float]] = {key: [] for key in ENGINES}
    for _ in range(repeats):  # interleaved, so background load hits all alike
        for key, (_, engine) in ENGINES.items():
            with ModelClock() as clock, WriterClock() as writer:
                wall = engine(exp, plan)
            extra[key].append(wall - clock.seconds)
            writing[key].append(writer.seconds)
    return ({k: statistics.median(v) for k, v in extra.items()},
            {k: statistics.median(v) for k, v in writing.items()})


def overhead(folder: Path, replications: int, repeats: int) -> None:
    exp = load_experiment(write_experiment(folder, "bench_overhead", "hedmark", replications))
    small = load_experiment(write_experiment(folder, "bench_overhead_5", "hedmark", 1))
    plan, plan5 = make_plan(exp), make_plan(small)
    n, n5 = len(plan), len(plan5)
    sweep(exp, 1)  # warm-up: imports, the outcome names' tiny run
    (big, writing), (five, _) = engine_overhead(exp, plan, repeats), engine_overhead(small, plan5, repeats)
    plain = plain_loop(exp, plan)
    print(f"overhead, hedmark, 1 worker, median of {repeats}, load average {os.getloadavg()[0]:.1f} "
          f"(model alone: {plain / n * 1e3:.1f} ms per run):")
    for key, (label, _) in ENGINES.items():
        marginal = (big[key] - five[key]) / (n - n5) * 1e3
        print(f"  {label:<24} {big[key] / n * 1e3:6.2f} ms per run over {n} runs; "
              f"fixed {five[key] * 1e3:5.0f} ms per sweep, marginal {marginal:5.2f} ms per run"
              + (f"; writer thread CPU {writing[key] * 1e3:.1f} ms per sweep" if writing[key] else ""))
    for key, what in (("batch", "inputs made inside its clock, like the sweep's"), ("batch_prepared", "inputs made outside")):
        verdict = "met" if big["sweep"] < big[key] else "MISSED"
        print(f"  target: sweep overhead below batch_run's ({n} runs; batch_run {what}): {verdict} "
              f"({(big['sweep'] - big[key]) / n * 1e3:+.3f} ms per run)")
    two = {"sweep": min(sweep(exp, 2) for _ in range(repeats)), "batch": min(batch_run(exp, plan, 2) for _ in range(repeats))}
    print(f"  same {n} runs on 2 workers: imcsim sweep {two['sweep']:.2f} s, mesa.batch_run {two['batch']:.2f} s (wall)")


def speedup(folder: Path, replications: int) -> None:
    exp = load_experiment(write_experiment(folder, "bench_speedup", "hedmark", replications))
    n = len(make_plan(exp))
    sweep(exp, 1)
    one = min(sweep(exp, 1) for _ in range(2))
    two = min(sweep(exp, 2) for _ in range(2))
    b1 = batch_run(exp, make_plan(exp), 1)
    b2 = batch_run(exp, make_plan(exp), 2)
    print(f"speed-up, hedmark, {n} runs, best of 2 (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):")
    print(f"  imcsim sweep   1 worker {one:6.2f} s, 2 workers {two:6.2f} s: x{one / two:.2f}")
    print(f"  mesa.batch_run 1 process {b1:5.2f} s, 2 processes {b2:5.2f} s: x{b1 / b2:.2f}")
    print(f"  target: 2 workers at least 1.7 x 1 worker: {'met' if one / two >= 1.7 else 'MISSED'}")
    # importing mesa sets the 'spawn' start method for the whole process (mesa/batchrunner.py), so
    # each worker re-imports numpy, pandas, scipy and mesa; 'fork' shows what that costs
    method = multiprocessing.get_start_method()
    multiprocessing.set_start_method("fork", force=True)
    try:
        forked = min(sweep(exp, 2) for _ in range(2))
    finally:
        multiprocessing.set_start_method(method, force=True)
    print(f"  imcsim sweep   2 workers with start method 'fork' instead of '{method}': {forked:6.2f} s: x{one / forked:.2f}")


MEMORY_CHILD = r"""
import json, resource, sys, threading, time
from pathlib import Path
from simulation.experiments import execute, load_experiment
exp = load_experiment(sys.argv[1])
samples = []
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
stop = False
def sample():
    while not stop:
        samples.append((time.perf_counter(), rss()))
        time.sleep(0.25)
threading.Thread(target=sample, daemon=True).start()
start = time.perf_counter()
manifest = execute(exp, Path(sys.argv[2]), workers=int(sys.argv[3]), progress=False)
stop = True
elapsed = time.perf_counter() - start
print(json.dumps({"runs": manifest["runs_finished"], "elapsed": elapsed, "samples": samples, "start": start,
                  "peak_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "peak_children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def memory(folder: Path, runs: int, workers: int) -> None:
    print(f"peak memory (MB) of tiny sweeps (two_hubs, 1 tick), {workers} workers:")
    for total in sorted({max(1, runs // 10), runs}):
        path = write_experiment(folder, f"bench_memory_{total}", "two_hubs", max(1, total // len(GOVERNANCE)), ticks=1)
        out = subprocess.run([sys.executable, "-c", MEMORY_CHILD, str(path), str(folder / f"results_{total}"), str(workers)],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout)
        rss = [m for _, m in r["samples"]] or [r["peak_self"]]
        quarters = [rss[min(len(rss) - 1, int(q * (len(rss) - 1)))] for q in (0.25, 0.5, 0.75, 1.0)]
        print(f"  {r['runs']:>6} runs in {r['elapsed']:6.1f} s: main process peak {r['peak_self']:6.1f}, "
              f"workers peak {r['peak_children']:6.1f}; main RSS at 25/50/75/100 % of the time: "
              + " / ".join(f"{q:.0f}" for q in quarters))
    print("  flat = the 10x larger sweep peaks at about the same memory (results are streamed to Parquet)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="*", help="what to measure: overhead, speedup, memory [all]")
    parser.add_argument("--replications", type=int, default=20, help="seeds per governance model [20]")
    parser.add_argument("--repeats", type=int, default=3, help="repetitions of the overhead timing [3]")
    parser.add_argument("--runs", type=int, default=10_000, help="runs of the memory sweep [10000]")
    parser.add_argument("--workers", type=int, default=2, help="workers of the memory sweep [2]")
    args = parser.parse_args()
    args.parts = args.parts or ["overhead", "speedup", "memory"]
    unknown = set(args.parts) - {"overhead", "speedup", "memory"}
    if unknown:
        parser.error(f"unknown part(s) {', '.join(sorted(unknown))}; choose from overhead, speedup, memory")
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, mesa {mesa.__version__}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "overhead" in args.parts:
            overhead(folder, args.replications, args.repeats)
        if "speedup" in args.parts:
            speedup(folder, args.replications * 2)
        if "memory" in args.parts:
            memory(folder, args.runs, args.workers)


if __name__ == "__main__":
    main()
