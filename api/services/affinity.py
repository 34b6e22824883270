"""Score queries against profiles from JSON-lines files (`duijie affinity`).

The files are read and written here; the scoring is the matcher's own
(`matcher.affinity.run_affinity`, the `TextAffinity` the recommender uses), so labelled
data from outside runs through the same scorer as the product.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from duijie.api.services import Result
from duijie.graph.errors import InvalidInput
from duijie.matcher.affinity import DEFAULT_WEIGHTING, run_affinity


def read_jsonl(path: Path) -> tuple[list[dict], list[int]]:
    """The records of a JSON-lines file and their line numbers; blank lines are skipped.

    Raises `InvalidInput` naming the file and line of a line that is not a JSON object.
    """
    records, lines = [], []
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot be read: {exc.strerror}", value=str(path)) from None
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InvalidInput(f"is not valid JSON ({exc.msg})", value=line[:60].strip(),
                                       where=f"{path.name}, line {number}") from None
                if not isinstance(record, dict):
                    raise InvalidInput("must be a JSON object", value=line[:60].strip(),
                                       where=f"{path.name}, line {number}")
                records.append(record)
                lines.append(number)
        except UnicodeDecodeError:
            raise InvalidInput("is not UTF-8 text", value=str(path)) from None
    if not records:
        raise InvalidInput("has no records", value=str(path))
    return records, lines


@dataclass
class AffinityResult(Result):
    """What `score_affinity_files` wrote: the file, how many scores, queries, profiles."""

    out: str
    scores: int
    queries: int
    profiles: int
    top: int | None
    weighting: str
    semantic: bool


def score_affinity_files(profiles_path: Path, queries_path: Path, out_path: Path, *,
                         top: int | None = None, weighting: str | None = None,
                         semantic: bool = False) -> AffinityResult:
    """Score every query of one file against every profile of another; write the pairs.

    Profiles are lines ``{"id", "docs": [{"id", "text"}, ...]}``, queries lines
    ``{"id", "text"}``; `out_path` gets lines ``{"query", "profile", "score"}``, every
    pair or the `top` best profiles of each query. Nothing is written when a record is
    bad: the error names the file and line. `weighting` is ``bm25`` (the default, as in
    the recommender) or ``tfidf``; `semantic` fuses sentence embeddings in
    (`matcher.affinity.run_affinity`; needs ``duijie[semantic]``).
    """
    profiles_path, queries_path, out_path = map(Path, (profiles_path, queries_path, out_path))
    profiles, p_lines = read_jsonl(profiles_path)
    queries, q_lines = read_jsonl(queries_path)
    weighting = weighting or DEFAULT_WEIGHTING
    rows = run_affinity(
        profiles, queries, top=top, weighting=weighting, semantic=semantic,
        where_profiles=lambda i: f"{profiles_path.name}, line {p_lines[min(i, len(p_lines) - 1)]}",
        where_queries=lambda i: f"{queries_path.name}, line {q_lines[i]}")
    try:
        with out_path.open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise InvalidInput(f"cannot be written: {exc.strerror}", value=str(out_path)) from None
    return AffinityResult(str(out_path), len(rows), len(queries), len(profiles), top, weighting,
                          semantic)
