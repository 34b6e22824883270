"""The analyst's report and the comparison protocol at scale, each beside a baseline.

1. Report over many events (default 1,000 events, 100,000 outcomes): simulated events
   written into a SQLite file through the outcome path (`write_simulated_outcomes`, 10
   firms × 5 partners per event, a post-event outcome and a 1-month check-in for each
   meeting); then `all_events_report` (funnel, check-ins, firms, sign rate, overdue
   follow-ups, findings) without partner ranks, and with every event's partners ranked
   (the knowledge graph walked in date order, `api.services.pre_event_graphs`).
   Baseline: reading the same Meeting and Outcome nodes from the store, the floor any
   report pays. Target: under 30 s.
2. Comparison protocol over 10,000 labelled queries: labels and three score files as
   JSON lines (20 profiles per query), measured by `evaluate_affinity` (every file read
   and checked, five measures per scorer with bootstrap intervals, paired bootstrap
   against the first). Baseline: scikit-learn's `ndcg_score` over the same queries
   (one measure, no interval, no file). Target: under 60 s.

Prints a table (wall and CPU seconds); asserts nothing about time.

Run: python benchmarks/bench_analysis.py [--events 1000] [--queries 10000] [--rank-events N]
     [--reuse-db PATH] [--skip-protocol]
(`--reuse-db PATH` builds the store at PATH when it is missing and keeps it, so a second
run times the report alone on the same store.)
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np


def bench_report(folder: Path, events: int, rank_events: int | None,
                 reuse: Path | None = None) -> list[tuple]:
    from duijie.api.services.report import all_events_report
    from duijie.api.services.simulated_outcomes import write_simulated_outcomes
    from duijie.graph.sqlite_store import SqliteStore
    from duijie.graph.store import iter_nodes

    built = reuse is not None and reuse.exists()
    store = SqliteStore(reuse or folder / "report.db")
    if not built:  # a --reuse-db path that does not exist yet is built there and kept
        started = time.perf_counter()
        written = write_simulated_outcomes(store, events=events, firms_per_event=10,
                                           meetings_per_firm=5, enterprises=400,
                                           experts=500, needs=500, seed=11)
        print(f"built {written.events} events, {written.meetings} meetings, "
              f"{written.outcomes} outcomes ({written.signed} signed) in "
              f"{time.perf_counter() - started:.0f} s", flush=True)
    started, cpu = time.perf_counter(), time.process_time()
    nodes = sum(1 for kind in ("Meeting", "Outcome") for _ in iter_nodes(store, kind))
    baseline = time.perf_counter() - started
    rows = [("read Meeting + Outcome nodes (baseline)", baseline, 1.0, nodes,
             time.process_time() - cpu)]
    for ranked in (0, rank_events):
        started, cpu = time.perf_counter(), time.process_time()
        report = all_events_report(store, today="2045-01-01", rank_events=ranked)
        took = time.perf_counter() - started
        count = len(report.partner_ranks["events_ranked"])
        rows.append((f"all_events_report, partners ranked for {count} events "
                     f"({len(report.partner_ranks['pairs']):,} pairs)", took,
                     took / baseline, report.firm_sign_rate["n"], time.process_time() - cpu))
        print(f"| {rows[-1][0]} | {took:.2f} | {rows[-1][4]:.2f} | {took / baseline:.1f} | "
              f"{rows[-1][3]:,} |", flush=True)
    store.close()
    return rows[:1]


def bench_protocol(folder: Path, queries: int, per_query: int = 20) -> list[tuple]:
    from sklearn.metrics import ndcg_score

    from duijie.api.services.evaluate import evaluate_affinity

    rng = np.random.default_rng(5)
    labels = rng.choice(6, size=(queries, per_query), p=[.55, .15, .1, .1, .06, .04])
    signal = labels + rng.normal(0, 1.5, labels.shape)
    runs = {"weak": signal + rng.normal(0, 3, labels.shape), "base": signal,
            "better": labels + rng.normal(0, 1.0, labels.shape)}
    with (folder / "labels.jsonl").open("w") as out:
        for q in range(queries):
            for p in range(per_query):
                out.write(json.dumps({"query": f"q{q}", "profile": f"p{p}",
                                      "label": int(labels[q, p])}) + "\n")
    for name, scores in runs.items():
        with (folder / f"{name}.jsonl").open("w") as out:
            for q in range(queries):
                for p in range(per_query):
                    out.write(json.dumps({"query": f"q{q}", "profile": f"p{p}",
                                          "score": round(float(scores[q, p]), 6)}) + "\n")
    started, cpu = time.perf_counter(), time.process_time()
    for scores in runs.values():
        ndcg_score(labels, scores, k=10)
    baseline, baseline_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    result = evaluate_affinity(folder / "labels.jsonl",
                               [folder / f"{name}.jsonl" for name in runs], k=10)
    took = time.perf_counter() - started
    assert result.queries == queries
    return [("sklearn ndcg_score, 3 scorers (baseline)", baseline, 1.0, queries, baseline_cpu),
            ("evaluate_affinity: 4 files, 5 measures × 3 scorers, intervals, paired",
             took, took / baseline, queries, time.process_time() - cpu)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--rank-events", type=int, default=None,
                        help="rank partners for the latest N events (default: every one)")
    parser.add_argument("--reuse-db", type=Path, default=None,
                        help="time the report on this store; built there first (and "
                             "kept for the next run) when the file does not exist")
    parser.add_argument("--skip-protocol", action="store_true")
    args = parser.parse_args()
    # CPU seconds beside wall seconds: on a shared machine the wall time grows with the
    # load, the process's own CPU time much less (the report runs on one core).
    print("| measured | seconds | CPU seconds | × baseline | items |", flush=True)
    print("|---|---:|---:|---:|---:|", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        parts = [] if args.skip_protocol else [lambda: bench_protocol(folder, args.queries)]
        parts.append(lambda: bench_report(folder, args.events, args.rank_events, args.reuse_db))
        for part in parts:
            for name, seconds, ratio, items, cpu in part():
                print(f"| {name} | {seconds:.2f} | {cpu:.2f} | {ratio:.1f} | {items:,} |",
                      flush=True)
            print(f"(load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores)",
                  flush=True)


if __name__ == "__main__":
    main()
