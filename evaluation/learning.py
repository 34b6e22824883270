"""Learning from outcomes: which met pairs go on to sign, from features of the pair.

Each `PairExample` is one meeting: its features as they stood *before* its event (the
caller builds them on the pre-event graph, so a pair's own outcome never feeds them) and
whether it was signed. Two scikit-learn models compete, logistic regression (scaled) and
gradient boosting; `choose_model` trains both on the earlier events of a `time_split` and
keeps the one with the lower log loss on the later events (probabilities must mean what
they say), reporting AUC and the Brier score beside it, and `reliability` gives the
reliability curve of its probabilities.

**When to use it.** `ready` says the learned ranking may replace the hybrid one only with
at least `MIN_SIGNED` signed pairs among at least `MIN_OUTCOMES` recorded outcomes: about
ten signings per feature (six features), the usual floor below which a logistic model's
coefficients are noise, and at a sign rate near 20% that is some 300 outcomes. The
simulator (`evaluation.simulate`) shows the curve an office can expect. Even then the
report sets the learned ranking beside the hybrid one on later events (paired bootstrap)
and says which won.

**Invented data.** Examples carry `illustrative`; training refuses to mix invented and
recorded outcomes unless asked, and `data_label` names what a figure was made from.

>>> examples = [PairExample("e1", "2019-01-01", "f", f"h{i}", {"text": i / 10}, i > 5)
...             for i in range(10)]
>>> data_label(examples), ready(examples)[0]
('recorded', False)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.calibration import calibration_curve
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from duijie.evaluation.protocol import Split, time_split
from duijie.graph.errors import InvalidInput

FEATURES = ("text", "graph", "region_match", "programme_fit", "past_collaborations",
            "partner_history")
"""Text and graph score (the hybrid's components), same region (0/1), programme fit (the
eligibility score, 0 when no programme), the firm's collaborations before the event and
the partner's earlier signings (both as log(1 + count))."""
MIN_SIGNED = 60
MIN_OUTCOMES = 300


@dataclass(frozen=True)
class PairExample:
    """One met pair: its event and date, firm and partner, features before the event,
    and whether it signed."""

    event_id: str
    date: str | None
    firm: str
    helper: str
    features: Mapping[str, float]
    signed: bool
    illustrative: bool = False


def data_label(examples: Sequence[PairExample]) -> str:
    """``recorded``, ``illustrative`` (invented) or ``mixed``: printed on every figure."""
    kinds = {e.illustrative for e in examples}
    return "mixed" if len(kinds) > 1 else "illustrative" if True in kinds else "recorded"


def ready(examples: Sequence[PairExample]) -> tuple[bool, str]:
    """Are there enough outcomes for the learned ranking? And why (a sentence)."""
    signed = sum(e.signed for e in examples)
    if len(examples) >= MIN_OUTCOMES and signed >= MIN_SIGNED:
        return True, (f"{len(examples)} outcomes, {signed} signed: enough to learn from "
                      f"(at least {MIN_OUTCOMES} and {MIN_SIGNED} signed)")
    return False, (f"{len(examples)} outcomes, {signed} signed: the learned ranking needs at "
                   f"least {MIN_OUTCOMES} outcomes with {MIN_SIGNED} signed (about ten "
                   f"signings per feature); the hybrid ranking is used until then")


def matrix(examples: Sequence[PairExample]) -> tuple[np.ndarray, np.ndarray]:
    """Features (columns in `FEATURES` order, missing ones 0) and labels.

    Raises `InvalidInput` for a non-finite feature.
    """
    X = np.array([[float(e.features.get(f, 0.0)) for f in FEATURES] for e in examples],
                 dtype=float).reshape(len(examples), len(FEATURES))
    if not np.isfinite(X).all():
        row = int(np.argwhere(~np.isfinite(X))[0][0])
        raise InvalidInput("has a NaN or infinite feature", value=examples[row].helper,
                           where=f"pair of {examples[row].firm} at {examples[row].event_id}")
    return X, np.array([int(e.signed) for e in examples])


def candidate_models(seed: int = 0) -> dict[str, Any]:
    """The two models the protocol chooses between (unfitted)."""
    return {"logistic": make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
            "boosting": GradientBoostingClassifier(n_estimators=150, max_depth=2,
                                                   learning_rate=0.05, subsample=0.8,
                                                   random_state=seed)}


@dataclass
class ModelChoice:
    """The chosen model (refitted on every example), the split, each candidate's scores on
    the later events, and what the data was."""

    name: str
    model: Any
    split: Split
    scores: dict[str, dict[str, float]]
    data: str
    test_probabilities: list[float] = field(default_factory=list)
    test_labels: list[int] = field(default_factory=list)

    def predict(self, examples: Sequence[PairExample]) -> np.ndarray:
        """Probability of signing for each example."""
        return self.model.predict_proba(matrix(examples)[0])[:, 1]

    def to_dict(self) -> dict[str, Any]:
        return {"chosen": self.name, "split": self.split.to_dict(), "scores": self.scores,
                "data": self.data}


