"""Digest of 24 scenario/governance/seed runs: checks that a refactor leaves results bit-identical.

    python benchmarks/fingerprint_runs.py              # prints one digest per run and the total
    python benchmarks/fingerprint_runs.py --save F     # writes them to F (JSON)
    python benchmarks/fingerprint_runs.py --check F    # compares with F; exit 1 on any difference

Each run gets one digest per output column (per-tick series, municipality and collaboration panels,
decisions, summary), written with full float precision. ``--check`` compares the columns the saved
file has: a column added since is listed as new and does not count as a difference (an added
output must not hide a change to the existing ones); a column that changed or went missing does.
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


def digest(scenario: str, variant: str | None, seed: int) -> dict[str, str]:
    """One digest per output column of one run: ``table.column`` -> 16 hex digits."""
    import pandas as pd

    from simulation import metrics
    from simulation.runs import simulate

    overrides = {}
    if variant and "=" in variant:
        key, value = variant.split("=", 1)
        overrides[key] = value.split(",") if key == "perspectives" else float(value)
    elif variant:
        overrides["governance"] = variant
    model = simulate(scenario, seed=seed, overrides=overrides or None)
    tables = {"series": metrics.series(model), "municipalities": metrics.municipality_series(model),
              "collaborations": metrics.collaboration_series(model), "decisions": metrics.decisions(model),
              "summary": pd.DataFrame([metrics.summary(model)])}
    out = {}
    for table, df in tables.items():
        out[f"{table}.<rows>"] = hashlib.sha256(str(len(df)).encode()).hexdigest()[:16]
        for column in df.columns:
            text = df[column].to_csv(index=False, header=False, float_format="%.17g")
            out[f"{table}.{column}"] = hashlib.sha256(text.encode()).hexdigest()[:16]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--save", help="write the digests to this JSON file")
    ap.add_argument("--check", help="compare with the digests in this JSON file; exit 1 on a difference")
    args = ap.parse_args(argv)
    want = {}
    if args.check:
        with open(args.check) as f:
            want = json.load(f)
        if any(not isinstance(v, dict) for v in want.values()):
            ap.error(f"{args.check}: saved by an older version of this script (one digest a run); save it again")
    got, bad, added = {}, [], set()
    for scenario, variant, seed in RUNS:
        key = f"{scenario}/{variant or 'default'}/seed{seed}"
        got[key] = digest(scenario, variant, seed)
        total = hashlib.sha256(json.dumps(got[key], sort_keys=True).encode()).hexdigest()[:16]
        line = f"{key:50s} {total}"
        if key in want:
            changed = sorted(c for c in want[key] if got[key].get(c) != want[key][c])
            added |= set(got[key]) - set(want[key])
            if changed:
                bad.append(key)
                line += "  DIFFERS: " + ", ".join(changed[:6]) + (" ..." if len(changed) > 6 else "")
        print(line, flush=True)
    if args.save:
        with open(args.save, "w") as f:
            json.dump(got, f, indent=1, sort_keys=True)
    if args.check:
        missing = [k for k in want if k not in got]
        print(f"{len(want) - len(bad) - len(missing)}/{len(want)} runs bit-identical"
              + (f" (new columns, not compared: {', '.join(sorted(added))})" if added else ""))
        return 1 if bad or missing else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
