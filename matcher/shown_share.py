"""How much of a candidate's text score the words shown for it carry: exactly, and bounded.

A recommendation counts a candidate's text component only in the share its shown words
carry (`matcher.ranking`): what fragments (力传 of 电力传感器 against 压力传感器) and generic
words (专家, 长期) add is dropped. `shown_share` is that share for one candidate, from its
index contributions and the words `matcher.explain_terms.whole_words` shows.

Working the words out takes a candidate's contributions one by one, so a ranking that did
it for every candidate within reach would explain dozens where it shows ten.
`share_bounds` bounds the share from above for hundreds of candidates at once, from the
index arrays alone: a term can be inside a shown word only if it lies inside a word that
*some* document could show for this query (`explain_terms.showable_terms`), so the share
of the best document's score carried by such terms is at least the true share. The
ranking scores every candidate by its bound first and explains only those that reach the
top (each then takes its exact share), which gives the same top k as explaining all.

>>> shown_share("压力传感器", [("传感", 2.0, "d"), ("感器", 1.0, "d"), ("力传", 1.0, "d")],
...             [("传感器", 3.0, "d")])
0.75
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from duijie.graph.errors import InvalidInput
from duijie.matcher.explain_terms import showable_terms
from duijie.matcher.fusion import _document_terms, _ranges
from duijie.matcher.tokenize import normalize_for_tokens

BOUND_SLACK = 1e-9
"""Added to every bound: numpy sums in another order than the exact share's."""


@lru_cache(maxsize=4096)
def _normalized(word: str) -> str:
    # The same words come back for every candidate of a recommendation.
    return normalize_for_tokens(word)


_normalized_query = lru_cache(maxsize=64)(normalize_for_tokens)


def shown_share(query: str, rows: list[tuple[str, float, str | None]],
                words: list[tuple[str, float, str | None]]) -> float:
    """The share of the best document's score carried by index terms that lie inside the
    words shown (a bigram across two shown words, 硅外 of 碳化硅外延, counts; 力传 of
    压力传感器 when only 传感器 is shown does not).

    Parameters
    ----------
    query : str
        The query as explained (cut to the model's ``max_query_chars``).
    rows : list of (term, weight, doc_id)
        `TextAffinity.contributions` of the candidate.
    words : list of (word, weight, doc_id)
        `explain_terms.whole_words` of those rows.

    Returns
    -------
    float
        In [0, 1]; 0 when nothing matched.

    >>> shown_share("碳化硅外延", [("碳化硅", 2.0, "d"), ("硅外", 1.0, "d"), ("外延", 1.0, "d")],
    ...             [("碳化硅", 2.0, "d"), ("外延", 1.0, "d")])
    1.0
    """
    text = _normalized_query(query)
    covered = [False] * len(text)
    for word in {_normalized(w) for w, _, _ in words}:
        at = text.find(word)
        while word and at >= 0:
            covered[at:at + len(word)] = [True] * len(word)
            at = text.find(word, at + 1)
    totals: dict[str | None, float] = defaultdict(float)
    for _, w, doc in rows:
        totals[doc] += w
    best = max(totals, key=lambda d: (totals[d], str(d)), default=None)
    if best is None or totals[best] <= 0:
        return 0.0

    def inside(term: str) -> bool:
        at = text.find(term)
        while term and at >= 0:
            if all(covered[at:at + len(term)]):
                return True
            at = text.find(term, at + 1)
        return False

    carried = sum(w for term, w, doc in rows if doc == best and inside(term))
    return min(carried / totals[best], 1.0)


def share_bounds(model, query: str, profile_ids: Sequence[str],
                 segment: Callable[[str], list[str]]) -> dict[str, float]:
    """An upper bound of `shown_share` for each of these profiles of a fitted
    `matcher.text.TextAffinity`, from its index arrays (no per-candidate Python loop).

    A profile added after the fit (the side index) gets 1.0, as does every profile when
    the query has nothing searchable.

    Parameters
    ----------
    model : TextAffinity
        Fitted; its per-document model's rows are read when it fuses.
    query : str
        The query text, as given to `TextAffinity.contributions`.
    profile_ids : sequence of str
        Profiles of `model`.
    segment : callable
        The word cutter the explanation uses (`whole_words`).

    Returns
    -------
    dict
        ``{profile_id: bound}``, each in [0, 1].

    Examples
    --------
    >>> from duijie.matcher.text import TextAffinity
    >>> model = TextAffinity().fit([
    ...     {"id": "a", "docs": [{"id": "d1", "text": "红外探测器 降噪"}]},
    ...     {"id": "b", "docs": [{"id": "d2", "text": "企业 专家 长期合作"}]}])
    >>> from duijie.matcher.tokenize import _segmenter
    >>> bounds = share_bounds(model, "红外探测器降噪 企业专家", ["a", "b"],
    ...                       _segmenter(model.tokenizer_.extra_terms).cut)
    >>> bounds["a"] > 0.9, bounds["b"] < 0.1
    (True, True)
    """
    out = dict.fromkeys(profile_ids, 1.0)
    prepared = _prepared(model, query, segment)
    if prepared is None:
        return out
    index, cols, weights, flag = prepared
    n_main = len(index.doc_start_) - 1
    positions = np.array([model.profile_index_.get(p, n_main) for p in profile_ids],
                         dtype=np.int64)
    known = np.flatnonzero(positions < n_main)
    if not len(known):
        return out
    profiles = positions[known]
    if index.aggregation == "concat" and not hasattr(index, "rows_ptr_"):
        units, owner = profiles, np.arange(len(profiles))  # one row a profile, doc None
    else:
        units = _ranges(index.doc_start_[profiles], index.doc_start_[profiles + 1])
        owner = np.repeat(np.arange(len(profiles)), index.n_docs_[profiles])
    total, shown = _unit_sums(index, units, cols, weights, flag, profiles)
    best = np.zeros(len(profiles))
    np.maximum.at(best, owner, total)
    top = (total > 0) & (total >= best[owner] * (1 - BOUND_SLACK))
    ratio = np.zeros(len(units))
    ratio[top] = shown[top] / total[top]
    bound = np.zeros(len(profiles))
    np.maximum.at(bound, owner, ratio)
    bound = np.minimum(bound + BOUND_SLACK, 1.0)
    for i, b in zip(known.tolist(), bound.tolist(), strict=True):
        out[profile_ids[i]] = b
    return out


