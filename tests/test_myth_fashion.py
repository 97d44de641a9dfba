"""Myth fashions and decoupling (issue 11, item 2): known answers for the fashion cycle, the fading
L(t) and the talk-action gap, and the mechanisms' effects on paired seeds."""

import math
from dataclasses import replace

import numpy as np
import pytest

from simulation import CollaborationModel, metrics
from simulation.environment import Environment, faded, fashion_standing
from simulation.governance import GOVERNANCE_MODELS, governance_table
from simulation.parameters import Parameters
from simulation.perspectives import appraise, choice, myth
from simulation.scenario import load_scenario, scenario_from_dict

P = Parameters()


# ---- known answers: the fashion cycle of a form ------------------------------------------------

def test_fashion_standing_is_half_the_gain_in_the_rise_year_and_all_of_it_long_after():
    gov = replace(GOVERNANCE_MODELS["loose_network"], fashion_gain=0.4, fashion_rise=2017, fashion_loss=0.0)
    p = P.replace(fashion_width=2.0)
    assert fashion_standing(gov, 2017, p) == pytest.approx(0.2)
    assert fashion_standing(gov, 2019, p) == pytest.approx(0.4 / (1 + math.exp(-1)))
    assert fashion_standing(gov, 2060, p) == pytest.approx(0.4, abs=1e-6)
    assert fashion_standing(gov, 1980, p) == pytest.approx(0.0, abs=1e-6)


def test_a_form_falling_out_of_fashion_ends_below_zero():
    gov = replace(GOVERNANCE_MODELS["host"], fashion_gain=0.2, fashion_rise=1990, fashion_loss=1.0, fashion_fall=2021)
    assert fashion_standing(gov, 2021, P) == pytest.approx(0.2 * (1 / (1 + math.exp(-31 / 2))) - 0.5)
    assert fashion_standing(gov, 2040, P) == pytest.approx(-0.8, abs=1e-3)


def test_default_forms_in_fashion_follow_the_sources():
    """Regional networks rise in the late 2010s (003), IKS with the 2018 Act (004 L785), AS with
    the 'IKT Agder model' (004 L1060); the host form has no default fall (a region fact)."""
    standing = {name: fashion_standing(gov, 2025, P) for name, gov in GOVERNANCE_MODELS.items()}
    assert standing["loose_network"] > standing["iks"] > 0 and standing["as"] > 0
    assert standing["host"] == 0.0 and standing["task_community"] == 0.0
    assert fashion_standing(GOVERNANCE_MODELS["loose_network"], 2005, P) < 0.01


def test_a_successor_must_be_a_known_form():
    with pytest.raises(ValueError, match="successor"):
        governance_table({"host": {"successor": "samkommune"}})


# ---- known answers: L(t) need not only rise -----------------------------------------------------

def _env(steps, **params):
    return Environment(steps, (), (), P.replace(**params))


def test_a_strategy_push_fades_towards_the_previous_level():
    env = _env({2000: 0.2, 2010: 0.6}, legitimacy_fade=0.5)
    assert env.legitimacy_at(2010) == pytest.approx(0.6)
    assert env.legitimacy_at(2011) == pytest.approx(0.4)
    assert env.legitimacy_at(2012) == pytest.approx(0.3)
    assert env.legitimacy_at(2005) == pytest.approx(0.0 + 0.2 * 0.5 ** 5)
    assert faded(0.3, 0.6, 4, 0.5) == 0.3  # a step down holds


def test_without_fading_the_steps_hold_and_a_scenario_step_may_lower_pressure():
    env = _env({2000: 0.2, 2010: 0.6, 2020: 0.3})
    assert [env.legitimacy_at(y) for y in (1999, 2000, 2015, 2025)] == [0.0, 0.2, 0.6, 0.3]
    sc = load_scenario("synthetic_small", {"legitimacy.2017": 0.05})  # a step down after 2016's 0.6
    m = CollaborationModel(sc, seed=1, overrides={"ticks": 18}).run()  # to 2017
    assert m.env.national == 0.05
    assert metrics.series(m).legitimacy.iloc[-1] < metrics.series(m).legitimacy.max()


