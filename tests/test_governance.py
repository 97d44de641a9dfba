"""Governance models: cost keys, exit terms and decision rules do what they say."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation import CollaborationModel
from simulation.governance import (
    DECISION_RULES,
    GOVERNANCE_MODELS,
    Ballots,
    collective_decision,
    collective_level,
    governance_table,
)
from simulation.perspectives import choice, instrumental
from simulation.perspectives.choice import Option


@pytest.mark.parametrize("name", sorted(GOVERNANCE_MODELS))
def test_cost_shares_sum_to_the_pooled_cost(name):
    m = CollaborationModel("agder", seed=2, overrides={"governance": name, "ticks": 6}).run()
    assert m.collaborations, "expected at least one collaboration"
    for k in m.collaborations:
        shares = k.cost_shares()
        assert sum(shares) == pytest.approx(1.0)
        assert all(s >= 0 for s in shares)
        total = instrumental.pooled_cost(k.pool, k.governance, m.params, m.cloud)
        assert sum(s * total for s in shares) == pytest.approx(total)


def test_per_capita_key_tracks_population():
    m = CollaborationModel("hedmark", seed=1, overrides={"governance": "iks"}).run(3)
    for k in m.collaborations:
        pops = [mm.population for mm in k.members]
        for share, pop in zip(k.cost_shares(), pops, strict=True):
            assert share == pytest.approx(pop / sum(pops))


@pytest.mark.parametrize("name", ["host", "iks", "as"])
def test_exit_notice_is_honoured(name):
    m = CollaborationModel("two_hubs", seed=1, overrides={"governance": name})
    k = m.collaborations[0]
    leaver = min(k.members, key=lambda mm: mm.population)
    notice = m.governance[name].exit_notice
    assert notice >= 1
    leaver.act(Option(choice.EXIT, target=k))
    for _ in range(notice - 1):
        m.step()
        assert leaver.collaboration is k, "left before the notice period was over"
    m.step()
    assert leaver not in k.members, "still a member after the notice period"


@pytest.mark.parametrize("name", ["iks", "as", "loose_network"])
def test_departing_members_pay_their_exit_terms(name):
    """MODEL.md s3, step 5: in the year it leaves, the leaver's cost carries its exit terms
    (gov.exit_cost years of its cost share) on top of standing alone; the series reports them.
    No merger review: at the defaults West IKT may merge into East IKT during the notice, and a
    merger carries the leaver into the absorbing collaboration (its notice was to West IKT)."""
    from simulation import metrics

    m = CollaborationModel("two_hubs", seed=1, overrides={"governance": name, "merger_review_rate": 0.0})
    k = m.collaborations[0]
    leaver = min(k.members, key=lambda mm: mm.population)
    leaver.act(Option(choice.EXIT, target=k))
    for _ in range(m.governance[name].exit_notice - 1):
        m.step()
    m.step()  # the year it leaves: its terms are those of its share as it stood in that year
    assert leaver.collaboration is None
    alone = instrumental.alone_cost(leaver.population, m.params) / leaver.population
    paid = leaver.cost - alone
    assert paid >= 0 and leaver.outcome == pytest.approx(leaver.alone_outcome - paid)
    assert metrics.exit_payments(m) * 1e6 >= paid * leaver.population * (1 - 1e-9)
    if m.governance[name].exit_cost == 0:
        assert paid == 0
    else:
        assert paid > 100  # NOK per inhabitant: at least part of a year's share of the pooled cost
    m.step()  # the next year it pays nothing more: its cost is settled afresh, alone or in its new collaboration
    if leaver.collaboration is None:
        assert leaver.cost == pytest.approx(alone)
    else:  # as Collaboration.settle has it
        k2 = leaver.collaboration
        _, cost = instrumental.member_net_benefit(leaver.population, leaver.competence, leaver.ambition,
                                                  leaver.effective_share(k2), k2.pool, k2.governance, k2.standing(),
                                                  m.env.risk, m.cloud, m.params)
        assert leaver.cost == pytest.approx(cost)
    assert metrics.summary(m.run(2))["exit_payments"] == pytest.approx(float(sum(m.datacollector.model_vars["exit_payments"])))


def test_exit_costs_rank_as_in_the_governance_table():
    """The exit terms a member faces (Municipality.exit_cost, NOK per inhabitant) rank the models
    as the table's exit settlements do: selling AS shares costs most, then the IKS owners'
    liability, the task community, the host arrangement; leaving a loose network is free."""
    order = ("as", "iks", "task_community", "host", "loose_network")
    assert sorted(GOVERNANCE_MODELS, key=lambda g: -GOVERNANCE_MODELS[g].exit_cost) == list(order)
    terms = {}
    for name in order:
        m = CollaborationModel("two_hubs", seed=1, overrides={"governance": name})
        k = next(k for k in m.collaborations if k.name == "West IKT")
        terms[name] = {mm.name: mm.exit_cost() for mm in k.members}
    for member in terms["as"]:
        paid = [terms[name][member] for name in order]
        assert paid[0] > paid[1] > paid[2] > paid[3] > paid[4] == 0.0, (member, dict(zip(order, paid, strict=True)))


def _counted(rule, votes, weights, chair):
    """The rule counting every vote, as written before votes were cast lazily."""
    if rule == "host":
        return votes[chair]
    if rule == "majority":
        yes = sum(votes)
        return yes > len(votes) / 2 or (yes == len(votes) / 2 and votes[chair])
    if rule == "weighted_majority":
        return sum(w for v, w in zip(votes, weights, strict=True) if v) > sum(weights) / 2
    return all(votes)


@given(rule=st.sampled_from(DECISION_RULES), data=st.data())
@settings(max_examples=300, deadline=None)
@pytest.mark.slow
def test_a_vote_stops_counting_once_settled_with_the_outcome_of_counting_all(rule, data):
    n = data.draw(st.integers(1, 12))
    votes = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    weights = data.draw(st.lists(st.sampled_from([1.0, 2.0, 0.5, 3_000.0, 31_999.0, 7_715.0]) | st.floats(1.0, 1e6),
                                 min_size=n, max_size=n))
    chair = data.draw(st.integers(0, n - 1))
    asked = []
    ballots = Ballots(list(range(n)), lambda k: asked.append(k) or votes[k])
    assert collective_decision(rule, ballots, weights, chair) == _counted(rule, votes, weights, chair)
    assert len(asked) == len(set(asked)) <= n  # each vote cast at most once
    if rule == "host":
        assert asked == [chair]
    if rule in ("unanimity", "consensus") and not all(votes):
        assert asked == list(range(votes.index(False) + 1))


def test_a_weighted_vote_counts_the_largest_owners_first():
    asked = []
    votes = Ballots(["small", "large", "medium"], lambda name: asked.append(name) or name == "large")
    assert collective_decision("weighted_majority", votes, [5_000.0, 32_000.0, 8_000.0], chair=0)
    assert asked == ["large"]  # 32,000 of 45,000 inhabitants: settled by the first vote


def test_decision_rules():
    votes, weights = [True, False, False], [70.0, 20.0, 10.0]
    assert collective_decision("host", votes, weights, chair=0)
    assert not collective_decision("majority", votes, weights, chair=0)
    assert collective_decision("weighted_majority", votes, weights, chair=0)
    assert not collective_decision("unanimity", votes, weights, chair=0)
    # simple majority with the chair's double vote on ties (004 L796)
    assert collective_decision("majority", [True, False, True, False], [1, 1, 1, 1], chair=0)
    assert not collective_decision("majority", [True, False, True, False], [1, 1, 1, 1], chair=1)


def test_standard_by_decision_rule():
    values, weights = [0.9, 0.5, 0.2], [60.0, 30.0, 10.0]
    assert collective_level("host", values, weights, 1) == 0.5
    assert collective_level("consensus", values, weights, 0) == 0.2  # 'good enough' minimum
    assert collective_level("majority", values, weights, 0) == 0.5
    assert collective_level("weighted_majority", values, weights, 0) == 0.9


def test_collaboration_applies_its_decision_rule():
    m = CollaborationModel("two_hubs", seed=1, overrides={"governance": "host"})
    k = max(m.collaborations, key=lambda k: len(k.members))
    chair = k.members[k.chair()]
    only_chair = lambda mm: 1.0 if mm is chair else -1.0  # noqa: E731
    all_but_chair = lambda mm: -1.0 if mm is chair else 1.0  # noqa: E731
    assert k.vote(only_chair)
    assert not k.vote(all_but_chair)


def test_governance_overrides_are_validated():
    with pytest.raises(ValueError):
        governance_table({"iks": {"decision_rule": "dictator"}})
    with pytest.raises(ValueError):
        governance_table({"nope": {}})
    assert governance_table({"iks": {"exit_notice": 3}})["iks"].exit_notice == 3
