"""Intervals fit for small numbers: Wilson for proportions, the bootstrap for means.

An office reads "8 of 11 firms signed (73%)"; with 11 firms that figure could well be
45% or 90% next time, and the report says so. `wilson` gives the interval of a
proportion (sound at 0 and n, and for n of ten or so, where the normal approximation
is not); `bootstrap_mean` the percentile interval of a mean of per-query (or per-pair)
values; `paired_bootstrap` whether scorer B really beats scorer A on the same queries.

>>> rate = wilson(8, 11)
>>> round(rate.value, 3), round(rate.low, 3), round(rate.high, 3)
(0.727, 0.434, 0.903)
>>> rate.text()
'8/11 = 73% (95% CI 43–90%)'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy.stats import norm

from duijie.graph.errors import InvalidInput

DEFAULT_RESAMPLES = 2000
DEFAULT_CONFIDENCE = 0.95


@lru_cache(maxsize=16)  # scipy's ppf costs ~1 ms; a report asks for the same few
def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise InvalidInput("must be between 0 and 1 (e.g. 0.95)", value=confidence,
                           where="confidence")
    return float(norm.ppf(0.5 + confidence / 2))


@dataclass(frozen=True)
class Rate:
    """A proportion with its interval: `successes` of `n`, `value` = successes / n."""

    successes: int
    n: int
    value: float
    low: float
    high: float
    confidence: float = DEFAULT_CONFIDENCE

    def text(self) -> str:
        """The rate as a person reads it, with its interval in whole percents."""
        return (f"{self.successes}/{self.n} = {self.value:.0%} "
                f"({self.confidence:.0%} CI {self.low * 100:.0f}–{self.high:.0%})")

    def to_dict(self) -> dict[str, Any]:
        return {k: round(v, 6) if isinstance(v, float) else v for k, v in asdict(self).items()}


def wilson(successes: int, n: int, confidence: float = DEFAULT_CONFIDENCE) -> Rate:
    """The Wilson score interval of `successes` out of `n`.

    Raises `InvalidInput` for n = 0 (no rate on nothing) or counts out of range.

    >>> r = wilson(0, 5); (r.value, r.low, round(r.high, 3))
    (0.0, 0.0, 0.434)
    >>> wilson(0, 0)
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: rate: 0 has no cases: a rate needs at least one
    """
    if n <= 0:
        raise InvalidInput("has no cases: a rate needs at least one", value=n, where="rate")
    if not 0 <= successes <= n:
        raise InvalidInput(f"must be between 0 and {n}", value=successes, where="rate")
    z = _z(confidence)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # At 0 and n the bounds are exactly 0 and 1 (rounding would leave 1e-17).
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Rate(successes, n, p, low, high, confidence)


@dataclass(frozen=True)
class Estimate:
    """A mean with a bootstrap interval over `n` values."""

    value: float
    low: float
    high: float
    n: int
    confidence: float = DEFAULT_CONFIDENCE

    def to_dict(self) -> dict[str, Any]:
        return {k: round(v, 6) if isinstance(v, float) else v for k, v in asdict(self).items()}


def _values(values: Sequence[float], where: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1 or array.size == 0:
        raise InvalidInput("has no values: nothing to measure", where=where)
    if not np.isfinite(array).all():
        raise InvalidInput("holds NaN or infinite values", where=where)
    return array


@lru_cache(maxsize=2)
def resample_weights(n: int, resamples: int = DEFAULT_RESAMPLES, seed: int = 0) -> np.ndarray:
    """How often each of `n` values is drawn in each bootstrap resample (a resamples × n
    matrix, rows summing to n). Kept for reuse: every measure and scorer of one
    comparison is resampled the same way, so a mean over a resample is one product.

    >>> w = resample_weights(4, 3, seed=1); w.shape, w.sum(axis=1).tolist()
    ((3, 4), [4.0, 4.0, 4.0])
    """
    rng = np.random.default_rng(seed)
    weights = np.empty((resamples, n), dtype=np.float32)
    for start in range(0, resamples, 256):  # bounded memory for the draws
        picks = rng.integers(0, n, size=(min(256, resamples - start), n))
        for row, drawn in enumerate(picks, start=start):
            weights[row] = np.bincount(drawn, minlength=n)
    weights.setflags(write=False)
    return weights


def _resampled_means(values: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    weights = resample_weights(values.size, resamples, seed)
    return (weights @ values.astype(np.float32)).astype(float) / values.size


def bootstrap_mean(values: Sequence[float], *, confidence: float = DEFAULT_CONFIDENCE,
                   resamples: int = DEFAULT_RESAMPLES, seed: int = 0,
                   where: str = "values") -> Estimate:
    """The mean of `values` with a percentile bootstrap interval (seeded, so repeatable).

    >>> e = bootstrap_mean([1.0, 0.0, 1.0, 1.0])
    >>> e.value, 0.0 <= e.low <= e.value <= e.high <= 1.0
    (0.75, True)
    """
    array = _values(values, where)
    _z(confidence)  # checks the confidence
    means = _resampled_means(array, resamples, seed)
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return Estimate(float(array.mean()), float(low), float(high), int(array.size), confidence)


@dataclass(frozen=True)
class PairedDifference:
    """Mean of B − A over the same queries, its interval, and how often B was not better
    across resamples (a one-sided bootstrap p-value). `real` when the interval excludes 0."""

    mean_difference: float
    low: float
    high: float
    p_not_better: float
    n: int
    confidence: float = DEFAULT_CONFIDENCE

    @property
    def real(self) -> bool:
        return self.low > 0 or self.high < 0

    def to_dict(self) -> dict[str, Any]:
        out = {k: round(v, 6) if isinstance(v, float) else v for k, v in asdict(self).items()}
        return out | {"real": self.real}


def paired_bootstrap(a: Sequence[float], b: Sequence[float], *,
                     confidence: float = DEFAULT_CONFIDENCE,
                     resamples: int = DEFAULT_RESAMPLES, seed: int = 0) -> PairedDifference:
    """Is scorer B better than scorer A? Both lists hold one value per query, same order.

    Queries are resampled together (the pairing keeps each query's difficulty out of
    the comparison).

    >>> d = paired_bootstrap([0.2, 0.4, 0.1, 0.3], [0.5, 0.6, 0.4, 0.7])
    >>> round(d.mean_difference, 3), d.real, d.p_not_better
    (0.3, True, 0.0)
    """
    first, second = _values(a, "scorer A"), _values(b, "scorer B")
    if first.size != second.size:
        raise InvalidInput(f"scorer A has {first.size} values and scorer B {second.size}: "
                           "compare them on the same queries", where="paired bootstrap")
    _z(confidence)
    diff = second - first
    means = _resampled_means(diff, resamples, seed)
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return PairedDifference(float(diff.mean()), float(low), float(high),
                            float((means <= 0).mean()), int(diff.size), confidence)
