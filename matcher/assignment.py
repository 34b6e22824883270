"""Fair meeting assignment for a docking event (`plan_meetings`).

Firms (with their needs) on one side, experts and institutes ("helpers") on the
other, a match score per pair. The plan is lexicographically optimal:

1. as many firms as possible get at least one meeting;
2. among those plans, the weakest covered firm's best match is as strong as it
   can be (max-min, as in peer-review assignment systems);
3. if some firm with an acceptable match still gets nothing, nobody gets a third
   meeting;
4. among those plans, the total score is as high as it can be.

Requested, pinned and locked pairs are hard in every solver mode; forbidden,
declined and met-before pairs are never proposed. Without group quotas the plan
is an OR-Tools min-cost flow (max-flow probes find the max-min threshold); with
quotas (institute per firm, one person per organisation) it is a CP-SAT model
solved in the same stages. Both are exact and deterministic. Scores are scaled
by 10**6 to integers, so scores that differ by 0.0001 are never tied.

>>> firms = [Participant("ent:a", capacity=1), Participant("ent:b", capacity=1)]
>>> helpers = [Participant("exp:x", capacity=1), Participant("exp:y", capacity=1)]
>>> scores = {("ent:a", "exp:x"): 0.9, ("ent:a", "exp:y"): 0.8, ("ent:b", "exp:x"): 0.85}
>>> plan = plan_meetings(firms, helpers, scores)
>>> [(m.firm, m.helper) for m in plan.meetings]
[('ent:a', 'exp:y'), ('ent:b', 'exp:x')]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from graph.errors import Conflict, InvalidInput

SCALE = 10**6
"""Scores become integers `round(score * SCALE)`; 0.0001 apart stays 100 apart."""

Pair = tuple[str, str]


@dataclass(frozen=True)
class Participant:
    """One firm or helper as the planner sees it.

    `kind` is "firm", "expert" or "institute"; `organisation` groups people of
    one employer for the one-per-organisation quota.
    """

    id: str
    capacity: int = 3
    kind: str = "expert"
    organisation: str | None = None
    name: str | None = None


@dataclass
class PlanRules:
    """The organisers' hard rules, as sets of (firm, helper) pairs."""

    requests: set[Pair] = field(default_factory=set)  # accepted by the other side: must meet
    pins: set[Pair] = field(default_factory=set)  # organiser: must meet
    locked: set[Pair] = field(default_factory=set)  # already agreed: kept as they are
    forbidden: set[Pair] = field(default_factory=set)  # organiser: never
    declined: set[Pair] = field(default_factory=set)  # "no thanks" from either side: never
    met_before: set[Pair] = field(default_factory=set)  # met before the cutoff: not again
    institute_per_firm: int = 0  # at least this many institutes for every served firm
    one_per_organisation: bool = False  # at most one person of one employer per firm


@dataclass
class PlannedMeeting:
    firm: str
    helper: str
    score: float
    source: Literal["locked", "pinned", "requested", "planned"] = "planned"


@dataclass
class MeetingPlan:
    """What `plan_meetings` returns: pairs, explanations, alternates, figures."""

    meetings: list[PlannedMeeting]
    unassigned: dict[str, str]  # participant id -> why it has no meeting
    alternates: dict[str, list[tuple[str, float]]]  # firm -> ranked stand-ins for no-shows
    diagnostics: list[str]
    covered_firms: int
    weakest_best: float | None  # the weakest covered firm's best score (max-min value)
    total_score: float
    solver: str

    def pairs(self) -> list[Pair]:
        return [(m.firm, m.helper) for m in self.meetings]


# ----------------------------------------------------------------------------- checks

