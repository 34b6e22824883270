"""Text affinity at scale: TextAffinity beside bm25s, rank_bm25 and scikit-learn, same run.

Generates expert profiles with Chinese technical text (2-5 documents each: projects, papers,
patents, awards) and need texts, then measures, all on this machine in this run:

* tokenisation (jieba + n-grams; shared by every system, done once);
* index build from tokens: TextAffinity, bm25s, scikit-learn `TfidfVectorizer.fit`, rank_bm25;
* index memory (the arrays) and the process's peak RSS;
* top-10 single-query latency p50/p95 (tokenising the query included), batched queries/s
  on 2 processes, adding one profile;
* ranking agreement with bm25s (overlap of the top 10) and quality on the generated truth
  (a need is written from one field; experts whose main field it is are relevant).

rank_bm25 scores every document in Python, so it runs on a subsample of queries (said in
the table). The corpus comes from `graph.generate` when the seed vocabulary is there, else
from the small generator below.

    python benchmarks/bench_text.py --quick          # 20,000 profiles
    python benchmarks/bench_text.py                  # 200,000 profiles
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluation.metrics import mean_metrics
from matcher.text import TextAffinity
from matcher.tokenize import project_terms

KEYWORDS = ("结构设计", "可靠性", "使用寿命", "加工精度", "一致性", "表面处理", "热处理",
            "疲劳寿命", "失效机理", "仿真建模", "在线检测", "工艺参数", "控制算法", "噪声",
            "振动", "能耗", "良率", "封装", "散热", "密封", "耐腐蚀", "轻量化", "标定",
            "信号处理", "故障诊断", "寿命预测", "界面结合", "成型工艺", "微观组织", "性能测试")
FUNDERS = ("国家自然科学基金面上项目", "国家重点研发计划课题", "省重点研发计划项目",
           "企业委托横向项目", "省自然科学基金重点项目", "产学研合作项目")
PROBLEMS = ("精度不足", "稳定性差", "成本偏高", "长期依赖进口", "生产效率低", "批次一致性差",
            "使用寿命短", "能耗偏高")
METHODS = ("多物理场耦合仿真", "机器学习", "有限元分析", "正交试验设计", "数字孪生", "拓扑优化",
           "自适应控制", "在线监测与闭环反馈", "微观组织调控", "高通量实验筛选")
NEED_OPENINGS = ("公司主营相关产品，", "我们是一家专精特新企业，", "企业成立于2008年，",
                 "本公司为高新技术企业，", "")
GOALS = ("形成可量产的工艺方案", "实现关键部件国产化", "通过客户认证并批量供货",
         "建立企业内部测试标准")


def own_corpus(n_profiles: int, n_queries: int, seed: int = 0):
    """Profiles and needs from the project vocabulary; fields follow a Zipf-like law."""
    rng = random.Random(seed)
    fields = list(project_terms())
    weights = [1.0 / (i + 1) ** 0.6 for i in range(len(fields))]
    rng.shuffle(fields)
    keywords = {f: rng.sample(KEYWORDS, 6) + rng.sample(fields, 2) for f in fields}

    def doc(field: str, j: int) -> dict:
        kw1, kw2 = rng.sample(keywords[field], 2)
        kind = rng.random()
        if kind < 0.45:
            text = (f"主持{rng.choice(FUNDERS)}“{field}{kw1}与{kw2}关键技术研究”。针对{field}中"
                    f"{kw1}{rng.choice(PROBLEMS)}的问题，提出基于{rng.choice(METHODS)}的{kw2}"
                    f"方法，相关指标提升{rng.randint(8, 60)}%，"
                    f"已在{rng.randint(2, 30)}家企业应用。")
        elif kind < 0.7:
            text = (f"论文：{kw1}对{field}{kw2}的影响机理研究。采用{rng.choice(METHODS)}揭示了"
                    f"{kw2}{rng.choice(PROBLEMS)}的成因。")
        elif kind < 0.9:
            text = (f"发明专利：一种{field}{kw1}的{kw2}方法，解决了{rng.choice(PROBLEMS)}的问题。")
        else:
            text = f"获省科学技术进步奖：{field}{kw1}成套技术及应用，突破{kw2}等关键技术。"
        return {"id": f"d{j}", "text": text}

    profiles, main_field = [], []
    for i in range(n_profiles):
        field = rng.choices(fields, weights)[0]
        other = rng.choices(fields, weights)[0]
        docs = [doc(field if j == 0 or rng.random() < 0.7 else other, j)
                for j in range(rng.randint(2, 5))]
        profiles.append({"id": f"exp{i:06d}", "docs": docs})
        main_field.append(field)
    queries, truth = [], []
    for i in range(n_queries):
        field = rng.choices(fields, weights)[0]
        kw1, kw2 = rng.sample(keywords[field], 2)
        text = (f"{rng.choice(NEED_OPENINGS)}目前{field}产品{kw1}{rng.choice(PROBLEMS)}，"
                f"希望与高校院所合作开展{kw2}研究，{rng.choice(GOALS)}。")
        queries.append({"id": f"need{i:05d}", "text": text})
        truth.append(field)
    relevant = {}
    for pid, field in zip((p["id"] for p in profiles), main_field, strict=True):
        relevant.setdefault(field, set()).add(pid)
    return profiles, queries, [relevant.get(f, set()) for f in truth], "own generator"


def graph_corpus(n_profiles: int, n_queries: int, seed: int = 0):
    """Experts and needs from `graph.generate` (needs the seed vocabulary files)."""
    from graph.generate import generate_graph
    from graph.model import Node

    profiles, queries, expert_field, need_field = [], [], {}, {}
    for r in generate_graph(n_enterprises=max(1, n_queries // 4), n_experts=n_profiles,
                            n_institutes=max(1, n_profiles // 10), n_needs=n_queries,
                            seed=seed, include_vocabulary=False):
        if not isinstance(r, Node):
            continue
        if r.kind == "Expert":
            profiles.append({"id": r.id, "docs": [{"id": d["id"], "text": d["text"]}
                                                   for d in r.props["docs"]]})
            expert_field[r.id] = r.props.get("main_topic") or r.props.get("field")
        elif r.kind == "Need" and r.props.get("text"):
            queries.append({"id": r.id, "text": r.props["text"]})
            need_field[r.id] = r.props.get("tech_field")
    by_field: dict = {}
    for pid, f in expert_field.items():
        by_field.setdefault(f, set()).add(pid)
    truth = [by_field.get(need_field.get(q["id"]), set()) for q in queries]
    return profiles, queries[:n_queries], truth[:n_queries], "graph.generate"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="20,000 profiles instead of 200,000")
    ap.add_argument("--profiles", type=int, default=None)
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--rank-bm25-queries", type=int, default=20)
    ap.add_argument("--generator", choices=["auto", "own", "graph"], default="auto")
    args = ap.parse_args()
    n = args.profiles or (20_000 if args.quick else 200_000)

    corpus = None
    if args.generator in ("auto", "graph"):
        try:
            corpus = graph_corpus(n, args.queries)
            if not corpus[0] or not corpus[1] or not any(corpus[2]):
                corpus = None
        except Exception as exc:
            if args.generator == "graph":
                raise
            print(f"graph.generate unavailable ({type(exc).__name__}: {exc}); "
                  "using the own generator")
    if corpus is None:
        corpus = own_corpus(n, args.queries)
    profiles, queries, truth, source = corpus
    n_docs = sum(len(p["docs"]) for p in profiles)
    n_chars = sum(len(d["text"]) for p in profiles for d in p["docs"])
    print(f"corpus: {len(profiles):,} profiles, {n_docs:,} documents, {n_chars / 1e6:.1f} M "
          f"characters, {len(queries):,} needs ({source})")

    rows: list[tuple[str, str, str]] = []

    # Build: TextAffinity from raw text (tokenising on 2 processes), then again from tokens.
    model = TextAffinity(n_jobs=2)
    _, t_fit = timed(lambda: model.fit(profiles))
    rows.append(("TextAffinity.fit, raw text → index (2 procs)", f"{t_fit:.1f} s", "≤ 30 s"))
    texts = [d["text"] for p in profiles for d in p["docs"]]
    doc_tokens, t_tok = timed(lambda: model._tokenize_all(texts))
    rows.append(("  of which tokenising (jieba + n-grams, 2 procs)", f"{t_tok:.1f} s", ""))
    _, t_build = timed(lambda: model._build(doc_tokens))
    rows.append(("  of which index from tokens", f"{t_build:.1f} s", ""))
    rows.append(("index memory (arrays)", f"{model.index_nbytes_ / 2**20:.0f} MB", "≤ 500 MB"))
    rows.append(("terms / capped at max_postings", f"{len(model.terms_):,} / "
                 f"{model.capped_terms_}", ""))

    # Profile-level token lists for the baselines (a profile is one document for them).
    starts = np.r_[0, np.cumsum([len(p["docs"]) for p in profiles])]
    prof_tokens = [[t for j in range(starts[i], starts[i + 1]) for t in doc_tokens[j]]
                   for i in range(len(profiles))]
    doc_tokens = None
    gc.collect()

    import bm25s
    from sklearn.feature_extraction.text import TfidfVectorizer
    bm = bm25s.BM25(k1=model.k1, b=model.b, method="lucene")
    _, t_bm = timed(lambda: bm.index(prof_tokens, show_progress=False))
    rows.append(("bm25s.index from tokens", f"{t_bm:.1f} s",
                 f"ours {t_build / t_bm:.2f}×"))
    _, t_sk = timed(lambda: TfidfVectorizer(analyzer=lambda x: x).fit(prof_tokens))
    rows.append(("sklearn TfidfVectorizer.fit from tokens", f"{t_sk:.1f} s",
                 f"ours {t_build / t_sk:.2f}×"))

    # Single queries, tokenising included.
    qtexts = [q["text"] for q in queries]
    lat = []
    ours_top = []
    for text in qtexts:
        t = time.perf_counter()
        top = model.kneighbors([text], k=10)[0]
        lat.append(time.perf_counter() - t)
        ours_top.append([p for p, s in top if s > 0])
    p50, p95 = np.percentile(lat, 50) * 1e3, np.percentile(lat, 95) * 1e3
    rows.append(("top-10 single query p50 / p95", f"{p50:.2f} / {p95:.2f} ms",
                 "≤ 5 / ≤ 10 ms"))
    qtokens = [model.tokenizer_(t) for t in qtexts]
    bm_lat = []
    bm_top = []
    ids = [p["id"] for p in profiles]
    for toks in qtokens[:500]:
        t = time.perf_counter()
        docs, scores = bm.retrieve([toks], k=10, show_progress=False, n_threads=1)
        bm_lat.append(time.perf_counter() - t)
        bm_top.append([ids[d] for d, s in zip(docs[0], scores[0], strict=True) if s > 0])
    bm_p50 = np.percentile(bm_lat, 50) * 1e3
    rows.append(("bm25s.retrieve single query p50 (tokens given, 500 q)", f"{bm_p50:.2f} ms",
                 f"ours/bm25s {p50 / bm_p50:.2f}× (goal ≤ 2×)"))

    # Batched, two processes.
    model.n_jobs = 2
    _, t_batch = timed(lambda: model.kneighbors(qtexts * max(1, 4000 // len(qtexts)), k=10))
    n_batch = len(qtexts) * max(1, 4000 // len(qtexts))
    rows.append(("batched top-10, 2 procs", f"{n_batch / t_batch:,.0f} q/s", "≥ 1,000 q/s"))
    _, t_bmb = timed(lambda: bm.retrieve(qtokens, k=10, show_progress=False, n_threads=2))
    rows.append(("bm25s batched, 2 threads (tokens given)", f"{len(qtokens) / t_bmb:,.0f} q/s",
                 ""))

    # rank_bm25 on a subsample.
    from rank_bm25 import BM25Okapi
    rb, t_rb_build = timed(lambda: BM25Okapi(prof_tokens, k1=model.k1, b=model.b))
    m = args.rank_bm25_queries
    rb_lat, rb_top = [], []
    for toks in qtokens[:m]:
        t = time.perf_counter()
        s = rb.get_scores(toks)
        top = np.argsort(-s, kind="stable")[:10]
        rb_lat.append(time.perf_counter() - t)
        rb_top.append([ids[i] for i in top if s[i] > 0])
    rb_p50 = np.percentile(rb_lat, 50) * 1e3
    rows.append(("rank_bm25 build", f"{t_rb_build:.1f} s", ""))
    rows.append((f"rank_bm25 single query p50 ({m} queries only: slow)", f"{rb_p50:,.0f} ms",
                 f"ours {rb_p50 / p50:,.0f}× faster (goal ≥ 100×)"))

    # Adding one profile.
    add_times = []
    for i in range(50):
        new = {"id": f"added{i}", "docs": profiles[i]["docs"]}
        t = time.perf_counter()
        model.add_profiles([new])
        add_times.append(time.perf_counter() - t)
    rows.append(("add one profile (median of 50)", f"{statistics.median(add_times) * 1e3:.2f} ms",
                 "≤ 10 ms"))

    # Agreement and quality.
    overlap = np.mean([len(set(a) & set(b)) / max(1, len(b))
                       for a, b in zip(ours_top, bm_top, strict=False) if b])
    rows.append(("top-10 overlap with bm25s (500 q)", f"{overlap:.2f}", ""))
    for name, tops, k in (("ours", ours_top, len(ours_top)), ("bm25s", bm_top, len(bm_top)),
                          ("rank_bm25", rb_top, m)):
        q = mean_metrics(list(zip(truth[:k], tops, strict=True)), k=10,
                         names=["precision", "ndcg", "mrr"])
        rows.append((f"quality on generated truth, {name} ({k} q)",
                     f"P@10 {q['precision']:.3f} NDCG@10 {q['ndcg']:.3f} MRR {q['mrr']:.3f}", ""))
    rows.append(("peak RSS of this process (all systems)", f"{peak_rss_mb():,.0f} MB", ""))

    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':<{width}}  {'value':<28}  vs")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:<28}  {note}")


if __name__ == "__main__":
    main()
