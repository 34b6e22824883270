"""Rows of a spreadsheet into graph records, pure: step 2 of an import
(`graph.importers`).

`parse_table(kind, table)` reads headers in Chinese or English (`graph.headers`),
converts and checks every cell, collects every problem with file, row and field, and
gives each record a stable id, so a re-import updates instead of duplicating. Nothing
here reads or writes a store.

>>> from duijie.graph.tabular import parse_csv
>>> table = parse_csv("需求名称,企业名称,需求类型\\n红外探测器降噪,浙江大立科技,技术需求\\n",
...                   "needs.csv", "utf-8")
>>> parsed = parse_table("Need", table)
>>> [(r.row, r.node.props["title"], r.links) for r in parsed.records], parsed.problems
([(2, '红外探测器降噪', {'enterprise': '浙江大立科技'})], [])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from duijie.graph.errors import InvalidInput
from duijie.graph.headers import (
    DATE_FIELDS,
    EDGE_KIND_NAMES,
    EDGES,
    NOT_PROPS,
    REQUIRED,
    canonical_kind,
    convert_cell,
    header_field,
    is_ignored,
    known_headers,
    value_map,
)
from duijie.graph.import_words import CellError, ImportIssue, schema_issue
from duijie.graph.model import (
    EDGE_KINDS,
    MAX_ID,
    MAX_NAME,
    MAX_TEXT,
    ORGANISATION_KINDS,
    Confidentiality,
    Edge,
    Node,
    Provenance,
    check_id,
    new_id,
    validate_aliases,
    validate_edge,
    validate_props,
)
from duijie.graph.normalize import normalize_text
from duijie.graph.tabular import LIMITS, Table, TooLong

Progress = Callable[[Iterable], Iterable]


@dataclass
class ParsedRow:
    """One row as a record: a node (with the names it links to) or an edge."""

    row: int
    where: str
    node: Node | None = None
    edge: Edge | None = None
    links: dict[str, str] = field(default_factory=dict)
    derived: bool = False  # the id was computed from the row, not given in an id column


@dataclass
class ParsedFile:
    kind: str
    name: str
    encoding: str
    records: list[ParsedRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rows_read: int = 0


# -- rows -> records (pure) ---------------------------------------------------

def _header_problems(kind: str, table: Table) -> tuple[dict[int, str], list[str]]:
    columns: dict[int, str] = {}
    problems: list[str] = []
    seen: dict[str, str] = {}
    for index, header in enumerate(table.headers):
        if header and is_ignored(header):
            continue
        if not header:
            if any(index < len(cells) and cells[index] is not None for _, cells in table.rows):
                problems.append(ImportIssue("header_no_name", table.name,
                                            column=index + 1))
            continue
        name = header_field(kind, header)
        if name is None:
            problems.append(ImportIssue("header_unknown", table.name,
                                        column_name=header, kind={"key": f"kind_{kind}"},
                                        known=known_headers(kind)))
        elif name in seen:
            problems.append(ImportIssue("header_twice", table.name,
                                        first_header=seen[name], column_name=header, name=name))
        else:
            seen[name] = header
            columns[index] = name
    for required in REQUIRED[kind]:
        if required not in seen:
            spelled = next(s for s in known_headers(kind).split(", ")
                           if s.endswith("/" + required) or s == required)
            problems.append(ImportIssue("header_missing", table.name,
                                        column=spelled))
    return columns, problems


def _row_values(kind: str, table: Table, columns: dict[int, str], number: int,
                cells: list[Any], problems: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for index, cell in enumerate(cells):
        if cell is None:
            continue
        if index not in columns:
            if index >= len(table.headers):
                problems.append(ImportIssue("cell_beyond", table.name, row=number,
                                            column=index + 1))
            continue
        header, name = table.headers[index], columns[index]
        if isinstance(cell, TooLong):
            problems.append(ImportIssue("cell_too_long", table.name, row=number, field=header,
                                        length=cell.length, most=MAX_TEXT))
            continue
        try:
            values[name] = convert_cell(kind, name, cell)
        except CellError as exc:
            problems.append(ImportIssue(exc.key, table.name, row=number, field=header,
                                        **{"cell": cell, **exc.values}))
    return values


def name_key(text: str | None) -> str:
    return normalize_text(text or "")


def derived_id(kind: str, values: dict[str, Any]) -> str:
    """The stable id of a row without an `id` column: same identity, same id.

    >>> derived_id("Enterprise", {"name": "浙江大立科技"}) == derived_id(
    ...     "Enterprise", {"name": " 浙江大立科技 "})
    True
    """
    if kind in ORGANISATION_KINDS and values.get("credit_code"):
        return new_id(kind, "credit", str(values["credit_code"]).strip().upper())
    if kind == "Need":  # the enterprise's resolved id is added by `plan_import`
        owner = values.get("enterprise_credit_code") or name_key(values.get("enterprise"))
        return new_id(kind, str(owner).upper(), name_key(values.get("title")))
    if kind == "Expert":
        return new_id(kind, name_key(values.get("name")), name_key(values.get("affiliation")))
    if kind == "Event":
        return new_id(kind, name_key(values.get("name")), str(values.get("start_date") or ""))
    return new_id(kind, name_key(values.get("name")))


IDENTITY = {"Enterprise": "identity_credit_or_name", "Institute": "identity_credit_or_name",
            "Need": "identity_title_enterprise", "Expert": "identity_name_affiliation",
            "Event": "identity_name_start"}


def _props_problems(exc: InvalidInput, kind: str, file: str, number: int,
                    headers: dict[str, str], cells: dict[str, Any]) -> list[str]:
    """The schema's problems, naming the column as the file does and the cell as typed."""
    errors = getattr(exc, "schema_errors", None)
    if not errors:
        return exc.problems or [str(exc)]
    out: list[str] = []
    for error in errors:
        prop = str(error["loc"][0]) if error.get("loc") else None
        words: dict[str, str] = {}
        for said, value in (value_map(kind, prop) if prop else {}).items():
            words.setdefault(value, said)  # the first (plainest) word for each value
        choices = None
        if error.get("type") in ("literal_error", "enum") and words:
            choices = [f"{words[c]}/{c}" if c in words else c
                       for c in _literal_choices(error)]
        out.append(schema_issue(error, file, number, headers.get(prop, prop), cells.get(
            prop, error.get("input")), date_field=prop in DATE_FIELDS, choices=choices))
    return out


