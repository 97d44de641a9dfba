"""The interactive page of ``imcsim app``: Mesa's SolaraViz around the collaboration model.

The region is drawn as a network at the scenario's x/y positions (colour = collaboration,
size = population); sliders set the main parameters, the perspective weights and the seed
(they take effect on Reset); Step / Play / Reset come from SolaraViz; live charts show
membership by collaboration, joins and exits, ICT cost per inhabitant and the year's events.

Run it with ``imcsim app [SCENARIO]``, which starts ``solara run simulation.app``; the
scenario is passed in the environment variable ``IMCSIM_APP_SCENARIO`` (default two_hubs).
"""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import solara  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from mesa.visualization import Slider, SolaraViz, make_plot_component  # noqa: E402
from mesa.visualization.utils import update_counter  # noqa: E402

from . import metrics, registry  # noqa: E402
from .model import CollaborationModel  # noqa: E402
from .overrides import value_of  # noqa: E402
from .plots import SIZE_COLOURS  # noqa: E402
from .scenario import load_scenario  # noqa: E402

SCENARIO_ENV = "IMCSIM_APP_SCENARIO"
DEFAULT_SCENARIO = "two_hubs"
AS_SCENARIO = "as in scenario"

# (registry key, label, display scale: model units per slider unit, slider step); the range is the
# key's bounds in the registry (simulation/registry.py), so the page and --set accept the same values
SLIDERS = (
    ("fixed_cost", "Stand-alone fixed ICT cost (MNOK/year)", 1e6, 0.5),
    ("w_instrumental", "Weight: instrumental (consequence)", 1.0, 0.1),
    ("w_cultural", "Weight: cultural (appropriateness)", 1.0, 0.1),
    ("w_myth", "Weight: myth (legitimacy)", 1.0, 0.1),
    ("habit_strength", "Habit strength (status-quo bonus)", 1.0, 0.1),
    ("juncture_relief", "Habit relaxed at a critical juncture", 1.0, 0.05),
    ("increasing_returns", "Sunk investments (0 = off)", 1.0, 0.25),
    ("legitimacy_weight", "Legitimacy pressure weight", 1.0, 0.1),
    ("temperature", "Logit temperature (noise)", 1.0, 0.01),
)
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
           "#17becf", "#bcbd22", "#7f7f7f")
OUTSIDE = "#dddddd"


class AppModel(CollaborationModel):
    """The model as SolaraViz builds it: slider values arrive as keyword arguments and become
    scenario overrides (display units converted back to the model's)."""

    def __init__(self, scenario: str | None = None, seed: int = 1, governance: str = AS_SCENARIO,
                 **kwargs: float) -> None:  # named kwargs: SolaraViz's parameter check needs it
        overrides = {}
        units = {name: unit for name, _, unit, _ in SLIDERS}
        for name, value in kwargs.items():
            if name not in units:
                raise TypeError(f"unexpected parameter {name!r}")
            overrides[name] = float(value) * units[name]
        if governance and governance != AS_SCENARIO:
            overrides["governance"] = governance
        super().__init__(scenario or scenario_name(), seed=int(seed), overrides=overrides)


def scenario_name() -> str:
    return os.environ.get(SCENARIO_ENV) or DEFAULT_SCENARIO


def model_params(scenario: str) -> dict:
    """SolaraViz inputs: the scenario (fixed), seed, governance and the parameter sliders, with
    the scenario's own values as defaults."""
    sc = load_scenario(scenario)
    params = {
        "scenario": scenario,
        "seed": Slider("Seed", 1, 0, 99, 1),
        "governance": {"type": "Select", "label": "Governance of all collaborations",
                       "value": AS_SCENARIO, "values": [AS_SCENARIO, *sc.governance]},
    }
    for name, label, unit, step in SLIDERS:
        key = registry.BY_NAME[name]
        params[name] = Slider(label, round(value_of(sc, name) / unit, 6), key.low / unit, key.high / unit, step)
    return params


# ---- components ----------------------------------------------------------------------------

def when(model: CollaborationModel) -> str:
    return str(model.year) if model.steps else f"start (before {model.scenario.start_year})"


def colour_of(model: CollaborationModel) -> dict[str, str]:
    """A stable colour per collaboration, in order of founding (so West stays blue)."""
    return {k.name: COLOURS[i % len(COLOURS)] for i, k in enumerate(model.history)}


@solara.component
def NetworkMap(model: CollaborationModel):
    update_counter.get()
    fig = Figure(figsize=(6.4, 4.6))
    ax = fig.subplots()
    xy = np.array([[s.x, s.y] for s in model.scenario.municipalities])
    for i, j in model.graph.edges:
        ax.plot(*xy[[i, j]].T, color="#bbbbbb", lw=0.8, zorder=1)
    colours = colour_of(model)
    fill = [colours[mm.collaboration.name] if mm.collaboration else OUTSIDE for mm in model.municipalities]
    pop = np.array([mm.population for mm in model.municipalities])
    size = 30 + 900 * np.sqrt(pop / pop.max()) if len(pop) <= 60 else 8 + 200 * np.sqrt(pop / pop.max())
    ax.scatter(xy[:, 0], xy[:, 1], s=size, c=fill, edgecolors="black", linewidths=0.6, zorder=2)
    if len(model.municipalities) <= 30:
        for mm, (x, y) in zip(model.municipalities, xy, strict=True):
            ax.annotate(mm.name, (x, y), fontsize=8, ha="center", va="center", zorder=3)
    for k in sorted(model.collaborations, key=lambda k: -len(k.members))[:10]:
        ax.scatter([], [], color=colours[k.name], label=f"{k.name} ({len(k.members)})")
    ax.scatter([], [], color=OUTSIDE, edgecolors="black", linewidths=0.6, label="outside")
    ax.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=3)
    ax.margins(0.12)
    ax.set_xticks([])
    ax.set_yticks([])
    juncture = " - critical juncture open" if model.env.juncture_open else ""
    ax.set_title(f"{model.scenario.name}, {when(model)}{juncture}", fontsize=11)
    fig.tight_layout()
    solara.FigureMatplotlib(fig, format="png")


