"""Pattern-oriented validation: the stylized facts of the sources as quantified checks over seeds.

``patterns`` defines each pattern (name, source line, per-run measure, target, pass criterion),
``runner`` runs them over many seeds with intervals, ``calibrate`` searches the hedmark baseline.
"""

from .patterns import PATTERNS, Pattern, patterns_for
from .runner import PatternResult, validate

__all__ = ["PATTERNS", "Pattern", "PatternResult", "patterns_for", "validate"]
