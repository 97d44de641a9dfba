"""Path dependency, measured: does the early leader win, does leaving get harder with tenure,
when does the arrangement lock in, and does a critical juncture unlock it?

Path dependence says early choices weigh disproportionately and institutions reproduce
themselves until a critical juncture reopens them (004 L453, Pierson 2000; 004 L1032-1034).
On a scenario whose collaborations start equal (``two_hubs``) this module measures, over seeds:

- **early leader**: among runs where one of the scenario's initial collaborations has the most
  members after ``leader_year`` years, the share in which it still has the most at the end
  (Wilson interval);
- **hazard of leaving by tenure**: exit and switch notices per member-year at risk (a member not
  under notice), by band of tenure in the collaboration at the time of the decision; bands
  pooled over seeds, intervals by a bootstrap over seeds (member-years of one run are not
  independent), outside the juncture years and in them;
- **lock-in**: the last year in which any municipality changes arrangement (median over seeds);
- **juncture**: changes of arrangement from the juncture's first year to three years after its
  end, and the share of runs whose arrangement just before the juncture changed by the end, each
  against the same seeds with the juncture removed (paired).

On hedmark, ``late_entry`` measures how long Sør-Odal waits after the Kongsvinger bloc (004 L301)
and whether it waits by its own choice or by the members' vote.

``measure`` returns the figures, ``report`` prints them side by side for settings (e.g. the
model's defaults, increasing returns on, against ``increasing_returns=0``): ``python -m simulation.validation.path_dependency``.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ..model import CollaborationModel
from ..perspectives import choice
from ..scenario import Scenario, load_scenario
from . import patterns
from .runner import bootstrap, wilson

LEVEL = 0.95
TENURE_BANDS = (0, 3, 6, 10)  # lower edges of the tenure bands (years); the last is open
LEAVING = (choice.EXIT, choice.SWITCH)
AFTER_JUNCTURE = 3  # years after a juncture's end still counted as its aftermath


@dataclass(frozen=True)
class Run:
    """What one run shows of path dependency."""

    seed: int
    arrangement: np.ndarray  # (ticks + 1) x municipalities: collaboration name, "" alone
    years: np.ndarray  # year of each tick (tick 0: the initial state)
    exposure: np.ndarray  # member-years at risk by tenure band: [outside junctures, in junctures] x bands
    events: np.ndarray  # exit and switch notices, same shape

    def sizes(self, tick: int, names: Iterable[str]) -> dict[str, int]:
        row = self.arrangement[tick]
        return {name: int((row == name).sum()) for name in names}

    def changes(self) -> np.ndarray:
        """Municipalities changing arrangement in each tick (tick 1 on)."""
        return (self.arrangement[1:] != self.arrangement[:-1]).sum(axis=1)


def band_of(tenure: int, bands: Sequence[int] = TENURE_BANDS) -> int:
    """Index of the tenure band that ``tenure`` falls in."""
    return int(np.searchsorted(bands, tenure, side="right")) - 1


def observe(scenario: Scenario, seed: int, bands: Sequence[int] = TENURE_BANDS) -> Run:
    """Run ``scenario`` with ``seed``, recording each member's tenure when it decides and whether
    it gave notice to leave (exit or switch) that year. Draws nothing itself: the run is the
    ordinary one."""
    m = CollaborationModel(scenario, seed=seed)
    exposure = np.zeros((2, len(bands)), dtype=int)
    events = np.zeros_like(exposure)
    rows = [[mm.collaboration_name for mm in m.municipalities]]
    years = [m.year]
    while m.running and m.steps < scenario.ticks:
        at_risk = {mm.name: band_of(mm.tenure, bands) for mm in m.municipalities
                   if mm.collaboration is not None and mm.notice_until is None}
        before = len(m.decisions)
        m.step()
        in_juncture = int(m.env.juncture_open)
        for band in at_risk.values():
            exposure[in_juncture, band] += 1
        for d in m.decisions[before:]:
            if d.choice in LEAVING and d.municipality in at_risk:
                events[in_juncture, at_risk[d.municipality]] += 1
        rows.append([mm.collaboration_name for mm in m.municipalities])
        years.append(m.year)
    return Run(seed, np.array(rows, dtype=object), np.array(years), exposure, events)


def leader(run: Run, tick: int, names: Sequence[str]) -> str | None:
    """The collaboration among ``names`` with strictly the most members at ``tick``, if any."""
    sizes = run.sizes(tick, names)
    most = max(sizes.values())
    top = [n for n, s in sizes.items() if s == most]
    return top[0] if len(top) == 1 and most > 0 else None


@dataclass(frozen=True)
class Share:
    """A share of runs with its Wilson interval."""

    k: int
    n: int
    low: float
    high: float

    @property
    def value(self) -> float:
        return self.k / self.n if self.n else math.nan

    def __str__(self) -> str:
        return f"{self.value:.0%} [{self.low:.0%}, {self.high:.0%}] (n={self.n})" if self.n else "n/a"


def share(k: int, n: int, level: float = LEVEL) -> Share:
    return Share(k, n, *wilson(k, n, level))


@dataclass(frozen=True)
class Rate:
    """Events per unit of exposure, with a bootstrap interval over seeds."""

    events: int
    exposure: int
    low: float
    high: float

    @property
    def value(self) -> float:
        return self.events / self.exposure if self.exposure else math.nan

    def __str__(self) -> str:
        if not self.exposure:
            return "n/a"
        return f"{self.value:.3f} [{self.low:.3f}, {self.high:.3f}] ({self.events}/{self.exposure})"


def pooled_rate(events: np.ndarray, exposure: np.ndarray, level: float = LEVEL, draws: int = 2000,
                seed: int = 0) -> Rate:
    """Pooled rate sum(events) / sum(exposure) over runs; percentile interval from resampling runs."""
    e, x = int(events.sum()), int(exposure.sum())
    if x == 0:
        return Rate(e, x, math.nan, math.nan)
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, events.size, (draws, events.size))
    num, den = events[pick].sum(axis=1), exposure[pick].sum(axis=1)
    rates = num[den > 0] / den[den > 0]
    tail = (1 - level) / 2
    return Rate(e, x, float(np.quantile(rates, tail)), float(np.quantile(rates, 1 - tail)))


def rate_ratio(events: np.ndarray, exposure: np.ndarray, late: int, early: int, level: float = LEVEL,
               draws: int = 2000, seed: int = 0) -> tuple[float, float, float]:
    """Hazard in band ``late`` over hazard in band ``early`` (runs x bands arrays), with a
    percentile interval from resampling runs: below 1 means leaving gets rarer with tenure."""
    def ratio(ev: np.ndarray, ex: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return (ev[..., late] / ex[..., late]) / (ev[..., early] / ex[..., early])

    point = float(ratio(events.sum(axis=0), exposure.sum(axis=0)))
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, events.shape[0], (draws, events.shape[0]))
    r = ratio(events[pick].sum(axis=1), exposure[pick].sum(axis=1))
    r = r[np.isfinite(r)]
    if r.size == 0:  # no resample has leavers in both bands (e.g. nobody leaves at all): no interval
        return point, math.nan, math.nan
    tail = (1 - level) / 2
    return point, float(np.quantile(r, tail)), float(np.quantile(r, 1 - tail))


@dataclass(frozen=True)
class Figures:
    """What ``measure`` finds on one setting over seeds."""

    label: str
    seeds: int
    leader_wins: Share  # the early leader ends with the most members
    take_all: Share  # one initial collaboration ends with every municipality
    hazard: tuple[Rate, ...]  # by tenure band, outside juncture years
    hazard_juncture: tuple[Rate, ...]  # by tenure band, in juncture years
    late_vs_early: tuple[float, float, float]  # hazard of the last band / the first (outside junctures)
    lock_in_year: float  # median last year with a change of arrangement
    lock_in_quartiles: tuple[float, float]
    juncture_changes: tuple[float, float, float]  # changes in the juncture and after: mean, interval
    no_juncture_changes: tuple[float, float, float]  # the same seeds without the juncture
    juncture_unlocked: Share  # pre-juncture arrangement changed by the end
    no_juncture_unlocked: Share


def _mean_interval(values: np.ndarray, level: float = LEVEL) -> tuple[float, float, float]:
    return (float(values.mean()), *bootstrap(values.astype(float), level))


def measure(scenario: Scenario | str = "two_hubs", seeds: Iterable[int] = range(60),
            overrides: dict | None = None, label: str = "", leader_year: int = 3,
            bands: Sequence[int] = TENURE_BANDS, juncture: bool = True) -> Figures:
    """Path dependency on ``scenario`` with ``overrides``, over ``seeds``; with ``juncture`` each
    run also without the scenario's junctures, paired by seed, for the juncture's effect (else
    those figures are missing)."""
    base = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if overrides:
        base = base.with_overrides(overrides)
    seeds = list(seeds)
    runs = [observe(base, s, bands) for s in seeds]
    quiet = ([observe(dataclasses.replace(base, junctures=()), s, bands) for s in seeds]
             if base.junctures and juncture else [])
    names = [c.name for c in base.collaborations]
    end = base.ticks

    led = [(leader(r, leader_year, names), leader(r, end, names)) for r in runs]
    led = [(a, b) for a, b in led if a is not None]
    take_all = sum(any((r.arrangement[end] == n).all() for n in names) for r in runs)
    exposure = np.stack([r.exposure for r in runs])  # runs x [outside, in junctures] x bands
    events = np.stack([r.events for r in runs])
    last = np.array([r.years[1:][r.changes() > 0].max() if r.changes().any() else base.start_year - 1 for r in runs])

    def juncture_effect(rs: list[Run]) -> tuple[tuple[float, float, float], Share]:
        if not base.junctures:
            return (math.nan, math.nan, math.nan), share(0, 0)
        first = min(j.start for j in base.junctures)
        window = (runs[0].years >= first) & (runs[0].years <= max(j.end for j in base.junctures) + AFTER_JUNCTURE)
        before = int(np.flatnonzero(runs[0].years == first - 1)[0])
        counts = np.array([r.changes()[window[1:]].sum() for r in rs])
        unlocked = sum(not np.array_equal(r.arrangement[before], r.arrangement[end]) for r in rs)
        return _mean_interval(counts), share(unlocked, len(rs))

    with_j, unlocked = juncture_effect(runs) if juncture else ((math.nan,) * 3, share(0, 0))
    without_j, quiet_unlocked = juncture_effect(quiet) if quiet else ((math.nan,) * 3, share(0, 0))
    return Figures(
        label=label or ", ".join(f"{k}={v}" for k, v in (overrides or {}).items()) or "defaults",
        seeds=len(seeds),
        leader_wins=share(sum(a == b for a, b in led), len(led)),
        take_all=share(take_all, len(runs)),
        hazard=tuple(pooled_rate(events[:, 0, b], exposure[:, 0, b]) for b in range(len(bands))),
        hazard_juncture=tuple(pooled_rate(events[:, 1, b], exposure[:, 1, b]) for b in range(len(bands))),
        late_vs_early=rate_ratio(events[:, 0], exposure[:, 0], len(bands) - 1, 0),
        lock_in_year=float(np.median(last)),
        lock_in_quartiles=(float(np.quantile(last, 0.25)), float(np.quantile(last, 0.75))),
        juncture_changes=with_j,
        no_juncture_changes=without_j,
        juncture_unlocked=unlocked,
        no_juncture_unlocked=quiet_unlocked,
    )


@dataclass(frozen=True)
class LateEntry:
    """When the late joiner enters after the regional bloc (hedmark: Sør-Odal 2018 after the
    Kongsvinger bloc in 2011, 004 L301), and what held it out."""

    label: str
    seeds: int
    gaps: tuple[int | None, ...]  # entry year - bloc year per seed (None: no bloc or no entry)
    bloc_years: tuple[int | None, ...]
    late_gap: Share  # runs with a gap of at least ``min_gap`` years
    bloc_on_time: Share  # runs with the bloc within one year of 2011
    refused_years: int  # years between bloc and entry in which it applied and was refused
    waiting_years: int  # all years between bloc and entry

    @property
    def median_gap(self) -> float:
        gaps = [g for g in self.gaps if g is not None]
        return float(np.median(gaps)) if gaps else math.nan


def late_entry(seeds: Iterable[int] = range(20), overrides: dict | None = None, label: str = "",
               min_gap: int = 4, bloc_year: int = 2011) -> LateEntry:
    """Sør-Odal's entry into the Hamar trio's collaboration after the Kongsvinger bloc on
    hedmark, over ``seeds``; ``refused_years`` counts the waiting years in which it applied (a
    join decision in the log) and the members' vote refused it, ``waiting_years`` all of them."""
    scenario = load_scenario("hedmark")
    if overrides:
        scenario = scenario.with_overrides(overrides)
    gaps, blocs, refused, waiting = [], [], 0, 0
    for seed in seeds:
        m = CollaborationModel(scenario, seed=seed).run()
        bloc, entry = patterns.bloc_year(m), patterns.late_year(m)  # the patterns' own definitions
        blocs.append(bloc)
        gaps.append(entry - bloc if bloc is not None and entry is not None else None)
        if bloc is not None and entry is not None and entry > bloc:
            applied = {d.year for d in m.decisions if d.municipality == patterns.HEDMARK_LATE and d.choice == choice.JOIN}
            waiting += entry - bloc
            refused += sum(y in applied for y in range(bloc, entry))
    on_time = sum(b is not None and abs(b - bloc_year) <= 1 for b in blocs)
    return LateEntry(label or ", ".join(f"{k}={v}" for k, v in (overrides or {}).items()) or "defaults",
                     len(blocs), tuple(gaps), tuple(blocs),
                     share(sum(g is not None and g >= min_gap for g in gaps), len(gaps)),
                     share(on_time, len(blocs)), refused, waiting)


