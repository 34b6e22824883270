"""Import and export: spreadsheets of one kind and JSON Lines of the whole graph in,
the whole graph out. Each import is all or nothing.

>>> import tempfile
>>> from pathlib import Path
>>> from duijie.graph import open_store
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "firms.csv").write_text("企业名称,所在地区\\n恒锋工具,嘉兴\\n", encoding="utf-8")
>>> store = open_store(":memory:")
>>> result = import_data(store, "企业", folder / "firms.csv")
>>> result.kind, result.rows, result.created
('Enterprise', 1, 1)
>>> export_graph(store, folder / "graph.jsonl").nodes
1
>>> again = import_data(open_store(":memory:"), "graph", folder / "graph.jsonl")
>>> again.kind, again.nodes, again.created
('graph', 1, 1)
>>> sorted(again.to_dict()) == sorted(result.to_dict())
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from duijie.api.services import Result
from duijie.api.services.access import Viewer
from duijie.graph.errors import Forbidden, InvalidInput, at
from duijie.graph.importers import Progress, import_file
from duijie.graph.jsonl import FORMAT as GRAPH_FORMAT
from duijie.graph.jsonl import export_jsonl, import_jsonl
from duijie.graph.model import mark_quoted_names
from duijie.graph.store import GraphStore

OPERATOR = Viewer.operator()  # the command line: sees everything
GRAPH_KINDS = ("graph", "jsonl", "图谱")
"""Kind names that mean "a JSON Lines export of the whole graph"."""


@dataclass
class MergeReport(Result):
    """A row written onto an organisation already there, by name, with the evidence:
    a stored one, or (`within_file`) one an earlier row of the same file created."""

    row: int
    name: str
    into_id: str
    into_name: str
    within_file: bool
    evidence: list[str]
    illustrative: bool = False  # the organisation merged into is invented demo data (示意)


def merge_reports(store: GraphStore, merges: list[dict[str, Any]]) -> list[MergeReport]:
    """An import's merges (`graph.importers.ImportReport.merges`) as a person reads them:
    an invented organisation merged into is named with its mark, in the evidence too
    (`graph.model.mark_quoted_names`)."""
    nodes = store.get_nodes({m["into_id"] for m in merges}) if merges else {}
    out = []
    for m in merges:
        into = nodes.get(m["into_id"])
        if into is None or not into.illustrative:
            out.append(MergeReport(**m))
            continue
        out.append(MergeReport(**{**m, "into_name": into.shown_name, "illustrative": True,
                                  "evidence": [mark_quoted_names(e, [into])
                                               for e in m["evidence"]]}))
    return out


@dataclass
class ImportResult(Result):
    """What an import wrote. `kind` is the model kind of a table (or "edges"), or
    "graph" for a JSON Lines export; counts that do not apply to a format are 0.

    rows: rows (or lines) read; created / updated / merged: nodes new, replaced, or
    landed on an existing organisation; nodes: node records written; edges: edge
    records of an edges file or a graph; links: edges made from a name in a row
    (a need's enterprise, an expert's institute); linked_created: enterprises created
    for needs; queued_for_review: pairs an organiser is asked about; parts: part_of
    edges to a parent organisation (a school, branch or campus); merges: every row
    merged, by name, with its evidence; dry_run: True when nothing was written.
    """

    ok: bool
    file: str
    format: Literal["table", "graph"]
    kind: str
    encoding: str
    rows: int
    created: int
    updated: int
    merged: int
    queued_for_review: int
    nodes: int
    edges: int
    links: int
    linked_created: int
    parts: int = 0
    merges: list[MergeReport] = field(default_factory=list)
    dry_run: bool = False


@dataclass
class ExportResult(Result):
    """Where the graph went (None for a stream) and how many records were written."""

    file: str | None
    nodes: int
    edges: int


def is_graph_kind(kind: str) -> bool:
    """Does a KIND name a JSON Lines export of the whole graph?

    >>> is_graph_kind(" Graph "), is_graph_kind("企业")
    (True, False)
    """
    return kind.strip().lower() in GRAPH_KINDS


def kind_of_file(path: str | Path) -> str:
    """The KIND of a file named without one: "graph" for a file that opens with the
    graph export's header (what `duijie export` and `duijie generate --out` write,
    whatever its name); a table says nothing of what its rows are, so asking which
    is the only answer.

    >>> kind_of_file("firms.csv")
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: KIND: 'firms.csv' is missing its KIND: say what \
the file holds, duijie import KIND FILE (enterprise, need, institute, expert, programme, \
event, topic, industry, region, edges; graph for a file of duijie export)
    """
    head = b""
    try:
        with Path(path).open("rb") as handle:
            head = handle.readline(4096)
    except OSError:
        pass
    if head.lstrip(b"\xef\xbb\xbf").startswith(b"{") and f'"format":"{GRAPH_FORMAT}"'.encode() \
            in head.replace(b" ", b""):
        return "graph"
    raise InvalidInput(key="imports.no_kind", value=str(path), where=at("where.import_kind"))


def import_data(store: GraphStore, kind: str, path: str | Path, sheet: str | None = None,
                progress: Progress | None = None, *, dry_run: bool = False) -> ImportResult:
    """Import a CSV/XLSX file of one kind, or (kind "graph") a JSON Lines export.

    `kind` is a model kind, its Chinese name (企业, 需求, …) or "edges"/关系. On any
    problem nothing is written and `InvalidInput` lists every problem with its
    file, row and field. `progress` wraps the rows of a table as they are read.
    """
    if is_graph_kind(kind):
        if sheet is not None:
            raise InvalidInput(key="imports.sheet_not_jsonl", value=sheet,
                               where=at("field.sheet"))
        # A graph is restored by id: nothing is resolved by name, so nothing merges.
        graph = import_jsonl(store, path, dry_run=dry_run)
        return ImportResult(True, graph.file, "graph", "graph", "utf-8",
                            rows=graph.nodes + graph.edges, created=graph.created,
                            updated=graph.nodes - graph.created, merged=0,
                            queued_for_review=0, nodes=graph.nodes, edges=graph.edges,
                            links=0, linked_created=0, dry_run=dry_run)
    table = import_file(store, kind, path, sheet, progress=progress, dry_run=dry_run)
    nodes = table.created + table.updated + table.merged + table.linked_created
    return ImportResult(True, table.file, "table", table.kind, table.encoding,
                        rows=table.rows, created=table.created, updated=table.updated,
                        merged=table.merged, queued_for_review=table.queued_for_review,
                        nodes=nodes, edges=table.edges, links=table.links,
                        linked_created=table.linked_created, parts=table.parts,
                        merges=merge_reports(store, table.merges), dry_run=dry_run)


def export_graph(store: GraphStore, path_or_stream: str | Path | IO[str], *,
                 viewer: Viewer = OPERATOR) -> ExportResult:
    """Write the whole graph as JSON Lines: a header line, every node, every edge.

    `graph import` reads it back; the round trip is lossless. A file is written
    beside its name and renamed, so a failed export leaves no half file. The export
    holds every record, confidential needs included: only the operator and an
    office-wide organiser (no region scope) may take it (`Forbidden` otherwise).
    """
    if not viewer.sees_everything:
        raise Forbidden(key="access.export_unscoped", where=at("where.export"))
    counts = export_jsonl(store, path_or_stream)
    file = None if not isinstance(path_or_stream, str | Path) else str(path_or_stream)
    return ExportResult(file, counts["nodes"], counts["edges"])
