"""Importing an uploaded spreadsheet in two steps: a preview that lists every problem
(file, row, field) and what would be created, updated or merged, writing nothing;
then a confirm that plans again and writes all of it or nothing.

>>> from duijie.graph import open_store
>>> store = open_store(":memory:")
>>> data = "企业名称,所在地区,营业收入\\n恒锋工具,嘉兴,12\\n大立科技,杭州,-5\\n".encode("gbk")
>>> preview = preview_import(store, "企业", "firms.csv", data)
>>> preview.ok, [(p.row, p.field) for p in preview.problems], store.counts()["nodes"]
(False, [(3, '营业收入')], {})
>>> fixed = "企业名称,所在地区\\n恒锋工具,嘉兴\\n".encode("gbk")
>>> preview = preview_import(store, "企业", "firms.csv", fixed)
>>> preview.ok, preview.encoding, [(r.row, r.action, r.name) for r in preview.records]
(True, 'gb18030', [(2, 'create', '恒锋工具')])
>>> confirm_import(store, "企业", "firms.csv", fixed, expect=preview).created
1
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Literal

from duijie.api.services import Result
from duijie.api.services.events import display_names
from duijie.api.services.io import ImportResult, MergeReport, merge_reports
from duijie.graph.errors import Conflict, InvalidInput
from duijie.graph.headers import EDGES, canonical_kind
from duijie.graph.import_words import ImportFileError, ImportIssue, ImportRefused
from duijie.graph.importers import ImportPlan, ParsedFile, parse_table, plan_import
from duijie.graph.model import Node
from duijie.graph.store import GraphStore
from duijie.graph.tabular import read_table

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): rows read so far of how many (0 when unknown)."""

UPLOAD_SUFFIXES = (".csv", ".xlsx")
RECORDS_SHOWN = 500


@dataclass
class ImportProblem(Result):
    """One problem of an upload: the file, the spreadsheet row (None for the header or
    the file as a whole), the column as the file names it (None if not one cell's),
    and what is wrong: `message` in English, and `key` with `values` for wording it in
    the reader's language (`worded`; a key of `graph/import_words.toml`)."""

    file: str
    row: int | None
    field: str | None
    message: str
    key: str | None = None
    values: dict = field(default_factory=dict)

    def worded(self, lang: str) -> str:
        """The message in `lang` (zh or en).

        >>> p = problem_of(ImportIssue("not_number", "a.csv", row=3, field="员工人数",
        ...                            cell="很多"), "a.csv")
        >>> p.message, p.worded("zh")
        ("'很多' is not a number", '“很多” 不是数字')
        """
        if self.key is None:
            return self.message
        return ImportIssue(self.key, self.file, **self.values).message(lang)


@dataclass
class PlannedRecord(Result):
    """What one row would do: create a record, update a stored one, or merge into a
    stored organisation (`into_id`, `into_name`); edges rows show `edge`."""

    row: int
    action: Literal["create", "update", "merge", "edge"]
    kind: str
    id: str
    name: str
    into_id: str | None
    into_name: str | None
    illustrative: bool = False  # the stored organisation it lands on is invented (示意)


@dataclass
class ImportPreview(Result):
    """An upload checked against the store, nothing written. `ok` is False when there
    are problems; then the counts are 0 and `records` is empty. `records` lists at most
    500 rows (`rows` counts them all)."""

    ok: bool
    file: str
    kind: str
    encoding: str
    rows: int
    created: int
    updated: int
    merged: int
    edges: int
    links: int
    linked_created: int
    queued_for_review: int
    problems: list[ImportProblem]
    records: list[PlannedRecord]
    merges: list[MergeReport] = field(default_factory=list)
    parts: int = 0


