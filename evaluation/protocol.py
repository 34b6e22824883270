"""The offline comparison protocol: one way to tell whether a scorer is better.

* `time_split` splits events by date: train on the earlier ones, test on the later ones,
  so no future leaks into the past (an event without a date cannot be placed: error).
* `query_metrics` measures one scorer per query (labels 0–5; a profile the scorer ranks
  but nobody labelled counts 0; equal scores are ordered by profile id); `compare`
  measures several on the same queries, each mean with its bootstrap interval, and
  sets each beside a reference scorer with a paired bootstrap: the ablation table
  ("text alone", "graph alone", "hybrid", "learned"), where a difference is called
  real only when its interval excludes 0.

Nothing is computed on nothing: no labels, no queries, a missing score or a NaN raises.

>>> labels = {"q1": {"a": 3, "b": 0}, "q2": {"c": 2}}
>>> scores = {"q1": {"a": 0.9, "b": 0.1}, "q2": {"c": 0.5, "d": 0.7}}
>>> {m: v for m, v in query_metrics(labels, scores, k=2).items() if m in ("mrr", "hit")}
{'mrr': [1.0, 0.5], 'hit': [1.0, 1.0]}
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from duijie.evaluation.intervals import Estimate, PairedDifference, bootstrap_mean, paired_bootstrap
from duijie.evaluation.metrics import METRICS, ndcg_graded
from duijie.graph.errors import InvalidInput

Labels = Mapping[str, Mapping[str, int]]
Scores = Mapping[str, Mapping[str, float]]
MEASURES = ("ndcg", "precision", "recall", "mrr", "hit")
RELEVANT_FROM = 2
"""A label of 2 or more (of 0–5) makes a profile relevant for precision, recall, MRR and
hit rate; NDCG uses the labels themselves."""


@dataclass(frozen=True)
class Split:
    """Events to train on (earlier) and to test on (later), and the first test date."""

    train: tuple[str, ...]
    test: tuple[str, ...]
    cutoff: str

    def to_dict(self) -> dict[str, Any]:
        return {"train": list(self.train), "test": list(self.test), "cutoff": self.cutoff}


def time_split(dates: Mapping[str, str | None], test_share: float = 0.3) -> Split:
    """Split events by date: the latest `test_share` of them (at least one) are the test
    side; events on the cut-off date all go to the test side, so train is strictly earlier.

    >>> time_split({"e1": "2019-03-01", "e2": "2019-05-23", "e3": "2019-06-15"}, 0.3)
    Split(train=('e1', 'e2'), test=('e3',), cutoff='2019-06-15')
    >>> time_split({"e1": "2019-03-01", "e2": None})
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: time split: ['e2'] have no date: a split by time \
cannot place them (give each event a start_date)
    """
    undated = sorted(e for e, d in dates.items() if not d)
    if undated:
        raise InvalidInput("have no date: a split by time cannot place them (give each "
                           "event a start_date)", value=undated[:10], where="time split")
    if not 0 < test_share < 1:
        raise InvalidInput("must be between 0 and 1", value=test_share, where="test share")
    ordered = sorted(dates, key=lambda e: (str(dates[e]), e))
    if len(ordered) < 2:
        raise InvalidInput(f"{len(ordered)} event(s): a split by time needs at least two, "
                           "one to learn from and a later one to test on", where="time split")
    cutoff = str(dates[ordered[-max(1, round(len(ordered) * test_share))]])
    train = tuple(e for e in ordered if str(dates[e]) < cutoff)
    test = tuple(e for e in ordered if str(dates[e]) >= cutoff)
    if not train:
        raise InvalidInput(f"every event is on or after {cutoff}: the training side is empty",
                           where="time split")
    return Split(train, test, cutoff)


def _ranked(scores: Mapping[str, float]) -> list[str]:
    return sorted(scores, key=lambda p: (-scores[p], p))


def check_scores(labels: Labels, scores: Scores, scorer: str = "scores") -> None:
    """Every labelled pair has a finite score; labels are integers 0–5.

    >>> check_scores({"q": {"a": 1}}, {"q": {}}, "bm25")
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: bm25: 1 labelled pair(s) have no score \
(first: query 'q', profile 'a'): score every labelled pair
    """
    if not labels:
        raise InvalidInput("no labelled queries: nothing to measure", where=scorer)
    missing = [(q, p) for q, row in labels.items() for p in row if p not in scores.get(q, {})]
    if missing:
        q, p = missing[0]
        raise InvalidInput(f"{len(missing)} labelled pair(s) have no score (first: query "
                           f"{q!r}, profile {p!r}): score every labelled pair", where=scorer)
    for q, row in scores.items():
        for p, s in row.items():
            if not isinstance(s, int | float) or isinstance(s, bool) or not math.isfinite(s):
                raise InvalidInput(f"is not a finite number (query {q!r}, profile {p!r})",
                                   value=s, where=scorer)
    for q, row in labels.items():
        for p, label in row.items():
            if isinstance(label, bool) or label not in range(6):
                raise InvalidInput(f"is not a label 0–5 (query {q!r}, profile {p!r})",
                                   value=label, where="labels")


def query_metrics(labels: Labels, scores: Scores, k: int = 10,
                  relevant_from: int = RELEVANT_FROM) -> dict[str, list[float]]:
    """Each measure of `MEASURES` per labelled query, in the labels' query order."""
    check_scores(labels, scores)
    out: dict[str, list[float]] = {m: [] for m in MEASURES}
    for query, row in labels.items():
        ranked = _ranked(scores.get(query, {}))
        relevant = {p for p, label in row.items() if label >= relevant_from}
        out["ndcg"].append(ndcg_graded(row, ranked, k))
        for name in MEASURES[1:]:
            out[name].append(METRICS[name](relevant, ranked, k))
    return out


