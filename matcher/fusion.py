"""Fusion of a profile's whole text with its best documents: the second half of text affinity.

`matcher.text.TextAffinity` with ``aggregation="concat"`` scores each profile as one long
document. With a ``fusion_rule`` it also keeps a per-document index (the same tokens, counted
once) and re-ranks the ``fusion_depth`` best profiles by

    (1 - w) * concat / best concat  +  w * rule / best rule among those profiles,

``rule`` being a `matcher.aggregate` rule over the profile's documents (``sum_sqrt`` by
default: the sum of its documents' scores over the square root of their number). The quality
harness chose this (`benchmarks/quality_harness.py`, README "Quality harness"). Profiles
below the depth keep their concat part only, so the per-document pass touches the postings
of a few hundred profiles' documents instead of every document.

These functions take the fitted models; `TextAffinity` calls them.

>>> import numpy as np
>>> fused_scores(np.array([4.0, 2.0]), np.array([1.0, 3.0]), 0.5).tolist()
[0.6666666666666666, 0.75]
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from duijie.matcher.aggregate import aggregate

FUSION_WEIGHT_BY_LANGUAGE = {"zh": 0.5, "en": 0.0}
"""The per-document part's weight for a query in each language (`matcher.language`), the
quality harness's choice per language group: the best tune mean among the weights never
below BM25 (concat alone) on any tune set of the group (README, "Text matching";
``python benchmarks/quality_harness.py --by-language``). English: 0, concat alone."""

TITLE_WEIGHT_BY_LANGUAGE = {"zh": 0.1, "en": 0.0}
"""The weight of a profile's document titles (`matcher.title_index`) for a query in each
language, the quality harness's choice per language group (the rule above, on the run that
measured titles: `evaluation/data/runs/`). English: 0, no title index is read."""


def keep_rows_only(doc_model) -> None:
    """Turn a fitted per-document model's postings (term columns) into document rows.

    The fusion reads the documents of a few hundred candidate profiles, so rows are what
    it needs; the columns are freed, unless those profiles have so many documents that
    reading the query terms' postings is cheaper (`ROWS_OR_COLUMNS`: institutes).
    """
    matrix = doc_model.matrix_.tocsr()
    matrix.sort_indices()
    doc_model.rows_ptr_ = matrix.indptr.astype(np.int64)
    doc_model.rows_col_ = matrix.indices.astype(np.int32)
    doc_model.rows_weight_ = matrix.data.astype(np.float32)
    doc_model.postings_row_ = doc_model.postings_weight_ = np.empty(0)
    profiles = max(len(doc_model.doc_start_) - 1, 1)
    if len(doc_model.rows_col_) / profiles * doc_model.fusion_depth > ROWS_OR_COLUMNS:
        _columns(doc_model)  # profiles of many documents: the share bounds read by term
        if doc_model.aggregation in LINEAR_RULES:
            _profile_sums(doc_model)  # and the fusion by profile


def _document_terms(doc_model, doc_rows: np.ndarray, cols: np.ndarray, weights: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(position among doc_rows, column, contribution) of every query term in those rows."""
    if not len(cols) or not len(doc_rows):
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0)
    ptr = doc_model.rows_ptr_
    lengths = ptr[doc_rows + 1] - ptr[doc_rows]
    at = _ranges(ptr[doc_rows], ptr[doc_rows + 1])
    col = doc_model.rows_col_[at]
    # The query's weight of every term, zero elsewhere: one lookup per document term.
    # np.zeros maps zeroed pages lazily, so a vocabulary of millions costs only the
    # pages these lookups touch.
    query_weight = np.zeros(max(len(doc_model.terms_), int(cols.max()) + 1))
    query_weight[cols] = weights
    value = query_weight[col]
    hit = np.flatnonzero(value)
    which = np.repeat(np.arange(len(doc_rows)), lengths)[hit]
    return which, col[hit], doc_model.rows_weight_[at[hit]] * value[hit]


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    lengths = ends - starts
    before = np.cumsum(lengths) - lengths  # np.r_ cost more than the rest of this
    return np.repeat(starts - before, lengths) + np.arange(lengths.sum())


