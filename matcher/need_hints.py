"""Hints while a need is typed: similar existing needs, and what a broker will miss.

Both are pure functions over plain data. The caller decides which needs a person may
see and passes only those: a hint must never show another firm's need to an enterprise.

`similar_needs` scores each candidate by the cosine of idf-weighted term vectors
(`matcher.tokenize`: Chinese n-grams and words, Latin words) over title and text,
blended with a fuzzy comparison of the titles (rapidfuzz), which catches near-equal
short titles that share few terms.

>>> needs = [{"id": "need:a", "title": "红外探测器降噪", "text": "非制冷红外探测器读出电路噪声大"},
...          {"id": "need:b", "title": "碳纤维复合材料成型", "text": "复合材料成型工艺良品率低"}]
>>> [(hit.id, hit.terms[:2]) for hit in similar_needs("红外探测器噪声", "", needs)]
[('need:a', ('红外探测器', '噪声'))]

`completeness` lists the gaps as message keys with values, most useful first:

>>> [gap.key for gap in completeness({"title": "降噪", "need_type": "technology"},
...                                  today="2024-01-01")]
['needs_gap_text_short', 'needs_gap_no_trl', 'needs_gap_no_budget', \
'needs_gap_no_deadline', 'needs_gap_no_region']
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from rapidfuzz import fuzz

from duijie.graph.vocab import NeedType
from duijie.matcher.tokenize import TextTokenizer

MIN_MATCH_CHARS = 30
"""Title and text shorter than this (characters) give the matcher too little to go on."""

MIN_SIMILARITY = 0.2
TITLE_WEIGHT = 0.3  # the fuzzy title comparison's share of the score
TRL_TYPES = (NeedType.TECHNOLOGY, NeedType.PROBLEM)
"""Need types for which a technology readiness level means something."""


@cache
def _tokenizer() -> TextTokenizer:
    return TextTokenizer()


@dataclass(frozen=True)
class SimilarNeed:
    """One candidate like the typed need: its id, a score in [0, 1], the shared terms."""

    id: str
    score: float
    terms: tuple[str, ...] = ()


def _terms(title: str, text: str) -> Counter[str]:
    tokenize = _tokenizer()
    return Counter(tokenize(title or "")) + Counter(tokenize(text or ""))


def similar_needs(title: str, text: str, candidates: Iterable[Mapping[str, Any]], *,
                  k: int = 5, min_score: float = MIN_SIMILARITY,
                  exclude: Iterable[str] = ()) -> list[SimilarNeed]:
    """The `k` candidates (dicts with ``id``, ``title``, ``text``) most like the typed
    title and text, best first, each at least `min_score`."""
    query = _terms(title, text)
    if not query and not (title or "").strip():
        return []
    skip = set(exclude)
    pool = [c for c in candidates if c["id"] not in skip]
    docs = [_terms(c.get("title") or "", c.get("text") or "") for c in pool]
    document_frequency: Counter[str] = Counter()
    for doc in docs:
        document_frequency.update(doc.keys())
    n = len(docs) + 1

    def weights(counts: Counter[str]) -> dict[str, float]:
        return {term: (1 + math.log(tf)) * math.log(1 + n / (1 + document_frequency[term]))
                for term, tf in counts.items()}

    q = weights(query)
    q_norm = math.sqrt(sum(w * w for w in q.values())) or 1.0
    hits = []
    for candidate, doc in zip(pool, docs, strict=True):
        d = weights(doc)
        shared = q.keys() & d.keys()
        d_norm = math.sqrt(sum(w * w for w in d.values())) or 1.0
        cosine = sum(q[t] * d[t] for t in shared) / (q_norm * d_norm)
        titled = fuzz.partial_ratio(title or "", candidate.get("title") or "") / 100
        score = (1 - TITLE_WEIGHT) * cosine + TITLE_WEIGHT * titled if shared else 0.0
        if score >= min_score:
            hits.append(SimilarNeed(candidate["id"], round(score, 3), _shown_terms(shared, q)))
    hits.sort(key=lambda hit: (-hit.score, hit.id))
    return hits[:k]


def _shown_terms(shared: Iterable[str], weight: Mapping[str, float], top: int = 4
                 ) -> tuple[str, ...]:
    """The strongest shared terms, whole words before the n-grams inside them."""
    ranked = sorted(shared, key=lambda t: (-len(t) * weight[t], t))
    shown: list[str] = []
    for term in ranked:
        if not any(term in kept for kept in shown):
            shown.append(term)
        if len(shown) == top:
            break
    return tuple(shown)


@dataclass(frozen=True)
class Gap:
    """Something a broker will miss: a message key, the field it is about, its values."""

    key: str
    field: str
    values: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "field": self.field, "values": dict(self.values)}


def completeness(props: Mapping[str, Any], *, today: str) -> list[Gap]:
    """What the need lacks for a good match, given its props (as stored or typed) and
    today's date (ISO). Empty when a broker has all they need.

    >>> completeness({"title": "x", "text": "y" * 40, "trl": 4, "budget_wan": 50,
    ...               "deadline": "2023-06-30", "region": "嘉兴"}, today="2024-01-01")
    [Gap(key='needs_gap_deadline_past', field='deadline', values={'deadline': '2023-06-30'})]
    """
    gaps: list[Gap] = []
    chars = len((props.get("title") or "").strip()) + len((props.get("text") or "").strip())
    if chars < MIN_MATCH_CHARS:
        gaps.append(Gap("needs_gap_text_short", "text",
                        {"chars": chars, "min_chars": MIN_MATCH_CHARS}))
    if props.get("need_type", NeedType.TECHNOLOGY) in TRL_TYPES and props.get("trl") is None:
        gaps.append(Gap("needs_gap_no_trl", "trl"))
    if props.get("budget_wan") is None:
        gaps.append(Gap("needs_gap_no_budget", "budget_wan"))
    deadline = props.get("deadline")
    if not deadline:
        gaps.append(Gap("needs_gap_no_deadline", "deadline"))
    elif str(deadline) < today:
        gaps.append(Gap("needs_gap_deadline_past", "deadline", {"deadline": str(deadline)}))
    if not (props.get("region") or "").strip():
        gaps.append(Gap("needs_gap_no_region", "region"))
    return gaps

