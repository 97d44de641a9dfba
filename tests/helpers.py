"""Small shared helpers for the tests."""

import numpy as np

from simulation import CollaborationModel, load_scenario, metrics


def ensemble(scenario: str, overrides: dict, seeds=range(4)) -> dict[str, float]:
    """Mean outcomes over seeds: small-municipality membership, mean member share, departures."""
    base = load_scenario(scenario, overrides)
    rows = []
    for seed in seeds:
        m = CollaborationModel(base, seed=seed).run()
        s = metrics.series(m)
        small = [mm.collaboration is not None for mm in m.municipalities if mm.size_class() == "small"]
        rows.append((np.mean(small), s.member_share.mean(), s.notices.sum() + s.exits.sum()))
    small, share, departures = np.mean(rows, axis=0)
    return {"small_members": small, "member_share": share, "departures": departures}


#: The off value of every mechanism that issue 11 switched on in the registry defaults (one
#: jointly calibrated behavioural set). Tests of a mechanism's off behaviour, or of a known
#: answer computed without these mechanisms, pin them here rather than rely on the defaults.
NEW_MECHANISMS_OFF = {
    "trust_erosion": 0.0,
    "leadership_turnover": 0.0,
    "budget_stress_weight": 0.0,
    "increasing_returns": 0.0,
    "merger_route": 0.0,
    "merger_myth": 0.0,
    "found_min_partners": 1,
    "transaction_size_share": 0.0,
    "founding_commitment": 0.0,
    "collab_fixed_elasticity": 0.0,
    "merger_switching": 0.0,
    "region_span_weight": 0.0,
}


def mechanisms_off(**on) -> dict:
    """NEW_MECHANISMS_OFF with the given keys set (e.g. the one mechanism under test)."""
    return {**NEW_MECHANISMS_OFF, **on}
