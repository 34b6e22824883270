"""Learning from outcomes on simulated data with a known truth."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from duijie.evaluation.learning import (
    MIN_OUTCOMES,
    MIN_SIGNED,
    choose_model,
    ready,
    reliability,
    scorer_runs,
)
from duijie.evaluation.protocol import compare
from duijie.evaluation.simulate import MEMORY, learning_curve, simulate
from duijie.graph.errors import InvalidInput


@pytest.fixture(scope="module")
def sim():
    return simulate(events=250, meetings_per_firm=5, seed=7)


def test_the_simulator_is_seeded_and_no_outcome_feeds_its_own_features(sim):
    again = simulate(events=250, meetings_per_firm=5, seed=7)
    assert again.examples == sim.examples
    assert simulate(events=250, meetings_per_firm=5, seed=8).examples != sim.examples
    # Recompute each firm's past collaborations from the outcomes of earlier events only.
    history: dict[str, float] = {}
    current = None
    pending: list[str] = []
    for e in sim.examples:
        if e.event_id != current:
            history = {f: c * MEMORY for f, c in history.items()}
            for firm in pending:
                history[firm] = history.get(firm, 0.0) + 1
            pending, current = [], e.event_id
        assert e.features["past_collaborations"] == pytest.approx(
            math.log1p(history.get(e.firm, 0.0)))
        if e.signed:
            pending.append(e.firm)


def test_the_learning_curve_approaches_the_truth(sim):
    curve = learning_curve(sim, sizes=(60, 250, 1000, 4000))
    first, last = curve["curve"][0], curve["curve"][-1]
    assert curve["data"] == "illustrative" and curve["skipped"] == []
    assert last["logistic"]["mean_abs_error"] < first["logistic"]["mean_abs_error"] / 3
    assert last["logistic"]["mean_abs_error"] < 0.03
    assert last["logistic"]["auc"] == pytest.approx(curve["truth"]["auc"], abs=0.02)
    assert last["logistic"]["log_loss"] == pytest.approx(curve["truth"]["log_loss"], abs=0.01)
    assert last["boosting"]["mean_abs_error"] < first["boosting"]["mean_abs_error"]


def test_the_protocol_chooses_a_calibrated_model_that_ranks_better_than_the_hybrid(sim):
    assert ready(sim.examples)[0]
    choice = choose_model(sim.examples, allow_illustrative=False)
    assert choice.name in ("logistic", "boosting") and choice.data == "illustrative"
    scores = choice.scores[choice.name]
    assert scores["log_loss"] == min(s["log_loss"] for s in choice.scores.values())
    curve = reliability(choice.test_labels, choice.test_probabilities, bins=5)
    assert sum(b["pairs"] for b in curve) == len(choice.test_labels)
    for b in curve:
        if b["pairs"] >= 100:
            assert abs(b["predicted"] - b["observed"]) < 0.08, b
    test = [e for e in sim.examples if e.event_id in set(choice.split.test)]
    truth = sim.true_probability[len(sim.examples) - len(test):]
    runs, labels = scorer_runs(test, choice, extra={"truth": truth})
    table = {row["scorer"]: row for row in
             compare(runs, labels, k=1, reference="hybrid").table("ndcg")}
    # the truth weighs the graph above the text: the hybrid's fixed weights miss it, the
    # learned ranking finds it, and the paired bootstrap calls the difference real
    assert table["truth"]["real"] and table["truth"]["difference"] > 0
    assert table["learned"]["real"] and table["learned"]["difference"] > 0
    assert table["learned"]["value"] > table["text"]["value"]


def test_invented_and_recorded_outcomes_are_not_mixed_unless_asked(sim):
    mixed = [replace(e, illustrative=i % 2 == 0) for i, e in enumerate(sim.examples)]
    with pytest.raises(InvalidInput, match="mixes invented"):
        choose_model(mixed)
    assert choose_model(mixed, allow_illustrative=True).data == "mixed"


def test_too_few_outcomes_are_not_enough():
    few = simulate(events=10, seed=2).examples
    ok, why = ready(few)
    assert not ok and f"{MIN_OUTCOMES} outcomes with {MIN_SIGNED} signed" in why
    one_class = [replace(e, signed=False) for e in few]
    with pytest.raises(InvalidInput, match="only unsigned"):
        choose_model(one_class)
    with pytest.raises(InvalidInput, match="no predictions"):
        reliability([], [])
    assert np.isfinite([e.features["text"] for e in few]).all()
