"""Scenario discovery: which parameter ranges lead to collapse and which to consolidation.

Each finished run is labelled by its end state: *collapse* (most members gone: member share
below ``collapse_below``), *consolidation* (one dominant collaboration: largest share at or above
``dominant_above``) or *mixed*. A shallow CART decision tree (scikit-learn's
``DecisionTreeClassifier``) then splits the parameter space into boxes; each leaf is a readable
rule ("transaction_cost > 2.1e6 and delay_cost > 1500") with the share of runs of each kind.
Classes are weighted to balance (consolidation is often rare), so a leaf's ``tree_class`` is the
class most over-represented in it relative to its overall frequency, not always the majority.
The tree is judged by its cross-validated accuracy (stratified k-fold, :data:`CV_FOLDS`), not by how
well it fits the runs it was grown on; the figure shows the same unweighted shares as the table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

LABELS = ("collapse", "consolidation", "mixed")
CV_FOLDS = 5  # folds of the tree's cross-validation (fewer when a class has fewer runs)


def label_runs(results: pd.DataFrame, collapse_below: float, dominant_above: float) -> pd.Series:
    missing = [c for c in ("member_share", "largest_share") if c not in results.columns]
    if missing:
        raise ValueError(f"scenario discovery needs the outcomes {', '.join(missing)}; keep them in outputs")
    label = np.where(results.member_share < collapse_below, "collapse",
                     np.where(results.largest_share >= dominant_above, "consolidation", "mixed"))
    return pd.Series(label, index=results.index, name="outcome_class")


def discover(results: pd.DataFrame, factors: list[str], collapse_below: float = 0.5,
             dominant_above: float = 0.6, max_depth: int = 3, min_leaf: int = 10,
             seed: int = 0) -> dict[str, Any]:
    """Fit the tree; return class counts, leaf rules, the fitted tree and its text form."""
    from sklearn.tree import DecisionTreeClassifier, export_text

    numeric = [f for f in factors if pd.api.types.is_numeric_dtype(results[f])]
    if not numeric:
        raise ValueError("scenario discovery needs at least one numeric varied parameter")
    ok = results[results.status == "ok"].reset_index(drop=True)
    labels = label_runs(ok, collapse_below, dominant_above)
    x = ok[numeric].to_numpy(dtype=float)
    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=min_leaf, class_weight="balanced",
                                  random_state=seed).fit(x, labels)
    leaves = _leaf_rules(tree, numeric, x, labels)
    return {
        "counts": labels.value_counts().reindex(list(LABELS), fill_value=0),
        "leaves": leaves,
        "tree": tree,
        "features": numeric,
        "x": x,
        "labels": labels,
        "text": export_text(tree, feature_names=numeric, decimals=3),
        "accuracy": float(tree.score(x, labels)),
        **cross_validated(tree, x, labels, seed),
        "baseline": float(labels.value_counts(normalize=True).max()),
    }


def skill(found: dict[str, Any]) -> str:
    """What the tree's held-out accuracy is worth: against always naming the commonest class (the
    base rate) and, since the classes are weighted to balance, its balanced accuracy against chance
    (one over the number of end states seen). "Beats" means by more than the folds' standard
    deviation, so a tree on noise, a hair above chance by luck, is not credited. A tree that beats
    neither has found no rule, however well it fits its own runs; one that beats chance only when
    balanced separates the rarer end states' boxes but predicts no better than the base rate."""
    k = int(found["labels"].nunique())
    chance = 1 / k if k else np.nan
    acc, base, bal = found["cv_accuracy"], found["baseline"], found["cv_balanced_accuracy"]
    if not np.isfinite(acc):
        return "too few runs to cross-validate"
    beats_base = acc - found["cv_accuracy_sd"] > base
    beats_chance = bal - found["cv_balanced_accuracy_sd"] > chance
    if beats_base:
        return f"beats always naming the commonest class ({acc:.2f} against {base:.2f})"
    if beats_chance:
        return (f"no better than always naming the commonest class ({acc:.2f} against {base:.2f}); "
                f"balanced accuracy {bal:.2f} against chance {chance:.2f}: read the boxes as contrasts, not predictions")
    return (f"no rule found: no better than always naming the commonest class ({acc:.2f} against {base:.2f}) "
            f"nor than chance when balanced ({bal:.2f} against {chance:.2f})")