def _check_inputs(firms: Sequence[Participant], helpers: Sequence[Participant],
                  scores: Mapping[Pair, float], rules: PlanRules, min_score: float) -> None:
    problems = []
    for side, people in (("firm", firms), ("helper", helpers)):
        seen = set()
        for p in people:
            if p.id in seen:
                problems.append(f"{side} {p.id!r} listed twice")
            seen.add(p.id)
            if not isinstance(p.capacity, int) or p.capacity < 0:
                problems.append(f"{side} {p.id!r}: max_meetings {p.capacity!r} must be an "
                                "integer >= 0")
    firm_ids = {f.id for f in firms}
    helper_ids = {h.id for h in helpers}
    if firm_ids & helper_ids:
        problems.append(f"ids on both sides: {sorted(firm_ids & helper_ids)[:5]}")
    for (f, h), s in scores.items():
        if not (0.0 <= float(s) <= 1.0) or s != s:
            problems.append(f"score of ({f}, {h}) is {s!r}; scores must lie in [0, 1]")
            break
    if not 0.0 <= min_score <= 1.0:
        problems.append(f"min_score {min_score!r} must lie in [0, 1]")
    for name in ("requests", "pins", "locked", "forbidden", "declined", "met_before"):
        for f, h in getattr(rules, name):
            if f not in firm_ids or h not in helper_ids:
                problems.append(f"{name}: pair ({f}, {h}) names a participant not in the event")
    if rules.institute_per_firm < 0:
        problems.append("institute_per_firm must be >= 0")
    if problems:
        raise InvalidInput("cannot plan meetings", where="plan_meetings", problems=problems)


def _forced(rules: PlanRules, firms: dict[str, Participant], helpers: dict[str, Participant]
            ) -> dict[Pair, str]:
    """Pairs that must meet and why; refuses pins that break a rule or a capacity."""
    forced: dict[Pair, str] = {}
    for source, pairs in (("locked", rules.locked), ("pinned", rules.pins),
                          ("requested", rules.requests)):
        for pair in sorted(pairs):
            forced.setdefault(pair, source)
    problems = []
    never = rules.forbidden | rules.declined
    for pair, source in forced.items():
        if pair in never:
            why = "forbidden" if pair in rules.forbidden else "declined"
            problems.append(f"pair {pair} is {source} and also {why}: drop one of the two")
    for side, people, idx in (("firm", firms, 0), ("helper", helpers, 1)):
        count: dict[str, int] = defaultdict(int)
        for pair in forced:
            count[pair[idx]] += 1
        for pid, n in sorted(count.items()):
            if n > people[pid].capacity:
                problems.append(
                    f"{side} {pid} has {n} pinned/requested/locked meetings but max_meetings "
                    f"{people[pid].capacity}: raise its max_meetings to {n} or drop a pin")
    if rules.one_per_organisation:
        seen: dict[tuple[str, str], str] = {}
        for f, h in forced:
            org = helpers[h].organisation
            if org and (f, org) in seen:
                problems.append(f"firm {f} is pinned to {seen[(f, org)]} and {h} of one "
                                f"organisation {org}: unset one_per_organisation or drop a pin")
            elif org:
                seen[(f, org)] = h
    if problems:
        raise InvalidInput("the hard rules cannot all hold", where="plan_meetings",
                           problems=problems)
    return forced


# ----------------------------------------------------------------------------- flow path

def _max_matched(free_firms: list[str], edges: list[tuple[str, str]], helper_cap: dict[str, int]
                 ) -> int:
    """How many of `free_firms` can get one meeting each over `edges` (a max flow)."""
    from ortools.graph.python import max_flow

    if not edges:
        return 0
    fi = {f: i + 2 for i, f in enumerate(free_firms)}
    hs = sorted({h for _, h in edges})
    hi = {h: len(fi) + 2 + i for i, h in enumerate(hs)}
    mf = max_flow.SimpleMaxFlow()
    tails = [0] * len(fi) + [fi[f] for f, _ in edges] + [hi[h] for h in hs]
    heads = list(fi.values()) + [hi[h] for _, h in edges] + [1] * len(hs)
    caps = [1] * len(fi) + [1] * len(edges) + [helper_cap[h] for h in hs]
    mf.add_arcs_with_capacity(np.array(tails, dtype=np.int32), np.array(heads, dtype=np.int32),
                              np.array(caps, dtype=np.int64))
    if mf.solve(0, 1) != mf.OPTIMAL:  # pragma: no cover - only on malformed input
        raise Conflict("max flow failed", where="plan_meetings")
    return int(mf.optimal_flow())


