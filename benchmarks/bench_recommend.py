"""A whole `recommend` call (text + graph + rules + explanation) on a generated graph.

Loads `graph.generate.generate_graph` output (plus a few programmes with rules) into a
real SQLite file, builds the store's shared recommender once, then times `recommend`
for random needs and kinds on one thread (each call checks the store's version, as
every caller does). Then: a need written to the store and recommended for at once
(the recommender grows a copy: no refit), and a full rebuild after another writer.
Beside it, in the same run: the text part alone
(`TextAffinity.kneighbors`), the graph part alone (PPR on the cached matrix), and the
shortcut the issue warns about, a personalised `networkx.pagerank` on the store's
projection per request (a few calls only).

    python benchmarks/bench_recommend.py [--experts 20000] [--queries 60] [--semantic]

With ``--semantic`` (needs ``duijie[semantic]``), the same graph with stored embeddings:
encoding throughput of the real encoder on a sample of the candidates' document texts
(and the time it would take for all of them, extrapolated), then every distinct text gets a
random unit vector (timing does not depend on the values; encoding all of them here would
take most of an hour), written as the store's embeddings file, and `recommend` is timed
again with the meaning component: for stored needs (their stored vectors, no encoding) and
for typed-in texts (the query encoded by the real encoder inside the call).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # "on one core"
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from duijie.api.services.recommendations import shared_recommender
from duijie.api.services.seeding import seed_vocabulary
from duijie.graph.generate import generate_graph
from duijie.graph.model import Edge, Node, Provenance
from duijie.graph.sqlite_store import SqliteStore
from duijie.matcher.recommend import seed_weights

PROGRAMMES = [
    ("省重点研发计划", ["浙江"], [{"field": "rd_ratio_pct", "op": ">=", "value": 3}]),
    ("专精特新中小企业", [], [{"field": "employees", "op": "<", "value": 1000}]),
    ("首台套保险补偿", ["山东"], [{"field": "revenue_wan", "op": ">=", "value": 2000}]),
    ("陕西省科技计划", ["陕西"], []),
]


def load(store: SqliteStore, args: argparse.Namespace) -> dict[str, int]:
    records = generate_graph(n_enterprises=args.enterprises, n_experts=args.experts,
                             n_institutes=args.institutes, n_needs=args.needs, seed=3,
                             vocabulary=seed_vocabulary())
    counts = {"nodes": 0, "edges": 0}
    topics = []
    batch_nodes, batch_edges = [], []

    def flush() -> None:
        with store.batch() as batch:
            for node in batch_nodes:
                batch.upsert_node(node)
            for edge in batch_edges:
                batch.upsert_edge(edge)
        batch_nodes.clear()
        batch_edges.clear()

    for record in records:
        if isinstance(record, Node):
            batch_nodes.append(record)
            counts["nodes"] += 1
            if record.kind == "Topic":
                topics.append(record.id)
        else:
            batch_edges.append(record)
            counts["edges"] += 1
        if len(batch_nodes) + len(batch_edges) >= 20_000:
            flush()
    prov = [Provenance(source="generated")]
    rng = random.Random(5)
    for i, (name, regions, rules) in enumerate(PROGRAMMES):
        pid = f"prog:bench-{i}"
        batch_nodes.append(Node(pid, "Programme", {
            "name": name, "regions": regions, "rules": rules, "deadline": "2030-12-31",
            "required_flags": ["高新技术企业"] if i == 0 else [],
            "description": f"{name}：支持关键技术攻关与成果转化", "illustrative": True}, [],
            prov))
        for topic in rng.sample(topics, 5):
            batch_edges.append(Edge(pid, "about_topic", topic, provenance=prov))
    flush()
    return counts


def pct(times: list[float], q: float) -> float:
    return float(np.percentile(times, q)) * 1000


def semantic_part(store: SqliteStore, shared, asks: list, args: argparse.Namespace,
                  tmp: Path) -> None:
    """Encoding throughput, the embeddings file, and recommend with meaning (see module)."""
    from duijie.api.services.embeddings import candidate_texts, use_embeddings, write_cache
    from duijie.matcher.semantic import MODEL, EmbeddingCache, load_encoder

    t = time.perf_counter()
    encode = load_encoder()
    load_model_s = time.perf_counter() - t
    n_profiles, texts = candidate_texts(store)
    distinct = list(dict.fromkeys(texts))
    sample = random.Random(7).sample(distinct, min(args.encode_sample, len(distinct)))
    t = time.perf_counter()
    for start in range(0, len(sample), 128):
        encode(sample[start:start + 128])
    encode_s = time.perf_counter() - t
    rate = len(sample) / encode_s
    print(f"\nencoder loaded in {load_model_s:.1f} s; {len(sample)} document texts encoded "
          f"in {encode_s:.1f} s: {rate:.0f} texts/s (batches of 128, one BLAS thread); "
          f"all {len(distinct):,} distinct texts of {n_profiles:,} profiles would take "
          f"{len(distinct) / rate / 60:.0f} min (extrapolated)")
    cache = EmbeddingCache(MODEL)
    vectors = np.random.default_rng(0).standard_normal((len(distinct), 512)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    cache.by_key = {cache.key(text): v for text, v in zip(distinct, vectors, strict=True)}
    path = tmp / "bench.db.embeddings.npz"
    t = time.perf_counter()
    write_cache(cache, path)
    write_s = time.perf_counter() - t
    del cache, vectors
    use_embeddings(store, path)
    t = time.perf_counter()
    rec = shared.current()
    read_s = time.perf_counter() - t
    assert rec.semantic is not None
    print(f"embeddings file: {path.stat().st_size / 1e6:.0f} MB, written in {write_s:.1f} s, "
          f"read into the recommender in {read_s:.1f} s")
    stored, typed, per_kind = [], [], {"expert": [], "institute": [], "programme": []}
    for need, kind in asks:
        t = time.perf_counter()
        result = shared.recommend(need, kind, k=args.k)
        dt = time.perf_counter() - t
        stored.append(dt)
        per_kind[kind].append(dt)
        assert result.items or result.reason
    for need, _ in asks[: args.queries // 3]:
        props = rec.props[need]
        text = "\n".join(filter(None, [props.get("title"), props.get("text")]))
        t = time.perf_counter()
        shared.recommend(text=text, kind="expert", k=args.k)
        typed.append(time.perf_counter() - t)
    print(f"\n{'with meaning (stored embeddings)':<52}{'calls':>6}{'p50 ms':>9}{'p95 ms':>9}")
    rows = [("recommend(), stored needs, all kinds", stored)]
    rows += [(f"recommend(), stored needs, kind={kind}", ts) for kind, ts in per_kind.items()]
    rows += [("recommend(text=...), query encoded, experts", typed)]
    for name, ts in rows:
        print(f"{name:<52}{len(ts):>6}{pct(ts, 50):>9.1f}{pct(ts, 95):>9.1f}")
    print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experts", type=int, default=20_000)
    parser.add_argument("--institutes", type=int, default=1_000)
    parser.add_argument("--enterprises", type=int, default=5_000)
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--semantic", action="store_true",
                        help="also time recommend with stored embeddings (duijie[semantic])")
    parser.add_argument("--encode-sample", type=int, default=1000,
                        help="document texts the real encoder encodes for its throughput")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "bench.db")
        t = time.perf_counter()
        counts = load(store, args)
        load_s = time.perf_counter() - t
        t = time.perf_counter()
        shared = shared_recommender(store, today=date(2026, 1, 1))
        rec = shared.current()
        build_s = time.perf_counter() - t
        print(f"generated graph: {counts['nodes']:,} nodes, {counts['edges']:,} edges "
              f"({args.experts:,} experts, {args.institutes:,} institutes, "
              f"{args.enterprises:,} firms, {args.needs:,} needs); loaded into SQLite in "
              f"{load_s:.1f} s; recommender built once in {build_s:.1f} s")
        rng = random.Random(11)
        needs = [n for n, k in rec.kind_of.items() if k == "Need"]
        asks = [(rng.choice(needs), kind) for kind in ("expert", "institute", "programme")
                for _ in range(args.queries // 3)]
        shared.recommend(asks[0][0], "expert", k=args.k)  # warm caches (first CG matrix)
        whole, per_kind = [], {"expert": [], "institute": [], "programme": []}
        for need, kind in asks:
            t = time.perf_counter()
            result = shared.recommend(need, kind, k=args.k)
            dt = time.perf_counter() - t
            whole.append(dt)
            per_kind[kind].append(dt)
            assert result.items or result.reason
        text_t, graph_t = [], []
        for need, _ in asks[: args.queries // 3]:
            props = rec.props[need]
            query = "\n".join(filter(None, [props.get("title"), props.get("text")]))
            t = time.perf_counter()
            rec.text["Expert"].kneighbors([query], k=rec.config.text_pool)
            text_t.append(time.perf_counter() - t)
            seeds = seed_weights({"need": [need], "enterprise": [rec.firm_of(need)]},
                                 rec.config.seed_weights)
            t = time.perf_counter()
            rec.index.pagerank_vector(seeds, method=rec.config.method)
            graph_t.append(time.perf_counter() - t)
        added_t = []
        prov = [Provenance(source="generated")]
        for i in range(5):
            firm = rec.firm_of(rng.choice(needs))
            topic = next(n for n, k in rec.kind_of.items() if k == "Topic")
            need = f"need:bench-new-{i}"
            with store.batch() as batch:
                batch.upsert_node(Node(need, "Need", {"title": f"新需求{i}：红外探测器读出电路降噪",
                                                      "text": "降低噪声，提升灵敏度"}, [], prov))
                batch.upsert_edge(Edge(firm, "submitted", need, provenance=prov))
                batch.upsert_edge(Edge(need, "about_topic", topic, provenance=prov))
            t = time.perf_counter()
            assert shared.recommend(need, "expert", k=args.k).items
            added_t.append(time.perf_counter() - t)
        assert shared.base.full_builds == 1, "a new need must not rebuild"
        t = time.perf_counter()
        shared.refresh()
        rebuild_s = time.perf_counter() - t
        und = nx.Graph(store.projection())
        nx_t = []
        for need, _ in asks[:2]:
            seeds = {need: 1.0, rec.firm_of(need): 1.0}
            t = time.perf_counter()
            nx.pagerank(und, personalization=seeds)
            nx_t.append(time.perf_counter() - t)
        print()
        print(f"{'part':<52}{'calls':>6}{'p50 ms':>9}{'p95 ms':>9}")
        rows = [("recommend(), whole call (all kinds)", whole)]
        rows += [(f"recommend(), kind={kind}", ts) for kind, ts in per_kind.items()]
        rows += [("write a need, then recommend for it (grown copy)", added_t)]
        rows += [("  text only: kneighbors over experts", text_t),
                 ("  graph only: PPR on the cached matrix", graph_t),
                 ("  baseline: networkx.pagerank per request", nx_t)]
        for name, ts in rows:
            print(f"{name:<52}{len(ts):>6}{pct(ts, 50):>9.1f}{pct(ts, 95):>9.1f}")
        print(f"\nfull rebuild (another process wrote): {rebuild_s:.1f} s")
        print(f"networkx.pagerank alone / whole recommend (p50): "
              f"{statistics.median(nx_t) / statistics.median(whole):.0f}×")
        print("target: whole recommend p50 ≤ 50 ms on one core")
        if args.semantic:
            semantic_part(store, shared, asks, args, Path(tmp))
        print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        store.close()


if __name__ == "__main__":
    main()
