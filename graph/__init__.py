"""Duijie's knowledge graph: model, storage behind one interface, resolution.

`open_store(url)` picks the backend from the URL: a path or `sqlite:///path` for
the embedded SQLite store, `bolt://` or `neo4j://` for Neo4j (loaded only then).
"""

from __future__ import annotations

import os

from graph.errors import BackendUnavailable, InvalidInput
from graph.model import Edge, Node, Provenance
from graph.store import GraphStore, WriteBatch

DEFAULT_DB = "duijie.db"

__all__ = ["DEFAULT_DB", "Edge", "GraphStore", "Node", "Provenance", "WriteBatch", "open_store"]


def open_store(url: str | None = None) -> GraphStore:
    """Open a store from a URL or path; `None` means `$DUIJIE_GRAPH`, `$DUIJIE_DB`,
    then `./duijie.db`.

    >>> open_store(":memory:").counts()
    {'nodes': {}, 'edges': {}}
    """
    url = url or os.environ.get("DUIJIE_GRAPH") or os.environ.get("DUIJIE_DB") or DEFAULT_DB
    if url.startswith(("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://",
                       "neo4j+ssc://")):
        try:
            from graph.neo4j_store import Neo4jStore
        except ImportError as exc:  # pragma: no cover - the backend ships with the package
            raise BackendUnavailable(f"the Neo4j backend cannot be loaded: {exc}") from None
        return Neo4jStore.from_url(url)
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///"):]
    elif "://" in url:
        raise InvalidInput("is not a store URL (use a path, sqlite:///path or bolt://…)",
                           value=url, where="--graph")
    from graph.sqlite_store import SqliteStore

    return SqliteStore(url)