def band_labels(bands: Sequence[int] = TENURE_BANDS) -> list[str]:
    return [f"{lo}-{hi - 1}" if hi - 1 > lo else f"{lo}" for lo, hi in zip(bands, bands[1:], strict=False)] + [f"{bands[-1]}+"]


def report(figures: Sequence[Figures], bands: Sequence[int] = TENURE_BANDS, leader_year: int = 3) -> str:
    """The figures of several settings as a Markdown table (one column per setting)."""
    def fmt3(t: tuple[float, float, float], f: str = "{:.2f}") -> str:
        return f"{f.format(t[0])} [{f.format(t[1])}, {f.format(t[2])}]"

    rows: list[tuple[str, list[str]]] = [
        ("seeds", [str(f.seeds) for f in figures]),
        (f"leader after {leader_year} years ends with the most members", [str(f.leader_wins) for f in figures]),
        ("one initial collaboration takes all", [str(f.take_all) for f in figures]),
    ]
    for b, name in enumerate(band_labels(bands)):
        rows.append((f"hazard of leaving, tenure {name} years (per member-year)", [str(f.hazard[b]) for f in figures]))
    rows.append((f"hazard ratio, tenure {band_labels(bands)[-1]} / {band_labels(bands)[0]}",
                 [fmt3(f.late_vs_early) for f in figures]))
    for b, name in enumerate(band_labels(bands)):
        rows.append((f"... in juncture years, tenure {name}", [str(f.hazard_juncture[b]) for f in figures]))
    rows += [
        ("lock-in: last year with a change (median [quartiles])",
         [f"{f.lock_in_year:.0f} [{f.lock_in_quartiles[0]:.0f}, {f.lock_in_quartiles[1]:.0f}]" for f in figures]),
        (f"changes of arrangement in the juncture and {AFTER_JUNCTURE} years after, per run",
         [fmt3(f.juncture_changes) for f in figures]),
        ("... same seeds without the juncture", [fmt3(f.no_juncture_changes) for f in figures]),
        ("pre-juncture arrangement changed by the end", [str(f.juncture_unlocked) for f in figures]),
        ("... same seeds without the juncture", [str(f.no_juncture_unlocked) for f in figures]),
    ]
    head = "| measure | " + " | ".join(f.label for f in figures) + " |"
    rule = "|---|" + "---|" * len(figures)
    return "\n".join([head, rule, *(f"| {name} | " + " | ".join(cells) + " |" for name, cells in rows)])


