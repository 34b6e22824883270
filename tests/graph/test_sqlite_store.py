"""Behaviour only the embedded backend has: the file, migrations, crash safety."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from duijie.graph.errors import BackendUnavailable, Conflict, InvalidInput
from duijie.graph.model import Edge, Node, Provenance
from duijie.graph.sqlite_store import MIGRATIONS, SCHEMA_VERSION, SqliteStore, migrate

PROV = [Provenance(source="test")]
REPO = Path(__file__).resolve().parents[2]


def firm(node_id: str, name: str, **props) -> Node:
    return Node(node_id, "Enterprise", {"name": name, **props}, provenance=PROV)


def test_file_is_wal_and_versioned(db_path: Path) -> None:
    SqliteStore(db_path).close()
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    version = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
    assert int(version) == SCHEMA_VERSION


def test_forward_migration_keeps_data(db_path: Path) -> None:
    # A file written by schema 1 (before resolution keys and reviews existed).
    conn = sqlite3.connect(db_path, isolation_level=None)
    migrate(conn, target=1)
    conn.execute(
        "INSERT INTO nodes VALUES ('ent:old', 'Enterprise', '巨石集团', ?, '[]', ?, 'public',"
        " '2019-01-01', '2019-01-01')",
        (json.dumps({"name": "巨石集团"}), json.dumps([{"source": "legacy"}])))
    conn.close()
    store = SqliteStore(db_path)
    assert store.schema_version == SCHEMA_VERSION == MIGRATIONS[-1][0]
    assert store.get_node("ent:old").props == {"name": "巨石集团"}
    assert store.get_node("ent:old").rev == 1  # stored before revisions: it exists
    assert store.list_reviews() == []
    with store.batch() as b:
        b.upsert_node(firm("ent:old", "巨石集团", employees=9), expect_rev=1)
    assert store.get_node("ent:old").rev == 2
    store.close()


def test_newer_schema_is_refused(db_path: Path) -> None:
    SqliteStore(db_path).close()
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    conn.close()
    with pytest.raises(BackendUnavailable, match="newer Duijie"):
        SqliteStore(db_path)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(BackendUnavailable, match="cannot be opened"):
        SqliteStore(bogus)


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailable, match="folder does not exist"):
        SqliteStore(tmp_path / "nowhere" / "x.db")


def test_failed_batch_leaves_nothing(sqlite_store: SqliteStore) -> None:
    with sqlite_store.batch() as b:
        b.upsert_node(firm("ent:a", "浙江大立科技"))
    before = sqlite_store.counts()
    batch_nodes = [firm(f"ent:n{i}", f"企业{i}") for i in range(50)]
    with pytest.raises(InvalidInput, match="not a known node"), sqlite_store.batch() as b:
        for node in batch_nodes:
            b.upsert_node(node)
        b.upsert_edge(Edge("ent:n1", "collaborated_with", "ent:ghost", provenance=PROV))
    assert sqlite_store.counts() == before


def test_kind_conflict(sqlite_store: SqliteStore) -> None:
    with sqlite_store.batch() as b:
        b.upsert_node(firm("x:1", "甲"))
    with pytest.raises(Conflict, match="stored as Enterprise"), sqlite_store.batch() as b:
        b.upsert_node(Node("x:1", "Institute", {"name": "甲"}, provenance=PROV))


def test_projection_follows_own_and_foreign_writes(db_path: Path) -> None:
    store = SqliteStore(db_path)
    with store.batch() as b:
        b.upsert_node(firm("ent:a", "甲"))
        b.upsert_node(firm("ent:b", "乙"))
    graph = store.projection()
    assert set(graph.nodes) == {"ent:a", "ent:b"}
    with store.batch() as b:  # own write: updated in place
        b.upsert_edge(Edge("ent:a", "collaborated_with", "ent:b", {"year": 2019},
                           provenance=PROV))
    assert store.projection().number_of_edges() == 1
    other = SqliteStore(db_path)  # another writer: noticed through data_version
    with other.batch() as b:
        b.upsert_node(firm("ent:c", "丙"))
    other.close()
    assert "ent:c" in store.projection()
    with store.batch() as b:
        b.delete_node("ent:a")
    assert "ent:a" not in store.projection()
    assert store.projection().number_of_edges() == 0
    store.close()


def test_writes_to_the_files_other_tables_leave_the_graph_version_alone(db_path: Path) -> None:
    """Accounts, sessions and the audit log share the file: writing them must not make
    every recommender and projection of the server read the graph again."""
    from duijie.graph.accounts import AccountStore

    store = SqliteStore(db_path)
    with store.batch() as b:
        b.upsert_node(firm("ent:a", "甲"))
    graph, version = store.projection(), store.version()
    accounts = AccountStore(db_path)
    accounts.audit(None, "read", "Need", "need:1")
    accounts.close()
    assert store.version() == version and store.projection() is graph
    with store.batch() as b:  # own write: mine moves, others' does not
        b.upsert_node(firm("ent:b", "乙"))
    assert store.version() == (version[0], version[1] + 1)
    other = SqliteStore(db_path)
    with other.batch() as b:
        b.upsert_node(firm("ent:c", "丙"))
    other.close()
    assert store.version()[0] == version[0] + 1 and "ent:c" in store.projection()
    store.close()


CRASH_SCRIPT = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {repo!r})
    from duijie.graph.model import Node, Provenance
    from duijie.graph.sqlite_store import SqliteStore

    class CrashingStore(SqliteStore):
        def _write_edges(self, edges, now):
            # Nodes of this batch are written; die before the edges and the commit.
            os._exit(17)

    store = CrashingStore({path!r})
    from duijie.graph.model import Edge
    with store.batch() as b:
        b.upsert_node(Node("ent:late", "Enterprise", {{"name": "后来者"}},
                           provenance=[Provenance("test")]))
        b.upsert_edge(Edge("ent:late", "collaborated_with", "ent:first",
                           provenance=[Provenance("test")]))
""")


def test_crash_between_writes_leaves_no_partial_batch(db_path: Path) -> None:
    store = SqliteStore(db_path)
    with store.batch() as b:
        b.upsert_node(firm("ent:first", "先到者"))
    store.close()
    script = CRASH_SCRIPT.format(repo=str(REPO), path=str(db_path))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 17, result.stderr
    reopened = SqliteStore(db_path)
    assert reopened.counts() == {"nodes": {"Enterprise": 1}, "edges": {}}
    assert reopened.find_nodes(kind="Enterprise")[0].id == "ent:first"
    reopened.close()


def test_a_partial_update_never_resets_stored_props_to_defaults(sqlite_store):
    from duijie.graph.model import Node

    with sqlite_store.batch() as b:
        b.upsert_node(Node("need:p", "Need", {"title": "红外降噪", "need_type": "problem",
                                              "priority": 5}, confidentiality="confidential"))
    with sqlite_store.batch() as b:
        b.upsert_node(Node("need:p", "Need", {"status": "matched"}))
    stored = sqlite_store.get_node("need:p")
    assert (stored.props["need_type"], stored.props["priority"], stored.props["status"]) == (
        "problem", 5, "matched")
    assert stored.confidentiality == "confidential"
