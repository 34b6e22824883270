"""`duijie affinity`: score queries against profiles from JSON-lines files."""

from __future__ import annotations

from pathlib import Path

import click

from duijie.api.cli.context import echo_json, json_option
from duijie.api.cli.words import cli_word
from duijie.api.services.affinity import score_affinity_files
from duijie.matcher.affinity import DEFAULT_WEIGHTING
from duijie.matcher.fusion import FUSION_WEIGHT_BY_LANGUAGE, TITLE_WEIGHT_BY_LANGUAGE
from duijie.matcher.semantic import SEMANTIC_WEIGHT_BY_GROUP
from duijie.matcher.text import TextAffinity

_PARAMS = TextAffinity().get_params()
WEIGHTINGS = {"bm25": f"Okapi BM25, k1 {_PARAMS['k1']}, b {_PARAMS['b']}",
              "tfidf": "l2-normalised TF-IDF"}


def _fusion_said(language: str) -> str:
    weight = FUSION_WEIGHT_BY_LANGUAGE[language]
    titles = TITLE_WEIGHT_BY_LANGUAGE[language]
    if not weight and not titles:
        return "the whole text alone (the weighting's raw score)"
    said = (f"the whole text ({1 - weight:g}) fused with the sum of its documents' scores "
            f"over the square root of their number ({weight:g}) for the "
            f"{_PARAMS['fusion_depth']} best profiles, each part divided by its best "
            "score (so at most 1)")
    if titles:
        said += (f", that ({1 - titles:g}) fused with its documents' first lines (titles) "
                 f"scored alone ({titles:g}), each divided by its best score again")
    return said


# Said from the constants the code uses, so the help cannot drift from the defaults.
HELP = f"""Score every query against every profile by text affinity.

Profiles are experts, institutes or anything described by documents; each query is a
need text. Scores are the matcher's own, with its defaults (TextAffinity: jieba words and
character bigrams, the weighting below; a Chinese query scores each profile by
{_fusion_said("zh")}; an English query by {_fusion_said("en")}), so labelled
data from outside runs through the same scorer.

\b
Example:
  duijie affinity --profiles experts.jsonl --queries needs.jsonl --out scores.jsonl --top 10
"""
SEMANTIC_HELP = ("Fuse in sentence embeddings (meaning, across languages) with the weight the "
                 "quality harness chose for the query's and profile's languages ("
                 + ", ".join(f"{SEMANTIC_WEIGHT_BY_GROUP[g]:g} {said}" for g, said in (
                     ("zh", "both Chinese"), ("en", "both English"), ("cross", "across")))
                 + "); needs pip install 'duijie[semantic]'.")


@click.command(help=HELP)
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
@click.option("--weighting", type=click.Choice(sorted(WEIGHTINGS)), default=DEFAULT_WEIGHTING,
              show_default=True,
              help=f"Term weighting (default {DEFAULT_WEIGHTING}: "
                   f"{WEIGHTINGS[DEFAULT_WEIGHTING]}; "
                   + "; ".join(f"{k}: {v}" for k, v in WEIGHTINGS.items()
                               if k != DEFAULT_WEIGHTING) + ").")
@click.option("--semantic", is_flag=True,
              help=SEMANTIC_HELP)
@json_option
def affinity(profiles_path: Path, queries_path: Path, out_path: Path, top: int | None,
             weighting: str, semantic: bool, as_json: bool) -> None:
    """See `HELP` (the help text, said from the defaults)."""
    result = score_affinity_files(profiles_path, queries_path, out_path, top=top,
                                  weighting=weighting, semantic=semantic)
    if as_json:
        echo_json(result.to_dict())
    click.echo(cli_word("affinity_done", scores=result.scores, queries=result.queries,
                        profiles=result.profiles, out=result.out), err=True)


def register(group: click.Group) -> None:
    group.add_command(affinity)
