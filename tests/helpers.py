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
