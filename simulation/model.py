"""CollaborationModel: one region's municipalities and ICT collaborations, year by year.

The step reads as the schedule of MODEL.md s3:
1. the environment updates legitimacy pressure, shocks and junctures;
2. collaborations produce and settle their costs;
3. municipalities, in random order, search if dissatisfied and act;
4. collaborations decide on applications, standards, reforms and mergers;
5. exits take effect after notice; collaborations below two members dissolve;
6. trust, culture, aspirations and populations move on, and data are collected.
The model keeps the schedule and the world (memberships, trust, culture, what each municipality
sees); what an option is worth is in ``perspectives.appraise``, choices that need more than one
party in ``collective``. All randomness comes from the model's seeded generator ``self.rng``.
"""

from __future__ import annotations

import itertools
import weakref
from collections import Counter
from pathlib import Path

import mesa
import networkx as nx
import numpy as np

from . import collective, metrics
from .agents import Collaboration, Municipality
from .environment import Environment
from .perspectives import choice, cultural, instrumental
from .perspectives.appraise import Conditions
from .perspectives.choice import Decision, Option, Weights
from .scenario import PERSPECTIVES, Scenario, load_scenario

COUNTERS = ("joins", "exits", "foundings", "mergers", "dissolutions", "rejections", "leaks",
            "voice", "notices", "reforms")


class _AgentIdCounters(weakref.WeakKeyDictionary):
    """Per-model agent id counters that do not keep the models alive.

    mesa 3.3's class-level ``Agent._ids`` is a defaultdict keyed by model, so every model ever
    built stays in memory (mesa issue 3179, fixed upstream in 3180): a sweep's workers would grow
    by ~50 KB per run. Same ids (1, 2, ... per model), weakly keyed."""

    def __getitem__(self, model):
        counter = self.get(model)
        if counter is None:
            counter = self[model] = itertools.count(1)
        return counter


if not isinstance(mesa.Agent._ids, _AgentIdCounters):
    mesa.Agent._ids = _AgentIdCounters()


