"""Fixtures of the store tests: the same test on SQLite and on the Bolt server."""

from __future__ import annotations

import pytest

from duijie.graph.sqlite_store import SqliteStore
from duijie.graph.store import GraphStore


@pytest.fixture(params=["sqlite", "bolt"])
def store_factory(request, tmp_path):
    """Opens stores on one database: each call a new connection, as another process would."""
    opened: list[GraphStore] = []
    if request.param == "sqlite":
        path = tmp_path / "contract.db"

        def factory() -> GraphStore:
            opened.append(SqliteStore(path))
            return opened[-1]
    else:
        url = request.getfixturevalue("bolt_url")
        from duijie.graph.neo4j_store import Neo4jStore

        def factory() -> GraphStore:
            opened.append(Neo4jStore.from_url(url))
            return opened[-1]

        factory().wipe()
    yield factory
    if request.param == "bolt" and opened:
        opened[0].wipe()
    for store in opened:
        store.close()


@pytest.fixture
def store(store_factory) -> GraphStore:
    return store_factory()
