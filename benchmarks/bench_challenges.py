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
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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


def timed(fn):
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=100_000)
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
