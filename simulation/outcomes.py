"""What a run reports, declared once: the outcomes of a run and the per-tick series, with meanings.

``metrics.summary(model)`` returns exactly ``OUTCOMES`` (in this order) and ``metrics.series(model)``
has a column for each of ``SERIES`` (after ``tick``); tests/test_outcomes.py checks both on a real
run. Experiment files are checked against these lists (``outputs``, ``series``), so checking a file
needs no simulation, and sweeps give failed runs every outcome column (as missing values).
Money is NOK per inhabitant and year unless marked; shares are of all municipalities.
"""

from __future__ import annotations

# name -> meaning; the end state is the last tick's, totals sum over all ticks
OUTCOMES: dict[str, str] = {
    "member_share": "share of municipalities in a collaboration at the end",
    "member_population_share": "share of the population in a collaboration at the end",
    "collaborations": "number of collaborations at the end",
    "largest_share": "share of municipalities in the largest collaboration at the end (consolidation)",
    "concentration": "Herfindahl index of collaboration sizes among members at the end (1 = one collaboration)",
    "peak_member_share": "highest member share in any tick",
    "retained_share": "membership retained: member share at the end / peak member share",
    "mean_coordination": "members' mean coordination at the end",
    "mean_leakage": "members' mean leakage at the end",
    "decoupling_gap": "decoupling gap at the end: municipalities' mean declared coordination (talk) less the share "
                      "of their systems on a common platform (action)",
    "cost_small": "mean ICT cost per inhabitant of small municipalities at the end (NOK)",
    "cost_medium": "mean ICT cost per inhabitant of medium municipalities at the end (NOK)",
    "cost_large": "mean ICT cost per inhabitant of large municipalities at the end (NOK)",
    "development_output": "collaborations' development output, mean over ticks (developer-years per year)",
    "gain_small": "small members' mean net benefit of membership per inhabitant at the end (NOK)",
    "gain_large": "large members' mean net benefit of membership per inhabitant at the end (NOK)",
    "lock_in_share": "share of members locked in at the end",
    "family_camps": "mean number of system families within a collaboration at the end",
    "joins": "joins, founders included (total)",
    "exits": "exits (attrition, total)",
    "foundings": "collaborations founded (total)",
    "mergers": "mergers (consolidation, total)",
    "dissolutions": "collaborations dissolved (total)",
    "rejections": "applications rejected (total)",
    "leaks": "decisions to buy systems on one's own while a member (total)",
    "voice": "members speaking up (total)",
    "reforms": "collaborations' reforms (total)",
    "expected_notices": "notices to leave the members' searches were expected to give (the logit's chances summed, total; "
                        "estimates the notices without the draw's noise)",
    "exit_payments": "exit terms paid by departing members (MNOK, total)",
    "tipped_instrumental": "share of changes tipped by the instrumental perspective",
    "tipped_cultural": "share of changes tipped by the cultural perspective",
    "tipped_myth": "share of changes tipped by the myth perspective",
    # notices to leave by the attrition reason that weighed most (Berg, 000 L515-529; perspectives.attrition)
    "notices_trust": "notices to leave for lack of trust in the co-members (total)",
    "notices_leadership": "notices to leave for weak change leadership (total)",
    "notices_budget": "notices to leave for budget stress: the member fee weighs more (total)",
    "notices_cost": "notices to leave for needs and benefit, economy and costs (total)",
    "notices_heterogeneity": "notices to leave for heterogeneity in size and power (total)",
    "notices_technology": "notices to leave for the choice of technology: misfit, another system family (total)",
    "notices_distance": "notices to leave for distance: another region or culture (total)",
    "notices_autonomy": "notices to leave for the autonomy given up (total)",
    "notices_alternative": "notices to leave for an alternative network (switches, total)",
    "notices_chance": "notices to leave with no term speaking for leaving (the logit's chance, total)",
    # notices to leave each reason accounts for: its share of each notice's chance, summed (attrition.but_for)
    "but_for_trust": "notices to leave lack of trust accounts for (counterfactual shares summed, total)",
    "but_for_leadership": "notices to leave weak change leadership accounts for (total)",
    "but_for_budget": "notices to leave budget stress accounts for (total)",
    "but_for_cost": "notices to leave needs and benefit, economy and costs account for (total)",
    "but_for_heterogeneity": "notices to leave heterogeneity in size and power accounts for (total)",
    "but_for_technology": "notices to leave the choice of technology accounts for (total)",
    "but_for_distance": "notices to leave distance accounts for (total)",
    "but_for_autonomy": "notices to leave the autonomy given up accounts for (total)",
    "but_for_alternative": "notices to leave an alternative network accounts for (total)",
    # the same over exits alone (members leaving to stand alone; a wish to switch may come to nothing)
    "exits_but_for_trust": "exits lack of trust accounts for (counterfactual shares summed, total)",
    "exits_but_for_leadership": "exits weak change leadership accounts for (total)",
    "exits_but_for_budget": "exits budget stress accounts for (total)",
    "exits_but_for_cost": "exits needs and benefit, economy and costs account for (total)",
    "exits_but_for_heterogeneity": "exits heterogeneity in size and power accounts for (total)",
    "exits_but_for_technology": "exits the choice of technology accounts for (total)",
    "exits_but_for_distance": "exits distance accounts for (total)",
    "exits_but_for_autonomy": "exits the autonomy given up accounts for (total)",
    "exits_but_for_alternative": "exits the other arrangement's legitimacy and pull account for (alternative networks, total)",
}

