"""Calibration with uncertainty: ABC-SMC (pyabc) over one behavioural parameter set for several regions.

A particle is one parameter set drawn from the priors (later generations: perturbed from the
previous generation's particles, pyabc's multivariate normal kernel). It runs every calibrated
region (hedmark to 2022, agder to 2024, norway to 2039, each on the registry's behaviour plus the
given keys plus the particle, :func:`.behaviour.behaviour_free`) on ``seeds`` fresh simulation
seeds, and records each summary statistic of :data:`.distances.STATISTICS` per seed.

Distance (documented in docs/validation.md): for each seed, the sum over the calibrated regions'
statistics of their terms, each in units of the sources' tolerance and capped at 3
(:mod:`.distances`); averaged over the particle's seeds. It is fixed (not adaptive), so distances
of different generations and of a resumed run are comparable. Epsilon: infinite in generation 0
(a sample of the prior), then the weighted ``alpha``-quantile of the previous generation's
distances (pyabc's ``QuantileEpsilon``).

Determinism: particles are evaluated on the experiment engine (:func:`..experiments.engines.
run_tasks`; serially, local processes or Dask) by :func:`engine_sampler`, which seeds NumPy's
global generator (pyabc draws proposals from it) before evaluation ``i`` of generation ``t`` from
``(seed, t, i)``, and accepts the first ``population`` accepted evaluations in index order. So a
generation depends only on the run's seed and the history before it: the same for 1 or 2
workers or a Dask cluster, and a resumed run continues exactly as an uninterrupted one (each
generation starts from the history in the database, in both). pyabc's own parallel samplers
reseed their workers from the operating system and are not used.
"""

from __future__ import annotations

import functools
import logging
import math
import random
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import registry
from ..experiments.engines import run_tasks
from ..progress import Progress
from .calibrate import JOINT4_PRIORS, JOINT_REGIONS, Priors, Region, region_scenario
from .distances import STATISTICS, Statistic
from .patterns import Pattern, Runs

# The free behavioural parameters and their priors: the joint search's (calibrate.JOINT4_PRIORS,
# whose best set became the registry defaults, issue 11), with the joint organisation's scale and
# the stand-alone fixed cost (issue 11, Setesdal) and the share of a move's costs a merger's
# absorbed members weigh (issue 11, Setesdal's timing); every other key is held at its default.
PRIORS: Priors = JOINT4_PRIORS | registry.prior_ranges({"collab_fixed_elasticity": (0.0, 1.0), "fixed_cost": (4.0e6, 1.6e7),
                                                        "merger_switching": (0.0, 1.0)})
GIVEN: dict[str, Any] = {}
REGIONS: dict[str, Region] = {r.scenario: r for r in JOINT_REGIONS}
ALPHA = 0.5  # epsilon: the weighted median of the previous generation's distances (pyabc's default)
MAX_SEED = 2**31 - 1
# a sampling round evaluates the particles still missing over the acceptance so far (at least
# MIN_RATE), times ROUND_MARGIN: fewer rounds (each waits for its slowest evaluation) against
# fewer evaluations wasted after the last accepted one; the posterior does not depend on either
ROUND_MARGIN, MIN_RATE = 1.1, 0.02


@dataclass(frozen=True)
class Setup:
    """What one calibration is: its regions, priors, fixed keys and sizes; kept in its provenance.
    Resuming refuses another setup."""

    regions: tuple[str, ...] = tuple(REGIONS)
    priors: Priors = field(default_factory=lambda: dict(PRIORS))
    given: dict[str, Any] = field(default_factory=lambda: dict(GIVEN))
    population: int = 100
    seeds: int = 1  # simulation seeds per particle (its distance is the mean over them)
    alpha: float = ALPHA
    seed: int = 0
    weigh: str = "statistics"  # "statistics": every term counts once; "regions": each region's terms averaged

    def weights(self) -> dict[str, float]:
        """Each statistic's weight in the distance: 1, or with ``weigh='regions'`` one over its region's
        number of statistics, so every region counts the same however many statistics it has."""
        stats = self.statistics()
        if self.weigh == "statistics":
            return {s.name: 1.0 for s in stats}
        count = {r: sum(s.region == r for s in stats) for r in self.regions}
        return {s.name: 1.0 / count[s.region] for s in stats}

    def statistics(self) -> list[Statistic]:
        return [s for s in STATISTICS if s.region in self.regions]

    def record(self) -> dict[str, Any]:
        out = asdict(self)
        out["regions"] = {r: {"scenario": REGIONS[r].scenario, "until": REGIONS[r].until} for r in self.regions}
        out["priors"] = {k: list(v) for k, v in self.priors.items()}
        return out


def check_regions(names: list[str]) -> tuple[str, ...]:
    bad = [n for n in names if n not in REGIONS]
    if bad:
        raise ValueError(f"--regions/--exclude: unknown region {bad[0]!r}; expected some of {', '.join(REGIONS)}")
    return tuple(n for n in REGIONS if n in names)


# ---- the model pyabc calls, and the distance ------------------------------------------------------

