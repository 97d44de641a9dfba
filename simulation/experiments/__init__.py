"""The experiment engine: designs, experiment files, reproducible parallel sweeps, result stores
and their analysis (sensitivity indices, ensembles, governance comparison, scenario discovery)."""

from .runner import execute, make_plan, run_one
from .spec import Experiment, experiment_from_dict, load_experiment
from .store import ResultStore

__all__ = ["Experiment", "ResultStore", "execute", "experiment_from_dict", "load_experiment",
           "make_plan", "run_one"]
