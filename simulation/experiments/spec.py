"""Experiment files: load a TOML experiment, check it, and turn it into a plan of runs.

An experiment names a scenario, the parameters to vary (ranges or levels), a design, how many
replications and ticks, which outcomes to keep and an experiment seed. Every mistake is reported
as one line naming the file and the key, so ``imcsim sweep`` can fail fast before any run.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import registry
from ..outcomes import OUTCOMES, SERIES, SERIES_DEFAULT
from ..scenario import Scenario, ScenarioError, load_scenario, resolve_path
from ..suggest import did_you_mean
from ..textfiles import parse_toml, read_text
from . import designs
from .designs import DESIGNS, Factor

TOP_KEYS = {
    "name", "description", "scenario", "design", "samples", "replications", "ticks", "seed",
    "common_seeds", "outputs", "series", "calc_second_order", "num_levels", "fixed",
    "parameters", "discovery",
}
DISCOVERY_KEYS = {"collapse_below", "dominant_above", "max_depth", "min_leaf"}
# The most runs a sweep plans unless told --allow-large: the plan holds every run in memory (about
# 0.45 kB a run, so about 0.5 GB here) and a million runs of a shipped region take days on a laptop.
MAX_RUNS = 1_000_000


@dataclass(frozen=True)
class Discovery:
    """How scenario discovery labels a run: collapse, consolidation, or neither."""

    collapse_below: float = 0.5  # member_share at the end below this: most members gone
    dominant_above: float = 0.6  # largest_share at the end at or above this: one dominant collaboration
    max_depth: int = 3
    min_leaf: int = 10


@dataclass(frozen=True)
class Experiment:
    name: str
    scenario: str  # scenario name or resolved path
    design: str
    factors: tuple[Factor, ...] = ()
    samples: int = 0
    replications: int = 1
    ticks: int | None = None
    seed: int = 0
    common_seeds: bool = False
    outputs: tuple[str, ...] = ()
    series: tuple[str, ...] = ()
    calc_second_order: bool = False
    num_levels: int = 4
    fixed: dict[str, Any] = field(default_factory=dict)
    discovery: Discovery = field(default_factory=Discovery)
    description: str = ""
    source_text: str = ""  # the experiment file as written, kept in the manifest
    origin: str = "<experiment>"
    # a calibration's posterior.csv (``--posterior``): replication r runs posterior draw r + 1, on
    # the registry's behaviour (as calibrated); the draw's keys are columns of the plan
    posterior: str | None = None

    def load_scenario(self) -> Scenario:
        overrides = dict(self.fixed)
        if self.ticks is not None:
            overrides["ticks"] = self.ticks
        if self.posterior:
            from ..validation.behaviour import behaviour_free

            return behaviour_free(load_scenario(self.scenario), overrides, origin="fixed")
        return load_scenario(self.scenario, overrides)

    def points(self) -> list[dict[str, Any]]:
        """The design points (parameter dicts), in the order SALib's analysers expect."""
        factors = list(self.factors)
        if self.design == "full_factorial":
            return designs.full_factorial(factors)
        if self.design == "latin_hypercube":
            return designs.latin_hypercube(factors, self.samples, self.seed)
        if self.design == "morris":
            return designs.morris(factors, self.samples, self.seed, self.num_levels)
        if self.design == "sobol":
            return designs.sobol(factors, self.samples, self.seed, self.calc_second_order)
        return designs.ensemble()


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file; raise ``ScenarioError`` with a one-line message."""
    path = Path(path)
    text = read_text(path, "experiment file")
    data = parse_toml(text, path)
    return experiment_from_dict(data, origin=str(path), base=path.parent, source_text=text)


def _get(data: dict, key: str, kind: type | tuple, origin: str, default: Any) -> Any:
    value = data.get(key, default)
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if value is not default and (not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool))):
        names = " or ".join(k.__name__ for k in kinds)
        raise ScenarioError(f"{origin}: {key}: expected {names}, got {value!r}")
    return value


def _resolve_scenario(name: str, base: Path | None, origin: str) -> str:
    candidate = (base / name) if base is not None else Path(name)
    if name.endswith(".toml") and candidate.exists():
        return str(candidate.resolve())
    try:
        return str(resolve_path(name).resolve())
    except ScenarioError as exc:
        raise ScenarioError(f"{origin}: scenario: {exc}") from None


def _factor(key: str, raw: Any, origin: str, design: str) -> Factor:
    """One varied key: any key ``--set`` accepts (simulation.registry), as a range or levels."""
    where = f"{origin}: parameters.{key}"
    spec, _ = registry.lookup(key, where)
    integer = spec.kind == "integer"
    numeric = spec.kind in ("number", "integer")
    if isinstance(raw, list):
        raw = {"range": raw}
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: expected [low, high] or {{ levels = [...] }}, got {raw!r}")
    unknown = set(raw) - {"range", "levels", "steps"}
    if unknown:
        raise ScenarioError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; expected range, levels or steps")
    if "levels" in raw:
        levels = raw["levels"]
        if not isinstance(levels, list) or not levels:
            raise ScenarioError(f"{where}.levels: expected a non-empty list, got {levels!r}")
        if design != "full_factorial":
            raise ScenarioError(f"{where}: levels are only for design = \"full_factorial\"; give a range [low, high]")
        return Factor(key, levels=tuple(levels), integer=integer)
    if not numeric:
        raise ScenarioError(f"{where}: {spec.name} is not a number; give {{ levels = [...] }} in a full_factorial design")
    rng = raw.get("range")
    if (not isinstance(rng, list) or len(rng) != 2
            or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in rng)):
        raise ScenarioError(f"{where}: expected a range [low, high] of two numbers, got {rng!r}")
    low, high = float(rng[0]), float(rng[1])
    if not low < high:
        raise ScenarioError(f"{where}: expected low < high, got [{rng[0]}, {rng[1]}]")
    for bound in rng:
        registry.check(spec, bound, where)
    if design == "full_factorial":
        steps = raw.get("steps")
        if not isinstance(steps, int) or isinstance(steps, bool) or steps < 2:
            raise ScenarioError(f"{where}.steps: a range in a full_factorial design needs steps = N (N >= 2)")
        if steps > MAX_RUNS:  # the levels are made here, before any size check
            raise ScenarioError(f"{where}.steps: expected at most {MAX_RUNS:,} steps, got {steps:,}")
        values = np.linspace(low, high, steps)
        levels = tuple(int(round(v)) if integer else float(v) for v in values)
        return Factor(key, levels=levels, integer=integer)
    if "steps" in raw:
        raise ScenarioError(f"{where}.steps: only for design = \"full_factorial\"")
    return Factor(key, low=low, high=high, integer=integer)


def experiment_from_dict(data: dict[str, Any], origin: str = "<experiment>", base: Path | None = None,
                         source_text: str = "") -> Experiment:
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise ScenarioError(f"{origin}: unknown key(s) {', '.join(sorted(unknown))}; expected some of {', '.join(sorted(TOP_KEYS))}")
    if "scenario" not in data:
        raise ScenarioError(f"{origin}: scenario: missing (a name in simulation/scenarios/ or a .toml path)")
    scenario_name = _get(data, "scenario", str, origin, None)
    if not scenario_name.strip():
        raise ScenarioError(f"{origin}: scenario: expected a scenario name or a .toml path, got {scenario_name!r}")
    scenario = _resolve_scenario(scenario_name, base, origin)
    design = _get(data, "design", str, origin, "ensemble")
    if design not in DESIGNS:
        raise ScenarioError(f"{origin}: design: expected one of {', '.join(DESIGNS)}, got {design!r}")
    name = _get(data, "name", str, origin, Path(origin).stem)
    if not name or "/" in name or name.startswith("."):
        raise ScenarioError(f"{origin}: name: expected a plain folder name, got {name!r}")

    raw_params = _get(data, "parameters", dict, origin, {})
    factors = tuple(_factor(k, v, origin, design) for k, v in raw_params.items())
    if design in ("latin_hypercube", "morris", "sobol") and len(factors) < (1 if design == "latin_hypercube" else 2):
        raise ScenarioError(f"{origin}: parameters: design {design!r} needs at least {1 if design == 'latin_hypercube' else 2} parameter ranges")
    if design == "ensemble" and factors:
        raise ScenarioError(f"{origin}: parameters: an ensemble varies only the seed; put fixed values under [fixed]")

    samples = _get(data, "samples", int, origin, 0)
    if design in ("latin_hypercube", "morris", "sobol") and samples < 2:
        raise ScenarioError(f"{origin}: samples: design {design!r} needs samples >= 2 (sobol: base N, a power of two; morris: trajectories)")
    if design == "sobol" and samples & (samples - 1):
        raise ScenarioError(f"{origin}: samples: Sobol sampling needs a power of two, got {samples}")
    if design in ("full_factorial", "ensemble") and "samples" in data:
        raise ScenarioError(f"{origin}: samples: not used by design {design!r}; use replications")
    replications = _get(data, "replications", int, origin, 1)
    if replications < 1:
        raise ScenarioError(f"{origin}: replications: expected >= 1, got {replications}")
    ticks = _get(data, "ticks", int, origin, None)
    if ticks is not None and ticks < 1:
        raise ScenarioError(f"{origin}: ticks: expected >= 1, got {ticks}")
    seed = _get(data, "seed", int, origin, 0)
    if seed < 0:
        raise ScenarioError(f"{origin}: seed: expected >= 0, got {seed}")
    num_levels = _get(data, "num_levels", int, origin, 4)
    if num_levels < 2 or num_levels % 2:
        raise ScenarioError(f"{origin}: num_levels: expected an even number >= 2, got {num_levels}")

    fixed = _get(data, "fixed", dict, origin, {})
    for key in fixed:
        if key in raw_params:
            raise ScenarioError(f"{origin}: fixed.{key}: also varied under [parameters]")

    disc_raw = _get(data, "discovery", dict, origin, {})
    bad = set(disc_raw) - DISCOVERY_KEYS
    if bad:
        raise ScenarioError(f"{origin}: discovery: unknown key(s) {', '.join(sorted(bad))}; expected some of {', '.join(sorted(DISCOVERY_KEYS))}")
    limits = {"collapse_below": (0.0, 1.0, False), "dominant_above": (0.0, 1.0, False),
              "max_depth": (1, 20, True), "min_leaf": (1, MAX_RUNS, True)}  # as analyze's options
    discovery = Discovery(**{key: registry.number(value, f"{origin}: discovery.{key}", *limits[key][:2],
                                                  integer=limits[key][2])
                             for key, value in disc_raw.items()})

    for key in ("outputs", "series"):
        listed = data.get(key)
        if isinstance(listed, list) and not all(isinstance(x, str) for x in listed):
            raise ScenarioError(f"{origin}: {key}: expected a list of names, got {listed!r}"[:300])
    exp = Experiment(
        name=name, scenario=scenario, design=design, factors=factors, samples=samples,
        replications=replications, ticks=ticks, seed=seed,
        common_seeds=_get(data, "common_seeds", bool, origin, False),
        outputs=tuple(_get(data, "outputs", list, origin, [])),
        series=tuple(SERIES_DEFAULT) if data.get("series") is True else tuple(_get(data, "series", (list, bool), origin, []) or ()),
        calc_second_order=_get(data, "calc_second_order", bool, origin, False),
        num_levels=num_levels, fixed=dict(fixed), discovery=discovery,
        description=_get(data, "description", str, origin, ""), source_text=source_text, origin=origin,
    )
    _check_against_model(exp)
    return exp


def _check_against_model(exp: Experiment) -> None:
    """Build the scenario with the fixed values and every factor's extremes, and check the outputs
    and series against the declared ones (simulation/outcomes.py; no simulation is run)."""
    origin = exp.origin
    try:
        scenario = exp.load_scenario()
    except ScenarioError as exc:
        raise ScenarioError(f"{origin}: {_as_key(exc, 'fixed')}") from None
    for f in exp.factors:
        for value in (f.levels if f.levels is not None else (f.low, f.high)):
            if f.integer and isinstance(value, float):
                value = int(round(value))
            try:
                scenario.with_overrides({f.name: value})
            except ScenarioError as exc:
                raise ScenarioError(f"{origin}: {_as_key(exc, 'parameters')}") from None
    bad = [o for o in exp.outputs if o not in OUTCOMES]
    if bad:
        raise ScenarioError(f"{origin}: outputs: unknown outcome(s) {', '.join(bad)}{did_you_mean(bad[0], OUTCOMES)}; "
                            f"known: {', '.join(OUTCOMES)}")
    bad = [o for o in exp.series if o not in SERIES]
    if bad:
        raise ScenarioError(f"{origin}: series: unknown column(s) {', '.join(bad)}{did_you_mean(bad[0], SERIES)}; "
                            f"known: {', '.join(SERIES)}")


def design_points(exp: Experiment) -> int:
    """How many design points the experiment has, counted without sampling them."""
    k = len(exp.factors)
    if exp.design == "full_factorial":
        return math.prod(len(f.levels) for f in exp.factors)
    if exp.design == "latin_hypercube":
        return exp.samples
    if exp.design == "morris":
        return exp.samples * (k + 1)
    if exp.design == "sobol":
        return exp.samples * (2 * k + 2 if exp.calc_second_order else k + 2)
    return 1


def planned_runs(exp: Experiment) -> int:
    """How many runs the plan will hold (design points x replications), by arithmetic only."""
    return design_points(exp) * exp.replications


def check_size(exp: Experiment, allow_large: bool = False) -> int:
    """The number of planned runs, refused above ``MAX_RUNS`` unless ``allow_large``."""
    n = planned_runs(exp)
    if n > MAX_RUNS and not allow_large:
        raise ScenarioError(f"{exp.origin}: the design has {n:,} runs ({design_points(exp):,} points x "
                            f"{exp.replications:,} replications), more than {MAX_RUNS:,}; lower samples or "
                            "replications, or add --allow-large if you mean it")
    return n


def spec_record(exp: Experiment) -> dict[str, Any]:
    """What the analysis needs to know about the experiment, as plain JSON (kept in the manifest)."""
    return {
        "name": exp.name, "scenario": exp.scenario, "design": exp.design, "samples": exp.samples,
        "replications": exp.replications, "ticks": exp.ticks, "seed": exp.seed,
        "common_seeds": exp.common_seeds, "calc_second_order": exp.calc_second_order,
        "num_levels": exp.num_levels, "outputs": list(exp.outputs), "series": list(exp.series),
        "fixed": exp.fixed, "factors": [asdict(f) for f in exp.factors],
        "discovery": asdict(exp.discovery), "description": exp.description,
        **({"posterior": _posterior(exp.posterior).record()} if exp.posterior else {}),
    }


def _posterior(path: str):
    from ..posterior import load_posterior

    return load_posterior(path)


def _as_key(exc: ScenarioError, table: str) -> str:
    """Turn an override error ('--set KEY: ...') into one about the experiment key ('TABLE.KEY: ...')."""
    msg = str(exc)
    for prefix in ("--set ", "--set."):
        if msg.startswith(prefix):
            return f"{table}.{msg[len(prefix):]}"
    return f"{table}: {msg}"
