"""Paired-seed effects of the theory's levers, region by region (``imcsim effects``).

A lever is a declared change of the model (one or more ``--set`` keys) between a low and a high
setting; an outcome is a declared number read from one run. For every region, seed and lever the
low and the high setting run with the same seed (common random numbers), so the effect of a lever
is the mean over seeds of (high - low) and its 95 % interval comes from the paired differences.
Each effect is set against the direction the sources lead us to expect (MODEL.md s9: "the
direction of each lever's effect is the same on every region, with intervals, or the exception is
argued"). A lever or outcome the model does not have yet is declared anyway and reported as "not
in the model", so the table shows what is missing rather than silently leaving it out.

A run's result depends only on (region, overrides, seed): the numbers are the same for any number
of worker processes and any order of completion.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .. import metrics
from ..governance import GOVERNANCE_FIELDS
from ..model import CollaborationModel
from ..parameters import PARAMETER_NAMES
from ..progress import Progress
from ..scenario import Scenario, available_scenarios, load_scenario
from ..validation.runner import bootstrap
from .analysis import mean_ci
from .engines import run_tasks
from .plan import run_seeds
from .seed_power import seeds_for_power

LEVEL = 0.95
BOOTSTRAP_SEED = 20261130  # fixed and non-zero (a zero seed means "unseeded" to some libraries)
BOOTSTRAP_RESAMPLES = 2000
DEFAULT_SEED = 1  # experiment seed from which the run seeds are drawn
EXCLUDED_REGIONS = ("two_hubs",)  # a teaching set-up, not a region

# Named base settings for ``imcsim effects --preset``: applied to every region before the levers.
# "mechanisms-on" sets the wave-2 mechanisms (attrition, consolidation, increasing returns,
# fashions and decoupling) to the values their builders recommended before the joint calibration
# (which switched most of them on at other values: docs/validation.md, "One behavioural set").
PRESETS: dict[str, dict[str, Any]] = {
    "mechanisms-on": {
        "trust_erosion": 0.15, "leadership_turnover": 0.15, "budget_stress_weight": 0.3,
        "merger_route": 1, "merger_myth": 2.0, "found_min_partners": 2,
        "increasing_returns": 1, "fashion_weight": 1, "declaration_rate": 0.3,
    },
}

# Fewer events of a count outcome than this over both arms, and even a lever that halves the
# count cannot be told from chance: a sign test on how the events split between the arms (2:1)
# reaches z = 1.96 at about 35 events. The report then gives the count beside the verdict.
FEW_EVENTS = 35

AGREES, DISAGREES, INCLUDES_ZERO = "agrees", "disagrees", "includes zero"
NO_DIFFERENCE = "no difference"  # high equals low in every seed: the lever does not reach the outcome here
NO_EXPECTATION, NOT_IN_MODEL, TOO_FEW = "no expectation", "not in the model", "too few seeds"
UNDEFINED = "undefined here"  # no run has a value: a size class the region lacks (a county of towns)
MARKS = {AGREES: "✓", DISAGREES: "✗", INCLUDES_ZERO: "○", NO_DIFFERENCE: "=", NO_EXPECTATION: "",
         NOT_IN_MODEL: "–", TOO_FEW: "?", UNDEFINED: ""}


# ---------------------------------------------------------------------------------------------
# settings: what a lever does to the region's own value of a key


@dataclass(frozen=True)
class Scale:
    """The region's value times ``factor`` (integers stay integers, rounded)."""

    factor: float

    def __call__(self, value: Any) -> Any:
        out = value * self.factor
        return round(out) if isinstance(value, int) and not isinstance(value, bool) else out

    def __str__(self) -> str:
        return f"×{self.factor:g}"


@dataclass(frozen=True)
class Shift:
    """The region's value plus ``amount``."""

    amount: float

    def __call__(self, value: Any) -> Any:
        return value + self.amount

    def __str__(self) -> str:
        return f"{self.amount:+g}"


@dataclass(frozen=True)
class Value:
    """A fixed value whatever the region's (a switch: 0 = off)."""

    value: Any

    def __call__(self, value: Any) -> Any:
        return self.value

    def __str__(self) -> str:
        return f"={self.value:g}" if isinstance(self.value, int | float) else f"={self.value}"