def upload_name(name: str | None) -> str:
    """The file name of an upload as problems show it: its last part, checked.

    >>> upload_name("C:\\\\Users\\\\wang\\\\企业名单.CSV")
    '企业名单.CSV'
    >>> upload_name("notes.txt")
    Traceback (most recent call last):
    duijie.graph.errors.InvalidInput: file: 'notes.txt' is not a CSV or XLSX file (.csv, .xlsx)
    """
    base = PurePath((name or "").replace("\\", "/")).name.strip()
    if not base.lower().endswith(UPLOAD_SUFFIXES):
        raise InvalidInput("is not a CSV or XLSX file (.csv, .xlsx)", value=base or name,
                           where="file")
    return base


def problem_of(text: str, file: str) -> ImportProblem:
    """A problem line of the importers split into file, row, field and message (an
    `ImportIssue` keeps its key and values).

    >>> problem = problem_of("a.csv, row 3, field 营业收入: '-5' is negative", "a.csv")
    >>> problem.file, problem.row, problem.field, problem.message, problem.key
    ('a.csv', 3, '营业收入', "'-5' is negative", None)
    >>> problem_of("a.csv, header: missing required column 企业名称/name", "a.csv").row
    """
    if isinstance(text, ImportIssue):
        return ImportProblem(file, text.row, text.field, text.message("en"), text.key,
                             text.values)
    rest = text[len(file) + 2:] if text.startswith(file + ", ") else text
    match = re.match(r"row (\d+)(?:, field ([^:]+))?: (.*)$", rest, re.S)
    if match:
        return ImportProblem(file, int(match.group(1)), match.group(2), match.group(3))
    if rest.startswith("header: "):
        return ImportProblem(file, None, None, rest[len("header: "):])
    return ImportProblem(file, None, None, rest)


def _problems(exc: InvalidInput, file: str) -> list[ImportProblem]:
    if isinstance(exc, ImportFileError):
        return [problem_of(exc.issue, file)]
    lines = exc.problems or [str(exc)]
    return [problem_of(line, file) for line in lines]


@dataclass
class _Planned:
    encoding: str
    rows: int
    plan: ImportPlan | None
    problems: list[ImportProblem]
    rows_named: dict[int, tuple[str, str]]  # row: (id, name) as the row gave them
    parsed: ParsedFile | None


def _plan(store: GraphStore, kind: str, file: str, data: bytes, sheet: str | None,
          progress: Progress | None) -> _Planned:
    report = progress or (lambda stage, done, total: None)
    report("reading", 0, 0)
    with tempfile.TemporaryDirectory(prefix="duijie-upload-") as folder:
        path = Path(folder) / file
        path.write_bytes(data)
        try:
            table = read_table(path, sheet)
        except InvalidInput as exc:
            return _Planned("", 0, None, _problems(exc, file), {}, None)
    total = len(table.rows)

    def counted(rows):
        for done, row in enumerate(rows, 1):
            if done % 200 == 0 or done == total:
                report("checking", done, total)
            yield row

    report("checking", 0, total)
    parsed = parse_table(kind, table, counted)
    named = {r.row: (r.node.id, _name(r.node)) for r in parsed.records if r.node is not None}
    report("planning", total, total)
    try:
        plan = plan_import(store, parsed)
    except InvalidInput as exc:
        return _Planned(table.encoding, parsed.rows_read, None, _problems(exc, file), named,
                        parsed)
    return _Planned(table.encoding, parsed.rows_read, plan, [], named, parsed)


def _name(node: Node) -> str:
    return str(node.props.get("name") or node.props.get("title") or node.id)


