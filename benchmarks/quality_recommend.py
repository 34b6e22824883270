"""Recommendation quality: text-only, graph-only and hybrid on the labelled set, held out.

The labelled set is `evaluation/data/text_quality/` (public research fields and labs as
profiles, need texts written as firms write them, the right profiles as answers, split
into `tune` and `heldout`). It has no graph, so one is built the way the product builds
one for new records, without looking at the answers: every profile document and every
need text is tagged with the topics of the seed vocabulary (`api.services.
seeding.seed_vocabulary`: names, English names, synonyms, keywords) whose words it contains;
profiles get `has_expertise` edges, needs `about_topic` edges, topics keep their
`part_of` hierarchy. Profiles are loaded as experts with their documents into a real
SQLite file and ranked by `shared_recommender(store).recommend(need, "expert")`:

* text-only: weights text 1, graph 0;
* graph-only: weights text 0, graph 1 (PPR from the need and its topics);
* hybrid: the text weight chosen on the tune split (by NDCG@10) from a small grid,
  then reported on the held-out split, beside the shipped config's weight;
* rank_bm25 (`BM25Okapi`) over the same tokens, profile documents concatenated.

    python benchmarks/quality_recommend.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from duijie.api.services.recommendations import shared_recommender
from duijie.api.services.seeding import seed_vocabulary
from duijie.evaluation.metrics import METRICS
from duijie.graph.generate import topic_terms
from duijie.graph.model import Edge, Node, Provenance
from duijie.graph.sqlite_store import SqliteStore
from duijie.matcher.recommend import default_config
from duijie.matcher.recommender import Recommender
from duijie.matcher.tokenize import TextTokenizer

DATA = Path(__file__).resolve().parents[1] / "evaluation" / "data" / "text_quality"
PROV = [Provenance(source="evaluation:text_quality")]
COLUMNS = (("P@1", "precision", 1), ("P@5", "precision", 5), ("NDCG@10", "ndcg", 10),
           ("MRR", "mrr", 10))


def read(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def tagger():
    nodes, edges = seed_vocabulary()
    terms = topic_terms(nodes, edges)
    words = {t.id: [w.lower() for w in (t.name, t.name_en, *t.synonyms, *t.keywords) if w]
             for t in terms}

    def tag(text: str) -> list[str]:
        low = text.lower()
        return [tid for tid, ws in words.items() if any(w in low for w in ws)]

    vocab_nodes = [n for n in nodes if n.kind == "Topic"]
    vocab_edges = [e for e in edges if e.kind == "part_of" and e.src.startswith("topic:")]
    return tag, vocab_nodes, vocab_edges


def build_store(path: Path, profiles: list[dict], queries: list[dict]) -> dict[str, int]:
    tag, vocab_nodes, vocab_edges = tagger()
    store = SqliteStore(path)
    tagged = {"profiles": 0, "needs": 0}
    with store.batch() as batch:
        for node in vocab_nodes:
            batch.upsert_node(node)
        for edge in vocab_edges:
            batch.upsert_edge(edge)
        for p in profiles:
            pid = f"exp:{p['id']}"
            batch.upsert_node(Node(pid, "Expert", {"name": p["id"], "docs": [
                {"id": d["id"], "text": d["text"]} for d in p["docs"]]}, provenance=PROV))
            topics = {t for d in p["docs"] for t in tag(d["text"])}
            tagged["profiles"] += bool(topics)
            for t in topics:
                batch.upsert_edge(Edge(pid, "has_expertise", t, provenance=PROV))
        for q in queries:
            nid = f"need:{q['id']}"
            batch.upsert_node(Node(nid, "Need", {"title": q["text"][:300], "text": q["text"]},
                                   provenance=PROV))
            topics = tag(q["text"])
            tagged["needs"] += bool(topics)
            for t in topics:
                batch.upsert_edge(Edge(nid, "about_topic", t, provenance=PROV))
    store.close()
    return tagged


def score(runs: list[tuple[set, list]]) -> dict[str, float]:
    return {name: sum(METRICS[metric](rel, ranked, k) for rel, ranked in runs) / len(runs)
            for name, metric, k in COLUMNS}


def rank_all(rec: Recommender, queries: list[dict], weights: dict[str, float]
             ) -> list[tuple[set, list]]:
    rec.config.weights["Expert"] = weights
    runs = []
    for q in queries:
        result = rec.recommend(f"need:{q['id']}", "expert", k=10)
        runs.append(({f"exp:{r}" for r in q["relevant"]}, [i.id for i in result.items]))
    return runs


def bm25_runs(profiles: list[dict], queries: list[dict]) -> list[tuple[set, list]]:
    from rank_bm25 import BM25Okapi

    tok = TextTokenizer()
    ids = [f"exp:{p['id']}" for p in profiles]
    bm25 = BM25Okapi([tok(" ".join(d["text"] for d in p["docs"])) for p in profiles])
    runs = []
    for q in queries:
        scores = bm25.get_scores(tok(q["text"]))
        order = sorted(range(len(ids)), key=lambda i: (-scores[i], i))[:10]
        runs.append(({f"exp:{r}" for r in q["relevant"]}, [ids[i] for i in order]))
    return runs


def main() -> None:
    profiles, queries = read("profiles.jsonl"), read("queries.jsonl")
    tune = [q for q in queries if q["split"] == "tune"]
    held = [q for q in queries if q["split"] == "heldout"]
    with tempfile.TemporaryDirectory() as tmp:
        tagged = build_store(Path(tmp) / "quality.db", profiles, queries)
        store = SqliteStore(Path(tmp) / "quality.db")
        rec = shared_recommender(store, today=date(2026, 1, 1)).current()
        shipped = dict(default_config().weights["Expert"])
        grid = [round(0.1 * i, 1) for i in range(1, 10)]
        tuned = {w: score(rank_all(rec, tune, {"text": w, "graph": round(1 - w, 1)}))
                 for w in grid}
        best = max(grid, key=lambda w: (tuned[w]["NDCG@10"], w))
        rows = [
            ("text only", {"text": 1.0, "graph": 0.0}),
            ("graph only (PPR)", {"text": 0.0, "graph": 1.0}),
            (f"hybrid, shipped (text {shipped['text']})", shipped),
            (f"hybrid, tuned on tune (text {best})", {"text": best,
                                                     "graph": round(1 - best, 1)}),
        ]
        print(f"labelled set: {len(profiles)} profiles, {len(queries)} needs "
              f"({len(tune)} tune, {len(held)} held out); topics tagged on "
              f"{tagged['profiles']}/{len(profiles)} profiles and "
              f"{tagged['needs']}/{len(queries)} needs")
        print("\ntext weight on the tune split (NDCG@10): " + ", ".join(
            f"{w}: {tuned[w]['NDCG@10']:.3f}" for w in grid))
        for split, qs in (("tune", tune), ("held out", held)):
            print(f"\n{split} ({len(qs)} needs)")
            print(f"{'system':<38}" + "".join(f"{c:>9}" for c, _, _ in COLUMNS))
            for name, weights in rows:
                s = score(rank_all(rec, qs, dict(weights)))
                print(f"{name:<38}" + "".join(f"{s[c]:>9.3f}" for c, _, _ in COLUMNS))
            s = score(bm25_runs(profiles, qs))
            print(f"{'rank_bm25 BM25Okapi (same tokens)':<38}"
                  + "".join(f"{s[c]:>9.3f}" for c, _, _ in COLUMNS))
        store.close()


if __name__ == "__main__":
    main()
