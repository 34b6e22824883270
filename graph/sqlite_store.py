"""The embedded backend: one SQLite file (WAL) is the system of record.

Every `apply` is one `BEGIN IMMEDIATE … COMMIT` transaction, so a crash or an
error half-way leaves the file as it was. The batch is checked (`prepare_batch`,
including the revisions it expects) inside that transaction, which holds the
file's write lock: no other writer can slip in between the check and the write.
A networkx projection is kept in memory and updated with each write this process
makes; graph writes by another process are noticed through a counter every batch
bumps in its transaction (read again only when `PRAGMA data_version` moved) and
trigger a rebuild. Writes to the file's other tables (accounts, sessions, the audit
log) leave the counter alone, so they never cost a rebuild.

>>> store = SqliteStore(":memory:")
>>> with store.batch() as b:
...     b.upsert_node(Node("reg:xian", "Region", {"name": "西安", "level": "city"}))
>>> store.get_node("reg:xian").props["name"]
'西安'
>>> store.counts()["nodes"]
{'Region': 1}
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from duijie.graph.errors import BackendUnavailable, Conflict, InvalidInput, NotFound
from duijie.graph.model import ORGANISATION_KINDS, Edge, Node, Provenance
from duijie.graph.store import (
    PAGE_SIZE,
    Direction,
    PreparedBatch,
    ReviewItem,
    StoreBase,
    WriteBatch,
    WriteReport,
    add_to_projection,
    build_projection,
    neighbours_by_edges,
    notify_written,
    prepare_batch,
    remove_from_projection,
    utc_now,
)

# Forward migrations: (version, statements). Never edit a shipped one; add another.
MIGRATIONS: list[tuple[int, list[str]]] = [
    (1, [
        "CREATE TABLE nodes (id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,"
        " props TEXT NOT NULL, aliases TEXT NOT NULL, provenance TEXT NOT NULL,"
        " confidentiality TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)",
        "CREATE INDEX nodes_by_kind ON nodes (kind, id)",
        "CREATE TABLE edges (id TEXT PRIMARY KEY, src TEXT NOT NULL REFERENCES nodes(id),"
        " kind TEXT NOT NULL, dst TEXT NOT NULL REFERENCES nodes(id), key TEXT NOT NULL,"
        " props TEXT NOT NULL, provenance TEXT NOT NULL, created_at TEXT NOT NULL,"
        " updated_at TEXT NOT NULL)",
        "CREATE INDEX edges_by_src ON edges (src, kind)",
        "CREATE INDEX edges_by_dst ON edges (dst, kind)",
        "CREATE INDEX edges_by_kind ON edges (kind, id)",
    ]),
    (2, [
        # Resolution keys (normalised name, core name, pinyin, credit code) computed
        # at write time so that resolving a name is a lookup, not a scan.
        "CREATE TABLE node_keys (node_id TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,"
        " key_type TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (key_type, key, node_id))",
        "CREATE INDEX node_keys_by_node ON node_keys (node_id)",
        "CREATE TABLE reviews (id TEXT PRIMARY KEY, name TEXT NOT NULL,"
        " candidate_id TEXT NOT NULL, score REAL NOT NULL, kind TEXT NOT NULL,"
        " status TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL,"
        " decided_by TEXT, decided_at TEXT, reasons TEXT NOT NULL DEFAULT '[]')",
        "CREATE INDEX reviews_by_status ON reviews (status, created_at)",
    ]),
    (3, [
        # Each node's revision, bumped by every write of it, for optimistic locking
        # (`expect_rev`). Nodes written before count as revision 1: they exist.
        "ALTER TABLE nodes ADD COLUMN rev INTEGER NOT NULL DEFAULT 1",
    ]),
    (4, [
        # Bytes kept with the store but outside the graph (`put_blob`: a learned model).
        "CREATE TABLE blobs (name TEXT PRIMARY KEY, data BLOB NOT NULL, stamp TEXT NOT NULL)",
    ]),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _node_from_row(row: sqlite3.Row | tuple) -> Node:
    node_id, kind, props, aliases, provenance, conf, rev = row
    return Node(node_id, kind, json.loads(props), json.loads(aliases),
                [Provenance(**p) for p in json.loads(provenance)], conf, rev=rev)


def _edge_from_row(row: sqlite3.Row | tuple) -> Edge:
    src, kind, dst, key, props, provenance = row
    return Edge(src, kind, dst, json.loads(props),
                [Provenance(**p) for p in json.loads(provenance)], key)


_NODE_COLS = "id, kind, props, aliases, provenance, confidentiality, rev"
_EDGE_COLS = "src, kind, dst, key, props, provenance"


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the schema forward to `target`, each step in its own transaction."""
    conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    current = int(row[0]) if row else 0
    if current > SCHEMA_VERSION:
        raise BackendUnavailable(
            f"was written by a newer Duijie (schema {current}, this one knows {SCHEMA_VERSION})",
            value="database")
    for version, statements in MIGRATIONS:
        if current < version <= target:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in statements:
                    conn.execute(statement)
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                             (str(version),))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            current = version
    return current


