"""What is measured per tick and per run (MODEL.md s7).

Per tick: membership (count and population), collaborations and concentration, joins, exits,
mergers, dissolutions, coordination and leakage, the decoupling gap (talk minus action), ICT cost per inhabitant by size class,
development output, inequality of net benefit between small and large members, lock-in, and
which perspective tipped the decisions. Per run: a one-row summary used by the CLI and sweeps.
"""

from __future__ import annotations

import operator
from collections import Counter
from typing import TYPE_CHECKING, NamedTuple

import mesa
import numpy as np
import pandas as pd

from .agents import Collaboration, Municipality
from .perspectives.attrition import REASONS, Reasons
from .perspectives.choice import EXIT, SWITCH, Decision

if TYPE_CHECKING:
    from .model import CollaborationModel

SIZE_CLASSES = ("small", "medium", "large")


def _mean(values: list) -> float:
    """np.mean's own sum and division, without its dispatch (reporters run every tick). Fewer
    than eight values numpy adds one by one from 0.0 (its pairwise summation starts at eight),
    so a few are added here the same way without building an array (a test checks they agree)."""
    n = len(values)
    if n < 8:
        total = 0.0
        for x in values:
            total += x
        return float(total / n)
    return float(np.add.reduce(np.asarray(values, dtype=float)) / n)


class Tally(NamedTuple):
    """What several reporters read of one tick, gathered in one pass (``Collector.collect``
    gathers it once for all of them; a reporter called on its own gathers it itself)."""

    members: list  # municipalities in a collaboration, in model order
    size_classes: list[str]  # every municipality's size class, in model order
    tipped: Counter  # this tick's choices other than staying, by the perspective that tipped them


def tally(model: CollaborationModel) -> Tally:
    gathered = getattr(getattr(model, "datacollector", None), "tally", None)
    return gathered if gathered is not None else _gather(model)


def _gather(model: CollaborationModel) -> Tally:
    tipped: Counter = Counter()
    for d in reversed(model.decisions):  # this tick's decisions are the last ones recorded
        if d.tick != model.steps:
            break
        if d.choice != "stay":
            tipped[d.tipped_by] += 1
    return Tally([mm for mm in model.municipalities if mm.collaboration is not None],
                 [mm.size_class() for mm in model.municipalities], tipped)


def _members(model: CollaborationModel) -> list:
    return tally(model).members


def year(model) -> int:
    return model.year


def member_share(model) -> float:
    return len(_members(model)) / len(model.municipalities)


def member_population_share(model) -> float:
    total = sum(mm.population for mm in model.municipalities)
    return sum(mm.population for mm in _members(model)) / total


def collaborations(model) -> int:
    return len(model.collaborations)


def largest(model) -> Collaboration | None:
    """The collaboration with the most members (None while there is none)."""
    return max(model.collaborations, key=lambda k: len(k.members), default=None)


def touching(names: list[str | None], edges) -> dict[str, set[str]]:
    """Collaborations whose members are neighbours: ``names[i]`` is municipality i's collaboration
    (None or "" outside), ``edges`` pairs of municipality indices. For maps that colour touching
    collaborations apart."""
    out: dict[str, set[str]] = {name: set() for name in names if name}
    for i, j in edges:
        if names[i] and names[j] and names[i] != names[j]:
            out[names[i]].add(names[j])
            out[names[j]].add(names[i])
    return out


def largest_share(model) -> float:
    """Share of all municipalities in the largest collaboration (consolidation)."""
    k = largest(model)
    return len(k.members) / len(model.municipalities) if k else 0.0


def concentration(model) -> float:
    """Herfindahl index of collaboration sizes among members (1 = one collaboration)."""
    sizes = np.array([len(k.members) for k in model.collaborations], dtype=float)
    return float(((sizes / sizes.sum()) ** 2).sum()) if sizes.size else 0.0


def mean_coordination(model) -> float:
    members = _members(model)
    return _mean([mm.coordination for mm in members]) if members else 0.0


