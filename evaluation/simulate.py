"""A seeded simulator of outcomes from a known truth, for what has no data yet.

`simulate` generates a population of firms and partners (experts, institutes), each
with a region and a mix of twelve topics, and a run of weekly events; at each event
some firms meet the partners closest to their topics, and each met pair signs with the
probability a known logistic model (`TRUTH`) gives its features: text and graph
affinity, same region, programme fit, the firm's past collaborations and the partner's
past signings, the last two counted from the simulation's own earlier events (so a
pair's outcome never feeds its own features). Everything it makes is invented and
marked `illustrative`.

`learning_curve` trains the learners on the first n outcomes and measures them on the
later events against the truth: AUC, log loss and the mean distance of their
probabilities from the true ones. As outcomes accumulate the learners approach the
truth; the curve tells an office how many outcomes it needs before a learned ranking
helps.

>>> sim = simulate(events=20, seed=1)
>>> len(sim.examples), sim.examples[0].illustrative, round(sim.sign_rate, 2)
(400, True, 0.21)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.metrics import log_loss, roc_auc_score

from duijie.evaluation.learning import FEATURES, PairExample, candidate_models, matrix
from duijie.graph.errors import InvalidInput

TRUTH: dict[str, float] = {"intercept": -4.0, "text": 1.0, "graph": 2.8, "region_match": 0.9,
                           "programme_fit": 0.6, "past_collaborations": 0.5,
                           "partner_history": 0.6}
"""The ground truth: log-odds of signing = intercept + Σ weight × feature. It weighs the
graph above the text, unlike the hybrid's 0.6/0.4, so the simulation shows whether
learning finds what the fixed weights miss."""
TOPICS = 12
MEMORY = 0.9
"""Each event, past collaborations and signings count this much less."""
REGIONS = 8


@dataclass
class Simulation:
    """The simulated outcomes (in event order), each one's true probability, the truth."""

    examples: list[PairExample]
    true_probability: np.ndarray
    truth: dict[str, float]
    seed: int

    @property
    def sign_rate(self) -> float:
        return float(np.mean([e.signed for e in self.examples])) if self.examples else 0.0


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def simulate(events: int = 100, *, firms: int = 300, partners: int = 120,
             firms_per_event: int = 10, meetings_per_firm: int = 2, seed: int = 0,
             truth: Mapping[str, float] | None = None) -> Simulation:
    """Simulate `events` weekly events of `firms_per_event` firms meeting
    `meetings_per_firm` partners each; see the module docstring."""
    if events < 1 or firms_per_event < 1 or meetings_per_firm < 1:
        raise InvalidInput("events, firms per event and meetings per firm must be >= 1",
                           where="simulate")
    truth = dict(truth or TRUTH)
    unknown = set(truth) - {"intercept", *FEATURES}
    if unknown:
        raise InvalidInput(f"are not features ({', '.join(FEATURES)})", value=sorted(unknown),
                           where="truth")
    rng = np.random.default_rng(seed)
    firm_topics = rng.dirichlet(np.full(TOPICS, 0.3), firms)
    partner_topics = rng.dirichlet(np.full(TOPICS, 0.3), partners)
    firm_region = rng.integers(0, REGIONS, firms)
    partner_region = rng.integers(0, REGIONS, partners)
    eligible = rng.random(firms) < 0.4
    cosine = (firm_topics @ partner_topics.T) / np.outer(
        np.linalg.norm(firm_topics, axis=1), np.linalg.norm(partner_topics, axis=1))
    collaborations = np.zeros(firms)
    signings = np.zeros(partners)
    examples, probabilities = [], []
    start = date(2019, 1, 7)
    for event in range(events):
        day = (start + timedelta(weeks=event)).isoformat()
        event_id = f"evt:sim-{event:04d}"
        signed_now = []
        for firm in rng.choice(firms, firms_per_event, replace=False):
            noisy = cosine[firm] + rng.normal(0, 0.3, partners)
            for partner in np.argsort(-noisy)[:meetings_per_firm]:
                same = float(firm_region[firm] == partner_region[partner])
                text = float(np.clip(cosine[firm, partner] + rng.normal(0, 0.1), 0, 1))
                graph = float(np.clip(0.4 * cosine[firm, partner] + 0.3 * same
                                      + 0.3 * rng.random(), 0, 1))
                features = {"text": text, "graph": graph, "region_match": same,
                            "programme_fit": float(eligible[firm]) * float(rng.random()),
                            "past_collaborations": math.log1p(collaborations[firm]),
                            "partner_history": math.log1p(signings[partner])}
                p = _sigmoid(truth.get("intercept", 0.0)
                             + sum(truth.get(f, 0.0) * v for f, v in features.items()))
                signed = bool(rng.random() < p)
                examples.append(PairExample(event_id, day, f"ent:sim-{firm:04d}",
                                            f"exp:sim-{partner:04d}", features, signed,
                                            illustrative=True))
                probabilities.append(p)
                if signed:
                    signed_now.append((firm, partner))
        collaborations *= MEMORY  # old ties fade, so the rate stays steady over the run
        signings *= MEMORY
        for firm, partner in signed_now:  # known only after the event
            collaborations[firm] += 1
            signings[partner] += 1
    return Simulation(examples, np.asarray(probabilities), truth, seed)


def _split_at(sim: Simulation, test_share: float) -> int:
    events = list(dict.fromkeys(e.event_id for e in sim.examples))
    first_test = events[len(events) - max(1, round(len(events) * test_share))]
    return next(i for i, e in enumerate(sim.examples) if e.event_id == first_test)


def learning_curve(sim: Simulation, sizes: Sequence[int] = (50, 100, 200, 400, 800, 1600),
                   *, test_share: float = 0.3, seed: int = 0) -> dict[str, Any]:
    """Each learner trained on the first n outcomes, measured on the later events beside
    the truth. Sizes larger than the training side, or with one class only, are skipped
    (listed under ``skipped``)."""
    cut = _split_at(sim, test_share)
    train, test = sim.examples[:cut], sim.examples[cut:]
    if not train or not test:
        raise InvalidInput("the simulation is too short to split by time", where="learning curve")
    X_test, y_test = matrix(test)
    if len(set(y_test.tolist())) < 2:
        raise InvalidInput("the later events hold only one class", where="learning curve")
    truth_p = sim.true_probability[cut:]
    rows, skipped = [], []
    for n in sizes:
        X, y = matrix(train[:n])
        if n > len(train) or len(set(y.tolist())) < 2:
            skipped.append(n)
            continue
        row: dict[str, Any] = {"outcomes": n, "signed": int(y.sum())}
        for name, model in candidate_models(seed).items():
            p = clone(model).fit(X, y).predict_proba(X_test)[:, 1]
            row[name] = {"auc": float(roc_auc_score(y_test, p)),
                         "log_loss": float(log_loss(y_test, p, labels=[0, 1])),
                         "mean_abs_error": float(np.mean(np.abs(p - truth_p)))}
        rows.append(row)
    return {"test_outcomes": len(test), "test_signed": int(y_test.sum()),
            "truth": {"auc": float(roc_auc_score(y_test, truth_p)),
                      "log_loss": float(log_loss(y_test, truth_p, labels=[0, 1]))},
            "curve": rows, "skipped": skipped, "data": "illustrative"}