_PREPARED_KEPT = 64


def _prepared(model, query: str, segment: Callable[[str], list[str]]):
    """``(index, cols, weights, flag)`` of a query: the index the bounds read, the query's
    main-index columns and weights, and which columns are showable (a boolean array by
    column); None when nothing of it is searchable. Kept on the model for the next call
    with the same query: a ranking bounds its candidates a batch at a time."""
    index = model.doc_model_ if model._fused() else model
    key = (query, segment, len(index.terms_), len(index._side_rows))
    memo = model.__dict__.setdefault("_share_memo", {})
    if key in memo:
        return memo[key]
    try:
        cols, weights = index._query_vector(query)
    except InvalidInput:
        found = None
    else:
        main = cols < index.n_terms_main_
        cols, weights = cols[main], weights[main]
        found = None
        if len(cols):
            terms = [index.terms_[c] for c in cols.tolist()]
            showable = showable_terms(query[: model.max_query_chars], tuple(terms), segment)
            flag = np.zeros(int(cols.max()) + 1, dtype=bool)
            flag[cols[[t in showable for t in terms]]] = True
            found = (index, cols, weights, flag)
    if len(memo) >= _PREPARED_KEPT:
        memo.clear()
    memo[key] = found
    return found


def _unit_sums(index, units: np.ndarray, cols: np.ndarray, weights: np.ndarray,
               flag: np.ndarray, profiles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's (document's, or concat profile's) score from the query's terms, and the
    part of it from flagged terms; `units` are all the documents of `profiles`, in
    order, for a per-document model."""
    if hasattr(index, "rows_ptr_"):  # a fusion's per-document model keeps rows
        columns = index.__dict__.get("cols_")
        if columns is not None:  # and its term columns, for documents of many terms
            return _document_sums_by_columns(columns, index.doc_start_, profiles, cols,
                                             weights, flag)
        which, col, value = _document_terms(index, units, cols, weights)
        total = np.bincount(which, weights=value, minlength=len(units))
        shown = np.bincount(which, weights=value * flag[col], minlength=len(units))
        return total, shown
    total, shown = np.zeros(len(units)), np.zeros(len(units))
    ptr, row, data = index.postings_ptr_, index.postings_row_, index.postings_weight_
    for c, w in zip(cols.tolist(), weights.tolist(), strict=True):
        s, e = int(ptr[c]), int(ptr[c + 1])
        postings = row[s:e]  # sorted rows holding the term
        if not len(postings):
            continue
        at = np.searchsorted(postings, units)
        found = at < len(postings)
        found[found] = postings[at[found]] == units[found]
        hit = np.flatnonzero(found)
        value = w * data[s + at[hit]]
        total[hit] += value  # units are distinct
        if flag[c]:
            shown[hit] += value
    return total, shown


def _document_sums_by_columns(columns, doc_start: np.ndarray, profiles: np.ndarray,
                              cols: np.ndarray, weights: np.ndarray, flag: np.ndarray
                              ) -> tuple[np.ndarray, np.ndarray]:
    """`_unit_sums` of a per-document model from its term columns (`fusion._columns`):
    in each query term's postings (sorted by document), the documents of each profile
    are one run, found by two searches; only those postings are read. The sums take
    the same products in the same (column) order as reading the documents' rows, so
    they are the same bit for bit, without reading thousands of other terms a document
    holds (an institute's ~100 documents hold ~5,000)."""
    ptr, doc_row, data = columns
    starts, ends = doc_start[profiles], doc_start[profiles + 1]
    sizes = ends - starts
    base = np.r_[0, np.cumsum(sizes)[:-1]] - starts  # + a document: its unit
    n_units = int(sizes.sum())
    pieces_lo, pieces_hi, pieces_col = [], [], []
    edges, n_profiles = np.r_[starts, ends], len(profiles)
    known = cols < len(ptr) - 1
    for j, c in enumerate(cols.tolist()):
        if not known[j]:
            continue
        s, e = int(ptr[c]), int(ptr[c + 1])
        found = s + np.searchsorted(doc_row[s:e], edges)  # both ends in one search
        pieces_lo.append(found[:n_profiles])
        pieces_hi.append(found[n_profiles:])
        pieces_col.append(j)
    if not pieces_lo:
        return np.zeros(n_units), np.zeros(n_units)
    lo, hi = np.concatenate(pieces_lo), np.concatenate(pieces_hi)
    lengths = hi - lo
    at = _ranges(lo, hi)  # column by column, each column's profiles in the order given
    which = doc_row[at] + np.repeat(np.tile(base, len(pieces_col)), lengths)
    per_piece = np.repeat(np.asarray(pieces_col), len(profiles))
    value = data[at] * np.repeat(weights[per_piece], lengths)
    total = np.bincount(which, weights=value, minlength=n_units)
    shown = np.bincount(which, weights=value * np.repeat(flag[cols[per_piece]], lengths),
                        minlength=n_units)
    return total, shown
