"""imcsim effects [REGION ...]: paired-seed effects of the theory's levers, region by region."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..overrides import parse_overrides
from .options import add_out, add_quiet, check_out


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "effects", help="effects of the theory's levers on each region, with 95%% intervals",
        description="For each region, run every lever (fixed cost, transaction cost, exit cost and notice, "
                    "habit, legitimacy weight, each perspective, ...) at a low and a high setting with the same "
                    "seeds, and report the mean paired difference of each outcome with its 95% interval against "
                    "the direction the sources lead us to expect. A count (exits, mergers, ...) with fewer than "
                    "35 events over both settings says so, '(k events)': too few to tell, run more seeds. "
                    "Writes effects.csv, effects.md and effects.png (the expected directions, coloured "
                    "by verdict).",
        epilog="Example: imcsim effects hedmark agder --seeds 10 --levers fixed_cost,habit --workers 2 "
               "--set trust_erosion=0.15. A smaller step: imcsim effects hedmark --levers fixed_cost "
               "--outcomes small_members --scale 0.8,1.25 --seeds 100",
    )
    p.add_argument("regions", nargs="*", metavar="REGION",
                   help="scenario names or .toml paths (default: every shipped scenario except two_hubs)")
    p.add_argument("--seeds", "-n", type=int, default=30, help="paired seeds per region and lever (default 30)")
    p.add_argument("--levers", help="comma-separated levers (default: all declared; --list names them)")
    p.add_argument("--outcomes", help="comma-separated outcomes (default: all declared; --list names them)")
    p.add_argument("--list", action="store_true",
                   help="print the declared levers (settings, expected directions, sources) and outcomes, and exit")
    p.add_argument("--scale", metavar="LOW,HIGH",
                   help="for levers that scale the region's value (declared x0.5 -> x2), compare xLOW with xHIGH "
                        "instead, e.g. 0.8,1.25: does the effect hold near the defaults, in a smaller step?")
    p.add_argument("--ticks", type=int, help="years to simulate (default: each region's own)")
    p.add_argument("--seed", type=int, default=1, help="experiment seed from which the run seeds are drawn (default 1)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="base setting applied to every region before the levers, as 'imcsim run --set' "
                        "(a lever that scales the region's own value scales the set one); repeatable")
    p.add_argument("--preset", metavar="NAME",
                   help="named base setting: mechanisms-on = the wave-2 mechanisms at their recommended "
                        "values (--set keys win over it)")
    p.add_argument("--workers", "-j", type=int, default=os.cpu_count() or 1, help="local worker processes")
    add_out(p, "results/effects")
    add_quiet(p, "progress output and no table")
    p.set_defaults(handler=effects)


def _names(text: str | None) -> list[str] | None:
    return None if text is None else [x.strip() for x in text.split(",") if x.strip()]


def _scale(text: str) -> tuple[float, float]:
    parts = text.split(",")
    try:
        low, high = (float(x) for x in parts)
    except ValueError:
        raise ValueError(f"--scale: expected LOW,HIGH as two numbers (e.g. 0.8,1.25), got {text!r}") from None
    return low, high


def declared(fx) -> str:
    """The levers and outcomes ``--levers`` and ``--outcomes`` take, as ``--list`` prints them."""
    arrow = {1: "↑", -1: "↓"}
    lines = ["levers (low → high; what the sources lead us to expect, and where they say so):"]
    for lever in fx.LEVERS:
        expect = "; ".join(f"{e.outcome} {arrow[e.direction]} ({e.source})" for e in lever.expect) or "no expectation"
        lines.append(f"  {lever.name:20s} {lever.settings_text()}: {lever.meaning}")
        lines.append(f"  {'':20s} expect {expect}")
    lines.append("outcomes:")
    lines += [f"  {o.name:20s} {o.label}" for o in fx.OUTCOMES]
    return "\n".join(lines)


def effects(args: argparse.Namespace) -> int:
    from ..experiments import effects as fx
    from ..experiments import effects_report as report

    if args.list:
        print(declared(fx))
        return 0
    levers = fx.pick(fx.LEVERS, _names(args.levers), "levers")
    scale = _scale(args.scale) if args.scale is not None else None
    if scale is not None:
        levers = fx.rescaled(levers, *scale)
    outcomes = fx.pick(fx.OUTCOMES, _names(args.outcomes), "outcomes")
    regions = args.regions or fx.default_regions()
    if args.preset is not None and args.preset not in fx.PRESETS:
        raise ValueError(f"--preset: unknown {args.preset!r}; known: {', '.join(fx.PRESETS)}")
    base = {**(fx.PRESETS[args.preset] if args.preset else {}), **parse_overrides(args.overrides)}
    args.out = args.out if args.out is not None else Path("results") / "effects"
    check_out(args.out, args.force)
    if not args.quiet:
        print(f"imcsim effects: regions {len(regions)} x levers {len(levers)} x paired seeds {args.seeds} -> {args.out}")
    if not args.quiet and base:
        print(f"base setting: {fx.base_text(base)}")
    table = fx.estimate(regions, levers, outcomes, args.seeds, args.ticks, args.seed, args.workers,
                        progress=not args.quiet, base=base)
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "effects.csv", index=False)
    (args.out / "effects.md").write_text(
        report.report_markdown(table, levers, outcomes, args.seeds, args.ticks, args.seed,
                               fx.base_text(base)), encoding="utf-8")
    written = [args.out / "effects.csv", args.out / "effects.md"]
    if (table.expected != "").any():
        from .. import plots

        fig = plots.effects_verdicts(report.verdict_grid(table),
                                     title=f"Expected directions: mean paired effect (high - low), {args.seeds} "
                                           f"paired seeds, 95% intervals (experiment seed {args.seed})"
                                           + (f"\nlevers that scale a value: ×{scale[0]:g} → ×{scale[1]:g}"
                                              if scale is not None else "")
                                           + (f"\nbase setting: {fx.base_text(base)}" if base else ""))
        fig.savefig(args.out / "effects.png", dpi=150, bbox_inches="tight")
        plots.plt.close(fig)
        written.append(args.out / "effects.png")
    if not args.quiet:
        print(report.plain(*report.expectations_table(table)))
        print(report.LEGEND)
        print("\nSeeds a verdict needs:")
        print(report.plain(*report.expectations_table(table, report.seeds_text, source=False)))
        print(report.SEEDS_LEGEND)
        print(f"written: {', '.join(map(str, written))}")
    return 0
