"""plan_meetings against brute force, fairness, hard rules and diagnostics."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest

from duijie.graph.errors import InvalidInput
from duijie.matcher.assignment import (
    SCALE,
    Participant,
    PlanRules,
    plan_meetings,
    plan_meetings_greedy,
)


def brute_force(firms, helpers, scores, rules, min_score, fair=True):
    """The lexicographic optimum by enumerating every subset of pairs."""
    fmap = {f.id: f for f in firms}
    hmap = {h.id: h for h in helpers}
    forced = rules.requests | rules.pins | rules.locked
    never = rules.forbidden | rules.declined | rules.met_before
    acceptable = sorted(p for p, s in scores.items()
                        if s >= min_score and p not in never and p not in forced)
    forced_firms = {f for f, _ in forced}
    has_match = {f for f, _ in acceptable if fmap[f].capacity > 0} | forced_firms
    feasible = []
    for r in range(len(acceptable) + 1):
        for subset in itertools.combinations(acceptable, r):
            chosen = list(subset) + sorted(forced)
            load = Counter(f for f, _ in chosen) + Counter(h for _, h in chosen)
            if any(load[p] > {**fmap, **hmap}[p].capacity for p in load):
                continue
            if rules.one_per_organisation:
                orgs = Counter((f, hmap[h].organisation) for f, h in chosen
                               if hmap[h].organisation)
                if any(n > 1 for n in orgs.values()):
                    continue
            if rules.institute_per_firm:
                bad = False
                for f in {f for f, _ in chosen}:
                    options = {h for (g, h) in acceptable + sorted(forced)
                               if g == f and hmap[h].kind == "institute"}
                    got = sum(1 for g, h in chosen if g == f and hmap[h].kind == "institute")
                    if got < min(rules.institute_per_firm, len(options)):
                        bad = True
                if bad:
                    continue
            feasible.append(chosen)
    ints = {p: round(s * SCALE) for p, s in scores.items()}

    def cover(ch):
        return len({f for f, _ in ch} - forced_firms)

    if not fair:
        return None, None, max(sum(ints.get(p, 0) for p in ch) for ch in feasible) / SCALE

    c_star = max(cover(ch) for ch in feasible)
    feasible = [ch for ch in feasible if cover(ch) == c_star]

    def weakest(ch):
        best = {}
        for f, h in ch:
            if f not in forced_firms:
                best[f] = max(best.get(f, 0), ints[(f, h)])
        return min(best.values()) if best else None

    tau = max((weakest(ch) or 0) for ch in feasible)
    feasible = [ch for ch in feasible if (weakest(ch) or 0) == tau]
    if len(forced_firms) + c_star < len(has_match):
        nf = Counter(f for f, _ in forced)
        feasible = [ch for ch in feasible
                    if all(n <= max(2, nf[f]) for f, n in Counter(f for f, _ in ch).items())]
    total = max(sum(ints.get(p, 0) for p in ch) for ch in feasible)
    return c_star + len(forced_firms), (tau / SCALE if c_star else None), total / SCALE


def random_instance(seed, n_firms=3, n_helpers=4, quotas=False):
    rng = random.Random(seed)
    firms = [Participant(f"ent:{i}", capacity=rng.randint(0, 3), kind="firm")
             for i in range(n_firms)]
    helpers = [Participant(f"exp:{j}", capacity=rng.randint(0, 2),
                           kind=rng.choice(["expert", "institute"]),
                           organisation=rng.choice(["org:a", "org:b", None]))
               for j in range(n_helpers)]
    scores = {(f.id, h.id): round(rng.random(), 4) for f in firms for h in helpers
              if rng.random() < 0.7}
    rules = PlanRules()
    pairs = sorted(scores)
    if pairs and rng.random() < 0.5:
        rules.forbidden.add(rng.choice(pairs))
    if pairs and rng.random() < 0.5:
        pin = rng.choice(pairs)
        f, h = pin
        cap = {p.id: p.capacity for p in firms + helpers}
        if cap[f] > 0 and cap[h] > 0 and pin not in rules.forbidden:
            rules.pins.add(pin)
    if quotas:
        rules.one_per_organisation = rng.random() < 0.6
        rules.institute_per_firm = rng.choice([0, 1])
    return firms, helpers, scores, rules


@pytest.mark.parametrize("seed", range(40))
def test_flow_plan_is_optimal_against_brute_force(seed):
    firms, helpers, scores, rules = random_instance(seed)
    if not any(s >= 0.3 for s in scores.values()) and not rules.pins:
        pytest.skip("no acceptable pair: covered by the diagnostics test")
    plan = plan_meetings(firms, helpers, scores, rules, min_score=0.3, solver="flow")
    covered, tau, total = brute_force(firms, helpers, scores, rules, 0.3)
    assert plan.covered_firms == covered
    assert plan.weakest_best == tau
    assert plan.total_score == pytest.approx(total, abs=1e-6)
    for solver in ("milp", "cpsat"):
        other = plan_meetings(firms, helpers, scores, rules, min_score=0.3, solver=solver)
        assert (other.covered_firms, other.weakest_best) == (covered, tau)
        assert other.total_score == pytest.approx(total, abs=1e-6)


@pytest.mark.parametrize("seed", range(40, 70))
@pytest.mark.parametrize("solver", ["milp", "cpsat"])
def test_quota_plan_is_optimal_against_brute_force(seed, solver):
    firms, helpers, scores, rules = random_instance(seed, quotas=True)
    if not any(s >= 0.3 for s in scores.values()) and not rules.pins:
        pytest.skip("no acceptable pair")
    try:
        plan = plan_meetings(firms, helpers, scores, rules, min_score=0.3, solver=solver)
    except InvalidInput as err:  # quota supply check refused: must name the setting
        assert "institute_per_firm" in str(err)
        return
    covered, tau, total = brute_force(firms, helpers, scores, rules, 0.3)
    assert (plan.covered_firms, plan.weakest_best) == (covered, tau)
    assert plan.total_score == pytest.approx(total, abs=1e-6)


def test_fairness_beats_greedy_and_no_third_before_everyone_has_one():
    firms = [Participant("ent:a", capacity=3), Participant("ent:b", capacity=3),
             Participant("ent:c", capacity=3)]
    helpers = [Participant(f"exp:{j}", capacity=1) for j in range(4)]
    scores = {("ent:a", f"exp:{j}"): 0.9 for j in range(4)}
    scores |= {("ent:b", "exp:0"): 0.5, ("ent:c", "exp:1"): 0.4}
    greedy = plan_meetings_greedy(firms, helpers, scores)
    assert {m.firm for m in greedy} == {"ent:a"}  # greedy starves b and c
    plan = plan_meetings(firms, helpers, scores)
    count = Counter(m.firm for m in plan.meetings)
    assert count == {"ent:a": 2, "ent:b": 1, "ent:c": 1}
    assert plan.weakest_best == 0.4


def test_third_meeting_withheld_while_a_firm_is_left_out():
    # ent:c has an acceptable match but it is pinned away; nobody may get a third
    firms = [Participant("ent:a", capacity=3), Participant("ent:c", capacity=1)]
    helpers = [Participant(f"exp:{j}", capacity=1) for j in range(3)]
    scores = {("ent:a", f"exp:{j}"): 0.9 for j in range(3)} | {("ent:c", "exp:0"): 0.5}
    rules = PlanRules(pins={("ent:a", "exp:0")})
    plan = plan_meetings(firms, helpers, scores, rules)
    assert Counter(m.firm for m in plan.meetings)["ent:a"] == 2
    assert plan.unassigned["ent:c"].startswith("conflict")


def test_scores_differing_by_a_ten_thousandth_are_not_tied():
    firms = [Participant("ent:a", capacity=1)]
    helpers = [Participant("exp:x", capacity=1), Participant("exp:y", capacity=1)]
    for hi in ("exp:x", "exp:y"):
        lo = "exp:y" if hi == "exp:x" else "exp:x"
        scores = {("ent:a", hi): 0.5001, ("ent:a", lo): 0.5}
        assert plan_meetings(firms, helpers, scores).pairs() == [("ent:a", hi)]


def test_plan_is_deterministic():
    firms, helpers, scores, rules = random_instance(7, n_firms=6, n_helpers=8)
    first = plan_meetings(firms, helpers, scores, rules)
    for _ in range(3):
        again = plan_meetings(list(reversed(firms)), list(reversed(helpers)),
                              dict(reversed(list(scores.items()))), rules)
        assert again.pairs() == first.pairs()


@pytest.mark.parametrize("solver", ["flow", "milp", "cpsat"])
def test_hard_rules_hold_in_every_mode(solver):
    firms = [Participant("ent:a", capacity=2), Participant("ent:b", capacity=2)]
    helpers = [Participant("exp:x"), Participant("exp:y"), Participant("exp:z")]
    scores = {("ent:a", "exp:x"): 0.9, ("ent:a", "exp:y"): 0.8, ("ent:a", "exp:z"): 0.1,
              ("ent:b", "exp:x"): 0.95, ("ent:b", "exp:y"): 0.9}
    rules = PlanRules(requests={("ent:a", "exp:z")}, forbidden={("ent:b", "exp:x")},
                      declined={("ent:a", "exp:x")}, met_before={("ent:b", "exp:y")})
    plan = plan_meetings(firms, helpers, scores, rules, solver=solver)
    pairs = set(plan.pairs())
    assert ("ent:a", "exp:z") in pairs  # requested though below min_score
    assert not pairs & (rules.forbidden | rules.declined | rules.met_before)
    assert [m.source for m in plan.meetings if m.helper == "exp:z"] == ["requested"]
    assert plan.unassigned["ent:b"].startswith("no acceptable match")


def test_one_per_organisation_and_institute_quota():
    firms = [Participant("ent:a", capacity=2)]
    helpers = [Participant("exp:1", organisation="org:xjtu"),
               Participant("exp:2", organisation="org:xjtu"),
               Participant("inst:nwpu", kind="institute")]
    scores = {("ent:a", "exp:1"): 0.9, ("ent:a", "exp:2"): 0.85, ("ent:a", "inst:nwpu"): 0.4}
    plain = plan_meetings(firms, helpers, scores)
    assert set(plain.pairs()) == {("ent:a", "exp:1"), ("ent:a", "exp:2")}
    rules = PlanRules(one_per_organisation=True, institute_per_firm=1)
    plan = plan_meetings(firms, helpers, scores, rules)
    assert set(plan.pairs()) == {("ent:a", "exp:1"), ("ent:a", "inst:nwpu")}
    assert plan.solver == "milp"
    assert plan_meetings(firms, helpers, scores, rules, solver="cpsat").pairs() == plan.pairs()


def test_pin_that_breaks_a_capacity_names_the_setting():
    firms = [Participant("ent:a", capacity=1)]
    helpers = [Participant("exp:x"), Participant("exp:y")]
    rules = PlanRules(pins={("ent:a", "exp:x"), ("ent:a", "exp:y")})
    with pytest.raises(InvalidInput, match="raise its max_meetings to 2"):
        plan_meetings(firms, helpers, {("ent:a", "exp:x"): 0.5}, rules)


def test_pin_that_is_also_forbidden_is_refused():
    rules = PlanRules(pins={("ent:a", "exp:x")}, forbidden={("ent:a", "exp:x")})
    with pytest.raises(InvalidInput, match="pinned and also forbidden"):
        plan_meetings([Participant("ent:a")], [Participant("exp:x")], {}, rules)


def test_no_acceptable_pair_names_min_score():
    with pytest.raises(InvalidInput, match=r"min_score=0.5 \(the best score is 0.400\)"):
        plan_meetings([Participant("ent:a")], [Participant("exp:x")],
                      {("ent:a", "exp:x"): 0.4}, min_score=0.5)


def test_supply_shortage_is_diagnosed_and_unassigned_explained():
    firms = [Participant(f"ent:{i}", capacity=2) for i in range(3)]
    helpers = [Participant("exp:x", capacity=2), Participant("exp:idle", capacity=0)]
    scores = {(f.id, "exp:x"): 0.5 + i / 10 for i, f in enumerate(firms)}
    plan = plan_meetings(firms, helpers, scores)
    assert "raise helpers' max_meetings" in plan.diagnostics[0]
    assert plan.covered_firms == 2
    assert plan.unassigned["ent:0"].startswith("conflict")
    assert plan.unassigned["exp:idle"].startswith("no capacity")


def test_institute_quota_supply_check():
    firms = [Participant(f"ent:{i}") for i in range(3)]
    helpers = [Participant("inst:a", capacity=1, kind="institute"), Participant("exp:b")]
    scores = {(f.id, h.id): 0.6 for f in firms for h in helpers}
    with pytest.raises(InvalidInput, match="institute_per_firm=1 needs 3"):
        plan_meetings(firms, helpers, scores, PlanRules(institute_per_firm=1))


def test_bad_scores_and_unknown_participants():
    with pytest.raises(InvalidInput, match=r"must lie in \[0, 1\]"):
        plan_meetings([Participant("ent:a")], [Participant("exp:x")], {("ent:a", "exp:x"): 1.5})
    with pytest.raises(InvalidInput, match="not in the event"):
        plan_meetings([Participant("ent:a")], [Participant("exp:x")], {("ent:a", "exp:x"): .5},
                      PlanRules(pins={("ent:a", "exp:nobody")}))


def test_alternates_ranked_spare_capacity_first():
    firms = [Participant("ent:a", capacity=1), Participant("ent:b", capacity=1)]
    helpers = [Participant("exp:x", capacity=1), Participant("exp:y", capacity=1),
               Participant("exp:z", capacity=1)]
    scores = {("ent:a", "exp:x"): 0.9, ("ent:a", "exp:y"): 0.8, ("ent:a", "exp:z"): 0.5,
              ("ent:b", "exp:y"): 0.9}
    plan = plan_meetings(firms, helpers, scores)
    assert plan.pairs() == [("ent:a", "exp:x"), ("ent:b", "exp:y")]
    assert [h for h, _ in plan.alternates["ent:a"]] == ["exp:z", "exp:y"]


def test_exact_total_at_least_greedy_on_random_instances():
    rng = random.Random(3)
    firms = [Participant(f"ent:{i}", capacity=3) for i in range(15)]
    helpers = [Participant(f"exp:{j}", capacity=2) for j in range(20)]
    scores = {(f.id, h.id): round(rng.random(), 4) for f in firms for h in helpers}
    plan = plan_meetings(firms, helpers, scores, min_score=0.3)
    greedy = plan_meetings_greedy(firms, helpers, scores, min_score=0.3)
    assert plan.covered_firms >= len({m.firm for m in greedy})
    # fairness can cost score, but coverage is never lower and every firm is served here
    assert plan.covered_firms == 15


@pytest.mark.parametrize("seed", range(70, 90))
@pytest.mark.parametrize("solver", ["flow", "milp", "cpsat"])
def test_unfair_mode_is_the_max_score_and_beats_greedy(seed, solver):
    firms, helpers, scores, rules = random_instance(seed)
    if not any(s >= 0.3 for s in scores.values()) and not rules.pins:
        pytest.skip("no acceptable pair")
    plan = plan_meetings(firms, helpers, scores, rules, solver=solver, fair=False)
    assert plan.total_score == pytest.approx(brute_force(firms, helpers, scores, rules, 0.3,
                                                         fair=False)[2], abs=1e-6)
    greedy = plan_meetings_greedy(firms, helpers, scores, rules)
    assert plan.total_score >= sum(m.score for m in greedy) - 1e-9
    fair = plan_meetings(firms, helpers, scores, rules, solver=solver)
    assert fair.total_score <= plan.total_score + 1e-9  # fairness costs score, never adds


def test_score_matrix_gives_the_same_plan_as_the_mapping():
    import numpy as np

    firms, helpers, scores, rules = random_instance(5, n_firms=5, n_helpers=6)
    matrix = np.full((len(firms), len(helpers)), np.nan)
    for i, f in enumerate(firms):
        for j, h in enumerate(helpers):
            if (f.id, h.id) in scores:
                matrix[i, j] = scores[(f.id, h.id)]
    a = plan_meetings(firms, helpers, scores, rules)
    b = plan_meetings(firms, helpers, matrix, rules)
    assert a.pairs() == b.pairs() and a.alternates == b.alternates
    with pytest.raises(InvalidInput, match="shape"):
        plan_meetings(firms, helpers, matrix[:, :2], rules)


def test_progress_and_cancel():
    from duijie.matcher.assignment import PlanCancelled

    firms, helpers, scores, _ = random_instance(11, n_firms=6, n_helpers=6)
    stages = []
    plan_meetings(firms, helpers, scores, progress=stages.append)
    assert stages[0] == "coverage" and stages[-1] == "total score"
    calls = []

    def stop_at_second():
        calls.append(1)
        return len(calls) >= 2

    with pytest.raises(PlanCancelled, match="cancelled"):
        plan_meetings(firms, helpers, scores, cancelled=stop_at_second)
