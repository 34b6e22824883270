"""Load the seed dataset (`seed_data/*.jsonl`) into a store, all or nothing.

Every line is a `Node.to_dict()` or `Edge.to_dict()`; the files are read in
`seed_data.NODE_FILES` order and then `edges.jsonl`, into ONE `WriteBatch`, so a
bad line leaves the store untouched and the error names the file and line.
Loading twice changes nothing: ids are fixed and upserts merge equal records.

Seed ids are fixed, so the loader does not run entity resolution: a firm
imported earlier under another id stays a separate node until an organiser
merges the two (`graph.store.merge_organisations`).

>>> from duijie.graph import open_store
>>> store = open_store(":memory:")
>>> report = load_seed(store)
>>> store.get_node("evt:xian-docking-2019-05").props["cooperation_reached"]
8
>>> load_seed(store).nodes_created
0
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from duijie.graph.errors import DuijieError, InvalidInput
from duijie.graph.model import Edge, Node
from duijie.graph.store import GraphStore, WriteBatch, WriteReport

XIAN_EVENT = "evt:xian-docking-2019-05"
"""The Xi'an precise docking trip of 23–24 May 2019 (seed 000)."""


def seed_folder() -> Path:
    """Where the seed JSON Lines files are (inside the installed `seed_data` package)."""
    from duijie.seed_data import data_dir

    return data_dir()


def seed_records(folder: str | Path | None = None) -> Iterator[tuple[str, Node | Edge]]:
    """Yield ``(where, record)`` for every line of the seed files, nodes first.

    ``where`` is ``"needs.jsonl, line 17"``. Raises `InvalidInput` naming the file
    and line of a line that is not JSON or not a node/edge record.
    """
    from duijie.seed_data import EDGE_FILE, NODE_FILES

    folder = Path(folder) if folder is not None else seed_folder()
    for name in (*NODE_FILES, EDGE_FILE):
        path = folder / name
        if not path.is_file():
            raise InvalidInput("seed file is missing", value=str(path), where="seed data")
        with open(path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                where = f"{name}, line {number}"
                try:
                    data = json.loads(line)
                    if not isinstance(data, dict):
                        raise InvalidInput("is not a JSON object", where=where)
                    record = (Edge.from_dict(data) if name == EDGE_FILE
                              else Node.from_dict(data))
                except json.JSONDecodeError as exc:
                    raise InvalidInput(f"is not valid JSON ({exc.msg}, column {exc.colno})",
                                       where=where) from None
                except KeyError as exc:
                    raise InvalidInput(f"lacks the field {exc.args[0]!r}", where=where) from None
                except DuijieError as exc:
                    raise InvalidInput(exc.message, value=exc.value, where=where) from None
                yield where, record


def seed_batch(folder: str | Path | None = None) -> WriteBatch:
    """The whole seed dataset as one validated `WriteBatch` (nothing written yet)."""
    batch = WriteBatch()
    for where, record in seed_records(folder):
        if isinstance(record, Edge):
            batch.upsert_edge(record, where=where)
        else:
            batch.upsert_node(record, where=where)
    return batch


def load_seed(store: GraphStore, folder: str | Path | None = None) -> WriteReport:
    """Write the seed dataset into `store` in one atomic batch; return the report.

    Parameters
    ----------
    store : GraphStore
        Any backend; an empty one or one seeded before (then nothing changes).
    folder : path, optional
        A folder of seed files laid out like `seed_data/` (tests use broken copies).

    Raises
    ------
    InvalidInput
        A line that is not JSON, not a valid record, or an edge to an unknown
        node; the message names the file and line, and the store is unchanged.
    """
    return store.apply(seed_batch(folder))
