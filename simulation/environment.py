"""The institutional and technical environment: legitimacy pressure, shocks, critical junctures.

Legitimacy pressure L(t) rises in steps with national strategies (eKommune 2005 and 2008,
Digital agenda 2016, national strategy 2019; sources 000, 001, 003, 004); municipalities feel each
step with a lag, as local plans follow a national strategy a year or two later (003 L2730-2736).
Shocks (cyber attacks
such as Ostre Toten 2021, the pandemic) raise the perceived risk of standing alone (004
L908-928). Critical junctures (the section-27 conversion deadline, director turnover) relax
inertia while open (004 L1032).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np

from .parameters import Parameters
from .world import Juncture, ScheduledShock


@dataclass
class Environment:
    legitimacy_steps: dict[int, float]
    junctures: tuple[Juncture, ...]
    scheduled_shocks: tuple[ScheduledShock, ...]
    params: Parameters
    year: int = 0
    legitimacy: float = 0.0  # felt pressure: follows the national level with a lag
    national: float = 0.0  # the national level L(t) of the latest strategy step
    risk: float = 0.0  # perceived risk of standing alone, raised by shocks, fading with memory
    shock_now: bool = False
    juncture_open: bool = False
    shocks_so_far: list[int] = field(default_factory=list)
    economy: float = 0.0  # the national year: deviation of municipalities' net result (AR(1), % of revenue)

    def __post_init__(self) -> None:
        self._years = sorted(self.legitimacy_steps)

    def legitimacy_at(self, year: int) -> float:
        """L(t): the level of the latest strategy step at or before ``year``."""
        k = bisect.bisect_right(self._years, year) - 1
        return self.legitimacy_steps[self._years[k]] if k >= 0 else 0.0

    def juncture_at(self, year: int) -> bool:
        return any(j.start <= year <= j.end for j in self.junctures)

    def cloud_factor(self, year: int) -> float:
        """Share of the pooled-operations discount left after cloud drift (004 L756)."""
        years = max(0.0, year - self.params.cloud_year)
        return max(0.0, 1.0 - self.params.cloud_drift * years)

    def update(self, year: int, rng: np.random.Generator | None = None) -> None:
        """Step 1 of the schedule: L(t), shocks and junctures for this year (no shocks without
        ``rng``: the initial state)."""
        self.year = year
        self.national = self.legitimacy_at(year)
        self.juncture_open = self.juncture_at(year)
        if rng is None:
            self.legitimacy = self.national  # the initial state has caught up
            self.shock_now = False
            return
        self.legitimacy += self.params.legitimacy_uptake * (self.national - self.legitimacy)
        size = self.params.shock_size
        scheduled = [size if s.size is None else s.size for s in self.scheduled_shocks if s.year == year]
        random_shock = rng.random() < self.params.shock_probability
        self.shock_now = bool(scheduled) or random_shock
        self.risk *= self.params.shock_memory
        if self.shock_now:
            self.risk = min(1.0, self.risk + (max(scheduled) if scheduled else size))
            self.shocks_so_far.append(year)
        if self.params.budget_stress_weight > 0:  # good and bad years shared by all (budget stress, 000 L519)
            p = self.params
            self.economy = p.economy_persistence * self.economy + p.economy_national_sd * rng.standard_normal()