def _solve_flow(free_firms: list[str], firm_cap: dict[str, int], helper_cap: dict[str, int],
                acceptable: dict[Pair, int], n_forced: dict[str, int],
                n_acceptable_firms: int) -> tuple[list[Pair], int, int | None]:
    from ortools.graph.python import min_cost_flow

    free_set = set(free_firms)
    cover_edges = sorted(p for p in acceptable if p[0] in free_set and firm_cap[p[0]] > 0
                         and helper_cap[p[1]] > 0)
    c_star = _max_matched(free_firms, cover_edges, helper_cap)
    tau = None
    if c_star:
        levels = sorted({acceptable[p] for p in cover_edges})
        lo, hi = 0, len(levels) - 1  # levels[lo] always feasible (all edges)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            edges = [p for p in cover_edges if acceptable[p] >= levels[mid]]
            if _max_matched(free_firms, edges, helper_cap) == c_star:
                lo = mid
            else:
                hi = mid - 1
        tau = levels[lo]
    squeeze = len(n_forced) + c_star < n_acceptable_firms  # someone left out: no thirds
    firms = sorted(firm_cap)
    helpers = sorted(helper_cap)
    fb = {f: 2 + i for i, f in enumerate(firms)}
    fr = {f: 2 + len(firms) + i for i, f in enumerate(firms)}
    hn = {h: 2 + 2 * len(firms) + i for i, h in enumerate(helpers)}
    next_node = 2 + 2 * len(firms) + len(helpers)
    pairs = sorted(p for p in acceptable if firm_cap[p[0]] > 0 and helper_cap[p[1]] > 0)
    big = (sum(firm_cap.values()) + 1) * SCALE + 1
    tails, heads, caps, costs = [], [], [], []

    def arc(t: int, h: int, cap: int, cost: int) -> None:
        tails.append(t)
        heads.append(h)
        caps.append(cap)
        costs.append(cost)

    supply = 0
    for f in firms:
        cap = firm_cap[f]
        if squeeze:  # at most two meetings each, or the forced ones if more
            cap = min(cap, max(0, 2 - n_forced.get(f, 0)))
        if f in free_set and tau is not None and cap > 0:
            arc(0, fb[f], 1, -big)
            supply += 1
            cap -= 1
        if cap > 0:
            arc(0, fr[f], cap, 0)
            supply += cap
    pair_arcs: list[tuple[Pair, int]] = []
    for f, h in pairs:
        s = acceptable[(f, h)]
        if f in free_set and tau is not None and s >= tau:
            node = next_node
            next_node += 1
            arc(fb[f], node, 1, 0)
            arc(fr[f], node, 1, 0)
            pair_arcs.append(((f, h), len(tails)))
            arc(node, hn[h], 1, -s)
        else:
            pair_arcs.append(((f, h), len(tails)))
            arc(fr[f], hn[h], 1, -s)
    for h in helpers:
        arc(hn[h], 1, helper_cap[h], 0)
    arc(0, 1, supply, 0)  # meetings not held: lets the flow stop when pairs add nothing
    mcf = min_cost_flow.SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int32), np.array(heads, dtype=np.int32),
        np.array(caps, dtype=np.int64), np.array(costs, dtype=np.int64))
    mcf.set_node_supply(0, supply)
    mcf.set_node_supply(1, -supply)
    status = mcf.solve()
    if status != mcf.OPTIMAL:  # pragma: no cover - the bypass arc keeps it feasible
        raise Conflict(f"min-cost flow ended with status {status}", where="plan_meetings")
    flows = mcf.flows(np.array([i for _, i in pair_arcs], dtype=np.int64))
    chosen = [p for (p, _), fl in zip(pair_arcs, flows, strict=True) if fl > 0]
    return chosen, c_star, tau


