"""benchmarks/outsiders.py, which docs/validation.md cites for norway's membership: logging the
outsiders' appraisals must not change the run it watches, and must restore the agent class."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from simulation.agents import Municipality
from simulation.model import CollaborationModel
from simulation.perspectives import choice
from simulation.validation.patterns import membership

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "outsiders.py"


def _outsiders():
    spec = importlib.util.spec_from_file_location("outsiders", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_logging_outsiders_watches_without_changing_the_run():
    outsiders = _outsiders()
    decide = Municipality.decide
    plain = membership(CollaborationModel("hedmark", seed=3).run())
    log: list[tuple] = []
    with outsiders.logging_outsiders(log):
        watched = membership(CollaborationModel("hedmark", seed=3).run())
    assert Municipality.decide is decide
    assert watched.equals(plain)
    assert log, "hedmark's outsiders search before they join"
    first, last = 2005, 2005 + 35  # hedmark's start year and horizon
    for year, population, chosen, best, *gain in log:
        assert first <= year <= last and population > 0 and len(gain) == 3
        assert chosen in (choice.STAY, choice.JOIN, choice.FOUND) and best in (choice.JOIN, choice.FOUND)