class CollaborationModel(mesa.Model):
    """Inter-municipal ICT collaboration under instrumental, cultural and myth rules."""

    def __init__(self, scenario: Scenario | str | Path = "hedmark", seed: int | None = None,
                 overrides: dict | None = None, rng=None) -> None:
        if rng is None:
            rng = 0 if seed is None else seed
        super().__init__(rng=rng)
        if not isinstance(scenario, Scenario):
            scenario = load_scenario(scenario)
        if overrides:
            scenario = scenario.with_overrides(overrides)
        self.scenario = scenario
        self.seed = seed
        self.params = scenario.parameters
        self.governance = scenario.governance
        self.default_governance = scenario.default_governance
        self.year = scenario.start_year - 1
        p = self.params
        self.perspectives_on = tuple(name in scenario.perspectives for name in PERSPECTIVES)
        self.weights = self.weights_of((p.w_instrumental, p.w_cultural, p.w_myth))  # the scenario's default
        self.env = Environment(scenario.legitimacy, scenario.junctures, scenario.shocks, p, forms=self.governance)
        self._update_environment(self.year)  # the initial state: no shock draw

        # municipalities and their arrays (culture, region, family, trust) for fast lookups
        self.municipalities = [Municipality(self, spec, i) for i, spec in enumerate(scenario.municipalities)]
        index = {mm.name: mm.index for mm in self.municipalities}
        self.graph = nx.Graph()
        self.graph.add_nodes_from(range(len(self.municipalities)))
        self.graph.add_edges_from((index[a], index[b]) for a, b in scenario.edges)
        self.neighbours = [sorted(self.graph.neighbors(i)) for i in range(len(self.municipalities))]
        self._by_degree = self._group_by_degree()  # for peer_means()
        regions = sorted({mm.region for mm in self.municipalities})
        self.region_code = np.array([regions.index(mm.region) for mm in self.municipalities])
        self.region_mates = [[mm for mm in self.municipalities if mm.region == region] for region in regions]
        self._families = sorted({mm.family for mm in self.municipalities})
        self.family_code = np.array([self.family_index(mm.family) for mm in self.municipalities])
        self.culture = self._initial_culture(scenario)
        same_region = self.region_code[:, None] == self.region_code[None, :]
        within = np.array([scenario.trust_by_region.get(mm.region, scenario.trust_within_region)
                           for mm in self.municipalities])
        self.trust_baseline = np.where(same_region, within[:, None], scenario.trust_between_regions)
        for a, b, value in scenario.trust_pairs:
            self.trust_baseline[index[a], index[b]] = self.trust_baseline[index[b], index[a]] = value
        np.fill_diagonal(self.trust_baseline, 1.0)
        self.trust = self.trust_baseline.copy()
        self.conflicts = np.zeros(len(self.municipalities), dtype=int)  # this year's, per municipality (erode_trust)

        self.collaborations: list[Collaboration] = []
        # what municipalities see, cached until membership (or trust) changes: membership_changed()
        self._sight_index: tuple[dict, dict, dict] | None = None  # built by reachable()
        self._blocs: dict[int, np.ndarray] = {}  # by prospective_bloc()
        self._neighbour_counts: dict[int, Counter] = {}  # by peer_share(), collaborating_share()
        self._sameness: cultural.Sameness | None = None  # by sameness()
        self._sameness_of: tuple[np.ndarray, np.ndarray] | None = None  # the culture and families it counted
        self._identity_changed = False
        self.history: list[Collaboration] = []
        self.merger_log: list[tuple[int, str, str]] = []  # (year, absorbing, absorbed) of each merger
        self.decisions: list[Decision] = []
        self.counts: Counter = Counter()
        self.merger_proposals: list[tuple[Collaboration, Collaboration]] = []  # (own, wished) this year
        self._exit_terms: list[tuple[Municipality, float]] = []  # (leaver, NOK per inhabitant) this year
        self._founded = 0
        for spec in scenario.collaborations:
            members = [self.municipalities[index[n]] for n in spec.members]
            k = self.create(members, self.governance[spec.governance], spec.name, spec.family)
            k.founded = spec.founded if spec.founded is not None else scenario.start_year
        self._settle(produce=True)
        for mm in self.municipalities:
            mm.aspiration = mm.outcome
        self.datacollector = metrics.Collector(
            model_reporters=metrics.MODEL_REPORTERS,
            agenttype_reporters={Municipality: metrics.MUNICIPALITY_REPORTERS,
                                 Collaboration: metrics.COLLABORATION_REPORTERS},
        )
        self.datacollector.collect(self)

    # ---- set-up helpers --------------------------------------------------------------------
    def weights_of(self, weights: tuple[float, float, float]) -> Weights:
        """Perspective weights with the perspectives switched off (``perspectives``) at zero."""
        return Weights(*(w if on else 0.0 for w, on in zip(weights, self.perspectives_on, strict=True)))

    def family_index(self, family: str) -> int:
        if family not in self._families:
            self._families.append(family)
        return self._families.index(family)

    def _initial_culture(self, scenario: Scenario) -> np.ndarray:
        """Culture vectors from the scenario, or region-typed traits (Axelrod) drawn from the rng."""
        specs = scenario.municipalities
        width = max((len(s.culture) for s in specs), default=0) or 4
        culture = np.zeros((len(specs), width), dtype=int)
        for i, s in enumerate(specs):
            if s.culture:
                culture[i, : len(s.culture)] = s.culture
            else:
                typed = (self.region_code[i] * 7 + np.arange(width) * 3) % 5
                noisy = self.rng.random(width) < 0.3
                culture[i] = np.where(noisy, self.rng.integers(0, 5, width), typed)
        return culture

    # ---- the schedule ----------------------------------------------------------------------
    def step(self) -> None:
        self.counts = Counter()
        self.year = self.scenario.start_year + self.steps - 1
        self.conflicts[:] = 0
        # 1. environment
        self._update_environment(self.year, self.rng)
        self._reform_counties(self.year)
        self._update_economy()
        # 2. leadership, production and cost settlement
        if self.params.leadership_turnover > 0:
            for k in self.collaborations:
                k.change_leadership(self.rng)
        self._settle(produce=True)
        if self.params.trust_erosion > 0:
            for k in self.collaborations:
                for mm in k.disputes():
                    self.conflict(mm)
        # 3. municipalities decide, in random order; what needs others' consent goes to them
        for i in self.rng.permutation(len(self.municipalities)):
            mm = self.municipalities[i]
            option = mm.decide()
            if option is not None:
                collective.carry_out(self, mm, option)
        # 4. collective decisions
        for k in list(self.collaborations):
            collective.decide_applications(self, k)
            k.set_standard()
            k.consider_reform()
            k.consider_conversion()
        collective.mergers(self)
        # 5. exits after notice, dissolution
        self._exits()
        # 6. dynamics and data
        self._move_on()
        self._settle()
        self._charge_exit_terms()
        self.datacollector.collect(self)
        if self.steps >= self.scenario.ticks:
            self.running = False

    def _settle(self, produce: bool = False) -> None:
        """Costs and outcomes of everyone; ``produce`` also runs the year's production, once a tick
        (step 2), so the onboarding backlog is worked off once a year, after each municipality's
        outcome alone is reckoned for the year's risk."""
        if produce:
            for mm in self.municipalities:
                mm.alone_outcome = instrumental.alone_net_benefit(mm.population, mm.competence, self.env.risk, self.params)
        for k in self.collaborations:
            if produce:
                k.produce()
            else:
                k.refresh()
            k.settle(update_reputation=produce)
        for mm in self.municipalities:
            if mm.collaboration is None:
                mm.outcome = mm.alone_outcome
                mm.cost = instrumental.alone_cost(mm.population, self.params) / mm.population

    def _exits(self) -> None:
        for mm in self.municipalities:
            if mm.notice_until is not None and mm.notice_until <= self.steps and mm.collaboration is not None:
                k, destination = mm.collaboration, mm.destination
                self._exit_terms.append((mm, mm.exit_cost()))  # as its share stands, before it leaves
                carried = mm.coordination if destination is not None else 0.0
                k.release(mm)
                mm.carried = carried
                k.refresh()
                self.counts["exits"] += 1
                if destination is not None and destination.alive:
                    destination.applications.append(mm)
        for k in list(self.collaborations):
            if len(k.members) < 2:
                self.dissolve(k)

    def _charge_exit_terms(self) -> None:
        """Departing members pay their exit terms in the year they leave (MODEL.md s3, step 5): a
        one-off on that year's ICT cost and net benefit, after the year's settlement. The payment
        covers obligations the model does not itemise (the leaver's share of contracts and staff
        through the terms), so it is not credited to the remaining members. Decisions weighed it
        beforehand, amortised (``Municipality.exit_cost``); next year's outcome is settled afresh."""
        for mm, per_inhabitant in self._exit_terms:
            mm.cost += per_inhabitant
            mm.outcome -= per_inhabitant
            self.counts["exit_payments"] += per_inhabitant * mm.population
        self._exit_terms.clear()

    def _move_on(self) -> None:
        p = self.params
        groups = [k.member_indices() for k in self.collaborations]
        cultural.update_trust(self.trust, self.trust_baseline, groups, p)
        cultural.erode_trust(self.trust, groups, self.conflicts, p)
        np.fill_diagonal(self.trust, 1.0)
        self._blocs.clear()  # blocs follow trust
        cultural.converge(self.culture, groups, self.rng, p)
        self.identity_changed()
        peer_outcome = self.peer_means(np.array([mm.outcome for mm in self.municipalities]))
        for mm in self.municipalities:
            mm.tenure += 1
            mm.population *= 1.0 + mm.growth
            mm.follow_pressure()
            if mm.collaboration is not None and mm.last_choice != choice.LEAK:
                mm.leakage *= 1.0 - p.leakage_decay
            peer = peer_outcome[mm.index] if self.neighbours[mm.index] else mm.outcome
            target = (1 - p.social_comparison) * mm.outcome + p.social_comparison * peer
            mm.aspiration += p.aspiration_rate * (target - mm.aspiration)

    def _update_economy(self) -> None:
        """Budget stress (000 L519): each municipality's net result moves with the shared national
        year (``Environment.economy``) and its own; not simulated while it weighs nothing."""
        if self.params.budget_stress_weight <= 0:
            return
        innovations = self.rng.standard_normal(len(self.municipalities))
        for mm, innovation in zip(self.municipalities, innovations, strict=True):
            mm.update_economy(self.env.economy, float(innovation))

    def conflict(self, mm: Municipality) -> None:
        """Count a conflict of ``mm`` with its co-members this year (trust erosion, 000 L527)."""
        if self.params.trust_erosion > 0:
            self.conflicts[mm.index] += 1

    def _group_by_degree(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """(municipalities, their neighbours row by row) for each number of neighbours."""
        degrees = sorted({len(peers) for peers in self.neighbours} - {0})
        return [(np.array([i for i, peers in enumerate(self.neighbours) if len(peers) == d], dtype=int),
                 np.array([peers for peers in self.neighbours if len(peers) == d], dtype=int)) for d in degrees]

    def peer_means(self, values: np.ndarray) -> np.ndarray:
        """Each municipality's mean of ``values`` over its neighbours (nan without neighbours):
        row sums of one table per number of neighbours, the very sums of each one's own mean."""
        means = np.full(len(self.municipalities), np.nan)
        for who, peers in self._by_degree:
            means[who] = np.add.reduce(values.take(peers), axis=1) / peers.shape[1]
        return means

    def _reform_counties(self, year: int) -> None:
        """The scenario's county reforms of ``year`` (one dated before the run starts, in its first
        year): their counties' municipalities lie in one from then on."""
        for reform in self.scenario.county_reforms:
            if reform.year == year or (self.steps == 1 and reform.year < year):
                for mm in self.municipalities:
                    if mm.county in reform.counties:
                        mm.county = reform.into

    def _update_environment(self, year: int, rng=None) -> None:
        """The environment of ``year``, and the year's ``conditions`` as the perspectives see it."""
        self.env.update(year, rng)
        self.cloud = self.env.cloud_factor(year)
        self.conditions = Conditions(self.env.legitimacy, self.env.risk, self.cloud, self.env.juncture_open, self.env.fashion)

    # ---- what municipalities see -----------------------------------------------------------
    def reachable(self, mm: Municipality) -> list[Collaboration]:
        """Collaborations within sight: one of their members is a neighbour or in the region (in
        the order of ``collaborations``)."""
        if self._sight_index is None:
            self._sight_index = self._index_sight()
        by_region, by_neighbour, position = self._sight_index
        seen = set(by_region.get(mm.region, ()))
        seen.update(by_neighbour.get(mm.index, ()))
        seen.discard(mm.collaboration)
        return sorted(seen, key=position.__getitem__)

    def _index_sight(self) -> tuple[dict, dict, dict]:
        """Who sees which collaboration: by region, by municipality index, and each one's place in
        ``collaborations``. Rebuilt after any change of membership (``Collaboration`` drops it)."""
        index: tuple[dict, dict, dict] = ({}, {}, {})
        for place, k in enumerate(self.collaborations):
            if k.alive:
                self._add_to_sight(index, k, place)
        return index

    @staticmethod
    def _add_to_sight(index: tuple[dict, dict, dict], k: Collaboration, place: int) -> None:
        by_region, by_neighbour, position = index
        position[k] = place
        regions, neighbours = k.sight()
        for region in regions:
            by_region.setdefault(region, []).append(k)
        for j in neighbours:
            by_neighbour.setdefault(j, []).append(k)

    def sameness(self) -> cultural.Sameness:
        """How alike each pair is (culture, region, family); after culture converged or a family
        changed, the pairs of those that changed are recounted."""
        if self._sameness is None:
            self._sameness = cultural.sameness(self.culture, self.region_code, self.family_code)
            self._sameness_of = (self.culture.copy(), self.family_code.copy())
        elif self._identity_changed:
            culture, family = self._sameness_of
            changed = np.flatnonzero((self.culture != culture).any(axis=1) | (self.family_code != family))
            cultural.update_sameness(self._sameness, changed, self.culture, self.region_code, self.family_code)
            culture[changed] = self.culture[changed]
            family[changed] = self.family_code[changed]
        self._identity_changed = False
        return self._sameness

    def identity_changed(self) -> None:
        """Culture converged or a family changed: sameness() recounts those pairs when next asked."""
        self._identity_changed = True

    def membership_changed(self, mm: Municipality) -> None:
        """Forget what ``mm``'s joining or leaving changes: which collaborations are in sight, its
        neighbours' counts of neighbours in each collaboration, its region-mates' blocs."""
        self._sight_index = None
        for j in self.neighbours[mm.index]:
            self._neighbour_counts.pop(j, None)
        for x in self.region_mates[self.region_code[mm.index]]:
            self._blocs.pop(x.index, None)

    def prospective_bloc(self, mm: Municipality) -> np.ndarray:
        """Outside region-mates trusted enough to apply together with ``mm`` (004 L301)."""
        bloc = self._blocs.get(mm.index)
        if bloc is None:
            p = self.params
            trust = self.trust[mm.index]
            mates = [x.index for x in self.region_mates[self.region_code[mm.index]]
                     if x is not mm and x.collaboration is None and x.notice_until is None
                     and trust[x.index] >= p.bloc_trust]
            bloc = self._blocs[mm.index] = np.array(mates, dtype=int)
        return bloc

    def _neighbours_in(self, mm: Municipality) -> Counter:
        """How many of ``mm``'s neighbours are in each collaboration (None: outside)."""
        counts = self._neighbour_counts.get(mm.index)
        if counts is None:
            counts = self._neighbour_counts[mm.index] = Counter(
                self.municipalities[j].collaboration for j in self.neighbours[mm.index])
        return counts

    def peer_share(self, mm: Municipality, k: Collaboration) -> float:
        """Share of ``mm``'s neighbours in ``k`` (mimetic isomorphism)."""
        peers = self.neighbours[mm.index]
        if not peers:
            return 0.0
        return self._neighbours_in(mm)[k] / len(peers)

    def collaborating_share(self, mm: Municipality) -> float:
        """Share of ``mm``'s neighbours in any collaboration."""
        peers = self.neighbours[mm.index]
        if not peers:
            return 0.0
        return (len(peers) - self._neighbours_in(mm)[None]) / len(peers)

    # ---- the world's operations (collective.py decides when) ---------------------------------
    def create(self, members: list[Municipality], gov, name: str | None = None,
               family: str | None = None) -> Collaboration:
        """A new collaboration of ``members`` under ``gov`` (named after its largest member)."""
        self._founded += 1
        sight = self._sight_index  # founders came from outside: no other collaboration's sight changes
        if name is None:
            largest = max(members, key=lambda mm: mm.population)
            name = f"{largest.name} IKT"
            if any(k.name == name for k in self.history):
                name = f"{name} {self._founded}"
        k = Collaboration(self, name, gov, members, family)
        self.collaborations.append(k)
        self.history.append(k)
        if sight is not None:
            self._add_to_sight(sight, k, len(self.collaborations) - 1)
            self._sight_index = sight
        return k

    def dissolve(self, k: Collaboration) -> None:
        """Release every member of ``k`` and remove it (fewer than two members left)."""
        for mm in list(k.members):
            k.release(mm)
        k.alive = False
        self.collaborations.remove(k)
        self._sight_index = None
        k.remove()
        k.ended = self.year
        self.counts["dissolutions"] += 1

    def merge(self, big: Collaboration, small: Collaboration) -> None:
        """``big`` absorbs the members of ``small``, which ends."""
        for mm in list(small.members):
            small.release(mm)
            big.admit(mm)
        small.alive = False
        self.collaborations.remove(small)
        self._sight_index = None
        small.remove()
        small.ended = self.year
        big.refresh()
        self.counts["mergers"] += 1
        self.merger_log.append((self.year, big.name, small.name))

    def record_decision(self, mm: Municipality, option: Option, bloc: bool = False) -> None:
        target = getattr(option.target, "name", "") if option.target is not None else ""
        leaving = option.kind in (choice.EXIT, choice.SWITCH)
        self.decisions.append(Decision(self.steps, self.year, mm.name, option.kind, target, mm.tipped_by, bloc,
                                       mm.reason if leaving else "", mm.but_for if leaving else ()))

    # ---- convenience -----------------------------------------------------------------------
    def run(self, ticks: int | None = None) -> CollaborationModel:
        for _ in range(ticks if ticks is not None else self.scenario.ticks - self.steps):
            self.step()
        return self
