"""An EMA Workbench model of any scenario, so ``perform_experiments`` and EMA's analysis run on imcsim.

EMA Workbench (Kwakkel 2017, ``pip install imcsim[ema]``) is the field's standard toolkit for
exploratory modelling and scenario discovery. This adapter builds its uncertainties from the key
registry (:mod:`simulation.registry`: a ``RealParameter`` or ``IntegerParameter`` over each key's
bounds, or over a narrower range you give) and its outcomes from the declared run outcomes
(:mod:`simulation.outcomes`: one ``ScalarOutcome`` each). The model function runs
:func:`simulation.runs.simulate` with the sampled values as overrides.

Determinism: the seed is a declared *constant* (``Constant("seed", seed)``), so every EMA scenario
runs with the same random stream (common random numbers) and a repeated experiment gives the same
outcomes. To treat the seed as noise instead, pass ``seed_range=(low, high)``: the seed becomes an
``IntegerParameter`` uncertainty, sampled like the others and recorded in the experiments table.

ema_workbench is imported only inside functions: the base install and ``imcsim --help`` do not need it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import metrics, registry
from .outcomes import OUTCOMES
from .runs import simulate
from .scenario import Scenario, load_scenario

# Behavioural parameters: how municipalities weigh and decide (perspective weights, decision noise,
# habit, cultural norms, legitimacy uptake) rather than the cost structure or the region's make-up.
BEHAVIOURAL_KEYS = ("w_instrumental", "w_cultural", "w_myth", "temperature", "habit_strength",
                    "autonomy_weight", "identity_weight", "trust_weight", "legitimacy_uptake",
                    "aspiration_rate")

DEFAULT_SEED = 1  # the seed every EMA scenario runs with, unless seed is an uncertainty


def uncertainties(keys: Iterable[str] = BEHAVIOURAL_KEYS,
                  ranges: Mapping[str, Sequence[float]] | None = None) -> list:
    """One EMA parameter per registry key: ``IntegerParameter`` for integer keys, else ``RealParameter``.

    The range is the key's registry bounds unless ``ranges`` gives a narrower ``(low, high)``
    (registry bounds are what the model accepts, often far wider than is plausible)."""
    from ema_workbench import IntegerParameter, RealParameter

    ranges = dict(ranges or {})
    out = []
    for name in keys:
        key, _ = registry.lookup(name, "EMA uncertainty")
        if key.kind not in ("number", "integer"):
            raise ValueError(f"EMA uncertainty {name}: a {key.kind} key, not a number")
        low, high = ranges.pop(name, (key.low, key.high))
        if low is None or high is None:
            raise ValueError(f"EMA uncertainty {name}: the registry gives no finite bounds; pass ranges={{'{name}': (low, high)}}")
        low = registry.number(low, f"EMA uncertainty {name} low", key.low, key.high, key.kind == "integer")
        high = registry.number(high, f"EMA uncertainty {name} high", key.low, key.high, key.kind == "integer")
        if not low < high:
            raise ValueError(f"EMA uncertainty {name}: low {low} must be below high {high}")
        out.append(IntegerParameter(name, int(low), int(high)) if key.kind == "integer"
                   else RealParameter(name, float(low), float(high)))
    if ranges:
        raise ValueError(f"EMA ranges for keys not among the uncertainties: {', '.join(sorted(ranges))}")
    return out


def outcomes(names: Iterable[str] | None = None) -> list:
    """One ``ScalarOutcome`` per declared run outcome (default: all of ``outcomes.OUTCOMES``)."""
    from ema_workbench import ScalarOutcome

    names = list(OUTCOMES) if names is None else list(names)
    unknown = [n for n in names if n not in OUTCOMES]
    if unknown:
        raise ValueError(f"unknown outcomes {', '.join(unknown)}; declared: {', '.join(OUTCOMES)}")
    return [ScalarOutcome(n) for n in names]


class ScenarioRun:
    """The EMA model function: one run of a scenario with the sampled values as overrides.

    A class rather than a closure so EMA's multiprocessing evaluator can pickle it."""

    def __init__(self, scenario: Scenario, outcome_names: Sequence[str], ticks: int | None = None):
        self.scenario = scenario
        self.outcome_names = tuple(outcome_names)
        self.ticks = ticks

    def __call__(self, seed: int = DEFAULT_SEED, **overrides: Any) -> dict[str, float]:
        model = simulate(self.scenario, seed=int(seed), overrides=overrides, ticks=self.ticks)
        summary = metrics.summary(model)
        return {n: summary[n] for n in self.outcome_names}


def model(scenario: str | Path | Scenario, keys: Iterable[str] = BEHAVIOURAL_KEYS,
          ranges: Mapping[str, Sequence[float]] | None = None, outcome_names: Iterable[str] | None = None,
          ticks: int | None = None, seed: int = DEFAULT_SEED, seed_range: tuple[int, int] | None = None,
          name: str = "imcsim"):
    """An ``ema_workbench.Model`` of ``scenario`` (a name, a path or a Scenario).

    ``seed`` is a constant unless ``seed_range`` makes it an uncertainty (see the module docstring);
    ``name`` must be alphanumeric (an EMA rule)."""
    from ema_workbench import Constant, IntegerParameter, Model

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    outs = outcomes(outcome_names)
    ema_model = Model(name, function=ScenarioRun(scenario, [o.name for o in outs], ticks))
    ema_model.uncertainties = uncertainties(keys, ranges)
    if seed_range is None:
        ema_model.constants = [Constant("seed", int(seed))]
    else:
        ema_model.uncertainties += [IntegerParameter("seed", int(seed_range[0]), int(seed_range[1]))]
    ema_model.outcomes = outs
    return ema_model
