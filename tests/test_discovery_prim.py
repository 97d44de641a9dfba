"""PRIM scenario discovery (ema_workbench analysis.prim): known boxes found, table and figure read the
same box, a tiny sweep through imcsim analyze --discover, and the note when ema_workbench is absent."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulation.cli import main
from simulation.experiments import discovery

TINY = """
name = "tiny_prim"
scenario = "synthetic_small"
design = "latin_hypercube"
samples = 24
ticks = 4
seed = 11
[parameters]
transaction_cost = [1.0e5, 3.0e6]
collab_fixed_cost = [0.0, 3.0e7]
"""


def _known(n: int = 400) -> pd.DataFrame:
    """Collapse exactly when a > 0.7; consolidation exactly when a < 0.3 and b > 0.5; c is noise."""
    rng = np.random.default_rng(3)
    a, b, c = rng.uniform(size=(3, n))
    member = np.where(a > 0.7, 0.2, 0.9)
    largest = np.where((a < 0.3) & (b > 0.5), 0.8, 0.3)
    return pd.DataFrame({"a": a, "b": b, "c": c, "member_share": member, "largest_share": largest, "status": "ok"})


def test_prim_finds_the_known_boxes_and_table_matches_figure():
    pytest.importorskip("ema_workbench")
    found = discovery.prim_boxes(_known(), ["a", "b", "c"])
    table = discovery.prim_table(found).set_index(["case", "parameter"])
    assert table.loc[("collapse", "a"), "min"] == pytest.approx(0.7, abs=0.05)
    assert "b" not in table.loc["collapse"].index and "c" not in table.loc["collapse"].index
    assert table.loc[("consolidation", "a"), "max"] == pytest.approx(0.3, abs=0.05)
    assert table.loc[("consolidation", "b"), "min"] == pytest.approx(0.5, abs=0.05)
    assert (table.density >= discovery.PRIM_THRESHOLD).all()
    assert table.loc[("collapse", "a"), "qp_lower"] < 0.01  # a real restriction, not chance
    # the figure rings the same (coverage, density) the table reports
    fig = discovery.plot_prim(found, "known boxes")
    for ax, case in zip(fig.axes[:2], ("collapse", "consolidation"), strict=True):
        assert ax.get_title() == case
        ringed = next(c for c in ax.collections if c.get_gid() == "chosen").get_offsets()[0]
        row = table.loc[case].iloc[0]
        assert tuple(ringed) == pytest.approx((row.coverage, row.density))
    md = discovery.markdown_table(discovery.prim_table(found))
    assert md.startswith("| case | box | coverage") and md.count("\n") == len(table) + 2


def test_prim_without_ema_workbench_returns_none(monkeypatch):
    monkeypatch.setitem(sys.modules, "ema_workbench", None)  # import now raises ImportError
    monkeypatch.setitem(sys.modules, "ema_workbench.analysis", None)
    assert discovery.prim_boxes(_known(50), ["a", "b", "c"]) is None


@pytest.mark.slow
def test_tiny_sweep_discover_writes_prim_outputs(tmp_path: Path, capsys):
    exp = tmp_path / "exp.toml"
    exp.write_text(TINY, encoding="utf-8")
    folder = tmp_path / "res"
    assert main(["sweep", str(exp), "--workers", "1", "--out", str(folder), "-q"]) == 0
    # thresholds set so that both cases occur in 4-tick runs
    assert main(["analyze", str(folder), "--discover", "--collapse-below", "0.9", "--dominant-above", "0.2"]) == 0
    out = capsys.readouterr().out
    analysis = folder / "analysis"
    try:
        import ema_workbench  # noqa: F401
    except ImportError:
        assert "PRIM: skipped, ema_workbench is not installed" in out
        assert not (analysis / "discovery_prim.csv").exists()
        return
    assert "PRIM (ema_workbench analysis.prim)" in out
    table = pd.read_csv(analysis / "discovery_prim.csv")
    assert set(table.case) <= {"collapse", "consolidation"} and len(table)
    assert set(table.parameter.dropna()) <= {"transaction_cost", "collab_fixed_cost"}
    assert (analysis / "discovery_prim.md").read_text().startswith("| case |")
    assert (analysis / "discovery_prim.png").stat().st_size > 10_000
