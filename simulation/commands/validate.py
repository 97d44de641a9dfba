"""imcsim validate: the sources' patterns as quantified checks over many seeds.

Prints one row per pattern: name, source line, measure, target, observed value with a 90%
interval (Wilson for shares of seeds, bootstrap for means) and pass/fail. ``--ablation`` runs the
patterns for every non-empty set of perspectives and prints the pattern-by-set matrix.
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

from ..scenario import PERSPECTIVES, load_scenario, parse_overrides
from .options import add_out, add_quiet, check_out


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate", help="check the model against the sources' patterns over many seeds",
        description="Run the pattern-oriented validation (MODEL.md s8; stylized facts in the source notes) "
                    "over R seeds and print pattern, source line, measure, target, observed value with an "
                    "interval (its level is printed) and pass/fail. Shares of seeds use a Wilson interval, "
                    "means a bootstrap interval. A pattern passes only when its whole interval meets the target "
                    "('fail (straddles)': the value does, its interval does not).",
        epilog="examples: imcsim validate hedmark --replications 50;  "
               "imcsim validate hedmark --perspectives instrumental,myth;  imcsim validate hedmark --ablation",
    )
    p.add_argument("scenario", nargs="?", default="hedmark", help="scenario name or TOML path [hedmark]")
    p.add_argument("--replications", "-r", type=int, default=30, help="seeds (1..R, or from --first-seed) [30]")
    p.add_argument("--first-seed", type=int, default=1, metavar="S",
                   help="run seeds S..S+R-1 (check a claim on seeds it was not tuned on) [1]")
    p.add_argument("--perspectives", default=None,
                   help="comma-separated perspectives switched on, e.g. instrumental,myth [all three]")
    p.add_argument("--ablation", action="store_true",
                   help="run every single perspective, pair and all three; print the pattern-by-set matrix")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a parameter, as in 'imcsim run'; repeatable")
    p.add_argument("--workers", "-j", type=int, default=1,
                   help="local worker processes for the seeds (same table for any number) [1]")
    p.add_argument("--posterior", metavar="FILE",
                   help="posterior predictive check: seed r runs posterior draw r of FILE (imcsim calibrate's "
                        "posterior.csv, or its folder) on the registry's behaviour, so the intervals include the "
                        "parameters' uncertainty")
    p.add_argument("--markdown", action="store_true", help="print the table as Markdown (for docs)")
    add_out(p, "none: print only; with DIR, also write validation.md and validation.csv there")
    add_quiet(p)
    p.set_defaults(handler=handle)


def _perspectives(text: str) -> tuple[str, ...]:
    names = tuple(x.strip() for x in text.split(",") if x.strip())
    bad = [x for x in names if x not in PERSPECTIVES]
    if bad or not names:
        raise ValueError(f"--perspectives: expected a comma-separated subset of {', '.join(PERSPECTIVES)}, got {text!r}")
    return names


def _table(rows: list[list[str]], header: list[str], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*header), fmt.format(*("-" * w for w in widths)), *(fmt.format(*r) for r in rows)])


def _write(out: Path | None, rows: list[list[str]], header: list[str]) -> None:
    """With --out: the table as Markdown and as CSV."""
    if out is None:
        return
    import csv

    out.mkdir(parents=True, exist_ok=True)
    (out / "validation.md").write_text(_table(rows, header, True) + "\n", encoding="utf-8")
    with open(out / "validation.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])


def handle(args: argparse.Namespace) -> int:
    if args.out is not None:
        check_out(args.out, args.force)
    from ..progress import Progress
    from ..validation.patterns import patterns_for
    from ..validation.runner import LEVEL, validate

    overrides = parse_overrides(args.overrides)
    scenario = load_scenario(args.scenario, overrides)
    if not patterns_for(scenario.name):
        raise ValueError(f"no validation patterns apply to scenario {scenario.name!r}")
    seeds = range(args.first_seed, args.first_seed + args.replications)
    draws = None
    if args.posterior:
        from ..posterior import load_posterior

        posterior = load_posterior(args.posterior)
        scenario, draws = posterior.base(scenario), posterior.draws(args.replications)
        if overrides:  # --set wins over the draws: applied after each draw
            draws = [{**d, **overrides} for d in draws]

    def run(scenario, overrides=None):
        with Progress(len(seeds), "seeds", unit="seed", enabled=not args.quiet) as bar:
            return validate(scenario, seeds, overrides, progress=bar.update, workers=args.workers, draws=draws)

    started = time.perf_counter()
    if args.ablation:
        sets = [c for n in (1, 2, 3) for c in itertools.combinations(PERSPECTIVES, n)]
        columns = {}
        for s in sets:
            columns["+".join(x[0].upper() for x in s)] = run(scenario, {"perspectives": s})
        names = [r.pattern.name for r in next(iter(columns.values()))]
        rows = []
        for i, name in enumerate(names):
            cells = []
            for results in columns.values():
                r = results[i]
                cells.append(f"{'PASS' if r.passed else 'fail'} {r.observed().split(' [')[0]}")
            rows.append([name, *cells])
        rows.append(["patterns passed", *(f"{sum(r.passed for r in res)}/{len(res)}" for res in columns.values())])
        print(f"imcsim validate {scenario.name} --ablation: {args.replications} seeds per set, "
              f"I = instrumental, C = cultural, M = myth ({time.perf_counter() - started:.1f} s)")
        print(_table(rows, ["pattern", *columns], args.markdown))
        _write(args.out, rows, ["pattern", *columns])
        return 0

    if args.perspectives:
        overrides = {**overrides, "perspectives": _perspectives(args.perspectives)}
        scenario = scenario.with_overrides({"perspectives": overrides["perspectives"]})
    results = run(scenario)
    rows = [[r.pattern.name, r.pattern.source, r.pattern.measure_text, r.pattern.target_text,
             r.observed() + (f" (n={r.n})" if r.n != args.replications else ""), r.verdict]
            for r in results]
    drawn = f" x posterior draws of {args.posterior}" if args.posterior else ""
    seed_text = f"seeds {seeds.start}-{seeds.stop - 1}" if args.first_seed != 1 else f"{args.replications} seeds"
    print(f"imcsim validate {scenario.name}: {seed_text}{drawn}, perspectives "
          f"{'+'.join(scenario.perspectives)}, {LEVEL:.0%} intervals ({time.perf_counter() - started:.1f} s)")
    header = ["pattern", "source", "measure", "target", "observed", "result"]
    print(_table(rows, header, args.markdown))
    print(f"{sum(r.passed for r in results)}/{len(results)} patterns pass")
    _write(args.out, rows, header)
    return 0