def cross_validated(tree, x: np.ndarray, labels: pd.Series, seed: int = 0) -> dict[str, float]:
    """Accuracy and balanced accuracy (mean recall over classes) of the same tree on held-out runs:
    stratified k-fold (shuffled with ``seed``), k = :data:`CV_FOLDS` or the smallest class's size."""
    from sklearn.base import clone
    from sklearn.model_selection import KFold, StratifiedKFold, cross_validate

    smallest = int(labels.value_counts().min())
    folds = min(CV_FOLDS, len(labels))
    if labels.nunique() > 1 and smallest >= 2:
        splitter = StratifiedKFold(n_splits=min(folds, smallest), shuffle=True, random_state=seed)
    else:
        splitter = KFold(n_splits=folds, shuffle=True, random_state=seed)
    if folds < 2:
        return {"cv_accuracy": np.nan, "cv_accuracy_sd": np.nan, "cv_balanced_accuracy": np.nan,
                "cv_balanced_accuracy_sd": np.nan, "cv_folds": 0}
    scores = cross_validate(clone(tree), x, labels, cv=splitter, scoring=("accuracy", "balanced_accuracy"))
    return {"cv_accuracy": float(scores["test_accuracy"].mean()), "cv_accuracy_sd": float(scores["test_accuracy"].std()),
            "cv_balanced_accuracy": float(scores["test_balanced_accuracy"].mean()),
            "cv_balanced_accuracy_sd": float(scores["test_balanced_accuracy"].std()), "cv_folds": splitter.get_n_splits()}


def _leaf_rules(tree, names: list[str], x: np.ndarray, labels: pd.Series) -> pd.DataFrame:
    """One row per leaf: its box (parameter ranges), size and share of each outcome class."""
    t = tree.tree_
    boxes: dict[int, dict[str, list[float]]] = {}

    def walk(node: int, box: dict[str, list[float]]) -> None:
        if t.children_left[node] == t.children_right[node]:
            boxes[node] = box
            return
        name, thr = names[t.feature[node]], float(t.threshold[node])
        left = {k: list(v) for k, v in box.items()}
        right = {k: list(v) for k, v in box.items()}
        left.setdefault(name, [-np.inf, np.inf])
        right.setdefault(name, [-np.inf, np.inf])
        left[name][1] = min(left[name][1], thr)
        right[name][0] = max(right[name][0], thr)
        walk(t.children_left[node], left)
        walk(t.children_right[node], right)

    walk(0, {})
    leaf_of = tree.apply(x)
    rows = []
    for leaf, box in boxes.items():
        mask = leaf_of == leaf
        shares = labels[mask].value_counts(normalize=True)
        rule = " and ".join(_condition(k, lo, hi) for k, (lo, hi) in box.items()) or "(all runs)"
        rows.append({"rule": rule, "runs": int(mask.sum()),
                     **{c: float(shares.get(c, 0.0)) for c in LABELS},
                     "tree_class": tree.classes_[int(np.argmax(t.value[leaf]))]})
    return pd.DataFrame(rows).sort_values(["tree_class", "runs"], ascending=[True, False]).reset_index(drop=True)


def _condition(name: str, lo: float, hi: float) -> str:
    if np.isfinite(lo) and np.isfinite(hi):
        return f"{lo:.4g} < {name} <= {hi:.4g}"
    if np.isfinite(lo):
        return f"{name} > {lo:.4g}"
    return f"{name} <= {hi:.4g}"


