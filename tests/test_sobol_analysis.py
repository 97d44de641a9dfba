"""Sobol analysis of a results table: a known-answer test on the Ishigami function (SALib's own
benchmark) and reproducible confidence intervals (SALib reads a bootstrap seed of 0 as none)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from SALib.sample import sobol as sobol_sample

from simulation.experiments import analysis
from simulation.experiments.designs import Factor, salib_problem

FACTORS = [Factor(f"x{i}", -np.pi, np.pi) for i in (1, 2, 3)]
N = 1024


def _ishigami_results(n: int = N, second: bool = False) -> tuple[dict, pd.DataFrame]:
    """A complete 'sweep' whose outcome is Ishigami's f = sin x1 + 7 sin^2 x2 + 0.1 x3^4 sin x1."""
    x = sobol_sample.sample(salib_problem(FACTORS), n, calc_second_order=second, seed=3)
    y = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    manifest = {"spec": {"factors": [{"name": f.name, "low": f.low, "high": f.high, "levels": None,
                                      "integer": False} for f in FACTORS], "calc_second_order": second},
                "runs_planned": len(y)}
    results = pd.DataFrame({"sample": np.arange(len(y)), "status": "ok", "f": y})
    return manifest, results


def test_ishigami_first_order_and_total_indices_match_the_analytic_values():
    """Analytic values for a=7, b=0.1: S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437)."""
    manifest, results = _ishigami_results()
    table = analysis.sobol(manifest, results, ["f"]).set_index("parameter")
    np.testing.assert_allclose(table["S1"], [0.3139, 0.4424, 0.0], atol=0.05)
    np.testing.assert_allclose(table["ST"], [0.5576, 0.4424, 0.2437], atol=0.05)


def test_confidence_intervals_are_the_same_on_every_analysis():
    manifest, results = _ishigami_results()
    first = analysis.sobol(manifest, results, ["f"])
    again = analysis.sobol(manifest, results, ["f"])
    pd.testing.assert_frame_equal(first, again)


def test_a_bootstrap_seed_of_zero_is_refused():
    manifest, results = _ishigami_results()
    with pytest.raises(ValueError, match="must not be 0"):
        analysis.sobol(manifest, results, ["f"], seed=0)


def test_an_outcome_at_one_value_on_most_points_is_flagged():
    """Where almost nobody leaves, the retained share is 1 on nearly every point and its ST can
    come out near one for every parameter (2026-12-02's norway study). Such an outcome carries a
    note saying so; an outcome that varies carries none, and the note does not change the indices."""
    manifest, results = _ishigami_results()
    rare = results.assign(g=np.where(results.f > np.quantile(results.f, 0.95), results.f, 1.0))
    table = analysis.sobol(manifest, rare, ["f", "g"])
    assert (table[table.outcome == "f"].note == "").all()
    assert (table[table.outcome == "g"].note == "95% of points at 1").all()
    alone = analysis.sobol(manifest, rare, ["g"])
    pd.testing.assert_frame_equal(alone.reset_index(drop=True),
                                  table[table.outcome == "g"].reset_index(drop=True))
    assert analysis.one_value_note(np.r_[np.zeros(89), np.ones(11)]) == ""
    assert analysis.one_value_note(np.r_[np.zeros(90), np.ones(10)]) == "90% of points at 0"


def test_the_second_order_and_convergence_panels_carry_the_one_value_note():
    """The flag reaches every figure of a Sobol analysis, not only the index bars: the S2 heat map
    and the convergence panels of an outcome at one value on most points say so in their titles."""
    import matplotlib.pyplot as plt

    from simulation.experiments import convergence

    manifest, results = _ishigami_results(256, second=True)
    f = results.f.to_numpy()
    results = results.assign(g=np.where(f > np.quantile(f, 0.95), f, 1.0))
    _, s2 = analysis.sobol_indices(manifest, results, ["f", "g"])
    fig = analysis.plot_sobol_s2(s2, "two")
    assert [ax.get_title() for ax in fig.axes[:2]] == ["f", "g (95% of points at 1)"]
    plt.close(fig)
    conv = convergence.sobol_convergence(manifest, analysis.per_sample(results, ["f", "g"], len(f)), ["f", "g"])
    fig = convergence.plot_convergence(conv, "ST", "two")
    assert [ax.get_title() for ax in fig.axes[:2]] == ["f", "g (95% of points at 1)"]
    plt.close(fig)
    bare = convergence.plot_convergence(conv.drop(columns="note"), "ST", "an older table")
    assert bare.axes[0].get_title() == "f"
    plt.close(bare)
