"""Meaning in the recommender (`matcher.meaning`): stored vectors re-rank the lexical and
graph candidates, find profiles words cannot, and change nothing when none are stored.

The vectors here are written by hand (two axes: infrared, composites) so that what meaning
does to a ranking is known exactly; the encoder itself is tested in tests/api/test_embeddings.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from duijie.graph.errors import InvalidInput
from duijie.matcher.recommend import RecommendConfig, default_config
from duijie.matcher.recommender import Recommender
from duijie.matcher.semantic import EmbeddingCache, SemanticSide
from duijie.matcher.snapshot import GraphSnapshot

IR, CF = np.array([1.0, 0.0]), np.array([0.0, 1.0])

NODES = [
    ("need:ir", "Need", {"title": "红外探测器噪声", "text": "提升红外探测器灵敏度"}),
    ("need:cf", "Need", {"title": "碳纤维成型", "text": "碳纤维预浸料热压成型"}),
    # Both share the need's words; only one works on infrared by meaning.
    ("exp:ir", "Expert", {"name": "王研究员", "docs": [
        {"id": "d", "text": "红外探测器读出电路低噪声设计"}]}),
    ("exp:word", "Expert", {"name": "李工", "docs": [
        {"id": "d", "text": "红外探测器外壳注塑 碳纤维外壳 成型"}]}),
    # English only: shares no word with a Chinese need.
    ("exp:en", "Expert", {"name": "Dr. Smith", "docs": [
        {"id": "d", "text": "uncooled microbolometer readout noise"}]}),
    ("exp:cf", "Expert", {"name": "赵教授", "docs": [
        {"id": "d", "text": "碳纤维复合材料热压成型"}]}),
]
MEANING = {"need:ir": IR, "need:cf": CF, "exp:ir": IR, "exp:word": 0.3 * IR + CF,
           "exp:en": IR, "exp:cf": CF}


def side_for(rec: Recommender, only: set[str] | None = None) -> SemanticSide:
    """Every document of a node gets the node's hand-made vector (of `only` nodes)."""
    cache = EmbeddingCache(model="hand-made")
    for node, vector in MEANING.items():
        if only is None or node in only:
            for doc in rec.profile(node)["docs"]:
                cache.put(doc["text"], vector)
    return SemanticSide(cache, encode=lambda texts: np.vstack([IR] * len(texts)))


@pytest.fixture(scope="module")
def lexical() -> Recommender:
    return Recommender(GraphSnapshot.from_records(NODES, []))


def ranked(recommendation) -> list[str]:
    return [item.id for item in recommendation.items]


def test_meaning_reranks_the_candidates_words_found(lexical):
    words = lexical.recommend("need:ir", "expert", k=3)
    assert "meaning" not in words.items[0].components
    meant = lexical.with_semantic(side_for(lexical)).recommend("need:ir", "expert", k=3)
    assert ranked(meant)[0] == "exp:ir"
    first = meant.items[0]
    assert set(first.components) == {"text", "graph", "meaning"}
    assert first.components["meaning"] == 1.0
    by_id = {i.id: i for i in meant.items}
    assert by_id["exp:word"].components["meaning"] < 0.3  # cos 0.29, over the best's 1.0
    assert lexical.semantic is None  # the lexical recommender is left as it was


def test_meaning_finds_a_profile_that_shares_no_word(lexical):
    # Words give it nothing (here it is listed only because this tiny graph has no edges
    # and every node gets the same graph score): last.
    words = lexical.recommend("need:ir", "expert", k=10)
    assert ranked(words)[-1] == "exp:en" and words.items[-1].components["text"] == 0.0
    meant = lexical.with_semantic(side_for(lexical)).recommend("need:ir", "expert", k=10)
    assert ranked(meant)[:2] == ["exp:ir", "exp:en"]
    found = {i.id: i for i in meant.items}["exp:en"]
    assert found.components["text"] == 0.0 and found.components["meaning"] == 1.0
    assert {"code": "similar_meaning", "values": {}, "ids": {}} in found.reasons()
    # A typed-in text is encoded (here: onto the infrared axis).
    typed = lexical.with_semantic(side_for(lexical)).recommend(
        text="thermal camera sensitivity", kind="expert", k=3)
    assert {"exp:ir", "exp:en"} <= set(ranked(typed))


def test_without_stored_vectors_the_ranking_is_the_lexical_one(lexical):
    empty = SemanticSide(EmbeddingCache(model="hand-made"))
    for need in ("need:ir", "need:cf"):
        plain = lexical.recommend(need, "expert", k=4)
        with_nothing = lexical.with_semantic(empty).recommend(need, "expert", k=4)
        assert [(i.id, i.score, i.components) for i in with_nothing.items] == \
            [(i.id, i.score, i.components) for i in plain.items]


def test_a_candidate_without_a_vector_keeps_its_lexical_standing(lexical):
    # Only the need and exp:cf are stored: exp:word has no vector, so its meaning is its
    # normalised text score, not 0 (a record added after the embeddings job is not hurt).
    side = side_for(lexical, only={"need:cf", "exp:cf"})
    meant = lexical.with_semantic(side).recommend("need:cf", "expert", k=3)
    by_id = {i.id: i for i in meant.items}
    assert by_id["exp:word"].components["meaning"] == by_id["exp:word"].components["text"]
    assert ranked(meant)[0] == "exp:cf"