@dataclass(frozen=True)
class Comparison:
    """Each scorer's measures (mean and interval) and, beside the reference, the paired
    difference of each measure."""

    k: int
    queries: int
    reference: str
    scorers: dict[str, dict[str, Estimate]]
    against_reference: dict[str, dict[str, PairedDifference]]

    def to_dict(self) -> dict[str, Any]:
        return {"k": self.k, "queries": self.queries, "reference": self.reference,
                "scorers": {s: {m: e.to_dict() for m, e in ms.items()}
                            for s, ms in self.scorers.items()},
                "against_reference": {s: {m: d.to_dict() for m, d in ms.items()}
                                      for s, ms in self.against_reference.items()}}

    def table(self, measure: str = "ndcg") -> list[dict[str, Any]]:
        """The ablation table for one measure: one row per scorer, reference first."""
        rows = []
        for name, measures in self.scorers.items():
            diff = self.against_reference.get(name, {}).get(measure)
            rows.append({"scorer": name, "value": measures[measure].value,
                         "low": measures[measure].low, "high": measures[measure].high,
                         "difference": diff.mean_difference if diff else None,
                         "difference_low": diff.low if diff else None,
                         "difference_high": diff.high if diff else None,
                         "real": diff.real if diff else None})
        return rows


def compare(runs: Mapping[str, Scores], labels: Labels, *, k: int = 10,
            reference: str | None = None, relevant_from: int = RELEVANT_FROM,
            resamples: int = 2000, seed: int = 0) -> Comparison:
    """Measure every scorer of `runs` on the same labelled queries; set each beside
    `reference` (the first scorer if None) with a paired bootstrap.

    >>> labels = {f"q{i}": {"a": 3, "b": 0} for i in range(6)}
    >>> good = {q: {"a": 1.0, "b": 0.0} for q in labels}
    >>> bad = {q: {"a": 0.0, "b": 1.0} for q in labels}
    >>> c = compare({"bad": bad, "good": good}, labels, k=1)
    >>> c.scorers["good"]["hit"].value, c.against_reference["good"]["hit"].real
    (1.0, True)
    """
    if not runs:
        raise InvalidInput("no scorers to compare", where="compare")
    reference = reference or next(iter(runs))
    if reference not in runs:
        raise InvalidInput(f"is not one of the scorers ({', '.join(runs)})", value=reference,
                           where="reference")
    per_query = {}
    for name, scores in runs.items():
        try:
            per_query[name] = query_metrics(labels, scores, k, relevant_from)
        except InvalidInput as exc:
            raise InvalidInput(exc.message, value=exc.value, where=name) from None
    measured = {name: {m: bootstrap_mean(v, resamples=resamples, seed=seed, where=name)
                       for m, v in values.items()} for name, values in per_query.items()}
    diffs = {name: {m: paired_bootstrap(per_query[reference][m], values[m],
                                        resamples=resamples, seed=seed)
                    for m in MEASURES}
             for name, values in per_query.items() if name != reference}
    return Comparison(k, len(labels), reference, measured, diffs)


def labels_from_relevant(relevant: Mapping[str, Sequence[str]], profiles: Sequence[str],
                         grade: int = 3) -> dict[str, dict[str, int]]:
    """Graded labels from lists of right answers: `grade` for each, 0 for other profiles.

    >>> labels_from_relevant({"q": ["a"]}, ["a", "b"])
    {'q': {'a': 3, 'b': 0}}
    """
    return {q: {p: grade if p in set(right) else 0 for p in profiles}
            for q, right in relevant.items()}
