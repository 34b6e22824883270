"""The generic affinity run: profiles and queries in, scored pairs out.

This is how labelled data from outside goes through the same scorer as the product:
`run_affinity` takes the records of the ``duijie affinity`` files as plain dicts and returns
the output records, ``{"query": id, "profile": id, "score": float}``: every pair, or the
``top`` best profiles of each query. `api.services.affinity` reads and writes the files.
Term weighting is `DEFAULT_WEIGHTING` (BM25) unless a ``weighting`` parameter says
otherwise.

>>> profiles = [{"id": "sic", "docs": [{"id": "p1", "text": "碳化硅功率器件与外延生长"}]},
...             {"id": "tex", "docs": [{"id": "p2", "text": "印染废水处理与数码印花"}]}]
>>> queries = [{"id": "n1", "text": "我们想降低碳化硅器件的缺陷"}]
>>> [(r["profile"], r["score"] > 0) for r in run_affinity(profiles, queries)]
[('sic', True), ('tex', False)]
"""

from __future__ import annotations

import numpy as np

from duijie.graph.errors import InvalidInput
from duijie.matcher.records import check_profile, check_query
from duijie.matcher.text import TextAffinity

DEFAULT_WEIGHTING: str = TextAffinity().get_params()["weighting"]
"""The term weighting `run_affinity` uses when not told: `TextAffinity`'s default."""


def run_affinity(profiles: list[dict], queries: list[dict], top: int | None = None,
                 where_profiles=None, where_queries=None, semantic: bool = False,
                 **params) -> list[dict]:
    """Score every query against every profile with `TextAffinity`.

    Parameters
    ----------
    profiles : list of dict
        ``{"id": str, "docs": [{"id": str, "text": str}, ...]}``.
    queries : list of dict
        ``{"id": str, "text": str}``.
    top : int, optional
        Keep only the best ``top`` profiles of each query (all when larger than the number
        of profiles); None keeps every pair.
    where_profiles, where_queries : callable, optional
        ``i -> str`` naming record ``i`` in errors (the CLI passes "file, line n").
    semantic : bool, default False
        Fuse the lexical score with the cosine of sentence embeddings over every profile,
        with the harness's weight (`matcher.semantic`; needs ``duijie[semantic]``, else
        `BackendUnavailable`).
    **params
        `TextAffinity` parameters.

    Returns
    -------
    list of dict
        ``{"query", "profile", "score"}`` per pair, queries in input order, profiles best
        first (ties in input order).

    Raises
    ------
    InvalidInput
        ``top < 1``, no profiles, a malformed record, an empty text, a query without
        searchable terms, a duplicate id: the message names the record.
    """
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise InvalidInput("must be an integer >= 1", value=top, where="top")
    name_p = where_profiles or (lambda i: f"profiles[{i}]")
    name_q = where_queries or (lambda i: f"queries[{i}]")
    for i, profile in enumerate(profiles):
        check_profile(profile, name_p(i))
    seen: set[str] = set()
    checked = []
    for i, query in enumerate(queries):
        qid, text = check_query(query, name_q(i))
        if qid in seen:
            raise InvalidInput("is a duplicate query id", value=qid, where=name_q(i))
        seen.add(qid)
        checked.append((qid, text))
    if not profiles:
        raise InvalidInput("no profiles to score against", where=name_p(0).split(",")[0])
    model = TextAffinity(**params)
    try:
        model.fit(profiles)
    except InvalidInput as exc:  # name the record the way the caller numbers them
        if exc.where and exc.where.startswith("profiles["):
            i = int(exc.where[len("profiles["):].split("]", 1)[0])
            exc = InvalidInput(exc.message, value=exc.value, where=name_p(i))
        raise exc from None
    k = len(model.profile_ids_) if top is None else min(top, len(model.profile_ids_))
    if semantic:
        return _with_semantic(model, profiles, checked, k, name_q)
    out = []
    for i, (qid, text) in enumerate(checked):
        for pid, score in model._top(text, k, f"{name_q(i)}, field text"):
            out.append({"query": qid, "profile": pid, "score": round(score, 6)})
    return out


def _with_semantic(model: TextAffinity, profiles: list[dict], checked: list[tuple[str, str]],
                   k: int, name_q) -> list[dict]:
    """Lexical and semantic scores of every profile fused, the k best of each query."""
    from duijie.matcher.fusion import fused_scores
    from duijie.matcher.semantic import (
        EmbeddingCache,
        load_encoder,
        pair_weights,
        profile_language,
        profile_matrix,
        semantic_scores,
    )

    encode = load_encoder()
    cache = EmbeddingCache()
    cache.fill([d["text"] for p in profiles for d in p["docs"]] + [t for _, t in checked],
               encode)
    meaning = semantic_scores(cache.vectors([t for _, t in checked]),
                              profile_matrix(profiles, cache))
    ids = model.profile_ids_
    languages = [profile_language(p) for p in profiles]
    out = []
    for i, (qid, text) in enumerate(checked):
        words = model._profile_scores(text, f"{name_q(i)}, field text")
        lexical = np.zeros(len(ids))
        lexical[words[0]] = words[1]
        fused = fused_scores(lexical, meaning[i].astype(np.float64),
                             pair_weights(text, languages))
        for j in np.lexsort((np.arange(len(ids)), -fused))[:k].tolist():
            out.append({"query": qid, "profile": ids[j], "score": round(float(fused[j]), 6)})
    return out
