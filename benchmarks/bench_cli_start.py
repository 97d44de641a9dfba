"""Benchmark: how long ``imcsim`` takes to start for commands that run no model (not a test).

    python benchmarks/bench_cli_start.py             # 10 starts of each command
    python benchmarks/bench_cli_start.py -n 20 --importtime

Each command is started as a fresh process (``python -m simulation.cli ...``, from the checkout
that holds this script, so its ``simulation`` package is the one measured) ``-n`` times;
prints the mean wall time and CPU time per start (CPU is less sensitive to other load on the
machine), a bare ``python -c pass`` for reference, and the target of issue 10 (0.3 s). With
``--importtime``, also the slowest imports of ``imcsim --help`` (``python -X importtime``).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # `python -m` imports from the current folder first
COMMANDS = [["--help"], ["--version"], ["scenarios"], ["params"], ["governance"]]
TARGET = 0.3  # seconds per start (issue 10)


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_starts(argv: list[str], n: int) -> tuple[float, float]:
    """Mean wall and CPU seconds per start of ``python ARGV``."""
    wall = cpu = 0.0
    for _ in range(n):
        c0, w0 = cpu_of_children(), time.perf_counter()
        subprocess.run([sys.executable, *argv], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        wall += time.perf_counter() - w0
        cpu += cpu_of_children() - c0
    return wall / n, cpu / n


def slowest_imports(argv: list[str], top: int = 10) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) of the slowest imports of ``python -X importtime ARGV``."""
    err = subprocess.run([sys.executable, "-X", "importtime", *argv], check=True, capture_output=True,
                         text=True, cwd=ROOT).stderr
    rows = []
    for line in err.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            _, cumulative, name = line.split("|")
            rows.append((int(cumulative), name.rstrip()))
    return sorted(rows, reverse=True)[:top]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10, help="starts per command [10]")
    ap.add_argument("--importtime", action="store_true", help="also list the slowest imports of --help")
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}; {args.n} starts each; target {TARGET} s")
    wall, cpu = time_starts(["-c", "pass"], args.n)
    print(f"  {'python -c pass':<28} wall {wall:6.3f} s   cpu {cpu:6.3f} s")
    for command in COMMANDS:
        wall, cpu = time_starts(["-m", "simulation.cli", *command], args.n)
        print(f"  {'imcsim ' + ' '.join(command):<28} wall {wall:6.3f} s   cpu {cpu:6.3f} s   "
              f"{'ok' if wall <= TARGET else 'over target'}")
    if args.importtime:
        print("slowest imports of imcsim --help (cumulative):")
        for micros, name in slowest_imports(["-m", "simulation.cli", "--help"]):
            print(f"  {micros / 1000:7.1f} ms  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
