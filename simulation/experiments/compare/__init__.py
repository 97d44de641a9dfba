"""Compare arrangements for one region: governance models and policy levers against a baseline.

``imcsim compare`` runs the region under the baseline (its own arrangement, or one model) and each
option with the same seeds, and reports paired differences with verdicts, who each option is best
for and how sure, per-municipality results, why an option differs (attribute by attribute, sourced
or assumed) and whether the ranking holds over a parameter's range. Modules: options (what is
compared), runs (running the points), tables (the numbers), study (the plan and results), figures,
document (Markdown and self-contained HTML), report (the report itself).
"""

from .options import STATUS_QUO, Option, build_options, robust_settings
from .report import write_report
from .study import Comparison

__all__ = ["STATUS_QUO", "Comparison", "Option", "build_options", "robust_settings", "write_report"]
