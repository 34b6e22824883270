"""Load a folder of JSON Lines records (the seed dataset's layout) into a store, all or nothing.

Every line is a `Node.to_dict()` or `Edge.to_dict()`; the node files are read in the
order given and then the edge file, into ONE `WriteBatch`, so a bad line leaves the
store untouched and the error names the file and line. Loading twice changes
nothing: ids are fixed and upserts merge equal records.

Which folder and files make up the shipped seed dataset is the application's
business (`duijie.api.services.seeding`); this module only reads the folder it is
given. Seed ids are fixed, so loading merges nothing by name: the seeding use case
(`api.services.seeding.load_seed`) resolves the seed's organisations against those
already stored (`graph.resolution.likely_duplicates`) and queues any pair for an
organiser to decide (`graph.store.merge_organisations` on accepting).

>>> import tempfile
>>> from pathlib import Path
>>> from duijie.graph import open_store
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "topics.jsonl").write_text(
...     '{"id": "topic:a", "kind": "Topic", "props": {"name": "激光"}}\\n'
...     '{"id": "topic:b", "kind": "Topic", "props": {"name": "光学"}}\\n', encoding="utf-8")
>>> _ = (folder / "edges.jsonl").write_text(
...     '{"src": "topic:a", "kind": "part_of", "dst": "topic:b"}\\n', encoding="utf-8")
>>> store = open_store(":memory:")
>>> load_folder(store, folder, ("topics.jsonl",), "edges.jsonl").nodes_created
2
>>> load_folder(store, folder, ("topics.jsonl",), "edges.jsonl").nodes_created
0
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

from duijie.graph.errors import DuijieError, InvalidInput
from duijie.graph.model import Edge, Node
from duijie.graph.store import GraphStore, WriteBatch, WriteReport


def folder_records(folder: str | Path, node_files: Sequence[str],
                   edge_file: str) -> Iterator[tuple[str, Node | Edge]]:
    """Yield ``(where, record)`` for every line of the folder's files, nodes first.

    ``where`` is ``"needs.jsonl, line 17"``. Raises `InvalidInput` naming the file
    and line of a line that is not JSON or not a node/edge record, or naming a
    missing file.
    """
    folder = Path(folder)
    for name in (*node_files, edge_file):
        path = folder / name
        if not path.is_file():
            raise InvalidInput("seed file is missing", value=str(path), where="seed data")
        with open(path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                where = f"{name}, line {number}"
                yield where, _record(line, where, is_edge=name == edge_file)


def _record(line: str, where: str, *, is_edge: bool) -> Node | Edge:
    try:
        data = json.loads(line)
        if not isinstance(data, dict):
            raise InvalidInput("is not a JSON object", where=where)
        return Edge.from_dict(data) if is_edge else Node.from_dict(data)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"is not valid JSON ({exc.msg}, column {exc.colno})",
                           where=where) from None
    except KeyError as exc:
        raise InvalidInput(f"lacks the field {exc.args[0]!r}", where=where) from None
    except DuijieError as exc:
        raise InvalidInput(exc.message, value=exc.value, where=where) from None


def folder_batch(folder: str | Path, node_files: Sequence[str], edge_file: str) -> WriteBatch:
    """The folder's records as one validated `WriteBatch` (nothing written yet)."""
    batch = WriteBatch()
    for where, record in folder_records(folder, node_files, edge_file):
        if isinstance(record, Edge):
            batch.upsert_edge(record, where=where)
        else:
            batch.upsert_node(record, where=where)
    return batch


def load_folder(store: GraphStore, folder: str | Path, node_files: Sequence[str],
                edge_file: str) -> WriteReport:
    """Write the folder's records into `store` in one atomic batch; return the report.

    Parameters
    ----------
    store : GraphStore
        Any backend; an empty one or one loaded before (then nothing changes).
    folder : path
        A folder of JSON Lines files laid out like `seed_data/`.
    node_files, edge_file : str
        The node files in load order (vocabulary first), then the one edge file.

    Raises
    ------
    InvalidInput
        A line that is not JSON, not a valid record, or an edge to an unknown
        node; the message names the file and line, and the store is unchanged.
    """
    return store.apply(folder_batch(folder, node_files, edge_file))