def mean_leakage(model) -> float:
    members = _members(model)
    return _mean([mm.leakage for mm in members]) if members else 0.0


def decoupling_gap(model) -> float:
    """Mean over all municipalities of declared coordination (talk: membership, strategy) less the
    share of systems actually on a common platform (action) (003 L3058-3065; 000 L646-654)."""
    return _mean([mm.decoupling_gap for mm in model.municipalities])


def _cost_of(size_class: str):
    def reporter(model) -> float:
        sizes = tally(model).size_classes
        costs = [mm.cost for mm, size in zip(model.municipalities, sizes, strict=True) if size == size_class]
        return _mean(costs) if costs else float("nan")
    reporter.__name__ = f"cost_{size_class}"
    return reporter


def development_output(model) -> float:
    return float(sum(k.development_output for k in model.collaborations))


def onboarding_backlog(model) -> float:
    return float(sum(k.backlog for k in model.collaborations))


def _gain(model, size_class: str) -> float:
    sizes = tally(model).size_classes
    gains = [mm.outcome - mm.alone_outcome for mm, size in zip(model.municipalities, sizes, strict=True)
             if size == size_class and mm.collaboration is not None]
    return _mean(gains) if gains else float("nan")


def gain_small(model) -> float:
    """Mean net benefit of membership per inhabitant for small members (NOK)."""
    return _gain(model, "small")


def gain_large(model) -> float:
    return _gain(model, "large")


def lock_in_share(model) -> float:
    members = _members(model)
    return sum(mm.locked_in for mm in members) / len(members) if members else 0.0


def family_camps(model) -> float:
    """Mean number of system families among each collaboration's members (camps, 004 L860)."""
    camps = [len({mm.family for mm in k.members}) for k in model.collaborations]
    return _mean(camps) if camps else 0.0


def legitimacy(model) -> float:
    return model.env.legitimacy


def risk(model) -> float:
    return model.env.risk


def shock(model) -> int:
    return int(model.env.shock_now)


def juncture(model) -> int:
    return int(model.env.juncture_open)


def exit_payments(model) -> float:
    """Exit terms paid this year by departing members (MNOK; MODEL.md s3, step 5)."""
    return model.counts.get("exit_payments", 0.0) / 1e6


def _count(name: str):
    def reporter(model) -> int:
        return int(model.counts.get(name, 0))
    reporter.__name__ = name
    return reporter


def expected_notices(model) -> float:
    """Notices to leave the members' searches were expected to give this year: the logit's
    chances summed (``Municipality.notice_chance``), the notices without the draw's noise."""
    return float(model.counts.get("expected_notices", 0.0))


def _tipped(perspective: str):
    def reporter(model) -> int:
        return tally(model).tipped[perspective]
    reporter.__name__ = f"tipped_{perspective}"
    return reporter


MODEL_REPORTERS = {
    "year": year,
    "member_share": member_share,
    "member_population_share": member_population_share,
    "collaborations": collaborations,
    "largest_share": largest_share,
    "concentration": concentration,
    "mean_coordination": mean_coordination,
    "mean_leakage": mean_leakage,
    "decoupling_gap": decoupling_gap,
    **{f"cost_{c}": _cost_of(c) for c in SIZE_CLASSES},
    "development_output": development_output,
    "onboarding_backlog": onboarding_backlog,
    "gain_small": gain_small,
    "gain_large": gain_large,
    "lock_in_share": lock_in_share,
    "family_camps": family_camps,
    "legitimacy": legitimacy,
    "risk": risk,
    "shock": shock,
    "juncture": juncture,
    **{c: _count(c) for c in ("joins", "exits", "foundings", "mergers", "dissolutions", "rejections",
                              "leaks", "voice", "notices", "reforms")},
    "expected_notices": expected_notices,
    "exit_payments": exit_payments,
    **{f"tipped_{p}": _tipped(p) for p in ("instrumental", "cultural", "myth")},
}

