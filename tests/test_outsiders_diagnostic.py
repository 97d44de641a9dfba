"""The diagnostics docs/validation.md cites. benchmarks/outsiders.py (norway's membership): logging
the outsiders' appraisals must not change the run it watches, and must restore the agent class.
benchmarks/decoupling_parts.py (legitimacy and the decoupling gap): its parts add up to the gap
exactly when nobody declares a strategy, the premise of the trace. benchmarks/habit_direct.py
(habit and the chance of a notice): weighing each search again leaves the run as it was."""

from __future__ import annotations

import collections
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from simulation import metrics
from simulation.agents import Municipality
from simulation.model import CollaborationModel
from simulation.perspectives import choice
from simulation.validation.patterns import membership

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _script(name: str):
    """A benchmarks/ script as a module; its folder is on the path while it loads, as when run
    (exit_draws imports outsiders.watching as a sibling)."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCHMARKS))
    return module


def test_logging_outsiders_watches_without_changing_the_run():
    outsiders = _script("outsiders")
    decide = Municipality.decide
    plain = membership(CollaborationModel("hedmark", seed=3).run())
    log: list[tuple] = []
    with outsiders.logging_outsiders(log):
        watched = membership(CollaborationModel("hedmark", seed=3).run())
    assert Municipality.decide is decide
    assert watched.equals(plain)
    assert log, "hedmark's outsiders search before they join"
    first, last = 2005, 2005 + 35  # hedmark's start year and horizon
    for year, population, chosen, best, *gain in log:
        assert first <= year <= last and population > 0 and len(gain) == 3
        assert chosen in (choice.STAY, choice.JOIN, choice.FOUND) and best in (choice.JOIN, choice.FOUND)


def test_logging_exits_logs_every_exit_notice_without_changing_the_run():
    """benchmarks/exit_draws.py, cited for "exits are drawn, not chosen": one entry per exit
    notice in the decision log, and the run it watches is the run without it."""
    exit_draws = _script("exit_draws")
    decide = Municipality.decide
    churn = {"collab_fixed_elasticity": 0.0, "budget_stress_weight": 1.0}  # a setting with exits
    plain = CollaborationModel("synthetic_small", seed=3, overrides=churn).run()
    log: list[tuple] = []
    with exit_draws.logging_exits(log):
        watched = CollaborationModel("synthetic_small", seed=3, overrides=churn).run()
    assert Municipality.decide is decide
    assert membership(watched).equals(membership(plain))
    notices = [(d.year, d.municipality, d.reason) for d in watched.decisions if d.choice == choice.EXIT]
    assert notices, "this setting has exit notices to log"
    assert [(year, name, reason) for year, name, _, reason, *_ in log] == notices
    assert all(tenure >= 0 and habit >= 0 for *_, tenure, habit in log)


def test_decoupling_parts_add_up_to_the_gap_only_when_nobody_declares_a_strategy():
    parts = _script("decoupling_parts").parts
    gap, leakage, above_cap, members, leaking = parts(("hedmark", 1, {}))[:5]
    assert leaking > 0 and leakage > 0  # seed 1 ends with members leaking: the identity is not 0 = 0
    assert gap == pytest.approx(leakage + above_cap, abs=1e-12)
    # declared strategies (talk beyond the agreed coordination) open the gap beyond both parts
    gap, leakage, above_cap = parts(("hedmark", 1, {"declaration_rate": 0.3, "legitimacy_weight": 2.0}))[:3]
    assert gap > leakage + above_cap + 0.1


def test_weighing_each_search_again_leaves_the_run_unchanged_and_at_the_same_habit_the_same_chance():
    weighing_again = _script("habit_direct").weighing_again
    plain = metrics.summary(CollaborationModel("agder", seed=5).run())
    same: collections.defaultdict = collections.defaultdict(lambda: [0, 0.0, 0.0])
    with weighing_again(1.0, same):
        assert metrics.summary(CollaborationModel("agder", seed=5).run()) == plain
    assert Municipality.options.__name__ == "options"  # the class is restored
    n, first, again = (sum(row[i] for row in same.values()) for i in range(3))
    assert n > 0 and first > 0 and again == pytest.approx(first, rel=1e-12)
    stronger: collections.defaultdict = collections.defaultdict(lambda: [0, 0.0, 0.0])
    with weighing_again(4.0, stronger):
        CollaborationModel("agder", seed=5).run()
    assert sum(row[2] for row in stronger.values()) < sum(row[1] for row in stronger.values())  # habit holds members


def test_done_when_names_patterns_and_levers_that_exist_and_reports_what_validate_measures(capsys):
    """benchmarks/done_when.py (issue 11's items on fresh seeds): every pattern and lever it names is
    declared, so a renamed one fails here rather than vanishing from the report; and a pattern's
    line carries the figure `imcsim validate` measures on the same seeds."""
    from simulation.experiments import effects as fx
    from simulation.validation.patterns import PATTERNS
    from simulation.validation.runner import validate

    done = _script("done_when")
    names = {p.name for p in PATTERNS}
    assert {n for ns in done.PATTERN_ITEMS.values() for n in ns} <= names
    assert {i.lever for i in done.LEVER_ITEMS} <= {lv.name for lv in fx.LEVERS}
    assert {o for i in done.LEVER_ITEMS for o in i.outcomes} <= {o.name for o in fx.OUTCOMES}
    rows = done.pattern_rows(["agder"], first_seed=5, seeds=2, workers=1)
    assert [r[0] for r in rows] == list(done.PATTERN_ITEMS["agder"])
    direct = validate("agder", [5, 6], patterns=[p for p in PATTERNS if p.name == "Setesdal IKT not dissolved"])[0]
    assert rows[2][2].startswith(direct.observed())
    expected = "met" if direct.passed else "not met (interval straddles the bar)" if direct.point_passed else "not met"
    assert rows[2][3] == expected


def test_hedmark_fixed_cost_reads_small_members_as_effects_does():
    """benchmarks/hedmark_fixed_cost.py (docs/validation.md, "where hedmark's response bends"): its
    small municipalities' share is ``imcsim effects``' ``small_members`` on the same run, and those
    are the Kongsvinger bloc's Grue and Nord-Odal, whose entry the script reports (Grue's)."""
    from simulation.experiments import effects as fx
    from simulation.scenario import load_scenario

    script = _script("hedmark_fixed_cost")
    own = load_scenario("hedmark").parameters.fixed_cost
    row = script.one((1.25, 1.25 * own, 4))
    model = CollaborationModel("hedmark", seed=4, overrides={"fixed_cost": 1.25 * own}).run()
    ms = metrics.municipality_series(model)
    run = fx.RunData(metrics.summary(model), metrics.series(model), ms)
    small_members = fx.pick(fx.OUTCOMES, ["small_members"], "outcomes")[0]
    assert row["small_members"] == pytest.approx(small_members.value(run))
    assert set(ms.loc[ms["size_class"] == "small", "name"]) == {"Grue", "Nord-Odal"}
    assert row["grue_year"] == int(ms.loc[(ms["name"] == "Grue") & (ms["collaboration"] != "") & (ms["tick"] > 0),
                                          "year"].min())


def test_legitimacy_channels_move_only_the_channels_named(monkeypatch):
    """benchmarks/legitimacy_channels.py (docs/validation.md, "Legitimacy on the synthetic
    regions"): with every channel moving, a run is the model's at that weight; with none moving,
    it is the model's at the region's own weight, whatever the weight set (the weight is read
    nowhere but in the four channels); with one moving, it is neither."""
    from simulation.perspectives import myth
    from simulation.scenario import load_scenario

    for name in ("legitimacy", "standardisation", "declared_target", "consolidation", "merger"):
        monkeypatch.setattr(myth, name, getattr(myth, name))  # the script wraps them; put them back after
    script = _script("legitimacy_channels")
    own = load_scenario("synthetic_small").parameters.legitimacy_weight

    def model_at(weight):
        run = CollaborationModel("synthetic_small", seed=3, overrides={"legitimacy_weight": weight}).run()
        return metrics.municipality_series(run)["collaboration"].tolist()

    def channels_at(setting, factor):
        with script.channels(setting, own):
            run = CollaborationModel("synthetic_small", seed=3, overrides={"legitimacy_weight": factor * own}).run()
        return metrics.municipality_series(run)["collaboration"].tolist()

    assert channels_at("all", 2.0) == model_at(2.0 * own)
    assert channels_at("none", 2.0) == model_at(own)
    assert model_at(2.0 * own) != model_at(own)  # the lever does move this run
    assert channels_at("merger", 2.0) not in (model_at(own), model_at(2.0 * own))
    assert script.moved("not-merger") == {"belonging", "standardise", "consolidation"}
    with pytest.raises(ValueError, match="unknown setting"):
        script.moved("fashion")


def test_verdict_reliability_splits_one_run_into_draws_that_equal_separate_runs():
    """benchmarks/verdict_reliability.py (docs/validation.md, "How often a verdict holds"): each
    draw's effects, cut from one long run, are those of the effects engine run on that draw's seeds
    alone, and the pooled table is the one on all the seeds; so "met in k of D draws" counts real
    30-seed checks, not overlapping or shifted ones."""
    from simulation.experiments import effects as fx

    reliability = _script("verdict_reliability")
    done = _script("done_when")
    seeds = fx.run_seeds(5, 4)
    design = done.lever_design(["agder"], seeds)
    design.levers = [lv for lv in design.levers if lv.name == "fixed_cost"]
    design.outcomes = [o for o in design.outcomes if o.name == "small_members"]
    results = fx.run_design(design)
    for d in (0, 1):
        alone = fx.Design(["agder"], design.levers, design.outcomes, seeds[2 * d:2 * d + 2])
        expected = fx.effects_table(alone, fx.run_design(alone))
        got = fx.effects_table(design, reliability.split(results, d, 2))
        assert got["mean_diff"].tolist() == expected["mean_diff"].tolist()
        assert got["verdict"].tolist() == expected["verdict"].tolist()
    pooled = fx.effects_table(design, results)
    assert pooled["n_seeds"].tolist() == [4]
    assert pooled["mean_diff"].iloc[0] == pytest.approx(sum(
        fx.effects_table(design, reliability.split(results, d, 2))["mean_diff"].iloc[0] for d in (0, 1)) / 2)


def test_habit_bloc_moves_the_effects_habit_lever_and_reads_kongsvingers_entry():
    """benchmarks/habit_bloc.py (docs/validation.md, "How often a verdict holds"): its two settings
    are ``imcsim effects``' habit lever (x0.5 and x2 of hedmark's own ``habit_strength``), and its
    year is Kongsvinger's first year in a collaboration in that run."""
    from simulation.scenario import load_scenario

    script = _script("habit_bloc")
    own = load_scenario("hedmark").parameters.habit_strength
    assert script.HABIT.overrides(load_scenario("hedmark"), "high") == {"habit_strength": pytest.approx(2 * own)}
    ms = metrics.municipality_series(CollaborationModel("hedmark", seed=7, overrides={"habit_strength": 2 * own}).run())
    members = ms[(ms["name"] == "Kongsvinger") & (ms["collaboration"] != "") & (ms["tick"] > 0)]
    assert script.kongsvinger_year(({"habit_strength": 2 * own}, 7)) == int(members["year"].min())


