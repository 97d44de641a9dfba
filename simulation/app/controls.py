"""The page's settings: sliders grouped by perspective, presets, and their conversion to overrides.

Bounds and units come from the registry (simulation/registry.py), so the page accepts the same
values as ``--set``; a slider may show a key in a friendlier unit (MNOK instead of NOK) through
its display scale. Presets are the three kinds of municipality of docs/teaching.md ("whose
perspective matters"): calculating (2, 0, 0), traditional (0.5, 2, 0.5), fashion-following (1, 1, 3).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import registry
from ..overrides import value_of
from ..scenario import Scenario


@dataclass(frozen=True)
class SliderSpec:
    """One slider: a registry key shown as ``label`` in ``unit`` (``scale`` model units per slider unit)."""

    key: str
    label: str
    step: float
    scale: float = 1.0
    unit: str = ""  # shown unit; default: the registry's

    @property
    def registry_key(self) -> registry.Key:
        return registry.BY_NAME[self.key]

    @property
    def low(self) -> float:
        return self.registry_key.low / self.scale

    @property
    def high(self) -> float:
        return self.registry_key.high / self.scale

    @property
    def shown_unit(self) -> str:
        return self.unit or self.registry_key.unit

    @property
    def meaning(self) -> str:
        return self.registry_key.meaning


# (perspective, what it says in plain words, its sliders)
GROUPS: tuple[tuple[str, str, tuple[SliderSpec, ...]], ...] = (
    ("Instrumental: costs and benefits", "Municipalities calculate: economies of scale, switching costs.", (
        SliderSpec("w_instrumental", "Weight of costs and benefits", 0.1),
        SliderSpec("fixed_cost", "Stand-alone fixed ICT cost", 0.5, 1e6, "MNOK/year"),
        SliderSpec("migration_cost", "Cost of moving to another platform", 100, 1.0, "NOK/inhabitant"),
        SliderSpec("increasing_returns", "Increasing returns (sunk joint investments, 0 = off)", 0.25),
    )),
    ("Cultural: habit and trust", "Municipalities do what is appropriate and what they are used to.", (
        SliderSpec("w_cultural", "Weight of fit and trust", 0.1),
        SliderSpec("habit_strength", "Habit (bonus for staying as you are)", 0.1),
        SliderSpec("trust_weight", "Weight of trust in the partners", 0.1),
    )),
    ("Myth: legitimacy and fashion", "Municipalities follow what looks modern and what others do.", (
        SliderSpec("w_myth", "Weight of legitimacy", 0.1),
        SliderSpec("legitimacy_weight", "National pressure to collaborate", 0.1),
    )),
    ("Chance and critical junctures", "How noisy choices are, and how much a juncture opens up.", (
        SliderSpec("temperature", "Noise in choices (logit temperature)", 0.05),
        SliderSpec("juncture_relief", "Habit relaxed in a critical juncture", 0.05),
    )),
)
SLIDERS: dict[str, SliderSpec] = {s.key: s for _, _, specs in GROUPS for s in specs}

PRESETS: dict[str, dict[str, float]] = {
    "calculating": {"w_instrumental": 2.0, "w_cultural": 0.0, "w_myth": 0.0},
    "traditional": {"w_instrumental": 0.5, "w_cultural": 2.0, "w_myth": 0.5},
    "fashion-following": {"w_instrumental": 1.0, "w_cultural": 1.0, "w_myth": 3.0},
}
PRESET_WORDS = {
    "calculating": "weigh costs and benefits only",
    "traditional": "weigh fit, trust and habit most",
    "fashion-following": "weigh legitimacy and what others do most",
}


def defaults(scenario: Scenario) -> dict[str, float]:
    """Slider values (display units) of the scenario as loaded."""
    return {key: round(value_of(scenario, key) / s.scale, 6) for key, s in SLIDERS.items()}


def with_preset(values: dict[str, float], preset: str) -> dict[str, float]:
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; known: {', '.join(PRESETS)}")
    return {**values, **PRESETS[preset]}


def overrides(values: dict[str, float], scenario: Scenario) -> dict[str, float]:
    """Overrides (model units) for the sliders that differ from the scenario's own values, so
    untouched sliders leave the scenario exactly as it is."""
    base = defaults(scenario)
    out = {}
    for key, value in values.items():
        if key not in SLIDERS:
            raise ValueError(f"unknown slider {key!r}")
        if abs(value - base[key]) > 1e-9:
            out[key] = float(value) * SLIDERS[key].scale
    return out


def shown(key: str, value: float) -> str:
    """A slider's value with its unit, as the page prints it next to the slider."""
    s = SLIDERS[key]
    number = f"{value:,.0f}" if s.step >= 1 else f"{value:.2f}".rstrip("0").rstrip(".") if s.step < 0.1 else f"{value:.1f}"
    unit = s.shown_unit
    return number if unit in ("weight", "") else f"{number} {unit}"