def test_both_directions_read_the_same_meaning(lexical):
    rec = lexical.with_semantic(side_for(lexical))
    forward = {i.id: i for i in rec.recommend("need:cf", "expert", k=5).items}
    reverse = {i.id: i for i in rec.recommend_for("exp:cf", "need", k=5).items}
    assert forward["exp:cf"].components["meaning"] == 1.0
    assert reverse["need:cf"].components["meaning"] == 1.0
    assert ranked(rec.recommend_for("exp:cf", "need", k=5))[0] == "need:cf"


# -- the semantic weight per query–profile language pair ------------------------------

EN_NODES = [
    ("need:en", "Need", {"title": "Infrared detector noise",
                         "text": "reduce readout noise of infrared detectors"}),
    ("exp:en-ir", "Expert", {"name": "Dr. Smith", "docs": [
        {"id": "d", "text": "infrared detector readout circuits"}]}),
    # More of the need's words, but composites by meaning.
    ("exp:en-words", "Expert", {"name": "Dr. Jones", "docs": [
        {"id": "d", "text": "infrared detector housing noise readout composite moulding"}]}),
]
EN_MEANING = {"need:en": IR, "exp:en-ir": IR, "exp:en-words": 0.2 * IR + CF}


def english_side(rec: Recommender) -> SemanticSide:
    cache = EmbeddingCache(model="hand-made")
    for node, vector in EN_MEANING.items():
        for doc in rec.profile(node)["docs"]:
            cache.put(doc["text"], vector)
    return SemanticSide(cache)


def fused(item, share: float, weights=(0.6, 0.4)) -> float:
    """An expert's score by hand: text weight split `share` to meaning, the rest to words."""
    text, graph = weights
    c = item.components
    return text * (1 - share) * c["text"] + text * share * c["meaning"] + graph * c["graph"]


def with_weight(rec: Recommender, weight) -> Recommender:
    """The same recommender with ``semantic_weight`` set (the profiles are shared)."""
    other = rec.with_semantic(rec.semantic)
    other.config = rec.config.set_params(semantic_weight=weight)
    return other


def test_the_default_resolves_the_semantic_weight_per_language_pair():
    assert default_config().semantic_weight == "by_pair"  # stored as given
    assert RecommendConfig.from_dict({**default_config().to_dict(), "semantic_weight": 0.3}
                                     ).semantic_weight == 0.3
    for bad in ("by_language", 1.5, -0.1, True, None):
        with pytest.raises(InvalidInput, match="semantic_weight"):
            default_config().set_params(semantic_weight=bad)


def test_an_english_need_against_english_profiles_uses_the_english_weight():
    lexical = Recommender(GraphSnapshot.from_records(EN_NODES, []))
    rec = lexical.with_semantic(english_side(lexical))
    items = rec.recommend("need:en", "expert", k=2).items
    assert {i.id for i in items} == {"exp:en-ir", "exp:en-words"}
    for item in items:
        assert item.score == pytest.approx(fused(item, 0.03), abs=1e-9)
        assert item.score != pytest.approx(fused(item, 0.6), abs=1e-3)
    # The same as 0.03 given for every pair; with the Chinese 0.6 meaning would win.
    fixed = with_weight(rec, 0.03).recommend("need:en", "expert", k=2).items
    assert [(i.id, i.score) for i in fixed] == [(i.id, i.score) for i in items]
    assert items[0].id == "exp:en-words"
    assert with_weight(rec, 0.6).recommend("need:en", "expert", k=2).items[0].id == "exp:en-ir"


def test_a_chinese_need_against_an_english_profile_uses_the_cross_weight(lexical):
    rec = lexical.with_semantic(side_for(lexical))
    items = {i.id: i for i in rec.recommend("need:ir", "expert", k=10).items}
    english = items["exp:en"]
    assert english.components["text"] == 0.0 and english.components["meaning"] == 1.0
    assert english.score == pytest.approx(fused(english, 0.8), abs=1e-9)
    crossed = {i.id: i for i in with_weight(rec, 0.8).recommend("need:ir", "expert",
                                                                   k=10).items}
    assert english.score == crossed["exp:en"].score


def test_a_chinese_need_against_chinese_profiles_scores_as_before(lexical):
    # Before, `recommend` gave every pair the Chinese 0.6: Chinese pairs keep exactly
    # those scores (and their order), both directions.
    rec = lexical.with_semantic(side_for(lexical))
    before = with_weight(rec, 0.6)
    for need in ("need:ir", "need:cf"):
        now = [(i.id, i.score, i.components) for i in rec.recommend(need, "expert", k=10).items
               if i.id != "exp:en"]
        then = [(i.id, i.score, i.components) for i in before.recommend(need, "expert",
                                                                         k=10).items
                if i.id != "exp:en"]
        assert now == then and len(now) == 3
        for item in rec.recommend(need, "expert", k=10).items:
            if item.id != "exp:en":
                assert item.score == pytest.approx(fused(item, 0.6), abs=1e-9)
    for expert in ("exp:ir", "exp:cf"):
        assert [(i.id, i.score) for i in rec.recommend_for(expert, "need", k=5).items] == \
            [(i.id, i.score) for i in before.recommend_for(expert, "need", k=5).items]


def test_profile_languages_are_found_once_per_recommender(lexical):
    rec = lexical.with_semantic(side_for(lexical))
    rec.recommend("need:ir", "expert", k=10)
    assert rec._languages["exp:en"] == "en" and rec._languages["exp:ir"] == "zh"
    rec._languages["exp:en"] = "zh"  # a memo hit: the English profile now reads Chinese
    english = {i.id: i for i in rec.recommend("need:ir", "expert", k=10).items}["exp:en"]
    assert english.score == pytest.approx(fused(english, 0.6), abs=1e-9)
