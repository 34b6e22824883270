"""The CP-SAT path of `plan_meetings`, for group quotas the min-cost flow cannot express.

Same stages as the flow path (coverage, max-min, no third while a firm is left
out, total score), each solved to proven optimality with one worker and a fixed
seed, so the same input gives the same plan. Called by
`matcher.assignment.plan_meetings`; tested against brute force there.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from graph.errors import Conflict

if TYPE_CHECKING:
    from matcher.assignment import Participant, PlanRules

Pair = tuple[str, str]


def solve_cpsat(free_firms: list[str], firm_cap: dict[str, int], helper_cap: dict[str, int],
                acceptable: dict[Pair, int], forced: dict[Pair, int],
                helpers: dict[str, Participant], rules: PlanRules, n_acceptable_firms: int,
                time_limit: float, fair: bool = True) -> tuple[list[Pair], int, int | None]:
    """Plan with quotas; returns (chosen pairs, firms covered, max-min threshold or None)."""
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

    c_star, tau = 0, None
    if fair:
        model.maximize(sum(cover))
        run("coverage")
        c_star = round(solver.objective_value)
        model.add(sum(cover) >= c_star)
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
    if fair and len({f for f, _ in forced}) + c_star < n_acceptable_firms:
        for f, ps in by_firm.items():
            model.add(sum(x[p] for p in ps) + n_forced.get(f, 0) <= max(2, n_forced.get(f, 0)))
    model.maximize(sum(acceptable[p] * x[p] for p in pairs))
    run("total score")
    chosen = [p for p in pairs if solver.boolean_value(x[p])]
    return chosen, c_star, tau
