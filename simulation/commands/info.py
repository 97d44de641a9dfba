"""imcsim scenarios | params | governance: what is available and what it means."""

from __future__ import annotations

import argparse
import tomllib

from ..governance import GOVERNANCE_MODELS
from ..parameters import describe
from ..scenario import available_scenarios


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scenarios", help="list the available scenarios",
                       description="List the shipped scenarios (simulation/scenarios/) with their descriptions.")
    p.set_defaults(handler=scenarios)
    p = sub.add_parser("params", help="list the model parameters with defaults, bounds and sources",
                       description="All parameters that scenario files and --set may change.")
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


def params(args: argparse.Namespace) -> int:
    for row in describe():
        if args.filter and args.filter not in row["name"]:
            continue
        bounds = f"[{row['low']}, {row['high']}]"
        print(f"  {row['name']:<24} {row['default']!s:>10}  {bounds:<18} {row['doc']}")
        if row["source"]:
            print(f"  {'':<24} {'':>10}  {'':<18} source: {row['source']}")
    return 0


def governance(args: argparse.Namespace) -> int:
    for g in GOVERNANCE_MODELS.values():
        print(f"  {g.name:<15} {g.label}")
        print(f"  {'':<15} decisions: {g.decision_rule}; cost key: {g.cost_key}; exit: {g.exit_notice} tick(s) notice, "
              f"{g.exit_cost} years of cost share; pooled share {g.pooled_share}; {g.consolidation_mode}; "
              f"admission {g.admission_rule}; onboarding {g.onboarding_pace}")
    return 0