def _literal_choices(error: dict[str, Any]) -> list[str]:
    expected = str((error.get("ctx") or {}).get("expected", ""))
    return [c.strip(" '") for c in expected.replace(" or ", ",").split(",") if c.strip(" '")]


def _node_row(kind: str, table: Table, number: int, values: dict[str, Any],
              cells: dict[str, Any], headers: dict[str, str],
              problems: list[str]) -> ParsedRow | None:
    where = f"{table.name}, row {number}"
    props = {k: v for k, v in values.items() if k not in NOT_PROPS}
    try:
        props = validate_props(kind, props, where)
    except InvalidInput as exc:
        problems.extend(_props_problems(exc, kind, table.name, number, headers, cells))
        return None
    conf = values.get("confidentiality", Confidentiality.PUBLIC.value)
    if conf not in {c.value for c in Confidentiality}:
        problems.append(ImportIssue("not_confidentiality", table.name, row=number,
                                    field=headers["confidentiality"], cell=conf))
        return None
    if "id" in values:
        try:
            node_id = check_id(values["id"], f"{where}, field {headers['id']}")
        except InvalidInput:
            problems.append(ImportIssue("not_id", table.name, row=number, field=headers["id"],
                                        cell=values["id"], most=MAX_ID))
            return None
    else:
        node_id = derived_id(kind, values)
    links = {k: str(values[k]) for k in ("enterprise", "enterprise_credit_code") if k in values}
    if kind == "Expert" and props.get("affiliation"):
        links["affiliation"] = props["affiliation"]
    try:
        aliases = validate_aliases(list(values.get("aliases", [])), where)
    except InvalidInput as exc:
        problems.append(ImportIssue("not_alias", table.name, row=number,
                                    field=headers.get("aliases"), cell=exc.value,
                                    most=MAX_NAME))
        return None
    # Checked whole here, so the write batch need not check it again.
    node = Node(node_id, kind, props, aliases,
                [Provenance(source=f"import:{table.name}", row=number)], conf)
    return ParsedRow(number, where, node=node, links=links, derived="id" not in values)