def _setting(text: str) -> dict:
    """'key=value,key=value' -> overrides (numbers where they parse)."""
    out: dict = {}
    for part in filter(None, text.split(",")):
        key, _, value = part.partition("=")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            out[key.strip()] = value.strip()
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m simulation.validation.path_dependency",
                                     description="Path dependency measured over seeds: the defaults against other settings.")
    parser.add_argument("scenario", nargs="?", default="two_hubs")
    parser.add_argument("--seeds", type=int, default=60, help="seeds 0..N-1 (paired across settings)")
    parser.add_argument("--setting", action="append", default=None, metavar="KEY=VALUE[,KEY=VALUE]",
                        help="a setting to compare with the defaults (repeatable); default: increasing_returns=0")
    parser.add_argument("--leader-year", type=int, default=3)
    parser.add_argument("--hedmark", type=int, default=0, metavar="N",
                        help="also measure Sør-Odal's entry after the bloc on hedmark over seeds 0..N-1")
    args = parser.parse_args(argv)
    settings = [{}] + [_setting(s) for s in (args.setting or ["increasing_returns=0"])]
    figures = [measure(args.scenario, range(args.seeds), s, leader_year=args.leader_year) for s in settings]
    print(f"{args.scenario}, seeds 0-{args.seeds - 1}; {LEVEL:.0%} intervals (Wilson for shares of runs, "
          "bootstrap over seeds for rates and means)")
    print(report(figures, leader_year=args.leader_year))
    if args.hedmark:
        print(f"\nhedmark, seeds 0-{args.hedmark - 1}: Sør-Odal's entry after the Kongsvinger bloc (history: 2011 -> 2018)")
        print("| setting | gap >= 4 years | median gap | bloc 2010-2012 | waiting years refused by the vote |")
        print("|---|---|---|---|---|")
        for s in settings:
            e = late_entry(range(args.hedmark), s)
            print(f"| {e.label} | {e.late_gap} | {e.median_gap:.1f} | {e.bloc_on_time} | {e.refused_years}/{e.waiting_years} |")


if __name__ == "__main__":
    main()
