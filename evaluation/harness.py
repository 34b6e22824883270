"""The quality harness: run ranking methods over labelled sets, with intervals, and choose.

Pure: plain data in (a `LabelledSet`, a method), plain data out. A *method* is a callable
``method(profiles) -> rank`` where ``rank(texts, k) -> [[profile_id, ...], ...]`` (best first,
at most k); `duijie.evaluation.methods` builds them from the matcher's parts.

Protocol, so that a default is chosen by measurement and reported honestly:

1. every method ranks every query of every set (`run_method`);
2. per-query metric values (`per_query`) are averaged per split; a 95% interval comes from a
   percentile bootstrap over the queries (`bootstrap_interval`, on evaluation.intervals);
3. the choice (`choose`) uses the **tune** split only: among the methods **not below the
   baseline (BM25) on any tune set** measured, the best mean over the sets given (not one
   set), ties broken by the order the methods were listed (simpler first); the baseline
   itself always qualifies, so a choice always exists;
4. the held-out split is reported beside it and never used to choose.

>>> from duijie.evaluation.sets import LabelledSet
>>> s = LabelledSet("toy", "zh", "need → field", "made up",
...     [{"id": "a", "docs": [{"id": "1", "text": "x"}]},
...      {"id": "b", "docs": [{"id": "2", "text": "y"}]}],
...     [{"id": "q1", "text": "x", "relevant": ["a"], "split": "tune"},
...      {"id": "q2", "text": "y", "relevant": ["b"], "split": "tune"}])
>>> right = lambda profiles: (lambda texts, k: [["a", "b"] if t == "x" else ["b", "a"]
...                                             for t in texts])
>>> wrong = lambda profiles: (lambda texts, k: [["b", "a"] for t in texts])
>>> runs = {"right": run_method(right, s), "wrong": run_method(wrong, s)}
>>> per_query(s, runs["wrong"], "tune", "mrr@10").tolist()
[0.5, 1.0]
>>> choose({name: {"toy": summary(s, r, "tune")["ndcg@10"]} for name, r in runs.items()},
...        ["toy"])
'right'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from duijie.evaluation.intervals import bootstrap_mean
from duijie.evaluation.metrics import METRICS
from duijie.evaluation.sets import LabelledSet

Ranker = Callable[[Sequence[str], int], list[list[str]]]
Method = Callable[[list[dict]], Ranker]
K = 10
REPORTED = ("ndcg@10", "mrr@10", "hit@1")


def run_method(method: Method, labelled: LabelledSet, k: int = K) -> list[list[str]]:
    """Rankings of every query of the set (both splits), in query order.

    The method is fitted once per group of the set (`LabelledSet.groups`: one, or one per
    fold so that no query's own document is in a profile); each group's queries are ranked
    in one batch.
    """
    rankings: list[list[str]] = [[] for _ in labelled.queries]
    for indexes, profiles in labelled.groups():
        rank = method(profiles)
        ranked = rank([labelled.queries[i]["text"] for i in indexes], k)
        if len(ranked) != len(indexes):
            raise ValueError(f"{labelled.name}: the method returned {len(ranked)} rankings "
                             f"for {len(indexes)} queries")
        for i, r in zip(indexes, ranked, strict=True):
            rankings[i] = r
    return rankings


def score_matrix(scorer: Callable[[list[dict], Sequence[str]], np.ndarray],
                 labelled: LabelledSet) -> np.ndarray:
    """A scorer's scores of every query against every profile of the set (queries ×
    profiles), group by group as `run_method` ranks; a profile absent from a query's group
    scores 0 for it.

    >>> from duijie.evaluation.sets import LabelledSet
    >>> s = LabelledSet("t", "zh", "", "", [{"id": "a", "docs": []}, {"id": "b", "docs": []}],
    ...     [{"id": "q", "text": "", "relevant": ["a"], "split": "tune"}])
    >>> score_matrix(lambda profiles, texts: np.ones((len(texts), len(profiles))), s).tolist()
    [[1.0, 1.0]]
    """
    column = {p["id"]: j for j, p in enumerate(labelled.profiles)}
    out = np.zeros((len(labelled.queries), len(labelled.profiles)))
    for indexes, profiles in labelled.groups():
        part = scorer(profiles, [labelled.queries[i]["text"] for i in indexes])
        out[np.ix_(indexes, [column[p["id"]] for p in profiles])] = part
    return out


def per_query(labelled: LabelledSet, rankings: list[list[str]], split: str,
              metric: str = "ndcg@10") -> np.ndarray:
    """One metric value per query of a split (``name@k``: a name of `METRICS` and a cut-off).

    >>> from duijie.evaluation.sets import LabelledSet
    >>> s = LabelledSet("t", "zh", "", "", [], [
    ...     {"id": "q", "text": "", "relevant": ["a"], "split": "heldout"}])
    >>> per_query(s, [["b", "a"]], "heldout", "hit@1").tolist()
    [0.0]
    """
    name, _, k = metric.partition("@")
    if name not in METRICS or not k.isdigit():
        raise ValueError(f"metric must be name@k with name in {sorted(METRICS)}: {metric!r}")
    fn = METRICS[name]
    return np.array([fn(q["relevant"], r, int(k))
                     for q, r in zip(labelled.queries, rankings, strict=True)
                     if q["split"] == split], dtype=np.float64)


def bootstrap_interval(values: Sequence[float], confidence: float = 0.95,
                       n_resamples: int = 2000, seed: int = 0) -> tuple[float, float, float]:
    """Mean and percentile-bootstrap interval of the mean, resampling queries.

    >>> m, lo, hi = bootstrap_interval([0.0, 1.0] * 50)
    >>> m, lo < 0.5 < hi, round(hi - lo, 1)
    (0.5, True, 0.2)
    """
    data = np.asarray(values, dtype=np.float64)
    if data.size == 0:
        raise ValueError("no values to bootstrap")
    mean = float(data.mean())
    if np.all(data == data[0]):
        return mean, mean, mean
    estimate = bootstrap_mean(data, confidence=confidence, resamples=n_resamples, seed=seed,
                              where="per-query values")
    return mean, estimate.low, estimate.high


def summary(labelled: LabelledSet, rankings: list[list[str]], split: str,
            metrics: Sequence[str] = REPORTED) -> dict[str, float]:
    """Mean of each metric over the split's queries."""
    return {m: float(per_query(labelled, rankings, split, m).mean()) for m in metrics}