def simulate(parameter: dict[str, float], setup: Setup) -> dict[str, np.ndarray]:
    """One particle: every region on ``setup.seeds`` seeds drawn from NumPy's global generator
    (seeded per evaluation by :func:`engine_sampler`); each statistic's value per seed, and the seeds."""
    params = {**setup.given, **{k: float(parameter[k]) for k in setup.priors}}
    seeds = np.random.randint(1, MAX_SEED, size=setup.seeds)
    stats = setup.statistics()
    out = {s.name: np.full(len(seeds), math.nan) for s in stats}
    for name in setup.regions:
        region = REGIONS[name]
        sc = region_scenario(region, params)
        for j, seed in enumerate(seeds):
            runs = Runs(sc, int(seed), region.ticks(sc))
            for s in stats:
                if s.region == name:
                    out[s.name][j] = s.measure(runs)
    out["seeds"] = seeds.astype(float)
    return out


def distance(x: dict[str, np.ndarray], x0: dict[str, Any] | None = None, names: tuple[str, ...] = (),
             weights: tuple[float, ...] | None = None) -> float:
    """Mean over the particle's seeds of the weighted sum of the terms of the statistics ``names``
    (``weights``: one per name; all 1 when not given)."""
    by_name = {s.name: s for s in STATISTICS}
    w = weights or (1.0,) * len(names)
    per_seed = [sum(wi * by_name[n].term(float(x[n][j])) for n, wi in zip(names, w, strict=True))
                for j in range(len(x["seeds"]))]
    return float(np.mean(per_seed))


def statistic_pattern(statistic: Statistic) -> Pattern:
    """A statistic's distance term as a pattern (mean over seeds, run to the year the calibration
    runs its region; passes within the sources' tolerance, term <= 1): how a held-out region's
    statistics are predicted."""
    return Pattern(statistic.name, statistic.source, statistic.text, "mean term <= 1",
                   lambda runs: statistic.distance(runs), lambda v: v <= 1.0, kind="mean",
                   scenarios=(statistic.region,), horizon=REGIONS[statistic.region].until)


def observed(setup: Setup) -> dict[str, np.ndarray]:
    """The sources' figures, in the shape of a particle's statistics (distance 0 by construction)."""
    return {**{s.name: np.array([float(s.observed)]) for s in setup.statistics()}, "seeds": np.array([0.0])}


# ---- a deterministic sampler on the experiment engine -------------------------------------------

def evaluation_seed(seed: int, t: int, i: int) -> int:
    """The NumPy seed of evaluation ``i`` of generation ``t`` (t = -1: a calibration sample)."""
    return int(np.random.SeedSequence([seed, t + 1, i]).generate_state(1)[0])


def _evaluate(shared: tuple[bytes, int, int], batch: list[int]) -> list[tuple[int, Any]]:
    """A worker's batch of evaluations (``engines.run_tasks``): (index, pyabc Particle) each."""
    import cloudpickle

    blob, seed, t = shared
    simulate_one = _unpickled(blob, cloudpickle.loads)
    out = []
    with warnings.catch_warnings():
        # a small population in many dimensions gives a singular kernel covariance; NumPy warns per draw
        warnings.filterwarnings("ignore", "covariance is not symmetric positive-semidefinite", RuntimeWarning)
        for i in batch:
            s = evaluation_seed(seed, t, i)
            np.random.seed(s)
            random.seed(s)
            out.append((i, simulate_one()))
    return out


@functools.lru_cache(maxsize=2)
def _unpickled(blob: bytes, loads: Callable[[bytes], Any]) -> Any:
    return loads(blob)


def engine_sampler(seed: int, workers: int = 1, client: Any = None, progress: bool = True):
    """A pyabc ``Sampler`` that evaluates in index order on our engine (see the module docstring);
    a class made here because pyabc is imported only when a calibration runs."""
    from pyabc.sampler import Sampler

    class EngineSampler(Sampler):
        def __init__(self) -> None:
            super().__init__()
            self.seed, self.workers, self.client, self.progress = seed, workers, client, progress

        def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False,
                                    ana_vars=None):
            return engine_sample(self, n, simulate_one, t, max_eval)

    return EngineSampler()


def engine_sample(sampler: Any, n: int, simulate_one: Callable, t: int, max_eval: float):
    """Evaluate indices 0, 1, 2, ... in rounds until ``n`` are accepted; keep the evaluations up to
    the ``n``-th accepted index (those after it are discarded, so results do not depend on how
    the rounds are cut or on the number of workers)."""
    import cloudpickle

    blob = cloudpickle.dumps(simulate_one)
    results: dict[int, Any] = {}
    accepted: list[int] = []
    done = 0
    with Progress(n, f"generation {t}", unit="particle", enabled=sampler.progress) as bar:
        def collect(batch: list[tuple[int, Any]]) -> None:
            new = 0
            for i, particle in batch:
                results[i] = particle
                if particle.accepted:
                    accepted.append(i)
                    new += 1
            bar.update(max(0, min(new, n - bar.done)))

        while len(accepted) < n and done < max_eval:
            rate = len(accepted) / done if done else 1.0
            margin = ROUND_MARGIN if done else 1.0  # the first round: exactly n (generation 0 accepts all)
            size = max(math.ceil((n - len(accepted)) / max(rate, MIN_RATE) * margin), max(sampler.workers, 1))
            size = int(min(size, 10 * n, max_eval - done))
            run_tasks(_evaluate, (blob, sampler.seed, t), list(range(done, done + size)), collect,
                      workers=sampler.workers, client=sampler.client)
            done += size
    sample = sampler._create_empty_sample()
    accepted.sort()
    last = accepted[n - 1] if len(accepted) >= n else done - 1
    for i in range(last + 1):
        sample.append(results[i])
    sampler.nr_evaluations_ = last + 1
    if len(accepted) < n:
        sample.ok = False
    return sample


