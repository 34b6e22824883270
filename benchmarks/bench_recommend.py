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
        [--db /tmp/bench200k.db] [--baselines] [--no-rebuild] [--generate-only]

``--db`` keeps the generated graph in that SQLite file and reuses it on the next run
(generating and loading 200,000 experts takes minutes; ``--generate-only`` stops there, to
prepare the file ahead of a timed run). A run leaves a reused file as it found it: the needs
it writes are deleted again, and the store's counts per kind are compared before and after
(a difference stops the run with an error). ``--baselines`` also times bm25s'
and rank_bm25's top 10 over the same expert profile texts (words + bigrams from the
vocabulary segmenter's batch path), beside the whole call.

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
from functools import partial
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


def load(store: SqliteStore, args: argparse.Namespace) -> None:
    """The generated graph and the programmes of `PROGRAMMES` into `store`."""
    records = generate_graph(n_enterprises=args.enterprises, n_experts=args.experts,
                             n_institutes=args.institutes, n_needs=args.needs, seed=3,
                             vocabulary=seed_vocabulary())
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
            if record.kind == "Topic":
                topics.append(record.id)
        else:
            batch_edges.append(record)
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


def check_unchanged(store: SqliteStore, before: dict) -> None:
    """Stop with an error naming the kinds whose counts a run changed in a reused file.

    Compares `SqliteStore.counts()` (per node and edge kind) with `before`."""
    after = store.counts()
    changed = [f"{part} {kind}: {before[part].get(kind, 0):,} → {after[part].get(kind, 0):,}"
               for part in ("nodes", "edges")
               for kind in sorted(set(before[part]) | set(after[part]))
               if before[part].get(kind, 0) != after[part].get(kind, 0)]
    if changed:
        raise SystemExit(f"error: this run changed the graph file {store.path}: "
                         + "; ".join(changed))


NEW_NEEDS = [f"need:bench-new-{i}" for i in range(5)]
"""The needs a run writes (and deletes again) to time recommending for a new one."""


def pct(times: list[float], q: float) -> float:
    return float(np.percentile(times, q)) * 1000


