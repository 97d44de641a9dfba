"""imcsim effects: the interval arithmetic, the pairing of seeds, determinism and the files."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from simulation.cli import main
from simulation.experiments import effects as fx
from simulation.scenario import load_scenario

REGIONS = ["synthetic_small", "hedmark"]
TICKS = 6
SEEDS = 3


def test_paired_effect_known_answer():
    # d = 1, 2, 3, 4: mean 2.5, sd 1.2909944, se 0.6454972, t(0.975, 3) = 3.1824463 -> half 2.0542603
    effect = fx.paired_effect(np.zeros(4), np.array([1.0, 2.0, 3.0, 4.0]))
    assert effect.n == 4
    assert effect.mean == pytest.approx(2.5)
    assert effect.ci_low == pytest.approx(2.5 - 2.0542603, abs=1e-6)
    assert effect.ci_high == pytest.approx(2.5 + 2.0542603, abs=1e-6)
    # the bootstrap interval of a mean lies within the data's range and is the same every time
    assert 1.0 <= effect.boot_low < 2.5 < effect.boot_high <= 4.0
    assert fx.paired_effect(np.zeros(4), np.array([1.0, 2.0, 3.0, 4.0])) == effect


def test_paired_effect_pairs_and_drops_missing():
    # differences are taken pair by pair (high - low of the same seed), not of the two means only
    effect = fx.paired_effect(np.array([10.0, 20.0, 30.0, np.nan]), np.array([11.0, 21.0, 31.0, 5.0]))
    assert effect.n == 3
    assert (effect.mean, effect.ci_low, effect.ci_high) == (1.0, 1.0, 1.0)


@pytest.mark.parametrize(("ci", "direction", "expected"), [
    ((0.1, 0.5), +1, fx.AGREES), ((0.1, 0.5), -1, fx.DISAGREES), ((-0.5, -0.1), -1, fx.AGREES),
    ((-0.1, 0.5), +1, fx.INCLUDES_ZERO), ((0.0, 0.0), +1, fx.NO_DIFFERENCE), ((0.1, 0.5), None, fx.NO_EXPECTATION),
    ((0.0, 0.0), None, fx.NO_DIFFERENCE), ((0.2, 0.2), -1, fx.DISAGREES),
])
def test_verdict(ci, direction, expected):
    effect = fx.PairedEffect(sum(ci) / 2, *ci, *ci, n=5)
    assert fx.verdict(effect, direction) == expected


def test_an_outcome_no_run_has_is_undefined_not_short_of_seeds():
    # a region without small municipalities: every run's value is missing, and more seeds would not help
    effect = fx.paired_effect(np.full(30, np.nan), np.full(30, np.nan))
    assert effect.n == 0
    assert fx.verdict(effect, +1) == fx.UNDEFINED
    one = fx.paired_effect(np.array([0.5, np.nan]), np.array([0.7, np.nan]))
    assert fx.verdict(one, +1) == fx.TOO_FEW  # one pair with values: more seeds would tell


def test_lever_overrides_set_every_governance_model():
    scenario = load_scenario("synthetic_small")
    lever = fx.pick(fx.LEVERS, ["exit_cost"], "levers")[0]
    high = lever.overrides(scenario, "high")
    for name, model in scenario.governance.items():
        if model.exit_cost:
            assert high[f"governance.{name}.exit_cost"] == pytest.approx(2 * model.exit_cost)
        else:  # nothing to scale: left out, the region's own value
            assert f"governance.{name}.exit_cost" not in high
    notice = fx.pick(fx.LEVERS, ["exit_notice"], "levers")[0]
    assert all(v == 0 for v in notice.overrides(scenario, "low").values())
    assert notice.overrides(scenario, "high")["governance.as.exit_notice"] == scenario.governance["as"].exit_notice + 2


def test_levers_and_outcomes_are_declared_with_sources():
    names = {o.name for o in fx.OUTCOMES}
    for lever in fx.LEVERS:
        assert lever.meaning and lever.keys
        for e in lever.expect:
            assert e.outcome in names, (lever.name, e.outcome)
            assert e.direction in (fx.UP, fx.DOWN)
            assert e.source[:3].isdigit() and " L" in e.source, e.source


def test_exits_a_reason_accounts_for_are_none_with_its_mechanism_off():
    """``exits_budget``, ``exits_trust``: the exits each reason tips (but-for shares summed), read from
    the run (where members leave: loose networks). Budget stress off tips none, on some; lack of
    trust tips some with erosion off too (trust below full), more with it on (these seeds: 0.1
    against 1.1); together never more than the exits."""
    levers = fx.pick(fx.LEVERS, ["trust_erosion", "budget_stress"], "levers")
    outcomes = fx.pick(fx.OUTCOMES, ["exits", "exits_trust", "exits_leadership", "exits_budget"], "outcomes")
    design = fx.Design(["synthetic_small"], levers, outcomes, fx.run_seeds(fx.DEFAULT_SEED, 6), None,
                       {"default_governance": "loose_network"})
    results = fx.run_design(design, workers=2)
    arms = {lever.name: (results[(region, fx._key(low))], results[(region, fx._key(high))])
            for region, lever, low, high in design.cells()}
    off, on = arms["budget_stress"]
    assert all(run["exits_budget"] == 0 for run in off) and sum(run["exits_budget"] for run in on) > 0
    off, on = arms["trust_erosion"]
    assert sum(run["exits_trust"] for run in on) > sum(run["exits_trust"] for run in off) > 0
    for run in (r for pair in arms.values() for arm in pair for r in arm):
        assert run["exits_trust"] + run["exits_leadership"] + run["exits_budget"] <= run["exits"] + 1e-9


def _null_lever() -> fx.Lever:
    """Exit cost of a governance model no collaboration in REGIONS uses: two different override
    sets (two sets of runs) that cannot change a run. With paired seeds every difference is zero."""
    return fx.Lever("unused_exit_cost", ("governance.task_community.exit_cost",), fx.Scale(0.5), fx.Scale(2.0),
                    "changes nothing in these regions")


def test_pairing_a_lever_that_changes_nothing_has_exactly_zero_effect():
    for region in REGIONS:  # the premise: task_community governs nothing in these regions
        scenario = load_scenario(region)
        assert scenario.default_governance != "task_community"
        assert all(c.governance != "task_community" for c in scenario.collaborations)
    outcomes = fx.pick(fx.OUTCOMES, ["small_members", "exits", "foundings"], "outcomes")
    table = fx.estimate(REGIONS, [_null_lever()], outcomes, SEEDS, ticks=TICKS)
    assert len(table) == len(REGIONS) * len(outcomes)
    assert (table.n_seeds == SEEDS).all()
    assert (table.mean_diff == 0).all() and (table.ci_low == 0).all() and (table.ci_high == 0).all()
    assert (table.low == table.high).all() and (table.verdict == fx.NO_DIFFERENCE).all()
    # and the seeds differ from each other: the runs are not all the same run
    design = fx.Design(["synthetic_small"], [_null_lever()], outcomes, fx.run_seeds(fx.DEFAULT_SEED, SEEDS), TICKS)
    per_seed = next(iter(fx.run_design(design).values()))
    assert len({tuple(r.values()) for r in per_seed}) > 1


def test_unavailable_lever_and_outcome_are_reported_not_dropped(monkeypatch):
    missing = fx.Lever("not_yet", ("no_such_parameter",), fx.Value(0.0), fx.Same(), "a mechanism still to build",
                       (fx.Expectation("exits", fx.UP, "000 L527"),))
    not_yet = fx.Outcome("not_yet", "an outcome still to build", fx._total("no_such_outcome"), requires="no_such_outcome")
    monkeypatch.setattr(fx, "OUTCOMES", (*fx.OUTCOMES, not_yet))  # declared, as a mechanism still to build
    outcomes = [*fx.pick(fx.OUTCOMES, ["exits"], "outcomes"), not_yet]
    habit = fx.pick(fx.LEVERS, ["habit"], "levers")
    table = fx.estimate(["hedmark"], [missing, *habit], outcomes, 2, ticks=3)
    assert (table[table.lever == "not_yet"].verdict == fx.NOT_IN_MODEL).all()
    assert (table[table.outcome == "not_yet"].verdict == fx.NOT_IN_MODEL).all()
    real = table[(table.lever == "habit") & (table.outcome == "exits")]
    assert real.verdict.iloc[0] != fx.NOT_IN_MODEL and real.n_seeds.iloc[0] == 2


def test_same_numbers_on_one_or_two_workers():
    levers = fx.pick(fx.LEVERS, ["fixed_cost", "myth"], "levers")
    outcomes = fx.pick(fx.OUTCOMES, ["small_members", "exits", "exit_rate", "mergers"], "outcomes")
    one = fx.estimate(REGIONS, levers, outcomes, SEEDS, ticks=TICKS, workers=1)
    two = fx.estimate(REGIONS, levers, outcomes, SEEDS, ticks=TICKS, workers=2)
    pd.testing.assert_frame_equal(one, two)
    assert one.mean_diff.abs().sum() > 0  # the levers do something: the comparison is not of zeros


def test_list_names_every_lever_and_outcome_and_runs_nothing(tmp_path, capsys):
    assert main(["effects", "--list", "--out", str(tmp_path / "fx")]) == 0
    text = capsys.readouterr().out
    assert all(f"  {lever.name} " in text for lever in fx.LEVERS)
    assert all(f"  {o.name} " in text for o in fx.OUTCOMES)
    assert "small_members ↑ (004 L764)" in text and not (tmp_path / "fx").exists()


def test_command_writes_csv_and_markdown(tmp_path, capsys):
    out = tmp_path / "fx"
    code = main(["effects", *REGIONS, "--seeds", str(SEEDS), "--ticks", str(TICKS), "--levers", "fixed_cost,habit",
                 "--outcomes", "small_members,exits,exit_rate", "--workers", "2", "--out", str(out)])
    assert code == 0
    table = pd.read_csv(out / "effects.csv", keep_default_na=False, na_values=["", "nan"])
    assert list(table.columns[:11]) == ["region", "lever", "outcome", "low", "high", "mean_diff", "ci_low",
                                        "ci_high", "n_seeds", "expected", "verdict"]
    assert len(table) == 2 * 2 * 3
    assert set(table.region) == set(REGIONS) and set(table.lever) == {"fixed_cost", "habit"}
    row = table[(table.region == "hedmark") & (table.lever == "habit") & (table.outcome == "exit_rate")].iloc[0]
    assert row.expected == "-" and row.source == "004 L1028"
    assert math.isclose(row.mean_diff, row.high - row.low, abs_tol=1e-9)
    assert math.isnan(row.events)  # a rate, not a count
    exits = table[(table.region == "hedmark") & (table.lever == "habit") & (table.outcome == "exits")].iloc[0]
    assert math.isclose(exits.events, (exits.low + exits.high) * exits.n_seeds, abs_tol=1e-9)  # both arms' exits
    fixed = table[(table.region == "hedmark") & (table.lever == "fixed_cost") & (table.outcome == "small_members")]
    assert fixed.seeds_80.iloc[0] >= 2  # the seeds a fresh draw needs (tests/test_seed_power.py)
    text = (out / "effects.md").read_text(encoding="utf-8")
    assert "| lever | outcome | expected | source | synthetic_small | hedmark |" in text
    assert "## Seeds a verdict needs" in text and "| lever | outcome | expected | synthetic_small | hedmark |" in text
    assert "## Members' exits per 100 member-years (`exit_rate`)" in text
    printed = capsys.readouterr().out
    assert "habit" in printed and "004 L1028" in printed
    assert (out / "effects.png").stat().st_size > 10_000 and "effects.png" in printed


def test_verdict_grid_has_a_row_per_expectation_and_flags_rare_counts():
    from simulation.experiments.effects_report import verdict_grid

    def row(region, lever, outcome, expected, verdict, mean, events=math.nan):
        return {"region": region, "lever": lever, "outcome": outcome, "expected": expected, "verdict": verdict,
                "mean_diff": mean, "ci_low": mean - 1, "ci_high": mean + 1, "events": events}
    table = pd.DataFrame([
        row("a", "habit", "exits", "-", fx.INCLUDES_ZERO, -0.5, events=4),
        row("b", "habit", "exits", "-", fx.AGREES, -2.0, events=80),
        row("a", "habit", "mergers", "", fx.NO_EXPECTATION, 1.0, events=50),  # no expectation: no row
        row("b", "habit", "mergers", "", fx.NO_EXPECTATION, 1.0, events=50),
        row("a", "fixed_cost", "small_members", "+", fx.UNDEFINED, math.nan),
        row("b", "fixed_cost", "small_members", "+", fx.AGREES, 0.25),
    ])
    grid = verdict_grid(table)
    assert grid.labels == ["habit → exits (-)", "fixed_cost → small_members (+)"]
    assert grid.regions == ["a", "b"]
    assert grid.verdicts == [[fx.INCLUDES_ZERO, fx.AGREES], [fx.UNDEFINED, fx.AGREES]]
    assert grid.texts == [["-0.5 ○ (4 ev.)", "-2 ✓"], ["undefined here", "+0.25 ✓"]]
    assert grid.rare == [[True, False], [False, False]]  # 4 events of a count; a share is never rare
    from simulation import plots
    assert set(fx.MARKS) - {fx.NO_EXPECTATION} <= set(plots.VERDICT_COLOURS)  # every verdict a row can have


def test_command_rejects_an_unknown_lever(tmp_path, capsys):
    assert main(["effects", "hedmark", "--levers", "habbit", "--out", str(tmp_path)]) == 2
    assert "unknown habbit" in capsys.readouterr().err


def test_cell_text_shows_effect_interval_and_mark():
    from simulation.experiments.effects_report import cell_text

    row = pd.Series({"mean_diff": 1.0, "ci_low": 0.5, "ci_high": 1.5, "verdict": fx.AGREES})
    assert cell_text(row) == "+1 [+0.5, +1.5] ✓"
    row = pd.Series({"mean_diff": 0.0, "ci_low": 0.0, "ci_high": 0.0, "verdict": fx.NO_DIFFERENCE})
    assert cell_text(row) == "0 [0, 0] ="
    assert cell_text(pd.Series({"verdict": fx.NOT_IN_MODEL})) == "not in the model"


def test_cell_text_gives_the_events_of_a_count_with_too_few_to_tell():
    """A count outcome with fewer than FEW_EVENTS events over both arms says how many, so a ○ there
    reads as too few events rather than no effect; a rate (no events) and a well-counted outcome
    read as before."""
    from simulation.experiments.effects_report import cell_text

    row = {"mean_diff": -0.1, "ci_low": -0.3, "ci_high": 0.1, "verdict": fx.INCLUDES_ZERO}
    assert cell_text(pd.Series({**row, "events": 7.0})) == "-0.1 [-0.3, +0.1] ○ (7 events)"
    assert cell_text(pd.Series({**row, "events": 1.0})).endswith("(1 event)")
    assert cell_text(pd.Series({**row, "events": float(fx.FEW_EVENTS)})) == "-0.1 [-0.3, +0.1] ○"
    assert cell_text(pd.Series({**row, "events": math.nan})) == "-0.1 [-0.3, +0.1] ○"
    assert cell_text(pd.Series(row)) == "-0.1 [-0.3, +0.1] ○"  # a table written before the column


def test_few_events_is_where_a_halving_reaches_significance_in_a_sign_test():
    """FEW_EVENTS: with k events split 2:1 between the arms (the lever halves the count) a sign test's
    z = (2/3 - 1/2) / sqrt(1/4 / k) first reaches 1.96 at k = 35."""
    z = lambda k: (2 / 3 - 1 / 2) / math.sqrt(0.25 / k)  # noqa: E731
    assert z(fx.FEW_EVENTS) >= 1.96 > z(fx.FEW_EVENTS - 1)


def test_base_setting_is_applied_before_the_levers_and_recorded(tmp_path):
    """A base ``--set`` is what a lever that scales the region's own value scales, and it is written
    to effects.csv and effects.md."""
    levers = fx.pick(fx.LEVERS, ["fixed_cost", "trust_erosion"], "levers")
    outcomes = fx.pick(fx.OUTCOMES, ["exits"], "outcomes")
    seeds = fx.run_seeds(fx.DEFAULT_SEED, 2)
    own = load_scenario("hedmark").parameters.fixed_cost
    base = {"fixed_cost": 2 * own, "trust_erosion": 0.15}
    plain_cells = {lv.name: (lo, hi) for _, lv, lo, hi in fx.Design(["hedmark"], levers, outcomes, seeds, 3).cells()}
    based_cells = {lv.name: (lo, hi) for _, lv, lo, hi in fx.Design(["hedmark"], levers, outcomes, seeds, 3, base).cells()}
    assert plain_cells["fixed_cost"] == ({"fixed_cost": 0.5 * own}, {"fixed_cost": 2.0 * own})
    assert based_cells["fixed_cost"] == ({"fixed_cost": 1.0 * own}, {"fixed_cost": 4.0 * own})
    # without a base both settings override the region's own value (on at the defaults, 0.239)
    assert load_scenario("hedmark").parameters.trust_erosion not in (0.0, 0.15)
    assert plain_cells["trust_erosion"] == ({"trust_erosion": 0.0}, {"trust_erosion": 0.15})
    # with the base the switch's 'on' is the base itself (no override); its 'off' overrides the base
    assert based_cells["trust_erosion"] == ({"trust_erosion": 0.0}, {})

    out = tmp_path / "fx"
    code = main(["effects", "hedmark", "--seeds", "2", "--ticks", "3", "--levers", "fixed_cost", "--outcomes", "exits",
                 "--set", f"fixed_cost={2 * own}", "--set", "trust_erosion=0.15", "--workers", "1", "--quiet",
                 "--out", str(out)])
    assert code == 0
    table = pd.read_csv(out / "effects.csv", keep_default_na=False)
    row = table.iloc[0]
    assert row.base == f"fixed_cost={2 * own} trust_erosion=0.15"
    assert row.low_set == f"fixed_cost={1.0 * own}" and row.high_set == f"fixed_cost={4.0 * own}"
    assert f"`fixed_cost={2 * own} trust_erosion=0.15`" in (out / "effects.md").read_text(encoding="utf-8")


def test_preset_mechanisms_on_is_a_base_setting_of_known_keys(tmp_path, capsys):
    design = fx.Design(["synthetic_small"], fx.pick(fx.LEVERS, ["habit"], "levers"),
                       fx.pick(fx.OUTCOMES, ["exits"], "outcomes"), [1, 2], 2, fx.PRESETS["mechanisms-on"])
    params = design.scenarios["synthetic_small"].parameters
    assert all(getattr(params, k) == v for k, v in fx.PRESETS["mechanisms-on"].items())
    assert main(["effects", "hedmark", "--preset", "mechanisms-of", "--out", str(tmp_path)]) == 2
    assert "mechanisms-on" in capsys.readouterr().err


def test_help_names_the_few_events_threshold(capsys):
    """The help text spells the threshold out (the command module does not import the engine at
    start-up); it must say the same number as FEW_EVENTS."""
    with pytest.raises(SystemExit):
        main(["effects", "--help"])
    assert f"fewer than {fx.FEW_EVENTS} events" in " ".join(capsys.readouterr().out.split())


def test_scale_replaces_a_scaling_levers_step_and_refuses_others(tmp_path, capsys):
    """``--scale 0.8,1.25`` runs the fixed cost at x0.8 and x1.25 of the region's own value (the
    declared x0.5 -> x2 otherwise), writes the step it ran, and refuses a lever that shifts or switches."""
    own = load_scenario("hedmark").parameters.fixed_cost
    lever, = fx.rescaled(fx.pick(fx.LEVERS, ["fixed_cost"], "levers"), 0.8, 1.25)
    scenario = load_scenario("hedmark")
    assert lever.overrides(scenario, "low") == {"fixed_cost": pytest.approx(0.8 * own)}
    assert lever.overrides(scenario, "high") == {"fixed_cost": pytest.approx(1.25 * own)}
    assert lever.settings_text() == "×0.8 → ×1.25" and lever.expect == fx.pick(fx.LEVERS, ["fixed_cost"], "levers")[0].expect
    with pytest.raises(ValueError, match="exit_notice"):
        fx.rescaled(fx.pick(fx.LEVERS, ["fixed_cost", "exit_notice"], "levers"), 0.8, 1.25)
    for low, high in ((1.25, 0.8), (-1, 2), (1, math.inf), (math.nan, 2)):
        with pytest.raises(ValueError, match="LOW < HIGH"):
            fx.rescaled([lever], low, high)

    out = tmp_path / "fx"
    assert main(["effects", "hedmark", "--seeds", "2", "--ticks", "3", "--levers", "fixed_cost", "--outcomes",
                 "small_members", "--scale", "0.8,1.25", "--workers", "1", "--quiet", "--out", str(out)]) == 0
    row = pd.read_csv(out / "effects.csv", keep_default_na=False).iloc[0]
    assert row.settings == "×0.8 → ×1.25"
    assert row.low_set == f"fixed_cost={0.8 * own}" and row.high_set == f"fixed_cost={1.25 * own}"
    assert main(["effects", "hedmark", "--levers", "habit,exit_notice", "--scale", "0.8,1.25",
                 "--out", str(tmp_path / "no")]) == 2
    assert "exit_notice" in capsys.readouterr().err


@pytest.mark.slow
def test_fixed_cost_raises_small_members_near_the_default_on_hedmark():
    """docs/validation.md, "the smaller step on more seeds": a step around the default (x0.8 ->
    x1.25, not only the declared x0.5 -> x2) raises hedmark's small municipalities' membership, the
    95 % interval above zero on 100 paired seeds of draw 20001 (+0.072 [+0.051, +0.094]; +0.078 on 200).
    The effect is small enough for 30 seeds to miss (+0.03 ○ on seeds 131001-131030), so the test
    can fail if the model's response near the default flattens."""
    lever, = fx.rescaled(fx.pick(fx.LEVERS, ["fixed_cost"], "levers"), 0.8, 1.25)
    table = fx.estimate(["hedmark"], [lever], fx.pick(fx.OUTCOMES, ["small_members"], "outcomes"), 100, None,
                        20001, 1)
    row = table.iloc[0]
    assert row.verdict == fx.AGREES and row.ci_low > 0, (row.mean_diff, row.ci_low, row.ci_high)
