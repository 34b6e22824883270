"""Import spreadsheets of enterprises, needs, experts, … into the graph.

Three steps, each testable on its own:

1. `graph.tabular.read_table` reads a CSV (UTF-8, UTF-8 with BOM, GB18030/GBK)
   or XLSX file into a `Table`.
2. `parse_table(kind, table)` (`graph.import_rows`) turns rows into nodes or edges,
   pure: headers in Chinese or English (`graph.headers`), every problem collected with
   file, row and field, stable ids so a re-import updates instead of duplicating.
3. `plan_import(store, parsed)` resolves links (the enterprise a need names, the
   institute an expert works at) and organisations against the store, and
   builds one `WriteBatch`; `import_file` applies it, all or nothing.

>>> from duijie.graph.sqlite_store import SqliteStore
>>> from duijie.graph.tabular import parse_csv
>>> store = SqliteStore(":memory:")
>>> table = parse_csv("需求名称,企业名称,需求类型\\n红外探测器降噪,浙江大立科技,技术需求\\n",
...                   "needs.csv", "utf-8")
>>> report = import_table(store, "Need", table)
>>> report.created, report.links
(1, 1)
>>> [n.name for n in store.find_nodes("Enterprise")]
['浙江大立科技']
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from duijie.graph.errors import InvalidInput
from duijie.graph.headers import EDGES, canonical_kind
from duijie.graph.import_rows import (
    ParsedFile,
    ParsedRow,
    Progress,
    derived_id,
    name_key,
    parse_table,
)
from duijie.graph.import_words import ImportIssue, ImportRefused
from duijie.graph.model import (
    EDGE_KINDS,
    ORGANISATION_KINDS,
    Edge,
    Node,
    check_endpoint_kinds,
    new_id,
)
from duijie.graph.normalize import core_name, normalize_text
from duijie.graph.places import find_places, match_place
from duijie.graph.resolution import OrganisationPlan, plan_organisation_writes
from duijie.graph.store import GraphStore, ReviewItem, WriteBatch, iter_nodes
from duijie.graph.tabular import Table, read_table


@dataclass
class ImportReport:
    """What an import did; `merged` counts rows that landed on an existing organisation."""

    file: str
    kind: str
    encoding: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    merged: int = 0
    edges: int = 0
    links: int = 0  # submitted / affiliated_with / located_in edges made from a name in a row
    linked_created: int = 0  # enterprises created because a need named an unknown one
    queued_for_review: int = 0
    parts: int = 0  # part_of edges: a row is a school, branch or campus of another
    # Every row written onto an organisation already there (stored, or an earlier row
    # of this file), by name, with the evidence: {row, name, into_id, into_name,
    # within_file, evidence}.
    merges: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_ROW = re.compile(r", row (\d+)")


# -- records -> one write batch -------------------------------------------------

@dataclass
class ImportPlan:
    batch: WriteBatch
    reviews: list[ReviewItem]
    report: ImportReport


def _lookup_organisation(store: GraphStore, name: str, kinds: tuple[str, ...]) -> str | None:
    """The one stored organisation a name means exactly, or None."""
    for key_type, key in (("norm", normalize_text(name)), ("core", core_name(name))):
        ids = store.find_by_key(key_type, key) if key else []
        ids = [i for i, k in store.kinds_of(ids).items() if k in kinds] if ids else []
        if len(set(ids)) == 1:
            return ids[0]
    return None


def _enterprise_for(record: ParsedRow, name: str) -> Node:
    values = {"name": name}
    credit = record.links.get("enterprise_credit_code")
    if credit:
        values["credit_code"] = credit
    props = dict(values)
    if record.node.props.get("region"):  # evidence for resolving a short name
        props["region"] = record.node.props["region"]
    return Node(derived_id("Enterprise", values), "Enterprise", props, [],
                list(record.node.provenance))


def plan_import(store: GraphStore, parsed: ParsedFile) -> ImportPlan:
    """Resolve a parsed file against the store and build its one write batch.

    Raises `InvalidInput` listing every problem (the parse's and the links'); then
    nothing has been written.
    """
    report = ImportReport(parsed.name, parsed.kind, parsed.encoding, parsed.rows_read)
    problems = list(parsed.problems)
    batch = WriteBatch()
    reviews: list[ReviewItem] = []
    if parsed.kind == EDGES:
        _plan_edges(store, parsed, batch, problems)
        report.edges = len(batch.edges)
    else:
        if parsed.kind == "Need":
            reviews += _plan_submitters(store, parsed, batch, report, problems)
        nodes = [r.node for r in parsed.records]
        organisations = OrganisationPlan()
        if parsed.kind in ORGANISATION_KINDS:
            nodes, reviews = plan_organisation_writes(store, nodes, organisations)
            _report_merges(report, organisations, [r.row for r in parsed.records])
        stored = store.get_nodes({n.id for n in nodes})
        for record, node in zip(parsed.records, nodes, strict=True):
            if node.id != record.node.id:
                # Onto a stored record or an earlier row's: keep that name, this
                # spelling becomes an alias; either way it is a merge, and reported.
                report.merged += 1
                node = replace(node, props={k: v for k, v in node.props.items()
                                            if k != "name"})
            elif node.id in stored:
                report.updated += 1
            else:
                report.created += 1
            _upsert(batch, node, record.where, problems, validated=True)
            record.node = node
        for part in organisations.parts:
            record = parsed.records[part.position]
            batch.upsert_edge(Edge(part.node_id, "part_of", part.parent_id, {},
                                   list(record.node.provenance)), where=record.where)
            report.parts += 1
        if parsed.kind == "Expert":
            _plan_affiliations(store, parsed, batch, report)
        if parsed.kind == "Need":
            _plan_need_regions(store, parsed, batch, report)
    if problems:
        problems.sort(key=_row_of)  # stable: the header first, then row by row
        raise ImportRefused(parsed.name, problems)
    report.queued_for_review = len(reviews)
    return ImportPlan(batch, reviews, report)


def _report_merges(report: ImportReport, plan: OrganisationPlan, rows: list[int]) -> None:
    for merge in plan.merges:
        report.merges.append({
            "row": rows[merge.position], "name": merge.name, "into_id": merge.into_id,
            "into_name": merge.into_name, "within_file": merge.within_file,
            "evidence": list(merge.reasons)})


def _row_of(problem: str) -> int:
    match = _ROW.search(problem)
    return int(match.group(1)) if match else 0


def _upsert(batch: WriteBatch, node: Node, where: str, problems: list[str],
            validated: bool = False) -> None:
    try:
        batch.upsert_node(node, where=where, validated=validated)
    except InvalidInput as exc:
        problems.extend(exc.problems or [str(exc)])


def _ids_named(store: GraphStore, name: str) -> list[str]:
    """Ids of the nodes a cell names exactly: an organisation's name or alias, or any
    node's name (a need's title)."""
    ids = set(store.find_by_key("norm", normalize_text(name)))
    for prop in ("name", "title"):
        ids.update(n.id for n in store.find_nodes(where={prop: name}, limit=10))
    return sorted(ids)


def _plan_edges(store: GraphStore, parsed: ParsedFile, batch: WriteBatch,
                problems: list[str]) -> None:
    """Edges between stored nodes, given by id or by exact name."""
    cells = {e for r in parsed.records for e in (r.edge.src, r.edge.dst)}
    kinds = store.kinds_of(cells) if cells else {}
    ids = {cell: [cell] for cell in kinds}
    for cell in cells - kinds.keys():
        ids[cell] = _ids_named(store, cell)
    kinds.update(store.kinds_of({i for found in ids.values() for i in found}))
    first_row: dict[str, int] = {}
    for record in parsed.records:
        edge, ends, bad = record.edge, {}, False
        for end in ("src", "dst"):
            cell = getattr(edge, end)
            found = ids.get(cell, [])
            if len(found) == 1:
                ends[end] = found[0]
                continue
            bad = True
            place = {"row": record.row, "end": {"key": f"end_{end}"}, "cell": cell}
            if found:
                problems.append(ImportIssue("end_ambiguous", parsed.name, **place,
                                            count=len(found), ids=found[:5]))
            else:
                problems.append(ImportIssue("end_unknown", parsed.name, **place))
        if bad:
            continue
        edge = replace(edge, src=ends["src"], dst=ends["dst"])
        try:
            check_endpoint_kinds(edge, kinds[edge.src], kinds[edge.dst], record.where)
        except InvalidInput:
            sources, targets = EDGE_KINDS[edge.kind]
            problems.append(ImportIssue(
                "edge_ends", parsed.name, row=record.row, cell=edge.kind,
                src={"key": f"kind_{kinds[edge.src]}"}, dst={"key": f"kind_{kinds[edge.dst]}"},
                sources=[{"key": f"kind_{k}"} for k in sources],
                targets=[{"key": f"kind_{k}"} for k in targets]))
            continue
        if edge.id in first_row:
            problems.append(ImportIssue("repeats_edge", parsed.name, row=record.row,
                                        first=first_row[edge.id], id=edge.id))
            continue
        first_row[edge.id] = record.row
        batch.upsert_edge(edge, where=record.where)


def _plan_submitters(store: GraphStore, parsed: ParsedFile, batch: WriteBatch,
                     report: ImportReport, problems: list[str]) -> list[ReviewItem]:
    """Link each need to the enterprise it names: stored, earlier in the file, or new.

    A need without an id column takes its id from its enterprise's resolved id and
    its title, so re-importing it under another spelling of the firm updates it.
    """
    for record in parsed.records:
        credit = record.links.get("enterprise_credit_code")
        if credit and not record.links.get("enterprise"):
            ids = store.find_by_key("credit", credit.strip().upper())
            if len(ids) != 1:
                problems.append(ImportIssue("no_credit_code", parsed.name, row=record.row,
                                            cell=credit))
                continue
            record.links["enterprise"] = store.get_node(ids[0]).name
    linked = [r for r in parsed.records if r.links.get("enterprise")]
    if not linked:
        return []
    candidates = [_enterprise_for(r, r.links["enterprise"]) for r in linked]
    organisations = OrganisationPlan()
    resolved, reviews = plan_organisation_writes(store, candidates, organisations)
    # Two needs naming one firm in the same spelling are one firm, not a merge.
    organisations.merges = [m for m in organisations.merges
                            if normalize_text(m.name) != normalize_text(m.into_name)]
    _report_merges(report, organisations, [r.row for r in linked])
    stored = store.get_nodes({n.id for n in resolved})
    created: set[str] = set()
    first_row: dict[str, int] = {}
    for record, node in zip(linked, resolved, strict=True):
        if record.derived:
            need_id = new_id("Need", node.id, name_key(record.node.props.get("title")))
            if need_id in first_row:
                problems.append(ImportIssue(
                    "repeats_row", parsed.name, row=record.row, first=first_row[need_id],
                    identity={"key": "identity_title_enterprise"}))
                continue
            first_row[need_id] = record.row
            record.node = replace(record.node, id=need_id)
        if node.id in stored:
            old = stored[node.id]
            name = record.links["enterprise"]
            aliases = [] if name == old.name or name in old.aliases else [name]
            node = Node(node.id, "Enterprise", {}, aliases, list(record.node.provenance))
        else:
            created.add(node.id)
        _upsert(batch, node, record.where, problems)
        batch.upsert_edge(Edge(node.id, "submitted", record.node.id, {},
                               list(record.node.provenance)), where=record.where)
        report.links += 1
    report.linked_created = len(created)
    return reviews


def _plan_affiliations(store: GraphStore, parsed: ParsedFile, batch: WriteBatch,
                       report: ImportReport) -> None:
    """An expert's affiliation becomes an edge when it names one stored organisation."""
    for record in parsed.records:
        name = record.links.get("affiliation")
        org_id = _lookup_organisation(store, name, ORGANISATION_KINDS) if name else None
        if org_id:
            batch.upsert_edge(Edge(record.node.id, "affiliated_with", org_id, {},
                                   list(record.node.provenance)), where=record.where)
            report.links += 1


