"""Fast pattern-oriented validation: a change that breaks a source pattern fails here.

The full check is ``imcsim validate hedmark -r 50``; these tests use a few seeds (fixed, so
deterministic) and only the years the patterns need (hedmark to 2022, national to 2015).
"""

import math
import os
import re
from pathlib import Path

import numpy as np
import pytest

from simulation.cli import main
from simulation.validation import patterns_for, validate
from simulation.validation.patterns import NATIONAL_YEAR, PATTERNS
from simulation.validation.runner import bootstrap, wilson

SEEDS = range(1, 9)
# what the one behavioural set reproduces on hedmark (docs/validation.md); a change that breaks
# one of these fails CI. The exceptions are expected failures (strict, so a test turns red when
# it starts passing and the docs must then be updated).
# patterns the shipped set does not reproduce in most seeds (docs/validation.md, "The joint
# organisation's scale"): the bloc within a year of 2011 (40 % of seeds 1-30) and the full history
# (47 % of seeds 1-30, 52 % of 200 fresh seeds; 3 of this test's eight since learning from refusal,
# "A lock-out across regions": 4 of 8 before, 43 % of seeds 1-30); the targets are kept. The bloc
# in 2009-2013 fails on 30 seeds by the interval rule, but its value meets the target on this
# test's eight seeds, so it is not marked here.
NOT_REPRODUCED_NAMES = ("bloc within a year of 2011", "full history 3-6-7")
NOT_REPRODUCED = pytest.mark.xfail(strict=True, reason=(
    "the behavioural set does not put the bloc within a year of 2011, nor the whole history, in "
    "most seeds (docs/validation.md); the targets >= 50 % are kept"))
HEDMARK_MUST_PASS = tuple(pytest.param(p.name, marks=NOT_REPRODUCED) if p.name in NOT_REPRODUCED_NAMES else p.name
                          for p in patterns_for("hedmark"))


@pytest.fixture(scope="module")
def hedmark():
    return {r.pattern.name: r for r in validate("hedmark", SEEDS)}


def test_wilson_interval_brackets_the_share():
    low, high = wilson(5, 10)
    assert low < 0.5 < high
    assert wilson(10, 10)[1] == pytest.approx(1.0)
    assert wilson(0, 10)[0] == pytest.approx(0.0)
    assert math.isnan(wilson(0, 0)[0])


def test_bootstrap_is_seeded_and_brackets_the_mean():
    v = np.array([1.0, 2.0, 3.0, 4.0])
    assert bootstrap(v) == bootstrap(v)
    low, high = bootstrap(v)
    assert low < v.mean() < high


