"""What a calibration's posterior says: which parameters the patterns identify, figures, held-out checks.

Identification: for each calibrated parameter, the width of the posterior's central 90 % weighted
interval over that of the prior sample (generation 0: as many particles, drawn from the uniform
priors), so that a small population's sampling noise is in both. A ratio below
``IDENTIFIED`` says the patterns pin the parameter down; above ``UNIDENTIFIED``, the posterior is
about as wide as the prior and the patterns say little about it.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import parameters, registry
from ..posterior import Posterior, interval_width

LEVEL = 0.9
IDENTIFIED, UNIDENTIFIED = 0.5, 0.8  # posterior/prior 90 % width ratio: below, identified; above, not
PAIRS = 6  # parameters in the pairwise figure: the best identified ones


def section(key: str) -> str:
    """The part of the model a key belongs to: its section in parameters.py (e.g. 'cultural',
    'myth', 'instrumental: costs ...'), or its registry group for region keys (trust, generator)."""
    if key not in _SECTIONS:
        spec, _ = registry.lookup(key, key)
        return spec.group
    return _SECTIONS[key]


def _sections() -> dict[str, str]:
    out, current = {}, ""
    for line in inspect.getsource(parameters).splitlines():
        header = re.match(r"\s*# --- (.+?) -+\s*$", line)
        if header:
            current = header.group(1)
        field = re.match(r"    (\w+): [\w\[\], |]+ = ", line)
        if field:
            out[field.group(1)] = current
    return out


_SECTIONS = _sections()


def identification(posterior: Posterior, priors: dict[str, tuple[float, float]],
                   prior_sample: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    """One row per calibrated parameter: prior range, weighted median and 90 % interval, and the
    ratio of its width to the prior sample's (without a sample: to 0.9 of the prior's range)."""
    rows = []
    for key in posterior.names:
        values = posterior.particles[key].to_numpy()
        lo, hi = priors.get(key, (float(values.min()), float(values.max())))
        order = np.argsort(values)
        cdf = np.cumsum(posterior.weights[order])
        q = [float(values[order][min(np.searchsorted(cdf, p), len(values) - 1)]) for p in (0.05, 0.5, 0.95)]
        if prior_sample is not None:
            drawn = prior_sample[key].to_numpy()
            reference = interval_width(drawn, np.ones(len(drawn)), LEVEL)
        else:
            reference = LEVEL * (hi - lo)
        ratio = interval_width(values, posterior.weights, LEVEL) / reference
        verdict = "identified" if ratio < IDENTIFIED else ("not identified" if ratio > UNIDENTIFIED else "weakly")
        rows.append({"parameter": key, "section": section(key), "prior_low": lo, "prior_high": hi,
                     "median": q[1], "low90": q[0], "high90": q[2], "width_ratio": round(ratio, 3),
                     "verdict": verdict})
    return sorted(rows, key=lambda r: r["width_ratio"])


def markdown(rows: list[dict[str, Any]], columns: list[str]) -> str:
    def cell(v: Any) -> str:
        return f"{v:.5g}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(cell(r[c]) for c in columns) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def plot(posterior: Posterior, priors: dict[str, tuple[float, float]], rows: list[dict[str, Any]],
         folder: Path) -> list[Path]:
    """marginals.png (weighted histogram of each parameter over its prior range, prior as a line)
    and pairs.png (the ``PAIRS`` best-identified parameters against each other, dots sized by weight)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [r["parameter"] for r in rows]
    w = posterior.weights
    cols = min(4, max(1, len(names)))
    nrows = -(-len(names) // cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(max(3.2 * cols, 6.4), 2.4 * nrows), squeeze=False)  # room for the title
    for ax, key in zip(axes.flat, names, strict=False):
        lo, hi = priors[key]
        ax.hist(posterior.particles[key], bins=12, range=(lo, hi), weights=w, density=True, color="tab:blue", alpha=0.7)
        ax.axhline(1 / (hi - lo), color="grey", linestyle="--", linewidth=1)
        ratio = next(r["width_ratio"] for r in rows if r["parameter"] == key)
        ax.set_title(f"{key}\n90% width / prior sample's: {ratio:.2f}", fontsize=8)
        ax.set_xlim(lo, hi)
        ax.tick_params(labelsize=7)
        ax.set_yticks([])
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    fig.suptitle(f"Posterior marginals ({len(w)} particles; dashed: uniform prior)", fontsize=10)
    fig.tight_layout()
    out = [folder / "marginals.png"]
    fig.savefig(out[0], dpi=110)
    plt.close(fig)

    best = names[:PAIRS]
    k = len(best)
    side = max(1.9 * k, 5.0)  # room for the title with one or two parameters
    fig, axes = plt.subplots(k, k, figsize=(side, side), squeeze=False)
    size = 60 * w / w.max()
    for i, yk in enumerate(best):
        for j, xk in enumerate(best):
            ax = axes[i][j]
            if i == j:
                ax.hist(posterior.particles[xk], bins=10, range=priors[xk], weights=w, color="tab:blue", alpha=0.7)
                ax.set_yticks([])
            else:
                ax.scatter(posterior.particles[xk], posterior.particles[yk], s=size, alpha=0.5, color="tab:blue")
                ax.set_ylim(*priors[yk])
            ax.set_xlim(*priors[xk])
            ax.tick_params(labelsize=6)
            if i == k - 1:
                ax.set_xlabel(xk, fontsize=7)
            if j == 0:
                ax.set_ylabel(yk, fontsize=7)
    fig.suptitle("Posterior, pairwise (best-identified parameters; dot area ~ weight)", fontsize=9)
    fig.tight_layout()
    out.append(folder / "pairs.png")
    fig.savefig(out[1], dpi=110)
    plt.close(fig)
    return out


def statistics_table(particles: list[dict[str, Any]], statistics) -> list[dict[str, Any]]:
    """Each summary statistic: the sources' figure; the posterior's weighted mean of its values over
    the particles' seeds (inf/nan, an event that did not happen, left out) and the weighted share of
    seeds where it did; and the weighted mean of the term, each particle's the mean of its seeds'
    terms as its distance takes it (with several seeds a particle, the term of a mean value would
    hide how the seeds spread)."""
    w = np.array([p["weight"] for p in particles])
    rows = []
    for s in statistics:
        values = [np.asarray(p["stats"][s.name], dtype=float) for p in particles]
        seed_w = np.concatenate([np.full(len(v), wi / len(v)) for v, wi in zip(values, w, strict=True)])
        v = np.concatenate(values)
        ok = np.isfinite(v)
        mean = float(np.average(v[ok], weights=seed_w[ok])) if ok.any() and seed_w[ok].sum() > 0 else float("nan")
        term = float(np.average([s.term(float(x)) for x in v], weights=seed_w))  # each particle's mean over its seeds
        rows.append({"statistic": s.name, "source": s.source, "observed": float(s.observed),
                     "posterior_mean": mean, "finite_share": round(float(seed_w[ok].sum() / seed_w.sum()), 3),
                     "mean_term": round(term, 3), "term": s.text})
    return rows
