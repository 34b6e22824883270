"""Measuring entity resolution on labelled pairs: recall on variants, wrong merges.

Each labelled pair is an incoming record `a` and a stored record `b`, labelled
`same` (one organisation spelled two ways) or `different`. `evaluate` resolves
every `a` against an `OrganisationIndex` holding its `b` and the other
organisations of the set, so each query also meets the distractors:

- recall: share of `same` pairs whose `b` comes back decided `same`;
- wrong-merge rate: share of `different` pairs whose `b` comes back `same`.

>>> pairs = [LabelledPair("tune", "same", "Enterprise", "恒峰工具", "嘉兴", "工具",
...                       "恒锋工具有限公司", "嘉兴", "工具")]
>>> evaluate(pairs).recall
1.0
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from duijie.graph.errors import InvalidInput
from duijie.graph.resolution_index import REVIEW_THRESHOLD, SAME_THRESHOLD, OrganisationIndex

COLUMNS = ("split", "label", "kind", "name_a", "region_a", "industry_a",
           "name_b", "region_b", "industry_b", "note")


@dataclass(frozen=True)
class LabelledPair:
    split: str
    label: str  # "same" | "different"
    kind: str
    name_a: str
    region_a: str
    industry_a: str
    name_b: str
    region_b: str
    industry_b: str
    note: str = ""


@dataclass
class Quality:
    """What resolution got right and wrong on a set of labelled pairs."""

    same_pairs: int = 0
    different_pairs: int = 0
    found_same: int = 0  # same pairs decided `same`
    sent_to_review: int = 0  # same pairs decided `review`
    wrong_merges: int = 0  # different pairs decided `same`
    different_reviewed: int = 0  # different pairs decided `review`
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found_same / self.same_pairs if self.same_pairs else 1.0

    @property
    def wrong_merge_rate(self) -> float:
        return self.wrong_merges / self.different_pairs if self.different_pairs else 0.0

    def row(self) -> dict[str, float | int]:
        return {"same pairs": self.same_pairs, "recall": round(self.recall, 3),
                "same→review": self.sent_to_review, "different pairs": self.different_pairs,
                "wrong merges": self.wrong_merges,
                "wrong-merge rate": round(self.wrong_merge_rate, 3),
                "different→review": self.different_reviewed}


def read_pairs(path: str | Path) -> list[LabelledPair]:
    """Read a labelled-pairs TSV (see tests/data/resolution/README.md)."""
    pairs, problems = [], []
    with open(path, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t"), start=1):
            if not row or row[0].startswith("#"):
                continue
            if len(row) != len(COLUMNS):
                problems.append(f"{path}, line {number}: {len(row)} columns, "
                                f"expected {len(COLUMNS)}")
                continue
            if row[1] not in ("same", "different"):
                problems.append(f"{path}, line {number}, column label: {row[1]!r} is not "
                                "'same' or 'different'")
                continue
            pairs.append(LabelledPair(*row))
    if problems:
        raise InvalidInput("labelled pairs are malformed", where=str(path), problems=problems)
    return pairs


def evaluate(pairs: Sequence[LabelledPair], *, same_threshold: float = SAME_THRESHOLD,
             review_threshold: float = REVIEW_THRESHOLD) -> Quality:
    """Resolve each pair's `a` against an index of its `b` and the other pairs' `b`s.

    Records whose core name equals that of `a` or `b` are left out of a pair's
    index: they are the same organisation listed again in another row, and would
    make the query rightly ambiguous rather than wrong.
    """
    from duijie.graph.normalize import core_name  # local: keep the module's imports light

    cores = [(core_name(p.name_a), core_name(p.name_b)) for p in pairs]
    quality = Quality()
    for i, p in enumerate(pairs):
        index = OrganisationIndex()
        index.add(f"b{i}", p.name_b, region=p.region_b or None,
                  industry=p.industry_b or None, kind=p.kind)
        for j, other in enumerate(pairs):
            if j != i and cores[j][1] not in cores[i] and other.name_b != p.name_b:
                index.add(f"b{j}", other.name_b, region=other.region_b or None,
                          industry=other.industry_b or None, kind=other.kind)
        found = index.query(p.name_a, kind=p.kind, region=p.region_a or None,
                            industry=p.industry_a or None, k=10,
                            same_threshold=same_threshold, review_threshold=review_threshold)
        decision = next((c.decision for c in found if c.node_id == f"b{i}"), "different")
        if p.label == "same":
            quality.same_pairs += 1
            quality.found_same += decision == "same"
            quality.sent_to_review += decision == "review"
            if decision != "same":
                quality.misses.append(f"{p.name_a} / {p.name_b}: {decision}")
        else:
            quality.different_pairs += 1
            quality.wrong_merges += decision == "same"
            quality.different_reviewed += decision == "review"
            if decision == "same":
                quality.wrong.append(f"{p.name_a} / {p.name_b}")
    return quality


def by_split(pairs: Iterable[LabelledPair]) -> dict[str, list[LabelledPair]]:
    out: dict[str, list[LabelledPair]] = {}
    for p in pairs:
        out.setdefault(p.split, []).append(p)
    return out