def candidate_doc_scores(doc_model, cols: np.ndarray, weights: np.ndarray,
                         candidates: np.ndarray) -> np.ndarray:
    """The rule's score of each candidate profile of a per-document model (`keep_rows_only`).

    Parameters
    ----------
    doc_model : TextAffinity
        Fitted with a per-document ``aggregation`` (its rule is used), rows kept.
    cols, weights : ndarray
        The query's term columns and weights in that model.
    candidates : ndarray of int
        Distinct profile indexes to score.

    Returns
    -------
    ndarray of float
        One score per candidate, in the order given (0 where nothing matches).
    """
    out = np.zeros(len(candidates))
    if not len(candidates) or not len(cols):
        return out
    n_main = len(doc_model.doc_start_) - 1
    main = candidates[candidates < n_main]
    starts, ends = doc_model.doc_start_[main], doc_model.doc_start_[main + 1]
    ptr = doc_model.rows_ptr_
    if int((ptr[ends] - ptr[starts]).sum()) <= ROWS_OR_COLUMNS:
        rows_p, rows_s = _by_rows(doc_model, main, cols, weights)
    elif doc_model.aggregation in LINEAR_RULES:
        out[candidates < n_main] = _linear_scores(doc_model, main, cols, weights)
        rows_p, rows_s = np.zeros(0, np.int64), np.zeros(0)
    else:
        rows_p, rows_s = _by_columns(doc_model, main, cols, weights)
    side = doc_model._side()
    if side is not None:  # documents of profiles added after fit
        s_idx, s_val = doc_model._gather(side, cols, weights)
        if len(s_idx):
            s_rows, inverse = np.unique(s_idx, return_inverse=True)
            s_owner = np.asarray(doc_model._side_doc_profile, np.int64)[s_rows]
            s_score = np.bincount(inverse, weights=s_val)
            keep = np.isin(s_owner, candidates)
            rows_p = np.r_[rows_p, s_owner[keep]]
            rows_s = np.r_[rows_s, s_score[keep]]
    if not len(rows_p):
        return out
    by_profile = np.argsort(rows_p, kind="stable")
    profiles, scores = aggregate(rows_p[by_profile], rows_s[by_profile], doc_model.n_docs_,
                                 doc_model.aggregation, k=doc_model.agg_k,
                                 temperature=doc_model.temperature)
    order = np.argsort(candidates)
    out[order[np.searchsorted(candidates[order], profiles)]] = scores
    return out


