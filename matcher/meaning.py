"""Meaning in the hybrid recommender: the semantic part of the text component.

With stored document embeddings (`matcher.semantic.SemanticSide`, given to the
`Recommender` by `api.services.recommendations` when ``duijie[semantic]`` is installed and
the embeddings job has run), `rank` re-ranks its lexical and graph candidates by meaning:
the text weight of the config is split, ``semantic_weight`` (0.6, the quality harness's
choice for Chinese) to a ``meaning`` component (the cosine of the query's vector with each
candidate's profile vector, over the best candidate's) and the rest to the lexical ``text``
component.
A candidate none of whose documents has a vector yet keeps its lexical score as its meaning
(it is neither helped nor hurt). When words find fewer than k candidates, the nearest
profiles by meaning are added (a Chinese need and an English profile share no word).

The query's vector is the stored profile vector of the need (or, the reverse way, of the
asking expert, institute or programme), so both directions read the same cosine; an
unsaved text is encoded (`SemanticSide.encode`).

>>> import numpy as np
>>> split_weights({"text": 0.6, "graph": 0.4}, 0.7)
{'text': 0.18, 'graph': 0.4, 'meaning': 0.42}
>>> meaning_component({"a": 0.9, "b": None}, {"a": 0.5, "b": 0.8})
{'a': 1.0, 'b': 0.8}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np

from duijie.matcher.recommend import normalise
from duijie.matcher.semantic import NEAREST_LIMIT

if TYPE_CHECKING:
    from duijie.matcher.recommender import Recommender


def split_weights(weights: Mapping[str, float], share: float) -> dict[str, float]:
    """The config's weights with `share` of the text weight moved to ``meaning``."""
    text = weights.get("text", 0.0)
    return {**weights, "text": round(text * (1 - share), 12),
            "meaning": round(text * share, 12)}


def meaning_component(similarity: Mapping[str, float | None],
                      text: Mapping[str, float]) -> dict[str, float]:
    """Cosines over the best one; a candidate without a vector (None) gets its normalised
    lexical score instead."""
    known = normalise({c: s for c, s in similarity.items() if s is not None})
    return {c: known[c] if s is not None else text.get(c, 0.0)
            for c, s in similarity.items()}


VECTOR_MEMO = 50_000
"""Profile vectors a recommender keeps (its profiles never change: a new record makes a
new recommender); past this many the memo starts again."""


def profile_vector(rec: Recommender, node: str) -> np.ndarray | None:
    """The node's profile vector, computed once per recommender (an institute's profile
    has up to a few hundred documents, each looked up by its text's hash)."""
    memo = rec._vectors
    if node not in memo:
        if len(memo) >= VECTOR_MEMO:
            memo.clear()
        memo[node] = rec.semantic.profile_vector(rec.facts.profile(node))
    return memo[node]


def query_vector(rec: Recommender, query_node: str | None, query_text: str | None
                 ) -> np.ndarray | None:
    """The meaning of a query: the stored profile vector of `query_node`, else the
    encoded text; None without embeddings (or without an encoder for a new text)."""
    if rec.semantic is None:
        return None
    if query_node is not None:
        v = profile_vector(rec, query_node)
        if v is not None:
            return v
    return rec.semantic.text_vector(query_text)


def similarities(rec: Recommender, candidates: Iterable[str], query: np.ndarray
                 ) -> dict[str, float | None]:
    """Cosine of each candidate's stored profile vector with the query vector (None for
    a candidate none of whose documents has a vector yet)."""
    out: dict[str, float | None] = {}
    for c in candidates:
        v = profile_vector(rec, c)
        out[c] = None if v is None else max(float(v @ query), 0.0)
    return out


def nearest(rec: Recommender, kind: str, query: np.ndarray, n: int) -> dict[str, float]:
    """The `n` candidates of `kind` nearest the query by meaning, over every profile with
    stored vectors, when the kind has at most `NEAREST_LIMIT` profiles (else none)."""
    if rec.semantic is None or n <= 0:
        return {}
    if kind not in rec._by_meaning:
        ids = [c for c, k in rec.kind_of.items() if k == kind]
        kept: list[tuple[str, np.ndarray]] = []
        if len(ids) <= NEAREST_LIMIT:
            for c in ids:
                v = profile_vector(rec, c)
                if v is not None:
                    kept.append((c, v))
        rec._by_meaning[kind] = ([c for c, _ in kept], np.vstack([v for _, v in kept])
                                 if kept else np.zeros((0, 0), np.float32))
    ids, matrix = rec._by_meaning[kind]
    return dict(rec.semantic.nearest(query, ids, matrix, n))
