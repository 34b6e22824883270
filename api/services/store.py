"""The store itself: make it ready, and say what is in it.

>>> from duijie.graph import open_store
>>> store = open_store(":memory:")
>>> init_store(store).to_dict()
{'store': 'sqlite:///:memory:'}
>>> store_stats(store).to_dict()
{'nodes': {}, 'edges': {}}
"""

from __future__ import annotations

from dataclasses import dataclass

from duijie.api.services import Result
from duijie.graph.store import GraphStore


@dataclass
class StoreReady(Result):
    """The URL of a store that is created and migrated."""

    store: str


@dataclass
class StoreCounts(Result):
    """Nodes and edges by kind (kinds are ids; `graph.vocab.kind_label` names them)."""

    nodes: dict[str, int]
    edges: dict[str, int]


def init_store(store: GraphStore) -> StoreReady:
    """The store, created (or migrated) when it was opened: report where it is."""
    return StoreReady(store.url)


def store_stats(store: GraphStore) -> StoreCounts:
    """Count nodes and edges by kind."""
    counts = store.counts()
    return StoreCounts(dict(counts.get("nodes", {})), dict(counts.get("edges", {})))
