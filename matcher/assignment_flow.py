"""The flow path of `matcher.assignment.plan_meetings`: without group quotas, the four
stages of a fair plan are max-flow probes and one min-cost flow on OR-Tools.

Stages 1 and 2 (as many firms covered as possible, then the weakest covered firm's
best match as strong as it can be) are found by max-flow probes over the score levels;
stages 3 and 4 (nobody a third meeting while a firm with a match has none, then the
highest total) by one min-cost flow. Scores are integers (`SCALE`).

>>> acc = PairArrays(["ent:a", "ent:b"], ["exp:x", "exp:y"], np.array([0, 0, 1]),
...               np.array([0, 1, 0]), np.array([900_000, 800_000, 850_000]))
>>> chosen, covered, weakest = solve_flow(acc, np.array([1, 1]), np.array([1, 1]),
...                                        np.zeros(2, int), 2)
>>> acc.pairs(chosen), covered, weakest
([('ent:a', 'exp:y'), ('ent:b', 'exp:x')], 2, 800000)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from duijie.graph.errors import Conflict

SCALE = 10**6
"""Scores become integers `round(score * SCALE)`; 0.0001 apart stays 100 apart."""

Pair = tuple[str, str]


@dataclass
class PairArrays:
    """Acceptable pairs as index arrays (firm row, helper column, integer score), sorted."""

    fids: list[str]
    hids: list[str]
    fi: np.ndarray
    hi: np.ndarray
    sc: np.ndarray

    def pairs(self, mask: np.ndarray | None = None) -> list[Pair]:
        fi, hi = (self.fi, self.hi) if mask is None else (self.fi[mask], self.hi[mask])
        return [(self.fids[a], self.hids[b]) for a, b in zip(fi.tolist(), hi.tolist(),
                                                               strict=True)]


def _max_matched(n_firms: int, n_helpers: int, free: np.ndarray, fi: np.ndarray,
                 hi: np.ndarray, helper_cap: np.ndarray) -> int:
    """How many free firms can get one meeting each over the pairs (fi, hi): a max flow."""
    from ortools.graph.python import max_flow

    if not len(fi):
        return 0
    firm_nodes = np.flatnonzero(free)
    tails = np.concatenate([np.zeros(len(firm_nodes), np.int64), fi + 2,
                            np.arange(n_helpers) + 2 + n_firms])
    heads = np.concatenate([firm_nodes + 2, hi + 2 + n_firms, np.ones(n_helpers, np.int64)])
    caps = np.concatenate([np.ones(len(firm_nodes) + len(fi), np.int64), helper_cap])
    mf = max_flow.SimpleMaxFlow()
    mf.add_arcs_with_capacity(tails.astype(np.int32), heads.astype(np.int32), caps)
    if mf.solve(0, 1) != mf.OPTIMAL:  # pragma: no cover - only on malformed input
        raise Conflict("max flow failed", where="plan_meetings")
    return int(mf.optimal_flow())


def solve_flow(acc: PairArrays, firm_cap: np.ndarray, helper_cap: np.ndarray,
                n_forced: np.ndarray, n_acceptable_firms: int, fair: bool = True,
                step: Callable[[str], None] = lambda stage: None
                ) -> tuple[np.ndarray, int, int | None]:
    """Stages 1–2 by max-flow probes, stages 3–4 by one min-cost flow; returns a pair mask."""
    from ortools.graph.python import min_cost_flow

    nf, nh = len(acc.fids), len(acc.hids)
    free = (n_forced == 0) & (firm_cap > 0)
    live = (firm_cap[acc.fi] > 0) & (helper_cap[acc.hi] > 0)
    cover = live & free[acc.fi]
    step("coverage")
    c_star = _max_matched(nf, nh, free, acc.fi[cover], acc.hi[cover], helper_cap) if fair else 0
    tau = None
    if c_star:
        levels = np.unique(acc.sc[cover])
        lo, hi = 0, len(levels) - 1  # levels[lo] is always feasible (every pair)
        while lo < hi:
            step("max-min")
            mid = (lo + hi + 1) // 2
            m = cover & (acc.sc >= levels[mid])
            if _max_matched(nf, nh, free, acc.fi[m], acc.hi[m], helper_cap) == c_star:
                lo = mid
            else:
                hi = mid - 1
        tau = int(levels[lo])
    squeeze = fair and int((n_forced > 0).sum()) + c_star < n_acceptable_firms
    cap = firm_cap.copy()
    if squeeze:  # someone with a match is left out: at most two each (or the forced ones)
        cap = np.minimum(cap, np.maximum(0, 2 - n_forced))
    best_tier = free & (cap > 0) if tau is not None else np.zeros(nf, bool)
    rest = cap - best_tier
    fb, fr, hn = 2 + np.arange(nf), 2 + nf + np.arange(nf), 2 + 2 * nf + np.arange(nh)
    high = live & best_tier[acc.fi] & (acc.sc >= (tau or 0))
    low = live & ~high
    n_high = int(high.sum())
    pair_nodes = 2 + 2 * nf + nh + np.arange(n_high)
    big = (int(firm_cap.sum()) + 1) * SCALE + 1
    supply = int(best_tier.sum() + rest.sum())
    bt, rs = np.flatnonzero(best_tier), np.flatnonzero(rest > 0)
    parts = [  # (tails, heads, caps, costs)
        (np.zeros(len(bt)), fb[bt], np.ones(len(bt)), np.full(len(bt), -big)),
        (np.zeros(len(rs)), fr[rs], rest[rs], np.zeros(len(rs))),
        (fb[acc.fi[high]], pair_nodes, np.ones(n_high), np.zeros(n_high)),
        (fr[acc.fi[high]], pair_nodes, np.ones(n_high), np.zeros(n_high)),
        (pair_nodes, hn[acc.hi[high]], np.ones(n_high), -acc.sc[high]),
        (fr[acc.fi[low]], hn[acc.hi[low]], np.ones(int(low.sum())), -acc.sc[low]),
        (hn, np.ones(nh), helper_cap, np.zeros(nh)),
        (np.zeros(1), np.ones(1), np.array([supply]), np.zeros(1)),  # meetings not held
    ]
    step("total score")
    tails, heads, caps, costs = (np.concatenate([p[i] for p in parts]).astype(np.int64)
                                 for i in range(4))
    mcf = min_cost_flow.SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32),
                                             caps, costs)
    mcf.set_node_supply(0, supply)
    mcf.set_node_supply(1, -supply)
    status = mcf.solve()
    if status != mcf.OPTIMAL:  # pragma: no cover - the bypass arc keeps it feasible
        raise Conflict(f"min-cost flow ended with status {status}", where="plan_meetings")
    start_high = sum(len(p[0]) for p in parts[:4])
    start_low = start_high + n_high
    flows = mcf.flows(np.arange(start_high, start_low + int(low.sum()), dtype=np.int64))
    chosen = np.zeros(len(acc.fi), bool)
    chosen[np.flatnonzero(high)] = flows[:n_high] > 0
    chosen[np.flatnonzero(low)] = flows[n_high:] > 0
    return chosen, c_star, tau
