"""`duijie affinity`: score queries against profiles from JSON-lines files."""

from __future__ import annotations

import json
from pathlib import Path

import click

from duijie.graph.errors import InvalidInput
from duijie.matcher.affinity import run_affinity


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


@click.command()
@click.option("--profiles", "profiles_path", required=True, metavar="P.jsonl",
              type=click.Path(path_type=Path, dir_okay=False),
              help='Lines {"id": ..., "docs": [{"id": ..., "text": ...}, ...]}.')
@click.option("--queries", "queries_path", required=True, metavar="Q.jsonl",
              type=click.Path(path_type=Path, dir_okay=False),
              help='Lines {"id": ..., "text": ...}.')
@click.option("--out", "out_path", required=True, metavar="S.jsonl",
              type=click.Path(path_type=Path, dir_okay=False, writable=True),
              help='Output lines {"query": ..., "profile": ..., "score": ...}.')
@click.option("--top", type=int, default=None, metavar="K",
              help="Keep the K best profiles of each query (default: every pair).")
@click.option("--weighting", type=click.Choice(["bm25", "tfidf"]), default=None,
              help="Term weighting (default: the matcher's, TF-IDF).")
def affinity(profiles_path: Path, queries_path: Path, out_path: Path, top: int | None,
             weighting: str) -> None:
    """Score every query against every profile by text affinity.

    Profiles are experts, institutes or anything described by documents; each query is a
    need text. Scores are the matcher's own (TextAffinity, its default parameters), so
    labelled data from outside runs through the same scorer.

    \b
    Example:
      duijie affinity --profiles experts.jsonl --queries needs.jsonl --out scores.jsonl --top 10
    """
    profiles, p_lines = read_jsonl(profiles_path)
    queries, q_lines = read_jsonl(queries_path)
    params = {"weighting": weighting} if weighting else {}
    rows = run_affinity(
        profiles, queries, top=top, **params,
        where_profiles=lambda i: f"{profiles_path.name}, line {p_lines[min(i, len(p_lines) - 1)]}",
        where_queries=lambda i: f"{queries_path.name}, line {q_lines[i]}")
    with out_path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    click.echo(f"{len(rows)} scores for {len(queries)} queries × {len(profiles)} profiles "
               f"→ {out_path}", err=True)


def register(group: click.Group) -> None:
    group.add_command(affinity)
