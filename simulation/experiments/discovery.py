"""Scenario discovery: which parameter ranges lead to collapse and which to consolidation.

Each finished run is labelled by its end state: *collapse* (most members gone: member share
below ``collapse_below``), *consolidation* (one dominant collaboration: largest share at or above
``dominant_above``) or *mixed*. A shallow CART decision tree (scikit-learn's
``DecisionTreeClassifier``) then splits the parameter space into boxes; each leaf is a readable
rule ("transaction_cost > 2.1e6 and delay_cost > 1500") with the share of runs of each kind.
Classes are weighted to balance (consolidation is often rare), so a leaf's ``tree_class`` is the
class most over-represented in it relative to its overall frequency, not always the majority.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

LABELS = ("collapse", "consolidation", "mixed")


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
        "text": export_text(tree, feature_names=numeric, decimals=3),
        "accuracy": float(tree.score(x, labels)),
    }


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
    import matplotlib.pyplot as plt
    from sklearn.tree import plot_tree as sk_plot_tree

    depth = found["tree"].get_depth()
    fig, ax = plt.subplots(figsize=(max(8, 4.5 * 2 ** max(depth - 1, 0)), 2.4 * (depth + 1)))
    sk_plot_tree(found["tree"], feature_names=found["features"], class_names=list(found["tree"].classes_),
                 filled=True, rounded=True, impurity=False, proportion=True, fontsize=8, ax=ax)
    ax.set_title(title)
    fig.tight_layout()
    return fig
