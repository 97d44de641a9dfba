"""The notebooks run top to bottom (each ends with checks of what its text claims), show figures,
and leave no error outputs. Executed in a copy; the files are not rewritten. The attrition study
runs at its small size (IMCSIM_STUDY_SIZE=small; its full size is the documented study)."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
EXPECTED = ["attrition_study.ipynb", "governance_comparison.ipynb", "hedmark_history.ipynb", "path_dependency.ipynb"]
SMALL = {"attrition_study.ipynb": {"IMCSIM_STUDY_SIZE": "small", "IMCSIM_WORKERS": "1"}}


def test_the_notebooks_exist():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == EXPECTED


@pytest.mark.slow
@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_runs(name, tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    for key, value in SMALL.get(name, {}).items():
        monkeypatch.setenv(key, value)
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(nb, timeout=240, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()  # raises on any cell error
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    figures = sum("image/png" in o.get("data", {}) for o in outputs)
    assert figures >= 1, f"{name}: expected figures, got {figures}"
    assert "all claims hold" in "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
