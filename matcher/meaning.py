"""Meaning in the hybrid recommender: the semantic part of the text component.

With stored document embeddings (`matcher.semantic.SemanticSide`, given to the
`Recommender` by `api.services.recommendations` when ``duijie[semantic]`` is installed and
the embeddings job has run), `rank` re-ranks its lexical and graph candidates by meaning:
each candidate's text weight is split, its *share* to a ``meaning`` component (the cosine
of the query's vector with the candidate's profile vector, over the best candidate's) and
the rest to the lexical ``text`` component. The share is the config's ``semantic_weight``:
``"by_pair"`` (the default) takes it per query and candidate from their languages, as the
quality harness chose (`meaning_shares`: 0.6 both Chinese, 0.03 both English, 0.8 across);
a number is every candidate's share.
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
>>> used = {"text": {"zh": 1.0, "en": 1.0}, "meaning": {"zh": 0.0, "en": 0.0}}
>>> combine_by_share(used, {"text": 1.0}, {"zh": 0.6, "en": 0.03})
{'zh': 0.4, 'en': 0.97}
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np

from duijie.matcher.language import script_language
from duijie.matcher.recommend import combine, normalise
from duijie.matcher.semantic import (
    BY_PAIR,
    NEAREST_LIMIT,
    profile_language,
    semantic_weight_for,
)

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


def combine_by_share(used: Mapping[str, Mapping[str, float]], weights: Mapping[str, float],
                     shares: Mapping[str, float]) -> dict[str, float]:
    """`combine` with each candidate's text weight split by its own share (`split_weights`):
    the candidates of one share are combined together, so a share scores exactly as one
    share given to every candidate does."""
    by_share: dict[float, set[str]] = defaultdict(set)
    for scores in used.values():
        for c in scores:
            by_share[shares.get(c, 0.0)].add(c)
    out: dict[str, float] = {}
    for share, group in by_share.items():
        out |= combine({n: {c: v for c, v in scores.items() if c in group}
                        for n, scores in used.items()}, split_weights(weights, share))
    return out


def meaning_shares(rec: Recommender, candidates: Iterable[str], query_node: str | None,
                   query_text: str | None) -> dict[str, float]:
    """Each candidate's share of the text weight for meaning, from the config's
    ``semantic_weight`` (`matcher.semantic.semantic_weight_for`): by the query's language
    (its text's script, else its node's profile's) and the candidate profile's."""
    setting = rec.config.semantic_weight
    if setting != BY_PAIR:
        return dict.fromkeys(candidates, float(setting))
    language = (script_language(query_text) if query_text else
                profile_language_of(rec, query_node) if query_node else script_language(""))
    return {c: semantic_weight_for(setting, language, profile_language_of(rec, c))
            for c in candidates}


def profile_language_of(rec: Recommender, node: str) -> str:
    """The language of the node's profile (`matcher.semantic.profile_language`), found
    once per recommender, as its profile vector is."""
    memo = rec._languages
    if node not in memo:
        if len(memo) >= VECTOR_MEMO:
            memo.clear()
        profile = rec.facts.profile(node)
        memo[node] = profile_language(profile) if profile else script_language("")
    return memo[node]


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
