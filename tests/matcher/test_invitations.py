"""plan_invitations: coverage, the guarantee against brute force, reasons."""

from __future__ import annotations

import itertools
import random

import pytest

from duijie.graph.errors import InvalidInput
from duijie.matcher.invitations import APPROXIMATION, plan_invitations


def best_coverage(needs, scores, k, strong):
    cands = sorted({c for _, c in scores})
    best = 0.0
    for r in range(min(k, len(cands)) + 1):
        for combo in itertools.combinations(cands, r):
            covered = {n for (n, c), s in scores.items() if c in combo and s >= strong}
            best = max(best, sum(needs[n] for n in covered))
    return best


@pytest.mark.parametrize("seed", range(30))
def test_greedy_meets_its_guarantee(seed):
    rng = random.Random(seed)
    needs = {f"need:{i}": rng.randint(1, 5) for i in range(8)}
    scores = {(n, f"exp:{j}"): round(rng.random(), 3) for n in needs for j in range(7)
              if rng.random() < 0.4}
    k = rng.randint(1, 4)
    plan = plan_invitations(needs, scores, k, strong=0.6)
    opt = best_coverage(needs, scores, k, 0.6)
    assert len(plan.invited) <= k
    assert plan.covered_weight >= APPROXIMATION * opt - 1e-9
    assert plan.upper_bound >= opt - 1e-9
    assert set(plan.covered) | set(plan.uncovered) == set(needs)


def test_priority_decides_between_candidates():
    needs = {"need:urgent": 5, "need:a": 1, "need:b": 1}
    scores = {("need:urgent", "inst:nwpu"): 0.8, ("need:a", "exp:x"): 0.9,
              ("need:b", "exp:x"): 0.7}
    plan = plan_invitations(needs, scores, k=1)
    assert plan.invited == ["inst:nwpu"]
    assert plan_invitations(needs, scores, k=2).invited == ["inst:nwpu", "exp:x"]
    assert plan.uncovered == {"need:a": "budget exhausted: exp:x (0.90) would cover it",
                              "need:b": "budget exhausted: exp:x (0.70) would cover it"}


def test_uncovered_reason_names_the_threshold():
    plan = plan_invitations({"need:a": 1}, {("need:a", "exp:x"): 0.5}, k=3, strong=0.6,
                            fill_budget=False)
    assert plan.invited == []
    assert plan.uncovered["need:a"] == ("no candidate above the strong-match threshold 0.6 "
                                        "(best 0.50)")


def test_leftover_budget_strengthens_the_weakest_needs():
    needs = {"n1": 1, "n2": 3}
    scores = {("n1", "a"): 0.9, ("n2", "a"): 0.7, ("n2", "b"): 0.95, ("n1", "c"): 0.95,
              ("n2", "d"): 0.2}
    plan = plan_invitations(needs, scores, k=3)
    # a covers both; b lifts n2 (weight 3) by 0.25, more than c lifts n1 (0.05)
    assert plan.invited == ["a", "b", "c"]
    assert plan.gains == {"a": 4.0, "b": 0.0, "c": 0.0}
    assert plan_invitations(needs, scores, k=3, fill_budget=False).invited == ["a"]


def test_already_invited_are_kept_and_count():
    scores = {("n1", "a"): 0.9, ("n2", "b"): 0.9}
    plan = plan_invitations({"n1": 1, "n2": 1}, scores, k=1, invited=["a"])
    assert plan.invited == ["a", "b"] and not plan.uncovered


def test_bad_inputs():
    with pytest.raises(InvalidInput, match="invitation budget"):
        plan_invitations({"n": 1}, {}, k=-1)
    with pytest.raises(InvalidInput, match="weights must be > 0"):
        plan_invitations({"n": 0}, {}, k=1)
