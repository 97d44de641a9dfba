"""imcsim: an agent-based simulation of inter-municipal ICT collaboration.

The design brief is MODEL.md (shared); the model as built is described in docs/ODD.md.
"""

from .model import CollaborationModel
from .scenario import Scenario, ScenarioError, available_scenarios, load_scenario

__all__ = ["CollaborationModel", "Scenario", "ScenarioError", "available_scenarios", "load_scenario"]
__version__ = "0.1.0"