MUNICIPALITY_REPORTERS = {
    "name": "name",
    "population": "population",
    "size_class": "size",
    "collaboration": "collaboration_name",
    "coordination": "coordination",
    "leakage": "leakage",
    "declared": "declared",
    "actual": "actual",  # the panel's decoupling_gap is declared - actual (municipality_series)
    "cost": "cost",
    "outcome": "outcome",
    "family": "family",
    "choice": "last_choice",
    "tipped_by": "tipped_by",
}

COLLABORATION_REPORTERS = {
    "name": "name",
    "governance": "governance_name",
    "members": "member_count",
    "population": "pooled_population",
    "development_output": "development_output",
    "backlog": "backlog",
    "standard": "standard",
    "reputation": "reputation",
}


class Collector(mesa.DataCollector):
    """Mesa's DataCollector with the same records, collected faster: the model reporters return
    plain scalars, so they need no deep copy, and each agent type's attribute reporters are read
    by one ``operator.attrgetter``. What several model reporters read is gathered once
    (``tally``)."""

    def __init__(self, model_reporters: dict, agenttype_reporters: dict) -> None:
        super().__init__(model_reporters=model_reporters, agenttype_reporters=agenttype_reporters)
        self._read = {t: operator.attrgetter(*names.values()) for t, names in agenttype_reporters.items()}
        self.tally: Tally | None = None  # set only while collecting

    def collect(self, model) -> None:
        self.tally = _gather(model)
        try:
            for var, reporter in self.model_reporters.items():
                self.model_vars[var].append(reporter(model))
        finally:
            self.tally = None
        steps = model.steps
        records = self._agenttype_records[steps] = {}
        for agent_type, read in self._read.items():
            agents = model.agents_by_type.get(agent_type, ())
            records[agent_type] = [(steps, a.unique_id, *read(a)) for a in agents]


# ---------------------------------------------------------------------------------------------
# tables


def series(model) -> pd.DataFrame:
    """The per-tick model series, one row per tick (tick 0 is the initial state)."""
    df = model.datacollector.get_model_vars_dataframe().reset_index(names="tick")
    return df


def _with_year(model, df: pd.DataFrame) -> pd.DataFrame:
    """Ticks renamed and their budget year beside them (tick 0, the initial state, is the year
    before ``start_year``), so that a reader of the files need not work out the offset."""
    df = df.rename(columns={"Step": "tick", "AgentID": "agent_id"})
    df.insert(1, "year", df["tick"] + model.scenario.start_year - 1)
    return df


def municipality_series(model) -> pd.DataFrame:
    """One row per municipality and tick; ``decoupling_gap`` (talk minus action) is derived from
    the collected ``declared`` and ``actual`` rather than collected a third time."""
    df = model.datacollector.get_agenttype_vars_dataframe(Municipality).reset_index()
    df.insert(df.columns.get_loc("actual") + 1, "decoupling_gap", df["declared"] - df["actual"])
    return _with_year(model, df)


def collaboration_series(model) -> pd.DataFrame:
    """One row per collaboration and tick."""
    return _with_year(model, model.datacollector.get_agenttype_vars_dataframe(Collaboration).reset_index())


def decisions(model) -> pd.DataFrame:
    """The decision log, one row per decision; a notice's ``but_for`` shares (``attrition.but_for``)
    as one column per reason, ``but_for_<reason>`` (empty for any other decision)."""
    fields = [f for f in Decision._fields if f != "but_for"]
    table = pd.DataFrame([d[:len(fields)] for d in model.decisions], columns=fields)
    shares = [d.but_for or (np.nan,) * len(Reasons._fields) for d in model.decisions]
    return table.join(pd.DataFrame(shares, columns=[f"but_for_{r}" for r in Reasons._fields], index=table.index))


def mergers(model) -> pd.DataFrame:
    """One row per merger: its budget year, the absorbing and the absorbed collaboration. A
    collaboration founded and absorbed in the same year is in no yearly table; here it is."""
    table = pd.DataFrame(model.merger_log, columns=["year", "absorbing", "absorbed"])
    return table.astype({"year": "int64", "absorbing": str, "absorbed": str})


