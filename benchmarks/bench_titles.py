"""What the title index costs: `TextAffinity()` (titles for Chinese queries) beside
`TextAffinity(title_weight=0.0)` (the fusion alone), same corpus, same run.

Expert profiles from `graph.generate` with their documents as the product builds them
(`matcher.profiles`: a document's title, a newline, its text), need texts as queries (Chinese:
the generator writes Chinese needs). Measured, both models in this run: index build (CPU
seconds of this process, one process), index bytes, and the top-10 single-query time
(tokenising included), CPU and wall, p50 and p95, the two models' queries interleaved so load
from other work falls on both alike. The ratio "with / without" is the figure to read.

    python benchmarks/bench_titles.py --profiles 50000       # a moderate size
    python benchmarks/bench_titles.py                        # 200,000 profiles
    python benchmarks/bench_titles.py --one-line             # documents without a title line
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import generated_nodes

from duijie.matcher.profiles import join_text
from duijie.matcher.text import TextAffinity


def corpus(n_profiles: int, n_queries: int, one_line: bool, seed: int = 0):
    """Expert profiles and Chinese need texts from `graph.generate`."""
    profiles, queries = [], []
    for r in generated_nodes(n_profiles, n_queries, seed):
        if r.kind == "Expert":
            profiles.append({"id": r.id, "docs": [
                {"id": d["id"], "text": d["text"] if one_line
                 else join_text(d.get("title"), d["text"])} for d in r.props["docs"]]})
        elif r.kind == "Need" and r.props.get("text"):
            queries.append(join_text(r.props.get("title"), r.props["text"]))
    return profiles, queries[:n_queries]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--profiles", type=int, default=200_000)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--one-line", action="store_true",
                    help="documents as text alone (no title line: each is its own title)")
    args = ap.parse_args()
    profiles, queries = corpus(args.profiles, args.queries, args.one_line)
    print(f"load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"corpus: {len(profiles):,} profiles, "
          f"{sum(len(p['docs']) for p in profiles):,} documents, {len(queries)} needs"
          + (" (documents without a title line)" if args.one_line else ""))
    TextAffinity().fit(profiles[:200])  # warm: dictionaries loaded before either is timed
    models = {}
    for name, params in (("without titles", {"title_weight": 0.0}), ("with titles", {})):
        cpu = time.process_time()
        models[name] = TextAffinity(**params).fit(profiles)
        print(f"{name}: build {time.process_time() - cpu:.1f} CPU s, index "
              f"{models[name].index_nbytes_ / 1e6:.0f} MB")
    with_titles = models["with titles"]
    zh = [q for q in queries if with_titles.title_weight_for(q) > 0]
    print(f"{len(zh)} of {len(queries)} needs are Chinese (the title part applies)")
    for model in models.values():  # warm: memo of the query vectors is per text, so skip it
        model.kneighbors(zh[:5], k=10)
    cpu_ms = {name: [] for name in models}
    wall_ms = {name: [] for name in models}
    for query in zh:
        for name, model in models.items():
            model._query_memo.clear()
            w, c = time.perf_counter(), time.process_time()
            model.kneighbors([query], k=10)
            cpu_ms[name].append((time.process_time() - c) * 1e3)
            wall_ms[name].append((time.perf_counter() - w) * 1e3)

    def p(values: list[float], q: int) -> float:
        return statistics.quantiles(values, n=100)[q - 1]
    for name in models:
        print(f"{name}: top 10 CPU p50 {p(cpu_ms[name], 50):.2f} ms, p95 "
              f"{p(cpu_ms[name], 95):.2f} ms; wall p50 {p(wall_ms[name], 50):.2f} ms, p95 "
              f"{p(wall_ms[name], 95):.2f} ms")
    base, titled = (statistics.median(cpu_ms[n]) for n in ("without titles", "with titles"))
    print(f"with / without titles, CPU p50: {titled / base:.2f}x")
    print(f"load average after the run: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