def _edge_row(table: Table, number: int, values: dict[str, Any], headers: dict[str, str],
              problems: list[str]) -> ParsedRow | None:
    where = f"{table.name}, row {number}"
    missing = [headers.get(k, k) for k in ("src", "kind", "dst") if not values.get(k)]
    if missing:
        problems.append(ImportIssue("edge_empty", table.name, row=number, columns=missing))
        return None
    kind = EDGE_KIND_NAMES.get(values["kind"], values["kind"])
    if kind not in EDGE_KINDS:
        problems.append(ImportIssue("not_edge_kind", table.name, row=number,
                                    field=headers["kind"], cell=kind, known=list(EDGE_KINDS)))
        return None
    props = {k: v for k, v in values.items() if k not in ("src", "kind", "dst", "key")}
    edge = Edge(values["src"], kind, values["dst"], props,
                [Provenance(source=f"import:{table.name}", row=number)], values.get("key", ""))
    try:
        edge = validate_edge(edge, where)
    except InvalidInput as exc:
        problems.append(_edge_issue(exc, table.name, number, headers))
        return None
    return ParsedRow(number, where, edge=edge)


def _edge_issue(exc: InvalidInput, file: str, number: int, headers: dict[str, str]
                ) -> ImportIssue:
    """`validate_edge`'s refusal of a row as an issue: the column by its header."""
    prop = (exc.where or "").rpartition(", field ")[2] or None
    field = headers.get(prop, prop) if prop else None
    if exc.message == "must be >= 0":
        return ImportIssue("at_least", file, row=number, field=field, cell=exc.value, limit=0)
    if exc.message.startswith("must be "):
        return ImportIssue("wrong_shape", file, row=number, field=field, cell=exc.value,
                           expected=exc.message.removeprefix("must be "))
    if exc.message.startswith("is not a valid id"):
        return ImportIssue("not_id", file, row=number, field=field, cell=exc.value,
                           most=MAX_ID)
    return ImportIssue("not_valid", file, row=number, field=field, cell=exc.value)


def parse_table(kind: str, table: Table, progress: Progress | None = None) -> ParsedFile:
    """Turn a table's rows into records of `kind`, collecting every problem.

    >>> from duijie.graph.tabular import parse_csv
    >>> t = parse_csv("name,营业收入\\nA公司,1\\nB公司,-5\\nA公司,3\\n", "firms.csv", "utf-8")
    >>> for p in parse_table("Enterprise", t).problems: print(p)
    firms.csv, row 3, field 营业收入: '-5' must be at least 0
    firms.csv, row 4: repeats row 2 (same credit code or name); each record may appear once per file
    """
    kind = canonical_kind(kind)
    parsed = ParsedFile(kind, table.name, table.encoding)
    columns, parsed.problems = _header_problems(kind, table)
    if parsed.problems:
        return parsed
    headers = {name: table.headers[i] for i, name in columns.items()}
    first_row: dict[str, int] = {}
    rows = progress(table.rows) if progress else table.rows
    for number, cells in rows:
        if len(parsed.problems) >= LIMITS.problems:
            parsed.problems.append(ImportIssue("stopped", table.name, most=LIMITS.problems,
                                               row_at=number))
            break
        parsed.rows_read += 1
        values = _row_values(kind, table, columns, number, cells, parsed.problems)
        if kind == EDGES:
            record = _edge_row(table, number, values, headers, parsed.problems)
        else:
            raw = {name: cells[i] for i, name in columns.items() if i < len(cells)}
            record = _node_row(kind, table, number, values, raw, headers, parsed.problems)
        if record is None:
            continue
        record_id = record.node.id if record.node else record.edge.id
        if record_id in first_row:
            same = ({"key": "identity_id", "id": record_id} if "id" in headers
                    or kind == EDGES else {"key": IDENTITY.get(kind, "identity_name")})
            parsed.problems.append(ImportIssue("repeats_row", table.name, row=number,
                                               first=first_row[record_id], identity=same))
            continue
        first_row[record_id] = number
        parsed.records.append(record)
    return parsed
