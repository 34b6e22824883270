"""Text matching quality on every labelled set: choose on tune, report held-out with 95% CIs.

Runs the methods of `METHODS` (the product's scorer under many settings, fusions, LSA and
pseudo-relevance feedback) over the sets of `duijie.evaluation.sets`, chooses, among the
methods within the latency budget that are not below BM25 (concat) on any tune set, the one
with the best tune NDCG@10 averaged over the monolingual sets (never one set, never the
held-out split; `duijie.evaluation.harness.choose`), and prints a Markdown table of held-out
NDCG@10 with bootstrap intervals for the baselines, the choice and the best of each family.

    python benchmarks/quality_harness.py            # the table (45 min at load 8-14 on 2 cores)
    python benchmarks/quality_harness.py --all      # every method, tune and held-out
    python benchmarks/quality_harness.py --only "sum_sqrt 0." --skip 1-2-grams --sets acl-en
    python benchmarks/quality_harness.py --by-language --only fusion_weight "+ semantic" \
        "by language" --skip expanded    # the per-language choice of the shipped defaults

With ``--by-language`` the choice is also made per language group of the sets (Chinese,
English, across languages; `duijie.evaluation.sets.language_group`): inside each group, the
best tune mean among the weights never below BM25 on any tune set of the group, for the
lexical fusion weight (`matcher.fusion.FUSION_WEIGHT_BY_LANGUAGE`) and the semantic weight
(`matcher.semantic.SEMANTIC_WEIGHT_BY_GROUP`); it prints both beside the shipped tables.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from duijie.evaluation.harness import (
    bootstrap_interval,
    choose,
    choose_by_group,
    fused_rankings,
    learn_weights,
    per_query,
    run_method,
    score_matrix,
)
from duijie.evaluation.methods import (
    as_method,
    by_pair,
    expand,
    first_doc,
    fuse,
    lexical,
    lsa,
    prf,
    semantic,
    titles,
    word_vectors,
)
from duijie.evaluation.sets import all_sets, language_group
from duijie.matcher.fusion import FUSION_WEIGHT_BY_LANGUAGE, TITLE_WEIGHT_BY_LANGUAGE
from duijie.matcher.semantic import SEMANTIC_WEIGHT_BY_GROUP
from duijie.matcher.semantic import available as semantic_available

ROOT = Path(__file__).resolve().parents[1]
METRIC = "ndcg@10"
BASELINES = ("BM25 (concat)", "TF-IDF (concat)")
SHIPPED = "TextAffinity() as shipped"
SHIPPED_SEMANTIC = "TextAffinity() + semantic, weight by language pair (shipped)"
FUSION_WEIGHTS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
SEMANTIC_WEIGHTS = (0.03, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
# Methods the product cannot run within its latency budget (top-10 over 200,000 profiles,
# p50 <= 5 ms): measured, reported, never chosen. Character unigrams: 13.7 ms p50 at 50,000
# profiles against 0.57 ms for bigrams (2026-12-03, README "Quality harness"); LSA
# scores a dense 200-dim vector against every profile, and so do word vectors.
OVER_BUDGET = ("1-2-grams", "ngram_range=(1, 2)", "LSA", "word vectors")


def topic_vocabulary() -> tuple:
    """The seed's topics as name groups (Chinese name, English name, synonyms)."""
    groups = []
    for line in (ROOT / "seed_data" / "topics.jsonl").read_text("utf-8").splitlines():
        props = json.loads(line)["props"] if line.strip() else None
        if props:
            names = [props.get("name"), props.get("name_en"), *(props.get("synonyms") or [])]
            groups.append(tuple(n for n in names if n))
    return tuple(groups)


def learned_parts() -> dict[str, object]:
    """The scorers a learned fusion may weigh (their weights learned on tune)."""
    parts = {"concat": lexical(fusion_rule=None),
             "sum_sqrt": lexical(aggregation="sum_sqrt"),
             "max": lexical(aggregation="max"),
             "title": first_doc(lexical(fusion_rule=None)),
             "LSA-200": lsa(200),
             "paper titles": titles(lexical(fusion_rule=None)),
             "word vectors": word_vectors(100, 5000)}
    if semantic_available():
        parts["semantic"] = semantic()
    return parts