def choose(tune_scores: dict[str, dict[str, float]], set_names: Sequence[str],
           baseline: str | None = None, candidates: Sequence[str] | None = None) -> str:
    """The method with the best mean tune score over the named sets (first listed on ties),
    among those not below ``baseline`` on any set.

    ``tune_scores[method][set]`` is the method's tune-split score on that set. With a
    ``baseline`` (a method of ``tune_scores``), a candidate below the baseline's score on any
    set the baseline was measured on (every set, not only ``set_names``) is out; the baseline
    itself is always in, so a choice always exists. ``candidates`` limits the choice to
    those methods (in that order), the baseline added.

    >>> scores = {"bm25": {"s1": 0.5, "s2": 0.5, "x": 0.1},
    ...           "a": {"s1": 0.6, "s2": 0.6, "x": 0.1}, "b": {"s1": 0.9, "s2": 0.4, "x": 0.1}}
    >>> choose(scores, ["s1", "s2"])
    'b'
    >>> choose(scores, ["s1", "s2"], baseline="bm25")
    'a'
    >>> choose(scores, ["s1", "s2"], baseline="bm25", candidates=["b"])
    'bm25'
    """
    if not tune_scores or not set_names:
        raise ValueError("nothing to choose from")
    names = list(tune_scores) if candidates is None else list(candidates)
    if baseline is not None:
        if baseline not in tune_scores:
            raise ValueError(f"the baseline {baseline!r} has no scores")
        floor = tune_scores[baseline]
        names = [baseline, *names] if baseline not in names else names
        names = [m for m in names
                 if all(tune_scores[m][s] >= floor[s] - 1e-12 for s in floor)]
    best, best_mean = None, -np.inf
    for method in names:
        mean = float(np.mean([tune_scores[method][s] for s in set_names]))
        if mean > best_mean + 1e-12:
            best, best_mean = method, mean
    return best


