"""Intervals, funnel and list measures against hand-computed values and scikit-learn."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import ndcg_score

from duijie.evaluation.funnel import (
    PairRecord,
    by_check_in,
    contract_value,
    firm_sign_rate,
    funnel,
    per_firm,
)
from duijie.evaluation.intervals import bootstrap_mean, paired_bootstrap, wilson
from duijie.evaluation.metrics import coverage, diversity, fairness, ndcg_graded
from duijie.graph.errors import InvalidInput


def test_wilson_eight_of_eleven_is_73_percent_43_to_90():
    rate = wilson(8, 11)
    assert rate.value == pytest.approx(8 / 11)
    # by hand: z = 1.959964; centre (p + z²/2n)/(1 + z²/n); half-width z√(p(1−p)/n + z²/4n²)/(…)
    z = 1.959964
    centre = (8 / 11 + z * z / 22) / (1 + z * z / 11)
    half = z * math.sqrt((8 / 11) * (3 / 11) / 11 + z * z / 484) / (1 + z * z / 11)
    assert (rate.low, rate.high) == pytest.approx((centre - half, centre + half), abs=1e-5)
    assert rate.text() == "8/11 = 73% (95% CI 43–90%)"


def test_wilson_edges_and_refusals():
    assert wilson(5, 5).high == 1.0 and wilson(5, 5).low == pytest.approx(0.5655, abs=1e-4)
    assert wilson(1, 10, confidence=0.90).high < wilson(1, 10).high
    with pytest.raises(InvalidInput, match="no cases"):
        wilson(0, 0)
    with pytest.raises(InvalidInput, match="between 0 and 3"):
        wilson(4, 3)


def test_bootstrap_mean_is_repeatable_and_brackets_the_mean():
    values = [1, 0, 1, 1, 0, 1, 1, 1, 0, 1]
    first, second = bootstrap_mean(values, seed=3), bootstrap_mean(values, seed=3)
    assert first == second
    assert first.low < first.value == 0.7 < first.high
    with pytest.raises(InvalidInput, match="no values"):
        bootstrap_mean([])
    with pytest.raises(InvalidInput, match="NaN"):
        bootstrap_mean([0.1, float("nan")])


def test_paired_bootstrap_tells_a_real_difference_from_noise():
    rng = np.random.default_rng(1)
    base = rng.uniform(0, 1, 200)
    better = paired_bootstrap(base, base + 0.05)
    assert better.real and better.mean_difference == pytest.approx(0.05)
    noise = paired_bootstrap(base, base + rng.normal(0, 0.2, 200))
    assert not noise.real and 0.05 < noise.p_not_better < 0.95
    with pytest.raises(InvalidInput, match="same queries"):
        paired_bootstrap([0.1, 0.2], [0.3])


@pytest.mark.parametrize("labels,scores,k", [
    ([3, 2, 0, 1, 0], [0.9, 0.1, 0.8, 0.3, 0.2], 3),
    ([0, 5, 0, 2, 4, 1], [0.5, 0.4, 0.3, 0.2, 0.9, 0.1], 5),
    ([1, 1, 0], [0.2, 0.3, 0.1], 1),
])
def test_ndcg_graded_matches_scikit_learn(labels, scores, k):
    items = [f"p{i}" for i in range(len(labels))]
    ranked = [items[i] for i in np.argsort(scores)[::-1]]
    ours = ndcg_graded(dict(zip(items, labels, strict=True)), ranked, k)
    assert ours == pytest.approx(ndcg_score([labels], [scores], k=k))


def test_coverage_diversity_fairness_by_hand():
    assert coverage([["a", "b"], ["c", "a"]], ["a", "b", "c", "d"], 2) == 0.75
    # {x,y} vs {y}: 1 − 1/2; {x,y} vs {z}: 1; {y} vs {z}: 1 → 2.5 / 3
    features = {"a": {"x", "y"}, "b": {"y"}, "c": {"z"}}
    assert diversity(["a", "b", "c"], features, 3) == pytest.approx(2.5 / 3)
    assert diversity(["a"], features, 3) == 0.0
    assert fairness({"f1": 0.2, "f2": 0.8}, {"f2": 4}) == {
        "min_best_score": 0.2, "median_best_score": 0.5, "min_meetings": 0,
        "median_meetings": 2}


XIAN_LIKE = (
    # 11 firms, 8 signed (one of them registered at m6), one met with intent, two no-shows
    [PairRecord("e", f"f{i}", f"h{i}", held=True, intent=True,
                ledger={"m1": "signed"} | ({"m6": "registered"} if i == 0 else {}),
                contract_value_wan=100.0 * (i + 1)) for i in range(8)]
    + [PairRecord("e", "f8", "h8", held=True, intent=True, ledger={"m1": "negotiating"}),
       PairRecord("e", "f9", "h9", held=False), PairRecord("e", "f10", "h10", held=False)]
)


def test_funnel_of_an_event_by_hand():
    steps = funnel(XIAN_LIKE)
    assert [(s.stage, s.count) for s in steps] == [
        ("invited", 11), ("met", 9), ("intent", 9), ("signed", 8), ("collaborated", 1)]
    assert steps[3].of_previous.successes == 8 and steps[3].of_previous.n == 9
    assert firm_sign_rate(XIAN_LIKE).text() == "8/11 = 73% (95% CI 43–90%)"
    months = {row["stage"]: row for row in by_check_in(XIAN_LIKE)}
    assert months["m1"] == {"stage": "m1", "recorded": 9, "signed": 8, "collaborated": 0}
    assert months["m12"]["collaborated"] == 1 and months["m12"]["recorded"] == 0
    assert contract_value(XIAN_LIKE) == {"signed_pairs": 8, "with_value": 8,
                                         "total_wan": 3600.0, "median_wan": 450.0,
                                         "max_wan": 800.0}
    firms = per_firm(XIAN_LIKE)
    assert firms[0]["firm"] == "f7" and firms[0]["sign_rate"]["value"] == 1.0
    assert next(r for r in firms if r["firm"] == "f9")["sign_rate"] is None  # met nobody


def test_a_funnel_on_nothing_gives_no_rates():
    steps = funnel([])
    assert all(s.count == 0 and s.of_previous is None for s in steps)
    with pytest.raises(InvalidInput, match="no meetings"):
        firm_sign_rate([])
