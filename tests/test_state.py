"""Save/restore and branching: a restored or branched run continues exactly like the original;
a branch in which one decision is changed parts from it."""

import gzip

import pytest

from simulation import CollaborationModel, metrics, state

SCENARIO = "two_hubs"


def _tables(model):
    return (metrics.series(model), metrics.municipality_series(model),
            metrics.collaboration_series(model), metrics.decisions(model))


def _assert_same_history(a, b):
    for x, y in zip(_tables(a), _tables(b), strict=True):
        assert x.equals(y)
    assert [(k.name, [mm.name for mm in k.members]) for k in a.collaborations] == \
        [(k.name, [mm.name for mm in k.members]) for k in b.collaborations]


@pytest.mark.parametrize("tick", [0, 4])
def test_saved_state_continues_identically(tmp_path, tick):
    original = CollaborationModel(SCENARIO, seed=3).run(tick)
    path = state.save(original, tmp_path / "run.state.gz")
    restored = state.load(path)
    assert restored.steps == tick and restored is not original
    original.run()
    restored.run()
    assert original.steps == restored.steps == original.scenario.ticks
    _assert_same_history(original, restored)


def test_branch_is_independent_and_has_the_same_future():
    original = CollaborationModel(SCENARIO, seed=5).run(6)
    copy = state.branch(original)
    assert copy.rng.bit_generator.state == original.rng.bit_generator.state
    assert copy.random.getstate() == original.random.getstate()
    copy.run(4)  # stepping the branch must not move the original
    assert original.steps == 6 and copy.steps == 10
    assert len(metrics.series(original)) == 7
    assert all(mm.model is copy for mm in copy.municipalities)
    assert all(a is not b for a, b in zip(original.municipalities, copy.municipalities, strict=True))
    original.run()
    copy.run()
    _assert_same_history(original, copy)


def _both_hubs_alive(tick=3):
    """The first seed whose run still has both hub collaborations at ``tick``."""
    for seed in range(50):
        model = CollaborationModel(SCENARIO, seed=seed).run(tick)
        if {k.name for k in model.collaborations} == {"West IKT", "East IKT"}:
            return model
    pytest.fail("no seed with both hub collaborations alive")


def test_a_changed_decision_diverges():
    original = _both_hubs_alive()
    west = state.collaboration(original, "West IKT")
    mover = next(mm for mm in west.members if mm.name != "West")
    counterfactual = state.force_join(state.branch(original), mover.name, "East IKT")
    assert state.municipality(counterfactual, mover.name).collaboration_name == "East IKT"
    assert mover.collaboration_name == "West IKT"  # the original is untouched
    assert ("forced", "East IKT") in {(d.choice, d.target) for d in counterfactual.decisions}
    original.run()
    counterfactual.run()
    assert not metrics.series(original).equals(metrics.series(counterfactual))
    assert not metrics.municipality_series(original).equals(metrics.municipality_series(counterfactual))


def test_force_out_dissolves_a_collaboration_left_with_one_member():
    model = CollaborationModel(SCENARIO, seed=1)
    state.force_join(model, "W1a", None)
    assert [mm.name for mm in state.collaboration(model, "West IKT").members] == ["West", "W1b"]
    state.force_join(model, "W1b", None)
    assert [k.name for k in model.collaborations] == ["East IKT"]
    assert all(mm.collaboration is None for mm in model.municipalities if mm.name.startswith("W"))
    model.run(2)  # the schedule carries on with the changed arrangement


def test_bad_input_gives_clear_errors(tmp_path):
    model = CollaborationModel(SCENARIO, seed=1)
    with pytest.raises(ValueError, match="unknown municipality 'Oslo'"):
        state.force_join(model, "Oslo", "East IKT")
    with pytest.raises(ValueError, match="no collaboration 'North IKT'"):
        state.force_join(model, "Ma", "North IKT")
    with pytest.raises(FileNotFoundError):
        state.load(tmp_path / "missing.gz")
    junk = tmp_path / "junk.gz"
    junk.write_bytes(b"not gzip at all")
    with pytest.raises(ValueError, match="not an imcsim state"):
        state.load(junk)
    with gzip.open(tmp_path / "other.gz", "wb") as fh:
        fh.write(b"\x80\x05K\x01.")  # a pickled int, not a state
    with pytest.raises(ValueError, match="no imcsim-state header"):
        state.load(tmp_path / "other.gz")
