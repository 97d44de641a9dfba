"""A comparison as a whole: which points to run for the options, the attribute swaps and the
robustness settings (each distinct override set once), running them, and the results in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ...scenario import Scenario
from . import tables
from .options import ATTRIBUTES, Option, Setting, overrides_key, swap
from .runs import run_points


@dataclass
class Comparison:
    """The plan (points: distinct override sets) and, once run, the runs and municipality rows."""

    scenario: Scenario
    base: Option
    options: list[Option]
    seeds: list[int]
    settings: list[Setting] = field(default_factory=list)
    decompose: bool = True
    scenario_path: str = ""  # the scenario file (quoted in the data-quality box)
    draws: list[dict[str, Any]] | None = None  # a posterior's draws: replication r runs draw r under every point
    points: list[dict[str, Any]] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)  # option points (baseline included) -> label
    swaps: dict[str, dict[str, int | None]] = field(default_factory=dict)  # option label -> attribute -> point
    robust: list[tuple[Setting, dict[int, str], int]] = field(default_factory=list)  # setting, labels, base point
    runs: pd.DataFrame | None = None
    towns: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        index: dict[tuple, int] = {}

        def point(overrides: dict[str, Any]) -> int:
            key = overrides_key(overrides)
            if key not in index:
                index[key] = len(self.points)
                self.points.append(dict(overrides))
            return index[key]

        self.base_point = point(self.base.overrides)
        self.labels = {self.base_point: self.base.label}
        for o in self.options:
            self.labels.setdefault(point(o.overrides), o.label)
        if self.decompose:
            for o in self.options:
                if o.governance is not None and o.governance != self.base.governance:
                    changes = {a: swap(self.scenario, self.base, o, a) for a in ATTRIBUTES}
                    if any(c is not None for c in changes.values()):  # not the baseline's own model
                        self.swaps[o.label] = {a: None if c is None else point(c) for a, c in changes.items()}
        for s in self.settings:
            labels = {point({**o.overrides, **s.overrides}): o.label for o in [self.base, *self.options]}
            self.robust.append((s, labels, point({**self.base.overrides, **s.overrides})))

    def option_governance(self, label: str) -> str | None:
        return next((o.governance for o in [self.base, *self.options] if o.label == label), None)

    @property
    def option_point(self) -> dict[str, int]:
        return {label: p for p, label in self.labels.items()}

    def run(self, workers: int = 1, progress: bool = True, client: Any = None) -> Comparison:
        self.runs, self.towns = run_points(self.scenario, self.points, self.seeds, workers, progress, client,
                                           desc=f"compare {self.scenario.name}", draws=self.draws)
        return self

    def point_table(self) -> pd.DataFrame:
        """What each point is: the option it is (if any) and its overrides as ``--set`` would take them."""
        return pd.DataFrame({"point": range(len(self.points)),
                             "option": [self.labels.get(p, "") for p in range(len(self.points))],
                             "overrides": [" ".join(f"{k}={v}" for k, v in o.items()) for o in self.points]})

    # ---- results ----------------------------------------------------------------------------
    def outcomes(self) -> pd.DataFrame:
        return tables.outcome_table(self.runs, self.labels)

    def differences(self) -> pd.DataFrame:
        return tables.difference_table(self.runs, self.base_point, self.labels)

    def rankings(self) -> list[tables.Ranking]:
        found = (tables.rank(self.runs, self.labels, self.base_point, a) for a in tables.AUDIENCES)
        return [r for r in found if r is not None]

    def municipalities(self) -> pd.DataFrame:
        return tables.municipality_table(self.towns, self.labels, self.base_point)

    def main_option(self) -> str | None:
        """The option whose difference the report explains first: the best for the region if it is a
        decomposed option, else the decomposed option furthest from the baseline for the region."""
        if not self.swaps:
            return None
        region = tables.rank(self.runs, self.labels, self.base_point, "the region as a whole")
        if region is not None and region.best in self.swaps:
            return region.best
        points = self.option_point
        gaps = {label: abs(tables.paired(self.runs, points[label], self.base_point, "gain_region")[0])
                for label in self.swaps}
        return max(gaps, key=lambda k: -1 if pd.isna(gaps[k]) else gaps[k])

    def decomposition(self, option: str, outcome: str) -> pd.DataFrame:
        return tables.decomposition(self.runs, self.base_point, self.option_point[option], self.swaps[option], outcome)

    def robustness(self) -> pd.DataFrame:
        """For the scenario as given and each robustness setting: who ranks first for each audience."""
        rows = []
        for label, labels, base in [("as given", self.labels, self.base_point),
                                    *((s.label, lab, b) for s, lab, b in self.robust)]:
            for audience in tables.AUDIENCES:
                r = tables.rank(self.runs, labels, base, audience)
                if r is not None:
                    rows.append({"setting": label, "audience": audience, "best": r.best, "runner_up": r.runner_up,
                                 "margin": r.margin, "margin_ci95": r.margin_ci, "sure": r.sure,
                                 "first_share": r.first_share})
        return pd.DataFrame(rows)
