"""Digest of 24 scenario/governance/seed runs: checks that a refactor leaves results bit-identical.

    python benchmarks/fingerprint_runs.py              # prints one digest per run and the total
    python benchmarks/fingerprint_runs.py --save F     # writes them to F (JSON)
    python benchmarks/fingerprint_runs.py --check F    # compares with F; exit 1 on any difference

Each digest covers the per-tick series, the municipality and collaboration panels, the decisions
and the summary, written as CSV with full float precision.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys

RUNS = [
    ("hedmark", None, seed) for seed in (1, 2, 3, 4, 5)
] + [
    ("hedmark", gov, 11) for gov in ("host", "iks", "as", "task_community", "loose_network")
] + [
    ("agder", None, seed) for seed in (1, 2)
] + [
    ("two_hubs", None, seed) for seed in (1, 2, 3)
] + [
    ("synthetic_small", None, seed) for seed in (1, 2)
] + [
    ("synthetic_small", "iks", 3),
    ("synthetic", None, 1),
    ("synthetic", "loose_network", 2),
    ("national", None, 1),
] + [
    ("hedmark", "w_myth=0", 7),
    ("two_hubs", "perspectives=instrumental,cultural", 4),
]


# measurements added after the baseline was saved: left out of the digest, so that the runs'
# decisions and every measure the baseline knew must still be bit-identical
LATER_MEASURES = ("decoupling_gap", "declared", "actual")


def _without_later(df):
    return df.drop(columns=[c for c in LATER_MEASURES if c in df.columns])


def digest(scenario: str, variant: str | None, seed: int) -> str:
    from simulation import metrics
    from simulation.runs import simulate

    overrides = {}
    if variant and "=" in variant:
        key, value = variant.split("=", 1)
        overrides[key] = value.split(",") if key == "perspectives" else float(value)
    elif variant:
        overrides["governance"] = variant
    model = simulate(scenario, seed=seed, overrides=overrides or None)
    h = hashlib.sha256()
    for df in (metrics.series(model), metrics.municipality_series(model),
               metrics.collaboration_series(model), metrics.decisions(model)):
        h.update(_without_later(df).to_csv(index=False, float_format="%.17g").encode())
    summary = {k: v for k, v in metrics.summary(model).items() if k not in LATER_MEASURES}
    h.update(json.dumps(summary, sort_keys=True, default=str).encode())
    return h.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--save")
    ap.add_argument("--check")
    args = ap.parse_args(argv)
    got = {}
    for scenario, variant, seed in RUNS:
        key = f"{scenario}/{variant or 'default'}/seed{seed}"
        got[key] = digest(scenario, variant, seed)
        print(f"{key:45s} {got[key]}", flush=True)
    if args.save:
        with open(args.save, "w") as f:
            json.dump(got, f, indent=1)
    if args.check:
        with open(args.check) as f:
            want = json.load(f)
        bad = [k for k in want if got.get(k) != want[k]]
        print(f"{len(want) - len(bad)}/{len(want)} runs bit-identical")
        for k in bad:
            print(f"DIFFERS: {k}")
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
