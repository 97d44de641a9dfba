"""The notebooks run top to bottom (each ends with checks of what its text claims), show figures,
and leave no error outputs. Executed in a copy; the files are not rewritten. The attrition study
runs at its small size (IMCSIM_STUDY_SIZE=small; its full size is the documented study). Their
written text states no results: figures in prose are printed by code cells from the computed
values (``reading(...)`` in path_dependency.ipynb), so they cannot drift."""

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
EXPECTED = ["attrition_study.ipynb", "governance_comparison.ipynb", "hedmark_history.ipynb", "path_dependency.ipynb"]
SMALL = {"attrition_study.ipynb": {"IMCSIM_STUDY_SIZE": "small", "IMCSIM_WORKERS": "1"}}


def test_the_notebooks_exist():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == EXPECTED


# a share or a decimal number (55 %, 0.17, 2.5); code spans and source citations (004 L1032,
# s2.3, Table 5.1) are taken out first
RESULT = re.compile(r"\d+(?:\.\d+)?\s?%|(?<![\w.,])\d+\.\d+(?![\w.])")
NOT_RESULTS = re.compile(r"`[^`]*`|\b(?:s|L|Table |Figure )\d[\d.\-]*|\d{3} L\d+")


def numbers_in_prose(nb) -> list[tuple[int, str]]:
    """(cell, number) for each share or decimal in a markdown cell that the notebook's code does
    not set: such a number is a result typed by hand."""
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            for number in RESULT.findall(NOT_RESULTS.sub("", cell.source)):
                value = re.escape(number.rstrip("% "))
                if not re.search(rf"(?<![\d.]){value}(?![\d])", code):
                    found.append((i, number))
    return found


@pytest.mark.parametrize("name", EXPECTED)
def test_prose_states_no_results_by_hand(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert numbers_in_prose(nb) == [], f"{name}: print these from the computed values (reading(...))"


def test_the_prose_check_can_fail():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("habit = (0.6, 1.5)"),
                                         nbformat.v4.new_markdown_cell("half the runs (55%), correlation 0.17; "
                                                                       "habit 1.5; `x=0.3`; 004 L1032, s2.3")])
    assert numbers_in_prose(nb) == [(1, "55%"), (1, "0.17")]


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