def plot_tree(found: dict[str, Any], title: str):
    """The tree with, in every box, the number of runs and the *unweighted* share of each end state,
    the same numbers as :func:`_leaf_rules`' table (scikit-learn's own labels would show the
    class-balanced weights instead). The colour is the tree's class, which is weighted."""
    import matplotlib.pyplot as plt
    from sklearn.tree import plot_tree as sk_plot_tree

    tree, x, labels = found["tree"], found["x"], found["labels"]
    depth = tree.get_depth()
    fig, ax = plt.subplots(figsize=(max(8, 4.8 * 2 ** max(depth - 1, 0)), 2.5 * (depth + 1)))
    notes = sk_plot_tree(tree, feature_names=found["features"], class_names=list(tree.classes_),
                         filled=True, rounded=True, impurity=False, fontsize=8, ax=ax)
    boxes = [n for n in notes if n.get_text().strip() not in ("True", "False")]  # not the root's edge labels
    for node, note in enumerate(boxes):  # drawn depth first, left child first: scikit-learn's node order
        note.set_text(node_text(found, node, x, labels))
        note.set_gid(f"node-{node}")
    ax.set_title(f"{title}\nshares: unweighted share of the box's runs; colour: the tree's class "
                 f"(classes weighted to balance)\nheld out, the tree {skill(found)}", fontsize=9)
    fig.tight_layout()
    return fig


def node_text(found: dict[str, Any], node: int, x: np.ndarray, labels: pd.Series) -> str:
    """A node's label: its split (inner nodes), runs and unweighted shares, and the tree's class."""
    tree = found["tree"]
    t = tree.tree_
    inside = tree.decision_path(x)[:, node].toarray().ravel().astype(bool)
    shares = labels[inside].value_counts(normalize=True)
    lines = []
    if t.children_left[node] != t.children_right[node]:
        lines.append(f"{found['features'][t.feature[node]]} <= {t.threshold[node]:.4g}")
    lines.append(f"runs = {int(inside.sum())}")
    lines += [f"{c} {float(shares.get(c, 0.0)):.3f}" for c in LABELS]
    lines.append(f"class = {tree.classes_[int(np.argmax(t.value[node]))]}")
    return "\n".join(lines)


# PRIM (Friedman & Fisher 1999) through EMA Workbench's ``analysis.prim``, when installed
PRIM_CASES = ("collapse", "consolidation")
PRIM_THRESHOLD = 0.8   # chosen box: the widest (highest coverage, then density) whose density is at least this
PRIM_PEEL_ALPHA = 0.05  # share of runs peeled off per step (EMA's default)
PRIM_MASS_MIN = 0.05    # peeling stops when a box holds fewer than this share of runs (EMA's default)


def prim_boxes(results: pd.DataFrame, factors: list[str], collapse_below: float = 0.5,
               dominant_above: float = 0.6, threshold: float = PRIM_THRESHOLD) -> dict[str, Any] | None:
    """One PRIM box per case (collapse, consolidation): ``{case: {"box", "index", "stats", "limits"}}``.

    ``None`` when ema_workbench is not installed. ``box`` is EMA's ``PrimBox``; ``index`` the chosen
    point on its peeling trajectory (among boxes with density >= ``threshold`` the highest coverage,
    ties to the higher density; when none is that dense, the densest); ``stats`` and ``limits`` are ``box.inspect(index, style="data")``, so the
    table and the figure read the same box. A case no run reached maps to ``None``."""
    try:
        from ema_workbench.analysis import prim
    except ImportError:
        return None
    numeric = [f for f in factors if pd.api.types.is_numeric_dtype(results[f])]
    if not numeric:
        raise ValueError("scenario discovery needs at least one numeric varied parameter")
    ok = results[results.status == "ok"].reset_index(drop=True)
    labels = label_runs(ok, collapse_below, dominant_above)
    x = ok[numeric].astype(float)
    found: dict[str, Any] = {}
    for case in PRIM_CASES:
        y = (labels == case).to_numpy()
        if not y.any():
            found[case] = None
            continue
        box = prim.Prim(x, y, threshold=threshold, peel_alpha=PRIM_PEEL_ALPHA, mass_min=PRIM_MASS_MIN).find_box()
        trajectory = box.peeling_trajectory
        dense = trajectory[trajectory.density >= threshold]
        pick = dense if len(dense) else trajectory[trajectory.density == trajectory.density.max()]
        index = int(pick.sort_values(["coverage", "density"], kind="stable").index[-1])
        box.select(index)
        stats, limits = box.inspect(index, style="data")[0]
        found[case] = {"box": box, "index": index, "stats": stats, "limits": limits, "threshold": threshold}
    return found


