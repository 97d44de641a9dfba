"""The legitimacy weight, channel by channel: which of the myth perspective's readings of L(t)
moves small and large municipalities' membership.

    python benchmarks/legitimacy_channels.py synthetic --seeds 150 --first-seed 70001 -j 2   # ~4 min

``legitimacy_weight`` scales four things at once (``simulation/perspectives/myth.py``):

- belonging: the legitimacy of being in a collaboration (``myth.legitimacy``), an outsider's pull;
- standardise: declared coordination and the strategy's target (``myth.standardisation``,
  ``myth.declared_target``);
- consolidation: the legitimacy of growth in members' admission votes (``myth.consolidation``);
- merger: the merger myth in votes on mergers (``myth.merger``).

``imcsim effects`` moves all four (x0.5 -> x2). Here each setting moves only the channels it
names; the others read the region's own weight. ``all`` is the model's lever, ``none`` holds every
channel (a known answer: no effect in any seed), ``not-merger`` every channel but the merger myth.
Prints the paired effects (95 % t intervals) on small and large members (mean over the run, as
``imcsim effects`` reads them), mergers, the largest collaboration's members at the end, and
applicants refused in admission votes; writes them to results/legitimacy_channels_REGION.csv and
the membership effects, channel by channel, to its .png. docs/validation.md, "Legitimacy on the synthetic regions".
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import pandas as pd

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from simulation import CollaborationModel, metrics  # noqa: E402
from simulation.experiments import effects as fx  # noqa: E402
from simulation.experiments.analysis import mean_ci  # noqa: E402
from simulation.parameters import Parameters  # noqa: E402
from simulation.perspectives import myth  # noqa: E402
from simulation.scenario import load_scenario  # noqa: E402

CHANNELS = {"belonging": ("legitimacy",), "standardise": ("standardisation", "declared_target"),
            "consolidation": ("consolidation",), "merger": ("merger",)}
SETTINGS = ("all", "belonging", "standardise", "consolidation", "merger", "not-merger")
OUTCOMES = fx.pick(fx.OUTCOMES, ["small_members", "large_members", "mergers", "largest_members"],
                   "outcomes")  # imcsim effects' own readings; and applicants refused (``refusals``)
MEMBERSHIP = ("small_members", "large_members")  # the outcomes with an expected direction (up)
LOW, HIGH = 0.5, 2.0

_moving: set[str] = set(CHANNELS)  # the channels this process's current run lets the lever move
_own_weight = [0.0]  # the region's own legitimacy_weight, which held channels read
_held_copy: list = [None, None]  # the last parameter set a held channel saw, and its copy at the own weight


def moved(setting: str) -> set[str]:
    """The channels a setting lets the lever move."""
    if setting == "all":
        return set(CHANNELS)
    if setting == "none":
        return set()
    if setting.startswith("not-") and setting[4:] in CHANNELS:
        return set(CHANNELS) - {setting[4:]}
    if setting in CHANNELS:
        return {setting}
    raise ValueError(f"unknown setting {setting!r}: one of all, none, {', '.join(CHANNELS)}, or not-CHANNEL")


def _held(p: Parameters, weight: float) -> Parameters:
    """``p`` with the region's own weight, copied once per run (a run reads one parameter set)."""
    if _held_copy[0] is not p or _held_copy[1].legitimacy_weight != weight:
        _held_copy[:] = [p, dataclasses.replace(p, legitimacy_weight=weight)]
    return _held_copy[1]


def _hold(channel: str, f):
    """``f`` as it is while ``channel`` moves; with the region's own weight while it is held."""
    @functools.wraps(f)
    def g(*args, **kwargs):
        if channel not in _moving:
            args = tuple(_held(a, _own_weight[0]) if isinstance(a, Parameters) else a for a in args)
            kwargs = {k: _held(v, _own_weight[0]) if isinstance(v, Parameters) else v for k, v in kwargs.items()}
        return f(*args, **kwargs)
    return g


for _channel, _names in CHANNELS.items():  # in every process that imports this script (workers too)
    for _name in _names:
        setattr(myth, _name, _hold(_channel, getattr(myth, _name)))


@contextmanager
def channels(setting: str, own_weight: float) -> Iterator[None]:
    """Within it, the lever moves only the setting's channels; the held ones read ``own_weight``.
    After it, every channel moves again: the patched module is the model."""
    _moving.clear()
    _moving.update(moved(setting))
    _own_weight[0] = own_weight
    try:
        yield
    finally:
        _moving.update(CHANNELS)


def one(job: tuple[str, str, float, float, int]) -> dict:
    """One run: ``region`` at ``factor`` x its own weight ``own``, only the setting's channels moving."""
    region, setting, own, factor, seed = job
    with channels(setting, own):
        model = CollaborationModel(region, seed=seed, overrides={"legitimacy_weight": factor * own}).run()
    series = metrics.series(model)
    run = fx.RunData(metrics.summary(model), series, metrics.municipality_series(model))
    return {"setting": setting, "factor": factor, "seed": seed, **{o.name: o.value(run) for o in OUTCOMES},
            "refusals": float(series["rejections"].sum())}


