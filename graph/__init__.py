"""Duijie's knowledge graph: model, storage behind one interface, resolution.

`open_store(url)` picks the backend from the URL: a path or `sqlite:///path` for
the embedded SQLite store, `bolt://` or `neo4j://` for Neo4j (loaded only then).
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

from duijie.graph.errors import BackendUnavailable, InvalidInput

if TYPE_CHECKING:
    from duijie.graph.store import GraphStore

DEFAULT_DB = "duijie.db"

# Loaded on first use, so that `duijie.graph.errors` or `duijie.graph.vocab` (which the
# pure matcher imports) do not bring pydantic, the store and networkx with them.
_LAZY = {"Edge": "duijie.graph.model", "Node": "duijie.graph.model",
         "Provenance": "duijie.graph.model", "GraphStore": "duijie.graph.store",
         "WriteBatch": "duijie.graph.store"}

__all__ = ["DEFAULT_DB", "Edge", "GraphStore", "Node", "Provenance", "WriteBatch", "open_store",
           "store_url"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def store_url(url: str | None = None) -> str:
    """The store a command means: `url`, else `$DUIJIE_GRAPH`, `$DUIJIE_DB`, `./duijie.db`."""
    return url or os.environ.get("DUIJIE_GRAPH") or os.environ.get("DUIJIE_DB") or DEFAULT_DB


def open_store(url: str | None = None, *, create: bool = True) -> GraphStore:
    """Open a store from a URL or path; `None` means `$DUIJIE_GRAPH`, `$DUIJIE_DB`,
    then `./duijie.db`. With `create=False` a SQLite file that does not exist is
    `NotFound` instead of a new empty store.

    >>> open_store(":memory:").counts()
    {'nodes': {}, 'edges': {}}
    """
    url = store_url(url)
    if url.startswith(("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://",
                       "neo4j+ssc://")):
        try:
            import neo4j  # noqa: F401  (an optional extra: duijie[neo4j])
        except ImportError:
            raise BackendUnavailable(
                "a Bolt URL needs the Neo4j driver, which is not installed: "
                "pip install 'duijie[neo4j]'", value=_safe_url(url), where="--graph") from None
        from duijie.graph.neo4j_store import Neo4jStore

        return Neo4jStore.from_url(url)
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///"):]
    elif "://" in url:
        raise InvalidInput("is not a store URL (use a path, sqlite:///path or bolt://…)",
                           value=url, where="--graph")
    if not create and url != ":memory:" and not os.path.exists(url):
        from duijie.graph.errors import NotFound

        # A mistyped --db must not quietly become a new, empty database.
        raise NotFound("does not exist: create it with `duijie init` or `duijie seed`, or "
                       "check the path", value=url, where="--db")
    from duijie.graph.sqlite_store import SqliteStore

    return SqliteStore(url)


def _safe_url(url: str) -> str:
    """The URL without its password, for messages.

    >>> _safe_url("bolt://neo4j:secret@host:7687")
    'bolt://neo4j@host:7687'
    """
    scheme, _, rest = url.partition("://")
    if "@" in rest:
        auth, _, host = rest.rpartition("@")
        rest = f"{auth.split(':', 1)[0]}@{host}"
    return f"{scheme}://{rest}"