# ----------------------------------------------------------------------------- CP-SAT path

def _solve_cpsat(free_firms: list[str], firm_cap: dict[str, int], helper_cap: dict[str, int],
                 acceptable: dict[Pair, int], forced: dict[Pair, int],
                 helpers: dict[str, Participant], rules: PlanRules, n_acceptable_firms: int,
                 time_limit: float) -> tuple[list[Pair], int, int | None]:
    from ortools.sat.python import cp_model

    free_set = set(free_firms)
    pairs = sorted(p for p in acceptable if firm_cap[p[0]] > 0 and helper_cap[p[1]] > 0)
    model = cp_model.CpModel()
    x = {p: model.new_bool_var(f"x{i}") for i, p in enumerate(pairs)}
    by_firm: dict[str, list[Pair]] = defaultdict(list)
    by_helper: dict[str, list[Pair]] = defaultdict(list)
    for p in pairs:
        by_firm[p[0]].append(p)
        by_helper[p[1]].append(p)
    for f, ps in by_firm.items():
        model.add(sum(x[p] for p in ps) <= firm_cap[f])
    for h, ps in by_helper.items():
        model.add(sum(x[p] for p in ps) <= helper_cap[h])
    if rules.one_per_organisation:
        taken = {(f, helpers[h].organisation) for f, h in forced if helpers[h].organisation}
        groups: dict[tuple[str, str], list[Pair]] = defaultdict(list)
        for p in pairs:
            org = helpers[p[1]].organisation
            if org:
                groups[(p[0], org)].append(p)
        for key, ps in groups.items():
            model.add(sum(x[p] for p in ps) <= (0 if key in taken else 1))
    served = {}
    all_firms = sorted(set(by_firm) | {f for f, _ in forced})
    for f in all_firms:
        if {p[0] for p in forced if p[0] == f}:
            served[f] = 1
        else:
            v = model.new_bool_var(f"c_{f}")
            model.add(v <= sum(x[p] for p in by_firm[f]))
            for p in by_firm[f]:
                model.add_implication(x[p], v)
            served[f] = v
    if rules.institute_per_firm:
        for f in all_firms:
            inst = [p for p in by_firm[f] if helpers[p[1]].kind == "institute"]
            have = sum(1 for p in forced if p[0] == f and helpers[p[1]].kind == "institute")
            need = min(rules.institute_per_firm, have + len(inst))
            if need > have:
                model.add(sum(x[p] for p in inst) + have >= need * served[f])
    cover = [served[f] for f in free_firms if f in by_firm]
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # one worker: the same input gives the same plan
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = time_limit

    def run(stage: str) -> None:
        status = solver.solve(model)
        if status == cp_model.INFEASIBLE:
            raise Conflict("the group quotas cannot hold together with the capacities",
                           where=f"plan_meetings ({stage})",
                           problems=["lower institute_per_firm, unset one_per_organisation, "
                                     "or raise institutes' max_meetings"])
        if status != cp_model.OPTIMAL:
            raise Conflict(f"CP-SAT found no proven optimum within {time_limit} s",
                           where=f"plan_meetings ({stage})",
                           problems=["raise time_limit or drop group quotas to use the "
                                     "min-cost flow path"])

    model.maximize(sum(cover))
    run("coverage")
    c_star = round(solver.objective_value)
    model.add(sum(cover) >= c_star)
    tau = None
    if c_star:
        top = max(acceptable[p] for p in pairs if p[0] in free_set)
        t = model.new_int_var(0, top, "t")
        for f in free_firms:
            if f not in by_firm:
                continue
            best = model.new_int_var(0, top, f"b_{f}")
            model.add_max_equality(best, [acceptable[p] * x[p] for p in by_firm[f]])
            model.add(t <= best + top * (1 - served[f]))
        model.maximize(t)
        run("max-min")
        tau = round(solver.objective_value)
        model.add(t >= tau)
    n_forced = {f: sum(1 for p in forced if p[0] == f) for f in all_firms}
    if len({f for f, _ in forced}) + c_star < n_acceptable_firms:
        for f, ps in by_firm.items():
            model.add(sum(x[p] for p in ps) + n_forced.get(f, 0) <= max(2, n_forced.get(f, 0)))
    model.maximize(sum(acceptable[p] * x[p] for p in pairs))
    run("total score")
    chosen = [p for p in pairs if solver.boolean_value(x[p])]
    return chosen, c_star, tau


