"""imcsim run: one simulation, a summary table, series and plots in a results folder."""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

from ..scenario import load_scenario, parse_overrides
from .options import add_out, add_quiet, check_out

SUMMARY_ROWS = [
    ("member_share", "members at the end (share of municipalities)", "{:.0%}"),
    ("member_population_share", "population in a collaboration", "{:.0%}"),
    ("collaborations", "collaborations at the end", "{:d}"),
    ("largest_share", "largest collaboration (share of municipalities)", "{:.0%}"),
    ("foundings", "collaborations founded", "{:d}"),
    ("joins", "joins (incl. founders)", "{:d}"),
    ("exits", "exits (attrition)", "{:d}"),
    ("exit_payments", "exit terms paid (MNOK, all years)", "{:,.1f}"),
    ("mergers", "mergers (consolidation)", "{:d}"),
    ("dissolutions", "dissolutions", "{:d}"),
    ("mean_coordination", "mean coordination of members", "{:.2f}"),
    ("mean_leakage", "mean leakage of members", "{:.2f}"),
    ("cost_small", "ICT cost/inhabitant, small (NOK)", "{:,.0f}"),
    ("cost_medium", "ICT cost/inhabitant, medium (NOK)", "{:,.0f}"),
    ("cost_large", "ICT cost/inhabitant, large (NOK)", "{:,.0f}"),
    ("lock_in_share", "locked-in members", "{:.0%}"),
    ("tipped_instrumental", "changes tipped by instrumental", "{:.0%}"),
    ("tipped_cultural", "changes tipped by cultural", "{:.0%}"),
    ("tipped_myth", "changes tipped by myth", "{:.0%}"),
]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run", help="run one scenario and write series and plots",
        description="Run one scenario for one seed. Prints a summary table and writes per-tick series "
                    "(series, municipalities, collaborations), decisions, mergers, summary.json and PNG plots "
                    "(membership, costs, coordination, network) to the output folder.",
        epilog="example: imcsim run hedmark --seed 1 --set w_myth=2 --set governance.host.exit_notice=2",
    )
    p.add_argument("scenario", nargs="?", default="hedmark",
                   help="scenario name (see 'imcsim scenarios') or path to a TOML file [hedmark]")
    p.add_argument("--seed", type=int, default=1, help="random seed [1]")
    p.add_argument("--ticks", "--years", dest="ticks", type=int, default=None,
                   help="number of ticks (budget years) to run [the scenario's]")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a parameter (see 'imcsim params'), e.g. fixed_cost=1e7, "
                        "perspectives=instrumental,myth, governance=as, governance.iks.exit_notice=2, "
                        "municipalities.Grue.w_myth=2 (one municipality's own value); repeatable")
    p.add_argument("--posterior", metavar="FILE",
                   help="run on a calibration's posterior (imcsim calibrate's posterior.csv), on the registry's "
                        "behaviour as calibrated: its weighted median, or draw K with --draw")
    p.add_argument("--draw", type=int, metavar="K", help="with --posterior: posterior draw K (from 1)")
    add_out(p, "results/SCENARIO-seedN", "replace the outputs of an earlier run in --out as a whole (your own files there are kept)")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv", help="table format [csv]")
    p.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    add_quiet(p, "summary table (only the line naming the output folder)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if args.format == "parquet" and importlib.util.find_spec("pyarrow") is None:
        raise ValueError("--format parquet: needs the pyarrow package (pip install pyarrow)")
    scenario = load_scenario(args.scenario, parse_overrides(args.overrides))
    if args.draw is not None and not args.posterior:
        raise ValueError("--draw: needs --posterior FILE")
    if args.posterior:
        from ..posterior import load_posterior

        posterior = load_posterior(args.posterior)
        drawn = posterior.summary() if args.draw is None else posterior.draw(args.draw)
        scenario = posterior.apply(scenario, {**drawn, **parse_overrides(args.overrides)})  # --set wins
    if args.ticks is not None:
        scenario = scenario.with_overrides({"ticks": args.ticks})  # checks the upper bound too
    out = args.out or Path("results") / f"{scenario.name}-seed{args.seed}"
    check_out(out, args.force)
    from .. import runs
    from ..metrics import summary

    started = time.perf_counter()
    model = runs.simulate(scenario, seed=args.seed)
    elapsed = time.perf_counter() - started
    with runs.staged_output(out) as staging:  # with --force, earlier outputs in `out` survive a failure
        written = runs.write_tables(model, staging, args.format)
        if not args.no_plots:
            written += runs.write_plots(model, staging)
    if args.quiet:
        print(f"wrote {len(written)} files to {out}/")
        return 0
    s = summary(model)
    first, last = scenario.start_year, model.year
    print(f"imcsim run {scenario.name}: {len(model.municipalities)} municipalities, "
          f"{first}-{last} ({model.steps} ticks), seed {args.seed}, {elapsed:.2f} s")
    if args.posterior:
        print(f"  on {'the weighted median' if args.draw is None else f'draw {args.draw}'} of {args.posterior}")
    width = max(len(label) for _, label, _ in SUMMARY_ROWS)
    for key, label, fmt in SUMMARY_ROWS:
        value = s[key]
        text = "n/a" if value != value else fmt.format(value)  # NaN: no municipality of that class
        print(f"  {label:<{width}}  {text:>8}")
    if model.collaborations:
        print("  collaborations at the end:")
        for k in sorted(model.collaborations, key=lambda k: -len(k.members)):
            names = ", ".join(mm.name for mm in k.members) if len(k.members) <= 10 else f"{len(k.members)} members"
            print(f"    {k.name} ({k.governance.name}, founded {k.founded}): {names}")
    print(f"wrote {len(written)} files to {out}/")
    return 0
