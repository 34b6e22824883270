"""Ranking metrics: small pure functions with one signature.

Every metric is ``metric(relevant, ranked, k) -> float`` in [0, 1]: ``relevant`` the set (or
any collection) of right answers, ``ranked`` the system's answers best first, ``k`` the cut-off
(k >= 1). `METRICS` maps names to functions, so reports loop over them.

>>> relevant, ranked = {"a", "c"}, ["b", "a", "c", "d"]
>>> {name: round(f(relevant, ranked, 2), 3) for name, f in METRICS.items()}
{'precision': 0.5, 'recall': 0.5, 'hit': 1.0, 'mrr': 0.5, 'ndcg': 0.387}
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence


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