# ----------------------------------------------------------------------------- entry point

def plan_meetings(firms: Sequence[Participant], helpers: Sequence[Participant],
                  scores: Mapping[Pair, float], rules: PlanRules | None = None, *,
                  min_score: float = 0.3, solver: Literal["auto", "flow", "cpsat"] = "auto",
                  alternates: int = 3, time_limit: float = 60.0) -> MeetingPlan:
    """Propose meeting pairs: fair to firms, then best in total score.

    Parameters
    ----------
    firms, helpers : sequence of Participant
        Each with `capacity` (max meetings); helpers with `kind` and `organisation`.
    scores : mapping (firm id, helper id) -> float in [0, 1]
        Missing pairs are not acceptable (unless pinned, requested or locked).
    rules : PlanRules, optional
        Requests, pins, locks (must meet), forbidden/declined/met-before (never),
        group quotas.
    min_score : float
        Pairs scoring below it are not proposed.
    solver : {"auto", "flow", "cpsat"}
        "auto" uses the min-cost flow unless a group quota needs CP-SAT.
    alternates : int
        How many ranked stand-ins to keep per firm for no-shows.
    time_limit : float
        Seconds per CP-SAT stage.

    Returns
    -------
    MeetingPlan

    Raises
    ------
    InvalidInput
        Bad ids or scores, a pin that breaks a capacity or a rule, quotas that
        cannot be met, no acceptable pair at all (names the setting to change).
    Conflict
        Quotas that turn out infeasible, or CP-SAT without a proven optimum.

    Examples
    --------
    >>> firms = [Participant("ent:a", capacity=2)]
    >>> helpers = [Participant("exp:x"), Participant("inst:y", kind="institute")]
    >>> plan = plan_meetings(firms, helpers, {("ent:a", "exp:x"): 0.2,
    ...                                       ("ent:a", "inst:y"): 0.7})
    >>> plan.pairs(), plan.unassigned["exp:x"][:19]
    ([('ent:a', 'inst:y')], 'no acceptable match')
    """
    rules = rules or PlanRules()
    _check_inputs(firms, helpers, scores, rules, min_score)
    if solver not in ("auto", "flow", "cpsat"):
        raise InvalidInput("is not a solver; use auto, flow or cpsat", value=solver,
                           where="plan_meetings")
    fmap = {f.id: f for f in firms}
    hmap = {h.id: h for h in helpers}
    forced = _forced(rules, fmap, hmap)
    never = rules.forbidden | rules.declined | rules.met_before
    acceptable: dict[Pair, int] = {}
    for (f, h), s in scores.items():
        if f in fmap and h in hmap and s >= min_score and (f, h) not in never \
                and (f, h) not in forced:
            acceptable[(f, h)] = round(float(s) * SCALE)
    if not acceptable and not forced:
        best = max(scores.values(), default=None)
        raise InvalidInput(
            f"no pair reaches min_score={min_score}"
            + (f" (the best score is {best:.3f})" if best is not None else " (no scores given)"),
            where="plan_meetings",
            problems=["lower min_score, invite other experts or institutes, or lift declines"])
    firm_cap = {f: fmap[f].capacity for f in fmap}
    helper_cap = {h: hmap[h].capacity for h in hmap}
    for f, h in forced:
        firm_cap[f] -= 1
        helper_cap[h] -= 1
    forced_firms = {f for f, _ in forced}
    has_match = {f for f, _ in acceptable if fmap[f].capacity > 0} | forced_firms
    diagnostics = _supply_demand(fmap, hmap, acceptable, has_match, rules)
    free_firms = sorted(f for f in fmap if f not in forced_firms and firm_cap[f] > 0)
    use_cpsat = solver == "cpsat" or (solver == "auto" and (
        rules.institute_per_firm > 0 or rules.one_per_organisation))
    if solver == "flow" and (rules.institute_per_firm or rules.one_per_organisation):
        raise InvalidInput("group quotas need solver='cpsat' (or 'auto')", where="plan_meetings")
    if use_cpsat:
        chosen, _, tau = _solve_cpsat(
            free_firms, firm_cap, helper_cap, acceptable,
            {p: round(float(scores.get(p, 0.0)) * SCALE) for p in forced}, hmap, rules,
            len(has_match), time_limit)
    else:
        n_forced: dict[str, int] = defaultdict(int)
        for f, _ in forced:
            n_forced[f] += 1
        chosen, _, tau = _solve_flow(free_firms, firm_cap, helper_cap, acceptable,
                                          dict(n_forced), len(has_match))
    meetings = [PlannedMeeting(f, h, float(scores.get((f, h), 0.0)), src)
                for (f, h), src in sorted(forced.items())]
    meetings += [PlannedMeeting(f, h, float(scores[(f, h)])) for f, h in sorted(chosen)]
    meetings.sort(key=lambda m: (m.firm, -m.score, m.helper))
    return MeetingPlan(
        meetings=meetings,
        unassigned=explain_unassigned(fmap, hmap, scores, meetings, acceptable, rules, min_score),
        alternates=rank_alternates(fmap, hmap, meetings, acceptable, alternates),
        diagnostics=diagnostics,
        covered_firms=len({m.firm for m in meetings}),
        weakest_best=None if tau is None else tau / SCALE,
        total_score=round(sum(m.score for m in meetings), 6),
        solver="cpsat" if use_cpsat else "flow",
    )


