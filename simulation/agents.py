"""Agents: municipalities that choose their arrangement, collaborations that decide together.

A Municipality holds its traits and arrangement. It searches only when dissatisfied (or at a
juncture, or on review), gathers the options within sight (stay, join, found, raise or lower
coordination, buy on its own, voice, exit, switch), has each valued under the three perspectives
(``perspectives.appraise``), picks one by a logit and returns it; what it can do alone it does
in ``act``, what needs others' consent the model takes to them (``collective``). A Collaboration
produces (operations, development net of onboarding), settles costs by its cost key, votes by its
governance model's decision rule, sets its common standard and reforms after voice.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

import mesa
import numpy as np

from .governance import NO_SUCCESSOR, Ballots, GovernanceModel, collective_decision
from .perspectives import appraise, attrition, choice, cultural, instrumental, myth
from .perspectives.choice import Option, Utilities

if TYPE_CHECKING:
    from .model import CollaborationModel
    from .parameters import Parameters


def switch_gives_notice(p: Parameters) -> float:
    """The share of a member's wishes to switch that give notice: the rest are put to a merger
    vote instead (``merger_route``; ``collective.routed_to_merger``)."""
    return 1.0 - min(1.0, max(0.0, p.merger_route))


class Municipality(mesa.Agent):
    """A kommune: its size, economy, competence, ambition, culture, legacy systems and arrangement."""

    model: CollaborationModel

    def __init__(self, model: CollaborationModel, spec, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.name = spec.name
        self.population = float(spec.population)
        self.growth = spec.growth
        self.net_result = spec.net_result  # % of revenue; varies under budget stress (update_economy)
        self.net_result_base = spec.net_result
        self.economy_own = 0.0  # its own deviation of the net result this year (AR(1))
        self.fee_weight = instrumental.fee_weight(self.net_result, model.params)
        self.competence = spec.derived_competence(model.params)
        self.ambition = spec.derived_ambition(model.params)
        self.region = spec.region
        self.county = spec.county
        self.family = spec.family
        self.autonomy = spec.autonomy
        self.receptivity = spec.receptivity
        # w_I, w_C, w_M: its own where the scenario gives them, else the scenario's (MODEL.md s4)
        own = (spec.w_instrumental, spec.w_cultural, spec.w_myth)
        self.weights = model.weights_of(tuple(d if w is None else w for w, d in zip(own, model.weights, strict=True)))
        self.collaboration: Collaboration | None = None
        self.coordination = 0.0  # declared share of the portfolio on common systems
        self.carried = 0.0  # coordination a switching member brings to its next collaboration
        self.leakage = 0.0  # share bought outside although a member (004 L888)
        self.strategy = 0.0  # coordination declared in a strategy, whatever is done (talk; 003 L3058-3065)
        self.tenure = 0  # years in the current arrangement
        self.notice_until: int | None = None
        self.destination: Collaboration | None = None
        self.outcome = 0.0  # net benefit per inhabitant this year
        self.alone_outcome = 0.0
        self.cost = 0.0  # ICT cost per inhabitant this year
        self.aspiration = 0.0
        self.locked_in = False
        self.last_choice = choice.STAY
        self.tipped_by = ""
        self.reason = ""  # the attrition reason that weighed most when it last gave notice
        self.but_for: tuple[float, ...] = ()  # and each reason's share of that notice's chance (attrition.but_for)
        self.bloc_lead: Municipality | None = None  # applies together with this region-mate (004 L301)
        self.refusals: dict[Collaboration, int] = {}  # refusals in a row by each collaboration applied to
        self._traits: appraise.Traits | None = None  # cached by traits()

    # ---- derived state ---------------------------------------------------------------------
    def size_class(self) -> str:
        p = self.model.params
        if self.population < p.small_max:
            return "small"
        return "medium" if self.population < p.medium_max else "large"

    @property
    def size(self) -> str:
        return self.size_class()

    @property
    def collaboration_name(self) -> str:
        return self.collaboration.name if self.collaboration else ""

    def cap(self, collab: Collaboration) -> float:
        """Most of the portfolio this municipality can pool in ``collab``: the governance model's
        pooled share, less the core system if it runs another system family (004 L870, L1022)."""
        return self.cap_in(collab.governance, collab.family, collab.mandatory)

    def cap_in(self, gov: GovernanceModel, family: str, mandatory: bool) -> float:
        cap = gov.pooled_share
        if self.family != family and not mandatory:
            cap *= 1.0 - self.model.params.core_system_share
        return cap

    def entry_coordination(self, cap: float, floor: float, carried: float = 0.0) -> float:
        """Coordination a newcomer starts at: the initial level, at least the floor or what a
        switcher brings along, at most its cap. Used alike when deciding and when admitted."""
        return min(max(self.model.params.initial_coordination, floor, carried), cap)

    def effective_share(self, collab: Collaboration | None = None, coordination: float | None = None,
                        leakage: float | None = None) -> float:
        collab = collab or self.collaboration
        if collab is None:
            return 0.0
        c = self.coordination if coordination is None else coordination
        leak = self.leakage if leakage is None else leakage
        return min(c, self.cap_in(collab.governance, collab.family, collab.mandatory)) * (1.0 - leak)

    @property
    def declared(self) -> float:
        """What it says (talk): the coordination it has formally agreed as a member, or more if its
        strategy declares more (003 L3058-3065; 000 L646-654)."""
        formal = self.coordination if self.collaboration is not None else 0.0
        return max(formal, self.strategy)

    @property
    def actual(self) -> float:
        """What it does (action): the share of its portfolio actually on the common platform."""
        return self.effective_share()

    @property
    def decoupling_gap(self) -> float:
        """Talk minus action: declared coordination not matched by systems on the common platform."""
        return self.declared - self.actual

    def talk_gained(self, coordination: float, step: float) -> float:
        """How much raising coordination to ``coordination`` (by ``step``) raises what it declares:
        all of ``step`` unless its strategy already declared it."""
        if self.strategy <= self.coordination:
            return step
        return max(0.0, coordination - self.strategy)

    def talk_lost(self, coordination: float, step: float) -> float:
        """How much lowering coordination to ``coordination`` (by ``step``) lowers what it declares:
        none of what its strategy still declares."""
        if self.strategy <= coordination:
            return step
        return max(0.0, self.coordination - self.strategy)

    def follow_pressure(self) -> None:
        """Its strategy moves each year towards the coordination the pressure it feels prescribes
        (``myth.declared_target``), the faster the more receptive it is, whatever its systems do:
        a wave of strategies a year or two after a national one (003 L2730-2736), lapsing as the
        pressure eases (003 L1673-1677)."""
        p = self.model.params
        if p.declaration_rate:
            target = myth.declared_target(self.model.env.legitimacy, p)
            self.strategy += p.declaration_rate * self.receptivity * (target - self.strategy)

    def traits(self) -> appraise.Traits:
        """What the perspectives see of it (rebuilt when its population has changed)."""
        t = self._traits
        if t is None or t.population != self.population or t.fee_weight != self.fee_weight:
            t = self._traits = appraise.Traits(self.population, self.competence, self.ambition, self.autonomy,
                                               self.receptivity, self.fee_weight)
        return t

    def update_economy(self, national: float, innovation: float) -> None:
        """This year's net operating result: its own level, the shared national year and its own
        AR(1) deviation; below the recommended level the member fee weighs more (budget stress,
        000 L519; 004 L709)."""
        p = self.model.params
        self.economy_own = p.economy_persistence * self.economy_own + p.economy_local_sd * innovation
        self.net_result = self.net_result_base + national + self.economy_own
        self.fee_weight = instrumental.fee_weight(self.net_result, p)

    # ---- deciding (step 3) -------------------------------------------------------------------
    def decide(self) -> Option | None:
        """Step 3 of the schedule: search if dissatisfied, otherwise keep the habit. Returns the
        option chosen in search (the model carries it out), or None when it did not search."""
        m = self.model
        turnover = m.rng.random() < m.params.director_turnover  # drawn always: stable random stream
        juncture = m.env.juncture_open or turnover
        searching = choice.is_searching(self.outcome, self.aspiration, m.params.satisficing_tolerance,
                                        m.params.review_rate, juncture, m.rng)
        if not searching or self.notice_until is not None:
            self.last_choice = choice.STAY
            return None
        options = self.options(juncture)
        u = choice.combined_all(options, self.weights)  # once for the logit, lock-in and attribution
        chosen = choice.logit_choice(options, self.weights, m.params.temperature, m.rng, u)
        if self.collaboration is not None:
            m.counts["expected_notices"] += self.notice_chance(options, u)
        self.locked_in = self.collaboration is not None and choice.locked_in(options, self.weights, u)
        self.last_choice = options[chosen].kind
        self.tipped_by = choice.tipped_by(options, chosen, self.weights, u)
        leaving = options[chosen].kind in (choice.EXIT, choice.SWITCH)
        self.reason, self.but_for = "", ()
        if leaving:
            why = self.leaving_reasons(options, options[chosen])
            self.reason = attrition.weighed_most(why)
            self.but_for = attrition.but_for(why, u, chosen, m.params.temperature, options[chosen].after)
        return options[chosen]

    def options(self, juncture: bool) -> list[Option]:
        """The options within sight: status quo first, then alternatives (bounded rationality:
        only collaborations with a member among the neighbours or in the region are seen)."""
        if self.collaboration is None:
            opts = [self.stay_alone_option(juncture)]
            bloc = self.model.prospective_bloc(self)  # the same for every collaboration in sight
            opts += [self.application_option(k, opts[0], bloc) for k in self.model.reachable(self)]
            found = self.found_option()
            if found is not None:
                opts.append(found)
            return opts
        return self.member_options(juncture)

    # ---- options of a municipality outside -------------------------------------------------
    def stay_alone_option(self, juncture: bool) -> Option:
        habit = cultural.habit(self.tenure, juncture, self.model.params)
        return Option(choice.STAY, utilities=appraise.stay_alone(self.alone_outcome, habit, self.model.params),
                      switching=appraise.habit_part(habit, self.weights))

    def join_option(self, collab: Collaboration, one_off_extra: float = 0.0, carried: float = 0.0,
                    bloc: np.ndarray | None = None) -> Option:
        """Applying to ``collab`` with the initial coordination level, or the level a switching
        member brings along (``carried``); an outsider judges the group it would join with its
        prospective regional ``bloc`` (computed if not given)."""
        m, p = self.model, self.model.params
        e0 = self.entry_coordination(self.cap(collab), collab.floor, carried)
        prospect = appraise.Prospect(collab.governance, collab.pool.plus(self.population, e0, self.region), collab.standing())
        family_switch = collab.imposes_family_on(self)
        one_off = appraise.joining_one_off(collab.entry_fee(self), family_switch, one_off_extra, p)
        group = collab.member_indices()
        if self.collaboration is None:  # applying together with its regional bloc (004 L301)
            bloc = m.prospective_bloc(self) if bloc is None else bloc
            if bloc.size:
                group = np.concatenate([group, bloc])
        appraise_as = appraise.join if self.collaboration is None else appraise.switch
        u = appraise_as(self.traits(), e0, prospect, self.fit(group), m.peer_share(self, collab),
                        collab.reputation, one_off, m.conditions, p)
        kind = choice.JOIN if self.collaboration is None else choice.SWITCH
        return Option(kind, target=collab, utilities=u, switching=appraise.switching_part(one_off, self.weights, p))

    def application_option(self, collab: Collaboration, stay: Option, bloc: np.ndarray | None = None) -> Option:
        """Applying to ``collab`` from outside, as expected after the refusals it has met there
        (``appraise.application``)."""
        join = self.join_option(collab, bloc=bloc)
        u = appraise.application(join.utilities, stay.utilities, self.refusals.get(collab, 0), self.model.params)
        return join if u is join.utilities else dataclasses.replace(join, utilities=u)

    def found_option(self) -> Option | None:
        """Found a collaboration with outside neighbours, most trusted first."""
        m, p = self.model, self.model.params
        candidates = [j for j in m.neighbours[self.index]
                      if m.municipalities[j].collaboration is None and m.municipalities[j].notice_until is None]
        if not candidates:
            return None
        # formalise existing ties (002 SF2): invite trusted neighbours, else the most trusted one
        candidates.sort(key=lambda j: -m.trust[self.index, j])
        trusted = [j for j in candidates if m.trust[self.index, j] >= p.found_trust]
        if len(trusted) < p.found_min_partners:
            return None
        partners = tuple(trusted[: p.found_max_partners])
        return Option(choice.FOUND, partners=partners, utilities=self.founding_utilities(partners),
                      switching=appraise.switching_part(p.migration_cost, self.weights, p))

    def founding_utilities(self, partners: tuple[int, ...]) -> Utilities:
        """Utilities of founding a new collaboration (default governance) with ``partners``."""
        m, p = self.model, self.model.params
        gov = m.governance[m.default_governance]
        group = [m.municipalities[j] for j in (self.index, *partners)]
        mandatory = gov.consolidation_mode == "mandatory"
        family = max(group, key=lambda mm: mm.population).family  # as Collaboration.__init__
        floor = gov.mandatory_floor if mandatory else 0.0
        shares = [mm.entry_coordination(mm.cap_in(gov, family, mandatory), floor) for mm in group]
        pool = instrumental.Pool.of(((mm.population, e) for mm, e in zip(group, shares, strict=True)), (mm.region for mm in group))
        standard = appraise.standard(gov.decision_rule, [mm.ambition for mm in group],
                                     [mm.population for mm in group], 0)
        prospect = appraise.Prospect(gov, pool, appraise.founding_standing(pool, standard, mandatory, p))
        return appraise.found(self.traits(), shares[0], prospect, self.fit(np.array(partners)),
                              m.collaborating_share(self), m.conditions, p)

    # ---- options of a member ---------------------------------------------------------------
    def member_options(self, juncture: bool) -> list[Option]:
        m, p = self.model, self.model.params
        k = self.collaboration
        assert k is not None
        me, world = self.traits(), m.conditions
        others = k.member_indices(exclude=self.index)
        profile = self.profile(others)
        fit = cultural.identity_fit(*profile, p)
        standing = k.standing()
        belonging = appraise.belonging(me, k.governance, m.peer_share(self, k), k.reputation, world, p)
        habit = cultural.habit(self.tenure, juncture, p)
        without_me = k.pool.minus(self.population, self.effective_share())
        cap = self.cap(k)
        # the transaction cost depends on the members' number and sizes, the same at every share
        transaction = instrumental.transaction_cost(without_me.plus(self.population, 0.0), k.governance, p)

        def at(c: float, leak: float) -> Utilities:
            e = min(c, cap) * (1.0 - leak)  # = effective_share(k, c, leak)
            prospect = appraise.Prospect(k.governance, without_me.plus(self.population, e), standing, transaction)
            return appraise.member(me, e, prospect, fit, belonging, world, p)

        now = at(self.coordination, self.leakage)
        opts = [Option(choice.STAY, target=k, utilities=appraise.stay_member(now, habit),
                       switching=appraise.habit_part(habit, self.weights))]
        step = p.coordination_step
        if self.coordination + 1e-9 < cap:
            c = min(1.0, self.coordination + step)
            talk = self.talk_gained(c, step)
            opts.append(Option(choice.RAISE, target=k, utilities=appraise.raise_coordination(me, at(c, self.leakage), talk, world, p)))
        if self.coordination - step >= k.floor - 1e-9 and self.coordination - step > 0:
            c = self.coordination - step
            talk = self.talk_lost(c, step)
            opts.append(Option(choice.LOWER, target=k, utilities=appraise.lower_coordination(me, at(c, self.leakage), talk, world, p)))
        if not k.mandatory and self.leakage + p.leakage_step <= p.leakage_cap:
            leaked = at(self.coordination, self.leakage + p.leakage_step)
            opts.append(Option(choice.LEAK, target=k, utilities=appraise.leak(leaked)))
        if self.tenure >= 1:
            mean_trust = profile[2] if others.size else m.trust[self.index, others].sum() / others.size
            opts.append(Option(choice.VOICE, target=k, utilities=appraise.voice(
                me, now, self.effective_share(), standing, mean_trust, self.tenure, p)))
        if k.binding(m.year):
            return opts
        terms = self.exit_cost()
        notice = k.governance.exit_notice
        opts.append(self.after_notice(Option(choice.EXIT, target=k, utilities=appraise.exit(self.alone_outcome, terms, p),
                                             switching=appraise.switching_part(terms, self.weights, p)), now, notice))
        notice *= switch_gives_notice(p)
        for other in m.reachable(self):
            opts.append(self.after_notice(self.join_option(other, one_off_extra=terms, carried=self.coordination),
                                          now, notice))
        return opts

    def after_notice(self, leaving: Option, now: Utilities, notice: float) -> Option:
        """An exit or switch as weighed with the notice it expects (``appraise.after_notice``);
        the notice's share of the utility is an exit barrier like the exit terms (for lock-in)."""
        u = appraise.after_notice(leaving.utilities, now, notice, self.model.params)
        if u is leaving.utilities:
            return leaving
        barrier = choice.combined(u, self.weights) - choice.combined(leaving.utilities, self.weights)
        return Option(leaving.kind, target=leaving.target, utilities=u, switching=leaving.switching + barrier,
                      undelayed=leaving.utilities, after=1.0 - appraise.notice_delay(notice, self.model.params))

    def notice_chance(self, options: list[Option], u: list[float]) -> float:
        """The chance that this search ends in a notice to leave: the logit's probability of an
        exit, and of a switch where a wish to switch is not put to a merger vote instead
        (``collective.routed_to_merger``). Summed over members' searches it estimates the
        notices without the draw's noise, which a lever's effect on rare exits needs."""
        switching = switch_gives_notice(self.model.params)
        chance = choice.probabilities(u, self.model.params.temperature)
        return math.fsum(q * (1.0 if o.kind == choice.EXIT else switching)
                         for q, o in zip(chance, options, strict=True) if o.kind in (choice.EXIT, choice.SWITCH))

    def leaving_reasons(self, options: list[Option], leaving: Option) -> attrition.Reasons:
        """Berg's reasons for a notice: its appraisal of staying (``options[0]``) against standing
        alone or the collaboration it switches to, once the notice has run, split into the same
        terms on both sides."""
        k = self.collaboration
        assert k is not None
        e = self.effective_share()
        stay = self.side_in(k, k.member_indices(exclude=self.index), e, k.pool, options[0].utilities)
        then = leaving.utilities if leaving.undelayed is None else leaving.undelayed  # once the notice has run
        if leaving.kind == choice.SWITCH:
            d = leaving.target
            e_d = self.entry_coordination(self.cap(d), d.floor, self.coordination)
            go = self.side_in(d, d.member_indices(), e_d, d.pool.plus(self.population, e_d, self.region), then)
        else:
            go = attrition.alone(then.instrumental, self.model.params)
        return attrition.reasons(stay, go, self.weights, self.model.params)

    def side_in(self, k: Collaboration, partners: np.ndarray, e: float, pool: instrumental.Pool,
                u: Utilities) -> attrition.Side:
        """Its appraisal of being in ``k`` with ``partners`` at effective share ``e`` (``pool``
        with it counted in), term by term (``attrition.Side``)."""
        m, p = self.model, self.model.params
        standing = k.standing()
        fee = instrumental.member_fee(k.governance, self.population, e, pool, m.cloud, p) if self.fee_weight > 0 else 0.0
        return attrition.Side(
            profile=self.profile(partners),
            autonomy_cost=cultural.autonomy_cost(self.autonomy, e, p),
            commitment=cultural.commitment(k.leadership, p),
            instrumental=u.instrumental,
            misfit=p.misfit_cost * e * instrumental.misfit(self.ambition, standing, p),
            heterogeneity=instrumental.heterogeneity_burden(k.governance, self.population, e, pool, m.cloud, p),
            budget=self.fee_weight * fee,
            leadership_loss=instrumental.leadership_loss(self.population, self.competence, e, standing,
                                                         k.development_quality_neutral, p),
            myth=u.myth)

    def exit_cost(self) -> float:
        """What leaving costs per inhabitant as the member's share and tenure stand: exit terms
        (``instrumental.exit_terms``) and its lost share of sunk joint investments
        (``appraise.leaving_terms``)."""
        k = self.collaboration
        if k is None:
            return 0.0
        m, p = self.model, self.model.params
        terms = instrumental.exit_terms(k.governance, self.population, self.effective_share(), k.pool,
                                        m.cloud, m.env.juncture_open, p)
        return appraise.leaving_terms(terms, self.tenure, m.env.juncture_open, p)

    def fit(self, members: np.ndarray) -> float:
        """Cultural identity fit with a group of municipalities (by index)."""
        return cultural.identity_fit(*self.profile(members), self.model.params)

    def profile(self, members: np.ndarray) -> tuple[float, float, float, float]:
        """(similarity, same-region share, mean trust, same-family share) towards a group."""
        m = self.model
        if members.size == 0:
            return cultural.group_profile(self.index, members, m.culture, m.region_code, m.family_code, m.trust, m.params)
        return cultural.coded_profile(self.index, members, m.sameness(), m.trust)

    # ---- acting on its own -------------------------------------------------------------------
    def act(self, option: Option) -> None:
        """Carry out a choice that is the municipality's alone: coordination, leakage, voice, or
        notice of exit. Joining and founding need others' consent (``collective``)."""
        p = self.model.params
        k = self.collaboration
        if option.kind == choice.RAISE:
            self.coordination = min(self.cap(k), self.coordination + p.coordination_step)
        elif option.kind == choice.LOWER:
            self.coordination = max(k.floor, self.coordination - p.coordination_step)
        elif option.kind == choice.LEAK:
            self.leakage = min(p.leakage_cap, self.leakage + p.leakage_step)
        elif option.kind == choice.VOICE:
            k.voice += 1.0
            k.proposers.append(self)
        elif option.kind in (choice.EXIT, choice.SWITCH):
            self.notice_until = self.model.steps + k.governance.exit_notice
            self.destination = option.target if option.kind == choice.SWITCH else None
        if option.kind in (choice.RAISE, choice.LOWER, choice.LEAK):
            k.refresh()


