"""The package imports without cycles, function-level imports included (STYLE.md: no import
cycles, not even hidden inside functions). Imports under ``if TYPE_CHECKING:`` are for
annotations only and are left out."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1] / "simulation"


def _modules() -> dict[str, Path]:
    mods = {}
    for f in ROOT.rglob("*.py"):
        parts = list(f.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = f
    return mods


def import_graph() -> nx.DiGraph:
    """Edges module -> module it imports anywhere in its body (``from . import x`` of a
    submodule counts as importing the submodule, not the package)."""
    mods, graph = _modules(), nx.DiGraph()
    for name, f in mods.items():
        tree = ast.parse(f.read_text(encoding="utf-8"))
        package = name if f.name == "__init__.py" else name.rsplit(".", 1)[0]
        typing_only = {id(n) for node in ast.walk(tree)
                       if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                       for n in ast.walk(node)}
        graph.add_node(name)
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in mods]
                targets = subs or [target]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            graph.add_edges_from((name, t) for t in targets if t in mods and t != name)
    return graph


def test_the_package_has_no_import_cycle():
    cycles = list(nx.simple_cycles(import_graph()))
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles[:5])


def test_the_graph_sees_function_level_imports():
    """The check can fail: the graph holds an edge that only a function-level import makes."""
    graph = import_graph()
    assert graph.has_edge("simulation.commands.run", "simulation.runs")  # imported inside run()
