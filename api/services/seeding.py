"""Seeding: load the shipped seed dataset (`duijie.seed_data`) into a store.

The dataset is built from the five seed documents; `graph.seed` reads any folder laid
out like it, this module knows which folder and files make up the shipped one.

>>> from duijie.graph import open_store
>>> store = open_store(":memory:")
>>> result = load_seed(store)
>>> store.get_node(XIAN_EVENT).props["cooperation_reached"]
8
>>> sorted(result.to_dict())
['counts', 'edges_written', 'nodes_created', 'nodes_written']
>>> load_seed(store).nodes_created
0
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from duijie.api.services import Result
from duijie.graph.model import Edge, Node
from duijie.graph.seed import folder_records, load_folder
from duijie.graph.store import GraphStore
from duijie.seed_data import EDGE_FILE, NODE_FILES, data_dir

XIAN_EVENT = "evt:xian-docking-2019-05"
"""The Xi'an precise docking trip of 23–24 May 2019 (seed 000)."""

VOCABULARY_FILES = ("regions.jsonl", "industries.jsonl", "topics.jsonl")
"""The seed files holding the shared vocabulary: regions, industries, topics."""


@dataclass
class SeedResult(Result):
    """What loading the seed did, and what the store holds afterwards."""

    nodes_written: int
    nodes_created: int
    edges_written: int
    counts: dict[str, dict[str, int]]


def seed_folder() -> Path:
    """Where the seed JSON Lines files are (inside the installed `seed_data` package)."""
    return data_dir()


def seed_records(folder: str | Path | None = None) -> Iterator[tuple[str, Node | Edge]]:
    """Yield ``(where, record)`` for every line of the seed files, nodes first."""
    return folder_records(folder or seed_folder(), NODE_FILES, EDGE_FILE)


def load_seed(store: GraphStore, folder: str | Path | None = None) -> SeedResult:
    """Write the seed dataset into `store` in one atomic batch, all or nothing.

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
    report = load_folder(store, folder or seed_folder(), NODE_FILES, EDGE_FILE)
    return SeedResult(report.nodes_written, report.nodes_created, report.edges_written,
                      store.counts())


def seed_vocabulary(folder: str | Path | None = None) -> tuple[list[Node], list[Edge]]:
    """The seed dataset's Region, Industry and Topic nodes and the `part_of` edges
    among them: the vocabulary `graph.generate.generate_graph` builds text from.

    >>> nodes, edges = seed_vocabulary()
    >>> {n.kind for n in nodes} == {"Region", "Industry", "Topic"}
    True
    >>> {e.kind for e in edges}
    {'part_of'}
    """
    nodes: list[Node] = []
    edges: list[Edge] = []
    for _where, record in folder_records(folder or seed_folder(), VOCABULARY_FILES, EDGE_FILE):
        if isinstance(record, Node):
            nodes.append(record)
        elif record.kind == "part_of":
            edges.append(record)
    ids = {n.id for n in nodes}
    return nodes, [e for e in edges if e.src in ids and e.dst in ids]