# the project's shared folder sits beside the repository (as in CI); IMCSIM_SHARED points elsewhere
SHARED = Path(os.environ.get("IMCSIM_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
CITATION = re.compile(r"(\d{3}) (L\d+(?:-\d+)?(?:, L\d+(?:-\d+)?)*)")  # "004 L301, L862" or "002 L37-47"
NOTE_LINES = re.compile(r"L(\d+)(?:\s*[-\u2013]\s*L?(\d+))?")  # the notes' "L301", "L998–1054" (en dash)


def cited_lines(source: str) -> list[tuple[str, int, int]]:
    """(file, first line, last line) of every citation in '004 L301, L862; 002 L37-47'; raises on
    anything else, so a source must be citations only."""
    out = []
    for part in source.split("; "):
        match = CITATION.fullmatch(part)
        assert match, f"not a citation of the form '00N Lnnn[-nnn][, Lnnn]': {part!r}"
        for ref in match.group(2).split(", "):
            first, _, last = ref[1:].partition("-")
            out.append((match.group(1), int(first), int(last or first)))
    return out


def test_every_pattern_cites_source_lines_that_exist():
    """Each pattern's source is a list of '00N Lnnn' citations; with the shared sources present,
    each cited line is a non-blank line of source 00N that the notes on that source also cite."""
    originals, notes = SHARED / "sources" / "original", SHARED / "sources" / "notes"
    if not (originals.is_dir() and notes.is_dir()):
        pytest.skip(f"no shared sources at {SHARED} (set IMCSIM_SHARED)")
    for p in PATTERNS:
        assert p.target_text and p.measure_text, p.name
        for number, first, last in cited_lines(p.source):
            files = sorted(originals.glob(f"{number}_*.txt"))
            assert len(files) == 1, f"{p.name}: no source {number} in {originals}"
            lines = files[0].read_text(encoding="utf-8").splitlines()
            assert first <= last <= len(lines), f"{p.name}: {number} L{first}-{last} beyond its {len(lines)} lines"
            assert lines[first - 1].strip(), f"{p.name}: {number} L{first} is blank"
            noted = [(int(a), int(b or a)) for f in notes.glob(f"*{number}*.md")
                     for a, b in NOTE_LINES.findall(f.read_text(encoding="utf-8"))]
            assert any(a <= first <= b for a, b in noted), f"{p.name}: the notes on {number} never cite L{first}"


def test_the_expected_failures_are_hedmark_patterns():
    assert set(NOT_REPRODUCED_NAMES) <= {p.name for p in patterns_for("hedmark")}


@pytest.mark.parametrize("name", HEDMARK_MUST_PASS)
def test_calibrated_hedmark_reproduces_pattern(hedmark, name):
    """Eight seeds: the value must meet the target (too few seeds for the interval to; the interval
    verdict is imcsim validate's, on 30 seeds)."""
    r = hedmark[name]
    assert r.point_passed, f"{name}: observed {r.observed()}, target {r.pattern.target_text}"


@pytest.mark.slow
def test_batch_onboarding_crowds_out_development():
    """002 SF6 on the synthetic region, where bloc admissions happen: development output drops in
    the admission year under batch onboarding, more than under staggered onboarding. One seed's
    value lies anywhere in [-1, 1] (seed 1: +1.0), so the mean of ten is checked (four were too
    few: since only established collaborations merge, seed 4 moved from -1.0 to -0.26 and the
    mean of four to -0.05); the interval verdict is imcsim validate's on 30 seeds (-0.42
    [-0.61, -0.20] on seeds 1-30, -0.48 [-0.70, -0.25] on 5001-5030)."""
    names = ("batch onboarding cuts development", "batch crowds out more than staggered")
    pats = [p for p in patterns_for("synthetic") if p.name in names]
    for r in validate("synthetic", range(1, 11), patterns=pats):
        assert r.point_passed, f"{r.pattern.name}: observed {r.observed()}, target {r.pattern.target_text}"


def test_broken_model_fails_the_history():
    """The checks can fail: without search (no review, no turnover, no dissatisfaction) nothing
    is ever founded, so the history patterns must fail."""
    frozen = {"review_rate": 0.0, "director_turnover": 0.0, "satisficing_tolerance": 1000.0}
    names = ("founding trio", "regional bloc joins", "full history 3-6-7")
    pats = [p for p in patterns_for("hedmark") if p.name in names]
    results = validate("hedmark", range(1, 4), frozen, patterns=pats)
    assert not any(r.passed for r in results)


NATIONAL = [p for p in patterns_for("national") if p.scenarios and p.horizon == NATIONAL_YEAR]
TOO_MANY_MEMBERS = pytest.mark.xfail(strict=True, reason=(
    "the one behavioural set puts too many municipalities in a collaboration in 2015 (national 0.86 on "
    "seeds 1-2; norway 0.92 on seeds 1-30, docs/validation.md 'The joint organisation's scale'); the "
    "target [0.45, 0.75] is kept"))
# "no collaboration outgrows a county" was an expected miss on national (27 members on seeds 1-2) until
# coordination across regions cost more (region_span_weight, 2026-12-02): 23 on seeds 1-2, 24.0
# [22.1, 26.0] on seeds 1-10 (docs/validation.md 'Coordination across regions')
EXPECTED_MISSES = {"national membership ~60%": TOO_MANY_MEMBERS}


@pytest.fixture(scope="module")
def national():
    return {r.pattern.name: r for r in validate("national", range(1, 3), patterns=NATIONAL)}


def test_national_has_the_three_plausibility_measures():
    assert {p.name for p in NATIONAL} == {"national membership ~60%", "about 40 collaborations",
                                         "small municipalities join more", "no collaboration outgrows a county"}


@pytest.mark.slow
@pytest.mark.parametrize("name", [pytest.param(p.name, marks=EXPECTED_MISSES[p.name]) if p.name in EXPECTED_MISSES
                                  else p.name for p in NATIONAL])
def test_national_plausibility_measures(national, name):
    """national on the one behavioural set (it has no behaviour of its own) keeps its plausibility,
    but for the share of members: a strict expected failure, red when it starts passing.
    Two seeds: the value must meet the target, as for hedmark."""
    r = national[name]
    assert r.point_passed, f"{r.pattern.name}: observed {r.observed()}, target {r.pattern.target_text}"


def test_cli_prints_the_table(capsys):
    assert main(["validate", "hedmark", "-r", "2", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "founding trio" in out and "004 L301" in out and "patterns pass" in out


def test_cli_rejects_unknown_perspective(capsys):
    assert main(["validate", "hedmark", "--perspectives", "instrumental,astrology", "--no-progress"]) == 2
    assert "--perspectives" in capsys.readouterr().err


def test_calibration_search_runs_and_stays_in_its_priors():
    """The calibration procedure stays runnable: a tiny search returns ranked, scored draws."""
    from simulation.validation.calibrate import PRIORS, calibrate

    out = calibrate(draws=2, seeds=1, workers=1, rounds=2, keep=1)
    assert out and all(set(params) == set(PRIORS) for params, _ in out)
    for params, scores in out:
        assert all(lo <= params[k] <= hi for k, (lo, hi) in PRIORS.items())
        assert set(scores) >= {"full history", "bloc", "late joiner"} and all(0 <= v <= 1 for v in scores.values())


def test_calibration_parameters_reach_the_scenario():
    from simulation.validation.calibrate import with_params

    sc = with_params("hedmark", {"trust.regions.Kongsvinger": 0.3, "trust.between_regions": 0.05, "review_rate": 0.2})
    assert sc.trust_by_region["Kongsvinger"] == 0.3 and sc.trust_between_regions == 0.05
    assert sc.parameters.review_rate == 0.2
    small = with_params("national", {"generator.regions": 40})
    assert len({m.region for m in small.municipalities}) == 40


def test_validation_table_is_the_same_on_worker_processes():
    """validate runs its seeds on the experiment engine; the table must not depend on the workers."""
    serial = validate("hedmark", range(1, 4), workers=1)
    parallel = validate("hedmark", range(1, 4), workers=2)
    assert [(r.pattern.name, r.n, r.passed) for r in serial] == [(r.pattern.name, r.n, r.passed) for r in parallel]
    np.testing.assert_array_equal([[r.value, r.low, r.high] for r in serial],
                                  [[r.value, r.low, r.high] for r in parallel])
