"""The whole graph as JSON Lines: a lossless export and an all-or-nothing import.

The first line is a header with the format, its version and the counts; then
one node per line, then one edge per line, each a `to_dict()` with a `"type"`
tag. Keys are sorted and ids come in order, so exporting the same graph twice
gives the same bytes, and export → import → export is byte-identical.

>>> import io
>>> from duijie.graph.sqlite_store import SqliteStore
>>> store = SqliteStore(":memory:")
>>> with store.batch() as b:
...     b.upsert_node(Node("reg:xian", "Region", {"name": "西安"}))
>>> out = io.StringIO()
>>> export_jsonl(store, out)
{'nodes': 1, 'edges': 0}
>>> print(out.getvalue(), end="")
{"edges":0,"format":"duijie-graph","nodes":1,"type":"header","version":1}
{"aliases":[],"confidentiality":"public","id":"reg:xian","kind":"Region","props":{"name":"西安"},"provenance":[],"type":"node"}
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from duijie.graph.errors import InvalidInput
from duijie.graph.model import Edge, Node
from duijie.graph.store import GraphStore, WriteBatch, iter_edges, iter_nodes, prepare_batch

FORMAT = "duijie-graph"
VERSION = 1
NODE_FIELDS = {"type", "id", "kind", "props", "aliases", "confidentiality", "provenance"}
EDGE_FIELDS = {"type", "src", "kind", "dst", "props", "provenance", "key"}
MAX_PROBLEMS = 1000  # past this many, a file is wrong as a whole; stop reading it


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def export_jsonl(store: GraphStore, path_or_stream: str | Path | IO[str]) -> dict[str, int]:
    """Write every node then every edge of `store`; return the counts written."""
    if isinstance(path_or_stream, str | Path):
        return _export_to_file(store, Path(path_or_stream))
    stream = path_or_stream
    counts = store.counts()
    declared = {"nodes": sum(counts.get("nodes", {}).values()),
                "edges": sum(counts.get("edges", {}).values())}
    stream.write(_line({"type": "header", "format": FORMAT, "version": VERSION, **declared}))
    written = {"nodes": 0, "edges": 0}
    for node in iter_nodes(store):
        stream.write(_line({"type": "node", **node.to_dict()}))
        written["nodes"] += 1
    for edge in iter_edges(store):
        stream.write(_line({"type": "edge", **edge.to_dict()}))
        written["edges"] += 1
    if written != declared:  # the store changed while we read it: say so, don't hide it
        raise InvalidInput(f"the store changed during the export (header says {declared}, "
                           f"wrote {written}); export again", where="export")
    return written


def _export_to_file(store: GraphStore, path: Path) -> dict[str, int]:
    """Write beside the target and rename, so a failed export never leaves half a file."""
    partial = path.with_name(path.name + ".partial")
    try:
        with open(partial, "w", encoding="utf-8", newline="\n") as stream:
            counts = export_jsonl(store, stream)
        os.replace(partial, path)
    except OSError as exc:
        raise InvalidInput(f"cannot be written: {exc.strerror or exc}", value=str(path),
                           where="FILE") from None
    finally:
        partial.unlink(missing_ok=True)
    return counts


@dataclass
class JsonlReport:
    file: str
    nodes: int = 0
    edges: int = 0
    created: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _lines(path: Path) -> Iterator[tuple[int, str | None, str]]:
    """(line number, text or None if undecodable, error) for each non-empty line."""
    with open(path, "rb") as raw:
        for number, data in enumerate(raw, start=1):
            if number == 1 and data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield number, None, f"byte {exc.start} is not UTF-8"
                continue
            if text.strip():
                yield number, text, ""


def _check_header(record: Any, where: str, problems: list[str]) -> dict[str, int] | None:
    if not isinstance(record, dict) or record.get("type") != "header":
        problems.append(f"{where}: the first line must be the header "
                        f'{{"type": "header", "format": "{FORMAT}", …}}')
        return None
    if record.get("format") != FORMAT or record.get("version") != VERSION:
        problems.append(f"{where}: format {record.get('format')!r} version "
                        f"{record.get('version')!r} is not {FORMAT!r} version {VERSION}")
        return None
    counts = {"nodes": record.get("nodes"), "edges": record.get("edges")}
    if not all(isinstance(n, int) and n >= 0 for n in counts.values()):
        problems.append(f"{where}: the header must give the counts \"nodes\" and \"edges\"")
        return None
    return counts


def parse_jsonl(path: str | Path) -> tuple[WriteBatch, list[str], dict[str, int]]:
    """Read a JSONL export into one batch; return it, every problem, and the counts."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInput("does not exist or is not a file", value=str(path), where="FILE")
    batch, problems = WriteBatch(), []
    counts = {"nodes": 0, "edges": 0}
    declared: dict[str, int] | None = None
    seen: dict[str, int] = {}
    first = True
    for number, text, error in _lines(path):
        where = f"{path.name}, line {number}"
        if len(problems) >= MAX_PROBLEMS:
            problems.append(f"{where}: stopped reading after {MAX_PROBLEMS} problems")
            break
        if text is None:
            problems.append(f"{where}: {error}")
            first = False
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not valid JSON ({exc.msg}, column {exc.colno})")
            first = False
            continue
        if first:
            first = False
            declared = _check_header(record, where, problems)
            continue
        _add_record(batch, record, where, number, seen, counts, problems)
    if first:
        problems.append(f"{path.name}: the file is empty (no header line)")
    elif declared is not None and declared != counts:
        problems.append(f"{path.name}: the header declares {declared['nodes']} nodes and "
                        f"{declared['edges']} edges but the file holds {counts['nodes']} and "
                        f"{counts['edges']} (is it truncated?)")
    return batch, problems, counts


