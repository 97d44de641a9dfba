"""Run the patterns over many seeds and aggregate them with intervals.

Shares of seeds get a Wilson score interval, means a percentile bootstrap interval (seeded, so
the table is reproducible). A pattern passes only when its whole interval meets the target
(:func:`interval_passes`). All models of one seed are shared between patterns (``Runs``). The
seeds run on the experiment engine (serially, or on local worker processes); each seed's values
depend only on the seed, so the table is the same for any number of workers.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from ..experiments.engines import run_tasks
from ..scenario import Scenario, load_scenario
from .patterns import PATTERNS, Pattern, Runs, patterns_for

LEVEL = 0.90


@dataclass(frozen=True)
class PatternResult:
    pattern: Pattern
    value: float  # share of seeds or mean over seeds (nan if it never applied)
    low: float
    high: float
    n: int  # seeds where the pattern applied
    passed: bool  # the whole interval meets the target (see interval_passes)
    point_passed: bool = False  # the value alone meets it (the rule before issue 12)

    @property
    def verdict(self) -> str:
        """PASS; fail; or 'fail (straddles)' when the value meets the target but its interval does not."""
        return "PASS" if self.passed else ("fail (straddles)" if self.point_passed else "fail")

    def observed(self) -> str:
        if self.n == 0 or math.isnan(self.value):
            return "n/a"
        if self.pattern.kind == "share":
            return f"{self.value:.0%} [{self.low:.0%}, {self.high:.0%}]"
        f = self.pattern.fmt
        return f"{f.format(self.value)} [{f.format(self.low)}, {f.format(self.high)}]"


def wilson(successes: int, n: int, level: float = LEVEL) -> tuple[float, float]:
    if n == 0:
        return math.nan, math.nan
    z = norm.ppf(0.5 + level / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def bootstrap(values: np.ndarray, level: float = LEVEL, draws: int = 2000, seed: int = 0) -> tuple[float, float]:
    if values.size == 0:
        return math.nan, math.nan
    if values.size == 1:
        return float(values[0]), float(values[0])
    rng = np.random.default_rng(seed)
    means = rng.choice(values, size=(draws, values.size), replace=True).mean(axis=1)
    tail = (1 - level) / 2
    return float(np.quantile(means, tail)), float(np.quantile(means, 1 - tail))


def aggregate(pattern: Pattern, values: Iterable[float]) -> PatternResult:
    v = np.array([float(x) for x in values], dtype=float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return PatternResult(pattern, math.nan, math.nan, math.nan, 0, False)
    if pattern.kind == "share":
        k = int((v > 0.5).sum())
        low, high = wilson(k, v.size)
        value = k / v.size
    else:
        value = float(v.mean())
        low, high = bootstrap(v)
    return PatternResult(pattern, value, low, high, int(v.size), interval_passes(pattern, value, low, high),
                         bool(pattern.passes(value)))


def interval_passes(pattern: Pattern, value: float, low: float, high: float) -> bool:
    """A pattern passes only when its whole interval meets the target: the value and both ends
    of the interval pass. Every target is an interval of values (at least x, at most x, below or
    above x, within [a, b]), so this says: a share's or mean's lower bound clears a floor, its
    upper bound stays under a ceiling, a "positive effect" has its whole interval above 0, and a
    window contains the whole interval (overlapping it is not enough)."""
    return all(not math.isnan(x) and bool(pattern.passes(x)) for x in (value, low, high))


def horizon_ticks(scenario: Scenario, patterns: list[Pattern]) -> int:
    """Ticks needed by the patterns: up to the latest year any of them measures."""
    years = [p.horizon for p in patterns]
    if any(y is None for y in years):
        return scenario.ticks
    return max(1, min(scenario.ticks, max(years) - scenario.start_year + 1))


def validate(scenario: str | Scenario, seeds: Iterable[int] = range(1, 21), overrides: dict | None = None,
             patterns: list[Pattern] | None = None, ticks: int | None = None,
             progress: Callable[[int], None] | None = None, workers: int = 1,
             draws: list[dict] | None = None) -> list[PatternResult]:
    """Measure each pattern on each seed and aggregate. ``progress(n)`` is called as ``n`` more
    seeds are done; ``workers`` > 1 runs the seeds on that many processes (patterns of
    ``PATTERNS`` only; others run serially). ``draws`` (posterior predictive): one set of
    overrides per seed, applied on top of ``scenario`` for that seed only, so the intervals
    include the parameters' uncertainty. Returns one result per pattern, in their order."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if overrides:
        scenario = scenario.with_overrides(overrides)
    patterns = patterns if patterns is not None else patterns_for(scenario.name)
    if not patterns:
        raise ValueError(f"no validation patterns apply to scenario {scenario.name!r}")
    ticks = ticks if ticks is not None else horizon_ticks(scenario, patterns)
    seeds = list(seeds)
    if draws is not None and len(draws) != len(seeds):
        raise ValueError(f"validate: {len(draws)} posterior draws for {len(seeds)} seeds; expected one per seed")
    items = seeds if draws is None else list(zip(seeds, draws, strict=True))
    shipped = all(any(p is q for q in PATTERNS) for p in patterns)
    if workers > 1 and shipped:  # a process gets the patterns' names (their functions do not pickle)
        task = functools.partial(measure_named, names=tuple(p.name for p in patterns), ticks=ticks)
    else:
        task, workers = functools.partial(measure_seeds, patterns=tuple(patterns), ticks=ticks), 1
    by_seed: dict[int, list[float]] = {}

    def collect(results: list[tuple[int, list[float]]]) -> None:
        by_seed.update(results)
        if progress:
            progress(len(results))

    run_tasks(task, scenario, items, collect, workers=workers)
    return [aggregate(p, [by_seed[seed][i] for seed in seeds]) for i, p in enumerate(patterns)]


def measure_seeds(scenario: Scenario, seeds: list[int] | list[tuple[int, dict]], patterns: tuple[Pattern, ...],
                  ticks: int) -> list[tuple[int, list[float]]]:
    """Each pattern's value on each seed (one batch of the engine); a (seed, overrides) item runs
    that seed on ``scenario`` with the overrides (a posterior draw)."""
    out = []
    for item in seeds:
        seed, draw = item if isinstance(item, tuple) else (item, None)
        runs = Runs(scenario.with_overrides(draw, origin="posterior draw") if draw else scenario, seed, ticks)
        out.append((seed, [float(p.measure(runs)) for p in patterns]))
    return out


def measure_named(scenario: Scenario, seeds: list[int] | list[tuple[int, dict]], names: tuple[str, ...],
                  ticks: int) -> list[tuple[int, list[float]]]:
    """:func:`measure_seeds` for shipped patterns given by name (what a worker process receives)."""
    by_name = {p.name: p for p in PATTERNS}
    return measure_seeds(scenario, seeds, tuple(by_name[n] for n in names), ticks)
