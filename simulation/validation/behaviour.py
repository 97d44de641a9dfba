"""Behaviour versus region: one behavioural parameter set for every region.

A scenario describes a region (municipalities, neighbours, trust, governance, the legitimacy path,
junctures and shocks); how municipalities decide is the model, the fields of
:class:`~simulation.parameters.Parameters` with the registry's defaults (issue 11, item 6). A
scenario file's ``[parameters]`` table overrides that behaviour for one region. A joint
calibration must apply the same draw to every region, so it runs each region with its own
behavioural overrides stripped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from ..parameters import Parameters
from ..scenario import Scenario


def behaviour_free(scenario: Scenario, given: Mapping[str, Any] | None = None,
                   origin: str = "behaviour_free") -> Scenario:
    """``scenario`` with every model parameter at the registry's default, except the keys in
    ``given`` (checked and applied like ``--set``). Region facts are kept as they are."""
    bare = dataclasses.replace(scenario, parameters=Parameters())
    return bare.with_overrides(dict(given), origin) if given else bare


def behavioural_overrides(scenario: Scenario) -> dict[str, Any]:
    """The model parameters on which ``scenario`` departs from the registry's defaults (what a
    file's ``[parameters]`` table, or ``--set``, changed), with their values."""
    default = Parameters()
    return {f.name: getattr(scenario.parameters, f.name) for f in dataclasses.fields(Parameters)
            if getattr(scenario.parameters, f.name) != getattr(default, f.name)}
