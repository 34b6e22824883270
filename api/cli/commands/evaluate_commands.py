"""`duijie evaluate`: measure scorers offline (score files against labelled pairs)."""

from __future__ import annotations

from pathlib import Path

import click

from duijie.api.cli.commands import SuggestingGroup
from duijie.api.cli.context import AppContext, echo_json, json_option, pass_app
from duijie.api.cli.words import catalog_word_or, cli_lang, cli_word, joined


@click.group(cls=SuggestingGroup)
def evaluate() -> None:
    """Measure scorers offline.

    \b
    Example:
      duijie evaluate affinity --labels labels.jsonl --scores scores.jsonl
    """


@evaluate.command()
@click.option("--labels", "labels_path", required=True, metavar="L.jsonl",
              type=click.Path(path_type=Path, dir_okay=False),
              help='Lines {"query": ..., "profile": ..., "label": 0-5}.')
@click.option("--scores", "score_specs", required=True, multiple=True, metavar="S.jsonl",
              help='Lines {"query", "profile", "score"} (as `duijie affinity` writes); '
                   "repeat to compare, NAME=PATH to name one; the first is the reference.")
@click.option("-k", "k", default=10, show_default=True, help="Cut-off of the ranked list.")
@click.option("--relevant-from", default=2, show_default=True, type=click.IntRange(1, 5),
              help="Labels from this up count as relevant (precision, recall, MRR, hit).")
@json_option
def affinity(labels_path: Path, score_specs: tuple[str, ...], k: int, relevant_from: int,
             as_json: bool) -> None:
    """Measure score files against labelled query-profile pairs.

    NDCG@k (graded labels), precision, recall, MRR and hit rate, each with its 95%
    bootstrap interval; with two or more files, each beside the first by a paired
    bootstrap (a difference is real when its interval excludes 0). Every labelled pair
    must be scored; NaN scores and labels outside 0-5 are refused with file and line.

    \b
    Example:
      duijie affinity --profiles P.jsonl --queries Q.jsonl --out bm25.jsonl
      duijie evaluate affinity --labels L.jsonl --scores bm25.jsonl --scores tfidf=T.jsonl
    """
    from duijie.api.services.evaluate import evaluate_affinity

    result = evaluate_affinity(labels_path, list(score_specs), k=k, relevant_from=relevant_from)
    if as_json:
        echo_json(result.to_dict())
        return
    data = result.to_dict()
    click.echo(cli_word("evaluate_head", queries=data["queries"],
                        pairs=data["labelled_pairs"], k=k, relevant=relevant_from))
    for name, measures in data["comparison"]["scorers"].items():
        parts = [f"{measure_word(m)} {e['value']:.3f} [{e['low']:.3f}–{e['high']:.3f}]"
                 for m, e in measures.items()]
        click.echo(f"{name}: " + joined(parts))
    for row in data["table"][1:]:
        verdict = cli_word("evaluate_real" if row["real"] else "evaluate_not_shown")
        click.echo(f"{row['scorer']} − {data['comparison']['reference']} NDCG@{k}: "
                   f"{row['difference']:+.3f} [{row['difference_low']:+.3f}–"
                   f"{row['difference_high']:+.3f}] {verdict}")


def measure_word(measure: str) -> str:
    """A measure's name in the CLI's language (NDCG and MRR keep their initials).

    >>> import os; os.environ.pop("DUIJIE_LANG", None) and None
    >>> measure_word("recall"), measure_word("ndcg"), measure_word("odd")
    ('召回率', 'NDCG', 'odd')
    """
    return catalog_word_or(f"cli_measure_{measure}", measure)


@evaluate.command()
@click.argument("need_id")
@click.option("--kind", type=click.Choice(["expert", "institute"]), default="expert",
              show_default=True)
@click.option("-k", "k", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--allow-illustrative", is_flag=True,
              help="Learn from invented (illustrative) outcomes too (say so to readers).")
@json_option
@pass_app
def rerank(app: AppContext, need_id: str, kind: str, k: int, allow_illustrative: bool,
           as_json: bool) -> None:
    """Rank a need's candidates by the learned chance of signing, once enough outcomes
    exist and the learned ranking beat the hybrid one on later events; otherwise the
    hybrid ranking and why. Learning reads every recorded outcome (slow the first time).

    \b
    Example:
      duijie evaluate rerank need:xian-dali-technology --kind institute
    """
    from duijie.api.services.outcome_learning import learned_ranking, learned_recommendations

    result = learned_recommendations(app.store, need_id, kind=kind, k=k,
                                     allow_illustrative=allow_illustrative)
    if as_json:
        echo_json(result.to_dict())
        return
    state = learned_ranking(app.store, allow_illustrative=allow_illustrative)  # kept: no work
    counts = {"need": result.need_name, "outcomes": state.outcomes, "signed": state.signed}
    if result.ranking == "learned":
        click.echo(cli_word("rerank_learned", **counts))
    elif not state.ready:
        click.echo(cli_word("rerank_wait", min_outcomes=state.min_outcomes,
                            min_signed=state.min_signed, **counts))
    else:
        click.echo(cli_word("rerank_not_better", **counts))
    for n, item in enumerate(result.items, start=1):
        chance = ("" if item["chance_of_signing"] is None
                  else cli_word("rerank_chance", chance=f"{item['chance_of_signing']:.0%}"))
        click.echo(f"{n:>3}" + cli_word("rerank_item", n="", name=item["name"],
                                        score=f"{item['score']:.3f}",
                                        rank=item["hybrid_rank"], chance=chance))


@evaluate.command()
@json_option
@pass_app
def learn(app: AppContext, as_json: bool) -> None:
    """Learn the ranking from the recorded outcomes and keep it for `recommend` and the
    report (the same run the analysis page starts). Runs in the foreground, its stages on
    stderr; Ctrl-C cancels it and the last kept model stays.

    \b
    Example:
      duijie evaluate learn
      duijie evaluate learn --json
    """
    import sys

    from duijie.api.jobs import Job, run_in_foreground
    from duijie.api.services.learning_runs import learn_ranking
    from duijie.api.web.report_html import translator

    shown = {"stage": None}

    def report(progress, stage: str, done: int = 0, total: int = 0) -> None:
        progress(stage, done, total)
        if stage != shown["stage"]:  # one line a stage
            words = catalog_word_or(f"cli_learn_stage_{stage}", stage)
            click.echo(cli_word("learn_stage", stage=words) + (f" ({total})" if total else ""),
                       err=True)
        shown["stage"] = stage

    job = Job(lambda progress, cancelled: learn_ranking(
        app.store, progress=lambda *a: report(progress, *a), cancelled=cancelled),
        name="learn ranking")
    run = run_in_foreground(job)
    if as_json:
        echo_json(run.to_dict())
        return
    t = translator(cli_lang())
    click.echo(t(run.note["key"], **run.note["values"]), file=sys.stdout)


def register(group: click.Group) -> None:
    group.add_command(evaluate)