def prim_table(found: dict[str, Any]) -> pd.DataFrame:
    """The chosen boxes' limits with quasi-p-values, one row per restricted parameter (a case whose
    box restricts nothing gets one row with an empty parameter)."""
    rows = []
    for case, f in found.items():
        if f is None:
            continue
        s = f["stats"]
        head = {"case": case, "box": f["index"], "coverage": float(s["coverage"]), "density": float(s["density"]),
                "mass": float(s["mass"]), "restricted": int(s["res_dim"])}
        limits = f["limits"]
        if limits.empty:
            rows.append({**head, "parameter": "", "min": np.nan, "max": np.nan, "qp_lower": np.nan, "qp_upper": np.nan})
        for name, values in zip(limits.index, limits.to_numpy(), strict=True):
            lo, hi, qp_lo, qp_hi = (float(v) for v in values)
            rows.append({**head, "parameter": name, "min": lo, "max": hi, "qp_lower": qp_lo, "qp_upper": qp_hi})
    return pd.DataFrame(rows, columns=["case", "box", "coverage", "density", "mass", "restricted", "parameter",
                                       "min", "max", "qp_lower", "qp_upper"])


def markdown_table(df: pd.DataFrame) -> str:
    """A plain Markdown table (no tabulate dependency); numbers to 4 significant digits."""
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return "" if np.isnan(v) else f"{v:.4g}"
        return str(v)

    lines = ["| " + " | ".join(df.columns) + " |", "|" + "---|" * len(df.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def plot_prim(found: dict[str, Any], title: str):
    """Peeling trajectories (coverage vs density, colour = restricted parameters), chosen box ringed
    and labelled with its limits, one panel per case; read from the same boxes as ``prim_table``."""
    import matplotlib.pyplot as plt

    cases = list(found)
    fig, axes = plt.subplots(1, len(cases), figsize=(6.2 * len(cases), 5.6), squeeze=False)
    for ax, case in zip(axes[0], cases, strict=True):
        f = found[case]
        ax.set_title(case)
        ax.set_xlabel("coverage (share of the case's runs inside the box)")
        ax.set_ylabel("density (share of the box's runs that are the case)")
        ax.set_xlim(0, 1.05)
        ax.set_ylim(0, 1.05)
        if f is None:
            ax.text(0.5, 0.5, "no run ended this way", ha="center", va="center", transform=ax.transAxes)
            continue
        t = f["box"].peeling_trajectory
        top = max(int(t.res_dim.max()), 1)
        points = ax.scatter(t.coverage, t.density, c=t.res_dim, cmap=plt.get_cmap("viridis", top + 1), s=18,
                            vmin=-0.5, vmax=top + 0.5)
        fig.colorbar(points, ax=ax, label="restricted parameters", ticks=range(top + 1))
        s = f["stats"]
        ax.scatter([s["coverage"]], [s["density"]], s=140, facecolors="none", edgecolors="red", linewidths=1.8, gid="chosen",
                   label=f"chosen box {f['index']}: coverage {s['coverage']:.2f}, density {s['density']:.2f}")
        ax.axhline(f["threshold"], color="grey", lw=0.8, ls=":", label=f"density threshold {f['threshold']}")
        rules = [_prim_rule(name, *values) for name, values in
                 zip(f["limits"].index, f["limits"].to_numpy(dtype=float), strict=True)]
        if not rules:
            rules = [f"(none: no box reaches density {f['threshold']};", " EMA returns the whole space)"]
        ax.text(0.02, 0.02, "chosen box (quasi-p-value per limit):\n" + "\n".join(rules),
                transform=ax.transAxes, fontsize=8,
                va="bottom", family="monospace", bbox={"facecolor": "white", "alpha": 0.8, "lw": 0})
        ax.legend(loc="upper right", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def _prim_rule(name: str, lo: float, hi: float, qp_lo: float, qp_hi: float) -> str:
    """A box limit as text; a side EMA left unrestricted (quasi-p-value missing) is not shown."""
    if np.isnan(qp_lo):
        return f"{name} <= {hi:.3g}  (qp {qp_hi:.2g})"
    if np.isnan(qp_hi):
        return f"{name} >= {lo:.3g}  (qp {qp_lo:.2g})"
    return f"{lo:.3g} <= {name} <= {hi:.3g}  (qp {qp_lo:.2g}, {qp_hi:.2g})"
