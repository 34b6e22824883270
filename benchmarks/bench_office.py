"""The office's jobs at scale, each beside a named baseline measured in the same run.

1. Push one programme over 100,000 firms stored in SQLite (target < 5 s), beside
   reading those firms from the store alone (`iter_nodes`, whole nodes), and reading only
   their properties (`GraphStore.node_props`, what the push reads).
2. Contact duty, 10,000 firms to 500 officials (target < 10 s), beside the greedy
   baseline (each firm in turn takes its best official with room); the fair mode
   (coverage and max-min stages first) is timed too.
3. The problem ledger: list 20,000 problems with states and overdue days and write
   one department's XLSX, beside reading the needs alone (`visible_needs`).

Run: python benchmarks/bench_office.py [--firms 100000] [--contact 10000x500]
     [--problems 20000]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from duijie.api.services.firms import push_programme
from duijie.api.services.needs import visible_needs
from duijie.api.services.problems import ledger_workbook, list_problems
from duijie.graph.model import Edge, Node
from duijie.graph.sqlite_store import SqliteStore
from duijie.graph.store import WriteBatch, iter_nodes
from duijie.matcher.contact_duty import Firm, Official, assign_contacts, assign_contacts_greedy

CITIES = ["杭州", "宁波", "绍兴", "嘉兴", "湖州", "温州", "济南", "青岛", "西安", "合肥"]
INDUSTRIES = ["光电与红外", "纺织印染", "高端装备制造", "复合材料", "电机电器", "医疗器械",
              "集成电路", "工业机器人", "化学纤维", "木业家居"]
FLAGS = ["高新技术企业", "科技型中小企业", "省级企业技术中心"]


CPU: dict[str, float] = {}  # label -> CPU seconds of the last timed call


def timed(fn, label: str = ""):
    """Wall seconds (what the table shows); CPU seconds go to CPU[label], since on a
    shared machine the process's CPU time is what an idle machine's wall time would be."""
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    CPU[label] = time.process_time() - cpu
    return value, time.perf_counter() - start


def write_firms(store: SqliteStore, n: int, rng: random.Random) -> None:
    batch = WriteBatch()
    batch.upsert_node(Node("prog:ht", "Programme", {
        "name": "高新技术企业认定", "grants_flag": "高新技术企业", "regions": ["浙江"],
        "rules": [{"field": "rd_ratio_pct", "op": ">=", "value": 3},
                  {"field": "revenue_wan", "op": "<=", "value": 200000}]}))
    for i in range(n):
        props = {"name": f"测试企业{i:06d}", "region": rng.choice(CITIES),
                 "industry": rng.choice(INDUSTRIES),
                 "flags": rng.sample(FLAGS, rng.randint(0, 2))}
        if rng.random() > 0.1:
            props["rd_ratio_pct"] = round(rng.uniform(0, 8), 1)
        if rng.random() > 0.1:
            props["revenue_wan"] = round(rng.uniform(100, 300000))
        batch.upsert_node(Node(f"ent:{i:06d}", "Enterprise", props))
        if rng.random() < 0.02:
            batch.upsert_edge(Edge(f"ent:{i:06d}", "applied_for", "prog:ht"))
        if len(batch) >= 20_000:
            store.apply(batch)
            batch = WriteBatch()
    store.apply(batch)


def bench_push(n: int, folder: Path) -> list[str]:
    rng = random.Random(1)
    store = SqliteStore(folder / "push.db")
    write_firms(store, n, rng)
    _, read = timed(lambda: sum(1 for _ in iter_nodes(store, "Enterprise", page_size=5000)),
                    "read")
    _, props = timed(lambda: sum(1 for _ in store.node_props("Enterprise")), "props")
    result, push = timed(lambda: push_programme(store, "prog:ht", today="2024-01-01"), "push")
    store.close()
    cpu = CPU["push"]
    return [f"| push one programme | {n:,} firms in SQLite | {push:.2f} s (CPU {cpu:.2f} s) | "
            f"read the firms alone {read:.2f} s (CPU {CPU['read']:.2f} s); their properties "
            f"alone (what the push reads) {props:.2f} s (CPU {CPU['props']:.2f} s) | "
            f"{push / read:.1f}× | "
            f"< 5 s: {'met' if push < 5 else 'NOT met'} (CPU: {'met' if cpu < 5 else 'NOT met'})"
            f" | {result.count:,} to push, {result.holders:,} hold it, {result.applied:,} "
            f"applied, {len(result.to_check):,} to check |"]


def contact_instance(n_firms: int, n_officials: int, seed: int = 7):
    rng = random.Random(seed)
    terms = [f"领域{i}" for i in range(300)]
    regions = [f"城市{i}" for i in range(40)]
    depts = [f"处室{i}" for i in range(25)]
    capacity = -(-n_firms * 5 // (4 * n_officials))  # 25 % spare room in all
    officials = [Official(f"off:{j:04d}", f"干部{j}", rng.choice(depts),
                          tuple(rng.sample(terms, 6)), (rng.choice(regions),),
                          capacity=rng.randint(capacity - 5, capacity + 5))
                 for j in range(n_officials)]
    firms = [Firm(f"ent:{i:05d}", f"企业{i}", tuple(rng.sample(terms, 3)),
                  (rng.choice(regions), "省"), tuple(rng.sample(depts, rng.randint(0, 2))))
             for i in range(n_firms)]
    return firms, officials


def bench_contact(n_firms: int, n_officials: int) -> list[str]:
    firms, officials = contact_instance(n_firms, n_officials)
    # The flow loads OR-Tools on its first call in a process; on a loaded machine that is
    # seconds of waiting on the disk, not assignment: timed apart, before the runs.
    start = time.perf_counter()
    from ortools.graph.python import max_flow, min_cost_flow  # noqa: F401
    print(f"loading OR-Tools' flow solvers first: {time.perf_counter() - start:.2f} s wall")
    greedy, t_greedy = timed(lambda: assign_contacts_greedy(firms, officials), "greedy")
    plan, t_plan = timed(lambda: assign_contacts(firms, officials), "plan")
    fair, t_fair = timed(lambda: assign_contacts(firms, officials, fair=True), "fair")
    g_score = sum(a.score for a in greedy)
    size = f"{n_firms:,} firms × {n_officials} officials"
    ok = "met" if t_plan < 10 else "NOT met"
    return [
        f"| contact duty (flow) | {size} | {t_plan:.2f} s (CPU {CPU['plan']:.2f} s) | greedy "
        f"{t_greedy:.2f} s (CPU {CPU['greedy']:.2f} s) | {t_plan / t_greedy:.1f}× | < 10 s: {ok} "
        f"(CPU: {'met' if CPU['plan'] < 10 else 'NOT met'}) | fit {plan.total_score:.1f} vs greedy "
        f"{g_score:.1f}; by fit {plan.covered_by_fit:,} vs {len(greedy):,} |",
        f"| contact duty (fair) | {size} | {t_fair:.2f} s (CPU {CPU['fair']:.2f} s) | greedy "
        f"{t_greedy:.2f} s | "
        f"{t_fair / t_greedy:.1f}× | reported | fit {fair.total_score:.1f}; by fit "
        f"{fair.covered_by_fit:,} |"]


def bench_ledger(n: int, folder: Path) -> list[str]:
    rng = random.Random(5)
    store = SqliteStore(folder / "ledger.db")
    batch = WriteBatch()
    for i in range(n // 4):
        batch.upsert_node(Node(f"ent:{i:05d}", "Enterprise", {"name": f"企业{i}"}))
    for i in range(n):
        day = f"2019-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        ledger = {"opened_on": day, "due": day.replace("2019", "2020"),
                  "steps": [{"on": day, "text": "走访企业"}]}
        batch.upsert_node(Node(f"need:{i:06d}", "Need", {
            "title": f"问题{i}", "need_type": rng.choice(["problem", "policy", "financing"]),
            "department": f"处室{i % 20}", "ledger": ledger}))
        batch.upsert_edge(Edge(f"ent:{i % (n // 4):05d}", "submitted", f"need:{i:06d}"))
        if len(batch) >= 20_000:
            store.apply(batch)
            batch = WriteBatch()
    store.apply(batch)
    _, read = timed(lambda: visible_needs(store), "needs")
    listed, t_list = timed(lambda: list_problems(store, today="2020-06-30"), "list")
    part = list_problems(store, department="处室3", today="2020-06-30")
    _, t_xlsx = timed(lambda: ledger_workbook(part))
    store.close()
    return [f"| ledger list | {n:,} problems | {t_list:.2f} s (CPU {CPU['list']:.2f} s) | read "
            f"the needs alone {read:.2f} s (CPU {CPU['needs']:.2f} s) | {t_list / read:.1f}× | "
            f"reported | {listed.overdue:,} overdue, "
            f"{listed.escalated:,} escalated |",
            f"| one department's XLSX | {part.count:,} rows | {t_xlsx:.2f} s | — | — | "
            "reported | |"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--contact", default="10000x500")
    parser.add_argument("--problems", type=int, default=20_000)
    parser.add_argument("--only", default="push,contact,ledger",
                        help="Which jobs to run, comma-separated.")
    args = parser.parse_args()
    only = set(args.only.split(","))
    n_firms, n_officials = (int(x) for x in args.contact.split("x"))
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average "
          f"{os.getloadavg()[0]:.1f}, {os.cpu_count()} cores")
    print("| job | size | time | baseline (same run) | vs baseline | target | notes |")
    print("|---|---|---:|---|---:|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        jobs = {"push": lambda: bench_push(args.firms, folder),
                "contact": lambda: bench_contact(n_firms, n_officials),
                "ledger": lambda: bench_ledger(args.problems, folder)}
        for name, job in jobs.items():
            if name in only:
                for line in job():
                    print(line, flush=True)


if __name__ == "__main__":
    main()