class Collaboration(mesa.Agent):
    """An inter-municipal ICT collaboration run by one governance model."""

    model: CollaborationModel

    def __init__(self, model: CollaborationModel, name: str, governance: GovernanceModel,
                 members: list[Municipality], family: str | None = None) -> None:
        super().__init__(model)
        self.name = name
        self.governance = governance
        self.members: list[Municipality] = []
        self.founded = model.year
        self.created_tick = model.steps  # 0 for a scenario's own: they were there before the run
        self.ended: int | None = None  # the year it dissolved or was merged into another
        self.peak_members = 0  # most members it ever had
        self.founders = tuple(mm.name for mm in members)
        largest = max(members, key=lambda mm: mm.population)
        self.family = family or largest.family
        self.mandatory = governance.consolidation_mode == "mandatory"
        self.standard = largest.ambition
        self.backlog = 0.0
        self.capacity = 0.0
        self.development_output = 0.0
        self.development_quality = 0.0
        self.joint_assets = 0.0  # sunk joint investments, member-years (instrumental.joint_assets)
        self.delay = 0.0
        self.reputation = 0.0
        self.voice = 0.0
        self.proposers: list[Municipality] = []  # members who proposed a reform this year (voice)
        self.leadership = model.params.leadership_mean  # quality of its change leadership, 0..1 (000 L529)
        self.development_quality_neutral = 0.0  # development quality neutral leadership would give
        self.reforms = 0
        self.differentiated = False  # a reform made the standard the members' minimum
        self.applications: list[Municipality] = []
        self.pool = instrumental.EMPTY_POOL
        self.alive = True
        self._sight: tuple[frozenset, frozenset] | None = None  # cached by sight()
        self._indices: np.ndarray | None = None  # cached by member_indices()
        self._others: dict[int, np.ndarray] = {}  # member_indices(exclude=i), by i
        for mm in members:
            self.admit(mm, onboarding=False)
        self.refresh()

    @property
    def governance_name(self) -> str:
        return self.governance.name

    @property
    def member_count(self) -> int:
        return len(self.members)

    @property
    def pooled_population(self) -> float:
        return self.pool.sum_pop

    def binding(self, year: int) -> bool:
        """Still in its binding founding period (``founding_commitment``): members cannot give
        notice while the founding agreement binds them (000 L1038-1046, L1140-1144)."""
        commitment = self.model.params.founding_commitment
        return commitment > 0 and year - self.founded < commitment

    @property
    def floor(self) -> float:
        return self.governance.mandatory_floor if self.mandatory else 0.0

    def sight(self) -> tuple[frozenset, frozenset]:
        """(regions, municipality indices) from which this collaboration is seen: its members'
        regions and neighbours. Cached; admit and release clear it."""
        if self._sight is None:
            neighbours = self.model.neighbours
            self._sight = (frozenset(mm.region for mm in self.members),
                           frozenset(j for mm in self.members for j in neighbours[mm.index]))
        return self._sight

    def member_indices(self, exclude: int | None = None) -> np.ndarray:
        """Members' indices (in order of admission), without ``exclude``. Cached like sight()
        (a member asks for the others every year it searches; membership changes seldom)."""
        if self._indices is None:
            self._indices = np.array([mm.index for mm in self.members], dtype=int)
            self._others = {}
        if exclude is None:
            return self._indices
        others = self._others.get(exclude)
        if others is None:
            others = self._others[exclude] = self._indices[self._indices != exclude]
        return others

    def chair(self) -> int:
        """Index (in members) of the host or chair: the largest founder still a member, else the
        largest member (Hamar chairs HIKT and is legally responsible, 004 L796, L822)."""
        founders = [i for i, mm in enumerate(self.members) if mm.name in self.founders]
        pool = founders or range(len(self.members))
        return max(pool, key=lambda i: self.members[i].population)

    def standing(self) -> instrumental.Standing:
        return instrumental.Standing(self.development_quality, self.delay, self.standard, self.mandatory, self.leadership)

    def prospective_standing(self, grown: instrumental.Pool, added_work: float) -> instrumental.Standing:
        """How the collaboration would look after growing to ``grown``: more development capacity
        in the long run (as its leadership makes use of it), plus the onboarding delay of ``added_work`` spread over the horizon."""
        p = self.model.params
        capacity = (instrumental.development_capacity(grown, p) * instrumental.leadership_factor(self.leadership, p)
                    + instrumental.lasting_development(self.joint_assets, p))
        delay = min(p.max_delay, self.delay + added_work / max(self.capacity, 1e-9) / p.horizon)
        return self.standing()._replace(
            development_quality=instrumental.development_quality(capacity, p), delay=delay)

    def refresh(self) -> None:
        self.pool = instrumental.Pool.of(((mm.population, mm.effective_share(self)) for mm in self.members),
                                         (mm.region for mm in self.members))

    def entry_fee(self, applicant: Municipality) -> float:
        """Free-rider screening: a late applicant pays a year of its expected cost share (004 L880)."""
        if self.governance.admission_rule != "screening":
            return 0.0
        e0 = applicant.entry_coordination(applicant.cap(self), self.floor)
        return instrumental.entry_fee(self.governance, applicant.population, e0, self.pool, self.model.cloud,
                                      self.model.params)

    # ---- membership --------------------------------------------------------------------------
    def imposes_family_on(self, mm: Municipality) -> bool:
        """Its mandatory common systems are of another family than ``mm``'s: joining (alone or in a
        merger) means switching family (002 L1977)."""
        return self.mandatory and mm.family != self.family

    def admit(self, mm: Municipality, onboarding: bool = True) -> None:
        p = self.model.params
        mm.collaboration = self
        mm.coordination = mm.entry_coordination(mm.cap(self), self.floor, mm.carried)
        mm.carried = 0.0
        if self.imposes_family_on(mm):
            mm.family = self.family  # mandatory common systems: the newcomer migrates (002 L1977)
            self.model.conflict(mm)  # a standard imposed against its system family
            self.model.family_code[mm.index] = self.model.family_index(self.family)
            self.model.identity_changed()
        mm.leakage = 0.0
        mm.tenure = 0
        mm.notice_until = None
        mm.destination = None
        self.members.append(mm)
        self.peak_members = max(self.peak_members, len(self.members))
        self._membership_changed(mm)
        if onboarding:
            self.backlog += instrumental.onboarding_work(mm.population, p)

    def release(self, mm: Municipality) -> None:
        self.members.remove(mm)
        self._membership_changed(mm)
        mm.collaboration = None
        mm.coordination = 0.0
        mm.leakage = 0.0
        mm.tenure = 0
        mm.notice_until = None

    def _membership_changed(self, mm: Municipality) -> None:
        self._sight = self._indices = None
        self.model.membership_changed(mm)  # what municipalities see (CollaborationModel.reachable)

    # ---- step 2: production and cost settlement ----------------------------------------------
    def produce(self) -> None:
        """Pooled operations and development; onboarding new members consumes capacity first,
        all at once under batch onboarding (crowding out development, 002 L37-47) or at a
        limited pace under staggered onboarding. This year's members add to the sunk joint
        investments, whose lasting development adds to the quality members get (000 L1140-1144)."""
        p = self.model.params
        self.refresh()
        self.joint_assets = instrumental.joint_assets(self.joint_assets, len(self.members), p)
        self.capacity = instrumental.development_capacity(self.pool, p)
        pace = 1.0 if self.governance.onboarding_pace == "batch" else p.staggered_pace
        onboarding = min(self.backlog, pace * self.capacity)
        self.backlog -= onboarding
        neutral_output = self.capacity - onboarding
        self.development_output = neutral_output * instrumental.leadership_factor(self.leadership, p)
        lasting = instrumental.lasting_development(self.joint_assets, p)
        self.development_quality = instrumental.development_quality(self.development_output + lasting, p)
        self.development_quality_neutral = (instrumental.development_quality(neutral_output + lasting, p)
                                            if self.leadership != p.neutral_leadership else self.development_quality)
        self.delay = min(p.max_delay, self.backlog / self.capacity) if self.capacity > 0 else p.max_delay

    def settle(self, update_reputation: bool = False) -> None:
        """Each member's cost and net benefit under the cost key; once a year (with production)
        also the reputation others imitate."""
        m, p = self.model, self.model.params
        standing = self.standing()
        pooled = instrumental.pooled_cost(self.pool, self.governance, p, m.cloud)  # the same for every member
        gains = []
        for mm in self.members:
            e = mm.effective_share(self)
            mm.outcome, mm.cost = instrumental.member_net_benefit(
                mm.population, mm.competence, mm.ambition, e, self.pool, self.governance,
                standing, m.env.risk, m.cloud, p, pooled)
            gains.append((mm.outcome - mm.alone_outcome) / p.utility_scale)
        if update_reputation:
            performance = float(np.add.reduce(np.asarray(gains)) / len(gains)) if gains else 0.0  # = np.mean
            self.reputation = p.reputation_memory * self.reputation + (1 - p.reputation_memory) * performance

    def change_leadership(self, rng: np.random.Generator) -> None:
        """Director turnover (drawn every year while ``leadership_turnover`` > 0): a new director
        brings a new leadership quality around ``leadership_mean``; stable leadership decides
        whether members feel joint ownership (001 L1200-1208)."""
        p = self.model.params
        turnover, draw = rng.random(2)
        if turnover < p.leadership_turnover:
            self.leadership = min(1.0, max(0.0, p.leadership_mean + p.leadership_spread * (2.0 * draw - 1.0)))

    def disputes(self) -> list[Municipality]:
        """This year's conflicts over costs and projects, one entry per conflict: every member
        when a project failed or was late (``cultural.failed_project``), and each member in a
        cost dispute (``cultural.cost_dispute``)."""
        p = self.model.params
        out = list(self.members) if cultural.failed_project(self.development_output, self.capacity, self.delay, p) else []
        for mm in self.members:
            share = instrumental.cost_share(self.governance, mm.population, mm.effective_share(self), self.pool)
            if cultural.cost_dispute(share, mm.population / self.pool.sum_pop, mm.outcome, mm.alone_outcome, p):
                out.append(mm)
        return out

    def cost_shares(self) -> list[float]:
        return [instrumental.cost_share(self.governance, mm.population, mm.effective_share(self), self.pool)
                for mm in self.members]

    # ---- step 4: collective decisions -------------------------------------------------------
    def vote(self, utility_of_member) -> bool:
        """Each member votes yes when the proposal's utility for it is positive; the votes are
        aggregated by the decision rule, weighted by ownership (population)."""
        votes = Ballots(self.members, lambda mm: utility_of_member(mm) > 0)  # cast as the count needs them
        weights = [mm.population for mm in self.members]
        return collective_decision(self.governance.decision_rule, votes, weights, self.chair())

    def set_standard(self) -> None:
        """The common ambition level, by the decision rule (004 L750: 'good enough' minimum)."""
        if not self.members:
            return
        before = self.standing()
        values = [mm.ambition for mm in self.members]
        if self.differentiated:  # after a differentiation reform: the minimum all can live with
            self.standard = min(values)
        else:
            weights = [mm.population for mm in self.members]
            self.standard = appraise.standard(self.governance.decision_rule, values, weights, self.chair())
        if self.model.params.trust_erosion > 0:  # a standard imposed against a member is a conflict
            after, p = self.standing(), self.model.params
            for mm in self.members:
                if cultural.standard_imposed(instrumental.misfit(mm.ambition, before, p), instrumental.misfit(mm.ambition, after, p)):
                    self.model.conflict(mm)

    def consider_conversion(self) -> None:
        """Coercive isomorphism: once its form has fallen (``fashion_fall``: outlawed, as the
        section-27 form by 2023), the collaboration converts to the form's successor rather than
        dissolve, as HIKT decided to become an IKS (004 L285, L291, L785). Only with fashions on."""
        m = self.model
        gov = self.governance
        if (m.params.fashion_weight > 0 and gov.successor != NO_SUCCESSOR and gov.fashion_loss > 0
                and m.year >= gov.fashion_fall):
            self.governance = m.governance[gov.successor]
            self.mandatory = self.governance.consolidation_mode == "mandatory"
            self.refresh()
            m.counts["conversions"] += 1

    def consider_reform(self) -> None:
        """Voice before exit: accumulated proposals lead to a differentiation reform (002 L2512-2520):
        mandatory common systems become a voluntary minimum; a voluntary one lowers its standard to
        the 'good enough' minimum for good (004 L750)."""
        p = self.model.params
        if self.voice >= p.voice_threshold:
            if self.mandatory:
                self.mandatory = False
            else:
                self.differentiated = True
                self.standard = min(mm.ambition for mm in self.members)
            self.backlog *= 1.0 - p.reform_backlog_cut  # the joint pipeline is reprioritised
            self.voice = 0.0
            self.reforms += 1
            self.model.counts["reforms"] += 1
        else:  # the proposals were voted down: a conflict for each proposer (000 L527)
            for mm in self.proposers:
                if mm.collaboration is self:
                    self.model.conflict(mm)
        self.proposers.clear()
        self.voice *= p.voice_decay