def test_host_weights_sets_one_municipalitys_preset_and_reads_grue_and_the_bloc():
    """benchmarks/host_weights.py (docs/teaching.md, "Whose perspective matters?"): a setting gives
    the named municipality, and no other, the page's preset weights; its reading of a run is Grue's
    first year in any collaboration and the "regional bloc joins" pattern of that run."""
    from simulation.validation import patterns

    script = _script("host_weights")
    over = script.overrides("Hamar", "calculating")
    model = CollaborationModel("hedmark", seed=3, overrides=over)
    weights = {m.name: tuple(m.weights) for m in model.municipalities}
    assert weights.pop("Hamar") == (2, 0, 0)
    assert set(weights.values()) == {(1, 1, 1)}
    model.run()
    grue = membership(model)["Grue"]
    year, in_window = script.one((over, 3))
    assert year == int(grue[grue != ""].index.min())
    bloc = patterns.bloc_year(model)
    assert in_window == (bloc is not None and patterns.BLOC_WINDOW[0] <= bloc <= patterns.BLOC_WINDOW[1])


def test_neighbourhood_draws_inside_the_priors_and_reads_the_patterns_validate_reads():
    """benchmarks/neighbourhood.py (docs/validation.md, "Is a miss a matter of calibration?"): a
    point moves every searched key, keeps each inside its prior range and is the same for the same
    generator seed; its readings are ``imcsim validate``'s shares for the named patterns, and the
    compromise is the worst of the done-when's readings."""
    import numpy as np

    from simulation.parameters import Parameters
    from simulation.validation.patterns import patterns_for
    from simulation.validation.runner import validate

    script = _script("neighbourhood")
    point = script.draw_point(np.random.default_rng(5), 0.6)
    assert point == script.draw_point(np.random.default_rng(5), 0.6)
    assert set(point) == set(script.KEYS)
    defaults = Parameters()
    for key, (low, high) in script.KEYS.items():
        assert low <= point[key] <= high
        assert point[key] != getattr(defaults, key)
    box = script.draw_in_box(np.random.default_rng(5))
    assert set(box) == set(script.KEYS) and all(lo <= box[k] <= hi for k, (lo, hi) in script.KEYS.items())
    seeds = range(11, 14)
    readings = script.score({"habit_strength": 0.3}, seeds, workers=1)
    assert set(readings) == {n for names in script.READINGS.values() for n in names}
    agder = [p for p in patterns_for("agder") if p.name == "Setesdal IKT merges into IKT Agder"]
    [own] = validate("agder", seeds, {"habit_strength": 0.3}, patterns=agder)
    assert readings["Setesdal IKT merges into IKT Agder"] == own.value
    assert script.worst(readings) == min(readings[n] for n in script.COMPROMISE)


def test_neighbourhood_reports_on_earlier_points_without_running_them(tmp_path, capsys):
    """``--read``: the defaults' row once (every file starts with it), the best point on each
    reading, and the compromise as the point whose worst reading is best."""
    script = _script("neighbourhood")
    names = [n for names in script.READINGS.values() for n in names]
    defaults = {"overrides": {}, "readings": dict.fromkeys(names, 0.5)}
    better = {"overrides": {"temperature": 0.2}, "readings": dict.fromkeys(names, 0.6)}
    lopsided = {"overrides": {"temperature": 0.3}, "readings": dict.fromkeys(names, 0.9) | {script.SETESDAL: 0.1}}
    for name, rows in (("a.jsonl", [defaults, better]), ("b.jsonl", [defaults, lopsided])):
        (tmp_path / name).write_text("".join(json.dumps(r) + "\n" for r in rows))
    script.main(["--read", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"), "--plot", str(tmp_path / "p.png")])
    out = capsys.readouterr().out
    assert (tmp_path / "p.png").stat().st_size > 0
    assert out.startswith("2 points from")
    assert "--set temperature=0.2" in out and "--set temperature=0.3" not in out
    assert "points whose worst reading beats the defaults': 1" in out