def region_lookup(store: GraphStore) -> dict[str, str]:
    """{name: Region id} for every stored region: name, synonyms, and the bare place
    (萧山 of 萧山区). A name two regions share is left out (it decides nothing)."""
    ids: dict[str, set[str]] = {}
    for node in iter_nodes(store, "Region"):
        for text in [node.name, *node.props.get("synonyms", []), *node.aliases]:
            norm = normalize_text(text)
            hit = match_place(norm)
            for key in {norm, hit[0] if hit and hit[1] == len(norm) else norm}:
                ids.setdefault(key, set()).add(node.id)
    return {key: next(iter(found)) for key, found in ids.items() if len(found) == 1}


def find_region(lookup: dict[str, str], text: str) -> str | None:
    """The Region id a free-text region means: the whole text, else the finest
    known place named in it (海盐 of 嘉兴市海盐县), else None.

    >>> find_region({"嘉兴": "reg:jx", "海盐": "reg:hy"}, "嘉兴市海盐县")
    'reg:hy'
    >>> find_region({"嘉兴": "reg:jx"}, "嘉兴市海盐县"), find_region({}, "西安")
    ('reg:jx', None)
    """
    norm = normalize_text(text)
    if norm in lookup:
        return lookup[norm]
    return next((lookup[p] for p in reversed(find_places(norm)) if p in lookup), None)