# ---- running and resuming --------------------------------------------------------------------------

def _epsilon(alpha: float):
    """Epsilon: infinite at generation 0, then the ``alpha``-quantile of the previous generation,
    taken from the history when a generation starts (so a resumed run continues identically)."""
    import pyabc

    class _Quantile(pyabc.QuantileEpsilon):
        def initialize(self, t, get_weighted_distances, get_all_records, max_nr_populations, acceptor_config):
            if t > 0:
                self._update(t, get_weighted_distances())

    return _Quantile(initial_epsilon=math.inf, alpha=alpha)


def abcsmc(setup: Setup, sampler: Any):
    import pyabc

    logging.getLogger("ABC").setLevel(logging.WARNING)  # our own lines report each generation

    prior = pyabc.Distribution(**{k: pyabc.RV("uniform", lo, hi - lo) for k, (lo, hi) in setup.priors.items()})
    names = tuple(s.name for s in setup.statistics())
    weights = tuple(setup.weights()[n] for n in names)
    return pyabc.ABCSMC(functools.partial(simulate, setup=setup), prior,
                        functools.partial(distance, names=names, weights=weights), population_size=setup.population,
                        eps=_epsilon(setup.alpha), sampler=sampler)


def database(folder: Path) -> str:
    return f"sqlite:///{(folder / 'history.db').resolve()}"


def generations_done(folder: Path) -> int:
    """Generations finished in the folder's history (0 if none)."""
    if not (folder / "history.db").is_file():
        return 0
    import pyabc

    history = pyabc.History(database(folder), _id=1)
    return int(history.max_t) + 1 if history.n_populations else 0


def run(setup: Setup, folder: Path, generations: int, workers: int = 1, client: Any = None,
        min_epsilon: float = 0.0, progress: bool = True,
        report: Callable[[dict[str, Any]], None] | None = None) -> list[dict[str, Any]]:
    """Run (or continue) the calibration in ``folder`` until ``generations`` generations are in
    its history or epsilon falls to ``min_epsilon``; each new generation's figures go to
    ``report`` as it finishes. Returns the figures of every generation in the history."""
    db = database(folder)
    if (folder / "history.db").is_file() and generations_done(folder) == 0:
        (folder / "history.db").unlink()  # interrupted in generation 0: nothing to keep
    while True:
        done = generations_done(folder)
        table = generation_table(folder) if done else []
        if done >= generations or (table and table[-1]["epsilon"] <= min_epsilon):
            return table
        abc = abcsmc(setup, engine_sampler(setup.seed, workers, client, progress))
        if done == 0:
            abc.new(db, observed(setup))
        else:
            abc.load(db, 1)
        abc.run(max_nr_populations=1)
        if report:
            report(generation_table(folder)[-1])


def generation_table(folder: Path) -> list[dict[str, Any]]:
    """Per generation: epsilon, evaluations, acceptance rate, effective sample size, wall time."""
    import pyabc
    from pyabc.weighted_statistics import effective_sample_size

    history = pyabc.History(database(folder), _id=1)
    pops = history.get_all_populations()
    out = []
    for row in pops[pops.t >= 0].itertuples():
        w = history.get_weighted_distances(t=int(row.t))
        out.append({"generation": int(row.t), "epsilon": float(row.epsilon), "evaluations": int(row.samples),
                    "acceptance": float(len(w) / row.samples), "ess": float(effective_sample_size(w.w.to_numpy())),
                    "wall_time_s": round(float(row.wall_time), 1)})
    return out


def particles(folder: Path, t: int | None = None) -> list[dict[str, Any]]:
    """Generation ``t``'s particles (default: the last): parameters, normalised weight, distance,
    and each statistic's value on each of the particle's seeds."""
    import pyabc

    history = pyabc.History(database(folder), _id=1)
    t = int(history.max_t) if t is None else t
    population = history.get_population(t=t)
    out = []
    for i, p in enumerate(population.particles):
        stats = {k: [float(x) for x in np.atleast_1d(v)] for k, v in p.sum_stat.items() if k != "seeds"}
        out.append({"particle": i, "weight": float(p.weight), "distance": float(p.distance), "generation": t,
                    **{k: float(v) for k, v in p.parameter.items()}, "stats": stats})
    return out
