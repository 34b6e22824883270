"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

from duijie.graph.sqlite_store import SqliteStore


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh SQLite file in a temporary folder (a real file, WAL mode)."""
    return tmp_path / "duijie.db"


@pytest.fixture
def sqlite_store(db_path: Path):
    store = SqliteStore(db_path)
    yield store
    store.close()


# -- the Bolt test server (FalkorDB), for the Neo4j backend's tests ---------------
@pytest.fixture(scope="session")
def bolt_url():
    """A Bolt URL: $DUIJIE_TEST_BOLT_URL, or a FalkorDB server started for this session.

    Without the server binary the Bolt tests skip locally but FAIL in CI ($CI set).
    """
    import os

    from tests.bolt_server import BoltServer, bolt_unavailable_reason

    if os.environ.get("DUIJIE_TEST_BOLT_URL"):
        yield os.environ["DUIJIE_TEST_BOLT_URL"]
        return
    reason = bolt_unavailable_reason()
    server = None
    if reason is None:
        server = BoltServer()
        try:
            server.start()
        except RuntimeError as exc:
            server.close()
            server, reason = None, str(exc)
    if server is None:
        if os.environ.get("CI"):
            pytest.fail(f"the Bolt test server is required in CI: {reason}")
        pytest.skip(f"no Bolt server: {reason}")
    try:
        yield server.url
    finally:
        server.close()


@pytest.fixture
def bolt_store(bolt_url):
    """A Neo4jStore on the session's Bolt server, emptied before and after the test."""
    from duijie.graph.neo4j_store import Neo4jStore

    store = Neo4jStore.from_url(bolt_url)
    store.wipe()
    yield store
    store.wipe()
    store.close()
