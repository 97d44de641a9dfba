"""The package as a user installs it: a wheel in a fresh virtual environment, outside the checkout.

Builds the wheel (``pip wheel --no-deps``) from a copy of the sources, installs it with its
dependencies from the package index (pip's cache is reused) into a new venv, and runs the
``imcsim`` command there, from a folder without the sources: the scenarios must come from inside
the installed package.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(argv: list, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, f"{' '.join(map(str, argv))}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_wheel_installs_in_a_fresh_venv_and_runs(tmp_path):
    src = tmp_path / "src"  # a copy: building in the checkout would leave build/ and egg-info there
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "simulation", src / "simulation", ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, src], tmp_path)
    wheels = list(dist.glob("imcsim-*.whl"))
    assert len(wheels) == 1, list(dist.iterdir())

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv], tmp_path)
    python, imcsim = venv / "bin" / "python", venv / "bin" / "imcsim"
    run([python, "-m", "pip", "install", "-q", wheels[0]], tmp_path)

    elsewhere = tmp_path / "work"  # no sources here: everything must come from the installed package
    elsewhere.mkdir()
    where = run([python, "-c", "import simulation; print(simulation.__file__)"], elsewhere)
    assert Path(where.strip()).is_relative_to(venv)
    assert run([imcsim, "--version"], elsewhere).strip() == f"imcsim {_version()}"
    listed = run([imcsim, "scenarios"], elsewhere)
    shipped = sorted(p.stem for p in (ROOT / "simulation" / "scenarios").glob("*.toml"))
    assert shipped and all(f"  {name} " in listed for name in shipped), listed
    run([imcsim, "run", "hedmark", "--seed", "1", "--out", elsewhere / "hedmark"], elsewhere)
    summary = json.loads((elsewhere / "hedmark" / "summary.json").read_text())
    assert summary["scenario"] == "hedmark" and summary["seed"] == 1


def _version() -> str:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
