"""imcsim: an agent-based simulation of inter-municipal ICT collaboration.

The design brief is MODEL.md (shared); the model as built is described in docs/ODD.md.

The public names below are imported on first use (module ``__getattr__``, PEP 562): importing
``simulation`` stays cheap, so ``imcsim --help`` does not wait for Mesa, pandas and SciPy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# public name -> the module that defines it
_EXPORTS = {
    "CollaborationModel": ".model",
    "Scenario": ".scenario",
    "ScenarioError": ".scenario",
    "available_scenarios": ".scenario",
    "load_scenario": ".scenario",
    "load_results": ".experiments.results",
    "load_series": ".experiments.results",
}

__all__ = ["CollaborationModel", "Scenario", "ScenarioError", "available_scenarios", "load_results",
           "load_scenario", "load_series"]


def _version() -> str:
    """The installed distribution's version; in a source tree that was never installed (or is
    run from another environment with PYTHONPATH), the one its pyproject.toml declares."""
    from importlib import metadata  # not at import time: it costs a fifth of imcsim --help

    try:
        return metadata.version("imcsim")
    except metadata.PackageNotFoundError:
        pass
    import tomllib
    from pathlib import Path

    try:
        project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
        return str(project["project"]["version"])
    except (OSError, ValueError, KeyError):
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        globals()[name] = _version()
        return globals()[name]
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from .experiments.results import load_results, load_series
    from .model import CollaborationModel
    from .scenario import Scenario, ScenarioError, available_scenarios, load_scenario
