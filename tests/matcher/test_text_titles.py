"""Title weighting in `TextAffinity`: the shipped default equals the method the harness chose."""

from __future__ import annotations

import random

import numpy as np
import pytest

from duijie.evaluation.methods import fuse, lexical, titles
from duijie.evaluation.sets import all_sets
from duijie.graph.errors import InvalidInput
from duijie.matcher.fusion import TITLE_WEIGHT_BY_LANGUAGE
from duijie.matcher.text import TextAffinity

WORDS = ("红外", "探测器", "碳纤维", "复合材料", "电机", "控制", "battery", "ageing", "光学",
         "相机", "预浸料", "固化", "永磁", "噪声", "laser", "welding", "涂层", "腐蚀")


def papers(n: int, seed: int) -> list[dict]:
    """Profiles of papers: a short title line, then a longer abstract."""
    rng = random.Random(seed)

    def words(lo: int, hi: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))
    return [{"id": f"p{i}", "docs": [{"id": f"p{i}/{j}", "text": f"{words(1, 3)}\n{words(4, 12)}"}
                                     for j in range(rng.randint(1, 4))]} for i in range(n)]


def chosen(weight: float = 0.1, **params):
    """The harness's method for Chinese queries: the fusion without titles 0.9, the
    documents' first lines 0.1 (`benchmarks/quality_harness.py`, "paper titles 0.1")."""
    return fuse([(lexical(title_weight=0.0, **params), 1 - weight),
                 (titles(lexical(fusion_rule=None)), weight)])


def agree(model: TextAffinity, profiles: list[dict], queries: list[str], want: np.ndarray,
          k: int = 10):
    ids = [p["id"] for p in profiles]
    for query, row in zip(queries, want, strict=True):
        got = model.score(query)
        assert [got[i] for i in ids] == pytest.approx(row.tolist(), abs=1e-9, rel=0), query
        order = np.lexsort((np.arange(len(ids)), -row))[:k]
        top = model.kneighbors([query], k=k)[0]
        assert [p for p, _ in top] == [ids[j] for j in order], query
        assert [s for _, s in top] == pytest.approx(row[order].tolist(), abs=1e-9, rel=0)


@pytest.mark.parametrize("name", ["acl-zh", "nsfc-l2-zh", "built-here"])
def test_the_default_scores_chinese_queries_as_the_harness_chose_and_english_as_before(name):
    labelled = all_sets()[name]
    profiles = labelled.profiles
    queries = [q["text"] for q in labelled.queries]
    model = TextAffinity().fit(profiles)
    zh = [q for q in queries if model.title_weight_for(q) == TITLE_WEIGHT_BY_LANGUAGE["zh"]]
    en = [q for q in queries if model.title_weight_for(q) == 0]
    assert zh and len(zh) + len(en) == len(queries)
    agree(model, profiles, zh, chosen()(profiles, zh))
    if en:  # built-here has English needs: the fusion alone, as measured
        agree(model, profiles, en, lexical(title_weight=0.0)(profiles, en))
    # The titles move the scores: the test can tell the two apart.
    assert not np.allclose(chosen()(profiles, zh), lexical(title_weight=0.0)(profiles, zh))


@pytest.mark.parametrize(("weight", "fusion"), [(0.1, "by_language"), (0.9, "by_language"),
                                               (0.9, 0.0)])
def test_a_profile_raised_by_its_titles_reaches_the_top_k_from_below_the_candidates(
        weight, fusion):
    """The top k reads only the best by concat (and the fusion re-ranks only the best
    of those); a profile below them whose titles match still gets its title part, as
    when every profile is scored."""
    profiles = papers(2000, seed=3)
    queries = ["红外探测器噪声", "碳纤维复合材料 预浸料固化", "永磁电机控制"]
    params = {"fusion_depth": 5, "fusion_weight": fusion}
    model = TextAffinity(title_weight=weight, **params).fit(profiles)
    for k in (1, 3, 10):
        agree(model, profiles, queries, chosen(weight, **params)(profiles, queries), k)


def test_added_profiles_get_their_titles_too():
    profiles = papers(60, seed=4)
    new = [{"id": "new", "docs": [{"id": "n1", "text": "红外探测器噪声\n光学 相机 涂层"}]}]
    model = TextAffinity().fit(profiles)
    model.add_profiles(new)
    plain = TextAffinity(title_weight=0.0).fit(profiles)
    plain.add_profiles(new)
    heads = [{"id": p["id"], "docs": [{"id": d["id"], "text": d["text"].split("\n")[0]}
                                      for d in p["docs"]]} for p in [*profiles, *new]]
    title = TextAffinity(fusion_rule=None).fit(heads[:-1])
    title.add_profiles(heads[-1:])
    query = "红外探测器噪声"
    m, t = plain.score(query), title.score(query)
    want = {p: 0.9 * m[p] / max(m.values()) + 0.1 * t[p] / max(t.values()) for p in m}
    assert model.score(query) == pytest.approx(want, abs=1e-12)
    best = sorted(want.items(), key=lambda kv: -kv[1])[:5]  # the top k reads the side index
    top = model.kneighbors([query], k=5)[0]
    assert [p for p, _ in top] == [p for p, _ in best] and best[0][0] == "new"
    assert [s for _, s in top] == pytest.approx([s for _, s in best], abs=1e-12)
    assert model.title_model_.profile_ids_ == model.profile_ids_


def test_title_weight_is_a_parameter_and_zero_builds_nothing():
    profiles = papers(30, seed=5)
    assert TextAffinity(title_weight=0.0).fit(profiles).title_model_ is None
    assert TextAffinity(fusion_rule=None).fit(profiles).title_model_ is None  # concat alone
    fixed = TextAffinity(title_weight=0.3).fit(profiles)
    assert fixed.title_weight_for("laser welding") == 0.3
    with_titles = TextAffinity().fit(profiles)
    assert with_titles.index_nbytes_ > TextAffinity(title_weight=0.0).fit(profiles).index_nbytes_
    for bad in (1.5, "by_script", -0.1):
        with pytest.raises(InvalidInput, match="title_weight"):
            TextAffinity(title_weight=bad).fit(profiles)


def test_a_document_whose_first_line_is_blank_is_titled_by_its_first_words():
    profiles = [{"id": "a", "docs": [{"id": "1", "text": "\n  \n红外探测器\n摘要 碳纤维"}]},
                {"id": "b", "docs": [{"id": "2", "text": "碳纤维复合材料\n红外"}]}]
    model = TextAffinity().fit(profiles)
    assert model.title_model_.score("红外探测器")["a"] > 0
    assert model.title_model_.score("碳纤维")["a"] == 0
