"""Ranking metrics: hand-computed cases, the shared signature, the stated range."""

from __future__ import annotations

import math
import random

import pytest

from duijie.evaluation.metrics import METRICS, mean_metrics, ndcg_at_k, precision_at_k


def test_hand_computed_values() -> None:
    relevant, ranked = {"a", "d"}, ["a", "b", "c", "d"]
    assert precision_at_k(relevant, ranked, 4) == 0.5
    assert METRICS["mrr"](relevant, ranked, 4) == 1.0
    assert METRICS["recall"](relevant, ranked, 3) == 0.5
    assert ndcg_at_k(relevant, ranked, 4) == pytest.approx(
        (1 + 1 / math.log2(5)) / (1 + 1 / math.log2(3)))


def test_perfect_and_empty_rankings() -> None:
    for name, metric in METRICS.items():
        if name != "precision":
            assert metric({"a"}, ["a", "b"], 5) == 1.0, name
        assert metric({"a"}, [], 5) == 0.0, name
        assert metric(set(), ["a"], 5) == 0.0, name


def test_every_metric_stays_in_zero_one() -> None:
    rng = random.Random(1)
    items = list("abcdefghij")
    for _ in range(200):
        relevant = set(rng.sample(items, rng.randint(0, 4)))
        ranked = rng.sample(items, rng.randint(0, 10))
        k = rng.randint(1, 12)
        for name, metric in METRICS.items():
            assert 0.0 <= metric(relevant, ranked, k) <= 1.0, name


def test_k_must_be_positive_and_names_known() -> None:
    for metric in METRICS.values():
        with pytest.raises(ValueError):
            metric({"a"}, ["a"], 0)
    with pytest.raises(ValueError, match="unknown metrics"):
        mean_metrics([({"a"}, ["a"])], k=1, names=["map"])