@solara.component
def MembershipChart(model: CollaborationModel):
    """Members of each collaboration by year: who wins the middle, and when it locks in."""
    update_counter.get()
    fig = Figure(figsize=(6.4, 4.0))
    ax = fig.subplots()
    collabs = metrics.collaboration_series(model)
    series = metrics.series(model)
    colours = colour_of(model)
    if not collabs.empty:
        table = collabs.pivot_table(index="tick", columns="name", values="members", aggfunc="sum")
        table = table.reindex(series.tick).fillna(0)
        for name in table.max().sort_values(ascending=False).index[:10]:
            ax.plot(series.year, table[name], color=colours.get(name, "black"), lw=2, label=name)
    ax.plot(series.year, series.member_share * len(model.municipalities), color="black", ls="--", lw=1,
            label="all members")
    for year in series.year[series.juncture == 1]:
        ax.axvspan(year - 0.5, year + 0.5, color="goldenrod", alpha=0.2, lw=0)
    ax.set_ylim(0, len(model.municipalities) + 0.5)
    ax.set_xlim(model.scenario.start_year - 1, model.scenario.start_year + model.scenario.ticks)
    ax.set_xlabel("year")
    ax.set_ylabel("member municipalities")
    ax.set_title("Membership by collaboration (shaded: juncture)", fontsize=11)
    ax.legend(fontsize=8, frameon=False, loc="upper left", ncol=2)
    fig.tight_layout()
    solara.FigureMatplotlib(fig, format="png")


def _cost_axes(ax) -> None:
    ax.set_ylabel("NOK per inhabitant and year")
    ax.set_title("ICT cost per inhabitant by size class", fontsize=11)


def _flows_axes(ax) -> None:
    ax.set_ylabel("municipalities per year")
    ax.set_title("Joins, exit notices and exits", fontsize=11)


@solara.component
def Events(model: CollaborationModel):
    """This year's decisions that changed something, and the arrangement now."""
    update_counter.get()
    p = model.params
    lines = [f"### {model.scenario.name}, {when(model)} - tick {model.steps} of {model.scenario.ticks}"]
    if model.env.juncture_open:
        lines.append("**A critical juncture is open:** habits are relaxed, everyone reconsiders.")
    lines.append(f"Legitimacy pressure {model.env.legitimacy:.2f}. This run: seed {model.seed}, "
                 f"fixed cost {p.fixed_cost / 1e6:.1f} MNOK, weights instrumental/cultural/myth "
                 f"{p.w_instrumental:.1f}/{p.w_cultural:.1f}/{p.w_myth:.1f}, habit {p.habit_strength:.1f}, "
                 f"juncture relief {p.juncture_relief:.2f}, increasing returns {p.increasing_returns:.2f}, "
                 f"legitimacy weight {p.legitimacy_weight:.1f}, "
                 f"temperature {p.temperature:.2f} (sliders apply on Reset).")
    changes = [d for d in model.decisions if d.tick == model.steps and d.choice != "stay"][-12:]
    if changes:
        lines.append("**This year:**\n")
        lines.append("\n".join(f"- {d.municipality}: {d.choice} {d.target}"
                               + (f" (tipped by {d.tipped_by})" if d.tipped_by else "") for d in changes))
    elif model.steps:
        lines.append("Nothing changed this year (habit, satisficing).")
    rows = []
    for k in sorted(model.collaborations, key=lambda k: -len(k.members))[:10]:
        names = ", ".join(mm.name for mm in k.members) if len(k.members) <= 12 else f"{len(k.members)} members"
        rows.append(f"- {k.name} ({k.governance.name}): {names}")
    alone = [mm.name for mm in model.municipalities if mm.collaboration is None]
    if alone:
        rows.append(f"- outside: {', '.join(alone) if len(alone) <= 12 else f'{len(alone)} municipalities'}")
    lines.append("**Collaborations:**\n\n" + "\n".join(rows))
    solara.Markdown("\n\n".join(lines))


COMPONENTS = [
    NetworkMap,
    MembershipChart,
    make_plot_component({"joins": "#2ca02c", "notices": "#ff7f0e", "exits": "#d62728"}, post_process=_flows_axes),
    make_plot_component({f"cost_{c}": colour for c, colour in SIZE_COLOURS.items()}, post_process=_cost_axes),
    Events,
]


@solara.component
def Page():
    """One model per browser session (a classroom can share one server)."""
    scenario = scenario_name()
    model = solara.use_memo(lambda: AppModel(scenario, seed=1), [])
    params = solara.use_memo(lambda: model_params(scenario), [])
    SolaraViz(model, components=COMPONENTS, model_params=params,
              name=f"imcsim: {model.scenario.name} - inter-municipal ICT collaboration", play_interval=300)
