"""TextAffinity: the estimator contract, BM25 and TF-IDF by hand, aggregation, adding."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer

from duijie.graph.errors import InvalidInput, NotFitted, NotFound
from duijie.matcher.aggregate import RULES, aggregate, aggregate_reference
from duijie.matcher.text import TextAffinity

PROFILES = [
    {"id": "xiopm", "docs": [
        {"id": "x1", "text": "非制冷红外探测器与红外热像仪研制"},
        {"id": "x2", "text": "空间光学遥感相机与精密光学元件"}]},
    {"id": "zju-composites", "docs": [
        {"id": "z1", "text": "碳纤维复合材料成型工艺与预浸料"},
        {"id": "z2", "text": "玻璃纤维增强树脂基复合材料的界面改性"},
        {"id": "z3", "text": "复合材料无损检测"}]},
    {"id": "motor-lab", "docs": [
        {"id": "m1", "text": "微特电机设计与永磁电机控制"}]},
    {"id": "tum-battery", "docs": [
        {"id": "t1", "text": "Lithium-ion battery cell ageing and battery management systems"},
        {"id": "t2", "text": "Solid-state batteries and electrolyte interfaces"}]},
]


def tiny(**params) -> TextAffinity:
    return TextAffinity(**params).fit(PROFILES)


# -- the estimator contract --------------------------------------------------------------
def test_fit_returns_self_and_clone_round_trips() -> None:
    model = TextAffinity(weighting="tfidf", aggregation="topk_mean", agg_k=3)
    assert model.fit(PROFILES) is model
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "postings_ptr_")


def test_unfitted_model_raises_not_fitted() -> None:
    model = TextAffinity()
    for call in (lambda: model.score("红外"), lambda: model.kneighbors(["红外"]),
                 lambda: model.explain("红外", "x"), lambda: model.add_profiles(PROFILES)):
        with pytest.raises(NotFitted):
            call()


def test_same_input_gives_the_same_output() -> None:
    queries = ["红外热像仪的探测器", "battery ageing", "复合材料检测"]
    assert tiny().kneighbors(queries, k=4) == tiny().kneighbors(queries, k=4)


@pytest.mark.parametrize("params", [{"weighting": "okapi"}, {"k1": -1.0}, {"b": 2.0},
                                    {"aggregation": "median"}, {"ngram_range": (3, 2)},
                                    {"max_postings": 0}, {"max_df": 0.0}])
def test_bad_parameters_are_refused_at_fit(params) -> None:
    model = TextAffinity(**params)  # __init__ stores, never validates
    with pytest.raises(InvalidInput):
        model.fit(PROFILES)


# -- BM25 and TF-IDF against answers computed by hand -------------------------------------
def test_bm25_on_a_tiny_corpus_matches_the_hand_computation() -> None:
    corpus = [{"id": "a", "docs": [{"text": "laser welding"}]},
              {"id": "b", "docs": [{"text": "laser cutting laser"}]},
              {"id": "c", "docs": [{"text": "battery"}]}]
    scores = TextAffinity(weighting="bm25", k1=1.2, b=0.75, fusion_rule=None).fit(
        corpus).score("laser")
    # N = 3, df = 2, avgdl = 2: idf = ln(1 + 1.5/2.5); a: tf 1, dl 2; b: tf 2, dl 3.
    idf = math.log(1.6)
    assert scores["a"] == pytest.approx(idf * 1 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 2 / 2)),
                                        rel=1e-6)
    assert scores["b"] == pytest.approx(idf * 2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * 3 / 2)),
                                        rel=1e-6)
    assert scores["c"] == 0.0


def reference_bm25(docs: list[list[str]], query: list[str], k1=1.2, b=0.75) -> list[float]:
    n = len(docs)
    avgdl = sum(map(len, docs)) / n
    out = []
    for doc in docs:
        s = 0.0
        for term in query:
            df = sum(term in d for d in docs)
            tf = doc.count(term)
            if tf:
                idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
                s += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(doc) / avgdl))
        out.append(s)
    return out


def test_bm25_equals_a_plain_python_reference_on_a_random_corpus() -> None:
    rng = random.Random(7)
    words = [f"w{i}" for i in range(30)]
    docs = [[rng.choice(words) for _ in range(rng.randint(1, 12))] for _ in range(40)]
    corpus = [{"id": str(i), "docs": [{"text": " ".join(d)}]} for i, d in enumerate(docs)]
    model = TextAffinity(weighting="bm25", max_postings=None, fusion_rule=None).fit(corpus)
    query = ["w1", "w2", "w2", "w17"]
    expected = reference_bm25(docs, query)
    got = model.score(" ".join(query))
    assert [got[str(i)] for i in range(40)] == pytest.approx(expected, rel=1e-5)


def test_tfidf_is_the_cosine_of_scikit_learns_sublinear_tfidf() -> None:
    model = tiny(weighting="tfidf", aggregation="concat", fusion_rule=None)
    texts = [" ".join(d["text"] for d in p["docs"]) for p in PROFILES]
    vec = TfidfVectorizer(tokenizer=model.tokenizer_, lowercase=False, token_pattern=None,
                          sublinear_tf=True)
    # Concatenated docs tokenised separately equal the joined text's tokens here.
    docs = vec.fit_transform(texts)
    query = "红外探测器和复合材料 battery"
    expected = (docs @ vec.transform([query]).T).toarray().ravel()
    got = model.score(query)
    assert [got[p["id"]] for p in PROFILES] == pytest.approx(expected.tolist(), abs=1e-6)


# -- aggregation --------------------------------------------------------------------------
@pytest.mark.parametrize("rule", RULES)
def test_fast_aggregation_equals_the_reference(rule) -> None:
    rng = np.random.default_rng(3)
    n_docs = rng.integers(1, 6, size=50)
    doc_scores = [[float(rng.random()) if rng.random() < 0.5 else 0.0 for _ in range(n)]
                  for n in n_docs]
    profiles, scores = [], []
    for p, s in enumerate(doc_scores):
        for x in s:
            if x > 0:
                profiles.append(p)
                scores.append(x)
    touched, got = aggregate(np.array(profiles), np.array(scores), n_docs, rule, k=2,
                             temperature=0.3)
    expected = aggregate_reference(doc_scores, rule, k=2, temperature=0.3)
    assert got.tolist() == pytest.approx([expected[p] for p in touched.tolist()])
    assert all(expected[p] == 0 for p in set(range(50)) - set(touched.tolist()))


def test_aggregation_rules_rank_a_focused_profile_differently() -> None:
    corpus = [{"id": "one-hit", "docs": [{"text": "laser welding"}] + [
                  {"text": f"topic{i} other"} for i in range(5)]},
              {"id": "two-hits", "docs": [{"text": "laser cutting"}, {"text": "laser optics"}]}]
    by_max = TextAffinity(weighting="bm25", aggregation="max").fit(corpus).score("laser welding")
    by_mean = TextAffinity(weighting="bm25", aggregation="mean").fit(corpus).score(
        "laser welding")
    assert by_max["one-hit"] > by_max["two-hits"]
    assert by_mean["one-hit"] < by_mean["two-hits"]


def test_unknown_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown aggregation"):
        aggregate(np.array([0]), np.array([1.0]), np.array([1]), "median")


# -- ranking, explanation, pruning --------------------------------------------------------
def test_kneighbors_finds_the_right_profile_in_chinese_and_english() -> None:
    model = tiny()
    top = model.kneighbors(["我们需要改进红外热像仪", "BATTERY management for EV cells",
                            "微特電機控制"], k=2)
    assert [rows[0][0] for rows in top] == ["xiopm", "tum-battery", "motor-lab"]
    assert all(len(rows) == 2 for rows in top)


def test_top_k_equals_sorting_every_score_on_a_corpus_of_many_blocks() -> None:
    # The concat path keeps only rows above a bound from block maxima (128 rows a block);
    # it must give exactly the full sort: ties in index order, zero scores padded.
    rng = random.Random(3)
    words = [f"w{i}" for i in range(60)]
    corpus = [{"id": f"p{i}", "docs": [{"text": " ".join(rng.choice(words) for _ in
                                                         range(rng.randint(1, 6)))}]}
              for i in range(1000)]
    corpus += [{"id": f"twin{i}", "docs": [{"text": "w1 w2 w3"}]} for i in range(20)]
    model = TextAffinity().fit(corpus)
    model.add_profiles([{"id": "late", "docs": [{"text": "w1 w2 w3 w59"}]}])
    for query in ["w1 w2 w3", "w59", "w7 w7 w8", "w1 nothingelse"]:
        scores = model.score(query)
        order = sorted(range(len(model.profile_ids_)),
                       key=lambda p: (-scores[model.profile_ids_[p]], p))
        for k in (1, 10, 25, 2000):
            expected = [(model.profile_ids_[p], scores[model.profile_ids_[p]])
                        for p in order[:k]]
            got = model.kneighbors([query], k=k)[0]
            assert [p for p, _ in got] == [p for p, _ in expected]
            assert [s for _, s in got] == pytest.approx([s for _, s in expected])


def test_k_larger_than_the_corpus_pads_with_zero_scores_in_index_order() -> None:
    rows = tiny().kneighbors(["红外热像仪"], k=1000)[0]
    assert len(rows) == len(PROFILES)
    assert rows[0][0] == "xiopm"
    assert [pid for pid, s in rows[1:]] == ["zju-composites", "motor-lab", "tum-battery"]
    assert all(s == 0.0 for _, s in rows[1:])


@pytest.mark.parametrize("k", [0, -3, 2.5, True])
def test_bad_k_is_refused(k) -> None:
    with pytest.raises(InvalidInput):
        tiny().kneighbors(["红外"], k=k)


def test_explain_lists_matched_terms_per_document_and_sums_to_the_score() -> None:
    model = tiny(weighting="bm25", aggregation="max")
    query = "红外探测器和光学元件"
    rows = model.contributions(query, "xiopm")
    assert {doc for _, _, doc in rows} == {"x1", "x2"}
    assert {("探测", "x1"), ("光学元件", "x2")} <= {(t, d) for t, _, d in rows}
    per_doc = {d: sum(w for _, w, dd in rows if dd == d) for d in ("x1", "x2")}
    assert model.score(query)["xiopm"] == pytest.approx(max(per_doc.values()), rel=1e-5)
    assert [w for _, w, _ in rows] == sorted((w for _, w, _ in rows), reverse=True)
    with pytest.raises(NotFound):
        model.explain(query, "nobody")


def test_concat_explanations_have_no_document_and_sum_to_the_score() -> None:
    model = tiny(weighting="bm25", aggregation="concat", fusion_rule=None)
    rows = model.contributions("红外探测器和光学元件", "xiopm")
    assert rows and {d for _, _, d in rows} == {None}
    assert sum(w for _, w, _ in rows) == pytest.approx(
        model.score("红外探测器和光学元件")["xiopm"], rel=1e-5)


def test_max_df_prunes_terms_found_nearly_everywhere() -> None:
    corpus = [{"id": str(i), "docs": [{"text": f"技术 topic{i}"}]} for i in range(10)]
    model = TextAffinity(max_df=0.5, fusion_rule=None).fit(corpus)
    assert "技术" in model.pruned_terms_ and "技术" not in model.vocabulary_
    assert model.score("技术 topic3") == {str(i): (0.0 if i != 3 else pytest.approx(
        model.score("topic3")["3"])) for i in range(10)}


def test_max_postings_keeps_the_highest_weights_of_a_common_term() -> None:
    corpus = [{"id": str(i), "docs": [{"text": " ".join(["laser"] * (i + 1) + ["x"] * 5)}]}
              for i in range(10)]
    full = TextAffinity(weighting="bm25", max_postings=None).fit(corpus).score("laser")
    capped_model = TextAffinity(weighting="bm25", max_postings=3).fit(corpus)
    capped = capped_model.score("laser")
    assert capped_model.capped_terms_ == 1
    best3 = sorted(full, key=full.get, reverse=True)[:3]
    assert {p for p, s in capped.items() if s > 0} == set(best3)
    assert all(capped[p] == pytest.approx(full[p]) for p in best3)


@pytest.mark.parametrize("params", [{}, {"aggregation": "max"}, {"max_postings": 2}])
def test_a_term_s_postings_name_each_row_once(params) -> None:
    """Scoring adds a term's postings with a buffered ``+=`` (not np.add.at), which is
    exact only when no row repeats within a term: repeated words must be summed at fit."""
    corpus = [{"id": str(i), "docs": [{"text": "laser laser 激光 激光 激光 x"},
                                      {"text": "laser 激光"}]} for i in range(6)]
    model = TextAffinity(**params).fit(corpus)
    ptr, rows = model.postings_ptr_, model.postings_row_
    for c in range(model.n_terms_main_):
        column = rows[ptr[c]:ptr[c + 1]]
        assert len(np.unique(column)) == len(column)
    top = model.kneighbors(["laser 激光"], k=6)[0]
    assert [s for _, s in top] == pytest.approx([model.score("laser 激光")[p] for p, _ in top])


# -- adding profiles ----------------------------------------------------------------------
def test_an_added_profile_is_rankable_at_once_and_ranks_as_after_a_refit() -> None:
    new = {"id": "sic-lab", "docs": [{"id": "s1", "text": "碳化硅功率器件的外延生长与缺陷控制"},
                                     {"id": "s2", "text": "Silicon carbide MOSFET reliability"}]}
    model = tiny(aggregation="max")
    assert model.add_profiles([new]) == ["sic-lab"]
    assert model.n_added_ == 1
    refit = TextAffinity(aggregation="max").fit([*PROFILES, new])
    for query in ["碳化硅外延缺陷", "SiC MOSFET reliability", "红外探测器"]:
        ranked_added = [p for p, _ in model.kneighbors([query], k=5)[0]]
        ranked_refit = [p for p, _ in refit.kneighbors([query], k=5)[0]]
        assert ranked_added.index("sic-lab") == ranked_refit.index("sic-lab")
    assert model.kneighbors(["碳化硅外延缺陷"], k=1)[0][0][0] == "sic-lab"
    assert {d for _, _, d in model.explain("碳化硅 MOSFET", "sic-lab")} == {"s1", "s2"}


def test_added_profiles_keep_pruned_terms_pruned_and_index_new_terms() -> None:
    corpus = [{"id": str(i), "docs": [{"text": f"技术 topic{i}"}]} for i in range(10)]
    model = TextAffinity(max_df=0.5).fit(corpus)
    model.add_profiles([{"id": "new", "docs": [{"text": "技术 graphene"}]}])
    assert "技术" not in model.vocabulary_  # pruned at fit, stays pruned
    scores = model.score("graphene")  # a term the fit never saw
    assert scores["new"] > 0 and all(v == 0 for p, v in scores.items() if p != "new")


def test_adding_a_known_id_is_refused() -> None:
    with pytest.raises(InvalidInput, match="already indexed"):
        tiny().add_profiles([PROFILES[0]])


def test_partial_fit_fits_then_adds() -> None:
    model = TextAffinity().partial_fit(PROFILES[:2]).partial_fit(PROFILES[2:])
    assert model.profile_ids_ == [p["id"] for p in PROFILES]
    assert model.kneighbors(["battery"], k=1)[0][0][0] == "tum-battery"


def test_two_processes_give_the_same_index_and_answers(monkeypatch) -> None:
    import duijie.matcher.batch_tokenize as batch_tokenize
    import duijie.matcher.text as text
    monkeypatch.setattr(batch_tokenize, "_POOL_MIN_TEXTS", 1)
    monkeypatch.setattr(text, "_POOL_MIN_QUERIES", 1)
    one, two = tiny(), tiny(n_jobs=2)
    assert (one.matrix_ != two.matrix_).nnz == 0 and one.terms_ == two.terms_
    queries = ["红外热像仪", "battery ageing", "复合材料"]
    assert one.kneighbors(queries, k=3) == two.kneighbors(queries, k=3)


# -- bad input ----------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", "   \n\t", None, 42])
def test_empty_or_non_text_query_is_refused(text) -> None:
    with pytest.raises(InvalidInput):
        tiny().score(text)


def test_punctuation_only_query_says_it_has_no_terms() -> None:
    with pytest.raises(InvalidInput, match="no searchable terms"):
        tiny().kneighbors(["红外", "！？。……"], k=1)


def test_query_with_no_known_term_scores_zero_everywhere() -> None:
    assert set(tiny().score("quantum chromodynamics").values()) == {0.0}


def test_a_megabyte_query_is_cut_to_max_query_chars() -> None:
    model = tiny(max_query_chars=2000)
    huge = ("红外热像仪" + "无关内容" * 10) * 25_000
    assert len(huge) > 1_000_000
    assert model.score(huge) == model.score(huge[:2000])


@pytest.mark.parametrize("profiles, message", [
    ([], "no profiles"),
    ([{"id": "a", "docs": []}], "non-empty list"),
    ([{"id": "a", "docs": [{"text": "  "}]}], "is empty"),
    ([{"docs": [{"text": "x"}]}], "profile id"),
    ([{"id": "a", "docs": [{"text": "x"}]}, {"id": "a", "docs": [{"text": "y"}]}], "duplicate"),
])
def test_bad_profiles_are_refused_naming_the_record(profiles, message) -> None:
    with pytest.raises(InvalidInput, match=message):
        TextAffinity().fit(profiles)


@pytest.mark.parametrize("aggregation", [*RULES, "concat"])
def test_every_aggregation_ranks_the_obvious_answer_first(aggregation) -> None:
    model = tiny(aggregation=aggregation)
    assert model.kneighbors(["碳纤维复合材料的成型"], k=1)[0][0][0] == "zju-composites"


# -- explanations people read ---------------------------------------------------------------
EXPERTS = [
    {"id": "cao", "docs": [
        {"id": "d1", "text": "SiC功率模块高效逆变器。研究SiC功率器件驱动与软开关拓扑，逆变器效率"
                             "提升至99%，并解决高频开关电磁兼容问题。"},
        {"id": "d2", "text": "高效电机系统损耗分析。建立电机与变频器一体化损耗模型。"}]},
    {"id": "duan", "docs": [
        {"id": "d1", "text": "激光选区熔化后处理成套技术及应用。突破后处理、拓扑优化等关键技术，"
                             "采用高通量实验筛选，项目成果已在多家企业应用。"},
        {"id": "d2", "text": "选区激光熔化对后处理的影响机理研究。系统研究了增材制造中选区激光熔化"
                             "与后处理的关系，为增材制造工程应用提供了依据。"}]},
    {"id": "xiopm", "docs": [
        {"id": "d1", "text": "红外光学系统无热化设计与光学设计软件开发，非球面加工与检测。"}]},
    {"id": "other", "docs": [{"id": "d1", "text": "印染废水处理与数码印花，企业项目研究。"}]},
]
NEEDS = {
    "cao": "SiC功率模块逆变器效率提升。公司光伏逆变器拟采用SiC功率器件，面临驱动设计与电磁兼容"
           "难题，希望合作开发高效软开关拓扑。",
    "duan": "拓扑优化国产化替代。公司主营增材制造产品，在激光选区熔化方面已有一定研发基础。目前"
            "拓扑优化成本偏高，影响产品良率，企业希望采用高效方法解决，开展后处理研究项目。",
    "xiopm": "红外锗镜头无热化光学设计。热像仪出现离焦，需要红外光学系统无热化设计与非球面加工"
             "方面的支持。",
}


@pytest.mark.parametrize("aggregation", ["max", "concat"])
def test_explain_gives_whole_words_not_fragments_or_generic_words(aggregation) -> None:
    model = TextAffinity(aggregation=aggregation).fit(EXPERTS)
    words = {pid: [w for w, _, _ in model.explain(query, pid)] for pid, query in NEEDS.items()}
    assert {"SiC功率模块", "逆变器", "软开关", "电磁兼容"} <= set(words["cao"])
    assert {"拓扑优化", "增材制造", "激光选区熔化", "后处理"} <= set(words["duan"])
    assert {"红外光学", "光学设计", "非球面"} <= set(words["xiopm"])
    shown = {w for ws in words.values() for w in ws}
    # fragments across word boundaries, bare bigram pieces, generic words: never shown
    for bad in ["拓扑优化成", "用高", "后处", "sic功率模块逆变器效率提", "SiC功率模块逆变器效率提",
                "化成", "扑优", "企业", "影响", "项目", "研究", "解决", "技术", "公司"]:
        assert bad not in shown, bad
    assert all(len(w) >= 2 for w in shown)
    # every word is a stretch of the query the profile's terms span
    for pid, ws in words.items():
        assert all(w in NEEDS[pid] for w in ws)


def test_explain_weights_come_from_the_contributions_inside_each_word() -> None:
    model = TextAffinity(aggregation="concat").fit(EXPERTS)
    query = NEEDS["duan"]
    raw = {t: w for t, w, _ in model.contributions(query, "duan")}
    shown = dict((w, s) for w, s, _ in model.explain(query, "duan"))
    inside = sum(w for t, w in raw.items() if t in "拓扑优化" and len(t) >= 2)
    assert shown["拓扑优化"] == pytest.approx(inside)
    assert sum(shown.values()) < sum(raw.values())  # generic words and fragments left out
    assert list(shown.values()) == sorted(shown.values(), reverse=True)
    assert model.explain("quantum chromodynamics", "duan") == []
