"""Pattern-oriented validation: the stylized facts of the sources as quantified checks over seeds.

``patterns`` defines each pattern (name, source line, per-run measure, target, pass criterion),
``runner`` runs them over many seeds with intervals, ``calibrate`` searches parameter sets (hedmark,
national, or one joint set for hedmark, agder and norway), ``distances`` ranks the draws that miss,
``behaviour`` strips a scenario's own behaviour so one set can serve every region.
"""

from .patterns import PATTERNS, Pattern, patterns_for
from .runner import PatternResult, validate

__all__ = ["PATTERNS", "Pattern", "PatternResult", "patterns_for", "validate"]
