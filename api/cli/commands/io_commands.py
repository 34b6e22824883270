"""`duijie import` and `duijie export`: spreadsheets and JSON Lines in and out."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from duijie.api.cli.context import AppContext, echo_json, json_option, pass_app, progress
from duijie.api.cli.words import cli_lang, cli_word, pad, reason_words
from duijie.api.services.io import (
    ImportResult,
    MergeReport,
    export_graph,
    import_data,
    kind_of_file,
)
from duijie.graph.errors import InvalidInput
from duijie.graph.import_words import ImportFileError, ImportIssue, ImportRefused
from duijie.graph.vocab import kind_label

REPORT_LINES = ("rows", "created", "updated", "merged", "queued_for_review", "edges", "links",
                "linked_created", "parts")
"""The counts of a table import, in order (each worded by ``cli_import_<name>``)."""


def render_report(report: ImportResult) -> str:
    """An import of a table as aligned lines (a graph import is one line), in the CLI's
    language.

    >>> import os; os.environ["DUIJIE_LANG"] = "en"
    >>> print(render_report(ImportResult(True, "needs.csv", "table", "Need", "gb18030", rows=3,
    ...     created=3, updated=0, merged=0, queued_for_review=0, nodes=3, edges=0, links=0,
    ...     linked_created=0)))
    imported needs.csv as need (encoding: gb18030)
      rows read                           3
      created                             3
      updated                             0
      merged into existing                0
      queued for review                   0
      edges                               0
      links to named organisations        0
      enterprises created for needs       0
      parts of another (part_of)          0
    >>> del os.environ["DUIJIE_LANG"]
    >>> print(render_report(ImportResult(True, "needs.csv", "table", "Need", "gb18030", rows=3,
    ...     created=3, updated=0, merged=0, queued_for_review=0, nodes=3, edges=0, links=0,
    ...     linked_created=0)).splitlines()[0])
    已导入 needs.csv，类型：需求（编码：gb18030）
    """
    if report.format == "graph":  # restored by id: nothing is merged by name
        return cli_word("import_dry" if report.dry_run else "import_done", file=report.file,
                        nodes=report.nodes, created=report.created, edges=report.edges)
    lines = [cli_word("import_table_dry" if report.dry_run else "import_table",
                      file=report.file, kind=kind_label(report.kind, cli_lang()),
                      encoding=report.encoding)]
    lines += [f"  {pad(cli_word('import_' + name), 30)}{getattr(report, name):>7}"
              for name in REPORT_LINES]
    lines += render_merges(report.merges)
    return "\n".join(lines)


def render_merges(merges: list[MergeReport]) -> list[str]:
    """Every row merged into an organisation already there, by name, with the evidence.

    >>> import os; os.environ.pop("DUIJIE_LANG", None) and None
    >>> merge = MergeReport(3, "恒峰工具", "ent:hf", "恒锋工具股份有限公司", False,
    ...                     ["same region: 嘉兴"])
    >>> for line in render_merges([merge]): print(line)
    合并（1）：
      第 3 行：恒峰工具 → 恒锋工具股份有限公司 (ent:hf，库中已有)
        地区相同：嘉兴
    """
    if not merges:
        return []
    lines = [cli_word("import_merges", count=len(merges))]
    for m in merges:
        where = cli_word("import_merge_earlier" if m.within_file else "import_merge_stored")
        lines.append(cli_word("import_merge", row=m.row, name=m.name, into=m.into_name,
                              into_id=m.into_id, where=where))
        lines += [f"    {reason_words(reason)}" for reason in m.evidence]
    return lines


def _issues(exc: InvalidInput) -> list[dict]:
    """Each problem as the API gives it: file, row, field, key and values (for wording
    it in any language) beside the English message."""
    problems = [exc.issue] if isinstance(exc, ImportFileError) else exc.problems
    return [{"file": p.file, "row": p.row, "field": p.field, "key": p.key,
             "values": p.values, "message": p.message("en")}
            for p in problems if isinstance(p, ImportIssue)]


def _every_problem(exc: InvalidInput) -> InvalidInput:
    """The same error with every problem in its message, not just the first twenty."""
    if not exc.problems or isinstance(exc, ImportRefused):  # that one lists all, worded
        return exc
    listed = "\n  ".join(exc.problems)
    return InvalidInput(f"{exc.message}\n  {listed}", where=exc.where)


@click.command("import")
@click.argument("kind")
@click.argument("file", type=click.Path(path_type=Path), required=False)
@click.option("--sheet", default=None, metavar="NAME",
              help="Sheet of an XLSX workbook (default: the first).")
@click.option("--dry-run", is_flag=True,
              help="Check the file and show what it would do (every merge, with its "
                   "evidence), writing nothing.")
@json_option
@pass_app
def import_command(app: AppContext, kind: str, file: Path | None, sheet: str | None,
                   dry_run: bool, as_json: bool) -> None:
    """Import FILE (CSV or XLSX) of one KIND, or a JSONL export of the whole graph.

    KIND is enterprise, need, institute, expert, programme, event, topic,
    industry, region or edges (also 企业, 需求, 机构, 专家, 项目, 活动, 关系), or
    graph for a file written by `duijie export` or `duijie generate --out` (such a
    file, which says so in its first line, may be given alone). Headers may be Chinese or
    English (企业名称 or name). CSV may be UTF-8 (with or without BOM) or
    GB18030/GBK. Each file is imported whole or not at all: on any problem
    nothing is written, every problem is listed with its row and field, and the
    exit code is 2. Every row merged into an organisation already there (stored,
    or an earlier row of the file) is listed by name with its evidence;
    --dry-run shows all of it before anything is written.

    \b
    Example:
      duijie import enterprise firms.xlsx --sheet 企业名录
      duijie import enterprise firms.csv --dry-run
      duijie import 需求 needs.csv --json
      duijie import edges links.csv
      duijie import graph backup.jsonl
      duijie import backup.jsonl
    """
    try:  # before the store opens: a mistyped file name creates no database
        if file is None:  # one argument: a file that says what it holds, or a clear error
            kind, file = "", Path(kind)
        if not file.is_file():
            raise ImportFileError(ImportIssue("file_missing", "FILE", path=str(file)),
                                  value=str(file))
        kind = kind or kind_of_file(file)
    except InvalidInput as exc:
        if as_json:
            echo_json({"ok": False, "error": exc.message, "where": exc.where,
                       "problems": exc.problems, "issues": _issues(exc)})
        raise

    def bar(rows):
        return progress(rows, total=len(rows), desc=f"importing {file.name}")

    try:
        store = app.existing_store() if dry_run else app.store
        report = import_data(store, kind, file, sheet, progress=bar, dry_run=dry_run)
    except InvalidInput as exc:
        if as_json:
            echo_json({"ok": False, "error": exc.message, "where": exc.where,
                       "problems": exc.problems, "issues": _issues(exc)})
        raise _every_problem(exc) from None
    if as_json:
        echo_json(report.to_dict())
    else:
        click.echo(render_report(report))
        if app.missing:
            click.echo(cli_word("import_missing_db"))


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@pass_app
def export_command(app: AppContext, file: str) -> None:
    """Write the whole graph to FILE as JSON Lines (`-` for stdout).

    The first line is a header with the format version and counts, then one
    node per line, then one edge per line. `duijie import graph FILE` reads it
    back; the round trip is lossless.

    \b
    Example:
      duijie export backup.jsonl
      duijie export - | head -3
    """
    try:
        result = export_graph(app.store, sys.stdout if file == "-" else file)
    except BrokenPipeError:
        # The reader (head, less) stopped early: not an error. Point stdout at devnull
        # so that Python's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    click.echo(cli_word("export_done", nodes=result.nodes, edges=result.edges,
                        target=cli_word("stdout") if file == "-" else file), err=True)


def register(group: click.Group) -> None:
    group.add_command(import_command)
    group.add_command(export_command)
