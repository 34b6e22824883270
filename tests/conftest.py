"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

from duijie.graph.sqlite_store import SqliteStore
from tests.bolt_server import BOLT_SERVER_NAMES


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh SQLite file in a temporary folder (a real file, WAL mode)."""
    return tmp_path / "duijie.db"


@pytest.fixture
def sqlite_store(db_path: Path):
    store = SqliteStore(db_path)
    yield store
    store.close()


# -- the Bolt test servers (FalkorDB and ArcadeDB), for the Neo4j backend's tests -----
@pytest.fixture(scope="session")
def bolt_servers():
    """Starts each Bolt test server the first time a test asks for it, once a session."""
    from tests.bolt_server import BoltServers

    servers = BoltServers()
    yield servers
    servers.close()


@pytest.fixture(scope="session", params=BOLT_SERVER_NAMES)
def bolt_url(request, bolt_servers):
    """A Bolt URL on each test server in turn (or $DUIJIE_TEST_BOLT_URL alone).

    A server that cannot run here skips its tests locally but FAILS them in CI ($CI set).
    """
    return bolt_servers.url(request.param)


@pytest.fixture
def bolt_store(bolt_url):
    """A Neo4jStore on the session's Bolt server, emptied before and after the test."""
    from duijie.graph.neo4j_store import Neo4jStore

    store = Neo4jStore.from_url(bolt_url)
    store.wipe()
    yield store
    store.wipe()
    store.close()