def _supply_demand(fmap: dict[str, Participant], hmap: dict[str, Participant],
                   acceptable: dict[Pair, int], has_match: set[str], rules: PlanRules
                   ) -> list[str]:
    """Supply against demand, before solving: what cannot work and what to change."""
    notes = []
    demand = sum(f.capacity for f in fmap.values())
    supply = sum(h.capacity for h in hmap.values())
    if supply < len(has_match):
        notes.append(f"{len(has_match)} firms have an acceptable match but helpers offer only "
                     f"{supply} meetings: raise helpers' max_meetings or invite more helpers")
    elif supply < demand:
        notes.append(f"firms ask for {demand} meetings, helpers offer {supply}: some firms "
                     "get fewer meetings than their max_meetings")
    if rules.institute_per_firm:
        inst_supply = sum(h.capacity for h in hmap.values() if h.kind == "institute")
        wanting = {f for f, h in acceptable if hmap[h].kind == "institute"}
        if inst_supply < len(wanting) * rules.institute_per_firm:
            raise InvalidInput(
                f"institute_per_firm={rules.institute_per_firm} needs "
                f"{len(wanting) * rules.institute_per_firm} institute meetings but institutes "
                f"offer {inst_supply}", where="plan_meetings",
                problems=["lower institute_per_firm or raise institutes' max_meetings"])
    return notes


