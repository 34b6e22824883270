"""Meaning in the recommender (`matcher.meaning`): stored vectors re-rank the lexical and
graph candidates, find profiles words cannot, and change nothing when none are stored.

The vectors here are written by hand (two axes: infrared, composites) so that what meaning
does to a ranking is known exactly; the encoder itself is tested in tests/api/test_embeddings.py.
"""

from __future__ import annotations

import numpy as np
import pytest

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
