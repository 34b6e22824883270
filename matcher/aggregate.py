"""Profile scores from document scores: the aggregation rules of text affinity.

An expert or an institute is many documents (projects, papers, achievements, lab
descriptions). The index scores each document; a rule turns the scores of one profile's
documents into the profile's score. Documents a query does not touch score 0 and still
count where the rule counts documents (mean, top-k mean, softmax).

Rules (``n`` is the profile's number of documents, ``s`` its document scores):

* ``max``: the best document;
* ``mean``: ``sum(s) / n``;
* ``sum``: ``sum(s)``, which favours long records;
* ``sum_sqrt``: ``sum(s) / sqrt(n)``, a sum with a length penalty;
* ``topk_mean``: the mean of the ``k`` best documents (``min(k, n)`` of them);
* ``softmax``: ``sum(s * w) / sum(w)`` with ``w = exp(s / (t * m))``, ``m`` the query's best
  document score and ``t`` a temperature, so that the rule does not depend on the scale of
  the scores (BM25 sums versus cosines).

`aggregate` is the fast path over the touched documents; `aggregate_reference` is the plain
Python one the tests hold it to.

>>> aggregate_reference([[3.0, 1.0, 0.0], [2.0]], "topk_mean", k=2)
[2.0, 2.0]
"""

from __future__ import annotations

import math

import numpy as np

RULES = ("max", "mean", "sum", "sum_sqrt", "topk_mean", "softmax")


def aggregate(profiles: np.ndarray, scores: np.ndarray, n_docs: np.ndarray, rule: str,
              *, k: int = 2, temperature: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """Aggregate the scores of touched documents into profile scores.

    Parameters
    ----------
    profiles : ndarray of int, shape (m,)
        Profile index of each touched document, non-decreasing (documents are stored
        grouped by profile, and touched documents come in index order).
    scores : ndarray of float, shape (m,)
        Score of each touched document (> 0).
    n_docs : ndarray of int
        Number of documents of every profile, indexed by profile.
    rule : str
        One of `RULES`.
    k : int, default 2
        Documents averaged by ``topk_mean``.
    temperature : float, default 0.2
        Temperature of ``softmax``, relative to the query's best document score.

    Returns
    -------
    (ndarray of int, ndarray of float)
        The distinct touched profiles and their scores.

    Raises
    ------
    ValueError
        For an unknown rule.

    Examples
    --------
    >>> p, s = aggregate(np.array([0, 0, 2]), np.array([1.0, 3.0, 2.0]), np.array([2, 1, 4]),
    ...                  "mean")
    >>> p.tolist(), s.tolist()
    ([0, 2], [2.0, 0.5])
    """
    if rule not in RULES:
        raise ValueError(f"unknown aggregation rule {rule!r}; expected one of {RULES}")
    if len(profiles) == 0:
        return profiles.astype(np.int64), scores.astype(np.float64)
    scores = scores.astype(np.float64, copy=False)
    starts = np.flatnonzero(np.r_[True, profiles[1:] != profiles[:-1]])
    touched = profiles[starts]
    n = n_docs[touched].astype(np.float64)
    if rule == "max":
        return touched, np.maximum.reduceat(scores, starts)
    if rule in ("mean", "sum", "sum_sqrt"):
        total = np.add.reduceat(scores, starts)
        if rule == "mean":
            total = total / n
        elif rule == "sum_sqrt":
            total = total / np.sqrt(n)
        return touched, total
    if rule == "topk_mean":
        order = np.lexsort((-scores, profiles))
        group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(profiles)]))
        rank = np.arange(len(profiles)) - starts[group]
        keep = rank < k
        total = np.bincount(group[keep], weights=scores[order][keep], minlength=len(starts))
        return touched, total / np.minimum(n, k)
    # softmax: untouched documents have score 0, hence weight exp(0 - shift).
    scale = temperature * scores.max()
    z = scores / scale
    shift = np.maximum.reduceat(z, starts)
    group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(profiles)]))
    w = np.exp(z - shift[group])
    counts = np.diff(np.r_[starts, len(profiles)])
    numerator = np.add.reduceat(w * scores, starts)
    denominator = np.add.reduceat(w, starts) + (n - counts) * np.exp(-shift)
    return touched, numerator / denominator


def aggregate_reference(doc_scores: list[list[float]], rule: str, *, k: int = 2,
                        temperature: float = 0.2, query_max: float | None = None
                        ) -> list[float]:
    """The same rules, one profile at a time in plain Python (every document listed).

    Examples
    --------
    >>> aggregate_reference([[1.0, 0.0, 0.0, 3.0]], "sum_sqrt")
    [2.0]
    >>> aggregate_reference([[1.0, 1.0]], "softmax")
    [1.0]
    """
    if rule not in RULES:
        raise ValueError(f"unknown aggregation rule {rule!r}; expected one of {RULES}")
    if query_max is None:
        query_max = max((max(s) for s in doc_scores if s), default=1.0) or 1.0
    out = []
    for s in doc_scores:
        if rule == "max":
            out.append(max(s))
        elif rule == "mean":
            out.append(sum(s) / len(s))
        elif rule == "sum":
            out.append(sum(s))
        elif rule == "sum_sqrt":
            out.append(sum(s) / math.sqrt(len(s)))
        elif rule == "topk_mean":
            best = sorted(s, reverse=True)[:k]
            out.append(sum(best) / len(best))
        else:
            w = [math.exp(x / (temperature * query_max)) for x in s]
            out.append(sum(wi * x for wi, x in zip(w, s, strict=True)) / sum(w))
    return out
