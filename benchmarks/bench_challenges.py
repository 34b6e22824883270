"""Challenge lists at scale: condensing 100,000 needs into themes (target < 2 min), beside
a named baseline measured in the same run: turning the same needs into TF-IDF vectors
over the matcher's tokens (`matcher.challenges.vectorise`), which every clustering must
do first. The needs are generated from the seed's topics (`graph.generate.need_text`).

Run: python benchmarks/bench_challenges.py [--needs 100000]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import timed

from duijie.api.services.seeding import load_seed
from duijie.graph import open_store
from duijie.graph.generate import need_text, topic_terms
from duijie.graph.store import iter_edges, iter_nodes
from duijie.matcher.challenges import condense, vectorise

NEED_TYPES = ("technology",) * 6 + ("talent", "financing", "policy", "problem")


def needs(n: int) -> dict[str, str]:
    store = open_store(":memory:")
    load_seed(store)
    terms = topic_terms(iter_nodes(store, "Topic"), iter_edges(store, "part_of"))
    rng = random.Random(7)
    out = {}
    for i in range(n):
        title, text, _ = need_text(rng, rng.choice(terms), rng.choice(NEED_TYPES))
        out[f"need:b{i:06d}"] = f"{title} {text}"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=100_000)
    parser.add_argument("--listing", type=int, default=0, metavar="N",
                        help="also store N needs in SQLite and time a run, then a listing "
                             "read from the stored themes, beside reading the needs alone")
    args = parser.parse_args()
    if args.listing:
        listing(args.listing)
    texts = needs(args.needs)
    _, base_wall, base_cpu = timed(lambda: vectorise(list(texts.values())))
    result, wall, cpu = timed(lambda: condense(texts))
    print(f"needs: {args.needs:,}")
    print(f"baseline  vectorise (TF-IDF over the matcher's tokens): {base_wall:7.1f} s wall "
          f"{base_cpu:7.1f} s CPU")
    print(f"condense  themes (k by silhouette): {wall:7.1f} s wall {cpu:7.1f} s CPU "
          f"({wall / base_wall:.1f}× the baseline; target < 120 s)")
    print(f"themes: {len(result.themes)}, k = {result.k}, silhouette {result.silhouette}, "
          f"k tried: {len(result.tried)}")


def listing(n: int) -> None:
    """A run that stores the themes, then a listing read from them (what every page view
    costs now), beside reading the needs alone (which every listing must do)."""
    import tempfile

    from duijie.api.services.challenges import challenge_lists, recompute_challenges
    from duijie.api.services.needs import visible_needs
    from duijie.graph.model import Edge, Node
    from duijie.graph.sqlite_store import SqliteStore
    from duijie.graph.store import WriteBatch

    with tempfile.TemporaryDirectory() as folder:
        store = SqliteStore(Path(folder) / "bench.db")
        batch = WriteBatch()
        for i, (need_id, text) in enumerate(needs(n).items()):
            firm = f"ent:b{i % max(1, n // 5):06d}"
            batch.upsert_node(Node(firm, "Enterprise", {"name": f"企业{firm[5:]}"}))
            batch.upsert_node(Node(need_id, "Need", {"title": text[:60], "text": text}))
            batch.upsert_edge(Edge(firm, "submitted", need_id))
        store.apply(batch)
        run, run_wall, run_cpu = timed(lambda: recompute_challenges(store))
        _, read_wall, read_cpu = timed(lambda: visible_needs(store))
        shown, list_wall, list_cpu = timed(lambda: challenge_lists(store, suppliers=0))
        store.close()
    print(f"stored needs: {n:,}; run (cluster and store {run.themes} themes): "
          f"{run_wall:.1f} s wall {run_cpu:.1f} s CPU")
    print(f"baseline  reading the needs alone: {read_wall:.2f} s wall {read_cpu:.2f} s CPU")
    print(f"listing   read from the stored themes: {list_wall:.2f} s wall {list_cpu:.2f} s CPU"
          f" ({list_wall / read_wall:.1f}× the baseline; {shown.count} themes)")


if __name__ == "__main__":
    main()