def explain_unassigned(fmap: dict[str, Participant], hmap: dict[str, Participant],
                       scores: Mapping[Pair, float], meetings: Iterable[PlannedMeeting],
                       acceptable: Mapping[Pair, int], rules: PlanRules, min_score: float
                       ) -> dict[str, str]:
    """Why each participant without a meeting has none: capacity, no match, or conflict."""
    met = {m.firm for m in meetings} | {m.helper for m in meetings}
    options: dict[str, int] = defaultdict(int)
    for f, h in acceptable:
        options[f] += 1
        options[h] += 1
    blocked: dict[str, int] = defaultdict(int)
    for pair in rules.forbidden | rules.declined | rules.met_before:
        if scores.get(pair, 0.0) >= min_score:
            blocked[pair[0]] += 1
            blocked[pair[1]] += 1
    out = {}
    for pid, p in sorted({**fmap, **hmap}.items()):
        if pid in met:
            continue
        if p.capacity == 0:
            out[pid] = "no capacity: max_meetings is 0"
        elif not options[pid]:
            extra = f"; {blocked[pid]} pair(s) blocked by declines/forbids" if blocked[pid] else ""
            out[pid] = f"no acceptable match: no pair reaches min_score={min_score}{extra}"
        else:
            out[pid] = (f"conflict: its {options[pid]} acceptable partner(s) were given to "
                        "better or fairer pairs within their capacity")
    return out


def rank_alternates(fmap: dict[str, Participant], hmap: dict[str, Participant],
                    meetings: Iterable[PlannedMeeting], acceptable: Mapping[Pair, int], n: int
                    ) -> dict[str, list[tuple[str, float]]]:
    """Per firm, up to `n` stand-ins for a no-show: spare capacity first, then by score."""
    load: dict[str, int] = defaultdict(int)
    planned = set()
    for m in meetings:
        load[m.helper] += 1
        planned.add((m.firm, m.helper))
    by_firm: dict[str, list[tuple[bool, int, str]]] = defaultdict(list)
    for (f, h), s in acceptable.items():
        if (f, h) not in planned:
            by_firm[f].append((load[h] >= hmap[h].capacity, -s, h))
    return {f: [(h, -s / SCALE) for _, s, h in sorted(by_firm[f])[:n]]
            for f in sorted(fmap) if by_firm.get(f)}


def plan_meetings_greedy(firms: Sequence[Participant], helpers: Sequence[Participant],
                         scores: Mapping[Pair, float], rules: PlanRules | None = None, *,
                         min_score: float = 0.3) -> list[PlannedMeeting]:
    """The baseline: forced pairs, then the best remaining pair while capacity lasts.

    Not fair and not optimal; kept to measure what the exact plan gains.

    >>> firms = [Participant("ent:a", capacity=1), Participant("ent:b", capacity=1)]
    >>> helpers = [Participant("exp:x", capacity=1), Participant("exp:y", capacity=1)]
    >>> s = {("ent:a", "exp:x"): 0.9, ("ent:a", "exp:y"): 0.8, ("ent:b", "exp:x"): 0.85}
    >>> [(m.firm, m.helper) for m in plan_meetings_greedy(firms, helpers, s)]
    [('ent:a', 'exp:x')]
    """
    rules = rules or PlanRules()
    fmap = {f.id: f for f in firms}
    hmap = {h.id: h for h in helpers}
    forced = _forced(rules, fmap, hmap)
    never = rules.forbidden | rules.declined | rules.met_before
    left = {**{f: p.capacity for f, p in fmap.items()}, **{h: p.capacity for h, p in hmap.items()}}
    out = []
    for (f, h), src in sorted(forced.items()):
        out.append(PlannedMeeting(f, h, float(scores.get((f, h), 0.0)), src))
        left[f] -= 1
        left[h] -= 1
    ranked = sorted(((-s, f, h) for (f, h), s in scores.items()
                     if s >= min_score and (f, h) not in never and (f, h) not in forced
                     and f in fmap and h in hmap))
    for neg, f, h in ranked:
        if left[f] > 0 and left[h] > 0:
            out.append(PlannedMeeting(f, h, -neg))
            left[f] -= 1
            left[h] -= 1
    return out
