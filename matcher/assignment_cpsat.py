"""The CP-SAT path of `plan_meetings`, for group quotas the min-cost flow cannot express.

Same stages as the flow path (coverage, max-min, no third while a firm is left
out, total score), each solved to proven optimality with one worker and a fixed
seed, so the same input gives the same plan. Called by
`matcher.assignment.plan_meetings`; tested against brute force there.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from duijie.graph.errors import Conflict

if TYPE_CHECKING:
    from duijie.matcher.assignment import Participant, PlanRules

Pair = tuple[str, str]


def solve_cpsat(free_firms: list[str], firm_cap: dict[str, int], helper_cap: dict[str, int],
                acceptable: dict[Pair, int], forced: dict[Pair, int],
                helpers: dict[str, Participant], rules: PlanRules, n_acceptable_firms: int,
                time_limit: float, fair: bool = True) -> tuple[list[Pair], int, int | None]:
    """Plan with quotas; returns (chosen pairs, firms covered, max-min threshold or None)."""
    from ortools.sat.python import cp_model

    free_set = set(free_firms)
    pairs = sorted(p for p in acceptable if firm_cap[p[0]] > 0 and helper_cap[p[1]] > 0)
    by_firm: dict[str, list[Pair]] = defaultdict(list)
    by_helper: dict[str, list[Pair]] = defaultdict(list)
    for p in pairs:
        by_firm[p[0]].append(p)
        by_helper[p[1]].append(p)
    all_firms = sorted(set(by_firm) | {f for f, _ in forced})
    forced_firms = {f for f, _ in forced}

    def build() -> tuple[Any, dict[Pair, Any], dict[str, Any], list[Any]]:
        """The hard rules alone; each stage adds its own objective and bounds to a fresh copy."""
        model = cp_model.CpModel()
        x = {p: model.new_bool_var(f"x{i}") for i, p in enumerate(pairs)}
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
        served: dict[str, Any] = {}
        for f in all_firms:
            if f in forced_firms:
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
        if c_star:
            model.add(sum(cover) >= c_star)
        for p, v in hint.items():  # the previous stage's plan: a feasible start
            model.add_hint(x[p], v)
        return model, x, served, cover

    def add_threshold(model: Any, x: dict[Pair, Any], served: dict[str, Any], tau: int) -> None:
        """Every served free firm has a pair scoring at least `tau`."""
        for f in free_firms:
            if f in by_firm:
                model.add(sum(x[p] for p in by_firm[f] if acceptable[p] >= tau) >= served[f])

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # one worker: the same input gives the same plan
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.linearization_level = 2  # the LP of an assignment is tight: use it

    def run(model: Any, x: dict[Pair, Any], stage: str) -> None:
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
        hint.clear()
        hint.update({p: int(solver.boolean_value(v)) for p, v in x.items()})

    c_star, tau = 0, None
    hint: dict[Pair, int] = {}
    if fair:
        model, x, served, cover = build()
        model.maximize(sum(cover))
        run(model, x, "coverage")
        c_star = round(solver.objective_value)
    if c_star:  # max-min by bisection over the score levels: each probe is a yes/no model
        levels = sorted({acceptable[p] for p in pairs if p[0] in free_set})
        lo, hi = 0, len(levels) - 1  # levels[0]: every pair allowed, so c_star is feasible
        while lo < hi:
            mid = (lo + hi + 1) // 2
            model, x, served, cover = build()
            add_threshold(model, x, served, levels[mid])
            status = solver.solve(model)
            if status == cp_model.OPTIMAL or status == cp_model.FEASIBLE:
                lo = mid
                hint.clear()
                hint.update({p: int(solver.boolean_value(v)) for p, v in x.items()})
            elif status == cp_model.INFEASIBLE:
                hi = mid - 1
            else:
                raise Conflict(f"CP-SAT could not decide a max-min probe within {time_limit} s",
                               where="plan_meetings (max-min)",
                               problems=["raise time_limit or drop group quotas to use the "
                                         "min-cost flow path"])
        tau = levels[lo]
    model, x, served, cover = build()
    if tau is not None:
        add_threshold(model, x, served, tau)
    n_forced = {f: sum(1 for p in forced if p[0] == f) for f in all_firms}
    if fair and len(forced_firms) + c_star < n_acceptable_firms:
        for f, ps in by_firm.items():
            model.add(sum(x[p] for p in ps) + n_forced.get(f, 0) <= max(2, n_forced.get(f, 0)))
    model.maximize(sum(acceptable[p] * x[p] for p in pairs))
    run(model, x, "total score")
    chosen = [p for p in pairs if solver.boolean_value(x[p])]
    return chosen, c_star, tau
