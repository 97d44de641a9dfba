"""Sub-commands of ``imcsim``: each module defines ``register(subparsers)`` and a handler.

To add a command, add a module here and its name to ``MODULES`` (in the order of ``--help``).
"""

MODULES = ["run", "info", "app", "sweep", "analyze", "compare", "validate", "calibrate", "effects"]