def _add_record(batch: WriteBatch, record: Any, where: str, number: int,
                seen: dict[str, int], counts: dict[str, int], problems: list[str]) -> None:
    kind = record.get("type") if isinstance(record, dict) else None
    if kind not in ("node", "edge"):
        problems.append(f"{where}: 'type' must be \"node\" or \"edge\"")
        return
    counts[kind + "s"] += 1  # every record line counts, so truncation shows even with errors
    allowed = NODE_FIELDS if kind == "node" else EDGE_FIELDS
    unknown = sorted(set(record) - allowed)
    if unknown:
        problems.append(f"{where}: unknown field(s) {', '.join(unknown)} "
                        f"(known: {', '.join(sorted(allowed))})")
        return
    body = {k: v for k, v in record.items() if k != "type"}
    for name, expected in (("props", dict), ("aliases", list), ("provenance", list)):
        if name in body and not isinstance(body[name], expected):
            problems.append(f"{where}, field {name}: must be a JSON "
                            f"{'object' if expected is dict else 'array'}")
            return
    try:
        record_obj: Node | Edge = (Node.from_dict(body) if kind == "node"
                                   else Edge.from_dict(body))
    except KeyError as exc:
        problems.append(f"{where}: missing field {exc.args[0]!r}")
        return
    except (InvalidInput, TypeError, ValueError, AttributeError) as exc:
        problems.append(f"{where}: {exc}")
        return
    record_id = record_obj.id
    if record_id in seen:
        problems.append(f"{where}: {record_id!r} repeats the {kind} of line {seen[record_id]}")
        return
    seen[record_id] = number
    try:
        if isinstance(record_obj, Node):
            batch.upsert_node(record_obj, replace_props=True, where=where)
        else:
            batch.upsert_edge(record_obj, where=where)
    except InvalidInput as exc:
        found = exc.problems or [str(exc)]
        problems.extend(p if p.startswith(where) else f"{where}: {p}" for p in found)


def import_jsonl(store: GraphStore, path: str | Path, *, dry_run: bool = False) -> JsonlReport:
    """Load a JSONL export into `store`: every record, or (on any problem) none.

    Nodes replace the stored node of the same id, so a restore is exact. `dry_run`:
    every check the write would make (edges to unknown nodes or of the wrong kinds
    included), the counts it would give, and nothing written.
    """
    batch, problems, counts = parse_jsonl(path)
    name = Path(path).name
    if problems:
        raise InvalidInput(f"nothing was imported: {len(problems)} problem(s)", where=name,
                           problems=problems)
    if dry_run:
        prepared = prepare_batch(store, batch)
        return JsonlReport(name, counts["nodes"], counts["edges"], len(prepared.created_ids))
    written = store.apply(batch)
    return JsonlReport(name, counts["nodes"], counts["edges"], written.nodes_created)


def dumps_graph(store: GraphStore) -> str:
    """The export as one string (for tests and small graphs)."""
    out = io.StringIO()
    export_jsonl(store, out)
    return out.getvalue()
