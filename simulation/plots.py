"""Figures used by the CLI, notebooks and reports. Each takes tables, returns a Figure."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from . import metrics  # noqa: E402

SIZE_COLOURS = {"small": "#d95f02", "medium": "#7570b3", "large": "#1b9e77"}


def membership(collabs: pd.DataFrame, series: pd.DataFrame, n_municipalities: int, title: str = ""):
    """Members of each collaboration over time (stacked), and the overall membership share."""
    fig, ax = plt.subplots(figsize=(9, 4.8))
    years = series.set_index("tick")["year"]
    if not collabs.empty:
        table = collabs.pivot_table(index="tick", columns="name", values="members", aggfunc="sum").fillna(0)
        table = table.reindex(series.tick).fillna(0)
        order = table.max().sort_values(ascending=False).index
        ax.stackplot(years.loc[table.index], table[order].T.values, labels=list(order), alpha=0.85)
        if len(order) <= 12:
            ax.legend(loc="upper left", fontsize=8, frameon=False, ncol=2)
    ax.set_ylim(0, n_municipalities)
    ax.set_ylabel("member municipalities")
    ax.set_xlabel("year")
    ax2 = ax.twinx()
    ax2.plot(series.year, series.member_population_share * 100, color="black", lw=1.5, ls="--",
             label="share of population in a collaboration")
    ax2.set_ylim(0, 105)
    ax2.set_ylabel("% of population in a collaboration (dashed)")
    _mark_events(ax, series)
    ax.set_title(title or "Membership by collaboration")
    fig.tight_layout()
    return fig


def costs(series: pd.DataFrame, title: str = ""):
    """ICT cost per inhabitant by size class: economies of scale and what collaboration buys."""
    fig, ax = plt.subplots(figsize=(9, 4.2))
    for cls, colour in SIZE_COLOURS.items():
        col = f"cost_{cls}"
        if col in series and series[col].notna().any():
            ax.plot(series.year, series[col], color=colour, lw=2, label=cls)
    ax.set_ylabel("ICT cost per inhabitant (NOK/year)")
    ax.set_xlabel("year")
    ax.legend(title="size class", frameon=False)
    _mark_events(ax, series)
    ax.set_title(title or "ICT cost per inhabitant by size class")
    fig.tight_layout()
    return fig


def coordination(series: pd.DataFrame, title: str = ""):
    """Declared coordination and leakage of members, against legitimacy pressure L(t)."""
    fig, ax = plt.subplots(figsize=(9, 4.2))
    ax.plot(series.year, series.mean_coordination, lw=2, label="mean coordination c (members)")
    ax.plot(series.year, series.mean_leakage, lw=2, label="mean leakage (bought outside)")
    ax.plot(series.year, series.legitimacy, lw=1.5, ls=":", color="grey", label="legitimacy pressure L(t)")
    ax.plot(series.year, series.lock_in_share, lw=1.2, ls="--", color="black", label="locked-in members")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("year")
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    _mark_events(ax, series)
    ax.set_title(title or "Coordination, leakage and lock-in")
    fig.tight_layout()
    return fig


def network(model, title: str = ""):
    """The region: municipalities at their positions, coloured by collaboration (hollow: outside),
    sized by population. With more collaborations than the palette has colours, collaborations
    whose members are neighbours get different colours (``collaboration_colours``) and the legend
    gives the count instead of names; positions in degrees keep their north-south proportion."""
    fig, ax = plt.subplots(figsize=(7, 6))
    xy = np.array([[s.x, s.y] for s in model.scenario.municipalities])
    for i, j in model.graph.edges:
        ax.plot(*xy[[i, j]].T, color="#cccccc", lw=0.6, zorder=1)
    colour_of = collaboration_colours(model)
    palette = plt.get_cmap("tab20")
    inside = [mm.collaboration is not None for mm in model.municipalities]
    pop = np.array([mm.population for mm in model.municipalities])
    size = 20 + 400 * np.sqrt(pop / pop.max()) if len(pop) <= 60 else 6 + 60 * np.sqrt(pop / pop.max())
    faces = [palette(colour_of[mm.collaboration.name]) if mm.collaboration else "white" for mm in model.municipalities]
    ax.scatter(xy[:, 0], xy[:, 1], s=size, c=faces, edgecolors=["black" if a else "0.45" for a in inside],
               linewidths=0.5, zorder=2)
    if len(model.municipalities) <= 30:
        for mm, (x, y) in zip(model.municipalities, xy, strict=True):
            ax.annotate(mm.name, (x, y), fontsize=8, ha="center", va="bottom", xytext=(0, 8),
                        textcoords="offset points")
    if len(colour_of) <= 12:
        for name, c in colour_of.items():
            ax.scatter([], [], color=palette(c), label=name)
    else:
        ax.scatter([], [], color=palette(CONTRAST_ORDER[0]), label=f"{len(colour_of)} collaborations (neighbouring ones differ in colour)")
    ax.scatter([], [], facecolor="white", edgecolor="0.45", label=f"outside ({len(inside) - sum(inside)})")
    ax.legend(fontsize=8, frameon=False, loc="best")
    ax.set_aspect(1 / model.scenario.east_west_squeeze)  # longitude and latitude keep their proportion
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title or f"{model.scenario.name}, {model.year}: collaborations (colour), population (size)")
    fig.tight_layout()
    return fig


#: tab20's strong colours first, then their light pairs: the first colours handed out contrast most
CONTRAST_ORDER = tuple(range(0, 20, 2)) + tuple(range(1, 20, 2))


def collaboration_colours(model, order: tuple[int, ...] = CONTRAST_ORDER) -> dict[str, int]:
    """A tab20 index per collaboration (by name, in name order): distinct while the palette
    lasts, beyond it greedy over the collaborations that have neighbouring members, so that
    touching collaborations differ where the palette allows."""
    names = sorted({mm.collaboration.name for mm in model.municipalities if mm.collaboration})
    if len(names) <= len(order):
        return {name: order[i] for i, name in enumerate(names)}
    touching = metrics.touching([mm.collaboration.name if mm.collaboration else None for mm in model.municipalities],
                                model.graph.edges)
    chosen: dict[str, int] = {}
    for name in sorted(names, key=lambda n: (-len(touching[n]), n)):
        used = {chosen[o] for o in touching[name] if o in chosen}
        chosen[name] = next((c for c in order if c not in used), order[len(chosen) % len(order)])
    return {name: chosen[name] for name in names}


VERDICT_COLOURS = {"agrees": "#a6dba0", "disagrees": "#f4a582", "includes zero": "#e0e0e0",
                   "no difference": "#f7f7f7", "too few seeds": "#ffffff", "undefined here": "#ffffff",
                   "not in the model": "#ffffff"}


def effects_verdicts(grid, title: str = ""):
    """Each declared expectation (a row) on each region (a column), coloured by its verdict, a
    count with too few events to tell hatched: the lever report of ``imcsim effects`` to look at
    (``grid``: ``effects_report.verdict_grid``)."""
    from matplotlib.patches import Patch

    names = [r.removesuffix(".toml").rsplit("/", 1)[-1] for r in grid.regions]
    fig, ax = plt.subplots(figsize=(3.2 + 1.55 * len(names), 1.2 + 0.32 * max(1, len(grid.labels))))
    for i, row in enumerate(grid.verdicts):
        for j, verdict in enumerate(row):
            ax.add_patch(plt.Rectangle((j, i), 1, 1, facecolor=VERDICT_COLOURS.get(verdict, "#ffffff"),
                                       edgecolor="white", lw=1.5, hatch="///" if grid.rare[i][j] else None))
            ax.text(j + 0.5, i + 0.5, grid.texts[i][j], ha="center", va="center", fontsize=7,
                    bbox={"facecolor": "white", "alpha": 0.7, "lw": 0, "pad": 1} if grid.rare[i][j] else None)
    ax.set_xlim(0, len(names))
    ax.set_ylim(len(grid.labels), 0)
    ax.set_xticks(np.arange(len(names)) + 0.5, names, fontsize=8)
    ax.xaxis.tick_top()
    ax.set_yticks(np.arange(len(grid.labels)) + 0.5, grid.labels, fontsize=8)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    shown = [("agrees", "✓ agrees"), ("disagrees", "✗ disagrees"), ("includes zero", "○ includes zero"),
             ("no difference", "= no difference")]
    handles = [Patch(facecolor=VERDICT_COLOURS[v], edgecolor="#bbbbbb", label=text) for v, text in shown]
    handles.append(Patch(facecolor="white", edgecolor="#bbbbbb", hatch="///", label="too few events to tell"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=5, fontsize=7, frameon=False)
    ax.set_title(title or "Expected directions: mean paired effect (high - low) and its verdict", fontsize=9, pad=22)
    fig.tight_layout()
    return fig


def _mark_events(ax, series: pd.DataFrame) -> None:
    """Shade critical junctures and mark shocks."""
    if "juncture" in series:
        for year in series.year[series.juncture == 1]:
            ax.axvspan(year - 0.5, year + 0.5, fill=False, hatch="///", edgecolor="goldenrod", lw=0, alpha=0.6)
    if "shock" in series:
        for year in series.year[series.shock == 1]:
            ax.axvline(year, color="red", alpha=0.3, lw=1)
