"""Why stronger legitimacy narrows the decoupling gap at the defaults (docs/validation.md,
"Legitimacy and the decoupling gap, traced"): the paired effect of ``legitimacy_weight`` x0.5 → x2,
as ``imcsim effects`` draws it, on the gap's parts and on what moves them.

    python benchmarks/decoupling_parts.py norway --seeds 30 --seed 1 [--set key=value ...] [-j 2]

At the defaults nobody declares a strategy (``declaration_rate`` 0), so a member's talk is the
coordination it agreed and the gap is its leakage plus coordination above its cap. Leakage only
rises by a member's own 'buy on own' decision and falls by ``leakage_decay`` or when the member is
admitted somewhere (joining, switching, or absorbed by a merger: ``Collaboration.admit``).
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np
from outsiders import draw_parser
from scipy import stats

from simulation import metrics
from simulation.experiments.plan import run_seeds
from simulation.model import CollaborationModel
from simulation.overrides import parse_overrides
from simulation.parameters import Parameters

PARTS = ("gap", "leakage part", "above-cap part", "members", "members leaking", "leak decisions", "mergers",
         "members' mean tenure")


def parts(job: tuple[str, int, dict]) -> tuple[float, ...]:
    """The gap's parts and their movers at the end of one run."""
    scenario, seed, overrides = job
    m = CollaborationModel(scenario, seed=seed, overrides=overrides).run()
    n = len(m.municipalities)
    members = [mm for mm in m.municipalities if mm.collaboration is not None]
    caps = [mm.cap(mm.collaboration) for mm in members]
    leak = sum(min(mm.coordination, cap) * mm.leakage for mm, cap in zip(members, caps, strict=True)) / n
    above = sum(max(0.0, mm.coordination - cap) for mm, cap in zip(members, caps, strict=True)) / n
    s = metrics.summary(m)
    return (metrics.decoupling_gap(m), leak, above, len(members), sum(mm.leakage > 0 for mm in members),
            s["leaks"], s["mergers"], float(np.mean([mm.tenure for mm in members])) if members else 0.0)


def main() -> None:
    ap = draw_parser(__doc__, "norway")
    ap.add_argument("-j", "--workers", type=int, default=2)
    args = ap.parse_args()
    base = parse_overrides(args.set)
    weight = float(base.get("legitimacy_weight", Parameters().legitimacy_weight))
    seeds = run_seeds(args.seed, args.seeds)
    with ProcessPoolExecutor(args.workers) as pool:
        low, high = (np.array(list(pool.map(parts, [(args.scenario, s, {**base, "legitimacy_weight": weight * f})
                                                     for s in seeds])))
                     for f in (0.5, 2.0))
    t = stats.t.ppf(0.975, len(seeds) - 1)
    print(f"{args.scenario}, {len(seeds)} paired seeds (experiment seed {args.seed}), legitimacy_weight "
          f"{weight * 0.5:g} → {weight * 2:g}{', base ' + ' '.join(args.set) if args.set else ''}")
    for i, name in enumerate(PARTS):
        d = high[:, i] - low[:, i]
        half = t * d.std(ddof=1) / np.sqrt(len(d))
        print(f"  {name:22s} {low[:, i].mean():10.5g} → {high[:, i].mean():10.5g}   "
              f"{d.mean():+.5g} [{d.mean() - half:+.5g}, {d.mean() + half:+.5g}]")


if __name__ == "__main__":
    main()
