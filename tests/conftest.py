"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.sqlite_store import SqliteStore


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh SQLite file in a temporary folder (a real file, WAL mode)."""
    return tmp_path / "duijie.db"


@pytest.fixture
def sqlite_store(db_path: Path):
    store = SqliteStore(db_path)
    yield store
    store.close()
