"""One history of the model, recorded year by year, and its counterfactual branches.

A history is defined by its *lineage*: the seed it started with and, for a branch, the years at
which the dice were changed, ``((0, seed), (tick, seed2), ...)``. Rewinding to year t and
replaying with another seed re-creates the run deterministically (same seed, same settings, run
to t), then reseeds the model's random generator in place (at the start of the year after t)
and runs on. So a branch can be
recreated at any year exactly, and the shared past of the two histories is identical.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from ..model import CollaborationModel
from ..scenario import Scenario


def reseed(model: CollaborationModel, seed: int) -> None:
    """Change the model's dice from now on: its generator continues as a fresh one of ``seed``
    (set in place, so every part of the model holding the generator sees the change)."""
    model.rng.bit_generator.state = np.random.default_rng(seed).bit_generator.state
    model.random.seed(seed)


@dataclass(frozen=True)
class Snapshot:
    """What the page draws of a history, copied under the lock (immutable)."""

    years: tuple[int, ...]
    arrangement: tuple[tuple[str, ...], ...]  # per year, per municipality: collaboration ("" alone)
    juncture: tuple[bool, ...]
    names: tuple[str, ...]  # collaborations in order of founding (stable colours)
    steps: int
    done: bool
    changes: tuple[tuple[str, str, str], ...]  # this year's decisions other than stay: (who, choice, target)


@dataclass
class History:
    """A model run year by year with its arrangement recorded; thread-safe stepping (Play runs
    in a thread while buttons may be pressed)."""

    scenario: Scenario
    lineage: tuple[tuple[int, int], ...]
    model: CollaborationModel = field(init=False)
    _rows: list = field(init=False, default_factory=list)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.model = CollaborationModel(self.scenario, seed=self.lineage[0][1])
        self._rows = [self._row()]

    @classmethod
    def start(cls, scenario: Scenario, seed: int) -> History:
        return cls(scenario, ((0, int(seed)),))

    @property
    def seed(self) -> int:
        return self.lineage[0][1]

    @property
    def ticks(self) -> int:
        return self.scenario.ticks

    def _row(self) -> tuple[int, tuple[str, ...], bool]:
        m = self.model
        return m.year, tuple(mm.collaboration_name for mm in m.municipalities), bool(m.env.juncture_open)

    def step(self) -> bool:
        """One year; False (and nothing done) at the end of the scenario."""
        with self._lock:
            if self.model.steps >= self.ticks:
                return False
            at = [t for t, _ in self.lineage[1:] if t == self.model.steps]
            if at:
                reseed(self.model, dict(self.lineage[1:])[at[0]])
            self.model.step()
            self._rows.append(self._row())
            return True

    def run_to_end(self) -> History:
        while self.step():
            pass
        return self

    def snapshot(self) -> Snapshot:
        with self._lock:
            m = self.model
            years, arrangement, juncture = zip(*self._rows, strict=True)
            changes = tuple((d.municipality, d.choice, d.target)
                            for d in m.decisions if d.tick == m.steps and d.choice != "stay")
            return Snapshot(tuple(years), tuple(arrangement), tuple(juncture),
                            tuple(k.name for k in m.history), m.steps, m.steps >= self.ticks, changes)

    def replay(self, tick: int, seed: int) -> History:
        """A branch: this history up to ``tick`` (its lineage kept), then the dice of ``seed``.
        The branch is rebuilt from the start, so it is exact however this history got here."""
        if not 0 <= tick <= self.ticks:
            raise ValueError(f"replay year: tick {tick} is outside 0-{self.ticks}")
        lineage = tuple((t, s) for t, s in self.lineage if t < tick) + ((tick, int(seed)),)
        branch = History(self.scenario, lineage)
        for _ in range(tick):
            branch.step()
        return branch