def choose_by_group(tune_scores: dict[str, dict[str, float]],
                    groups: dict[str, Sequence[str]], baseline: str,
                    candidates: Sequence[str] | None = None) -> dict[str, str]:
    """`choose` inside each group of sets: per group, the best mean tune score over the
    group's sets among the candidates never below ``baseline`` on any set of the group.

    ``groups[group]`` names the group's sets (`evaluation.sets.language_group`: Chinese,
    English, across languages); a method below the baseline in one group may still be the
    choice of another.

    >>> scores = {"bm25": {"zh1": 0.5, "zh2": 0.5, "en1": 0.3},
    ...           "w0.5": {"zh1": 0.6, "zh2": 0.6, "en1": 0.2},
    ...           "w0.2": {"zh1": 0.55, "zh2": 0.5, "en1": 0.31}}
    >>> choose_by_group(scores, {"zh": ["zh1", "zh2"], "en": ["en1"]}, "bm25")
    {'zh': 'w0.5', 'en': 'w0.2'}
    """
    out = {}
    for group, set_names in groups.items():
        inside = {m: {s: by_set[s] for s in set_names} for m, by_set in tune_scores.items()}
        out[group] = choose(inside, list(set_names), baseline=baseline, candidates=candidates)
    return out


def _normalised(scores: np.ndarray) -> np.ndarray:
    top = scores.max(axis=1, keepdims=True)
    return np.divide(scores, top, out=np.zeros_like(scores), where=top > 0)


def fused_rankings(parts: dict[str, np.ndarray], weights: dict[str, float], ids: Sequence[str],
                   k: int = K) -> list[list[str]]:
    """Rankings from a weighted sum of score matrices (queries × profiles), each divided by
    its best score per query; zero scores are left out, ties in profile order."""
    total = sum(w * _normalised(parts[name]) for name, w in weights.items() if w)
    if isinstance(total, int):  # every weight 0
        return [[] for _ in range(next(iter(parts.values())).shape[0])]
    out = []
    for row in total:
        order = np.argsort(-row, kind="stable")[:k]
        out.append([ids[j] for j in order if row[j] > 0])
    return out


def learn_weights(parts: dict[str, dict[str, np.ndarray]], sets: dict[str, LabelledSet],
                  on: Sequence[str], grid: Sequence[float] = tuple(np.round(
                      np.linspace(0, 1, 11), 2)), rounds: int = 3,
                  metric: str = "ndcg@10") -> dict[str, float]:
    """Fusion weights learned on the **tune** split: coordinate ascent over a grid, one
    part's weight at a time, for the best mean `metric` over the sets `on`.

    ``parts[part][set]`` is that part's score matrix (queries × profiles) on that set.
    Starts from the first part alone; a change is kept only if it raises the mean.

    >>> from duijie.evaluation.sets import LabelledSet
    >>> s = LabelledSet("t", "zh", "", "", [{"id": "a", "docs": []}, {"id": "b", "docs": []}],
    ...     [{"id": "1", "text": "", "relevant": ["a"], "split": "tune"},
    ...      {"id": "2", "text": "", "relevant": ["b"], "split": "tune"}])
    >>> good = np.array([[1.0, 0.0], [0.0, 1.0]]); bad = np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> learn_weights({"bad": {"t": bad}, "good": {"t": good}}, {"t": s}, ["t"])
    {'bad': 0.0, 'good': 1.0}
    """
    names = list(parts)

    def score(weights: dict[str, float]) -> float:
        values = []
        for set_name in on:
            labelled = sets[set_name]
            tune = [i for i, q in enumerate(labelled.queries) if q["split"] == "tune"]
            ids = [p["id"] for p in labelled.profiles]
            sub = {n: parts[n][set_name][tune] for n in names}
            ranked = fused_rankings(sub, weights, ids)
            queries = [labelled.queries[i] for i in tune]
            tuned = LabelledSet(labelled.name, labelled.language, labelled.shape,
                                labelled.source, labelled.profiles, queries)
            values.append(float(per_query(tuned, ranked, "tune", metric).mean()))
        return float(np.mean(values))

    weights = {n: (1.0 if i == 0 else 0.0) for i, n in enumerate(names)}
    best = score(weights)
    for _ in range(rounds):
        changed = False
        for n in names:
            for w in grid:
                if w == weights[n]:
                    continue
                trial = {**weights, n: float(w)}
                value = score(trial)
                if value > best + 1e-9:
                    best, weights, changed = value, trial, True
        if not changed:
            break
    return weights
