"""The integer-programming path of `plan_meetings` on HiGHS (`scipy.optimize.milp`).

Group quotas (at least k institutes per served firm, one person per
organisation per firm) break the flow structure; the same lexicographic stages
are solved here as mixed-integer programs: (1) most firms served, (2) the
max-min threshold by bisection over the score levels (each probe a yes/no
program), (3) no third meeting while a firm with a match is left out, (4) the
highest total score. The LP relaxation of an assignment is tight, so HiGHS
proves these quickly; `mip_rel_gap=0` makes every stage exact, and the serial
solver gives the same plan for the same input.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from duijie.graph.errors import Conflict

if TYPE_CHECKING:
    from duijie.matcher.assignment import Participant, PlanRules

Pair = tuple[str, str]


class _Rows:
    """Sparse constraint rows collected as (row, column, value) triples with bounds."""

    def __init__(self, n_vars: int):
        self.n = n_vars
        self.r: list[int] = []
        self.c: list[int] = []
        self.v: list[float] = []
        self.lo: list[float] = []
        self.hi: list[float] = []

    def add(self, cols: list[int], vals: list[float], lo: float, hi: float) -> None:
        row = len(self.lo)
        self.r += [row] * len(cols)
        self.c += cols
        self.v += vals
        self.lo.append(lo)
        self.hi.append(hi)

    def constraint(self) -> LinearConstraint:
        a = coo_matrix((self.v, (self.r, self.c)), shape=(len(self.lo), self.n)).tocsr()
        return LinearConstraint(a, np.array(self.lo), np.array(self.hi))


def solve_milp(free_firms: list[str], firm_cap: dict[str, int], helper_cap: dict[str, int],
               acceptable: dict[Pair, int], forced: dict[Pair, int],
               helpers: dict[str, Participant], rules: PlanRules, n_acceptable_firms: int,
               time_limit: float, fair: bool = True) -> tuple[list[Pair], int, int | None]:
    """Plan with quotas; returns (chosen pairs, firms covered, max-min threshold or None)."""
    pairs = sorted(p for p in acceptable if firm_cap[p[0]] > 0 and helper_cap[p[1]] > 0)
    n = len(pairs)
    by_firm: dict[str, list[int]] = defaultdict(list)
    by_helper: dict[str, list[int]] = defaultdict(list)
    for i, (f, h) in enumerate(pairs):
        by_firm[f].append(i)
        by_helper[h].append(i)
    forced_firms = {f for f, _ in forced}
    n_forced = {f: sum(1 for p in forced if p[0] == f) for f in forced_firms}
    free_with = [f for f in free_firms if f in by_firm]
    served = {f: n + k for k, f in enumerate(free_with)}  # a served indicator per free firm
    n_vars = n + len(served)
    if not n_vars:
        return [], 0, None  # nothing left to decide: the forced pairs are the plan
    score = np.array([acceptable[p] for p in pairs], float)

    def base() -> _Rows:
        rows = _Rows(n_vars)
        for f, idx in by_firm.items():
            rows.add(idx, [1.0] * len(idx), -np.inf, firm_cap[f])
        for h, idx in by_helper.items():
            rows.add(idx, [1.0] * len(idx), -np.inf, helper_cap[h])
        for f, s in served.items():
            rows.add([s, *by_firm[f]], [1.0] + [-1.0] * len(by_firm[f]), -np.inf, 0)
            for i in by_firm[f]:
                rows.add([i, s], [1.0, -1.0], -np.inf, 0)
        if rules.one_per_organisation:
            taken = {(f, helpers[h].organisation) for f, h in forced if helpers[h].organisation}
            groups: dict[tuple[str, str], list[int]] = defaultdict(list)
            for i, (f, h) in enumerate(pairs):
                if helpers[h].organisation:
                    groups[(f, helpers[h].organisation)].append(i)
            for key, idx in groups.items():
                rows.add(idx, [1.0] * len(idx), -np.inf, 0 if key in taken else 1)
        if rules.institute_per_firm:
            for f in sorted(set(by_firm) | forced_firms):
                inst = [i for i in by_firm.get(f, []) if helpers[pairs[i][1]].kind == "institute"]
                have = sum(1 for p in forced if p[0] == f and helpers[p[1]].kind == "institute")
                need = min(rules.institute_per_firm, have + len(inst))
                if need <= have:
                    continue
                if f in served:  # inst + have >= need * served
                    rows.add([*inst, served[f]], [1.0] * len(inst) + [-need], -have, np.inf)
                else:
                    rows.add(inst, [1.0] * len(inst), need - have, np.inf)
        if c_star:
            cols = list(served.values())
            rows.add(cols, [1.0] * len(cols), c_star, np.inf)
        return rows

    def threshold(rows: _Rows, tau: int) -> None:
        for f, s in served.items():
            strong = [i for i in by_firm[f] if score[i] >= tau]
            rows.add([*strong, s], [1.0] * len(strong) + [-1.0], 0, np.inf)

    def run(rows: _Rows, objective: np.ndarray, stage: str, decide: bool = False):
        res = milp(-objective, constraints=rows.constraint() if rows.lo else None,
                   integrality=np.ones(n_vars),
                   bounds=Bounds(0, 1), options={"mip_rel_gap": 0, "time_limit": time_limit,
                                                 "presolve": True})
        if res.status == 2:  # infeasible
            if decide:
                return None
            raise Conflict("the group quotas cannot hold together with the capacities",
                           where=f"plan_meetings ({stage})",
                           problems=["lower institute_per_firm, unset one_per_organisation, "
                                     "or raise institutes' max_meetings"])
        if res.status != 0 or res.x is None:
            raise Conflict(f"HiGHS found no proven optimum within {time_limit} s "
                           f"({res.message})", where=f"plan_meetings ({stage})",
                           problems=["raise time_limit or drop group quotas to use the "
                                     "min-cost flow path"])
        return np.rint(res.x).astype(int)

    c_star, tau = 0, None
    cover_obj = np.zeros(n_vars)
    cover_obj[list(served.values())] = 1.0
    if fair and served:
        x = run(base(), cover_obj, "coverage")
        c_star = int(x[list(served.values())].sum())
    if c_star:
        levels = sorted({int(score[i]) for f in free_with for i in by_firm[f]})
        lo, hi = 0, len(levels) - 1  # levels[0]: every pair allowed, so c_star is feasible
        while lo < hi:
            mid = (lo + hi + 1) // 2
            rows = base()
            threshold(rows, levels[mid])
            if run(rows, np.zeros(n_vars), "max-min", decide=True) is None:
                hi = mid - 1
            else:
                lo = mid
        tau = levels[lo]
    rows = base()
    if tau is not None:
        threshold(rows, tau)
    if fair and len(forced_firms) + c_star < n_acceptable_firms:
        for f, idx in by_firm.items():
            k = n_forced.get(f, 0)
            rows.add(idx, [1.0] * len(idx), -np.inf, max(2, k) - k)
    total = np.zeros(n_vars)
    total[:n] = score
    x = run(rows, total, "total score")
    return [pairs[i] for i in range(n) if x[i]], c_star, tau
