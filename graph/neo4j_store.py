"""The Neo4j backend: the `GraphStore` interface over Bolt, with the official driver.

Checks and merges happen in `graph.store.prepare_batch`, as for SQLite; this
module only turns a prepared batch into ONE parameterised Cypher statement
(`graph.cypher.write_statement`), which the server applies whole or not at all,
and reads records back. Writes and reads run as managed transactions
(`execute_write` / `execute_read`), which the driver retries on transient errors
(leader switch, lost connection) for up to `retry_seconds`; a batch statement
is made of MERGEs, so a retry after a lost reply writes the same records again.

What is shared by every Bolt server is written once: the Cypher in `graph.cypher`,
the driver errors in `graph.bolt_errors`, the driver, its transactions and bounded
waits in `graph.bolt_connection` (which the store builds on), the store's reads,
writes, projection and review queue here. What differs is one row
of `graph.bolt_servers.ServerQuirks`, found when the store connects
(`self.server`); FalkorDB's workarounds live in `graph.falkordb_quirks`.
Tested against FalkorDB and ArcadeDB (`tests/bolt_server.py`,
`tests/arcadedb_server.py`).

Example (needs a server, so not run as a doctest)::

    >>> store = Neo4jStore.from_url("bolt://neo4j:secret@localhost:7687?database=duijie")
    ... # doctest: +SKIP
    >>> with store.batch() as b:  # doctest: +SKIP
    ...     b.upsert_node(Node("reg:xian", "Region", {"name": "西安"}))
"""

from __future__ import annotations

import base64
import json
import random
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

import networkx as nx

from duijie.graph import cypher, falkordb_quirks
from duijie.graph.bolt_connection import BoltConnection
from duijie.graph.bolt_errors import MemoryLimit
from duijie.graph.bolt_servers import check_batch_size, parse_bolt_url
from duijie.graph.bolt_wait import NoAnswer
from duijie.graph.errors import BackendUnavailable, Conflict, InvalidInput, NotFound
from duijie.graph.model import EDGE_KINDS, ORGANISATION_KINDS, Edge, Node
from duijie.graph.sqlite_store import _FIELD
from duijie.graph.store import (
    PAGE_SIZE,
    Direction,
    PreparedBatch,
    ReviewItem,
    StoreBase,
    WriteBatch,
    WriteReport,
    add_to_projection,
    check_revisions,
    neighbours_by_edges,
    notify_written,
    prepare_batch,
    remove_from_projection,
    utc_now,
)

WRITE_ATTEMPTS = 8