@dataclass(frozen=True)
class Without:
    """The region's perspectives less one (the perspective switched off)."""

    perspective: str

    def __call__(self, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(p for p in value if p != self.perspective)

    def __str__(self) -> str:
        return f"{self.perspective} off"


@dataclass(frozen=True)
class Same:
    """The region's own value: no override."""

    def __call__(self, value: Any) -> Any:
        return value

    def __str__(self) -> str:
        return "as the region"


Setting = Scale | Shift | Value | Without | Same


# ---------------------------------------------------------------------------------------------
# levers and outcomes, declared


@dataclass(frozen=True)
class Expectation:
    """The direction (+1 up, -1 down) the sources lead us to expect of ``outcome`` as the lever
    goes from low to high, and where they say so."""

    outcome: str
    direction: int
    source: str


@dataclass(frozen=True)
class Lever:
    """One lever of the theory: ``--set`` keys moved together from ``low`` to ``high``.

    A key is a parameter name (``imcsim params``), ``governance.MODEL.FIELD`` (``MODEL`` = ``*``
    sets the field on every governance model of the region) or ``perspectives``."""

    name: str
    keys: tuple[str, ...]
    low: Setting
    high: Setting
    meaning: str
    expect: tuple[Expectation, ...] = ()

    def available(self, scenario: Scenario) -> bool:
        """Whether every key names something the model has (a lever for a mechanism still to be
        built is declared, and reported as not in the model)."""
        return all(_known_key(key, scenario) for key in self.keys)

    def overrides(self, scenario: Scenario, which: str) -> dict[str, Any]:
        """The ``--set`` overrides of the ``low`` or ``high`` setting on ``scenario`` (keys whose
        value the setting leaves unchanged are left out: the run is the region's own)."""
        setting = self.low if which == "low" else self.high
        out = {}
        for key in self.keys:
            for concrete in _expand(key, scenario):
                current = _current(concrete, scenario)
                value = setting(current)
                if value != current:
                    out[concrete] = value
        return out

    def settings_text(self) -> str:
        return f"{self.low} → {self.high}"

    def expectation(self, outcome: str) -> Expectation | None:
        return next((e for e in self.expect if e.outcome == outcome), None)


def _expand(key: str, scenario: Scenario) -> list[str]:
    if key.startswith("governance.*."):
        return [f"governance.{model}.{key.split('.', 2)[2]}" for model in scenario.governance]
    return [key]


def _known_key(key: str, scenario: Scenario) -> bool:
    if key == "perspectives":
        return True
    if key.startswith("governance."):
        parts = key.split(".")
        return (len(parts) == 3 and parts[2] in GOVERNANCE_FIELDS and parts[2] != "name"
                and (parts[1] == "*" or parts[1] in scenario.governance))
    return key in PARAMETER_NAMES


def _current(key: str, scenario: Scenario) -> Any:
    if key == "perspectives":
        return tuple(scenario.perspectives)
    if key.startswith("governance."):
        _, model, fld = key.split(".")
        return getattr(scenario.governance[model], fld)
    return getattr(scenario.parameters, key)


class RunData(NamedTuple):
    """What an outcome may read from one finished run."""

    summary: dict[str, Any]  # metrics.summary
    series: pd.DataFrame  # metrics.series: one row per tick, tick 0 the initial state
    municipalities: pd.DataFrame  # metrics.municipality_series: one row per municipality and tick


@dataclass(frozen=True)
class Outcome:
    """A number read from one run. ``requires`` names a ``metrics.summary`` key the model must
    report for the outcome to exist (an outcome of a mechanism still to be built)."""

    name: str
    label: str
    compute: Callable[[RunData], float]
    requires: str | None = None
    counts: bool = False  # a count of events in a run (exits, mergers): the table says how many both arms saw

    def value(self, run: RunData) -> float | None:
        """The outcome of ``run``; None when the model does not report it."""
        if self.requires is not None and self.requires not in run.summary:
            return None
        return float(self.compute(run))


def _member_share_of(size_class: str, when: str) -> Callable[[RunData], float]:
    """Share of the municipalities of a size class (metrics.SIZE_CLASSES, Parameters.small_max and
    medium_max, as classed in each year) that are members: at the end, or averaged over the years
    of the run (tick 0, the region's given start, left out)."""
    def compute(run: RunData) -> float:
        m = run.municipalities
        m = m[(m["size_class"] == size_class) & (m["tick"] > 0)]
        if when == "end":
            m = m[m["tick"] == m["tick"].max()] if len(m) else m
        if not len(m):
            return math.nan  # no municipality of the class in the region
        return float((m["collaboration"] != "").groupby(m["tick"]).mean().mean())
    return compute


def _total(name: str) -> Callable[[RunData], float]:
    def compute(run: RunData) -> float:
        return float(run.summary[name])
    return compute


def _largest_members(run: RunData) -> float:
    """Members of the largest collaboration at the end of the run (0 if there is none)."""
    m = run.municipalities
    end = m[(m["tick"] == m["tick"].max()) & (m["collaboration"] != "")]
    return float(end["collaboration"].value_counts().max()) if len(end) else 0.0


def _per_member_year(column: str) -> Callable[[RunData], float]:
    """A yearly count per 100 member-years: over the members at the start of each year, so a
    lever that changes how many are members does not change the rate by that alone."""
    def compute(run: RunData) -> float:
        s = run.series
        n = run.municipalities["agent_id"].nunique()
        exposure = float((s["member_share"].iloc[:-1] * n).sum())
        return 100.0 * float(s[column].iloc[1:].sum()) / exposure if exposure > 0 else math.nan
    return compute


OUTCOMES: tuple[Outcome, ...] = (
    Outcome("small_members", "Small municipalities: member share, mean over the run",
            _member_share_of("small", "mean")),
    Outcome("large_members", "Large municipalities: member share, mean over the run",
            _member_share_of("large", "mean")),
    Outcome("small_members_end", "Small municipalities: member share at the end", _member_share_of("small", "end")),
    Outcome("large_members_end", "Large municipalities: member share at the end", _member_share_of("large", "end")),
    Outcome("exits", "Exits (total)", _total("exits"), counts=True),
    Outcome("exit_rate", "Members' exits per 100 member-years", _per_member_year("exits")),
    Outcome("notice_chance", "Members' expected notices to leave per 100 member-years (the choice model's chances "
            "summed over members' searches: the notices without the draw's noise)", _per_member_year("expected_notices")),
    Outcome("exits_trust", "Exits lack of trust accounts for, eroded or not (each exit's but-for share summed, 000 L527)",
            _total("exits_but_for_trust"), requires="exits_but_for_trust"),
    Outcome("exits_leadership", "Exits weak leadership accounts for (but-for shares summed, 000 L529)",
            _total("exits_but_for_leadership"), requires="exits_but_for_leadership"),
    Outcome("exits_budget", "Exits budget stress accounts for (but-for shares summed, 000 L519)",
            _total("exits_but_for_budget"), requires="exits_but_for_budget"),
    Outcome("foundings", "Foundings (total)", _total("foundings"), counts=True),
    Outcome("dissolutions", "Dissolutions (total)", _total("dissolutions"), counts=True),
    Outcome("mergers", "Mergers (total)", _total("mergers"), counts=True),
    Outcome("largest_members", "Members of the largest collaboration at the end", _largest_members),
    Outcome("decoupling_gap", "Decoupling gap, talk minus action", _total("decoupling_gap"),
            requires="decoupling_gap"),
)

UP, DOWN = +1, -1

LEVERS: tuple[Lever, ...] = (
    Lever("fixed_cost", ("fixed_cost",), Scale(0.5), Scale(2.0),
          "stand-alone fixed ICT cost: being small alone costs more",
          (Expectation("small_members", UP, "004 L764"),)),
    Lever("transaction_cost", ("transaction_cost",), Scale(0.5), Scale(2.0),
          "coordination cost of a collaboration, growing with its members",
          (Expectation("exits", UP, "002 L2189-2195"), Expectation("mergers", DOWN, "002 L2189-2195"))),
    Lever("exit_cost", ("governance.*.exit_cost",), Scale(0.5), Scale(2.0),
          "exit settlement of every governance model (years of the member's cost share)",
          (Expectation("exits", DOWN, "000 L1140-1144"), Expectation("exit_rate", DOWN, "000 L1140-1144"),
           Expectation("notice_chance", DOWN, "000 L1140-1144"))),
    Lever("exit_notice", ("governance.*.exit_notice",), Value(0), Shift(2),
          "notice before an exit takes effect, on every governance model (years)",
          (Expectation("exits", DOWN, "000 L1038-1046"), Expectation("exit_rate", DOWN, "000 L1038-1046"),
           Expectation("notice_chance", DOWN, "000 L1038-1046"))),
    Lever("habit", ("habit_strength",), Scale(0.5), Scale(2.0),
          "status-quo bonus that grows with tenure",
          (Expectation("exit_rate", DOWN, "004 L1028"), Expectation("exits", DOWN, "004 L1028"),
           Expectation("notice_chance", DOWN, "004 L1028"))),
    Lever("legitimacy_weight", ("legitimacy_weight",), Scale(0.5), Scale(2.0),
          "weight of national legitimacy pressure wherever the myth reads it: belonging, declared coordination, "
          "admission votes, mergers",
          (Expectation("small_members", UP, "002 L2118-2124"), Expectation("large_members", UP, "002 L2118-2124"),
           Expectation("decoupling_gap", UP, "003 L3058-3065"))),
    Lever("fashion", ("fashion_weight",), Value(0.0), Value(1.0),
          "organisational forms coming into and going out of fashion (off → on)"),
    Lever("decoupling", ("declaration_rate",), Value(0.0), Value(0.3),
          "strategies that declare what the felt pressure prescribes, whatever is done (off → on)",
          (Expectation("decoupling_gap", UP, "003 L3058-3065, L3842-3848"),)),
    Lever("trust_erosion", ("trust_erosion",), Value(0.0), Value(0.15),
          "trust between co-members lost per conflict (off → 0.15, the pre-calibration recommendation)",
          (Expectation("exits", UP, "000 L527"), Expectation("exit_rate", UP, "000 L527"),
           Expectation("notice_chance", UP, "000 L527"), Expectation("exits_trust", UP, "000 L527"))),
    Lever("leadership", ("leadership_mean",), Value(0.3), Value(0.7),
          "collaborations' change leadership quality (weak 0.3 → strong 0.7; neutral 0.5)",
          (Expectation("exit_rate", DOWN, "000 L529"), Expectation("small_members", UP, "001 L1102-1106"),
           Expectation("notice_chance", DOWN, "000 L529"), Expectation("exits_leadership", DOWN, "000 L529"))),
    Lever("exclusion_cost", ("exclusion_cost",), Value(0.0), Value(1.0),
          "cost to a voting member of refusing applicants from its own region (off → 1 utility)",
          (Expectation("small_members", UP, "004 L262, L764, L880"),)),
    Lever("merger_route", ("merger_route",), Value(0.0), Value(1.0),
          "members' wishes to switch go to their collaboration as merger proposals (off → on)",
          (Expectation("dissolutions", DOWN, "002 L388-393"), Expectation("mergers", UP, "002 L388-393"))),
    Lever("merger_myth", ("merger_myth",), Value(0.0), Value(2.0),
          "extra legitimacy of merging whole collaborations (off → 2, the pre-calibration recommendation)",
          (Expectation("mergers", UP, "004 L880"),)),
    Lever("myth_across_counties", ("merger_myth_across_counties",), Value(0.0), Value(1.0),
          "the merger myth carried by mergers across county lines too (0, the default: only within one county → 1)",
          (Expectation("mergers", UP, "004 L880; 002 L127-129"), Expectation("largest_members", UP, "002 L127-129"))),
    Lever("region_span", ("region_span_weight",), Value(0.0), Value(0.2),
          "coordination cost of each region beyond the first a collaboration spans (off → 0.2, twice the default)",
          (Expectation("mergers", DOWN, "002 L2178-2183; 002 L127-129"),
           Expectation("largest_members", DOWN, "002 L127-129, L2178-2183"))),
    Lever("budget_stress", ("budget_stress_weight",), Value(0.0), Value(0.3),
          "extra weight of the member fee when the net result is below 1.75 % (off → 0.3, the pre-calibration recommendation)",
          (Expectation("exits", UP, "000 L519"), Expectation("exit_rate", UP, "000 L519"),
           Expectation("notice_chance", UP, "000 L519"), Expectation("exits_budget", UP, "000 L519"))),
    Lever("increasing_returns", ("increasing_returns",), Value(0.0), Value(1.0),
          "increasing returns from sunk joint investments (off → 1, the default)",
          (Expectation("exit_rate", DOWN, "000 L1140-1144"), Expectation("exits", DOWN, "000 L1140-1144"),
           Expectation("notice_chance", DOWN, "000 L1140-1144"))),
    Lever("instrumental", ("perspectives",), Without("instrumental"), Same(),
          "the instrumental perspective switched on (off → on)",
          (Expectation("small_members", UP, "004 L764"),)),
    Lever("cultural", ("perspectives",), Without("cultural"), Same(),
          "the cultural perspective switched on (off → on)",
          (Expectation("exit_rate", DOWN, "002 L2512-2520"),)),
    Lever("myth", ("perspectives",), Without("myth"), Same(),
          "the myth perspective switched on (off → on)",
          (Expectation("small_members", UP, "002 L2118-2124"), Expectation("large_members", UP, "002 L2118-2124"),
           Expectation("decoupling_gap", UP, "000 L646-654"))),
)


def default_regions() -> list[str]:
    return [name for name in available_scenarios() if name not in EXCLUDED_REGIONS]


def pick(declared: tuple, names: Iterable[str] | None, what: str) -> list:
    """The declared levers or outcomes named (all when ``names`` is None), in the order asked."""
    table = {d.name: d for d in declared}
    if names is None:
        return list(declared)
    names = list(names)
    unknown = [n for n in names if n not in table]
    if unknown or not names:
        raise ValueError(f"--{what}: unknown {', '.join(unknown) or '(none given)'}; known: {', '.join(table)}")
    return [table[n] for n in names]


def rescaled(levers: Iterable[Lever], low: float, high: float) -> list[Lever]:
    """The levers with their scales replaced by ×``low`` → ×``high`` (``imcsim effects --scale``):
    a smaller step than the declared ×0.5 → ×2 asks whether an effect holds near the defaults,
    not only across a fourfold range. Only levers that scale the region's value can be rescaled."""
    if not (0 <= low < high < math.inf):
        raise ValueError(f"--scale: need 0 <= LOW < HIGH, got {low:g},{high:g}")
    def scales(lv: Lever) -> bool:
        return isinstance(lv.low, Scale) and isinstance(lv.high, Scale)

    levers = list(levers)
    fixed = [lv.name for lv in levers if not scales(lv)]
    if fixed:
        scaled = [lv.name for lv in LEVERS if scales(lv)]
        raise ValueError(f"--scale: not a lever that scales the region's value (a switch, a shift or a "
                         f"perspective): {', '.join(fixed)}; pick --levers among {', '.join(scaled)}")
    return [replace(lv, low=Scale(low), high=Scale(high)) for lv in levers]


# ---------------------------------------------------------------------------------------------
# paired differences


class PairedEffect(NamedTuple):
    mean: float
    ci_low: float
    ci_high: float
    boot_low: float
    boot_high: float
    n: int


def paired_effect(low: np.ndarray, high: np.ndarray, level: float = LEVEL) -> PairedEffect:
    """Mean of the paired differences high - low with its t interval (``analysis.mean_ci``) and a
    percentile bootstrap interval (``validation.runner.bootstrap``, fixed seed); pairs where either
    run has no value are dropped."""
    d = np.asarray(high, dtype=float) - np.asarray(low, dtype=float)
    d = d[~np.isnan(d)]
    n = len(d)
    if n == 0:
        return PairedEffect(math.nan, math.nan, math.nan, math.nan, math.nan, 0)
    if n == 1:
        return PairedEffect(float(d[0]), math.nan, math.nan, math.nan, math.nan, 1)
    mean, half, _ = mean_ci(d, level)
    boot_low, boot_high = bootstrap(d, level, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED)
    return PairedEffect(mean, mean - half, mean + half, boot_low, boot_high, n)


def verdict(effect: PairedEffect, direction: int | None) -> str:
    """Agrees / disagrees when the t interval excludes zero, on the expected side or the other;
    'no difference' when high equals low in every seed (a zero-width interval at zero); 'undefined
    here' when no seed has a value, which more seeds would not change."""
    if effect.n == 0:
        return UNDEFINED
    if effect.n < 2 or math.isnan(effect.ci_low):
        return TOO_FEW
    if effect.ci_low == effect.ci_high == 0:
        return NO_DIFFERENCE
    if direction is None:
        return NO_EXPECTATION
    if effect.ci_low > 0 or effect.ci_high < 0:
        return AGREES if (effect.mean > 0) == (direction > 0) else DISAGREES
    return INCLUDES_ZERO


# ---------------------------------------------------------------------------------------------
# running the runs


@dataclass
class Design:
    """Every run the table needs: each region's scenario, each lever's two override sets, the seeds.

    ``base`` (``imcsim effects --set``) is applied to every region before the levers, so a lever
    that scales the region's own value scales the overridden one."""

    regions: list[str]
    levers: list[Lever]
    outcomes: list[Outcome]
    seeds: list[int]
    ticks: int | None = None
    base: dict[str, Any] = field(default_factory=dict)  # --set keys applied to every region first
    scenarios: dict[str, Scenario] = field(default_factory=dict)

    def __post_init__(self) -> None:
        extra = {**self.base, **({"ticks": self.ticks} if self.ticks is not None else {})}
        self.scenarios = {r: load_scenario(r, extra or None) for r in self.regions}

    def cells(self) -> list[tuple[str, Lever, dict | None, dict | None]]:
        """(region, lever, low overrides, high overrides); None when the lever is not in the model."""
        out = []
        for region, scenario in self.scenarios.items():
            for lever in self.levers:
                if lever.available(scenario):
                    out.append((region, lever, lever.overrides(scenario, "low"), lever.overrides(scenario, "high")))
                else:
                    out.append((region, lever, None, None))
        return out

    def jobs(self) -> list[tuple[str, tuple]]:
        """The distinct (region, overrides) run sets: a setting shared by several levers (a
        perspective's 'on' is the region's own run) is run once."""
        seen: dict[tuple[str, tuple], None] = {}
        for region, _, low, high in self.cells():
            for overrides in (low, high):
                if overrides is not None:
                    seen[(region, _key(overrides))] = None
        return list(seen)


def _key(overrides: dict[str, Any]) -> tuple:
    return tuple(sorted(overrides.items()))


def run_job(scenario: Scenario, overrides: tuple, seeds: list[int],
            outcome_names: list[str]) -> list[dict[str, float | None]]:
    """Run one override set for every seed; return each seed's outcomes (None: not in the model)."""
    chosen = [o for o in OUTCOMES if o.name in outcome_names]
    scenario = scenario.with_overrides(dict(overrides)) if overrides else scenario
    out = []
    for seed in seeds:
        model = CollaborationModel(scenario, seed=seed).run()
        run = RunData(metrics.summary(model), metrics.series(model), metrics.municipality_series(model))
        out.append({o.name: o.value(run) for o in chosen})
    return out


def _run_jobs(shared: tuple[dict[str, Scenario], list[int], list[str]],
              batch: list[tuple[str, tuple]]) -> list[tuple[tuple[str, tuple], list[dict]]]:
    """A worker's batch of jobs (``engines.run_tasks``): each (region, overrides) over every seed."""
    scenarios, seeds, names = shared
    return [((region, overrides), run_job(scenarios[region], overrides, seeds, names)) for region, overrides in batch]


def run_design(design: Design, workers: int = 1, progress: bool = False) -> dict[tuple[str, tuple], list[dict]]:
    """Every job's per-seed outcomes, keyed by (region, overrides), on the experiment engine
    (serially or on local processes); keyed results make the table the same for any ``workers``."""
    jobs = design.jobs()
    names = [o.name for o in design.outcomes]
    results: dict[tuple[str, tuple], list[dict]] = {}
    with Progress(total=len(jobs) * len(design.seeds), desc="effects", enabled=progress) as bar:
        def collect(done: list[tuple[tuple[str, tuple], list[dict]]]) -> None:
            results.update(done)
            bar.update(len(done) * len(design.seeds))

        run_tasks(_run_jobs, (design.scenarios, design.seeds, names), jobs, collect, workers=workers)
    return results


def effects_table(design: Design, results: dict[tuple[str, tuple], list[dict]]) -> pd.DataFrame:
    """One row per region, lever and outcome: means at low and high, the paired effect with its
    intervals, the expectation and the verdict."""
    rows = []
    for region, lever, low, high in design.cells():
        for outcome in design.outcomes:
            expected = lever.expectation(outcome.name)
            row = {"region": region, "lever": lever.name, "outcome": outcome.name,
                   "settings": lever.settings_text(),
                   "low_set": base_text(low or {}), "high_set": base_text(high or {}),
                   "expected": {UP: "+", DOWN: "-"}[expected.direction] if expected else "",
                   "source": expected.source if expected else ""}
            lows = _values(results, region, low, outcome.name)
            highs = _values(results, region, high, outcome.name)
            if lows is None or highs is None:
                rows.append({**row, **_empty(), "verdict": NOT_IN_MODEL})
                continue
            effect = paired_effect(lows, highs)
            events = float(np.nansum(lows) + np.nansum(highs)) if outcome.counts and effect.n else math.nan
            seeds_80 = seeds_for_power(highs - lows, level=LEVEL) if effect.n else math.nan
            rows.append({**row, "low": float(np.nanmean(lows)) if effect.n else math.nan,
                         "high": float(np.nanmean(highs)) if effect.n else math.nan,
                         "mean_diff": effect.mean, "ci_low": effect.ci_low, "ci_high": effect.ci_high,
                         "boot_low": effect.boot_low, "boot_high": effect.boot_high, "n_seeds": effect.n,
                         "events": events, "seeds_80": seeds_80,
                         "verdict": verdict(effect, expected.direction if expected else None)})
    columns = ["region", "lever", "outcome", "low", "high", "mean_diff", "ci_low", "ci_high", "n_seeds",
               "expected", "verdict", "source", "settings", "boot_low", "boot_high", "low_set", "high_set", "events", "seeds_80"]
    table = pd.DataFrame(rows, columns=columns)
    table["base"] = base_text(design.base)
    return table


def base_text(base: dict[str, Any]) -> str:
    """Overrides as ``--set`` arguments would spell them ("" when there are none: the region's own
    value, or the base setting's)."""
    return " ".join(f"{k}={v}" for k, v in base.items())


def _values(results, region: str, overrides: dict | None, outcome: str) -> np.ndarray | None:
    if overrides is None:
        return None
    values = [r[outcome] for r in results[(region, _key(overrides))]]
    if any(v is None for v in values):
        return None
    return np.array(values, dtype=float)


def _empty() -> dict[str, Any]:
    return {"low": math.nan, "high": math.nan, "mean_diff": math.nan, "ci_low": math.nan, "ci_high": math.nan,
            "boot_low": math.nan, "boot_high": math.nan, "n_seeds": 0}


def estimate(regions: list[str], levers: list[Lever], outcomes: list[Outcome], n_seeds: int,
             ticks: int | None = None, seed: int = DEFAULT_SEED, workers: int = 1,
             progress: bool = False, base: dict[str, Any] | None = None) -> pd.DataFrame:
    """The effects table for these regions, levers and outcomes over ``n_seeds`` paired seeds,
    every region first set by ``base`` (``--set`` keys)."""
    if n_seeds < 2:
        raise ValueError(f"--seeds: need >= 2 for intervals, got {n_seeds}")
    design = Design(regions, levers, outcomes, run_seeds(seed, n_seeds), ticks, dict(base or {}))
    return effects_table(design, run_design(design, workers, progress))