# ---- known answers: the myth of belonging to a form in and out of fashion -----------------------

ME = appraise.Traits(population=5_000, competence=0.3, ambition=0.5, autonomy=0.5, receptivity=0.8)


def test_belonging_to_an_outlawed_form_is_a_liability_only_with_fashions_on():
    host = replace(GOVERNANCE_MODELS["host"], legitimacy=0.6)
    world = appraise.Conditions(0.75, 0.0, 1.0, False, {"host": -1.0})
    off = P.replace(legitimacy_weight=1.0)  # the known answer's legitimacy weight: 1
    on = off.replace(fashion_weight=1.0, mimetic_weight=0.0)
    # 1 * 0.75 * 0.8 * (0.5 + 0.5 * 0.6 - 1.0 * 1.0) = -0.12
    assert appraise.belonging(ME, host, 0.0, 0.0, world, on) == pytest.approx(-0.12)
    assert appraise.belonging(ME, host, 0.0, 0.0, world, off.replace(mimetic_weight=0.0)) == pytest.approx(0.48)
    exit_myth = appraise.exit(0.0, 0.0, on).myth
    assert exit_myth > appraise.belonging(ME, host, 0.0, 0.0, world, on)


def test_a_strategy_declares_what_the_felt_pressure_prescribes_and_follows_it_yearly():
    p = P.replace(legitimacy_weight=1.2, declaration_rate=0.4)
    assert myth.declared_target(0.75, p) == pytest.approx(0.9)
    assert myth.declared_target(0.9, p) == 1.0
    m = CollaborationModel("hedmark", seed=1, overrides={"declaration_rate": 0.4})
    mm = m.municipalities[0]
    target = myth.declared_target(m.env.legitimacy, m.params)
    mm.strategy = 0.1
    mm.follow_pressure()
    assert mm.strategy == pytest.approx(0.1 + 0.4 * mm.receptivity * (target - 0.1))


# ---- known answers: talk, action and the gap ----------------------------------------------------

def test_the_gap_is_declared_coordination_less_the_share_on_the_common_platform():
    m = CollaborationModel("agder", seed=1)
    mm = next(x for x in m.municipalities if x.collaboration is not None)
    cap = mm.cap(mm.collaboration)
    mm.coordination, mm.leakage = 0.6, 0.5
    assert cap >= 0.6
    assert (mm.declared, mm.actual, mm.decoupling_gap) == pytest.approx((0.6, 0.3, 0.3))
    mm.strategy = 0.9  # a strategy declares more than it has agreed
    assert (mm.declared, mm.decoupling_gap) == pytest.approx((0.9, 0.6))
    assert mm.talk_gained(0.7, 0.1) == 0.0 and mm.talk_lost(0.5, 0.1) == 0.0  # the strategy carries the talk
    mm.strategy = 0.0
    assert mm.talk_gained(0.7, 0.1) == 0.1 and mm.talk_lost(0.5, 0.1) == 0.1
    outsider = next((x for x in m.municipalities if x.collaboration is None), None)
    if outsider is not None:
        outsider.strategy = 0.4  # talk of 'digital first' with nothing behind it (000 L646-654)
        assert outsider.decoupling_gap == pytest.approx(0.4)
    summary = metrics.summary(m)
    assert summary["decoupling_gap"] == pytest.approx(metrics.series(m).decoupling_gap.iloc[-1])


def test_with_decoupling_off_talk_is_the_coordination_agreed():
    m = CollaborationModel("synthetic_small", seed=2).run()
    assert all(mm.strategy == 0.0 for mm in m.municipalities)
    for mm in m.municipalities:
        assert mm.declared == (mm.coordination if mm.collaboration is not None else 0.0)


# ---- effects on paired seeds --------------------------------------------------------------------

