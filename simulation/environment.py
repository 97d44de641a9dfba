"""The institutional and technical environment: legitimacy pressure, shocks, critical junctures.

Legitimacy pressure L(t) rises in steps with national strategies (eKommune 2005 and 2008,
Digital agenda 2016, national strategy 2019; sources 000, 001, 003, 004); municipalities feel each
step with a lag, as local plans follow a national strategy a year or two later (003 L2730-2736).
Shocks (cyber attacks
such as Ostre Toten 2021, the pandemic) raise the perceived risk of standing alone (004
L908-928). Critical junctures (the section-27 conversion deadline, director turnover) relax
inertia while open (004 L1032).

L(t) need not only rise: a scenario may set a lower step, and with ``legitimacy_fade`` the push of
each strategy wears off until the next one. Organisational forms come into and go out of fashion
(regional digitalisation networks in the late 2010s, 003; the move to IKS and AS forms, 004; the
section-27 form outlawed by 2023, 004 L291): with ``fashion_weight`` each governance model's
fashion standing (``fashion_standing``) is added to its legitimacy for the myth perspective.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .governance import GovernanceModel
from .parameters import Parameters
from .world import Juncture, ScheduledShock


@dataclass
class Environment:
    legitimacy_steps: dict[int, float]
    junctures: tuple[Juncture, ...]
    scheduled_shocks: tuple[ScheduledShock, ...]
    params: Parameters
    forms: Mapping[str, GovernanceModel] = field(default_factory=dict)  # the governance models in fashion or not
    year: int = 0
    legitimacy: float = 0.0  # felt pressure: follows the national level with a lag
    national: float = 0.0  # the national level L(t) of the latest strategy step
    risk: float = 0.0  # perceived risk of standing alone, raised by shocks, fading with memory
    shock_now: bool = False
    juncture_open: bool = False
    shocks_so_far: list[int] = field(default_factory=list)
    fashion: dict[str, float] = field(default_factory=dict)  # each form's fashion standing this year (fashion_weight > 0)
    economy: float = 0.0  # the national year: deviation of municipalities' net result (AR(1), % of revenue)

    def __post_init__(self) -> None:
        self._years = sorted(self.legitimacy_steps)

    def legitimacy_at(self, year: int) -> float:
        """L(t): the level of the latest strategy step at or before ``year``."""
        k = bisect.bisect_right(self._years, year) - 1
        if k < 0:
            return 0.0
        level = self.legitimacy_steps[self._years[k]]
        fade = self.params.legitimacy_fade
        if fade == 0.0:
            return level
        before = self.legitimacy_steps[self._years[k - 1]] if k > 0 else 0.0
        return faded(level, before, year - self._years[k], fade)

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
        if self.params.fashion_weight > 0:
            self.fashion = {name: fashion_standing(gov, year, self.params) for name, gov in self.forms.items()}
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


def faded(level: float, before: float, years: int, fade: float) -> float:
    """A strategy step's level ``years`` after it was set: its push over the level ``before`` it
    fades by ``fade`` a year, back towards that level; a step down holds."""
    if level <= before:
        return level
    return before + (level - before) * (1.0 - fade) ** years


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def fashion_standing(gov: GovernanceModel, year: int, p: Parameters) -> float:
    """The fashion cycle of a form: legitimacy gained as it comes into fashion (a logistic rise
    half way in ``fashion_rise``) less legitimacy lost as it falls out of fashion or is outlawed
    (half way in ``fashion_fall``), each over ``fashion_width`` years (004 L469, L1046; 003)."""
    rise = gov.fashion_gain * logistic((year - gov.fashion_rise) / p.fashion_width) if gov.fashion_gain else 0.0
    fall = gov.fashion_loss * logistic((year - gov.fashion_fall) / p.fashion_width) if gov.fashion_loss else 0.0
    return rise - fall