def _by_rows(doc_model, main: np.ndarray, cols: np.ndarray, weights: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """(profile, score) of every touched document of these profiles, from their rows."""
    doc_rows = _ranges(doc_model.doc_start_[main], doc_model.doc_start_[main + 1])
    owner = np.repeat(main, doc_model.n_docs_[main])
    which, _, value = _document_terms(doc_model, doc_rows, cols, weights)
    doc_scores = np.bincount(which, weights=value, minlength=len(doc_rows))
    touched = doc_scores > 0
    return owner[touched], doc_scores[touched]


LINEAR_RULES = {"sum": None, "sum_sqrt": np.sqrt, "mean": lambda n: n}
"""Rules whose profile score is its documents' scores added up (then divided by a function
of their number): a document's score being a sum over the query's terms, the profile's is
the query's weights times the profile's summed term weights (`_profile_sums`)."""


def _profile_sums(doc_model) -> sp.csc_matrix:
    """Each profile's term weights summed over its documents (profiles by main-index terms,
    by column), built on first use and kept: about a fifth of the documents' entries for
    institutes of ~100 documents."""
    found = doc_model.__dict__.get("profile_sums_")
    if found is None:
        n_rows = len(doc_model.rows_ptr_) - 1
        rows = sp.csr_matrix((doc_model.rows_weight_.astype(np.float64), doc_model.rows_col_,
                              doc_model.rows_ptr_), shape=(n_rows, doc_model.n_terms_main_))
        n_profiles = len(doc_model.doc_start_) - 1
        owner = sp.csr_matrix((np.ones(n_rows), doc_model.row_profile_[:n_rows],
                               np.arange(n_rows + 1)), shape=(n_rows, n_profiles))
        found = doc_model.profile_sums_ = (owner.T @ rows).tocsc()
        found.sort_indices()
    return found


def _linear_scores(doc_model, main: np.ndarray, cols: np.ndarray, weights: np.ndarray
                   ) -> np.ndarray:
    """A linear rule's score of each of these profiles (`LINEAR_RULES`): the same as adding
    up its documents' scores, in another order (so equal to within rounding, ~1e-16
    relative), reading the query terms' columns of `_profile_sums` (a few thousand entries
    each) instead of every document's."""
    known = cols < doc_model.n_terms_main_
    total = (_profile_sums(doc_model)[:, cols[known]] @ weights[known])[main]
    scale = LINEAR_RULES[doc_model.aggregation]
    return total / scale(doc_model.n_docs_[main].astype(np.float64)) if scale else total


ROWS_OR_COLUMNS = 200_000
"""Above this many document terms to read (an institute has about a hundred documents:
the fusion's 200 institutes are a million terms), the candidates' document scores come
from the query terms' postings instead (tens of thousands)."""


def _columns(doc_model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The per-document model's term columns (postings by term), built from its rows on
    first use and kept (about 8 bytes a posting): only models whose candidates have
    many documents ever ask for them."""
    found = doc_model.__dict__.get("cols_")
    if found is None:
        n_rows = len(doc_model.rows_ptr_) - 1
        csc = sp.csr_matrix((doc_model.rows_weight_, doc_model.rows_col_, doc_model.rows_ptr_),
                            shape=(n_rows, doc_model.n_terms_main_)).tocsc()
        csc.sort_indices()
        found = doc_model.cols_ = (csc.indptr.astype(np.int64), csc.indices, csc.data)
    return found


def _by_columns(doc_model, main: np.ndarray, cols: np.ndarray, weights: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """(profile, score) of every touched document of these profiles, by document, from
    the query terms' postings; each document's score sums its terms in column order, as
    reading its row does, so the scores are the same bit for bit."""
    ptr, doc_row, weight = _columns(doc_model)
    wanted = np.zeros(len(doc_model.doc_start_) - 1, dtype=bool)
    wanted[main] = True
    owner_of = doc_model.row_profile_
    docs, values = [], []
    for c, w in zip(cols.tolist(), weights.tolist(), strict=True):
        if c >= len(ptr) - 1:
            continue
        s, e = ptr[c], ptr[c + 1]
        rows = doc_row[s:e]
        keep = wanted[owner_of[rows]]
        docs.append(rows[keep])
        values.append(weight[s:e][keep] * np.float64(w))
    if not docs:
        return np.zeros(0, np.int64), np.zeros(0)
    # one bin a document: summed in input order (column by column), read in document order
    scores = np.bincount(np.concatenate(docs), weights=np.concatenate(values),
                         minlength=len(owner_of))
    touched = np.flatnonzero(scores > 0)
    return owner_of[touched].astype(np.int64), scores[touched]


def document_contributions(doc_model, cols: np.ndarray, weights: np.ndarray, p: int,
                           docs: int | None = None) -> list[tuple[str, float, str | None]]:
    """What each query term adds to each document of profile ``p`` (largest first), read
    from the document rows; the fused model's `contributions`. With `docs`, only the
    documents whose summed contributions may be among the `docs` largest (ties, and
    totals within rounding of the last one, kept), each with all its rows."""
    out = []
    n_main = len(doc_model.doc_start_) - 1
    if p < n_main:
        lo, hi = int(doc_model.doc_start_[p]), int(doc_model.doc_start_[p + 1])
        main = cols < doc_model.n_terms_main_
        which, col, value = _document_terms(doc_model, np.arange(lo, hi), cols[main],
                                            weights[main])
        if docs is not None and hi - lo > docs and len(which):
            which, col, value = _strongest_documents(which, col, value, docs)
        out = [(doc_model.terms_[c], float(v), doc_model.doc_ids_[lo + w])
               for w, c, v in zip(which.tolist(), col.tolist(), value.tolist(), strict=True)]
    else:
        wanted = dict(zip(cols.tolist(), weights.tolist(), strict=True))
        for r, owner in enumerate(doc_model._side_doc_profile):
            if owner != p:
                continue
            row_cols, row_vals = doc_model._side_rows[r]
            for c, v in zip(row_cols.tolist(), row_vals.tolist(), strict=True):
                if c in wanted:
                    out.append((doc_model.terms_[c], float(wanted[c] * v),
                                doc_model._side_doc_ids[r]))
    out.sort(key=lambda t: (-t[1], t[0], str(t[2])))
    return out


def _strongest_documents(which: np.ndarray, col: np.ndarray, value: np.ndarray, docs: int
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows of the documents that may be among the `docs` of largest total: every one
    at or above the `docs`-th total less a rounding margin (a caller sums in its own order,
    so totals here may differ from its in the last bits)."""
    totals = np.bincount(which, weights=value)
    if np.count_nonzero(totals) <= docs:
        return which, col, value
    kth = np.partition(totals, len(totals) - docs)[len(totals) - docs]
    keep = (totals >= kth - 1e-9 * totals.max())[which]
    return which[keep], col[keep], value[keep]


def fused_scores(concat: np.ndarray, per_doc: np.ndarray, weight: float | np.ndarray
                 ) -> np.ndarray:
    """``(1 - weight) * concat / max(concat) + weight * per_doc / max(per_doc)``.

    A part whose best score is 0 adds nothing. ``weight`` may be one per profile.

    >>> fused_scores(np.array([2.0, 1.0]), np.array([0.0, 0.0]), 0.5).tolist()
    [0.5, 0.25]
    """
    out = np.zeros(len(concat))
    top = concat.max() if len(concat) else 0.0
    if top > 0:
        out += (1 - weight) * concat / top
    top = per_doc.max() if len(per_doc) else 0.0
    if top > 0:
        out += weight * per_doc / top
    return out
