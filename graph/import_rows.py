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
    EDGE_KIND_NAMES,
    EDGES,
    NOT_PROPS,
    REQUIRED,
    canonical_kind,
    convert_cell,
    header_field,
    is_ignored,
    known_headers,
)
from duijie.graph.model import (
    EDGE_KINDS,
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


# -- cells -------------------------------------------------------------------

def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…'"


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
                problems.append(f"{table.name}, header: column {index + 1} has values but "
                                "no header")
            continue
        name = header_field(kind, header)
        if name is None:
            problems.append(f"{table.name}, header: unknown column {header!r} (known for "
                            f"{kind}: {known_headers(kind)})")
        elif name in seen:
            problems.append(f"{table.name}, header: columns {seen[name]!r} and {header!r} "
                            f"both mean {name}")
        else:
            seen[name] = header
            columns[index] = name
    for required in REQUIRED[kind]:
        if required not in seen:
            spelled = next(s for s in known_headers(kind).split(", ")
                           if s.endswith("/" + required) or s == required)
            problems.append(f"{table.name}, header: missing required column {spelled}")
    return columns, problems


def _row_values(kind: str, table: Table, columns: dict[int, str], number: int,
                cells: list[Any], problems: list[str]) -> dict[str, Any]:
    where = f"{table.name}, row {number}"
    values: dict[str, Any] = {}
    for index, cell in enumerate(cells):
        if cell is None:
            continue
        if index not in columns:
            if index >= len(table.headers):
                problems.append(f"{where}: cell {index + 1} is beyond the last column")
            continue
        header, name = table.headers[index], columns[index]
        if isinstance(cell, TooLong):
            problems.append(f"{where}, field {header}: a cell of {cell.length} characters is "
                            f"longer than any field may be ({MAX_TEXT})")
            continue
        try:
            values[name] = convert_cell(kind, name, cell)
        except ValueError as exc:
            problems.append(f"{where}, field {header}: {_shown(cell)} {exc}")
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


IDENTITY = {"Enterprise": "credit code or name", "Institute": "credit code or name",
            "Need": "title and enterprise", "Expert": "name and affiliation",
            "Event": "name and start date"}


def _props_problems(exc: InvalidInput, where: str, headers: dict[str, str],
                    values: dict[str, Any], cells: dict[str, Any]) -> list[str]:
    """The schema's problems, naming the column as the file does and the cell as typed."""
    out = []
    for problem in exc.problems or [str(exc)]:
        for prop, header in headers.items():
            prefix = f"{where}, field {prop}"
            if problem.startswith(prefix + ":") or problem.startswith(prefix + "."):
                rest = problem[len(prefix):]
                if rest.endswith(" Field required"):
                    rest = ": is required but empty"
                converted = f": {_shown(values.get(prop))} "
                if prop in cells and rest.startswith(converted):
                    rest = f": {_shown(cells[prop])} " + rest[len(converted):]
                problem = f"{where}, field {header}{rest}"
                break
        out.append(problem)
    return out


def _node_row(kind: str, table: Table, number: int, values: dict[str, Any],
              cells: dict[str, Any], headers: dict[str, str],
              problems: list[str]) -> ParsedRow | None:
    where = f"{table.name}, row {number}"
    props = {k: v for k, v in values.items() if k not in NOT_PROPS}
    try:
        props = validate_props(kind, props, where)
    except InvalidInput as exc:
        problems.extend(_props_problems(exc, where, headers, values, cells))
        return None
    conf = values.get("confidentiality", Confidentiality.PUBLIC.value)
    if conf not in {c.value for c in Confidentiality}:
        problems.append(f"{where}, field {headers['confidentiality']}: {_shown(conf)} is not "
                        "a confidentiality level (公开/public, 内部/internal, 机密/confidential)")
        return None
    if "id" in values:
        try:
            node_id = check_id(values["id"], f"{where}, field {headers['id']}")
        except InvalidInput as exc:
            problems.append(str(exc))
            return None
    else:
        node_id = derived_id(kind, values)
    links = {k: str(values[k]) for k in ("enterprise", "enterprise_credit_code") if k in values}
    if kind == "Expert" and props.get("affiliation"):
        links["affiliation"] = props["affiliation"]
    try:
        aliases = validate_aliases(list(values.get("aliases", [])), where)
    except InvalidInput as exc:
        problems.append(str(exc))
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
        problems.append(f"{where}: {', '.join(missing)} must not be empty")
        return None
    kind = EDGE_KIND_NAMES.get(values["kind"], values["kind"])
    if kind not in EDGE_KINDS:
        problems.append(f"{where}, field {headers['kind']}: {_shown(kind)} is not an edge kind "
                        f"(known: {', '.join(EDGE_KINDS)}, or 合作, 提交, 隶属, …)")
        return None
    props = {k: v for k, v in values.items() if k not in ("src", "kind", "dst", "key")}
    edge = Edge(values["src"], kind, values["dst"], props,
                [Provenance(source=f"import:{table.name}", row=number)], values.get("key", ""))
    try:
        edge = validate_edge(edge, where)
    except InvalidInput as exc:
        problems.append(str(exc))
        return None
    return ParsedRow(number, where, edge=edge)


def parse_table(kind: str, table: Table, progress: Progress | None = None) -> ParsedFile:
    """Turn a table's rows into records of `kind`, collecting every problem.

    >>> from duijie.graph.tabular import parse_csv
    >>> t = parse_csv("name,营业收入\\nA公司,1\\nB公司,-5\\nA公司,3\\n", "firms.csv", "utf-8")
    >>> for p in parse_table("Enterprise", t).problems: print(p)
    firms.csv, row 3, field 营业收入: '-5' Input should be greater than or equal to 0
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
            parsed.problems.append(f"{table.name}: stopped looking after {LIMITS.problems} "
                                   f"problems (row {number}); fix these and import again")
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
            same = (f"id {record_id!r}" if "id" in headers or kind == EDGES
                    else f"{IDENTITY.get(kind, 'name')}")
            parsed.problems.append(f"{record.where}: repeats row {first_row[record_id]} (same "
                                   f"{same}); each record may appear once per file")
            continue
        first_row[record_id] = number
        parsed.records.append(record)
    return parsed
