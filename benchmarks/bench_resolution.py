"""Benchmark: resolving one organisation name against 100,000, indexed vs a plain scan.

Generates realistic synthetic Chinese firm names (place + two-character brand +
industry word + legal form, deterministic seed), writes them to a SQLite store (so
normalised, core and pinyin keys are computed at write time), builds the cached
`OrganisationIndex` from the store, then resolves 1,000 query names carrying the
errors forms are filled in with (homophone swaps, dropped legal forms and places,
traditional characters, full-width, a wrong character). Beside it, in the same run,
a plain `rapidfuzz.process.extractOne` scan over all normalised names. Prints p50
and p95 per query (wall time, and the process's CPU time beside it, since the
machine is shared), the ratio, the load average, and how often each put the right
firm first; then the labelled-set quality per split.

Usage:
  python benchmarks/bench_resolution.py            # 100,000 organisations, 1,000 queries
  python benchmarks/bench_resolution.py --quick    # 10,000 organisations, 200 queries
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import opencc  # noqa: E402
from pypinyin import Style, lazy_pinyin  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

from duijie.graph.model import Node, Provenance  # noqa: E402
from duijie.graph.normalize import core_name, normalize_text  # noqa: E402
from duijie.graph.places import CITIES, ZHEJIANG  # noqa: E402
from duijie.graph.resolution import build_index, resolve  # noqa: E402
from duijie.graph.resolution_quality import by_split, evaluate, read_pairs  # noqa: E402
from duijie.graph.sqlite_store import SqliteStore  # noqa: E402
from duijie.graph.store import WriteBatch  # noqa: E402

BRAND_CHARS = ("恒锋峰丰衡华海天金鑫新信星兴宏鸿泰太达大利立力盛胜晟荣龙隆康凯安博创德东方光广"
               "国汇佳嘉加建锦晶精巨俊开科蓝联明铭鹏启瑞润森山尚圣顺舜思斯通同万伟维卫祥翔欣亚"
               "雅扬阳易亿益永勇宇誉元远跃云正政志智中众卓宗美百富福禾和合鼎诚成城昌长江河湖")
INDUSTRIES = ["工具", "机械", "电子", "电器", "电机", "科技", "新材料", "化工", "医药", "纺织",
              "服饰", "门业", "机器人", "汽车零部件", "光电", "智能装备", "轴承", "阀门", "泵业",
              "食品", "包装", "建材", "环保", "塑业", "五金", "精密制造", "印染", "家居", "照明"]
LEGAL_FORMS = ["有限公司", "股份有限公司", "有限责任公司", "集团有限公司", "科技有限公司", ""]
PLACES = [p for city, counties in ZHEJIANG.items() for p in [city, *counties]] + \
    [c for cities in CITIES.values() for c in cities[:6]]
T2S_REVERSE = opencc.OpenCC("s2t")


def generate(n: int, rng: random.Random) -> list[tuple[str, str, str, str]]:
    """n distinct (id, name, region, industry) records."""
    seen: set[str] = set()
    out = []
    while len(out) < n:
        place = rng.choice(PLACES)
        brand = rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)
        industry = rng.choice(INDUSTRIES)
        name = f"{place}{rng.choice(['', '市'])}{brand}{industry}{rng.choice(LEGAL_FORMS)}"
        if name in seen:
            continue
        seen.add(name)
        out.append((f"ent:{len(out):06d}", name, place, industry))
    return out


def homophones() -> dict[str, list[str]]:
    by_sound: dict[str, list[str]] = {}
    for ch in dict.fromkeys(BRAND_CHARS):
        by_sound.setdefault(lazy_pinyin(ch, style=Style.NORMAL)[0], []).append(ch)
    return {ch: [o for o in by_sound[lazy_pinyin(ch, style=Style.NORMAL)[0]] if o != ch]
            for ch in dict.fromkeys(BRAND_CHARS)}


def misspell(record: tuple[str, str, str, str], rng: random.Random,
             sounds: dict[str, list[str]]) -> tuple[str, str]:
    """A query name with one realistic error, and how it was made."""
    _, name, place, _ = record
    plain = name.removeprefix(place).removeprefix("市")
    brand_at = len(name) - len(plain)
    how = rng.choice(["homophone", "short", "traditional", "fullwidth", "wrong char"])
    if how == "homophone":
        i = brand_at + rng.randrange(2)
        options = sounds.get(name[i], [])
        if options:
            return name[:i] + rng.choice(options) + name[i + 1:], how
        how = "wrong char"
    if how == "wrong char":
        i = brand_at + rng.randrange(2)
        return name[:i] + rng.choice(BRAND_CHARS) + name[i + 1:], how
    if how == "short":
        for form in sorted(LEGAL_FORMS, key=len, reverse=True):
            if form and plain.endswith(form):
                return plain[: -len(form)], how
        return plain, how
    if how == "traditional":
        return T2S_REVERSE.convert(name), how
    # Full-width brackets round the place (and its 市), a full-width space before the form.
    return f"（{place}）" + name[brand_at:].replace("有限公司", "　有限公司"), how


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 organisations, 200 queries")
    parser.add_argument("--orgs", type=int, default=None)
    parser.add_argument("--queries", type=int, default=None)
    parser.add_argument("--seed", type=int, default=20190523)
    args = parser.parse_args(argv)
    n_orgs = args.orgs or (10_000 if args.quick else 100_000)
    n_queries = args.queries or (200 if args.quick else 1_000)
    rng = random.Random(args.seed)
    load_before = os.getloadavg()[0]
    records = generate(n_orgs, rng)
    sounds = homophones()

    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        source = [Provenance(source="generated")]
        for start in range(0, len(records), 5_000):
            batch = WriteBatch()
            for node_id, name, place, industry in records[start:start + 5_000]:
                batch.upsert_node(Node(node_id, "Enterprise",
                                       {"name": name, "region": place, "industry": industry},
                                       [], source))
            store.apply(batch)
        t_write = time.perf_counter() - t0
        t0 = time.perf_counter()
        index = build_index(store)
        t_index = time.perf_counter() - t0
        # What `resolve(store, …)` pays on each call to see whether the cache is current.
        resolve(store, records[0][1])  # the first call fills the per-store cache
        fresh_ms, fresh_cpu_ms = [], []
        for _, name, _, _ in records[1:201]:  # 200 calls: the counts are read once a second
            t0, c0 = time.perf_counter(), time.process_time()
            resolve(store, name)
            fresh_ms.append((time.perf_counter() - t0) * 1000)
            fresh_cpu_ms.append((time.process_time() - c0) * 1000)
        store.close()

    t0 = time.perf_counter()
    scan_names = [normalize_text(name) for _, name, _, _ in records]
    t_scan_prep = time.perf_counter() - t0

    picks = [rng.randrange(len(records)) for _ in range(n_queries)]
    queries = [(misspell(records[i], rng, sounds), i) for i in picks]
    # Half the queries carry the region a broker would type, half only the name.
    with_region = [rng.random() < 0.5 for _ in queries]

    indexed_ms, scan_ms, indexed_cpu_ms, scan_cpu_ms = [], [], [], []
    indexed_hits = scan_hits = decided_same = wrong_same = wrong_same_exact = 0
    by_error: dict[str, list[int]] = {}  # error -> [queries, indexed top-1, scan top-1,
    #                                              true firm same, review, different/missing]
    # Two passes over the same queries: interleaved, every index query would start with
    # the caches the 100,000-name scan had just filled with its own data.
    for ((query, how), truth), region_given in zip(queries, with_region, strict=True):
        row = by_error.setdefault(how, [0, 0, 0, 0, 0, 0])
        row[0] += 1
        region = records[truth][2] if region_given else None
        t0, c0 = time.perf_counter(), time.process_time()
        found = resolve(index, query, region=region, k=5)
        indexed_ms.append((time.perf_counter() - t0) * 1000)
        indexed_cpu_ms.append((time.process_time() - c0) * 1000)
        if found and found[0].node_id == records[truth][0]:
            indexed_hits += 1
            row[1] += 1
        verdict = next((c.decision for c in found if c.node_id == records[truth][0]), "")
        row[3 + ("same", "review").index(verdict) if verdict in ("same", "review") else 5] += 1
        decided_same += sum(c.decision == "same" for c in found[:1])
        for c in found:
            if c.decision == "same" and c.node_id != records[truth][0]:
                # A typo that lands exactly on another registered name cannot be told
                # apart by any resolver; count those separately.
                if core_name(query) == core_name(c.name):
                    wrong_same_exact += 1
                else:
                    wrong_same += 1
    for (query, how), truth in queries:
        t0, c0 = time.perf_counter(), time.process_time()
        best = process.extractOne(normalize_text(query), scan_names, scorer=fuzz.ratio)
        scan_ms.append((time.perf_counter() - t0) * 1000)
        scan_cpu_ms.append((time.process_time() - c0) * 1000)
        scan_hits += best is not None and best[2] == truth
        by_error[how][2] += best is not None and best[2] == truth

    p50_i, p95_i = statistics.median(indexed_ms), percentile(indexed_ms, 0.95)
    p50_s, p95_s = statistics.median(scan_ms), percentile(scan_ms, 0.95)
    print(f"# {n_orgs:,} organisations, {n_queries:,} queries, seed {args.seed}; load average "
          f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    print(f"# write to SQLite (keys at write time): {t_write:.1f} s; build index from store: "
          f"{t_index:.1f} s; normalise names for the scan: {t_scan_prep:.1f} s")
    print(f"# resolve(store, name) with the cached index, freshness check included, p50 "
          f"of 200 registered names: {statistics.median(fresh_ms):.2f} ms "
          f"({statistics.median(fresh_cpu_ms):.2f} ms CPU), "
          f"mean {statistics.mean(fresh_ms):.2f} ms")
    cpu_i, cpu_s = statistics.median(indexed_cpu_ms), statistics.median(scan_cpu_ms)
    print(f"{'method':<34}{'p50 ms':>9}{'p95 ms':>9}{'p50 CPU ms':>12}{'top-1 right':>13}"
          f"{'p50 ratio':>11}")
    print(f"{'rapidfuzz extractOne scan':<34}{p50_s:>9.2f}{p95_s:>9.2f}{cpu_s:>12.2f}"
          f"{scan_hits / n_queries:>13.1%}{1.0:>11.1f}")
    print(f"{'OrganisationIndex (blocking)':<34}{p50_i:>9.2f}{p95_i:>9.2f}{cpu_i:>12.2f}"
          f"{indexed_hits / n_queries:>13.1%}{p50_s / p50_i:>10.1f}x")
    print(f"# indexed: top candidate decided `same` for {decided_same / n_queries:.1%} of "
          f"queries; `same` for a wrong firm {wrong_same} times, plus {wrong_same_exact} times "
          "where the misspelt name is exactly another firm's registered name")

    print(f"\n{'error in the query':<20}{'queries':>8}{'index top-1':>13}{'scan top-1':>12}"
          f"{'→same':>7}{'→review':>9}{'→other':>8}")
    for how, (n, hit, scan_hit, same, review, other) in sorted(by_error.items()):
        print(f"{how:<20}{n:>8}{hit / n:>13.1%}{scan_hit / n:>12.1%}{same:>7}{review:>9}"
              f"{other:>8}")

    print("\n# labelled pairs (tests/data/resolution/pairs.tsv)")
    print(f"{'split':<9}{'same':>6}{'recall':>8}{'→review':>9}{'diff':>6}{'wrong':>7}"
          f"{'rate':>7}{'→review':>9}")
    for split, pairs in by_split(read_pairs(ROOT / "tests/data/resolution/pairs.tsv")).items():
        q = evaluate(pairs)
        print(f"{split:<9}{q.same_pairs:>6}{q.recall:>8.3f}{q.sent_to_review:>9}"
              f"{q.different_pairs:>6}{q.wrong_merges:>7}{q.wrong_merge_rate:>7.3f}"
              f"{q.different_reviewed:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