# per-tick series (metrics.MODEL_REPORTERS): name -> meaning; counts are this tick's
SERIES: dict[str, str] = {
    "year": "budget year (tick 0 = the initial state)",
    "member_share": "share of municipalities in a collaboration",
    "member_population_share": "share of the population in a collaboration",
    "collaborations": "number of collaborations",
    "largest_share": "share of municipalities in the largest collaboration",
    "concentration": "Herfindahl index of collaboration sizes among members",
    "mean_coordination": "members' mean coordination",
    "mean_leakage": "members' mean leakage",
    "decoupling_gap": "municipalities' mean declared coordination (talk) less their share on a common platform (action)",
    "cost_small": "mean ICT cost per inhabitant, small municipalities (NOK)",
    "cost_medium": "mean ICT cost per inhabitant, medium municipalities (NOK)",
    "cost_large": "mean ICT cost per inhabitant, large municipalities (NOK)",
    "development_output": "collaborations' development output (developer-years per year)",
    "onboarding_backlog": "members waiting to be onboarded",
    "gain_small": "small members' mean net benefit of membership per inhabitant (NOK)",
    "gain_large": "large members' mean net benefit of membership per inhabitant (NOK)",
    "lock_in_share": "share of members locked in",
    "family_camps": "mean number of system families within a collaboration",
    "legitimacy": "legitimacy pressure L(t)",
    "risk": "perceived risk",
    "shock": "1 in a tick with a shock",
    "juncture": "1 while a critical juncture is open",
    "joins": "joins, founders included",
    "exits": "exits",
    "foundings": "collaborations founded",
    "mergers": "mergers",
    "dissolutions": "collaborations dissolved",
    "rejections": "applications rejected",
    "leaks": "decisions to buy on one's own while a member",
    "voice": "members speaking up",
    "notices": "notices of exit given",
    "reforms": "collaborations' reforms",
    "expected_notices": "notices to leave the members' searches were expected to give (the logit's chances summed)",
    "exit_payments": "exit terms paid by departing members (MNOK)",
    "tipped_instrumental": "changes tipped by the instrumental perspective",
    "tipped_cultural": "changes tipped by the cultural perspective",
    "tipped_myth": "changes tipped by the myth perspective",
}

# a sweep's default per-tick series when an experiment file says ``series = true``
SERIES_DEFAULT = ("member_share", "collaborations", "largest_share", "exits", "mergers")