def _two_forms(fashion_weight: float) -> dict:
    """Eight municipalities in a row: the west four in a host collaboration whose form was
    outlawed before the run (no successor), the east four in a joint company (IKS), the form in fashion."""
    names = [f"m{i}" for i in range(8)]
    return {
        "name": "two_forms", "start_year": 2000, "ticks": 12, "default_governance": "iks",
        "parameters": {"fashion_weight": fashion_weight, "review_rate": 0.5, "found_trust": 1.0,
                       "founding_commitment": 0.0},  # no binding founding years: leaving is what is measured
        "governance": {"host": {"fashion_loss": 1.0, "fashion_fall": 1995},
                       "iks": {"fashion_gain": 0.4, "fashion_rise": 1995}},
        "legitimacy": {"1990": 0.8},
        "trust": {"within_region": 0.5},
        "municipalities": [{"name": n, "population": 4000, "region": "r", "receptivity": 0.9, "x": float(i), "y": 0.0,
                            "culture": [0, 0, 0, 0]} for i, n in enumerate(names)],
        "neighbours": {"edges": [[a, b] for a, b in zip(names[:-1], names[1:], strict=True)]},
        "collaborations": [{"name": "Old", "governance": "host", "members": names[:4]},
                           {"name": "New", "governance": "iks", "members": names[4:]}],
    }


def _leavers(fashion_weight: float, seeds) -> tuple[list[int], list[int]]:
    """Per seed: decisions by members of the outlawed form to leave it, and to switch to the network."""
    sc = scenario_from_dict(_two_forms(fashion_weight))
    left, switched = [], []
    for seed in seeds:
        m = CollaborationModel(sc, seed=seed).run()
        old = {"m0", "m1", "m2", "m3"}
        mine = [d for d in m.decisions if d.municipality in old and d.choice in (choice.EXIT, choice.SWITCH)]
        left.append(len(mine))
        switched.append(sum(d.choice == choice.SWITCH and d.target == "New" for d in mine))
    return left, switched


def test_members_of_an_outlawed_form_leave_it_for_a_fashionable_arena_more_with_fashions_on():
    seeds = range(12)
    left_off, to_new_off = _leavers(0.0, seeds)
    left_on, to_new_on = _leavers(1.0, seeds)
    assert sum(left_on) > sum(left_off)
    assert sum(to_new_on) > sum(to_new_off)
    assert np.mean(np.array(left_on) - np.array(left_off)) > 0


def test_hedmark_converts_its_section_27_form_to_an_iks_with_fashions_on():
    m = CollaborationModel("hedmark", seed=1, overrides={"fashion_weight": 1.0}).run()
    collabs = metrics.collaboration_series(m)
    hikt = collabs[collabs.name == collabs.name.iloc[0]]
    years = dict(zip(hikt.tick, hikt.governance, strict=True))
    assert years[min(years)] == "host" and years[max(years)] == "iks"
    off = metrics.collaboration_series(CollaborationModel("hedmark", seed=1).run())
    assert set(off.governance) == {"host"}


def _end_gap(overrides: dict, seeds) -> np.ndarray:
    base = load_scenario("synthetic_small", overrides)
    return np.array([metrics.summary(CollaborationModel(base, seed=s).run())["decoupling_gap"] for s in seeds])


def test_the_gap_grows_under_pressure_with_decoupling_on():
    seeds = range(6)
    low = {f"legitimacy.{y}": 0.05 for y in (1990, 2005, 2008, 2016, 2019)}
    high = {f"legitimacy.{y}": 0.9 for y in (1990, 2005, 2008, 2016, 2019)}
    on = {"declaration_rate": 0.3}
    gap_low, gap_high = _end_gap({**on, **low}, seeds), _end_gap({**on, **high}, seeds)
    gap_off = _end_gap(high, seeds)
    assert np.mean(gap_high - gap_low) > 0
    assert np.mean(gap_high - gap_off) > 0
