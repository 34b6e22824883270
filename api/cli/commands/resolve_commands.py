"""`duijie resolve` and `duijie review …`: find which organisation a name means, and
let an organiser decide the pairs resolution was unsure about."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import click

from duijie.api.cli.commands import SuggestingGroup
from duijie.api.cli.context import AppContext, echo_json, json_option, pass_app
from duijie.api.cli.words import (
    catalog_word,
    decision_word,
    pad,
    reason_words,
    resolve_words,
)
from duijie.api.services.resolve import (
    REVIEW_STATUSES,
    BatchAnswer,
    ReviewEntry,
    accept_review_item,
    list_review_items,
    reject_review_item,
    resolve_file,
    resolve_name,
)
from duijie.graph.errors import InvalidInput
from duijie.graph.model import ORGANISATION_KINDS
from duijie.graph.resolution_index import Candidate


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "cli"


@click.command("resolve")
@click.argument("name", required=False)
@click.option("--file", "names_file", type=click.Path(path_type=Path), default=None,
              help="A CSV/XLSX list of names (header 名称/name, optional 地区/region, "
                   "行业/industry, 统一社会信用代码/credit_code; or no header): one answer a "
                   "row.")
@click.option("--kind", type=click.Choice(ORGANISATION_KINDS), default=None,
              help="Only organisations of this kind.")
@click.option("--region", default=None, help="Where the organisation is (嘉兴, 浙江省海盐县).")
@click.option("--industry", default=None, help="Its industry as brokers write it (工具).")
@click.option("--credit-code", default=None,
              help="统一社会信用代码: an exact key that wins over any fuzzy match.")
@click.option("-k", "k", type=int, default=5, show_default=True, help="How many candidates.")
@json_option
@pass_app
def resolve_command(app: AppContext, name: str | None, names_file: Path | None,
                    kind: str | None, region: str | None, industry: str | None,
                    credit_code: str | None, k: int, as_json: bool) -> None:
    """Which stored organisation does NAME mean? Candidates with score, decision
    (same / part_of / review / different) and reasons. With --file, every name of a
    list, one answer a line (JSON lines with --json).

    \b
    Example:
      duijie resolve 恒峰工具 --region 嘉兴 --industry 工具
      duijie resolve 嘉西贝拉 --kind Enterprise --json
      duijie resolve --file names.csv --json
    """
    if names_file is not None:
        if name is not None or region or industry or credit_code:
            raise InvalidInput("give either NAME (with --region, --industry, --credit-code) "
                               "or --file, whose columns carry them", where="--file")
        for answer in resolve_file(app.store, names_file, kind=kind):
            click.echo(json.dumps(answer.to_dict(), ensure_ascii=False) if as_json
                       else render_answer(answer))
        return
    if name is None:
        raise InvalidInput("give a NAME to resolve, or --file with a list of names",
                           where="name")
    found = resolve_name(app.store, name, kind=kind, region=region, industry=industry,
                         credit_code=credit_code, k=k)
    if as_json:
        echo_json(found.to_dict())
        return
    if not found.candidates:
        click.echo(resolve_words("no_candidate", name=name))
        return
    click.echo(render_candidates(found.candidates))


def render_answer(answer: BatchAnswer) -> str:
    """One row of a list's answers, tab-separated: row, name, decision, the
    organisation meant, score.

    >>> import os; os.environ.pop("DUIJIE_LANG", None) and None
    >>> answer = BatchAnswer(2, "恒峰工具", "same", "ent:hf", "恒锋工具", 0.97, [], False)
    >>> render_answer(answer).split()
    ['2', '恒峰工具', '同一机构', '恒锋工具', '(ent:hf)', '0.97']
    >>> render_answer(BatchAnswer(3, "新松", "different", None, None, 0.0, [], False)
    ...               ).split("\\t")
    ['3', '新松', '不同机构', '（新机构）', '0.00']
    """
    meant = f"{answer.name} ({answer.node_id})" if answer.node_id else resolve_words("new")
    return (f"{answer.row}\t{answer.query}\t{decision_word(answer.decision)}\t{meant}\t"
            f"{answer.score:.2f}")


def render_candidates(found: list[Candidate]) -> str:
    """Candidates as readable lines: decision, score, id, name, then reasons.

    >>> import os; os.environ.pop("DUIJIE_LANG", None) and None
    >>> print(render_candidates([Candidate("ent:a", "恒锋工具", "Enterprise", 0.97, "same",
    ...                                    ["same region: 嘉兴"])]))
    同一机构   0.97  恒锋工具 [ent:a]
                 地区相同：嘉兴
    """
    lines = []
    for c in found:
        lines.append(f"{pad(decision_word(c.decision), 10)} {c.score:.2f}  {c.name} [{c.node_id}]")
        lines.extend(f"             {reason_words(reason)}" for reason in c.reasons)
    return "\n".join(lines)


@click.group("review", cls=SuggestingGroup)
def review() -> None:
    """The review queue: pairs of organisations that may be one.

    \b
    Example:
      duijie review list
      duijie review accept rev:0123456789abcdef --user alice
    """


@review.command("list")
@click.option("--status", type=click.Choice([*REVIEW_STATUSES, "all"]),
              default="open", show_default=True, help="Which items to show.")
@json_option
@pass_app
def review_list(app: AppContext, status: str, as_json: bool) -> None:
    """List review items (open ones by default).

    \b
    Example:
      duijie review list --json
      duijie review list --status all
    """
    listed = list_review_items(app.store, status)
    if as_json:
        # The items alone, as this command has always printed (the list's status is
        # the option the caller gave).
        echo_json(listed.to_dict()["items"])
        return
    if not listed.items:
        click.echo(resolve_words("no_items") if status == "all" else
                   catalog_word("review_empty") if status == "open" else
                   f"{catalog_word('review_status_' + status)}：0")
        return
    click.echo(render_review_items(listed.items))


def render_review_items(items: list[ReviewEntry]) -> str:
    """Review items as readable lines: id, status, score, both names and ids, reasons."""
    lines = []
    for item in items:
        stored = (item.candidate_name if item.candidate_name is not None
                  else catalog_word("review_gone"))
        status = catalog_word(f"review_status_{item.status}")
        lines.append(f"{item.id}  {pad(status, 10)} {item.score:.2f}  {item.name} "
                     f"[{item.incoming_id}] ~ {stored} [{item.candidate_id}]")
        lines.extend(f"    {reason_words(reason)}" for reason in item.reasons)
    return "\n".join(lines)


@review.command("accept")
@click.argument("item_id", metavar="ID")
@click.option("--user", default=None, help="Who decides (default: the login name).")
@pass_app
def review_accept(app: AppContext, item_id: str, user: str | None) -> None:
    """The pair is one organisation: merge the incoming node into the stored one
    (name kept as an alias, edges moved).

    \b
    Example:
      duijie review accept rev:0123456789abcdef --user alice
    """
    item = accept_review_item(app.store, item_id, user or _default_user())
    click.echo(resolve_words("accepted", id=item.id, name=item.name, stored=_stored_name(item)))


@review.command("reject")
@click.argument("item_id", metavar="ID")
@click.option("--user", default=None, help="Who decides (default: the login name).")
@pass_app
def review_reject(app: AppContext, item_id: str, user: str | None) -> None:
    """The pair are different organisations; they will not be asked about again.

    \b
    Example:
      duijie review reject rev:0123456789abcdef
    """
    item = reject_review_item(app.store, item_id, user or _default_user())
    click.echo(resolve_words("rejected", id=item.id, name=item.name, stored=_stored_name(item)))


def _stored_name(item: ReviewEntry) -> str:
    """The stored organisation as a person reads it: its name (marked 示意 when
    invented), or its id when the node is gone.

    >>> entry = ReviewEntry("rev:1", "accepted", "Enterprise", 0.9, "恒峰工具", "ent:x",
    ...                     "ent:hf", "恒锋工具", [], "", "alice", "", False)
    >>> _stored_name(entry)
    '恒锋工具'
    """
    return item.candidate_name if item.candidate_name is not None else \
        f"{item.candidate_id} {catalog_word('review_gone')}"


def register(group: click.Group) -> None:
    group.add_command(resolve_command)
    group.add_command(review)
