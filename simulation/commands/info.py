"""imcsim scenarios | params | governance: what is available and what it means."""

from __future__ import annotations

import argparse
import sys
import tomllib

from .. import registry
from ..governance import GOVERNANCE_MODELS
from ..scenario import available_scenarios
from ..suggest import did_you_mean


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scenarios", help="list the available scenarios",
                       description="List the shipped scenarios (simulation/scenarios/) with their descriptions.")
    p.set_defaults(handler=scenarios)
    p = sub.add_parser("params", help="list every settable key with default, bounds, unit and source",
                       description="Every key that --set, experiment factors and calibration priors accept: the model "
                                   "parameters, run keys, governance.MODEL.FIELD, municipalities.NAME.FIELD, trust.*, "
                                   "generator.* and scheduled events. Upper-case parts are names from the scenario.")
    p.add_argument("filter", nargs="?", default="", help="show only names containing this text")
    p.set_defaults(handler=params)
    p = sub.add_parser("governance", help="list the governance models and their rules",
                       description="Governance models are data; --set governance.NAME.FIELD=VALUE changes one.")
    p.set_defaults(handler=governance)


def scenarios(args: argparse.Namespace) -> int:
    found = available_scenarios()
    width = max(map(len, found), default=0)
    for name, path in found.items():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        n = len(data.get("municipalities", [])) or data.get("generator", {}).get("n", "?")
        print(f"  {name:<{width}}  {n:>4} municipalities  {data.get('description', '')}")
    return 0


GROUPS = {"parameter": "model parameters", "run": "run", "governance": "governance models",
          "municipality": "municipalities", "trust": "baseline trust", "generator": "synthetic-region generator",
          "event": "scheduled events"}


def params(args: argparse.Namespace) -> int:
    keys = registry.describe(args.filter)
    if not keys:
        hint = did_you_mean(args.filter, [k.name for k in registry.KEYS])
        print(f"imcsim params: no parameter matches {args.filter!r}{hint}", file=sys.stderr)
        return 1
    group = None
    for key in keys:
        if key.group != group:
            group = key.group
            print(f"{GROUPS[group]}:")
        default = "" if key.default is None else key.default
        print(f"  {key.name:<32} {default!s:>10}  {key.bounds:<24} {key.unit:<22} {key.meaning}")
        if key.source:
            print(f"  {'':<32} {'':>10}  {'':<24} {'':<22} source: {key.source}")
    return 0


def governance(args: argparse.Namespace) -> int:
    for g in GOVERNANCE_MODELS.values():
        print(f"  {g.name:<15} {g.label}")
        print(f"  {'':<15} decisions: {g.decision_rule}; cost key: {g.cost_key}; exit: {g.exit_notice} tick(s) notice, "
              f"{g.exit_cost} years of cost share; pooled share {g.pooled_share}; {g.consolidation_mode}; "
              f"admission {g.admission_rule}; onboarding {g.onboarding_pace}")
    return 0