def effects(region: str, settings: list[str], seeds: range, workers: int) -> pd.DataFrame:
    """Paired effect (x2 minus x0.5) per setting and outcome, with its 95 % t interval."""
    for s in settings:
        moved(s)  # refuse an unknown setting before any run
    own = load_scenario(region).parameters.legitimacy_weight
    jobs = [(region, s, own, f, seed) for s in settings for f in (LOW, HIGH) for seed in seeds]
    with ProcessPoolExecutor(workers) as pool:
        runs = pd.DataFrame(list(pool.map(one, jobs, chunksize=10)))
    rows = []
    for s in settings:
        r = runs[runs["setting"] == s]
        for name in [o.name for o in OUTCOMES] + ["refusals"]:
            wide = r.pivot(index="seed", columns="factor", values=name)
            m, half, n = mean_ci((wide[HIGH] - wide[LOW]).to_numpy())
            rows.append({"setting": s, "outcome": name, "low": wide[LOW].mean(), "high": wide[HIGH].mean(),
                         "effect": m, "ci_low": m - half, "ci_high": m + half, "seeds": n})
    return pd.DataFrame(rows)


def verdict(row) -> str:
    """Membership against the expected direction (up: ✓, down: ✗); other outcomes up or down."""
    if row["effect"] == 0 and row["ci_low"] == 0 and row["ci_high"] == 0:
        return "="
    up, down = ("✓", "✗") if row["outcome"] in MEMBERSHIP else ("up", "down")
    return up if row["ci_low"] > 0 else down if row["ci_high"] < 0 else "○"


LABELS = {"all": "every channel (the model)", "none": "no channel",
          **{f"not-{c}": f"all but {c}" for c in CHANNELS}}
COLOURS = {"✓": "#4c9a4c", "✗": "#c8553d", "○": "#8a8a8a", "=": "#bdbdbd"}


def figure(table: pd.DataFrame, title: str, path: Path) -> None:
    """Small and large members' effect per setting, with its 95 % interval, coloured by verdict."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 0.5 * table["setting"].nunique() + 1.6), sharey=True)
    for ax, outcome in zip(axes, MEMBERSHIP, strict=True):
        rows = table[table["outcome"] == outcome].reset_index(drop=True)
        for y, row in rows.iterrows():
            colour = COLOURS[verdict(row)]
            ax.errorbar(row["effect"], y, xerr=[[row["effect"] - row["ci_low"]], [row["ci_high"] - row["effect"]]],
                        fmt="o", color=colour, capsize=3)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_yticks(range(len(rows)), [LABELS.get(s, f"{s} only") for s in rows["setting"]])
        ax.set_title(outcome.replace("_", " ") + " (expected: up)")
        ax.set_xlabel("paired effect, x2 minus x0.5 (share of the years)")
        ax.grid(axis="x", alpha=0.3)
    axes[0].invert_yaxis()  # the settings top-down in the order run (the axes share it)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("region", nargs="?", default="synthetic")
    ap.add_argument("--first-seed", type=int, default=70001)
    ap.add_argument("--seeds", type=int, default=100)
    ap.add_argument("--settings", default=",".join(SETTINGS),
                    help="comma-separated: all, none, a channel (belonging, standardise, consolidation, merger) or not-CHANNEL")
    ap.add_argument("-j", "--workers", type=int, default=2)
    ap.add_argument("--out", help="output stem [results/legitimacy_channels_REGION]")
    args = ap.parse_args()
    table = effects(args.region, args.settings.split(","), range(args.first_seed, args.first_seed + args.seeds),
                    args.workers)
    title = (f"{args.region}: legitimacy_weight x{LOW} -> x{HIGH}, paired seeds {args.first_seed}-"
             f"{args.first_seed + args.seeds - 1}; the lever moves only the channels named")
    print(title)
    out = Path(args.out or f"results/legitimacy_channels_{Path(args.region).stem}")
    out.parent.mkdir(parents=True, exist_ok=True)
    table.assign(verdict=table.apply(verdict, axis=1)).to_csv(out.with_suffix(".csv"), index=False)
    figure(table, title, out.with_suffix(".png"))
    for _, row in table.iterrows():
        print(f"  {row['setting']:<14} {row['outcome']:<15} {row['low']:9.4f} -> {row['high']:9.4f}  "
              f"{row['effect']:+.4f} [{row['ci_low']:+.4f}, {row['ci_high']:+.4f}] {verdict(row)}")
    print(f"written: {out.with_suffix('.csv')}, {out.with_suffix('.png')}")


if __name__ == "__main__":
    main()