def _records(store: GraphStore, planned: _Planned) -> list[PlannedRecord]:
    plan, parsed = planned.plan, planned.parsed
    assert plan is not None and parsed is not None
    if parsed.kind == EDGES:
        edges = list(plan.batch.edges.values())[:RECORDS_SHOWN]
        names = display_names(store, {e.src for e in edges} | {e.dst for e in edges})
        return [PlannedRecord(r.row, "edge", e.kind, e.id,
                              f"{names.get(e.src, e.src)} → {names.get(e.dst, e.dst)}",
                              None, None)
                for r, e in zip(parsed.records, edges, strict=False)]
    records = parsed.records[:RECORDS_SHOWN]
    stored = store.get_nodes({r.node.id for r in records})
    out = []
    for record in records:
        node = record.node
        first_id, name = planned.rows_named.get(record.row, (node.id, _name(node)))
        if node.id in stored and first_id != node.id and parsed.kind != "Need":
            into = stored[node.id]
            out.append(PlannedRecord(record.row, "merge", node.kind, first_id, name,
                                     into.id, into.shown_name, into.illustrative))
        else:
            action = "update" if node.id in stored else "create"
            out.append(PlannedRecord(record.row, action, node.kind, node.id, name, None,
                                     None, node.id in stored and stored[node.id].illustrative))
    return out


def preview_import(store: GraphStore, kind: str, file: str, data: bytes,
                   sheet: str | None = None, progress: Progress | None = None
                   ) -> ImportPreview:
    """Check an uploaded CSV/XLSX of `kind` against the store; write nothing.

    Every problem is listed (the importers stop after 100), each with its row and
    column; without problems, every row says what it would do.
    """
    file = upload_name(file)
    kind = canonical_kind(kind)
    planned = _plan(store, kind, file, data, sheet, progress)
    if planned.plan is None:
        return ImportPreview(False, file, kind, planned.encoding, planned.rows, 0, 0, 0, 0,
                             0, 0, 0, planned.problems, [])
    r = planned.plan.report
    return ImportPreview(True, file, kind, planned.encoding, planned.rows, r.created,
                         r.updated, r.merged, r.edges, r.links, r.linked_created,
                         len(planned.plan.reviews), [], _records(store, planned),
                         merge_reports(store, r.merges), r.parts)


COMPARED = ("created", "updated", "merged", "edges", "links", "linked_created",
            "queued_for_review")


def confirm_import(store: GraphStore, kind: str, file: str, data: bytes,
                   sheet: str | None = None, *,
                   expect: ImportPreview | Mapping[str, int] | None = None,
                   progress: Progress | None = None) -> ImportResult:
    """Plan the upload again and write it in one batch: all of it or nothing.

    With `expect` (the preview the organiser saw, or its counts), a plan that would now do something
    else (the store changed in between) is refused with `Conflict`; nothing is written.
    """
    file = upload_name(file)
    kind = canonical_kind(kind)
    planned = _plan(store, kind, file, data, sheet, progress)
    plan, problems, rows = planned.plan, planned.problems, planned.rows
    if plan is None:
        raise ImportRefused(file, [ImportIssue(p.key, p.file, row=p.row, field=p.field,
                                               **p.values) if p.key else
                                   f"{p.file}, row {p.row}: {p.message}" if p.row else
                                   f"{p.file}: {p.message}" for p in problems])
    r = plan.report
    now = {"created": r.created, "updated": r.updated, "merged": r.merged, "edges": r.edges,
           "links": r.links, "linked_created": r.linked_created,
           "queued_for_review": len(plan.reviews)}
    if expect is not None:
        seen = expect if isinstance(expect, Mapping) else {k: getattr(expect, k)
                                                            for k in COMPARED}
        changed = [k for k in COMPARED if seen[k] != now[k]]
        if changed:
            raise Conflict("the store changed since the preview (" + ", ".join(
                f"{k} {seen[k]} → {now[k]}" for k in changed) +
                "): preview the file again", where=file)
    if progress:
        progress("writing", rows, rows)
    store.apply(plan.batch)
    if plan.reviews:
        store.add_reviews(plan.reviews)
    nodes = r.created + r.updated + r.merged + r.linked_created
    return ImportResult(True, file, "table", r.kind, planned.encoding, rows=rows, created=r.created,
                        updated=r.updated, merged=r.merged,
                        queued_for_review=len(plan.reviews), nodes=nodes, edges=r.edges,
                        links=r.links, linked_created=r.linked_created, parts=r.parts,
                        merges=merge_reports(store, r.merges))
