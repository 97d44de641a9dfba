"""imcsim compare SCENARIO: governance models and policy levers against the region's own arrangement."""

from __future__ import annotations

import argparse
import os
import shlex
from pathlib import Path

from ..scenario import parse_overrides
from .options import add_out, add_posterior, add_quiet, check_out, read_posterior


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare", help="compare governance models and policy levers for one region (HTML report)",
        description="Run SCENARIO under a baseline (its own arrangement, the status quo, unless --baseline) and "
                    "under each option, with the same seeds, and write report.html (one self-contained file) and "
                    "report.md: which option is best for small municipalities, large ones and the region and how "
                    "sure, paired differences with 95% intervals and verdicts, per-municipality results, why the "
                    "main option differs (one governance attribute at a time, sourced or assumed), robustness.",
        epilog="Examples: imcsim compare hedmark --governance host,iks,as,task_community,loose_network -r 20 | "
               "imcsim compare agder --vary cost_key=per_capita,equal,usage | "
               "imcsim compare hedmark -g iks,as --vary exit_cost=0,2 --robust transaction_cost=0.5x,2x. "
               "A lever named by a governance field (cost_key, exit_notice, exit_cost, admission_rule, "
               "onboarding_pace, ...) is set on every governance model; any other KEY is a registry key "
               "(imcsim params).",
    )
    p.add_argument("scenario", help="scenario name (imcsim scenarios) or a .toml path to your own region")
    p.add_argument("--governance", "-g", default="",
                   help="comma-separated governance models to compare (imcsim governance), e.g. host,iks,as; "
                        "status_quo names the region's own arrangement")
    p.add_argument("--baseline", default="status_quo", metavar="MODEL",
                   help="what options are compared against: status_quo (default: the region as its scenario file "
                        "has it) or a governance model")
    p.add_argument("--vary", action="append", default=[], metavar="KEY=a,b,c",
                   help="a policy lever and its values, compared one value at a time (repeatable: combinations); "
                        "with --governance, under each model")
    p.add_argument("--robust", metavar="KEY=v1,v2",
                   help="check the ranking at other values of a parameter: 0.5x multiplies the scenario's value, "
                        "a plain number replaces it, e.g. transaction_cost=0.5x,2x")
    p.add_argument("--no-decompose", dest="decompose", action="store_false",
                   help="skip the attribute-by-attribute runs that explain each governance model's difference")
    p.add_argument("--replications", "-r", type=int, default=10, help="seeds per option (default 10)")
    p.add_argument("--ticks", type=int, help="years to simulate (default: the scenario's)")
    p.add_argument("--seed", type=int, default=1, help="experiment seed from which the run seeds are drawn (default 1)")
    p.add_argument("--set", dest="overrides", action="append", metavar="KEY=VALUE",
                   help="override a parameter for every run (repeatable)")
    add_out(p, "results/compare-SCENARIO")
    p.add_argument("--workers", "-j", type=int, default=os.cpu_count() or 1, help="local worker processes")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask distributed cluster")
    add_posterior(p)
    add_quiet(p)
    p.set_defaults(handler=compare)


def compare(args: argparse.Namespace) -> int:
    from ..experiments.compare import Comparison, build_options, robust_settings, write_report
    from ..experiments.engines import dask_client
    from ..experiments.plan import run_seeds
    from ..runs import staged_output
    from ..scenario import load_scenario, resolve_path

    governance = [g.strip() for g in args.governance.split(",") if g.strip()]
    if not governance and not args.vary:
        raise ValueError("--governance/--vary: name the options to compare, e.g. --governance host,iks,as "
                         "or --vary cost_key=per_capita,equal")
    fixed = parse_overrides(args.overrides)
    if args.ticks is not None:
        fixed["ticks"] = args.ticks
    scenario = load_scenario(args.scenario, fixed)
    posterior, replications = read_posterior(args, args.replications)
    draws = None
    if posterior is not None:  # replication r runs draw r; --set and the options' overrides win over it
        scenario, draws = posterior.base(scenario), [{**d, **fixed} for d in posterior.draws(replications)]
    base, options = build_options(scenario, args.baseline, governance, args.vary)
    settings = robust_settings(scenario, args.robust)
    stem = Path(args.scenario).stem
    out = args.out or Path("results") / f"compare-{stem}"
    check_out(out, args.force)
    comp = Comparison(scenario, base, options, run_seeds(args.seed, replications), settings, args.decompose,
                      scenario_path=str(resolve_path(args.scenario)), draws=draws)
    print(f"{scenario.name}: {len(options)} options against {base.label}, {len(comp.points)} settings x "
          f"{replications} seeds{' x posterior draws' if draws else ''} -> {out}")
    client = dask_client(args.scheduler) if args.scheduler else None
    try:
        comp.run(workers=args.workers, progress=not args.quiet, client=client)
    finally:
        if client is not None:
            client.close()
    command = "imcsim " + shlex.join(_argv(args))
    with staged_output(out) as staging:
        write_report(comp, staging, command, args.seed)
    for r in comp.rankings():
        lead = "clear" if r.sure else "not clear"
        print(f"best for {r.audience}: {r.best} (ahead of {r.runner_up} by {r.margin:,.0f} ± {r.margin_ci:,.0f} "
              f"NOK/inhabitant, {lead}; first in {r.first_share:.0%} of seeds)")
    print(f"report: {out / 'report.html'} (and report.md)")
    return 0


def _argv(args: argparse.Namespace) -> list[str]:
    """The command line that gives this comparison again (defaults spelt out: seed, replications)."""
    out = ["compare", args.scenario]
    if args.governance:
        out += ["--governance", args.governance]
    if args.baseline != "status_quo":
        out += ["--baseline", args.baseline]
    for v in args.vary:
        out += ["--vary", v]
    if args.robust:
        out += ["--robust", args.robust]
    if not args.decompose:
        out.append("--no-decompose")
    out += ["--replications", str(args.replications), "--seed", str(args.seed)]
    if args.posterior:
        out += ["--posterior", args.posterior] + (["--draws", str(args.draws)] if args.draws else [])
    if args.ticks is not None:
        out += ["--ticks", str(args.ticks)]
    for o in args.overrides or []:
        out += ["--set", o]
    return out
