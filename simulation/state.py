"""Save, restore and branch a running model, so that history can be replayed and changed.

A model is saved whole: municipalities, collaborations, trust and culture arrays, the data
collected so far and the state of its random generators. Continuing a restored or branched
model therefore gives exactly the future the original would have had; changing one decision in
a branch (``force_join``) shows what that decision did (path dependency, counterfactuals).

Files are gzip-compressed pickles with a small header. Like any pickle, only load files you
trust. The DataCollector holds the reporter functions of :mod:`simulation.metrics`, some of which
are made by factories (closures that plain pickle refuses); they are saved by their name in
``metrics.MODEL_REPORTERS`` and looked up again on load.
"""

from __future__ import annotations

import copy
import functools
import gzip
import inspect
import io
import pickle
import types
from pathlib import Path
from typing import TYPE_CHECKING

import mesa

from . import __version__, metrics
from .perspectives.choice import Decision

if TYPE_CHECKING:
    from .agents import Collaboration, Municipality
    from .model import CollaborationModel

FORMAT = "imcsim-state"
VERSION = 7  # 2: municipalities carry their own perspective weights and Parameters has more fields;
# 3: named theory constants in Parameters, decisions as Decision tuples, a faster DataCollector
# 4: attrition reasons (decisions' reason, trust conflicts, leadership, the economy under budget stress);
#    consolidation (the model's merger_log and merger_proposals, collaborations' ended and peak_members)
# 5: municipalities' county (the merger myth gathers a county; county reforms)
# 6: pools carry their members' regions (region_span_weight)
# 7: collaborations carry the tick they were created in (only established ones merge)


def _reporter(name: str):
    """The model reporter saved under ``name`` (the inverse of the pickler's reduction)."""
    try:
        return metrics.MODEL_REPORTERS[name]
    except KeyError:
        raise ValueError(f"saved state uses model reporter {name!r}, which this version of "
                         "imcsim does not have") from None


def _get_attribute(agent, name: str):
    return getattr(agent, name, None)


def _attribute_reporter(name: str):
    """Picklable stand-in for Mesa's ``attr_reporter`` closure (string agent reporters)."""
    return functools.partial(_get_attribute, name=name)


def _call_with_params(agent, func, params):
    return func(agent, *params)


def _params_reporter(func, params):
    """Picklable stand-in for Mesa's ``func_with_params`` closure ([func, params] reporters)."""
    return functools.partial(_call_with_params, func=func, params=params)


class _StatePickler(pickle.Pickler):
    """Pickles reporter closures: ours by their name in ``metrics.MODEL_REPORTERS``, Mesa's
    DataCollector closures for attribute and [func, params] reporters by what they close over."""

    def __init__(self, file, protocol=pickle.HIGHEST_PROTOCOL):
        super().__init__(file, protocol)
        self._names = {id(f): name for name, f in metrics.MODEL_REPORTERS.items() if callable(f)}

    def reducer_override(self, obj):
        name = self._names.get(id(obj))
        if name is not None and metrics.MODEL_REPORTERS.get(name) is obj:
            return _reporter, (name,)
        if isinstance(obj, types.FunctionType) and obj.__module__ == "mesa.datacollection":
            free = inspect.getclosurevars(obj).nonlocals
            if obj.__name__ == "attr_reporter":
                return _attribute_reporter, (free["attribute_name"],)
            if obj.__name__ == "func_with_params":
                return _params_reporter, (free["func"], free["params"])
        return NotImplemented


def dumps(model: CollaborationModel) -> bytes:
    """The model as bytes (uncompressed), with a header naming the format and versions."""
    header = {"format": FORMAT, "version": VERSION, "imcsim": __version__, "mesa": mesa.__version__,
              "scenario": model.scenario.name, "seed": model.seed, "steps": model.steps}
    buffer = io.BytesIO()
    _StatePickler(buffer).dump({**header, "model": model})
    return buffer.getvalue()


def loads(data: bytes) -> CollaborationModel:
    try:
        payload = pickle.loads(data)
    except Exception as exc:  # noqa: BLE001 - any unpickling failure means "not a state"
        raise ValueError(f"not an imcsim state ({type(exc).__name__}: {exc})") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ValueError("not an imcsim state (no imcsim-state header)")
    if payload.get("version") != VERSION:
        raise ValueError(f"imcsim state version {payload.get('version')} is not supported (expected {VERSION})")
    return payload["model"]


def save(model: CollaborationModel, path: str | Path) -> Path:
    """Write the model's whole state to ``path`` (gzip-compressed); returns the path."""
    path = Path(path)
    data = dumps(model)  # before opening, so that a failure leaves no partial file
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wb", compresslevel=6) as fh:
        fh.write(data)
    return path


def load(path: str | Path) -> CollaborationModel:
    """Read a model saved by :func:`save`; it continues exactly where it was saved."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such state file")
    try:
        with gzip.open(path, "rb") as fh:
            data = fh.read()
    except (OSError, EOFError) as exc:
        raise ValueError(f"{path}: not an imcsim state file ({exc})") from None
    try:
        return loads(data)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None


def branch(model: CollaborationModel) -> CollaborationModel:
    """An independent deep copy, random generators included: stepping the original and the
    branch without changes gives identical futures; change one and they may part."""
    return copy.deepcopy(model)


# ---- counterfactual interventions ------------------------------------------------------------

def municipality(model: CollaborationModel, name: str) -> Municipality:
    for mm in model.municipalities:
        if mm.name == name:
            return mm
    raise ValueError(f"unknown municipality {name!r}; known: {', '.join(m.name for m in model.municipalities)}")


def collaboration(model: CollaborationModel, name: str) -> Collaboration:
    for k in model.collaborations:
        if k.name == name:
            return k
    alive = ", ".join(k.name for k in model.collaborations) or "none"
    raise ValueError(f"no collaboration {name!r} in the model at tick {model.steps}; alive: {alive}")


def force_join(model: CollaborationModel, municipality_name: str, collaboration_name: str | None) -> CollaborationModel:
    """Counterfactual: move one municipality into ``collaboration_name`` now (or out of any
    collaboration when it is None), as if it had decided so. The move uses the agents' own
    ``release``/``admit`` (so the newcomer onboards as usual); no exit or entry fee is charged,
    a collaboration left with fewer than two members dissolves as in the schedule, and the
    intervention is recorded in the decision log as choice ``forced``. Returns the model."""
    mm = municipality(model, municipality_name)
    target = collaboration(model, collaboration_name) if collaboration_name is not None else None
    old = mm.collaboration
    if old is target:
        return model
    if old is not None:
        old.release(mm)
        old.refresh()
        if len(old.members) < 2:
            model.dissolve(old)
    if target is not None:
        target.admit(mm)
        target.refresh()
    model.decisions.append(Decision(model.steps, model.year, mm.name, "forced",
                                    target.name if target is not None else "", "", False))
    return model
