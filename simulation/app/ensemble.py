"""Many histories from one start: the outcome of each seed, for the page's ensemble panel.

Each seed is one ordinary run of the current settings (``path_dependency.observe``), so a seed
gives the same outcome in the page, in the notebooks and on the command line, whatever order or
thread runs it. ``run_seeds`` hands outcomes over one at a time so the page can draw the
distribution as it builds up, and stops early when asked to.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..scenario import Scenario
from ..validation.path_dependency import observe

NONE = "no collaboration"
TIE = "tie"


@dataclass(frozen=True)
class Outcome:
    """What one seed's history ends in."""

    seed: int
    sizes: tuple[tuple[str, int], ...]  # members of each collaboration at the end, largest first
    municipalities: int
    lock_in_year: int | None  # the last year anyone changed arrangement (None: nobody ever did)
    focus_share: float  # the first initial collaboration's share of the municipalities at the end

    @property
    def winner(self) -> str:
        """The collaboration with strictly the most members at the end, else ``tie`` or none."""
        if not self.sizes:
            return NONE
        if len(self.sizes) > 1 and self.sizes[0][1] == self.sizes[1][1]:
            return TIE
        return self.sizes[0][0]

    @property
    def takes_all(self) -> bool:
        return bool(self.sizes) and self.sizes[0][1] == self.municipalities


def outcome(scenario: Scenario, seed: int) -> Outcome:
    run = observe(scenario, seed)
    end = run.arrangement[-1]
    counts = Counter(name for name in end if name)
    sizes = tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    changed = run.changes() > 0
    lock_in = int(run.years[1:][changed].max()) if changed.any() else None
    focus = focus_collaboration(scenario)
    share = counts.get(focus, 0) / len(end) if focus else (sizes[0][1] / len(end) if sizes else 0.0)
    return Outcome(seed, sizes, len(end), lock_in, share)


def focus_collaboration(scenario: Scenario) -> str | None:
    """The collaboration whose final share the page shows: the scenario's first (West IKT on
    two_hubs); None when the scenario starts without one (then: the largest at the end)."""
    return scenario.collaborations[0].name if scenario.collaborations else None


def run_seeds(scenario: Scenario, seeds: Iterable[int], deliver: Callable[[Outcome], None],
              stopped: Callable[[], bool] = lambda: False) -> bool:
    """Run each seed and ``deliver`` its outcome as soon as it is known; True when all ran,
    False when ``stopped()`` said so first."""
    for seed in seeds:
        if stopped():
            return False
        deliver(outcome(scenario, seed))
    return True


@dataclass(frozen=True)
class Summary:
    """The distribution so far, in the numbers the page prints."""

    runs: int
    wins: tuple[tuple[str, int], ...]  # by collaboration (and tie / none), most first
    take_all: int
    lock_in_median: float | None


def summarise(outcomes: list[Outcome]) -> Summary:
    wins = Counter(o.winner for o in outcomes)
    years = sorted(o.lock_in_year for o in outcomes if o.lock_in_year is not None)
    median = None
    if years:
        mid = len(years) // 2
        median = float(years[mid]) if len(years) % 2 else (years[mid - 1] + years[mid]) / 2
    return Summary(len(outcomes), tuple(sorted(wins.items(), key=lambda kv: (-kv[1], kv[0]))),
                   sum(o.takes_all for o in outcomes), median)