class Neo4jStore(BoltConnection, StoreBase):
    """`GraphStore` on Neo4j (or any server speaking Bolt and openCypher)."""

    def __init__(self, uri: str, auth: tuple[str, str] | None = None, *,
                 database: str | None = None, timeout: float = 5.0,
                 retry_seconds: float = 15.0, wait: float | None = None):
        self._lock = threading.RLock()
        self._graph: nx.MultiDiGraph | None = None
        self._graph_version: int | None = None
        self._commits = 0  # batches applied through this object (`version`)
        super().__init__(uri, auth, database=database, timeout=timeout,
                         retry_seconds=retry_seconds, wait=wait)

    @classmethod
    def from_url(cls, url: str) -> Neo4jStore:
        """Open `bolt://user:pass@host:7687?database=x&timeout=5&retry_seconds=15`.

        >>> Neo4jStore.from_url("bolt://localhost:7687?colour=red")
        Traceback (most recent call last):
        ...
        duijie.graph.errors.InvalidInput: --graph: 'colour' is not an option (known: database, retry_seconds, timeout, wait)
        """  # noqa: E501
        uri, auth, options = parse_bolt_url(url)
        return cls(uri, auth, **options)

    # -- writes ------------------------------------------------------------
    def apply(self, batch: WriteBatch) -> WriteReport:
        if not len(batch):
            return WriteReport()
        # Refuse an oversized batch before asking the server anything about it.
        check_batch_size(sum(cypher.payload_bytes(cypher.node_row(n))
                              for n in batch.nodes.values())
                          + sum(cypher.payload_bytes(cypher.edge_row(e))
                                for e in batch.edges.values()), len(batch))
        unexplained = 0
        for attempt in range(WRITE_ATTEMPTS):
            # Revisions first, records second: a write in between shows as a newer rev.
            # A node the caller expects at a revision is written only at that one.
            revs = {**self._node_revs(batch.nodes), **batch.expected_revs}
            prepared = prepare_batch(self, batch)  # refuses a stale expect_rev early
            before = self._deletion_counts(prepared)
            stored = self._edge_state([e.id for e in prepared.edges])
            # Edge props merge with the stored ones, as SQLite's json_patch does.
            prepared.edges = [replace(e, props={**stored.get(e.id, ({}, 0))[0], **e.props})
                              for e in prepared.edges]
            edge_revs = {i: rev for i, (_, rev) in stored.items()}
            try:
                with self._lock:
                    version = self._apply_parts(self._write_parts(prepared, revs, edge_revs))
                    self._commits += 1
                    self._update_projection(prepared, version)
            except (MemoryLimit, NoAnswer):
                raise  # the same batch would need the same memory again; a silent server
            except BackendUnavailable:
                # The statement refuses to overwrite a record whose rev moved (another
                # process wrote it since we read it): read again and retry. FalkorDB's
                # errors do not say which error it was, so look at the revs.
                now = self._node_revs(revs)
                check_revisions(batch.expected_revs, now, batch.where)
                if now == revs and {i: r for i, (_, r) in self._edge_state(
                        list(edge_revs)).items()} == edge_revs:
                    # No other writer explains it. Still try once more: ArcadeDB reports
                    # two transactions making a new label's type at once as a plain
                    # error, and a commit still in flight shows only a moment later.
                    unexplained += 1
                    if unexplained > 1:
                        raise
                time.sleep(random.uniform(0, min(2.0, 0.05 * 2 ** attempt)))
                continue
            notify_written(self, prepared)
            # The statement wrote each node only at revision revs[id]: it is now one more.
            return WriteReport(len(prepared.nodes), len(prepared.edges), before[0], before[1],
                               len(prepared.created_ids),
                               {n.id: revs.get(n.id, 0) + 1 for n in prepared.nodes})
        raise Conflict(f"records kept changing under this batch ({WRITE_ATTEMPTS} tries);"
                       " try again", value=self.url)

    def _node_revs(self, node_ids: Iterable[str]) -> dict[str, int]:
        """Each node's revision (0 for a node not stored), bumped by every write."""
        ids = list(node_ids)
        found = {r[0]: r[1] or 0 for r in self._in_chunks(cypher.NODE_REVS, ids)}
        return {i: found.get(i, 0) for i in ids}

    def _write_parts(self, p: PreparedBatch, revs: dict[str, int] | None = None,
                     edge_revs: dict[str, int] | None = None
                     ) -> list[tuple[str, list[dict[str, Any]]]]:
        """The parts of the one write statement, in the order the SQLite backend writes."""
        parts: list[tuple[str, list[dict[str, Any]]]] = []
        if p.delete_edge_ids:
            parts.append((cypher.DELETE_EDGES, [{"id": i, "srcs": cypher.edge_source(i)}
                                                for i in p.delete_edge_ids]))
        if p.delete_node_ids:
            parts.append((cypher.DELETE_NODES, [  # -1: delete whatever the revision
                {"id": i, "stage_expected": p.expected_revs.get(i, -1)}
                for i in p.delete_node_ids]))
            parts.append((cypher.DELETE_KEYS, [{"id": i} for i in p.delete_node_ids]))
        by_kind: dict[str, list[dict[str, Any]]] = {}
        for node in p.nodes:
            rev = (revs or {}).get(node.id, 0)
            by_kind.setdefault(node.kind, []).append(
                {**cypher.node_row(node), "rev": rev + 1, "stage_expected": rev})
        merge = self.server.merge_by_index
        parts += [(cypher.upsert_nodes(kind, merge), rows)
                  for kind, rows in sorted(by_kind.items())]
        if p.keys:
            kinds = {n.id: n.kind for n in p.nodes}
            parts.append((cypher.DELETE_KEYS, [{"id": i} for i in p.keys]))
            rows = {(i, t, k): {"node_id": i, "kind": kinds.get(i), "key_type": t, "key": k}
                    for i, keys in p.keys.items() for t, k in keys}
            if rows:
                parts.append((cypher.CREATE_KEYS, list(rows.values())))
        edges: dict[str, list[dict[str, Any]]] = {}
        for edge in p.edges:
            rev = (edge_revs or {}).get(edge.id, 0)
            edges.setdefault(edge.kind, []).append(
                {**cypher.edge_row(edge), "rev": rev + 1, "stage_expected": rev})
        parts += [(cypher.upsert_edges(kind), rows) for kind, rows in sorted(edges.items())]
        return parts

    def _apply_parts(self, parts: list[tuple[str, list[dict[str, Any]]]],
                     bump: bool = True) -> int:
        """Run the parts as one atomic statement; return the graph's new write version.

        A batch too big for one message goes as several bounded statements in one
        transaction, or on FalkorDB (no rollback) staged: `falkordb_quirks.apply_staged`.
        """
        query, params = cypher.write_statement(parts, bump=bump)
        params["now"] = utc_now()
        size = cypher.payload_bytes(params)
        check_batch_size(size, sum(len(rows) for _, rows in parts))
        if self.server.escape_strings:
            size = falkordb_quirks.message_size(params)  # FalkorDB pastes them into the text
        if size + len(query.encode()) <= self.server.message_bytes:
            return self._write(query, params)[0][0]
        if self.server.transactions:
            # One transaction, several statements, each in a message of bounded size.
            limit = self.server.message_bytes
            statements = [(cypher.part_statement(text), {"rows": chunk, "now": params["now"]})
                          for text, rows in parts for chunk in cypher.chunks(rows, limit)]
            last = cypher.BUMP_VERSION if bump else "RETURN 0 AS version"
            return self._transaction([*statements, (last, {})], write=True)[0][0]
        return falkordb_quirks.apply_staged(self._write, parts, bump, params["now"])

    def _deletion_counts(self, p: PreparedBatch) -> tuple[int, int]:
        """Nodes and edges a batch will delete, for the report (read just before)."""
        if not p.delete_node_ids and not p.delete_edge_ids:
            return 0, 0
        nodes = len(self.kinds_of(p.delete_node_ids))
        touching = [r[0] for r in self._in_chunks(
            f"MATCH (n:{cypher.NODE})-[r]-() WHERE n.id IN $ids RETURN DISTINCT r.id",
            p.delete_node_ids)]
        by_id = [i for i in p.delete_edge_ids if i not in set(touching) and self._has_edge(i)]
        return nodes, len(set(touching)) + len(set(by_id))

    def _edge_state(self, edge_ids: list[str]) -> dict[str, tuple[dict[str, Any], int]]:
        """Stored props and revision of the edges that exist among `edge_ids`."""
        rows = self._in_chunks(cypher.EDGE_PROPS, edge_ids, lambda chunk: {"rows": [
            {"id": i, "src": s} for i in chunk for s in cypher.edge_source(i)]}, overhead=24)
        return {edge_id: (json.loads(props or "{}"), rev or 0) for edge_id, props, rev in rows}

    def _has_edge(self, edge_id: str) -> bool:
        try:
            self.get_edge(edge_id)
            return True
        except NotFound:
            return False

    # -- reads -------------------------------------------------------------
    def get_node(self, node_id: str) -> Node:
        found = self.get_nodes([node_id])
        if node_id not in found:
            raise NotFound("is not a node in this graph", value=node_id)
        return found[node_id]

    def get_nodes(self, node_ids: Iterable[str]) -> dict[str, Node]:
        rows = self._in_chunks(cypher.GET_NODES, node_ids)
        return {n.id: n for n in map(cypher.node_from_row, rows)}

    def kinds_of(self, node_ids: Iterable[str]) -> dict[str, str]:
        return {r[0]: r[1] for r in self._in_chunks(cypher.KINDS_OF, node_ids)}

    def find_nodes(self, kind: str | None = None, where: dict[str, Any] | None = None,
                   after: str | None = None, limit: int = PAGE_SIZE) -> list[Node]:
        for name in where or {}:
            if not _FIELD.match(name):
                raise InvalidInput("is not a property name", value=name, where="find_nodes")
        query, params = cypher.find_nodes_query(kind, where or {}, after)
        params["limit"] = int(limit)
        return [cypher.node_from_row(r) for r in self._read(query, params)]

    def get_edge(self, edge_id: str) -> Edge:
        rows = self._read(cypher.GET_EDGE, {"srcs": cypher.edge_source(edge_id), "id": edge_id})
        if not rows:
            raise NotFound("is not an edge in this graph", value=edge_id)
        return cypher.edge_from_row(rows[0])

    def find_edges(self, kind: str | None = None, src: str | None = None,
                   dst: str | None = None, after: str | None = None,
                   limit: int = PAGE_SIZE) -> list[Edge]:
        if kind is not None and kind not in EDGE_KINDS:
            return []  # as SQLite: no edge has an unknown kind
        query, params = cypher.find_edges_query(kind, src, dst, after)
        params["limit"] = int(limit)
        return [cypher.edge_from_row(r) for r in self._read(query, params)]

    def neighbours(self, node_id: str, edge_kind: str | None = None,
                   direction: Direction = "both") -> list[tuple[Edge, Node]]:
        return neighbours_by_edges(self, node_id, edge_kind, direction)

    def find_by_key(self, key_type: str, key: str) -> list[str]:
        return sorted(r[0] for r in self._read(cypher.FIND_BY_KEY,
                                               {"key_type": key_type, "key": key}))

    def iter_keys(self, kinds: Iterable[str] = ORGANISATION_KINDS
                  ) -> Iterator[tuple[str, str, str]]:
        for row in self._read(cypher.ITER_KEYS, {"kinds": list(kinds)}):
            yield tuple(row)

    def counts(self) -> dict[str, dict[str, int]]:
        return {"nodes": dict(sorted(tuple(r) for r in self._read(cypher.COUNT_NODES))),
                "edges": dict(sorted(tuple(r) for r in self._read(cypher.COUNT_EDGES)))}

    # -- projection --------------------------------------------------------
    def _version(self) -> int | None:
        rows = self._read(cypher.VERSION)
        return rows[0][0] if rows else None

    def version(self) -> tuple[int, int]:
        """``(writes by others, batches applied here)``: `:DuijieMeta.version` counts every
        batch by anyone, so the writes of others are it minus ours. See
        `GraphStore.version`."""
        with self._lock:
            return (self._version() or 0) - self._commits, self._commits

    def projection(self) -> nx.MultiDiGraph:
        """The networkx projection, read in pages; rebuilt only if the graph changed."""
        with self._lock:
            version = self._version()
            if self._graph is None or version != self._graph_version:
                self._graph = self._read_projection()
                self._graph_version = version
            return self._graph

    def _read_projection(self) -> nx.MultiDiGraph:
        """`graph.store.build_projection`'s graph: every node, then every edge, each one
        query streamed in one read transaction (`cypher.PROJECTION_NODES`)."""
        graph = nx.MultiDiGraph()
        node_rows, edge_rows = self._transaction(
            [(cypher.PROJECTION_NODES, {}), (cypher.PROJECTION_EDGES, {})], write=False,
            every=True)
        nodes = [Node(i, kind, {"name": name, "illustrative": bool(invented)})
                 for i, kind, name, invented in node_rows]
        edges = [Edge(src, kind, dst, json.loads(props or "{}"), key=key or "")
                 for src, kind, dst, key, props in edge_rows]
        # In id order, as SQLite's pages: ties in rankings fall the same way on both.
        add_to_projection(graph, sorted(nodes, key=lambda n: n.id),
                          sorted(edges, key=lambda e: e.id))
        return graph

    def _update_projection(self, p: PreparedBatch, version: int) -> None:
        if self._graph is None:
            return
        if self._graph_version is None or version != self._graph_version + 1:
            self._graph = None  # another process wrote in between: rebuild on next use
            return
        remove_from_projection(self._graph, p.delete_node_ids, p.delete_edge_ids)
        add_to_projection(self._graph, p.nodes, p.edges)
        self._graph_version = version

    # -- review queue ------------------------------------------------------
    def add_reviews(self, items: Iterable[ReviewItem]) -> None:
        rows = [cypher.review_row(item, utc_now()) for item in items]
        if rows:
            with self._lock:
                self._apply_parts([(cypher.ADD_REVIEWS, rows)], bump=False)

    def list_reviews(self, status: str | None = "open") -> list[ReviewItem]:
        query, params = cypher.list_reviews_query(status)
        return [cypher.review_from_row(r) for r in self._read(query, params)]

    def decide_review(self, review_id: str, accept: bool, user: str) -> ReviewItem:
        rows = self._write(cypher.DECIDE_REVIEW, {
            "id": review_id, "status": "accepted" if accept else "rejected", "user": user,
            "at": utc_now()})
        if not rows:
            raise NotFound("is not a review item", value=review_id)
        return cypher.review_from_row(rows[0])

    # -- housekeeping ------------------------------------------------------
    # -- bytes kept with the store -----------------------------------------------
    def put_blob(self, name: str, data: bytes) -> str:
        stamp, text = uuid.uuid4().hex, base64.b64encode(bytes(data)).decode("ascii")
        parts = [text[i:i + cypher.BLOB_PART] for i in range(0, len(text), cypher.BLOB_PART)]
        for part, chunk in enumerate(parts):  # small messages (see `cypher.BLOB_PART`)
            self._write(cypher.PUT_BLOB_PART, {"name": name, "stamp": stamp, "part": part,
                                               "data": chunk})
        self._write(cypher.SET_BLOB_HEAD, {"name": name, "stamp": stamp, "parts": len(parts)})
        self._write(cypher.DROP_BLOB_PARTS, {"name": name, "stamp": stamp})
        return stamp

    def get_blob(self, name: str) -> tuple[str, bytes] | None:
        for _ in range(3):  # a writer may move the head between our two reads: again
            head = self._read(cypher.BLOB_HEAD, {"name": name})
            if not head:
                return None
            stamp, count = head[0]
            parts = dict(self._read(cypher.BLOB_PARTS, {"name": name, "stamp": stamp}))
            if len(parts) == count:
                return stamp, base64.b64decode("".join(parts[i] for i in range(count)))
        raise Conflict("kept bytes changed while being read: try again", value=name,
                       where="blob")

    def blob_stamp(self, name: str) -> str | None:
        rows = self._read(cypher.BLOB_HEAD, {"name": name})
        return rows[0][0] if rows else None

    def blob_names(self) -> list[str]:
        return [name for (name,) in self._read(cypher.BLOB_NAMES, {})]

    def wipe(self, chunk: int = 10_000) -> None:
        """Delete every Duijie record in this database (tests, and `graph copy --fresh`),
        `chunk` nodes and their edges a transaction (interrupted, it deletes the rest
        when run again)."""
        while self._write(cypher.WIPE, {"chunk": int(chunk)})[0][0]:
            pass
        with self._lock:
            self._graph = None

    def __repr__(self) -> str:
        return f"Neo4jStore({self.url!r})"
