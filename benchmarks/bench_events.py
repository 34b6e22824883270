"""Plan and schedule a docking event at scale, beside the greedy baseline, in one run.

Sizes: 100 firms × 500 experts (targets: plan + schedule < 1 s) and 1,000 × 5,000
(< 30 s); 3 meetings per firm, 4 per expert. Scores have a popularity part (some
experts suit everyone, as at real fairs) plus a pair part, so the greedy baseline
starves some firms; with `--shortlist K` each firm keeps only its K best-scored
experts (what a top-K recommender hands over), otherwise every pair is scored.

A second table plans with group quotas (HiGHS) on each firm's 20 best experts plus
three institutes.

Run: python benchmarks/bench_events.py [--sizes 100x500,1000x5000] [--shortlist 0]
     [--quotas 100x500]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from duijie.matcher.assignment import Participant, plan_meetings, plan_meetings_greedy
from duijie.matcher.scheduling import MeetingToPlace, Slot, schedule


def instance(n_firms: int, n_experts: int, shortlist: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    popularity = rng.beta(0.6, 2.5, n_experts)
    pair = rng.random((n_firms, n_experts))
    scores = np.round(0.55 * popularity[None, :] + 0.45 * pair, 4)
    firms = [Participant(f"ent:{i:05d}", capacity=3, kind="firm") for i in range(n_firms)]
    experts = [Participant(f"exp:{j:05d}", capacity=4) for j in range(n_experts)]
    if shortlist:
        cols = np.argsort(-scores, axis=1, kind="stable")[:, :shortlist]
    else:
        cols = np.tile(np.arange(n_experts), (n_firms, 1))
    data = {(firms[i].id, experts[j].id): float(scores[i, j])
            for i in range(n_firms) for j in cols[i]}
    return firms, experts, data


def slots_and_tables(n_meetings: int):
    slots = []
    for day in (23, 24):
        t = datetime(2019, 5, day, 9)
        for k in range(12):
            slots.append(Slot(f"d{day}s{k}", t, t + timedelta(minutes=20)))
            t += timedelta(minutes=20)
    n_tables = -(-n_meetings // len(slots)) + 5
    return slots, [f"T{i}" for i in range(n_tables)]


def run(n_firms: int, n_experts: int, shortlist: int, min_score: float) -> dict:
    firms, experts, scores = instance(n_firms, n_experts, shortlist)
    t0 = time.perf_counter()
    plan = plan_meetings(firms, experts, scores, min_score=min_score)
    t1 = time.perf_counter()
    slots, tables = slots_and_tables(len(plan.meetings))
    meetings = [MeetingToPlace(f"m{k}", (m.firm, m.helper)) for k, m in enumerate(plan.meetings)]
    sched = schedule(meetings, slots, tables)
    t2 = time.perf_counter()
    greedy = plan_meetings_greedy(firms, experts, scores, min_score=min_score)
    t3 = time.perf_counter()
    best = plan_meetings(firms, experts, scores, min_score=min_score, fair=False)
    t4 = time.perf_counter()
    g_best: dict[str, float] = {}
    for m in greedy:
        g_best[m.firm] = max(g_best.get(m.firm, 0.0), m.score)
    return {
        "size": f"{n_firms}x{n_experts}", "pairs": len(scores),
        "plan_s": t1 - t0, "schedule_s": t2 - t1, "total_s": t2 - t0, "greedy_s": t3 - t2,
        "exact_score": plan.total_score, "max_score": best.total_score, "max_s": t4 - t3,
        "greedy_score": sum(m.score for m in greedy),
        "exact_firms": plan.covered_firms, "greedy_firms": len(g_best),
        "exact_weakest": plan.weakest_best or 0.0,
        "greedy_weakest": min(g_best.values()) if g_best else 0.0,
        "max_per_firm": max(Counter(m.firm for m in plan.meetings).values()),
        "unplaced": len(sched.unplaced), "gaps": sched.total_idle_gaps,
        "meetings": len(plan.meetings),
    }


def run_quotas(n_firms: int, n_experts: int, shortlist: int, min_score: float) -> dict:
    """Group quotas (one institute per firm, one person per organisation) on HiGHS."""
    from duijie.matcher.assignment import PlanRules

    rng = np.random.default_rng(1)
    firms, experts, scores = instance(n_firms, n_experts, shortlist or 20)
    experts = [Participant(e.id, 4, "institute" if j % 5 == 0 else "expert",
                           f"org:{j % (n_experts // 12)}") for j, e in enumerate(experts)]
    for f in firms:  # every firm also scores three random institutes
        for j in rng.choice(np.arange(0, n_experts, 5), 3, replace=False):
            scores[(f.id, experts[j].id)] = round(float(rng.random()), 4)
    rules = PlanRules(institute_per_firm=1, one_per_organisation=True)
    t0 = time.perf_counter()
    plan = plan_meetings(firms, experts, scores, rules, min_score=min_score)
    t1 = time.perf_counter()
    plain = plan_meetings(firms, experts, scores, min_score=min_score)
    return {"size": f"{n_firms}x{n_experts}", "pairs": len(scores), "quota_s": t1 - t0,
            "solver": plan.solver, "score": plan.total_score, "firms": plan.covered_firms,
            "plain_score": plain.total_score, "plain_firms": plain.covered_firms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100x500,1000x5000")
    parser.add_argument("--shortlist", type=int, default=0,
                        help="Keep each firm's K best experts (0: every pair).")
    parser.add_argument("--min-score", type=float, default=0.3)
    parser.add_argument("--quotas", default="100x500",
                        help="Sizes for the group-quota table (each firm's top 20 + 3 "
                             "institutes); empty to skip.")
    args = parser.parse_args()
    targets = {"100x500": 1.0, "1000x5000": 30.0}
    print(f"# bench_events {datetime.now():%Y-%m-%d %H:%M} shortlist={args.shortlist or 'all'}")
    head = ("size", "pairs", "plan s", "sched s", "total s", "target", "greedy s",
            "max-score s", "fair score", "max score", "greedy score", "max vs greedy %",
            "fair vs greedy %", "firms fair/greedy", "weakest fair/greedy", "meetings",
            "unplaced", "gaps")
    print(" | ".join(head))
    for size in args.sizes.split(","):
        nf, ne = (int(x) for x in size.split("x"))
        r = run(nf, ne, args.shortlist, args.min_score)
        g = max(r["greedy_score"], 1e-9)
        gain = 100 * (r["exact_score"] - r["greedy_score"]) / g
        gain_max = 100 * (r["max_score"] - r["greedy_score"]) / g
        target = targets.get(size)
        print(" | ".join(str(x) for x in (
            r["size"], r["pairs"], f"{r['plan_s']:.3f}", f"{r['schedule_s']:.3f}",
            f"{r['total_s']:.3f}", f"<{target}" if target else "-",
            f"{r['greedy_s']:.3f}", f"{r['max_s']:.3f}", f"{r['exact_score']:.2f}",
            f"{r['max_score']:.2f}", f"{r['greedy_score']:.2f}", f"{gain_max:+.3f}",
            f"{gain:+.3f}", f"{r['exact_firms']}/{r['greedy_firms']}",
            f"{r['exact_weakest']:.3f}/{r['greedy_weakest']:.3f}", r["meetings"],
            r["unplaced"], r["gaps"])))
    if args.quotas:
        print("\n# group quotas: >= 1 institute per firm, one person per organisation")
        print("size | pairs | solver | plan s | score | firms | no-quota score | no-quota firms")
        for size in args.quotas.split(","):
            nf, ne = (int(x) for x in size.split("x"))
            q = run_quotas(nf, ne, args.shortlist, args.min_score)
            print(" | ".join(str(x) for x in (
                q["size"], q["pairs"], q["solver"], f"{q['quota_s']:.3f}", f"{q['score']:.2f}",
                q["firms"], f"{q['plain_score']:.2f}", q["plain_firms"])))


if __name__ == "__main__":
    main()