def _leaving(model) -> list[Decision]:
    """The run's notices to leave: exits and switches."""
    return [d for d in model.decisions if d.choice == EXIT or d.choice == SWITCH]


def _reason_counts(leaving: list[Decision]) -> dict[str, int]:
    counts = dict.fromkeys(REASONS, 0)
    for d in leaving:
        counts[d.reason] += 1
    return counts


def _but_for_totals(leaving: list[Decision]) -> dict[str, float]:
    """Notices to leave each reason accounts for: its ``but_for`` shares summed over ``leaving``
    (``perspectives.attrition``). Each reason on its own: the counterfactual companion of
    ``exit_reasons``, which names only the term that weighed most. Exits alone count apart in
    ``summary``: a wish to switch may be turned down, and the member stays."""
    totals = dict.fromkeys(Reasons._fields, 0.0)
    for d in leaving:
        if d.but_for:
            for reason, share in zip(Reasons._fields, d.but_for, strict=True):
                totals[reason] += share
    return totals


def exit_reasons(model) -> dict[str, int]:
    """Notices to leave (exit or switch) by the attrition reason that weighed most (Berg's
    reasons, 000 L515-529; ``perspectives.attrition``), over the whole run."""
    return _reason_counts(_leaving(model))


def summary(model) -> dict[str, float]:
    """One row per run: end state and totals, the outcomes sweeps and comparisons analyse.

    Read from the collected lists rather than a DataFrame, and with plain indexing and sums: sweeps
    call this once per run (docs/performance.md, the experiment engine)."""
    s = model.datacollector.model_vars  # reporter name -> one value per tick
    shares = s["member_share"]
    share, peak = shares[-1], max(shares)
    development = s["development_output"]
    out = {
        "member_share": float(share),
        "member_population_share": float(s["member_population_share"][-1]),
        "collaborations": int(s["collaborations"][-1]),
        "largest_share": float(s["largest_share"][-1]),
        "concentration": float(s["concentration"][-1]),
        "peak_member_share": float(peak),
        "retained_share": float(share / peak) if peak > 0 else 0.0,
        "mean_coordination": float(s["mean_coordination"][-1]),
        "mean_leakage": float(s["mean_leakage"][-1]),
        "decoupling_gap": float(s["decoupling_gap"][-1]),
        "cost_small": float(s["cost_small"][-1]),
        "cost_medium": float(s["cost_medium"][-1]),
        "cost_large": float(s["cost_large"][-1]),
        # np.mean's own sum and division, without its dispatch
        "development_output": float(np.add.reduce(np.asarray(development, dtype=float)) / len(development)),
        "gain_small": float(s["gain_small"][-1]),
        "gain_large": float(s["gain_large"][-1]),
        "lock_in_share": float(s["lock_in_share"][-1]),
        "family_camps": float(s["family_camps"][-1]),
    }
    for c in ("joins", "exits", "foundings", "mergers", "dissolutions", "rejections", "leaks", "voice", "reforms"):
        out[c] = int(sum(s[c]))
    out["expected_notices"] = float(sum(s["expected_notices"]))
    out["exit_payments"] = float(sum(s["exit_payments"]))
    tipped = {p: int(sum(s[f"tipped_{p}"])) for p in ("instrumental", "cultural", "myth")}
    total = sum(tipped.values())
    for p, n in tipped.items():
        out[f"tipped_{p}"] = n / total if total else 0.0
    leaving = _leaving(model)  # the decisions walked once: sweeps call this once per run
    for reason, n in _reason_counts(leaving).items():
        out[f"notices_{reason}"] = n
    for reason, n in _but_for_totals(leaving).items():
        out[f"but_for_{reason}"] = n
    for reason, n in _but_for_totals([d for d in leaving if d.choice == EXIT]).items():
        out[f"exits_but_for_{reason}"] = n
    return out
