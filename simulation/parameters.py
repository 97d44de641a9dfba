"""Named model parameters with documented defaults, bounds and sources.

Every number the model uses lives here (or in a governance model, or a scenario file). A
parameter whose value comes from the studies says so in ``source``; every other default is a
calibration target, not a fact (MODEL.md: "every other number is a default to be calibrated").
Bounds are what a sweep may explore and what ``--set`` accepts; ``unit`` says what a value
counts. ``simulation.registry`` builds every settable key (``--set``, experiment factors,
calibration priors, app sliders) on this metadata.

Of the 25 behavioural keys of ``validation.abcsmc.PRIORS``, 24 default to the weighted posterior
median of the ABC-SMC calibration on hedmark, agder and norway with regions weighed evenly (80
particles, 5 generations, seed 13, with the joint organisation's scale ``collab_fixed_elasticity``
and the stand-alone ``fixed_cost`` calibrated too; rounded to three significant figures;
docs/validation.md, "The joint organisation's scale: the defaults since"). The 25th,
``merger_switching``, is the weighted posterior median of the same calibration run again with it
(seed 14), whose 90 % intervals hold every one of the other 24 defaults (docs/validation.md, "A
merger is a move").
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any


def _p(default: Any, low: float | None, high: float | None, doc: str, source: str = "", *, unit: str = "") -> Any:
    """A parameter field: default, bounds [low, high], meaning, source and unit (every field needs one)."""
    return field(
        default=default,
        metadata={"low": low, "high": high, "doc": doc, "source": source, "unit": unit},
    )


@dataclass(frozen=True)
class Parameters:
    """All scalar parameters of the model; scenario files and ``--set`` override them."""

    # --- time and population --------------------------------------------------------------
    small_max: float = _p(5_000, 500, 50_000, "Upper bound (exclusive) of the 'small' size class.",
                          "MODEL.md s2: small < 5,000 <= medium < 15,000 <= large", unit="inhabitants")
    medium_max: float = _p(15_000, 1_000, 200_000, "Upper bound (exclusive) of the 'medium' size class.",
                           "MODEL.md s2", unit="inhabitants")

    # --- municipal traits derived from size and economy (where a scenario gives none) -------
    # competence = clip(base + slope * ln(population / reference), min, max)
    competence_base: float = _p(0.35, 0.0, 1.0, "ICT (ordering) competence of a municipality of competence_reference inhabitants.",
                                "002 SF19 (competence scarce in small municipalities)", unit="competence (0-1)")
    competence_slope: float = _p(0.12, 0.0, 1.0, "Rise of competence per e-fold of population.", "002 SF19", unit="competence per ln(inhabitants)")
    competence_reference: float = _p(5_000.0, 200.0, 700_000.0, "Population at which competence equals competence_base.",
                                     unit="inhabitants")
    competence_min: float = _p(0.05, 0.0, 1.0, "Least derived competence (the smallest municipalities).", unit="competence (0-1)")
    competence_max: float = _p(0.95, 0.0, 1.0, "Most derived competence (the largest municipalities).", unit="competence (0-1)")
    # ambition = clip(base + slope * ln(population / reference) + economy * (net result - 4.3), 0, 1)
    ambition_base: float = _p(0.4, 0.0, 1.0, "Digital ambition of a municipality of ambition_reference inhabitants with the national mean "
                              "net operating result.", "004 L721, L750", unit="ambition (0-1)")
    ambition_slope: float = _p(0.15, 0.0, 1.0, "Rise of ambition per e-fold of population.", "004 L721, L750", unit="ambition per ln(inhabitants)")
    ambition_reference: float = _p(8_000.0, 200.0, 700_000.0, "Population at which ambition equals ambition_base (at the mean economy).",
                                   unit="inhabitants")
    ambition_economy: float = _p(0.04, 0.0, 1.0, "Rise of ambition per percentage point of net operating result above the national "
                                 "mean (4.3 %, 004 L719).", "004 L721", unit="ambition per % of revenue")

    # --- perspectives (MODEL.md s4) -------------------------------------------------------
    w_instrumental: float = _p(1.0, 0.0, 5.0, "Weight of the instrumental perspective (logic of consequence).", unit="weight")
    w_cultural: float = _p(1.0, 0.0, 5.0, "Weight of the cultural perspective (logic of appropriateness).", unit="weight")
    w_myth: float = _p(1.0, 0.0, 5.0, "Weight of the myth perspective (legitimacy, isomorphism).", unit="weight")
    temperature: float = _p(0.238, 0.01, 5.0, "Logit temperature: higher means noisier, more boundedly rational choice.", unit="utility")

    # --- instrumental: costs with economies of scale -------------------------------------
    fixed_cost: float = _p(7980000.0, 0.0, 5.0e7, "Stand-alone fixed ICT cost per municipality and year (NOK): systems, licences, minimum staff. "
                           "Makes small municipalities pay far more per inhabitant.", "004 L764 ('we are too small')", unit="NOK/year")
    per_capita_cost: float = _p(2_000.0, 0.0, 10_000.0, "Stand-alone variable ICT cost per inhabitant and year (NOK).", unit="NOK/inhabitant/year")
    collab_fixed_cost: float = _p(17800000.0, 0.0, 5.0e7, "Fixed cost of running a collaboration's joint organisation (NOK/year).", unit="NOK/year")
    # economies of scale in the joint organisation (issue 11, Setesdal): its fixed cost grows with
    # the population it serves, less than proportionally; 0 keeps one fixed cost for every pool
    collab_fixed_elasticity: float = _p(0.411, 0.0, 1.0, "Elasticity of the joint organisation's fixed cost in the population it serves: "
                                        "collab_fixed_cost * min(1, pool population / collab_fixed_reference) ** elasticity: a pool below the "
                                        "reference runs a smaller organisation. 0 switches it off (one fixed cost for every pool); below 1 "
                                        "a larger pool still pays less per inhabitant.",
                                        "004 L764-766 (economies of scale)", unit="elasticity")
    collab_fixed_reference: float = _p(50_000.0, 1_000.0, 1_000_000.0, "Pool population from which the joint organisation's fixed cost "
                                       "is the full collab_fixed_cost (used when collab_fixed_elasticity > 0).", unit="inhabitants")
    pooled_discount: float = _p(0.2, 0.0, 0.9, "Reduction of the per-inhabitant cost on the pooled part of the portfolio (volume, shared operations).",
                                "004 L766 (even the largest stay for scale)", unit="share")
    transaction_cost: float = _p(292000.0, 0.0, 5.0e6, "Coordination cost coefficient (NOK/year): T = c * (n-1)^exponent * (1 + heterogeneity). "
                                 "Multiplied by the governance model's own coefficient.", "002 L2179-2209 ('more cooks, more mess')", unit="NOK/year")
    transaction_exponent: float = _p(1.61, 1.0, 3.0, "Exponent of the transaction cost in the number of members (> 1: grows faster than linearly).",
                                     "002 L2179-2209", unit="exponent")
    # coordination load by size (issue 11, size gradient): a member counts as a share of a
    # reference municipality's coordination load, not as one whole member
    transaction_size_share: float = _p(0.874, 0.0, 1.0, "Share of the transaction cost's member count that is measured in population "
                                       "(members weighted by their size relative to transaction_size_reference) rather than counted "
                                       "one each: larger municipalities need formal cross-unit structures to collaborate, smaller ones "
                                       "coordinate through relations. 0: every member counts as one (off).",
                                       "003 L78-81, L1161-1169 (a divide at 25,000 inhabitants)", unit="share")
    transaction_size_reference: float = _p(23200.0, 1_000.0, 200_000.0, "Population that counts as one member's coordination load "
                                           "when transaction_size_share > 0.", "003 L78-81, L1161-1169", unit="inhabitants")
    heterogeneity_weight: float = _p(1.11, 0.0, 5.0, "How much size heterogeneity (CV of member populations) inflates transaction cost.",
                                     "002 L2179-2195 (members less alike, coordination harder)", unit="factor")
    region_span_weight: float = _p(0.1, 0.0, 2.0, "Share by which the transaction cost rises for each region beyond the first "
                                   "that a collaboration's members lie in: coordinating members far apart costs more "
                                   "(0 = off, as before 2026-12-02). Not calibrated: the least of 0.1, 0.2 and 0.5 tried on "
                                   "norway; a one-key ABC given the rest does not identify it (90 % [0.03, 0.46]; "
                                   "docs/validation.md, 'Coordination across regions').",
                                   "002 L2178-2183 ('nearly all the members were within walking distance of each other', "
                                   "coordination easier); 000 L523 (distance); 002 L127-129 (close, within one county)",
                                   unit="share/region")
    cloud_drift: float = _p(0.01, 0.0, 0.1, "Yearly erosion of the pooled-operations discount from the cloud year on (vendors take over operations).",
                            "004 L756", unit="share/year")
    cloud_year: float = _p(2015, 1990, 2100, "Year from which cloud services erode the value of pooled operations.", "004 L756", unit="year")

    # --- instrumental: benefits ------------------------------------------------------------
    quality_value: float = _p(1_500.0, 0.0, 10_000.0, "Value (NOK per inhabitant and year) of full-quality ICT services and development.", unit="NOK/inhabitant/year")
    operations_quality: float = _p(0.55, 0.0, 1.0, "Quality of pooled operations and security in a collaboration, before development.", unit="quality (0-1)")
    development_rate: float = _p(1.0, 0.0, 10.0, "Development capacity (developer-years) per 10,000 pooled inhabitants.", unit="developer-years/10,000 inhabitants")
    development_half: float = _p(4.0, 0.1, 100.0, "Development output (developer-years) at which development quality is half realised.", unit="developer-years")
    size_gain_half: float = _p(1060.0, 0.0, 1.0e5, "Population at which a member captures half of a collaboration's development gains; "
                               "small members gain little from uniform systems.", "002 L1534-1633 (SF9, SF10)", unit="inhabitants")
    opt_in_misfit: float = _p(0.25, 0.0, 1.0, "Share of the gap above a voluntary common standard that a member still feels: "
                              "members above the 'good enough' minimum opt in to more.", "004 L750", unit="share")
    misfit_cost: float = _p(600.0, 0.0, 5_000.0, "Cost (NOK/inhabitant/year) of a full-scale gap between own ambition and the common standard, "
                            "times the pooled share.", "004 L721, L750", unit="NOK/inhabitant/year")
    delay_cost: float = _p(476.0, 0.0, 5_000.0, "Cost (NOK/inhabitant/year) of one year of joint-process delay on the pooled share; "
                           "drives leakage.", "004 L888", unit="NOK/inhabitant/year per year of delay")
    leakage_step: float = _p(0.1, 0.01, 0.5, "Share of the portfolio moved outside the collaboration by one 'buy on own' decision.", "004 L888; 002 L2139", unit="share of portfolio")
    leakage_cap: float = _p(0.9, 0.1, 1.0, "Most of its portfolio a member may buy on its own while staying a member.", "004 L888", unit="share of portfolio")
    leakage_decay: float = _p(0.0454, 0.0, 1.0, "Yearly share of leakage brought back into the collaboration when no new leak happens.", unit="share/year")
    coordination_step: float = _p(0.1, 0.01, 0.5, "Change of coordination level c by one raise/lower decision.", unit="coordination level")
    initial_coordination: float = _p(0.5, 0.0, 1.0, "Coordination level c of a new member.", unit="coordination level")
    horizon: float = _p(8.0, 1.0, 40.0, "Years over which one-off costs (migration, exit terms) are spread in the utility.", unit="years")
    migration_cost: float = _p(400.0, 0.0, 5_000.0, "One-off cost (NOK/inhabitant) of migrating onto a collaboration's platform.", "002 L2191-2217", unit="NOK/inhabitant")
    family_switch_cost: float = _p(800.0, 0.0, 10_000.0, "Extra one-off cost (NOK/inhabitant) of switching legacy system family (e.g. ERP).",
                                   "004 L860, L870; 001 L2471", unit="NOK/inhabitant")
    core_system_share: float = _p(0.3, 0.0, 1.0, "Share of the portfolio held by the core (ERP) system; a member of another family keeps it outside.",
                                  "004 L870, L1022", unit="share of portfolio")
    staggered_pace: float = _p(0.35, 0.01, 1.0, "Share of a collaboration's development capacity that staggered onboarding may use "
                               "per year (batch onboarding uses all of it).", "002 L37-47, L2396-2409", unit="share/year")
    max_delay: float = _p(3.0, 0.5, 20.0, "Longest joint-process delay (years) a member experiences, however long the queue.", unit="years")
    founding_delay: float = _p(1.0, 0.0, 20.0, "Joint-process delay (years) founders expect while the new collaboration builds its joint platform.", unit="years")
    onboarding_work: float = _p(0.736, 0.0, 10.0, "Developer-years of onboarding per new member and 10,000 inhabitants (plus one base unit).",
                                "002 L37-47, L2211", unit="developer-years/10,000 inhabitants")
    shock_probability: float = _p(0.08, 0.0, 1.0, "Yearly probability of a regional shock (cyber attack, pandemic).", "004 L908-928", unit="probability/year")
    shock_loss: float = _p(400.0, 0.0, 5_000.0, "Expected yearly loss (NOK/inhabitant) of a municipality alone when risk perception is 1.", "004 L908-928", unit="NOK/inhabitant/year")
    shock_size: float = _p(1.0, 0.0, 1.0, "Rise in perceived risk from a shock: every random shock, and a scheduled one that gives no "
                           "size of its own.", "004 L908-928", unit="risk (0-1)")
    shock_memory: float = _p(0.7, 0.0, 1.0, "Yearly persistence of risk perception after a shock.", unit="share/year")
    member_protection: float = _p(0.8, 0.0, 1.0, "Share of the shock loss a member is protected from by pooled security.", "004 L920 (security value)", unit="share")
    competence_protection: float = _p(0.5, 0.0, 1.0, "Share of the shock loss a fully competent municipality averts by itself "
                                      "(its exposure falls linearly with competence).", unit="share")

    # --- bounded rationality and satisficing ------------------------------------------------
    aspiration_rate: float = _p(0.3, 0.0, 1.0, "Speed with which aspirations adapt to own and peers' outcomes.", unit="share/year")
    social_comparison: float = _p(0.689, 0.0, 1.0, "Weight of neighbours' outcomes in the aspiration level.", unit="weight")
    satisficing_tolerance: float = _p(39.4, 0.0, 1_000.0, "Shortfall (NOK/inhabitant) below aspiration that makes a municipality search.", unit="NOK/inhabitant/year")
    review_rate: float = _p(0.0561, 0.0, 1.0, "Yearly probability that a satisfied municipality reviews its options anyway.", unit="probability/year")
    utility_scale: float = _p(500.0, 1.0, 1.0e4, "NOK per inhabitant that equal one unit of instrumental utility.", unit="NOK/inhabitant per utility")
    # Applicants learn from refusal: after n refusals in a row by a collaboration, an outsider
    # expects to be admitted with chance (1 - refusal_learning)^n, and weighs applying again as
    # that mix of joining and standing alone (docs/ODD.md 7.15). Without it an applicant refused
    # as part of a regional bloc asks again every year for decades instead of founding with its
    # partners (docs/validation.md, "A lock-out across regions"). 0.1 since 2026-12-01: inside the
    # calibration's 90 % interval [0.07, 0.46] (not identified; its median 0.23 costs Hedmark's
    # late joiner), with 84 history-pattern passes against 82 off; 0 = off.
    refusal_learning: float = _p(0.1, 0.0, 1.0, "Share by which each refusal in a row by a collaboration lowers an outsider's expected "
                                 "chance of admission to it; applying is weighed as that chance of joining and the rest of "
                                 "standing alone. 0 = off (applicants expect admission however often refused).",
                                 "MODEL.md s4 (bounded rationality); 004 L258 (no opportunity among neighbours, a hindrance)", unit="share per refusal")

    # --- cultural (MODEL.md s4) ------------------------------------------------------------
    habit_strength: float = _p(0.66, 0.0, 5.0, "Status-quo bonus at full habit.", unit="utility")
    habit_years: float = _p(6.0, 0.1, 50.0, "Tenure (years) for habit to reach 63% of full strength.", unit="years")
    juncture_relief: float = _p(0.8, 0.0, 1.0, "Share of habit relaxed while a critical juncture is open.", "004 L1032", unit="share")
    identity_weight: float = _p(0.6, 0.0, 5.0, "Weight of cultural similarity with a collaboration's members.", unit="weight")
    region_weight: float = _p(0.377, 0.0, 5.0, "Weight of sharing the region with a collaboration's members.", "004 L862, L874", unit="weight")
    trust_weight: float = _p(0.615, 0.0, 5.0, "Weight of trust towards a collaboration's members.", unit="weight")
    family_weight: float = _p(0.4, 0.0, 5.0, "Weight of system-family compatibility with partners.", "001 L2471", unit="weight")
    autonomy_weight: float = _p(1.64, 0.0, 5.0, "Weight of the autonomy norm against pooling.", "004 (culture of autonomy)", unit="weight")
    trust_gain: float = _p(0.08, 0.0, 1.0, "Yearly trust gain between co-members.", unit="trust/year")
    trust_decay: float = _p(0.03, 0.0, 1.0, "Yearly decay of trust towards its baseline when apart.", unit="share/year")
    convergence_rate: float = _p(0.05, 0.0, 1.0, "Base yearly chance that a member adopts a trait from a random co-member (Axelrod); "
                                 "scaled by 0.5 + their similarity.", unit="probability/year")
    voice_weight: float = _p(0.445, 0.0, 5.0, "Appropriateness of voice (reform proposals) for loyal members.", "002 L2512", unit="utility")

    # --- myth (MODEL.md s4) ------------------------------------------------------------------
    legitimacy_weight: float = _p(0.595, 0.0, 5.0, "Weight of national legitimacy pressure L(t) on collaborating and standardising.",
                                  "000, 001, 003, 004 (eKommune, Digital agenda, national strategy)", unit="weight")
    legitimacy_uptake: float = _p(0.329, 0.05, 1.0, "Share of the gap between national legitimacy pressure L(t) and the pressure municipalities feel "
                                  "that closes each year (1 = felt at once).", "003 L2730-2736 (local plans follow a national strategy a year or two later)", unit="share/year")
    mimetic_weight: float = _p(0.347, 0.0, 5.0, "Weight of imitating neighbours and successful collaborations under uncertainty.", "004 L1060", unit="weight")
    normative_weight: float = _p(0.2, 0.0, 5.0, "Weight of professional recipes carried between collaborations (raise coordination).", unit="weight")
    merger_legitimacy: float = _p(0.886, 0.0, 5.0, "Extra legitimacy of consolidation (bigger collaborations) under pressure.", unit="weight")

    # --- myth: fashions and decoupling (issue 11; off at the defaults: not in the joint calibration) --
    fashion_weight: float = _p(0.0, 0.0, 5.0, "Weight of organisational fashions in a form's legitimacy: a form's fashion standing "
                               "(governance fields fashion_gain/rise, fashion_loss/fall) is added to its legal sanction, times this "
                               "(0 = off: forms keep their fixed legitimacy).",
                               "004 L469 (fashions are what 'all' do), L1046; 003 fashion waves (L1753-1759, L2117-2121)", unit="weight")
    fashion_width: float = _p(2.0, 0.1, 20.0, "Years over which a form's rise into or fall out of fashion runs (the logistic's scale).",
                              unit="years")
    legitimacy_fade: float = _p(0.0, 0.0, 1.0, "Yearly share of a national strategy step's push on L(t) that fades until the next "
                                "strategy: the novelty of a strategy wears off (0 = off: L(t) holds each step).",
                                "003 L2619-2631 (first-generation documents), L1673-1677 (an ICT strategy that lapsed)",
                                unit="share/year")
    declaration_rate: float = _p(0.0, 0.0, 1.0, "Yearly share of the way a fully receptive municipality's strategy moves towards the "
                                 "coordination the felt pressure prescribes (min(1, legitimacy_weight x L(t))); times its receptivity. "
                                 "Whatever its systems do: "
                                 "talk without action (0 = off: it declares only the coordination it has agreed).",
                                 "003 L2730-2736 (strategies a year or two after a national one), L3058-3065, L3842-3848; 000 L646-654",
                                 unit="share/year")

    # --- collaborations ----------------------------------------------------------------------
    bloc_trust: float = _p(0.402, 0.0, 1.0, "Trust above which outside region-mates consider applying together with an applicant (regional blocs).",
                           "004 L301 (Kongsvinger, Grue and Nord-Odal join together in 2011)", unit="trust (0-1)")
    found_trust: float = _p(0.415, 0.0, 1.0, "Trust a municipality must have in outside neighbours to found a collaboration with them: "
                            "collaborations formalise existing ties.", "002 L388-390 (SF2)", unit="trust (0-1)")
    found_max_partners: int = _p(4, 1, 20, "Most outside neighbours invited when founding a collaboration.", unit="municipalities")
    merger_review_rate: float = _p(0.346, 0.0, 1.0, "Yearly probability that two neighbouring collaborations consider merging.", unit="probability/year")
    juncture_merger_boost: float = _p(2.8, 1.0, 20.0, "Factor on merger_review_rate while a critical juncture is open (structures are "
                                      "reconsidered at junctures).", "004 L1032-1034 (big structural change clusters in windows)", unit="factor")
    # consolidation (docs/ODD.md "Consolidation"): collaborations form from existing ties, neighbours
    # join along the way, established collaborations merge (002 L388-393). On at the defaults (the calibration's posterior median).
    merger_route: float = _p(1.0, 0.0, 1.0, "Share of members' wishes to switch to a neighbouring collaboration that go to their "
                             "collaboration as a merger proposal, put to both collaborations' votes that year, instead of a "
                             "notice to leave alone (0 = off: members switch one by one).",
                             "002 L388-393 (established collaborations merged), L145-147 (Setesdal IKT into IKT Agder); "
                             "002 L2512-2520 (proposals, not withdrawal)", unit="share")
    merger_myth: float = _p(1.49, 0.0, 5.0, "Extra legitimacy of consolidation, on top of merger_legitimacy, when members vote on "
                            "merging two collaborations: absorbing a whole collaboration is the visible 'bigger is better' act "
                            "(0 = off: a merger carries what an admission carries).",
                            "004 L764 ('part of something bigger'), L880 (gather the regions in one collaboration); "
                            "002 L145-147", unit="weight")
    merger_myth_across_counties: float = _p(0.0, 0.0, 1.0, "Share of merger_myth a merger carries when the two collaborations' "
                                            "members span more than one county: the myth is of gathering a region's "
                                            "municipalities in one collaboration, not of spanning the country (1 = off: every "
                                            "merger carries all of it, as before 2026-12-02).",
                                            "004 L880 (gather the municipalities in the regions); 002 L127-129 (ICT "
                                            "collaborations come about between neighbours within the same county), L137-147 "
                                            "(IKT Agder, the largest in its county); 003 L1603, L2766 (county-wide networks)",
                                            unit="share")
    found_min_partners: int = _p(2, 1, 20, "Fewest invited neighbours who must accept for a collaboration to be founded "
                                 "(1: a pair can be founded).", "002 L388-390 (formalised existing collaborations); "
                                 "004 L301 (HIKT founded by three)", unit="municipalities")
    merger_switching: float = _p(0.361, 0.0, 1.0, "Share of a move's switching costs the absorbed collaboration's members weigh "
                                 "when voting on a merger: its members migrate onto the absorbing platform (migration_cost, "
                                 "family_switch_cost under mandatory common systems) and give up the habit of their arrangement, "
                                 "as a member switching alone does (0 = off: a merger costs them nothing one-off).",
                                 "002 L2191-2217 (onboarding onto the platform), L1977 (mandatory common systems); 004 L1032 "
                                 "(habit relaxed at junctures)", unit="share")
    founding_commitment: float = _p(1.26, 0.0, 20.0, "Years after its founding in which a new collaboration's members "
                                    "cannot give notice (a binding founding agreement; 0 = off).",
                                    "000 L1038-1046 (binding cooperation agreement), L1140-1144 (investments bind "
                                    "the actors in the long term)", unit="years")
    notice_foresight: float = _p(0.0, 0.0, 1.0, "Share of its exit notice a member foresees when it weighs leaving: for the "
                                 "notice's years of the planning horizon it stays on today's terms, so a longer notice delays "
                                 "what leaving brings (0 = off, the default: the notice only delays the exit itself; on, a longer "
                                 "notice raises exits by chance, docs/validation.md).",
                                 "000 L1038-1046 (a binding agreement regulating responsibilities and resource input keeps "
                                 "networks alive)", unit="share")
    reputation_memory: float = _p(0.7, 0.0, 1.0, "Persistence of a collaboration's reputation (exponential average).", unit="share/year")
    voice_decay: float = _p(0.7, 0.0, 1.0, "Yearly persistence of a collaboration's accumulated voice (reform proposals).", unit="share/year")
    voice_threshold: float = _p(2.0, 0.1, 50.0, "Accumulated voice that triggers a differentiation reform.", "002 L2512-2520", unit="voice")
    reform_gain: float = _p(0.5, 0.0, 1.0, "Share of its misfit and delay costs a member expects a differentiation reform to remove "
                            "(what voice is worth to it).", unit="share")
    reform_backlog_cut: float = _p(0.5, 0.0, 1.0, "Share of the joint backlog a differentiation reform drops (the pipeline is reprioritised).", unit="share")
    director_turnover: float = _p(0.05, 0.0, 1.0, "Yearly probability of director turnover in a municipality: a local juncture.", "004 L798, L930", unit="probability/year")

    # --- attrition from Berg's reasons (000 L515-529): trust erosion ---------------------------
    # conflicts lower trust between a member and its co-members (cultural.erode_trust); 0 = off
    trust_erosion: float = _p(0.238, 0.0, 0.5, "Share of the trust between a member and each co-member lost per conflict "
                              "(proposal voted down, standard imposed, cost dispute, failed or late project); 0 = trust only grows.",
                              "000 L527 (Berg: lack of trust); seeds_000_001 A4.6g", unit="share/conflict")
    dispute_margin: float = _p(0.25, 0.0, 5.0, "A cost dispute: a member's cost share above (1 + this) times its population share "
                               "(or an outcome below standing alone).", "000 L515, L519 (size and power; economy and costs)", unit="share")
    project_shortfall: float = _p(0.5, 0.0, 1.0, "A failed project: a collaboration's development output below this share of the "
                                  "capacity its pooled inhabitants give (a conflict for every member).", "002 L37-47 (onboarding crowds out development)",
                                  unit="share")
    late_delay: float = _p(1.0, 0.0, 20.0, "A late project: joint-process delay above this many years (a conflict for every member).",
                           "002 L2191-2217 (onboarding delay)", unit="years")

    # --- attrition from Berg's reasons: collaboration leadership ----------------------------------
    # each collaboration's leadership quality; redrawn at director turnover (Collaboration.change_leadership)
    leadership_turnover: float = _p(0.281, 0.0, 1.0, "Yearly probability that a collaboration changes director and its leadership "
                                    "quality is drawn anew; 0 = stable leadership at leadership_mean (no draws).",
                                    "000 L529 (Berg: weak change leadership); 001 L1200-1208 (stable leadership)", unit="probability/year")
    leadership_mean: float = _p(0.5, 0.0, 1.0, "Leadership quality of a collaboration at founding, and the mean of a new director's.",
                                unit="quality (0-1)")
    leadership_spread: float = _p(0.5, 0.0, 0.5, "Half-width of the uniform draw of a new director's quality around leadership_mean "
                                  "(clipped to 0-1).", unit="quality (0-1)")
    leadership_development: float = _p(1.0, 0.0, 2.0, "Change of development output (share) per unit of leadership quality above "
                                       "neutral_leadership: catalytic leadership makes joint work succeed.",
                                       "001 L1102-1106 (catalytic leadership); seeds_000_001 A4.6h", unit="share per quality")
    leadership_commitment: float = _p(1.0, 0.0, 5.0, "Members' commitment per unit of leadership quality above neutral_leadership "
                                      "(cultural value of being a member).", "001 L1200-1208 (joint ownership, commitment to continue)",
                                      unit="utility per quality")
    neutral_leadership: float = _p(0.5, 0.0, 1.0, "Leadership quality that neither helps nor hinders development and commitment.",
                                   unit="quality (0-1)")

    # --- attrition from Berg's reasons: budget stress --------------------------------------------
    # each municipality's net operating result varies (national years + its own, AR(1)); 0 weight = off
    budget_stress_weight: float = _p(0.0846, 0.0, 2.0, "Extra weight of the member fee in the instrumental appraisal per percentage point "
                                     "of net operating result below recommended_net_result; 0 = off (the economy is then not simulated).",
                                     "000 L519 (Berg: economy and costs); 002 L333-337 (poor economy)", unit="share of fee per % of revenue")
    recommended_net_result: float = _p(1.75, -10.0, 10.0, "Net operating result below which a municipality's economy is under stress.",
                                       "004 L709 (recommended level 1.75 %)", unit="% of revenue")
    economy_national_sd: float = _p(1.0, 0.0, 10.0, "Yearly innovation of the national economic year shared by all municipalities "
                                    "(deviation of the net operating result, around the national mean 4.3 %, 004 L719).", unit="% of revenue")
    economy_local_sd: float = _p(1.0, 0.0, 10.0, "Yearly innovation of a municipality's own economic year.", unit="% of revenue")
    economy_persistence: float = _p(0.6, 0.0, 0.99, "AR(1) persistence of the national and the own deviations of the net operating result.",
                                    unit="share/year")

    # --- path dependency: increasing returns from sunk joint investments (issue 11, item 4) ---
    # Each member-year sinks investments specific to the collaboration (common systems,
    # integrations, competence built together; 000 L1140-1144: ICT investments "bind the actors
    # up in the long term"): the collaboration's lasting development grows with members and
    # tenure, and a leaver loses its share, more the longer it has been in. A critical juncture
    # relaxes that loss like habit and exit terms (juncture_relief; 004 L1032-1034).
    increasing_returns: float = _p(1.0, 0.0, 3.0, "Switch and strength of increasing returns from sunk joint investments: 0 = off "
                                   "(no stock, no loss on leaving); 1 = the rates sunk_stake_cost and sunk_development as given, the value "
                                   "recommended for the joint calibration (docs/teaching.md: measured on two_hubs and hedmark).",
                                   "000 L1140-1144; 004 L453 (path dependence, Pierson 2000)", unit="factor")
    sunk_stake_cost: float = _p(1180.0, 0.0, 5_000.0, "Value (NOK per inhabitant) of the joint investments a member sinks in one year of "
                                "membership that are specific to its collaboration and lost if it leaves (asset specificity); "
                                "a leaver loses sunk_stake_cost x its stake (member-years, ageing out over sunk_life).",
                                "000 L1140-1144", unit="NOK/inhabitant per member-year")
    sunk_development: float = _p(0.1, 0.0, 1.0, "Developer-years of lasting development (common systems, integrations) that one "
                                 "member-year of joint investment adds to a collaboration's development output while it lasts.",
                                 "000 L1140-1144", unit="developer-years per member-year")
    sunk_life: float = _p(8.0, 1.0, 40.0, "Mean life of joint investments: each year 1/sunk_life of the stock (and of each member's "
                          "stake) ages out as systems are renewed.", unit="years")

    # --- exclusion cost: refusing a region-mate (issue 11, size gradient) -----------------------
    # A member voting on an applicant from its own region weighs what a refusal would cost the
    # other binding collaboration it has with that municipality: exclusion "can make
    # collaboration more difficult on other arenas", and HIKT works to gather all the region's
    # municipalities in one collaboration (004 L880). On at 1 (the `exclusion_cost` lever's "on")
    # since 2026-12-01: without it a region's outsiders applying as one bloc to a small
    # collaboration of their own region could be refused every year of a run, which turned the
    # fixed-cost lever's sign on a generated region no calibration saw (docs/validation.md,
    # "A region locked out"). Set after the calibration; a calibration with it free on [0, 2]
    # puts it at 0.95 [0.25, 1.65] and keeps every other default inside its 90 % interval
    # (results/abc-exclusion, "Calibrated with the exclusion cost free"); 0 = off.
    exclusion_cost: float = _p(1.0, 0.0, 20.0, "Appropriateness (cultural utility) of admitting an applicant case wholly from the "
                               "voting member's own region, i.e. the cost of excluding region-mates with whom it has other binding "
                               "collaboration; scaled by the case's share of region-mates. 0 = off.",
                               "004 L880", unit="utility")

    # --- theory constants (named, previously literals) --------------------------------------
    neutral_similarity: float = _p(0.5, 0.0, 1.0, "Cultural similarity with a partner group at which that term of identity fit is zero: "
                                   "more similar groups attract, less similar ones repel.", unit="similarity (0-1)")
    neutral_region_share: float = _p(0.5, 0.0, 1.0, "Share of partners from the own region at which that term of identity fit is zero.",
                                     "004 L862, L874 (regional trust, founder blocs)", unit="share")
    neutral_trust: float = _p(0.3, 0.0, 1.0, "Mean trust in partners at which that term of identity fit is zero: partners trusted "
                              "more than this attract.", unit="trust (0-1)")
    neutral_family_share: float = _p(0.5, 0.0, 1.0, "Share of partners running the own system family at which that term of identity "
                                     "fit is zero.", "001 L2471", unit="share")
    informal_form_legitimacy: float = _p(0.5, 0.0, 1.0, "Share of the legitimacy of collaborating that a form without legal sanction "
                                         "(form legitimacy 0) still carries; a fully sanctioned form (1) carries all of it: "
                                         "pressure x receptivity x (this + (1 - this) x form legitimacy).", unit="share")

    def replace(self, **changes: Any) -> Parameters:
        return replace(self, **changes)


def describe() -> list[dict[str, Any]]:
    """The parameter table: name, default, bounds, doc and source (for --help and docs)."""
    return [
        {"name": f.name, "default": f.default, **f.metadata}
        for f in fields(Parameters)
    ]


PARAMETER_NAMES = frozenset(f.name for f in fields(Parameters))