def _plan_need_regions(store: GraphStore, parsed: ParsedFile, batch: WriteBatch,
                       report: ImportReport) -> None:
    """A need's region becomes a `located_in` edge when it names a stored Region."""
    regions = [r for r in parsed.records if r.node.props.get("region")]
    lookup = region_lookup(store) if regions else {}
    for record in regions:
        region_id = find_region(lookup, record.node.props["region"])
        if region_id:
            batch.upsert_edge(Edge(record.node.id, "located_in", region_id, {},
                                   list(record.node.provenance)), where=record.where)
            report.links += 1


# -- the whole job ---------------------------------------------------------------

def import_table(store: GraphStore, kind: str, table: Table,
                 progress: Progress | None = None, *, dry_run: bool = False) -> ImportReport:
    """Parse, check and write one table: all of it, or nothing (`dry_run`: nothing,
    the report saying what would be written)."""
    parsed = parse_table(kind, table, progress)
    plan = plan_import(store, parsed)
    if dry_run:
        return plan.report
    store.apply(plan.batch)
    if plan.reviews:
        store.add_reviews(plan.reviews)
    return plan.report


def import_file(store: GraphStore, kind: str, path: str | Path, sheet: str | None = None,
                progress: Progress | None = None, *, dry_run: bool = False) -> ImportReport:
    """Import a CSV or XLSX file of `kind` (a node kind, a Chinese name, or "edges")."""
    kind = canonical_kind(kind)
    return import_table(store, kind, read_table(path, sheet), progress, dry_run=dry_run)
