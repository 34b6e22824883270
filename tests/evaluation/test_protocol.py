"""The comparison protocol: time split, per-query measures, paired comparison."""

from __future__ import annotations

import pytest

from duijie.evaluation.protocol import compare, query_metrics, time_split
from duijie.graph.errors import InvalidInput


def test_time_split_trains_only_on_earlier_events():
    dates = {f"e{i}": f"2019-0{i}-01" for i in range(1, 10)} | {"tie": "2019-08-01"}
    split = time_split(dates, test_share=0.3)
    assert split.cutoff == "2019-08-01" and set(split.test) == {"e8", "tie", "e9"}
    assert max(dates[e] for e in split.train) < min(dates[e] for e in split.test)


@pytest.mark.parametrize("dates,message", [
    ({"e1": "2019-01-01", "e2": ""}, "have no date"),
    ({"e1": "2019-01-01"}, "needs at least two"),
    ({"e1": "2019-01-01", "e2": "2019-01-01"}, "training side is empty"),
])
def test_a_split_that_cannot_be_made_says_why(dates, message):
    with pytest.raises(InvalidInput, match=message):
        time_split(dates)


def test_a_split_that_would_leave_the_test_side_empty_is_refused():
    dates = {"e1": "2019-01-01", "e2": "2019-02-01", "e3": "2019-03-01"}
    for share in (0, 0.0, 1, -0.2):  # 0: nothing to test on; 1: nothing to train on
        with pytest.raises(InvalidInput, match=r"test share: .* must be between 0 and 1"):
            time_split(dates, test_share=share)
    # the smallest share still tests on the latest event, never on nothing
    assert time_split(dates, test_share=0.01).test == ("e3",)


def test_query_metrics_by_hand():
    labels = {"q1": {"a": 3, "b": 1, "c": 0}, "q2": {"d": 2}}
    scores = {"q1": {"a": 0.2, "b": 0.9, "c": 0.5, "x": 0.1}, "q2": {"d": 0.4, "x": 0.8}}
    got = query_metrics(labels, scores, k=2)
    # q1 ranks b, c, a, x: a (the only label >= 2) is third; q2 ranks x, d
    assert got["hit"] == [0.0, 1.0] and got["mrr"] == [0.0, 0.5]
    assert got["precision"] == [0.0, 0.5] and got["recall"] == [0.0, 1.0]
    # q1 NDCG@2: DCG = 1/1 + 0/log2 3 = 1; ideal = 3 + 1/log2 3
    assert got["ndcg"][0] == pytest.approx(1 / (3 + 1 / 1.5849625))


def test_compare_refuses_what_cannot_be_measured():
    labels = {"q": {"a": 3}}
    with pytest.raises(InvalidInput, match="no score"):
        compare({"s": {"q": {"b": 1.0}}}, labels)
    with pytest.raises(InvalidInput, match="finite"):
        compare({"s": {"q": {"a": float("nan")}}}, labels)
    with pytest.raises(InvalidInput, match="no labelled queries"):
        compare({"s": {}}, {})
    with pytest.raises(InvalidInput, match="not one of the scorers"):
        compare({"s": {"q": {"a": 1.0}}}, labels, reference="t")
