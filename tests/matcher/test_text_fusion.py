"""The fused scorer (concat + a per-document rule over the best profiles) against plain parts."""

from __future__ import annotations

import random

import numpy as np
import pytest

from duijie.matcher.text import TextAffinity

WORDS = ("红外", "探测器", "碳纤维", "复合材料", "电机", "控制", "battery", "ageing", "光学",
         "相机", "预浸料", "固化", "永磁", "噪声", "laser", "welding", "涂层", "腐蚀")


def corpus(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    return [{"id": f"p{i}", "docs": [
        {"id": f"p{i}/{j}", "text": " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 8)))}
        for j in range(rng.randint(1, 5))]} for i in range(n)]


def reference(profiles: list[dict], query: str, weight: float = 0.5) -> dict[str, float]:
    """(1 - w) concat / best + w sum_sqrt / best, every profile fused (depth unbounded)."""
    concat = TextAffinity(fusion_rule=None).fit(profiles).score(query)
    per_doc = TextAffinity(aggregation="sum_sqrt").fit(profiles).score(query)
    top_c, top_d = max(concat.values()), max(per_doc.values())
    return {p: (1 - weight) * concat[p] / top_c + weight * per_doc[p] / top_d for p in concat}


@pytest.mark.parametrize("weight", [0.5, 0.2])
def test_fused_scores_equal_the_two_plain_scorers_combined(weight):
    profiles = corpus(60, seed=1)
    model = TextAffinity(fusion_weight=weight, fusion_depth=1000, title_weight=0.0).fit(profiles)
    for query in ("红外探测器噪声", "碳纤维复合材料固化 预浸料", "battery ageing laser"):
        assert model.score(query) == pytest.approx(reference(profiles, query, weight))


def test_top_k_agrees_with_scoring_every_profile_at_a_small_depth():
    profiles = corpus(300, seed=2)
    model = TextAffinity(fusion_depth=20).fit(profiles)
    for query in ("红外探测器噪声", "永磁电机控制", "涂层 腐蚀 welding"):
        every = model.score(query)
        best = sorted(every.items(), key=lambda kv: (-kv[1], int(kv[0][1:])))[:10]
        top = model.kneighbors([query], k=10)[0]
        assert [p for p, _ in top] == [p for p, _ in best]
        assert [s for _, s in top] == pytest.approx([s for _, s in best])


def test_explanations_name_documents_and_match_the_per_document_model():
    profiles = corpus(40, seed=3)
    fused = TextAffinity().fit(profiles)
    per_doc = TextAffinity(aggregation="sum_sqrt").fit(profiles)
    query = "红外探测器 碳纤维复合材料"
    for pid in ("p0", "p7", "p19"):
        got = fused.contributions(query, pid)
        assert got == [(t, pytest.approx(w), d) for t, w, d in per_doc.contributions(query, pid)]
        assert all(d is not None for _, _, d in got)
        assert fused.explain(query, pid) == per_doc.explain(query, pid)


def test_added_profiles_are_fused_like_fitted_ones():
    profiles = corpus(50, seed=4)
    new = {"id": "new", "docs": [{"id": "n1", "text": "红外探测器 噪声 红外"},
                                 {"id": "n2", "text": "光学 相机"}]}
    fused = TextAffinity(fusion_depth=1000, title_weight=0.0).fit(profiles)  # the fusion alone
    fused.add_profiles([new])
    concat = TextAffinity(fusion_rule=None).fit(profiles)
    concat.add_profiles([new])
    per_doc = TextAffinity(aggregation="sum_sqrt").fit(profiles)
    per_doc.add_profiles([new])
    query = "红外探测器噪声"
    c, d = concat.score(query), per_doc.score(query)
    expected = {p: 0.5 * c[p] / max(c.values()) + 0.5 * d[p] / max(d.values()) for p in c}
    assert fused.score(query) == pytest.approx(expected)
    assert fused.kneighbors([query], k=1)[0][0][0] == max(expected, key=expected.get)
    assert next(d for _, _, d in fused.contributions(query, "new")) in ("n1", "n2")


def test_fusion_parameters_are_validated_and_can_be_switched_off():
    from duijie.graph.errors import InvalidInput

    for bad in ({"fusion_rule": "median"}, {"fusion_weight": 1.5}, {"fusion_depth": 0}):
        with pytest.raises(InvalidInput):
            TextAffinity(**bad).fit(corpus(3, seed=5))
    off = TextAffinity(fusion_weight=0.0, title_weight=0.0).fit(corpus(30, seed=6))
    assert off.doc_model_ is None
    plain = TextAffinity(fusion_rule=None).fit(corpus(30, seed=6))
    assert off.score("红外 电机") == plain.score("红外 电机")


def test_the_fused_index_keeps_one_copy_of_the_per_document_weights():
    model = TextAffinity().fit(corpus(200, seed=7))
    doc = model.doc_model_
    assert doc.postings_row_.size == 0 and doc.rows_col_.size > 0
    assert model.index_nbytes_ > doc.rows_col_.nbytes + doc.rows_weight_.nbytes
    assert np.all(np.diff(doc.rows_ptr_) >= 0)


def test_each_language_gets_its_own_fusion_weight():
    from duijie.matcher.fusion import FUSION_WEIGHT_BY_LANGUAGE

    profiles = corpus(80, seed=8)
    by_language = TextAffinity().fit(profiles)
    fixed = {lang: TextAffinity(fusion_weight=w).fit(profiles)
             for lang, w in FUSION_WEIGHT_BY_LANGUAGE.items()}
    assert FUSION_WEIGHT_BY_LANGUAGE["zh"] != FUSION_WEIGHT_BY_LANGUAGE["en"]
    for query, lang in (("红外探测器噪声", "zh"), ("碳纤维复合材料 laser", "zh"),
                        ("battery ageing laser welding", "en")):
        other = "en" if lang == "zh" else "zh"
        got = by_language.score(query)
        assert got == pytest.approx(fixed[lang].score(query))
        assert got != pytest.approx(fixed[other].score(query))  # the test can tell them apart
        assert by_language.kneighbors([query], k=5) == fixed[lang].kneighbors([query], k=5)


def test_by_language_is_a_parameter_like_any_other():
    from sklearn.base import clone

    from duijie.graph.errors import InvalidInput

    model = TextAffinity()
    assert model.get_params()["fusion_weight"] == "by_language"
    assert clone(model).get_params() == model.get_params()
    assert TextAffinity(fusion_weight=0.3).fusion_weight_for("红外") == 0.3
    with pytest.raises(InvalidInput, match="fusion_weight"):
        TextAffinity(fusion_weight="by_script").fit(corpus(3, seed=9))


@pytest.mark.parametrize("rule", ["sum_sqrt", "max"])
def test_profiles_of_many_documents_are_fused_from_the_terms_not_every_row(monkeypatch, rule):
    """Institutes have about a hundred documents each: the fusion then reads the query
    terms' columns instead of every document's row. A rule that adds documents up
    (sum_sqrt, the default) reads each profile's summed term weights
    (`fusion._linear_scores`): the same scores to within rounding; any other rule reads
    the terms' postings by document (`fusion._by_columns`): the rows' scores bit for bit.
    Documents added after the fit count too."""
    from duijie.matcher import fusion

    rng = random.Random(4)
    profiles = [{"id": f"i{i}", "docs": [
        {"id": f"i{i}/{j}", "text": " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 9)))}
        for j in range(rng.randint(20, 60))]} for i in range(40)]
    monkeypatch.setattr(fusion, "ROWS_OR_COLUMNS", 10 ** 12)
    by_rows = TextAffinity(fusion_depth=15, fusion_rule=rule).fit(profiles)
    assert "cols_" not in vars(by_rows.doc_model_)
    assert "profile_sums_" not in vars(by_rows.doc_model_)
    monkeypatch.setattr(fusion, "ROWS_OR_COLUMNS", 100)
    by_terms = TextAffinity(fusion_depth=15, fusion_rule=rule).fit(profiles)
    assert "cols_" in vars(by_terms.doc_model_)  # built with the model, not by a first query
    assert ("profile_sums_" in vars(by_terms.doc_model_)) == (rule == "sum_sqrt")
    added = [{"id": "new", "docs": [{"id": "new/0", "text": "红外 探测器 噪声 光学"}]}]
    for model in (by_rows, by_terms):
        model.add_profiles(added)
    for query in ("红外探测器噪声", "碳纤维复合材料固化 预浸料", "battery ageing laser",
                  "光学相机"):
        doc = by_terms.doc_model_
        cols, weights = doc._query_vector(query)
        every = np.arange(len(by_terms.profile_ids_))
        monkeypatch.setattr(fusion, "ROWS_OR_COLUMNS", 10 ** 12)
        rows = fusion.candidate_doc_scores(doc, cols, weights, every)
        monkeypatch.setattr(fusion, "ROWS_OR_COLUMNS", 0)
        terms = fusion.candidate_doc_scores(doc, cols, weights, every)
        assert rows.max() > 0 and terms[-1] == rows[-1]  # the added profile: by its rows
        if rule == "max":
            assert np.array_equal(rows, terms)
        else:
            assert np.allclose(rows, terms, rtol=1e-12, atol=0)
        ranked = [[pid for pid, _ in by_terms.kneighbors([query], k=10)[0]],
                  [pid for pid, _ in by_rows.kneighbors([query], k=10)[0]]]
        assert ranked[0] == ranked[1]
