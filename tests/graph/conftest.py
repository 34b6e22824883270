"""Fixtures of the store tests (the same test on SQLite and on the Bolt server) and of
the seed dataset's tests (its records, nodes and edges as read from the files)."""

from __future__ import annotations

import pytest

from duijie.api.services.seeding import seed_records
from duijie.graph.model import Node
from duijie.graph.sqlite_store import SqliteStore
from duijie.graph.store import GraphStore
from tests.bolt_server import BOLT_SERVER_NAMES


@pytest.fixture(params=["sqlite", *BOLT_SERVER_NAMES])
def store_factory(request, tmp_path):
    """Opens stores on one database: each call a new connection, as another process would.

    `store_factory.url` is the store's URL with its credentials (for child processes)."""
    opened: list[GraphStore] = []
    if request.param == "sqlite":
        path = tmp_path / "contract.db"

        def factory() -> GraphStore:
            opened.append(SqliteStore(path))
            return opened[-1]
        factory.url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("bolt_servers").url(request.param)
        from duijie.graph.neo4j_store import Neo4jStore

        def factory() -> GraphStore:
            opened.append(Neo4jStore.from_url(url))
            return opened[-1]
        factory.url = url

        factory().wipe()
    yield factory
    if request.param != "sqlite" and opened:
        opened[0].wipe()
    for store in opened:
        store.close()


@pytest.fixture
def store(store_factory) -> GraphStore:
    return store_factory()


@pytest.fixture(scope="module")
def records():
    """Every node and edge the seed files hold, in file order."""
    return [record for _where, record in seed_records()]


@pytest.fixture(scope="module")
def nodes(records):
    """The seed's nodes by id."""
    return {r.id: r for r in records if isinstance(r, Node)}


@pytest.fixture(scope="module")
def edges(records):
    """The seed's edges."""
    return [r for r in records if not isinstance(r, Node)]
