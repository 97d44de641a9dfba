"""The experiment engine: experiment files, plans, reproducible parallel sweeps, result stores and
their analysis (sensitivity indices, ensembles, governance comparison, scenario discovery).

``spec`` reads and checks an experiment file; ``plan`` lists its runs and seeds; ``batch`` is one
run (what a worker executes); ``engines`` runs batches serially, on local processes or on Dask;
``execution`` executes a plan into a ``store`` (resume, flushing, manifest) with ``provenance``;
``results`` loads a finished folder. Safety: ``folder_lock`` (one writer per folder), ``workers``
(local workers die with their sweep; SIGTERM as Ctrl-C), ``handshake`` (is an address a Dask
scheduler?), ``repair`` (set damaged parts aside). Analyses: ``analysis``, ``compare``, ``discovery``.
"""

from .batch import run_one
from .execution import execute
from .plan import make_plan, run_seeds
from .results import load_results, load_series
from .spec import Experiment, experiment_from_dict, load_experiment
from .store import ResultStore

__all__ = ["Experiment", "ResultStore", "execute", "experiment_from_dict", "load_experiment",
           "load_results", "load_series", "make_plan", "run_one", "run_seeds"]
