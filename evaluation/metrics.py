"""Ranking metrics: small pure functions with one signature, and measures of a whole list.

Every metric is ``metric(relevant, ranked, k) -> float`` in [0, 1]: ``relevant`` the set (or
any collection) of right answers, ``ranked`` the system's answers best first, ``k`` the cut-off
(k >= 1). `METRICS` maps names to functions, so reports loop over them. Graded labels
(0–5) use `ndcg_graded`; a catalogue's use, a list's variety and the fairness of a plan
across firms use `coverage`, `diversity` and `fairness`.

>>> relevant, ranked = {"a", "c"}, ["b", "a", "c", "d"]
>>> {name: round(f(relevant, ranked, 2), 3) for name, f in METRICS.items()}
{'precision': 0.5, 'recall': 0.5, 'hit': 1.0, 'mrr': 0.5, 'ndcg': 0.387}
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp


def _check(k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")


def precision_at_k(relevant: Collection, ranked: Sequence, k: int) -> float:
    """Share of the first k places that hold a relevant item (missing places count as wrong).

    >>> precision_at_k({"a"}, ["a", "b"], 4)
    0.25
    """
    _check(k)
    rel = set(relevant)
    return sum(1 for item in ranked[:k] if item in rel) / k


def recall_at_k(relevant: Collection, ranked: Sequence, k: int) -> float:
    """Share of the relevant items found in the first k places (0 when nothing is relevant).

    >>> recall_at_k({"a", "b"}, ["a", "c"], 2)
    0.5
    """
    _check(k)
    rel = set(relevant)
    return sum(1 for item in ranked[:k] if item in rel) / len(rel) if rel else 0.0


def hit_at_k(relevant: Collection, ranked: Sequence, k: int) -> float:
    """1 if any relevant item is in the first k places, else 0.

    >>> hit_at_k({"c"}, ["a", "b", "c"], 2), hit_at_k({"c"}, ["a", "b", "c"], 3)
    (0.0, 1.0)
    """
    _check(k)
    rel = set(relevant)
    return float(any(item in rel for item in ranked[:k]))


def mrr_at_k(relevant: Collection, ranked: Sequence, k: int) -> float:
    """Reciprocal rank of the first relevant item within the first k places, else 0.

    >>> mrr_at_k({"c"}, ["a", "b", "c"], 10)
    0.3333333333333333
    """
    _check(k)
    rel = set(relevant)
    for rank, item in enumerate(ranked[:k], start=1):
        if item in rel:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(relevant: Collection, ranked: Sequence, k: int) -> float:
    """Binary-gain NDCG: DCG of the first k places over the best possible DCG.

    >>> round(ndcg_at_k({"a", "c"}, ["b", "a", "c"], 3), 4)  # (1/log2 3 + 1/2) / (1 + 1/log2 3)
    0.6934
    """
    _check(k)
    rel = set(relevant)
    dcg = sum(1.0 / math.log2(i + 2) for i, item in enumerate(ranked[:k]) if item in rel)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(rel), k)))
    return dcg / ideal if ideal else 0.0


METRICS: dict[str, Callable[[Collection, Sequence, int], float]] = {
    "precision": precision_at_k,
    "recall": recall_at_k,
    "hit": hit_at_k,
    "mrr": mrr_at_k,
    "ndcg": ndcg_at_k,
}


def mean_metrics(runs: list[tuple[Collection, Sequence]], k: int,
                 names: Sequence[str] = tuple(METRICS)) -> dict[str, float]:
    """Each metric averaged over ``(relevant, ranked)`` pairs.

    >>> mean_metrics([({"a"}, ["a"]), ({"b"}, ["a", "b"])], k=2, names=["mrr", "hit"])
    {'mrr': 0.75, 'hit': 1.0}
    """
    unknown = [n for n in names if n not in METRICS]
    if unknown:
        raise ValueError(f"unknown metrics {unknown}; known: {sorted(METRICS)}")
    if not runs:
        raise ValueError("no runs to average")
    return {n: sum(METRICS[n](rel, ranked, k) for rel, ranked in runs) / len(runs)
            for n in names}


def ndcg_graded(gains: Mapping, ranked: Sequence, k: int) -> float:
    """NDCG with graded gains (labels 0–5), the gain being the label itself as in
    scikit-learn's ``ndcg_score`` (tests compare the two). Items without a label count 0;
    0 when no item has a positive label.

    >>> round(ndcg_graded({"a": 3, "b": 1}, ["b", "a"], 2), 4)  # (1 + 3/log2 3) / (3 + 1/log2 3)
    0.7967
    """
    _check(k)
    dcg = sum(gains.get(item, 0) / math.log2(i + 2) for i, item in enumerate(ranked[:k]))
    best = sorted((g for g in gains.values() if g > 0), reverse=True)[:k]
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(best))
    return dcg / ideal if ideal else 0.0


def coverage(lists: Iterable[Sequence], catalogue: Collection, k: int) -> float:
    """Catalogue coverage: the share of the catalogue that appears in some top-k list.

    >>> coverage([["a", "b"], ["a", "c"]], {"a", "b", "c", "d"}, 1)
    0.25
    """
    _check(k)
    if not catalogue:
        raise ValueError("the catalogue is empty: coverage of nothing")
    items = set(catalogue)
    shown = {item for ranked in lists for item in ranked[:k] if item in items}
    return len(shown) / len(items)


def diversity(ranked: Sequence, features: Mapping[str, Collection], k: int) -> float:
    """Intra-list diversity: mean Jaccard distance between the feature sets (topics,
    regions) of every two items in the first k places; 0 for fewer than two items.

    >>> diversity(["a", "b", "c"], {"a": {"x"}, "b": {"x"}, "c": {"y"}}, 3)  # (0+1+1)/3
    0.6666666666666666
    """
    _check(k)
    top = list(ranked[:k])
    if len(top) < 2:
        return 0.0
    # Every two items at once: a 0/1 matrix of item × feature; |a & b| is its product
    # with itself, |a | b| = |a| + |b| - |a & b| (a firm with hundreds of partners).
    sets = [set(features.get(item, ())) for item in top]
    names = {f: i for i, f in enumerate({f for s in sets for f in s})}
    rows = [row for row, found in enumerate(sets) for _ in found]
    cols = [names[f] for found in sets for f in found]
    member = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(len(top), len(names)))
    both = (member @ member.T).toarray()  # sparse: a BLAS product's threads cost more here
    size = np.array([len(found) for found in sets], float)
    union = size[:, None] + size[None, :] - both
    upper = np.triu_indices(len(top), 1)
    both, union = both[upper], union[upper]
    distance = np.where(union > 0, 1 - both / np.where(union > 0, union, 1), 0.0)
    return float(distance.sum() / len(distance))


def fairness(best_scores: Mapping[str, float], meetings: Mapping[str, int]) -> dict[str, float]:
    """How evenly a plan serves firms: the minimum and median best-match score and the
    minimum and median meetings per firm (firms in `best_scores` without meetings count 0).

    >>> fairness({"f1": 0.9, "f2": 0.3, "f3": 0.6}, {"f1": 3, "f2": 1})
    {'min_best_score': 0.3, 'median_best_score': 0.6, 'min_meetings': 0, 'median_meetings': 1}
    """
    if not best_scores:
        raise ValueError("no firms: fairness of nothing")
    counts = [meetings.get(firm, 0) for firm in best_scores]
    return {"min_best_score": min(best_scores.values()),
            "median_best_score": statistics.median(best_scores.values()),
            "min_meetings": min(counts), "median_meetings": statistics.median(counts)}
