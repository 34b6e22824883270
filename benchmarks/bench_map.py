"""The innovation map of one industry over a generated ~200,000-node graph (target < 2 s),
beside a named baseline measured in the same run: the recommender's own rankings of the
same needs (an expert and an institute ranking per need, `k` = 3, explained: the scores
a need's page shows and the map is drawn from). The map is that plus reading the
industry's firms and needs, the links among them and the networkx analysis (gaps,
betweenness, Louvain communities). Then the same map asked again of the unchanged graph
(answered from the kept map, as the page's reload or its JSON is). Last, the map's batch
scoring alone (`matcher.map_scores`, one exact PageRank per need, solved in batches: the
pages' verdicts) and, for comparison, the same scoring with the PageRanks solved as
before the exact solver (conjugate gradients at the config's tol, one need at a time),
each with how its strong/weak verdicts agree with the pages'.

The graph is `duijie generate` output in a real SQLite file (reused with --db when it
exists). The store's shared recommender is built once before timing, as the web service
keeps it; its build time is printed. The industry is the one of median firm count
(or --industry). Wall seconds and the process's CPU seconds are both printed: on a
shared machine wall time is inflated by the other processes, CPU time is not.

    python benchmarks/bench_map.py [--db big.db] [--enterprises 5000 --experts 180000
        --institutes 3000 --needs 6000] [--industry NAME]

The defaults are the README's graph (194,177 nodes: `duijie generate` with seed 5).
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import timed

from duijie.api.services.generate import generate_synthetic
from duijie.api.services.innovation_map import innovation_map
from duijie.api.services.recommendations import shared_recommender
from duijie.graph.sqlite_store import SqliteStore
from duijie.graph.store import iter_nodes
from duijie.matcher.map_scores import SupplierScores, agreement, strong_suppliers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("bench_map.db"))
    parser.add_argument("--enterprises", type=int, default=5_000)
    parser.add_argument("--experts", type=int, default=180_000)
    parser.add_argument("--institutes", type=int, default=3_000)
    parser.add_argument("--needs", type=int, default=6_000)
    parser.add_argument("--industry")
    args = parser.parse_args()
    fresh = not args.db.exists()
    store = SqliteStore(args.db)
    if fresh:
        _, wall, _ = timed(lambda: generate_synthetic(
            store=store, enterprises=args.enterprises, experts=args.experts,
            institutes=args.institutes, needs=args.needs, seed=5))
        print(f"generated in {wall:.0f} s")
    counts = store.counts()
    print(f"graph: {sum(counts['nodes'].values()):,} nodes, "
          f"{sum(counts['edges'].values()):,} edges")
    rec, wall, cpu = timed(lambda: shared_recommender(store).current())
    print(f"shared recommender built once: {wall:.1f} s wall, {cpu:.1f} s CPU")
    alpha = rec.config.alpha
    rec.index.transition._direct.pop(alpha, None)  # time the factorisation alone
    solver, wall, cpu = timed(lambda: rec.index.transition.direct(alpha))
    print(f"  of which the exact PageRank's factorisation: {wall:.1f} s wall, {cpu:.1f} s CPU"
          f" (core of {solver.n - solver.core_start:,} nodes)" if solver else
          "  no exact solver (core too large): PageRank by CG")
    firms = Counter(f.props.get("industry") for f in iter_nodes(store, "Enterprise",
                                                                page_size=5000))
    industry = args.industry or sorted(firms, key=lambda i: (firms[i], i))[len(firms) // 2]

    result, map_wall, map_cpu = timed(lambda: innovation_map(store, industry=industry))
    _, again_wall, _ = timed(lambda: innovation_map(store, industry=industry))
    c = result.counts
    needs = [n.id for n in result.nodes if n.kind == "Need"]
    rec = shared_recommender(store).current()

    page_best: dict[str, float] = {}

    def rank_all() -> list[float]:
        per_call = []
        for need in needs:
            for kind in ("expert", "institute"):
                start = time.perf_counter()
                ranked = rec.recommend(need, kind=kind, k=3, available_only=False)
                per_call.append(time.perf_counter() - start)
                top = ranked.items[0].score if ranked.items else 0.0
                page_best[need] = max(page_best.get(need, 0.0), top)
        return per_call

    per_call, base_wall, base_cpu = timed(rank_all)
    page = SupplierScores(result.strong, "page", best={n: ("", s) for n, s in page_best.items()})
    exact, exact_wall, exact_cpu = timed(lambda: strong_suppliers(rec, needs, graph="per_need"))
    by_cg = copy.copy(rec)
    by_cg.config = dataclasses.replace(rec.config, method="cg")
    old, old_wall, old_cpu = timed(lambda: strong_suppliers(by_cg, needs, graph="per_need"))
    print(f"industry {industry}: {c['firms']:,} firms, {c['needs']:,} needs, "
          f"{c['experts']:,} experts, {c['institutes']:,} institutes, {c['edges']:,} links, "
          f"{c['communities']} communities, betweenness {result.betweenness}; "
          f"{len(result.unmet_needs)} needs without a strong supplier, "
          f"{len(result.unused_suppliers)} suppliers unused")
    print(f"baseline  the recommender's rankings of those needs ({len(per_call):,} calls, "
          f"p50 {statistics.median(per_call) * 1000:.0f} ms): {base_wall:7.2f} s wall "
          f"{base_cpu:7.2f} s CPU")
    print(f"map       the whole use case: {map_wall:7.2f} s wall {map_cpu:7.2f} s CPU "
          f"({map_cpu / base_cpu:.3f}× the baseline in CPU, {map_wall / base_wall:.3f}× in "
          f"wall; target < 2 s: {'met' if map_wall < 2 else 'NOT met'}, in CPU time "
          f"{'met' if map_cpu < 2 else 'NOT met'})")
    print(f"scoring   alone, exact PageRanks in batches (the map's: a need's page's scores): "
          f"{exact_wall:7.2f} s wall {exact_cpu:7.2f} s CPU; with CG PageRanks one at a time "
          f"(as before): {old_wall:7.2f} s wall {old_cpu:7.2f} s CPU")
    print(f"verdicts  exact vs pages: {agreement(exact, page)}; exact vs CG: "
          f"{agreement(exact, old)}")
    moved = sorted((abs(exact.best[n][1] - old.best[n][1]), n) for n in needs
                   if n in exact.best and n in old.best)
    if moved:
        print(f"          best score exact vs CG: largest difference {moved[-1][0]:.4f} "
              f"({moved[-1][1]}), median {statistics.median(m for m, _ in moved):.4f}")
    print(f"load      {os.getloadavg()}")
    print(f"again     the same map, graph unchanged (kept answer): {again_wall * 1000:7.1f} ms")
    store.close()


if __name__ == "__main__":
    main()