def choose_model(examples: Sequence[PairExample], *, test_share: float = 0.3,
                 allow_illustrative: bool = False, seed: int = 0) -> ModelChoice:
    """Fit both candidates on the earlier events, keep the lower log loss on the later ones.

    Raises `InvalidInput` when invented and recorded outcomes would mix (unless
    `allow_illustrative`), when a side of the split has only one class, or on a bad split.
    """
    label = data_label(examples)
    if label == "mixed" and not allow_illustrative:
        raise InvalidInput("mixes invented (illustrative) and recorded outcomes: train on one "
                           "kind, or allow it and say so on every figure", where="training set")
    dates = {e.event_id: e.date for e in examples}
    split = time_split(dates, test_share)
    train = [e for e in examples if e.event_id in set(split.train)]
    test = [e for e in examples if e.event_id in set(split.test)]
    X_train, y_train = matrix(train)
    X_test, y_test = matrix(test)
    for side, y in (("training", y_train), ("test", y_test)):
        if len(set(y.tolist())) < 2:
            raise InvalidInput(f"the {side} side holds only {'signed' if y.all() else 'unsigned'}"
                               " pairs: nothing to tell apart", where="time split")
    scores, fitted = {}, {}
    for name, model in candidate_models(seed).items():
        fitted[name] = clone(model).fit(X_train, y_train)
        p = fitted[name].predict_proba(X_test)[:, 1]
        scores[name] = {"log_loss": float(log_loss(y_test, p, labels=[0, 1])),
                        "brier": float(brier_score_loss(y_test, p)),
                        "auc": float(roc_auc_score(y_test, p))}
    best = min(scores, key=lambda n: (scores[n]["log_loss"], n))
    probabilities = fitted[best].predict_proba(X_test)[:, 1]
    X_all, y_all = matrix(examples)
    final = clone(candidate_models(seed)[best]).fit(X_all, y_all)
    return ModelChoice(best, final, split, scores, label, probabilities.tolist(),
                       y_test.tolist())


def reliability(labels: Sequence[int], probabilities: Sequence[float], bins: int = 10
                ) -> list[dict[str, float]]:
    """The reliability curve: per bin of predicted probability, the mean prediction, the
    share that signed and how many pairs (empty bins left out).

    >>> reliability([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9], bins=2)[1]
    {'predicted': 0.85, 'observed': 1.0, 'pairs': 2}
    """
    y, p = np.asarray(labels, dtype=int), np.asarray(probabilities, dtype=float)
    if y.size == 0:
        raise InvalidInput("no predictions: no reliability curve", where="reliability")
    observed, predicted = calibration_curve(y, p, n_bins=bins, strategy="uniform")
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.searchsorted(edges[1:-1], p, side="right"), 0, bins - 1)
    counts = [int(c) for c in np.bincount(which, minlength=bins) if c > 0]
    return [{"predicted": round(float(a), 6), "observed": round(float(b), 6), "pairs": n}
            for a, b, n in zip(predicted, observed, counts, strict=True)]


HYBRID = {"text": 0.6, "graph": 0.4}
"""The hybrid's weights for experts and institutes (``matcher/config/recommend_v1.json``)."""


def scorer_runs(examples: Sequence[PairExample], learned: ModelChoice | None = None,
                extra: Mapping[str, Sequence[float]] | None = None
                ) -> tuple[dict[str, dict[str, dict[str, float]]], dict[str, dict[str, int]]]:
    """Scores of each scorer (text alone, graph alone, hybrid, learned, any `extra` given
    per example) and labels (signed 3, else 0), with one query per firm and event: the
    partners a firm met, ranked. Queries with no signed pair are left out (nothing to find).

    >>> ex = [PairExample("e", "2019-01-01", "f", "a", {"text": 0.9, "graph": 0.1}, True),
    ...       PairExample("e", "2019-01-01", "f", "b", {"text": 0.2, "graph": 0.8}, False)]
    >>> runs, labels = scorer_runs(ex)
    >>> labels, runs["graph"]
    ({'e|f': {'a': 3, 'b': 0}}, {'e|f': {'a': 0.1, 'b': 0.8}})
    """
    columns: dict[str, list[float]] = {
        "text": [float(e.features.get("text", 0.0)) for e in examples],
        "graph": [float(e.features.get("graph", 0.0)) for e in examples]}
    columns["hybrid"] = [HYBRID["text"] * t + HYBRID["graph"] * g
                         for t, g in zip(columns["text"], columns["graph"], strict=True)]
    if learned is not None:
        columns["learned"] = [float(p) for p in learned.predict(examples)]
    for name, values in (extra or {}).items():
        columns[name] = [float(v) for v in values]
    signed_queries = {f"{e.event_id}|{e.firm}" for e in examples if e.signed}
    runs: dict[str, dict[str, dict[str, float]]] = {name: {} for name in columns}
    labels: dict[str, dict[str, int]] = {}
    for i, e in enumerate(examples):
        query = f"{e.event_id}|{e.firm}"
        if query not in signed_queries:
            continue
        labels.setdefault(query, {})[e.helper] = 3 if e.signed else 0
        for name, values in columns.items():
            runs[name].setdefault(query, {})[e.helper] = values[i]
    return runs, labels
