"""`duijie evaluate affinity`: measure score files against labelled pairs.

Labels are JSON lines ``{"query", "profile", "label": 0-5}``; score files are what
`duijie affinity` writes, ``{"query", "profile", "score"}``, from this product or from
anywhere else, so external labelled data is measured the same way. Each file is checked
line by line before anything is measured: a label outside 0–5 or not a whole number, a
NaN or infinite score, a pair given twice, a labelled pair a score file leaves out: one
error naming the file and line, and no metric.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from duijie.api.services import Result
from duijie.api.services.affinity import read_jsonl
from duijie.evaluation.protocol import RELEVANT_FROM, compare
from duijie.graph.errors import InvalidInput, Where, at


def _pair(record: dict, file: str, line: int) -> tuple[str, str]:
    query, profile = record.get("query"), record.get("profile")
    if type(query) is str and type(profile) is str and query and profile:
        return query, profile
    for name, value in (("query", query), ("profile", profile)):
        if not isinstance(value, str) or not value:
            raise InvalidInput(key="evaluate.needs_string", params={"name": name}, value=value,
                               where=_line(file, line))
    return query, profile


def _line(file: str, line: int) -> Where:
    """A line of a JSONL file, as a refusal names it (``L.jsonl, line 3``)."""
    return Where(file).then("where.line", n=line)


def read_labels(path: Path) -> tuple[dict[str, dict[str, int]], dict[tuple[str, str], int]]:
    """Labels by query and profile, and the line of each labelled pair."""
    records, lines = read_jsonl(Path(path))
    file = Path(path).name
    labels: dict[str, dict[str, int]] = {}
    where_of: dict[tuple[str, str], int] = {}
    for record, line in zip(records, lines, strict=True):
        query, profile = _pair(record, file, line)
        label = record.get("label")
        if type(label) is not int or not 0 <= label <= 5:
            raise InvalidInput(key="evaluate.not_label", value=label,
                               where=_line(file, line).then("field.label"))
        if (query, profile) in where_of:
            raise InvalidInput(key="evaluate.labelled_twice",
                               params={"first": where_of[query, profile]},
                               value=f"{query} × {profile}", where=_line(file, line))
        labels.setdefault(query, {})[profile] = label
        where_of[query, profile] = line
    return labels, where_of


def read_scores(path: Path) -> dict[str, dict[str, float]]:
    """Scores by query and profile; NaN, infinities and repeated pairs are refused."""
    records, lines = read_jsonl(Path(path))
    file = Path(path).name
    scores: dict[str, dict[str, float]] = {}
    for record, line in zip(records, lines, strict=True):
        query, profile = _pair(record, file, line)
        score = record.get("score")
        if type(score) not in (int, float):
            raise InvalidInput(key="evaluate.not_number", value=score,
                               where=_line(file, line).then("field.score"))
        if not math.isfinite(score):
            raise InvalidInput(key="evaluate.not_finite", value=score,
                               where=_line(file, line).then("field.score"))
        if profile in scores.get(query, {}):
            raise InvalidInput(key="evaluate.scored_twice", value=f"{query} × {profile}",
                               where=_line(file, line))
        scores.setdefault(query, {})[profile] = float(score)
    return scores


def _scorer_name(spec: str | Path) -> tuple[str, Path]:
    text = str(spec)
    if "=" in text and not Path(text).exists():
        name, _, path = text.partition("=")
        return name, Path(path)
    return Path(text).stem, Path(text)


@dataclass
class AffinityEvaluation(Result):
    """Each score file measured on the labelled queries (NDCG@k, precision, recall, MRR,
    hit rate, each with its 95% bootstrap interval) and, beside the first file, the
    paired difference; how many scored pairs nobody labelled (counted as label 0)."""

    labels: str
    score_files: dict[str, str]
    k: int
    relevant_from: int
    queries: int
    labelled_pairs: int
    unlabelled_scored: dict[str, int]
    comparison: dict[str, Any]
    table: list[dict[str, Any]]


def evaluate_affinity(labels_path: str | Path, score_specs: list[str | Path], *, k: int = 10,
                      relevant_from: int = RELEVANT_FROM, resamples: int = 2000
                      ) -> AffinityEvaluation:
    """Measure one or more score files (``NAME=PATH`` or a path, named by its stem) on
    the labels; the first file is the reference of the paired comparison."""
    if not score_specs:
        raise InvalidInput(key="evaluate.no_score_files", where=at("field.scores"))
    if not isinstance(k, int) or k < 1:
        raise InvalidInput(key="evaluate.whole_k", value=k, where=at("field.k"))
    labels, line_of = read_labels(Path(labels_path))
    runs, files, unlabelled = {}, {}, {}
    for spec in score_specs:
        name, path = _scorer_name(spec)
        if name in runs:
            raise InvalidInput(key="evaluate.scorer_twice", value=name,
                               where=at("field.scores"))
        scores = read_scores(path)
        missing = [(q, p) for q, row in labels.items() for p in row
                   if p not in scores.get(q, {})]
        if missing:
            q, p = min(missing, key=lambda pair: line_of[pair])
            raise InvalidInput(key="evaluate.unscored", params={
                "count": len(missing), "query": q, "profile": p,
                "file": Path(labels_path).name, "line": line_of[q, p]},
                value=str(path), where=at("field.scores"))
        runs[name], files[name] = scores, str(path)
        unlabelled[name] = sum(1 for q in labels for p in scores.get(q, {})
                               if p not in labels[q])
    comparison = compare(runs, labels, k=k, relevant_from=relevant_from, resamples=resamples)
    return AffinityEvaluation(str(labels_path), files, k, relevant_from, len(labels),
                              len(line_of), unlabelled, comparison.to_dict(),
                              comparison.table("ndcg"))