def connect(path: str, timeout: float) -> sqlite3.Connection:
    """A connection as Duijie uses SQLite: autocommit (explicit BEGIN IMMEDIATE for
    writes), shared between threads under the caller's lock, foreign keys, a busy
    timeout, and WAL for files so readers never wait for a writer."""
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None,
                           check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    if path != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    return conn


class SqliteTables:
    """Duijie's own tables beside the graph in a SQLite file (accounts, jobs): one
    connection as `connect` makes it, their schema made if missing, and a lock around
    every statement, so one object is safe to share between threads. Rows are fetched
    under the lock: a half-read SELECT would keep the shared connection's read snapshot
    open, and another thread's write on it would then fail at once with "database is
    locked" when another process has written since (no busy wait).

    >>> notes = SqliteTables(":memory:", ["CREATE TABLE notes (text TEXT)"],
    ...                      refusal="cannot hold notes", where="notes")
    >>> notes._write("INSERT INTO notes VALUES (?)", ("对接",))
    1
    >>> notes._rows("SELECT text FROM notes")
    [('对接',)]
    >>> notes.close()
    """

    def __init__(self, path: str | Path, schema: Iterable[str], *, refusal: str, where: str,
                 timeout: float = 30.0):
        self.path = str(path)
        try:
            self._conn = connect(self.path, timeout)
            for statement in schema:
                self._conn.execute(statement)
        except sqlite3.DatabaseError as exc:
            raise BackendUnavailable(f"{refusal}: {exc}", value=self.path,
                                     where=where) from None
        self._lock = threading.RLock()

    def _rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _write(self, sql: str, params: tuple = ()) -> int:
        """Run one write statement; the rows it changed."""
        with self._lock:
            return self._conn.execute(sql, params).rowcount

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class SqliteStore(StoreBase):
    """`GraphStore` on a SQLite file; `":memory:"` for a throwaway store."""

    def __init__(self, path: str | Path = "duijie.db", *, timeout: float = 30.0):
        self.path = str(path)
        self.url = "sqlite:///" + self.path
        if self.path != ":memory:":
            parent = Path(self.path).expanduser().resolve().parent
            if not parent.is_dir():
                raise BackendUnavailable("folder does not exist", value=str(parent),
                                         where="--db")
        try:
            self._conn = connect(self.path, timeout)
            self.schema_version = migrate(self._conn)
        except sqlite3.DatabaseError as exc:
            raise BackendUnavailable(f"cannot be opened as a Duijie database: {exc}",
                                     value=self.path) from None
        self._lock = threading.RLock()
        self._graph: nx.MultiDiGraph | None = None
        self._graph_data_version = -1
        self._commits = 0  # batches applied through this object (`version`)
        self._seen_data_version = -1
        self._graph_writes = 0  # the file's batch counter as last read

    # -- writes ------------------------------------------------------------
    def apply(self, batch: WriteBatch) -> WriteReport:
        if not len(batch):
            return WriteReport()
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                prepared = prepare_batch(self, batch)
                report = self._write(prepared)
                writes = self._count_write()
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._graph_writes = writes
            self._commits += 1
            self._update_projection(prepared)
        notify_written(self, prepared)  # outside the lock: hooks may read the store
        return report

    def _write(self, p: PreparedBatch) -> WriteReport:
        now = utc_now()
        c = self._conn
        edges_deleted = 0
        for edge_id in p.delete_edge_ids:
            edges_deleted += c.execute("DELETE FROM edges WHERE id = ?", (edge_id,)).rowcount
        for node_id in p.delete_node_ids:
            edges_deleted += c.execute("DELETE FROM edges WHERE src = ? OR dst = ?",
                                       (node_id, node_id)).rowcount
        nodes_deleted = 0
        if p.delete_node_ids:
            nodes_deleted = c.executemany("DELETE FROM nodes WHERE id = ?",
                                          [(i,) for i in p.delete_node_ids]).rowcount
        self._write_nodes(p.nodes, now)
        c.executemany("DELETE FROM node_keys WHERE node_id = ?", [(i,) for i in p.keys])
        c.executemany("INSERT OR IGNORE INTO node_keys VALUES (?, ?, ?)",
                      [(i, t, k) for i, keys in p.keys.items() for t, k in keys])
        self._write_edges(p.edges, now)
        # Read in this transaction, so the revisions just written are these.
        revs = {n.id: p.stored_revs.get(n.id, 0) + 1 for n in p.nodes}
        return WriteReport(len(p.nodes), len(p.edges), max(nodes_deleted, 0), edges_deleted,
                           len(p.created_ids), revs)

    def _write_nodes(self, nodes: list[Node], now: str) -> None:
        self._conn.executemany(
            "INSERT INTO nodes (id, kind, name, props, aliases, provenance, confidentiality,"
            " created_at, updated_at, rev) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)"
            " ON CONFLICT(id) DO UPDATE SET"
            " name = excluded.name, props = excluded.props, aliases = excluded.aliases,"
            " provenance = excluded.provenance, confidentiality = excluded.confidentiality,"
            " updated_at = excluded.updated_at, rev = nodes.rev + 1",
            [(n.id, n.kind, n.name, _dumps(n.props), _dumps(n.aliases),
              _dumps([p.to_dict() for p in n.provenance]), n.confidentiality, now, now)
             for n in nodes])

    def _write_edges(self, edges: list[Edge], now: str) -> None:
        self._conn.executemany(
            "INSERT INTO edges VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
            " props = json_patch(edges.props, excluded.props), provenance = excluded.provenance,"
            " updated_at = excluded.updated_at",
            [(e.id, e.src, e.kind, e.dst, e.key, _dumps(e.props),
              _dumps([p.to_dict() for p in e.provenance]), now, now) for e in edges])

    # -- reads -------------------------------------------------------------
    def _query(self, sql: str, params: Iterable[Any] = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, tuple(params)).fetchall()

    def get_node(self, node_id: str) -> Node:
        rows = self._query(f"SELECT {_NODE_COLS} FROM nodes WHERE id = ?", (node_id,))
        if not rows:
            raise NotFound("is not a node in this graph", value=node_id)
        return _node_from_row(rows[0])

    def get_nodes(self, node_ids: Iterable[str]) -> dict[str, Node]:
        return {n.id: n for n in (_node_from_row(r) for r in self._in_chunks(
            f"SELECT {_NODE_COLS} FROM nodes WHERE id IN ({{}})", node_ids))}

    def node_props(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        # two columns by the kind index, not whole nodes: a push over 100,000 firms
        # spent most of its time decoding aliases and provenance it never read
        rows = self._query("SELECT id, props FROM nodes INDEXED BY nodes_by_kind "
                           "WHERE kind = ? ORDER BY id", (kind,))
        loads = json.loads
        return ((node_id, loads(props)) for node_id, props in rows)

    def edge_props(self, kind: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        # three columns by the kind index: a report over 150,000 `involves` edges spent
        # half its reading decoding provenance it never looked at
        rows = self._query("SELECT src, dst, props FROM edges INDEXED BY edges_by_kind "
                           "WHERE kind = ? ORDER BY id", (kind,))
        loads = json.loads
        return ((src, dst, loads(props)) for src, dst, props in rows)

    def put_blob(self, name: str, data: bytes) -> str:
        stamp = uuid.uuid4().hex
        with self._lock:  # one statement: replaced whole
            self._conn.execute("INSERT INTO blobs VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE"
                               " SET data = excluded.data, stamp = excluded.stamp",
                               (name, sqlite3.Binary(bytes(data)), stamp))
        return stamp

    def get_blob(self, name: str) -> tuple[str, bytes] | None:
        rows = self._query("SELECT stamp, data FROM blobs WHERE name = ?", (name,))
        return (rows[0][0], bytes(rows[0][1])) if rows else None

    def blob_stamp(self, name: str) -> str | None:
        rows = self._query("SELECT stamp FROM blobs WHERE name = ?", (name,))
        return rows[0][0] if rows else None

    def blob_names(self) -> list[str]:
        return [name for (name,) in self._query("SELECT name FROM blobs ORDER BY name")]

    def kinds_of(self, node_ids: Iterable[str]) -> dict[str, str]:
        return dict(self._in_chunks("SELECT id, kind FROM nodes WHERE id IN ({})", node_ids))

    def _in_chunks(self, sql: str, ids: Iterable[str], size: int = 500) -> list[tuple]:
        ids = list(dict.fromkeys(ids))
        out: list[tuple] = []
        for start in range(0, len(ids), size):
            chunk = ids[start:start + size]
            out.extend(self._query(sql.format(",".join("?" * len(chunk))), chunk))
        return out

    def find_nodes(self, kind: str | None = None, where: dict[str, Any] | None = None,
                   after: str | None = None, limit: int = PAGE_SIZE) -> list[Node]:
        clauses, params = [], []
        if kind is not None:
            clauses.append("kind = ?")
            params.append(kind)
        for name, value in (where or {}).items():
            if not _FIELD.match(name):
                raise InvalidInput("is not a property name", value=name, where="find_nodes")
            clauses.append("json_extract(props, ?) = ?")
            params.extend([f"$.{name}", value])
        if after is not None:
            clauses.append("id > ?")
            params.append(after)
        sql = f"SELECT {_NODE_COLS} FROM nodes"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY id LIMIT ?"
        return [_node_from_row(r) for r in self._query(sql, [*params, int(limit)])]

    def get_edge(self, edge_id: str) -> Edge:
        rows = self._query(f"SELECT {_EDGE_COLS} FROM edges WHERE id = ?", (edge_id,))
        if not rows:
            raise NotFound("is not an edge in this graph", value=edge_id)
        return _edge_from_row(rows[0])

    def find_edges(self, kind: str | None = None, src: str | None = None,
                   dst: str | None = None, after: str | None = None,
                   limit: int = PAGE_SIZE) -> list[Edge]:
        clauses, params = [], []
        for column, value in (("kind", kind), ("src", src), ("dst", dst), ("id >", after)):
            if value is not None:
                clauses.append(f"{column} ?" if " " in column else f"{column} = ?")
                params.append(value)
        sql = f"SELECT {_EDGE_COLS} FROM edges"
        # Without this the planner walks every edge of the kind in id order (to skip
        # the sort) instead of the node's few: 30 ms instead of 0.6 ms at 10,000 edges.
        if src is not None or dst is not None:
            sql += " INDEXED BY edges_by_src" if src is not None else " INDEXED BY edges_by_dst"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY id LIMIT ?"
        return [_edge_from_row(r) for r in self._query(sql, [*params, int(limit)])]

    def neighbours(self, node_id: str, edge_kind: str | None = None,
                   direction: Direction = "both") -> list[tuple[Edge, Node]]:
        return neighbours_by_edges(self, node_id, edge_kind, direction)

    def find_by_key(self, key_type: str, key: str) -> list[str]:
        rows = self._query("SELECT node_id FROM node_keys WHERE key_type = ? AND key = ?",
                           (key_type, key))
        return [r[0] for r in rows]

    def iter_keys(self, kinds: Iterable[str] = ORGANISATION_KINDS
                  ) -> Iterator[tuple[str, str, str]]:
        kinds = list(kinds)
        sql = ("SELECT k.node_id, k.key_type, k.key FROM node_keys k JOIN nodes n"
               f" ON n.id = k.node_id WHERE n.kind IN ({','.join('?' * len(kinds))})")
        yield from self._query(sql, kinds)

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            "nodes": dict(self._query("SELECT kind, count(*) FROM nodes GROUP BY kind"
                                      " ORDER BY kind")),
            "edges": dict(self._query("SELECT kind, count(*) FROM edges GROUP BY kind"
                                      " ORDER BY kind")),
        }

    # -- projection --------------------------------------------------------
    def _data_version(self) -> int:
        return self._query("PRAGMA data_version")[0][0]

    def _count_write(self) -> int:
        """Bump the file's batch counter (inside the batch's transaction); its value."""
        self._conn.execute("INSERT INTO meta VALUES ('graph_writes', '1') ON CONFLICT(key) "
                           "DO UPDATE SET value = CAST(value AS INTEGER) + 1")
        return int(self._query("SELECT value FROM meta WHERE key = 'graph_writes'")[0][0])

    def _others(self) -> int:
        """Batches committed to the file by other connections (and processes): the
        counter less this object's own. Read again only when the file changed."""
        data_version = self._data_version()
        if data_version != self._seen_data_version:
            self._seen_data_version = data_version
            rows = self._query("SELECT value FROM meta WHERE key = 'graph_writes'")
            self._graph_writes = int(rows[0][0]) if rows else 0
        return self._graph_writes - self._commits

    def version(self) -> tuple[int, int]:
        """``(batches by others, batches applied here)``: see `GraphStore.version`."""
        with self._lock:
            return self._others(), self._commits

    def projection(self) -> nx.MultiDiGraph:
        """The networkx projection; rebuilt only if another process wrote the graph."""
        with self._lock:
            version = self._others()
            if self._graph is None or version != self._graph_data_version:
                self._graph = build_projection(self)
                self._graph_data_version = version
            return self._graph

    def _update_projection(self, p: PreparedBatch) -> None:
        if self._graph is None:
            return
        remove_from_projection(self._graph, p.delete_node_ids, p.delete_edge_ids)
        add_to_projection(self._graph, p.nodes, p.edges)

    # -- review queue ------------------------------------------------------
    def add_reviews(self, items: Iterable[ReviewItem]) -> None:
        rows = [(i.id, i.name, i.candidate_id, i.score, i.kind, i.status, _dumps(i.payload),
                 i.created_at or utc_now(), i.decided_by, i.decided_at, _dumps(i.reasons))
                for i in items]
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany(
                    "INSERT OR IGNORE INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def list_reviews(self, status: str | None = "open") -> list[ReviewItem]:
        sql = ("SELECT id, name, candidate_id, score, kind, status, payload, created_at,"
               " decided_by, decided_at, reasons FROM reviews")
        params: tuple = ()
        if status is not None:
            sql += " WHERE status = ?"
            params = (status,)
        rows = self._query(sql + " ORDER BY created_at, id", params)
        return [ReviewItem(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7], r[8],
                           r[9], json.loads(r[10])) for r in rows]

    def decide_review(self, review_id: str, accept: bool, user: str) -> ReviewItem:
        items = [i for i in self.list_reviews(None) if i.id == review_id]
        if not items:
            raise NotFound("is not a review item", value=review_id)
        with self._lock:  # only an open item: one of two deciders at once wins
            changed = self._conn.execute(
                "UPDATE reviews SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? "
                "AND status = 'open'",
                ("accepted" if accept else "rejected", user, utc_now(), review_id)).rowcount
        decided = next(i for i in self.list_reviews(None) if i.id == review_id)
        if not changed:
            raise Conflict(f"was already {decided.status} by {decided.decided_by or 'someone'}",
                           value=review_id, where="review")
        return decided

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __repr__(self) -> str:
        return f"SqliteStore({self.path!r})"
