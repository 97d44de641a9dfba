"""Property-based tests (hypothesis): generated scenarios and overrides, valid and invalid.

Valid scenarios run and keep the model's invariants on every tick; invalid ones are refused with
a one-line ``ScenarioError`` (and exit code 2 from the command line) that names the file and key.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import fields

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation import CollaborationModel, ScenarioError, cli
from simulation.governance import GOVERNANCE_MODELS
from simulation.parameters import Parameters
from simulation.scenario import PERSPECTIVES, apply_overrides, load_scenario, scenario_from_dict

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GOVERNANCE = sorted(GOVERNANCE_MODELS)
PARAMS = {f.name: f for f in fields(Parameters)}
INTEGER_PARAMS = {n for n, f in PARAMS.items() if isinstance(f.default, int)}

# ---------------------------------------------------------------------------------------------
# generated scenarios

names = st.text(st.characters(codec="utf-8", categories=["L", "N"]), min_size=1, max_size=8)
unit = st.floats(0.0, 1.0)


@st.composite
def municipality(draw, name: str) -> dict:
    # whole inhabitants, written as integers or as floats (1e4)
    m = {"name": name, "population": draw(st.integers(200, 300_000) | st.integers(200, 300_000).map(float))}
    optional = {
        "growth": st.floats(-0.03, 0.03), "net_result": st.floats(-5.0, 12.0), "competence": unit,
        "ambition": unit, "autonomy": unit, "receptivity": unit, "region": st.sampled_from(["N", "S", "W"]),
        "family": st.sampled_from(["Agresso", "Visma"]), "x": st.floats(-10, 10), "y": st.floats(-10, 10),
        "culture": st.lists(st.integers(0, 4), min_size=4, max_size=4),
        "w_instrumental": st.floats(0.0, 5.0), "w_cultural": st.floats(0.0, 5.0), "w_myth": st.floats(0.0, 5.0),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            m[key] = draw(strategy)
    return m


@st.composite
def explicit_scenario(draw) -> dict:
    """A small region written out municipality by municipality, maybe with one collaboration."""
    # distinct also when compared as the loader does (NFC, case folded)
    labels = draw(st.lists(names, min_size=2, max_size=7, unique_by=lambda n: unicodedata.normalize("NFC", n).casefold()))
    data = {"name": "generated", "ticks": draw(st.integers(1, 5)), "start_year": draw(st.integers(1995, 2020)),
            "default_governance": draw(st.sampled_from(GOVERNANCE)),
            "municipalities": [draw(municipality(n)) for n in labels]}
    pairs = [(a, b) for i, a in enumerate(labels) for b in labels[i + 1:]]
    if draw(st.booleans()):
        data["neighbours"] = {"edges": [list(p) for p in draw(st.lists(st.sampled_from(pairs), max_size=12))]}
    if draw(st.booleans()):
        members = draw(st.lists(st.sampled_from(labels), min_size=2, max_size=len(labels), unique=True))
        data["collaborations"] = [{"name": "Initial IKT", "governance": draw(st.sampled_from(GOVERNANCE)),
                                   "members": members}]
    if draw(st.booleans()):
        data["trust"] = {"within_region": draw(unit), "between_regions": draw(unit)}
    if draw(st.booleans()):
        start = draw(st.integers(1995, 2030))
        data["junctures"] = [{"start": start, "end": start + draw(st.integers(0, 4))}]
        data["shocks"] = [{"year": start, "size": draw(unit)}]
    if draw(st.booleans()):
        data["perspectives"] = draw(st.lists(st.sampled_from(PERSPECTIVES), min_size=1, max_size=3, unique=True))
    return data


@st.composite
def generated_scenario(draw) -> dict:
    """A synthetic region from the generator."""
    n = draw(st.integers(2, 30))
    gen = {"n": n, "seed": draw(st.integers(0, 2**32)), "regions": draw(st.integers(1, min(n, 4))),
           "families": draw(st.integers(1, 4)), "sigma": draw(st.floats(0.0, 2.0))}
    return {"name": "gen", "ticks": draw(st.integers(1, 5)), "generator": gen,
            "default_governance": draw(st.sampled_from(GOVERNANCE))}


def parameter_value(name: str):
    f = PARAMS[name]
    low, high = f.metadata["low"], f.metadata["high"]
    return st.integers(int(low), int(high)) if name in INTEGER_PARAMS else st.floats(low, high)


@st.composite
def valid_overrides(draw) -> dict:
    pairs = {"small_max", "medium_max", "competence_min", "competence_max"}  # constrained together
    keys = draw(st.lists(st.sampled_from(sorted(set(PARAMS) - pairs)), max_size=6, unique=True))
    out = {k: draw(parameter_value(k)) for k in keys}
    if draw(st.booleans()):
        out["governance"] = draw(st.sampled_from(GOVERNANCE))
    if draw(st.booleans()):
        gov = draw(st.sampled_from(GOVERNANCE))
        out[f"governance.{gov}.exit_notice"] = draw(st.integers(0, 3))
        out[f"governance.{gov}.pooled_share"] = draw(unit)
        out[f"governance.{gov}.cost_key"] = draw(st.sampled_from(["per_capita", "equal", "mixed", "usage"]))
    return out


# ---------------------------------------------------------------------------------------------
# invariants


def check_invariants(model: CollaborationModel) -> None:
    listed: dict[int, object] = {}
    for k in model.collaborations:
        assert k.alive and len(k.members) >= 2, f"{k.name} has {len(k.members)} members"
        for mm in k.members:
            assert mm.index not in listed, f"{mm.name} is in two collaborations"
            listed[mm.index] = k
            assert mm.collaboration is k, f"{k.name} lists {mm.name}, which points elsewhere"
        shares = k.cost_shares()
        assert all(s >= 0 for s in shares)
        assert math.isclose(sum(shares), 1.0, rel_tol=1e-9), (k.name, k.governance.cost_key, shares)
        assert k.backlog >= 0 and k.development_output >= -1e-9
    for mm in model.municipalities:
        if mm.collaboration is not None:
            assert listed.get(mm.index) is mm.collaboration, f"{mm.name} points at a collaboration that does not list it"
            assert 0.0 <= mm.coordination <= 1.0 and 0.0 <= mm.leakage <= 0.9
        assert mm.population > 0 and math.isfinite(mm.population)
        assert mm.cost >= 0 and math.isfinite(mm.cost), (mm.name, mm.cost)
        assert math.isfinite(mm.outcome) and math.isfinite(mm.aspiration)


def run_checked(scenario, seed: int) -> CollaborationModel:
    model = CollaborationModel(scenario, seed=seed)
    check_invariants(model)
    while model.running and model.steps < scenario.ticks:
        model.step()
        check_invariants(model)
    assert model.steps == scenario.ticks
    return model


@SETTINGS
@given(data=explicit_scenario(), overrides=valid_overrides(), seed=st.integers(0, 2**32))
def test_valid_explicit_scenarios_run_and_keep_invariants(data, overrides, seed):
    scenario = apply_overrides(scenario_from_dict(data, origin="generated.toml"), overrides)
    run_checked(scenario, seed)


@SETTINGS
@given(data=generated_scenario(), overrides=valid_overrides(), seed=st.integers(0, 2**32))
def test_valid_generated_regions_run_and_keep_invariants(data, overrides, seed):
    scenario = apply_overrides(scenario_from_dict(data, origin="gen.toml"), overrides)
    run_checked(scenario, seed)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**32), overrides=valid_overrides())
def test_hedmark_keeps_invariants_under_any_valid_overrides(seed, overrides):
    run_checked(load_scenario("hedmark", {**overrides, "ticks": 12}), seed)


# ---------------------------------------------------------------------------------------------
# invalid scenarios: one corruption of a valid one, and the key the message must name

bad_numbers = st.sampled_from([-1, 0, -0.5, float("nan"), float("inf"), "many", True, [1]])


@st.composite
def corrupted(draw) -> tuple[dict, str]:
    data = draw(explicit_scenario())
    munis = data["municipalities"]
    i = draw(st.integers(0, len(munis) - 1))
    kind = draw(st.sampled_from([
        "population", "duplicate", "empty_name", "muni_key", "top_key", "ticks", "governance", "parameter",
        "edge", "collaboration", "trust", "legitimacy", "juncture", "unit_field", "weight", "perspectives"]))
    if kind == "population":
        munis[i]["population"] = draw(bad_numbers)
        return data, "population"
    if kind == "duplicate":
        munis[i]["name"] = munis[(i + 1) % len(munis)]["name"]
        data.pop("collaborations", None)
        return data, "duplicate"
    if kind == "empty_name":
        munis[i]["name"] = draw(st.sampled_from(["", "  ", 7]))
        return data, "name"
    if kind == "muni_key":
        munis[i]["size"] = 3
        return data, "unknown key(s) size"
    if kind == "top_key":
        data["colour"] = "red"
        return data, "unknown key(s) colour"
    if kind == "ticks":
        data["ticks"] = draw(st.sampled_from([0, -3, 501, "ten", 2.5]))
        return data, "ticks"
    if kind == "governance":
        data["default_governance"] = draw(st.sampled_from(["kingdom", "IKS", ""]))
        return data, "default_governance"
    if kind == "parameter":
        name = draw(st.sampled_from(sorted(PARAMS)))
        low, high = PARAMS[name].metadata["low"], PARAMS[name].metadata["high"]
        data["parameters"] = {name: draw(st.sampled_from([low - 1, high * 2 + 1, "x", float("nan")]))}
        return data, name
    if kind == "edge":
        data["neighbours"] = {"edges": [[munis[i]["name"], "Nowhere-" + munis[i]["name"]]]}
        return data, "neighbours.edges"
    if kind == "collaboration":
        data["collaborations"] = [{"name": "Solo", "members": [munis[i]["name"]]}]
        return data, "collaborations[Solo].members"
    if kind == "trust":
        data["trust"] = {"within_region": draw(st.sampled_from([-0.1, 1.5, "high"]))}
        return data, "trust.within_region"
    if kind == "legitimacy":
        data["legitimacy"] = {"2005": draw(st.sampled_from([-0.1, 1.5, "high"]))}
        return data, "legitimacy.2005"
    if kind == "juncture":
        data["junctures"] = [{"start": 2010, "end": 2005}]
        return data, "junctures[0].end"
    if kind == "unit_field":
        key = draw(st.sampled_from(["competence", "ambition", "autonomy", "receptivity"]))
        munis[i][key] = draw(st.sampled_from([-0.1, 1.01, "x", float("nan")]))
        return data, key
    if kind == "weight":
        key = draw(st.sampled_from(["w_instrumental", "w_cultural", "w_myth"]))
        munis[i][key] = draw(st.sampled_from([-0.1, 5.01, "x", float("nan"), True]))
        return data, key
    data["perspectives"] = draw(st.sampled_from([[], ["astrology"], "myth", ["myth", "myth"]]))
    return data, "perspectives"


@SETTINGS
@given(case=corrupted())
def test_invalid_scenarios_are_refused_in_one_line(case):
    data, key = case
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data, origin="generated.toml")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("generated.toml: ")
    assert key in message, message


def to_toml(data: dict) -> str:
    """A small TOML writer for the generated dicts (tables, arrays of tables, scalars, lists)."""
    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float):
            return "nan" if v != v else ("inf" if v == math.inf else repr(v))
        if isinstance(v, int):
            return str(v)
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return "[" + ", ".join(value(x) for x in v) + "]"

    scalars = [f"{k} = {value(v)}" for k, v in data.items() if not isinstance(v, dict | list) or
               (isinstance(v, list) and not (v and all(isinstance(x, dict) for x in v)))]
    blocks = []
    for k, v in data.items():
        if isinstance(v, dict):
            blocks.append(f"[{k}]\n" + "".join(f'"{kk}" = {value(vv)}\n' for kk, vv in v.items()))
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            for row in v:
                blocks.append(f"[[{k}]]\n" + "".join(f"{kk} = {value(vv)}\n" for kk, vv in row.items()))
    return "\n".join(scalars) + "\n\n" + "\n".join(blocks)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=corrupted(), valid=explicit_scenario())
@pytest.mark.slow
def test_cli_exit_codes_for_generated_files(tmp_path, capsys, case, valid):
    bad, key = case
    for data, ok in ((bad, False), (valid, True)):
        path = tmp_path / "generated.toml"
        path.write_text(to_toml(data), encoding="utf-8")
        code = cli.main(["run", str(path), "--out", str(tmp_path / "out"), "--no-plots", "--seed", "3", "--force"])
        err = capsys.readouterr().err
        if ok:
            assert code == 0, err
        else:
            assert code == 2 and "Traceback" not in err
            assert len(err.strip().splitlines()) == 1 and "generated.toml" in err and key in err, err


# ---------------------------------------------------------------------------------------------
# overrides: an independent oracle of what --set accepts


def expected_valid(key: str, value) -> bool:
    if key not in PARAMS:
        return False
    low, high = PARAMS[key].metadata["low"], PARAMS[key].metadata["high"]
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value or abs(value) == math.inf:
        return False
    if key in INTEGER_PARAMS and not isinstance(value, int):  # counted, not measured: 3.0 is no count
        return False
    if key == "small_max" and value >= Parameters().medium_max or key == "medium_max" and value <= Parameters().small_max:
        return False
    if key == "competence_min" and value > Parameters().competence_max or key == "competence_max" and value < Parameters().competence_min:
        return False
    return low <= value <= high


override_keys = st.sampled_from(sorted(PARAMS)) | st.sampled_from(["w_myht", "colour", "Fixed_cost", ""])
override_values = (st.floats(allow_nan=True, allow_infinity=True) | st.integers(-10**9, 10**9) | st.booleans()
                   | st.text(max_size=5) | st.lists(st.integers(), max_size=2))


@settings(max_examples=150, deadline=None)
@given(key=override_keys, value=override_values)
def test_parameter_overrides_match_the_oracle(key, value):
    base = load_scenario("two_hubs")
    if expected_valid(key, value):
        scenario = apply_overrides(base, {key: value})
        assert getattr(scenario.parameters, key) == value
    else:
        with pytest.raises(ScenarioError) as info:
            apply_overrides(base, {key: value})
        assert "\n" not in str(info.value) and str(info.value).startswith(f"--set {key}")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=override_keys, value=st.floats(-1e9, 1e9) | st.integers(-5, 10**6) | st.sampled_from(["lots", "true"]))
def test_set_on_the_command_line(tmp_path, capsys, key, value):
    code = cli.main(["run", "two_hubs", "--ticks", "2", "--set", f"{key}={value}", "--out", str(tmp_path / "o"),
                     "--no-plots", "--force"])  # hypothesis reuses tmp_path between examples
    err = capsys.readouterr().err
    parsed = {"true": True}.get(value, value) if isinstance(value, str) else value
    assert code == (0 if expected_valid(key, parsed) else 2), err
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_finished_models_are_freed():
    """mesa 3.3 keeps every model alive via Agent._ids (mesa issue 3179); sweeps need them freed."""
    import gc
    import weakref

    model = CollaborationModel(load_scenario("two_hubs", {"ticks": 2}), seed=1).run()
    ref = weakref.ref(model)
    del model
    gc.collect()
    assert ref() is None