def lexical_baselines(rec, queries: list[str], k: int, rank_bm25_queries: int) -> list:
    """bm25s and rank_bm25 over the expert profiles the recommender indexes (each profile's
    documents as one text), top `k` per query: build time and per-query times."""
    import bm25s
    from rank_bm25 import BM25Okapi

    from duijie.matcher.batch_tokenize import count_texts
    from duijie.matcher.tokenize import TextTokenizer

    model = rec.text["Expert"]
    ids = model.profile_ids_
    texts = ["\n".join(d["text"] for d in rec.profile(pid)["docs"]) for pid in ids]
    tokenizer = TextTokenizer(segmenter="vocabulary")
    t = time.perf_counter()
    vocab, term_ids, indptr = count_texts(tokenizer, texts)
    terms = list(vocab)
    cut = np.frombuffer(indptr, dtype=np.int64)
    tokens = [list(map(terms.__getitem__, term_ids[cut[i]:cut[i + 1]])) for i in range(len(ids))]
    tokenise_s = time.perf_counter() - t
    del texts, term_ids
    t = time.perf_counter()
    bm = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
    bm.index(tokens, show_progress=False)
    bm_build = time.perf_counter() - t
    bm_t = []
    for query in queries:
        t = time.perf_counter()
        bm.retrieve([tokenizer(query)], k=k, show_progress=False, n_threads=1)
        bm_t.append(time.perf_counter() - t)
    t = time.perf_counter()
    rb = BM25Okapi(tokens, k1=1.2, b=0.75)
    rb_build = time.perf_counter() - t
    del tokens
    rb_t = []
    for query in queries[:rank_bm25_queries]:
        t = time.perf_counter()
        scores = rb.get_scores(tokenizer(query))
        np.argpartition(-scores, k)[:k]
        rb_t.append(time.perf_counter() - t)
    print(f"\nbaselines over the same {len(ids):,} expert profiles: tokenising {tokenise_s:.1f} s "
          f"(vocabulary words + bigrams), bm25s index {bm_build:.1f} s, rank_bm25 index "
          f"{rb_build:.1f} s")
    return [("  bm25s.retrieve top 10 (query tokenised in the call)", bm_t),
            (f"  rank_bm25 get_scores top 10 ({len(rb_t)} queries: slow)", rb_t)]


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
    stored, stored_cpu, results = timed_calls(
        [partial(shared.recommend, need, kind, k=args.k) for need, kind in asks])
    assert all(r.items or r.reason for r in results)
    per_kind: dict[str, tuple[list, list]] = {}
    for (_, kind), w, c in zip(asks, stored, stored_cpu, strict=True):
        per_kind.setdefault(kind, ([], []))[0].append(w)
        per_kind[kind][1].append(c)
    texts = []
    for need, _ in asks[: args.queries // 3]:
        props = rec.props[need]
        texts.append("\n".join(filter(None, [props.get("title"), props.get("text")])))
    typed, typed_cpu, _ = timed_calls(
        [partial(shared.recommend, text=text, kind="expert", k=args.k) for text in texts])
    print(f"\n{'with meaning (stored embeddings)':<52}{'calls':>6}{'p50 ms':>9}{'p95 ms':>9}"
          f"{'CPU p50':>9}{'CPU p95':>9}")
    rows = [("recommend(), stored needs, all kinds", stored, stored_cpu)]
    rows += [(f"recommend(), stored needs, kind={kind}", w, c)
             for kind, (w, c) in per_kind.items()]
    rows += [("recommend(text=...), query encoded, experts", typed, typed_cpu)]
    for name, ts, cpu in rows:
        print(f"{name:<52}{len(ts):>6}{pct(ts, 50):>9.1f}{pct(ts, 95):>9.1f}"
              f"{pct(cpu, 50):>9.1f}{pct(cpu, 95):>9.1f}")
    print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def timed_calls(calls) -> tuple[list[float], list[float], list]:
    """Wall and CPU time (this thread) of each call, and what each returned."""
    wall, cpu, out = [], [], []
    for call in calls:
        t, c = time.perf_counter(), time.thread_time()
        out.append(call())
        cpu.append(time.thread_time() - c)
        wall.append(time.perf_counter() - t)
    return wall, cpu, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experts", type=int, default=20_000)
    parser.add_argument("--institutes", type=int, default=1_000)
    parser.add_argument("--enterprises", type=int, default=5_000)
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--db", type=Path, default=None,
                        help="keep the generated graph in this SQLite file and reuse it")
    parser.add_argument("--baselines", action="store_true",
                        help="also time bm25s and rank_bm25 over the same expert profiles")
    parser.add_argument("--rank-bm25-queries", type=int, default=3)
    parser.add_argument("--semantic", action="store_true",
                        help="also time recommend with stored embeddings (duijie[semantic])")
    parser.add_argument("--encode-sample", type=int, default=1000,
                        help="document texts the real encoder encodes for its throughput")
    parser.add_argument("--no-rebuild", action="store_true",
                        help="skip timing a full rebuild (as long as the first build)")
    parser.add_argument("--generate-only", action="store_true",
                        help="only generate the graph into --db (to reuse in a timed run)")
    args = parser.parse_args()
    if args.generate_only and args.db is None:
        parser.error("--generate-only needs --db (where to keep the generated graph)")
    print(f"load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.db"
        reused = path.exists()
        store = SqliteStore(path)
        t = time.perf_counter()
        if not reused:
            load(store, args)
        load_s = time.perf_counter() - t
        left = store.get_nodes(NEW_NEEDS)  # by a run stopped before its clean-up
        if left:
            with store.batch() as batch:
                for need in left:
                    batch.delete_node(need)
            print(f"deleted {len(left)} needs an interrupted run left in {path}")
        before = store.counts()  # what the store holds, programmes included
        counts = {part: sum(before[part].values()) for part in ("nodes", "edges")}
        if args.generate_only:
            print(f"generated graph: {counts['nodes']:,} nodes, {counts['edges']:,} edges in "
                  f"{path} ({'already there' if reused else f'{load_s:.1f} s'})")
            store.close()
            return
        t, c = time.perf_counter(), time.process_time()
        shared = shared_recommender(store, today=date(2026, 1, 1))
        rec = shared.current()
        build_s, build_cpu = time.perf_counter() - t, time.process_time() - c
        print(f"generated graph: {counts['nodes']:,} nodes, {counts['edges']:,} edges "
              f"({sum(1 for k in rec.kind_of.values() if k == 'Expert'):,} experts); "
              + (f"reused {path}" if reused else f"loaded into SQLite in {load_s:.1f} s")
              + f"; recommender built once in {build_s:.1f} s ({build_cpu:.1f} CPU s)",
              flush=True)
        rng = random.Random(11)
        needs = [n for n, k in rec.kind_of.items() if k == "Need"]
        asks = [(rng.choice(needs), kind) for kind in ("expert", "institute", "programme")
                for _ in range(args.queries // 3)]
        shared.recommend(asks[0][0], "expert", k=args.k)  # warm caches (first CG matrix)
        whole, whole_cpu, results = timed_calls(
            [partial(shared.recommend, need, kind, k=args.k) for need, kind in asks])
        assert all(r.items or r.reason for r in results)
        per_kind: dict[str, tuple[list, list]] = {}
        for (_, kind), w, c in zip(asks, whole, whole_cpu, strict=True):
            per_kind.setdefault(kind, ([], []))[0].append(w)
            per_kind[kind][1].append(c)
        queries = [rec.need_query(need) for need, _ in asks[: args.queries // 3]]  # as ranked
        text_t, text_c, _ = timed_calls(
            [partial(rec.text["Expert"].kneighbors, [q], k=rec.config.text_pool)
             for q in queries])
        graph_calls = []
        for need, _ in asks[: args.queries // 3]:
            seeds = seed_weights({"need": [need], "enterprise": [rec.firm_of(need)]},
                                 rec.config.seed_weights)
            graph_calls.append(partial(rec.index.pagerank_vector, seeds,
                                       method=rec.config.method))
        graph_t, graph_c, _ = timed_calls(graph_calls)
        added_t = []
        prov = [Provenance(source="generated")]
        for i in range(5):
            firm = rec.firm_of(rng.choice(needs))
            topic = next(n for n, k in rec.kind_of.items() if k == "Topic")
            need = NEW_NEEDS[i]
            with store.batch() as batch:
                batch.upsert_node(Node(need, "Need", {"title": f"新需求{i}：红外探测器读出电路降噪",
                                                      "text": "降低噪声，提升灵敏度"}, [], prov))
                batch.upsert_edge(Edge(firm, "submitted", need, provenance=prov))
                batch.upsert_edge(Edge(need, "about_topic", topic, provenance=prov))
            t = time.perf_counter()
            assert shared.recommend(need, "expert", k=args.k).items
            added_t.append(time.perf_counter() - t)
        assert shared.base.full_builds == 1, "a new need must not rebuild"
        with store.batch() as batch:  # a reused file stays as generated (rebuilt below)
            for need in NEW_NEEDS:
                batch.delete_node(need)  # and its edges
        check_unchanged(store, before)
        baseline_rows = (lexical_baselines(rec, queries, args.k, args.rank_bm25_queries)
                         if args.baselines else [])
        rebuild_s = None
        if not args.no_rebuild:
            t = time.perf_counter()
            shared.refresh()
            rebuild_s = time.perf_counter() - t
            rec = shared.current()
        und = nx.Graph(store.projection())
        nx_t = []
        for need, _ in asks[:2]:
            seeds = {need: 1.0, rec.firm_of(need): 1.0}
            t = time.perf_counter()
            nx.pagerank(und, personalization=seeds)
            nx_t.append(time.perf_counter() - t)
        del und
        print()
        print(f"{'part':<56}{'calls':>6}{'p50 ms':>9}{'p95 ms':>9}{'CPU p50':>9}{'CPU p95':>9}")
        rows = [("recommend(), whole call (all kinds)", whole, whole_cpu)]
        rows += [(f"recommend(), kind={kind}", w, c) for kind, (w, c) in per_kind.items()]
        rows += [("write a need, then recommend for it (grown copy)", added_t, None)]
        rows += [("  text only: kneighbors over experts", text_t, text_c),
                 ("  graph only: PPR on the cached matrix", graph_t, graph_c)]
        rows += [(name, ts, None) for name, ts in baseline_rows]
        rows += [("  baseline: networkx.pagerank per request", nx_t, None)]
        for name, ts, cpu in rows:
            cpu_cols = f"{pct(cpu, 50):>9.1f}{pct(cpu, 95):>9.1f}" if cpu else ""
            print(f"{name:<56}{len(ts):>6}{pct(ts, 50):>9.1f}{pct(ts, 95):>9.1f}{cpu_cols}")
        if rebuild_s is not None:
            print(f"\nfull rebuild (another process wrote): {rebuild_s:.1f} s")
        print(f"networkx.pagerank alone / whole recommend (p50): "
              f"{statistics.median(nx_t) / statistics.median(whole):.0f}×")
        print(f"target: whole recommend p50 ≤ 50 ms: wall {pct(whole, 50):.1f} ms "
              f"({pct(whole, 50) / 50:.1f}× the target), CPU {pct(whole_cpu, 50):.1f} ms "
              f"({pct(whole_cpu, 50) / 50:.1f}×)")
        print(f"load average after the lexical part: {os.getloadavg()[0]:.1f}", flush=True)
        if args.semantic:
            semantic_part(store, shared, asks, args, Path(tmp))
        print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        check_unchanged(store, before)
        print(f"the graph file is as before the run: {counts['nodes']:,} nodes, "
              f"{counts['edges']:,} edges")
        store.close()


if __name__ == "__main__":
    main()