def methods() -> dict[str, object]:
    """Every method tried, baselines first (ties go to the first listed)."""
    out: dict[str, object] = {
        "BM25 (concat)": lexical(fusion_rule=None),
        "TF-IDF (concat)": lexical(weighting="tfidf", fusion_rule=None),
    }
    for weighting in ("bm25", "tfidf"):
        for rule in ("max", "mean", "sum_sqrt", "topk_mean", "softmax"):
            extra = {"agg_k": 3} if rule == "topk_mean" else {}
            out[f"{weighting} {rule}"] = lexical(weighting=weighting, aggregation=rule,
                                                 **extra)
    out["bm25 k1=0.9 b=0.4"] = lexical(k1=0.9, b=0.4, fusion_rule=None)
    out["bm25 1-2-grams"] = lexical(ngram_range=(1, 2), fusion_rule=None)
    out["bm25 2-3-grams"] = lexical(ngram_range=(2, 3), fusion_rule=None)
    for ngrams in ((2, 2), (1, 2)):
        tag = "" if ngrams == (2, 2) else ", 1-2-grams"
        concat = lexical(ngram_range=ngrams, fusion_rule=None)
        for rule in ("max", "sum_sqrt", "topk_mean"):
            per_doc = lexical(ngram_range=ngrams, aggregation=rule,
                              **({"agg_k": 3} if rule == "topk_mean" else {}))
            for a in (0.3, 0.5, 0.6, 0.7, 0.8, 0.9) if ngrams == (2, 2) else (0.3, 0.5, 0.7):
                out[f"bm25 concat {a} + {rule} {1 - a:.1f}{tag}"] = fuse(
                    [(concat, a), (per_doc, 1 - a)])
        for w in (0.1, 0.2, 0.3):
            out[f"bm25 concat + LSA-200 {w}{tag}"] = fuse([(concat, 1 - w), (lsa(200), w)])
        out[f"bm25 concat + PRF 3 docs 0.2{tag}"] = prf(concat, 3, 0.2)
    if semantic_available():  # duijie[semantic]: sentence embeddings, fused with the lexical
        out["semantic alone (USE multilingual)"] = semantic()
        for w in SEMANTIC_WEIGHTS:
            out[f"TextAffinity() {round(1 - w, 2):g} + semantic {w}"] = fuse(
                [(lexical(), 1 - w), (semantic(), w)])
        out[SHIPPED_SEMANTIC] = by_pair(lexical(), semantic())
    # The shipped fusion (concat + sum_sqrt over the 200 best) at fixed weights: the
    # family whose weight is chosen per language (`--by-language`); without the titles,
    # whose weight is chosen on the rows below (`TITLE_WEIGHT_BY_LANGUAGE`).
    for w in FUSION_WEIGHTS:
        out[f"TextAffinity(fusion_weight={w})"] = lexical(fusion_weight=w, title_weight=0.0)
    # "TextAffinity()" in the names below: the shipped fusion without the titles (as
    # measured before they were shipped), so that a title part is never counted twice.
    plain = lexical(title_weight=0.0)
    # Title weighting: each profile's first document (a field's own name) scored alone.
    for w in (0.1, 0.2, 0.3):
        out[f"TextAffinity() + title {w}"] = fuse(
            [(plain, 1 - w), (first_doc(lexical(fusion_rule=None)), w)])
    # Title weighting for paper profiles: each document's first line (a paper's title).
    for w in (0.1, 0.2, 0.3):
        out[f"TextAffinity() + paper titles {w}"] = fuse(
            [(plain, 1 - w), (titles(lexical(fusion_rule=None)), w)])
    # Word vectors trained on the set's own texts (PPMI-SVD), alone and beside BM25.
    out["word vectors alone (PPMI-SVD 100)"] = word_vectors(100, 5000)
    for w in (0.1, 0.2, 0.3):
        out[f"TextAffinity() + word vectors {w}"] = fuse(
            [(plain, 1 - w), (word_vectors(100, 5000), w)])
    # Query expansion from the graph's topic vocabulary (the seed's topics, zh/en/synonyms).
    vocabulary = topic_vocabulary()
    out["TextAffinity(), query expanded by topics"] = expand(lexical(), vocabulary)
    if semantic_available():
        out["TextAffinity() 0.3 + semantic 0.7, query expanded"] = fuse(
            [(expand(lexical(), vocabulary), 0.3), (semantic(), 0.7)])
    # The product's scorer: the fusion re-ranks the 200 best by concat (not every profile).
    out["TextAffinity() as shipped"] = lexical()
    out["TextAffinity(ngram_range=(1, 2))"] = lexical(ngram_range=(1, 2))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="print every method")
    parser.add_argument("--only", nargs="+", metavar="WORD", default=None,
                        help="run only the methods whose names hold one of these words "
                             "(the baselines and the shipped default always run; the learned "
                             "fusions only when a word is in their name)")
    parser.add_argument("--skip", nargs="+", metavar="WORD", default=(),
                        help="leave out the methods whose names hold one of these words")
    parser.add_argument("--sets", nargs="+", metavar="SET", default=None,
                        help="run only these sets (the choice is then over these)")
    parser.add_argument("--by-language", action="store_true",
                        help="also choose the fusion and semantic weights per language group "
                             "and print them beside the shipped tables")
    parser.add_argument("--json", metavar="PATH", default=None,
                        help="also write every method's tune mean and held-out NDCG@10 with "
                             "its interval, per set, to this file")
    args = parser.parse_args()
    sets = all_sets()
    if args.sets:
        unknown = sorted(set(args.sets) - set(sets))
        if unknown:
            parser.error(f"unknown set(s) {', '.join(unknown)}; sets: {', '.join(sets)}")
        sets = {n: s for n, s in sets.items() if n in args.sets}
    choose_on = [n for n, s in sets.items() if "→" not in s.language]
    runs: dict[str, dict[str, list[list[str]]]] = {}
    start = time.perf_counter()
    every = methods()
    if args.only:
        every = {m: v for m, v in every.items() if m in (*BASELINES, SHIPPED)
                 or any(word in m for word in args.only)}
    every = {m: v for m, v in every.items()
             if m in (*BASELINES, SHIPPED) or not any(word in m for word in args.skip)}
    for name, scorer in every.items():
        began = time.perf_counter()
        runs[name] = {s: run_method(as_method(scorer), labelled)
                      for s, labelled in sets.items()}
        print(f"{name}: {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
    # A learned fusion: weights of several scorers by coordinate ascent on the tune split
    # (monolingual sets; with the encoder, over every set, as for the semantic weight).
    learned, matrices = {}, {}
    wanted = [n for n in ("learned fusion (lexical parts)", "learned fusion (with semantic)")
              if (not args.only or any(word in n for word in args.only))
              and not any(word in n for word in args.skip)]
    if wanted:
        parts = learned_parts()
        matrices = {n: {s: score_matrix(scorer, labelled) for s, labelled in sets.items()}
                    for n, scorer in parts.items()}
    if wanted[:1] == ["learned fusion (lexical parts)"]:
        lexical_parts = {n: m for n, m in matrices.items() if n != "semantic"}
        learned[wanted[0]] = learn_weights(lexical_parts, sets, choose_on)
    if "semantic" in matrices and "learned fusion (with semantic)" in wanted:
        learned["learned fusion (with semantic)"] = learn_weights(matrices, sets, list(sets))
    for name, weights in learned.items():
        print(f"{name}: weights learned on tune {weights}")
        runs[name] = {s: fused_rankings({n: matrices[n][s] for n in weights}, weights,
                                        [p["id"] for p in labelled.profiles])
                      for s, labelled in sets.items()}
    took = time.perf_counter() - start

    def mean_of(method: str, set_name: str, split: str) -> float:
        return float(per_query(sets[set_name], runs[method][set_name], split, METRIC).mean())

    tune = {m: {s: mean_of(m, s, "tune") for s in sets} for m in runs}
    best_any = choose(tune, choose_on)
    # The lexical default: within the budget, without the optional semantic extra, and
    # never below BM25 on any tune set (the constraint).
    floor = BASELINES[0]
    chosen = choose(tune, choose_on, baseline=floor, candidates=[
        m for m in tune if not any(tag in m for tag in (*OVER_BUDGET, "semantic", "learned"))])
    print(f"{len(runs)} methods × {len(sets)} sets in {took:.0f} s; chosen on the tune split "
          f"among the lexical methods within the latency budget not below {floor} on any "
          f"tune set, best mean {METRIC} over {', '.join(choose_on)}: **{chosen}**; best of "
          f"all, unconstrained: {best_any}\n")
    below = {m: [s for s in sets if tune[m][s] < tune[floor][s] - 1e-12] for m in tune}
    for m, where in below.items():
        if where:
            print(f"below {floor} on tune: {m}: " + ", ".join(
                f"{s} {tune[m][s] - tune[floor][s]:+.3f}" for s in where), file=sys.stderr)

    def family(m: str) -> str:
        return ("semantic" if "semantic" in m else "LSA" if "LSA" in m else
                "PRF" if "PRF" in m else "fusion" if " + " in m else "single")
    shown = [*BASELINES, chosen, SHIPPED, best_any]
    with_semantic = [m for m in runs if "semantic" in m]
    if with_semantic:  # its weight is chosen over every set: crossing languages is its job
        sem = choose(tune, list(sets), baseline=floor, candidates=with_semantic)
        print(f"semantic fusion chosen on the tune split over all {len(sets)} sets, not below "
              f"{floor} on any: **{sem}**\n")
        shown += ["semantic alone (USE multilingual)", sem]
    shown += [m for m in runs if "learned" in m or "title" in m or "expanded" in m]
    for fam in ("single", "fusion", "LSA", "PRF"):
        members = [m for m in runs if family(m) == fam and m not in shown]
        if members:
            shown.append(max(members, key=lambda m: np.mean([tune[m][s] for s in choose_on])))
    shown = [m for m in dict.fromkeys(shown) if m in runs]
    if args.all:
        shown = list(runs)

    if args.by_language:
        by_language(sets, runs, tune, shown)

    head = " | ".join(sets)
    print(f"| method | tune mean | {head} |")
    print("|---|---:|" + "---:|" * len(sets))
    for m in shown:
        cells = []
        for s, labelled in sets.items():
            mean, lo, hi = bootstrap_interval(per_query(labelled, runs[m][s], "heldout", METRIC))
            cells.append(f"{mean:.3f} [{lo:.3f}, {hi:.3f}]")
        tag = " (chosen)" if m == chosen else " (baseline)" if m in BASELINES else ""
        print(f"| {m}{tag} | {np.mean([tune[m][s] for s in choose_on]):.3f} | "
              + " | ".join(cells) + " |")
    if args.json:
        table = {m: {s: dict(zip(("heldout", "low", "high"), bootstrap_interval(
                     per_query(labelled, runs[m][s], "heldout", METRIC)), strict=True),
                             tune=tune[m][s])
                     for s, labelled in sets.items()} for m in runs}
        Path(args.json).write_text(json.dumps(table, ensure_ascii=False, indent=1), "utf-8")
    counts = ", ".join(f"{n} {s.count('tune')}/{s.count('heldout')}" for n, s in sets.items())
    print(f"\nheld-out {METRIC} with 95% percentile-bootstrap intervals over queries; "
          f"queries tune/held-out: {counts}")


def by_language(sets: dict, runs: dict, tune: dict, shown: list[str]) -> None:
    """The per-language choice (`choose_by_group`) of both weights, beside the shipped ones;
    adds the choices and the shipped rows to ``shown``."""
    groups: dict[str, list[str]] = {}
    for name, labelled in sets.items():
        groups.setdefault(language_group(labelled), []).append(name)
    floor = BASELINES[0]
    weights = [m for m in runs if m.startswith("TextAffinity(fusion_weight=")]
    lexical_choice = choose_by_group(tune, groups, floor, weights)
    meaning = [m for m in runs if m.startswith("TextAffinity() ") and m.endswith(
        tuple(f"+ semantic {w}" for w in SEMANTIC_WEIGHTS))]
    semantic_choice = choose_by_group(tune, groups, floor, meaning) if meaning else {}
    for group, set_names in groups.items():
        def mean(m: str, names: list[str] = set_names) -> float:
            return float(np.mean([tune[m][s] for s in names]))
        print(f"{group} ({', '.join(set_names)}): fusion weight **{lexical_choice[group]}** "
              f"(tune mean {mean(lexical_choice[group]):.4f}, BM25 {mean(floor):.4f}; shipped "
              f"{FUSION_WEIGHT_BY_LANGUAGE.get(group, '-')})"
              + (f"; semantic **{semantic_choice[group]}** (tune mean "
                 f"{mean(semantic_choice[group]):.4f}; shipped "
                 f"{SEMANTIC_WEIGHT_BY_GROUP[group]})" if semantic_choice else ""))
        for m in (*weights, *meaning, SHIPPED, SHIPPED_SEMANTIC):
            if m in runs:
                below = [f"{s} {tune[m][s] - tune[floor][s]:+.3f}" for s in set_names
                         if tune[m][s] < tune[floor][s] - 1e-12]
                print(f"  {m}: tune mean {mean(m):.4f}"
                      + (f"; below BM25 on {', '.join(below)}" if below else ""))
    titled = [m for m in runs if m.startswith("TextAffinity() + paper titles ")]
    if titled:  # the titles' weight, chosen with the fusion weights (a title part must beat them)
        both = choose_by_group(tune, groups, floor, [*weights, *titled])
        print("titles: " + "; ".join(
            f"{group} **{m}** (shipped {TITLE_WEIGHT_BY_LANGUAGE.get(group, '-')})"
            for group, m in both.items()))
        shown += list(both.values())
    print()
    shown += [*lexical_choice.values(), *semantic_choice.values(), SHIPPED]
    if SHIPPED_SEMANTIC in runs:
        shown.append(SHIPPED_SEMANTIC)
    shown[:] = list(dict.fromkeys(shown))


if __name__ == "__main__":
    main()
