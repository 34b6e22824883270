"""The one storage interface every other package uses, and the behaviour both
backends share.

A `GraphStore` applies `WriteBatch`es atomically: everything in a batch is
written, or nothing is. Backends differ only in how they persist a prepared
batch; checking it (ids, kinds, endpoints, merges of props) happens here, once.

>>> batch = WriteBatch()
>>> batch.upsert_node(Node("reg:xian", "Region", {"name": "西安"}))
>>> batch.upsert_node(Node("reg:xian", "Region", {"level": "city"}))
>>> batch.nodes["reg:xian"].props == {"name": "西安", "level": "city"}
True
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal, Protocol, Self, runtime_checkable

import networkx as nx

from duijie.graph.errors import Conflict, InvalidInput, StaleRevision
from duijie.graph.model import (
    ORGANISATION_KINDS,
    Edge,
    Node,
    Provenance,
    check_endpoint_kinds,
    check_id,
    has_required,
    validate_edge,
    validate_node,
    with_defaults,
)
from duijie.graph.normalize import organisation_keys

Direction = Literal["out", "in", "both"]
PAGE_SIZE = 1000


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _merge_provenance(old: list[Provenance], new: list[Provenance]) -> list[Provenance]:
    out = list(old)
    for p in new:
        if p not in out:
            out.append(p)
    return out


def merge_nodes(old: Node, new: Node, replace_props: bool = False) -> Node:
    """The node that results from upserting `new` over `old` (same id).

    Props are overlaid (or replaced), aliases and provenance are unioned, and the
    stricter confidentiality wins unless `new` sets one explicitly lower via replace.

    >>> a = Node("ent:x", "Enterprise", {"name": "恒锋工具", "employees": 10}, ["恒锋"])
    >>> b = Node("ent:x", "Enterprise", {"employees": 12}, ["恒峰工具"])
    >>> m = merge_nodes(a, b)
    >>> (m.props, m.aliases)
    ({'name': '恒锋工具', 'employees': 12}, ['恒锋', '恒峰工具'])
    """
    if old.kind != new.kind:
        raise Conflict(f"is stored as {old.kind}, cannot be written as {new.kind}",
                       value=old.id)
    props = dict(new.props) if replace_props else {**old.props, **new.props}
    aliases = list(old.aliases) + [a for a in new.aliases if a not in old.aliases]
    conf = new.confidentiality if replace_props else _stricter(old.confidentiality,
                                                               new.confidentiality)
    return Node(old.id, old.kind, props, aliases,
                _merge_provenance(old.provenance, new.provenance), conf)


_CONF_ORDER = {"public": 0, "internal": 1, "confidential": 2}


def _stricter(a: str, b: str) -> str:
    return a if _CONF_ORDER.get(a, 0) >= _CONF_ORDER.get(b, 0) else b


@dataclass
class WriteBatch:
    """Writes collected in memory, then applied atomically by `GraphStore.apply`.

    Upserting the same id twice in one batch merges the two records; `where`
    strings (file, row) travel with each record so errors can say where.
    """

    nodes: dict[str, Node] = field(default_factory=dict)
    replace: set[str] = field(default_factory=set)
    edges: dict[str, Edge] = field(default_factory=dict)
    delete_node_ids: list[str] = field(default_factory=list)
    delete_edge_ids: list[str] = field(default_factory=list)
    where: dict[str, str] = field(default_factory=dict)
    expected_revs: dict[str, int] = field(default_factory=dict)  # node id -> rev

    def upsert_node(self, node: Node, *, replace_props: bool = False, where: str = "",
                    validated: bool = False, expect_rev: int | None = None) -> None:
        """Add a node to the batch. `validated`: the caller already ran `validate_node`
        (or `validate_props` and `validate_aliases`) on it, so it is not checked again.

        `expect_rev`: the revision the node was read at (`Node.rev`), or 0 for "must
        not exist yet". If the stored node is at another revision when the batch
        commits, the whole batch is refused with `StaleRevision` (a `Conflict`).

        >>> batch = WriteBatch()
        >>> batch.upsert_node(Node("reg:hz", "Region", {"name": "杭州"}), expect_rev=0)
        >>> batch.expected_revs
        {'reg:hz': 0}
        """
        if not validated:
            node = validate_node(node, where, partial=not replace_props)
        if where:
            self.where[node.id] = where
        if expect_rev is not None:
            self._expect(node.id, expect_rev)
        if node.id in self.nodes:
            node = merge_nodes(self.nodes[node.id], node, replace_props)
        if replace_props:
            self.replace.add(node.id)
        self.nodes[node.id] = node

    def upsert_edge(self, edge: Edge, *, where: str = "") -> None:
        edge = validate_edge(edge, where)
        if where:
            self.where[edge.id] = where
        if edge.id in self.edges:
            old = self.edges[edge.id]
            edge = Edge(edge.src, edge.kind, edge.dst, {**old.props, **edge.props},
                        _merge_provenance(old.provenance, edge.provenance), edge.key)
        self.edges[edge.id] = edge

    def _expect(self, node_id: str, rev: int) -> None:
        # Only for nodes the batch writes or deletes: the Bolt backend checks a revision
        # in the statement that writes it. Two different expectations are an error.
        if isinstance(rev, bool) or not isinstance(rev, int) or rev < 0:
            raise InvalidInput("must be a revision (an int >= 0)", value=rev,
                               where=f"expect_rev of {node_id!r}")
        if self.expected_revs.setdefault(node_id, rev) != rev:
            raise InvalidInput(f"is expected at revision {self.expected_revs[node_id]}"
                               f" and {rev} in one batch", value=node_id, where="batch")

    def delete_node(self, node_id: str, *, expect_rev: int | None = None) -> None:
        """Delete a node and every edge that touches it.

        `expect_rev`: refuse the whole batch (`StaleRevision`) unless the node is
        still at the revision it was read at: not changed, not already deleted.
        (On Bolt, a node someone else deletes in the instant between the check and
        the write is simply gone: the statement can only check nodes it finds.)
        """
        self.delete_node_ids.append(check_id(node_id, "delete_node"))
        if expect_rev is not None:
            self._expect(node_id, expect_rev)

    def delete_edge(self, edge_id: str) -> None:
        self.delete_edge_ids.append(edge_id)

    def __len__(self) -> int:
        return (len(self.nodes) + len(self.edges) + len(self.delete_node_ids)
                + len(self.delete_edge_ids))


@dataclass
class PreparedBatch:
    """A checked batch: final node records (merged with what was stored)."""

    nodes: list[Node]
    edges: list[Edge]
    delete_node_ids: list[str]
    delete_edge_ids: list[str]
    keys: dict[str, list[tuple[str, str]]]  # node id -> [(key_type, key)] for organisations
    created_ids: set[str]
    expected_revs: dict[str, int] = field(default_factory=dict)  # checked again on commit
    stored_revs: dict[str, int] = field(default_factory=dict)  # as read; absent: not stored


@dataclass(frozen=True)
class WriteReport:
    nodes_written: int = 0
    edges_written: int = 0
    nodes_deleted: int = 0
    edges_deleted: int = 0
    nodes_created: int = 0
    node_revs: dict[str, int] = field(default_factory=dict)  # written node id -> its new rev


@dataclass
class ReviewItem:
    """A pair of organisation records that may be one: an organiser decides."""

    id: str
    name: str  # the incoming name
    candidate_id: str  # the stored node it may be
    score: float
    kind: str
    status: Literal["open", "accepted", "rejected"] = "open"
    payload: dict[str, Any] = field(default_factory=dict)  # the incoming record, as a dict
    created_at: str = ""
    decided_by: str | None = None
    decided_at: str | None = None
    reasons: list[str] = field(default_factory=list)


@runtime_checkable
class GraphStore(Protocol):
    """What Duijie asks of a graph database. No SQL, no Cypher in here."""

    url: str

    def apply(self, batch: WriteBatch) -> WriteReport: ...

    def batch(self) -> AbstractContextManager[WriteBatch]: ...

    def get_node(self, node_id: str) -> Node: ...

    def get_nodes(self, node_ids: Iterable[str]) -> dict[str, Node]: ...

    def kinds_of(self, node_ids: Iterable[str]) -> dict[str, str]: ...

    def node_props(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]: ...

    def edge_props(self, kind: str) -> Iterator[tuple[str, str, dict[str, Any]]]: ...

    def put_blob(self, name: str, data: bytes) -> str:
        """Keep `data` under `name` in the store, replacing it whole (a reader sees the
        old bytes or the new, never half); returns its new stamp. For what belongs to
        the store but not to the graph (a learned model), so every process and host
        that opens the store reads it."""
        ...

    def get_blob(self, name: str) -> tuple[str, bytes] | None:
        """``(stamp, data)`` kept under `name`, None if nothing is."""
        ...

    def blob_stamp(self, name: str) -> str | None:
        """The stamp of what is kept under `name` (cheap: to know whether to read it
        again), None if nothing is."""
        ...

    def blob_names(self) -> list[str]:
        """The names something is kept under, sorted (for `graph copy`)."""
        ...

    def find_nodes(self, kind: str | None = None, where: dict[str, Any] | None = None,
                   after: str | None = None, limit: int = PAGE_SIZE) -> list[Node]: ...

    def find_edges(self, kind: str | None = None, src: str | None = None,
                   dst: str | None = None, after: str | None = None,
                   limit: int = PAGE_SIZE) -> list[Edge]: ...

    def get_edge(self, edge_id: str) -> Edge: ...

    def neighbours(self, node_id: str, edge_kind: str | None = None,
                   direction: Direction = "both") -> list[tuple[Edge, Node]]: ...

    def find_by_key(self, key_type: str, key: str) -> list[str]: ...

    def iter_keys(self, kinds: Iterable[str] = ORGANISATION_KINDS
                  ) -> Iterator[tuple[str, str, str]]: ...

    def counts(self) -> dict[str, dict[str, int]]: ...

    def projection(self) -> nx.MultiDiGraph: ...

    def version(self) -> tuple[int, int]:
        """``(others, mine)``: changes after every committed write. ``mine`` counts the
        batches applied through this store object; ``others`` changes only when another
        connection or process commits. Read under the store's lock, so never between a
        commit and the projection's update: equal versions around a read of the
        projection mean no write touched it meanwhile."""
        ...

    def add_reviews(self, items: Iterable[ReviewItem]) -> None: ...

    def list_reviews(self, status: str | None = "open") -> list[ReviewItem]: ...

    def decide_review(self, review_id: str, accept: bool, user: str) -> ReviewItem: ...

    def close(self) -> None: ...


class StoreBase:
    """What both backends share beyond the Protocol: the batch block, `with` use.

    >>> from duijie.graph.sqlite_store import SqliteStore
    >>> with SqliteStore(":memory:") as store:
    ...     with store.batch() as b:
    ...         b.upsert_node(Node("reg:zs", "Region", {"name": "舟山"}))
    ...     store.counts()["nodes"]
    {'Region': 1}
    """

    def apply(self, batch: WriteBatch) -> WriteReport:  # pragma: no cover - each backend's
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - each backend's
        raise NotImplementedError

    def node_props(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(id, props)`` of every node of a kind, in id order: for a job that reads
        many nodes' properties and nothing else (a backend may read less than whole
        nodes).

        >>> from duijie.graph.sqlite_store import SqliteStore
        >>> with SqliteStore(":memory:") as store:
        ...     with store.batch() as b:
        ...         b.upsert_node(Node("reg:zs", "Region", {"name": "舟山"}))
        ...     list(store.node_props("Region"))
        [('reg:zs', {'name': '舟山'})]
        """
        for node in iter_nodes(self, kind, page_size=5000):  # type: ignore[arg-type]
            yield node.id, node.props

    def edge_props(self, kind: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """``(src, dst, props)`` of every edge of a kind, in edge id order: for a job that
        reads many edges' ends and properties and nothing else (a backend may read less
        than whole edges).

        >>> from duijie.graph.sqlite_store import SqliteStore
        >>> with SqliteStore(":memory:") as store:
        ...     with store.batch() as b:
        ...         b.upsert_node(Node("reg:zs", "Region", {"name": "舟山"}))
        ...         b.upsert_node(Node("reg:zj", "Region", {"name": "浙江"}))
        ...         b.upsert_edge(Edge("reg:zs", "part_of", "reg:zj", {"weight": 0.5}))
        ...     list(store.edge_props("part_of"))
        [('reg:zs', 'reg:zj', {'weight': 0.5})]
        """
        for edge in iter_edges(self, kind, page_size=5000):  # type: ignore[arg-type]
            yield edge.src, edge.dst, edge.props

    @contextmanager
    def batch(self) -> Iterator[WriteBatch]:
        """Collect writes; they are applied atomically when the block ends cleanly."""
        batch = WriteBatch()
        yield batch
        self.apply(batch)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def prepare_batch(store: GraphStore, batch: WriteBatch) -> PreparedBatch:
    """Check a batch against the store and work out the final records.

    Raises `InvalidInput` listing every edge whose endpoint is unknown or of the
    wrong kind, `Conflict` when an id is stored under another kind, and
    `StaleRevision` when a node is not at the revision the batch expects. (SQLite
    calls this inside its write transaction, so that check is final there; the
    Bolt backend repeats it inside its write statement.)
    """
    wanted = [*batch.nodes, *(i for i in batch.expected_revs if i not in batch.nodes)]
    stored = store.get_nodes(wanted) if wanted else {}
    stored_revs = {i: n.rev for i, n in stored.items()}
    check_revisions(batch.expected_revs, stored_revs, batch.where)
    nodes: list[Node] = []
    created: set[str] = set()
    problems = []
    for node_id, node in batch.nodes.items():
        old = stored.get(node_id)
        if old is None:
            created.add(node_id)
            # Checked field by field on upsert: only completeness is left (a new node
            # needs its name), and the defaults a partial check leaves out (so that an
            # update cannot reset them); validate_node words the error when incomplete.
            if has_required(node.kind, node.props):
                nodes.append(with_defaults(node))  # stored as a merged record would be
                continue
        else:
            try:
                node = merge_nodes(old, node, node_id in batch.replace)
            except Conflict as exc:
                raise Conflict(exc.message, value=node_id,
                               where=batch.where.get(node_id)) from None
        try:  # the merged record must be whole: a new node needs its name
            nodes.append(validate_node(node, batch.where.get(node_id, "")))
        except InvalidInput as exc:
            problems.extend(exc.problems or [str(exc)])
    if problems:
        raise InvalidInput("invalid records", where="batch", problems=problems)
    deleted = set(batch.delete_node_ids)
    kinds = {n.id: n.kind for n in nodes}
    unknown_ends = {e for edge in batch.edges.values() for e in (edge.src, edge.dst)
                    if e not in kinds}
    if unknown_ends:
        kinds.update(store.kinds_of(unknown_ends))
    for edge in batch.edges.values():
        where = batch.where.get(edge.id) or f"edge {edge.id!r}"
        for end in (edge.src, edge.dst):
            if end not in kinds or end in deleted:
                problems.append(f"{where}: {end!r} is not a known node")
        if edge.src in kinds and edge.dst in kinds:
            try:
                check_endpoint_kinds(edge, kinds[edge.src], kinds[edge.dst], where)
            except InvalidInput as exc:
                problems.append(str(exc))
    if problems:
        raise InvalidInput("edges refer to unknown nodes or join the wrong kinds",
                           where="batch", problems=problems)
    keys = {n.id: organisation_keys(n.name, n.aliases, n.props.get("credit_code"))
            for n in nodes if n.kind in ORGANISATION_KINDS}
    return PreparedBatch(nodes, list(batch.edges.values()), list(batch.delete_node_ids),
                         list(batch.delete_edge_ids), keys, created, dict(batch.expected_revs),
                         stored_revs)


def check_revisions(expected: dict[str, int], stored: dict[str, int],
                    where: dict[str, str] | None = None) -> None:
    """Raise `StaleRevision` for the first node whose stored revision (absent: 0)
    is not the expected one.

    >>> check_revisions({"evt:a": 2}, {"evt:a": 2})
    >>> check_revisions({"evt:a": 2}, {"evt:a": 3})
    Traceback (most recent call last):
    ...
    duijie.graph.errors.StaleRevision: 'evt:a' was changed by someone else since it was read (revision 2, now 3): reload and try again
    """  # noqa: E501
    for node_id, rev in expected.items():
        actual = stored.get(node_id, 0)
        if actual != rev:
            raise StaleRevision(node_id, expected=rev, actual=actual,
                                where=(where or {}).get(node_id))


def edit_node(store: GraphStore, node_id: str, change: Callable[[Node], dict[str, Any]], *,
              retries: int = 8, replace_props: bool = False) -> Node:
    """Change one node while others may be changing it too, losing nobody's change.

    Reads the node, calls `change(node)` for the props to set (overlaid on the
    stored ones; with `replace_props`, all of them), and writes them only if
    nobody wrote the node in between (`expect_rev`). If somebody did, it reads
    the node again and re-applies `change`, up to `retries` more times, then
    raises `StaleRevision` (a `Conflict`). So `change` must be pure: it may run
    several times and must compute from the node it is given. A change that
    leaves the props as they are writes nothing. Returns the node as written,
    with its new `rev`; raises `NotFound` if there is no such node.

    >>> from duijie.graph.sqlite_store import SqliteStore
    >>> store = SqliteStore(":memory:")
    >>> with store.batch() as b:
    ...     b.upsert_node(Node("evt:x", "Event", {"name": "对接会"}))
    >>> def invite(firm):
    ...     return lambda event: {"invited": [*event.props.get("invited", []), firm]}
    >>> edit_node(store, "evt:x", invite("ent:a")).rev
    2
    >>> node = edit_node(store, "evt:x", invite("ent:b"))
    >>> node.props["invited"], node.rev
    (['ent:a', 'ent:b'], 3)
    """
    for attempt in range(retries + 1):
        started = time.monotonic()
        node = store.get_node(node_id)
        # Same confidentiality: a replace would otherwise reset it to the default.
        new = validate_node(Node(node.id, node.kind, change(node),
                                 confidentiality=node.confidentiality),
                            f"edit of {node_id!r}", partial=not replace_props)
        written = validate_node(merge_nodes(node, new, replace_props), f"edit of {node_id!r}")
        if written == node:
            return node
        batch = WriteBatch()
        batch.upsert_node(new, replace_props=replace_props, validated=True,
                          expect_rev=node.rev)
        try:
            report = store.apply(batch)
        except StaleRevision:
            if attempt == retries:
                raise
            # Others are writing this node: back off at random, for up to a growing
            # number of times one try took (slow backends, big records), so that the
            # writers stop colliding in step and the one who lost gets a turn.
            took = max(time.monotonic() - started, 0.002)
            time.sleep(random.uniform(0, min(1.0, took * 2 ** attempt)))
            continue
        return replace(written, rev=report.node_revs[node_id])
    raise AssertionError("unreachable")  # pragma: no cover


WriteHook = Callable[["GraphStore", PreparedBatch], None]
_WRITE_HOOKS: list[WriteHook] = []


def on_write(hook: WriteHook) -> WriteHook:
    """Register `hook(store, prepared)`, called after each batch a store commits.

    Caches derived from the store (the resolution index) use it to follow this
    process's writes, as the projection does; writes by other processes are for
    them to detect. Usable as a decorator.
    """
    _WRITE_HOOKS.append(hook)
    return hook


def notify_written(store: GraphStore, prepared: PreparedBatch) -> None:
    """Called by backends after a commit, outside their own locks."""
    for hook in _WRITE_HOOKS:
        hook(store, prepared)


def _paged(find: Callable[..., list], kind: str | None, page_size: int) -> Iterator:
    """Keyset pagination by id over a `find_nodes`/`find_edges` method."""
    after = None
    while True:
        page = find(kind=kind, after=after, limit=page_size)
        yield from page
        if len(page) < page_size:
            return
        after = page[-1].id


def iter_nodes(store: GraphStore, kind: str | None = None,
               page_size: int = PAGE_SIZE) -> Iterator[Node]:
    """Every node (of one kind), in id order, a page at a time."""
    return _paged(store.find_nodes, kind, page_size)


def iter_edges(store: GraphStore, kind: str | None = None,
               page_size: int = PAGE_SIZE) -> Iterator[Edge]:
    """Every edge (of one kind), in id order, a page at a time."""
    return _paged(store.find_edges, kind, page_size)


def neighbours_by_edges(store: GraphStore, node_id: str, edge_kind: str | None = None,
                        direction: Direction = "both") -> list[tuple[Edge, Node]]:
    """A node's edges (of one kind, one way) with the node at the other end.

    Both backends answer `neighbours` with this, through their `find_edges`.
    A self-loop is listed once.
    """
    if direction not in ("out", "in", "both"):
        raise InvalidInput("must be out, in or both", value=direction, where="direction")
    edges: list[Edge] = []
    if direction in ("out", "both"):
        edges += store.find_edges(kind=edge_kind, src=node_id, limit=10**9)
    if direction in ("in", "both"):
        edges += [e for e in store.find_edges(kind=edge_kind, dst=node_id, limit=10**9)
                  if e.src != e.dst or direction == "in"]
    others = store.get_nodes(e.dst if e.src == node_id else e.src for e in edges)
    return [(e, others[e.dst if e.src == node_id else e.src]) for e in edges]


EDGE_WEIGHTS = {
    "signed": 3.0, "collaborated_with": 2.0, "met": 1.5, "affiliated_with": 1.5,
    "has_expertise": 1.0, "about_topic": 1.0, "submitted": 1.0,
}
"""Default weight of an edge in the projection by kind; 1.0 for kinds not named."""


def add_to_projection(graph: nx.MultiDiGraph, nodes: Iterable[Node],
                      edges: Iterable[Edge]) -> None:
    """Add or update nodes and edges in a networkx projection, in place."""
    for node in nodes:
        graph.add_node(node.id, kind=node.kind, name=node.shown_name)
    for edge in edges:
        weight = edge.props.get("weight", EDGE_WEIGHTS.get(edge.kind, 1.0))
        graph.add_edge(edge.src, edge.dst, key=edge.id, kind=edge.kind, weight=weight)


def remove_from_projection(graph: nx.MultiDiGraph, node_ids: Iterable[str],
                           edge_ids: Iterable[str]) -> None:
    for edge_id in edge_ids:
        src, _, rest = edge_id.partition("|")
        dst = rest.split("|")[1] if "|" in rest else ""
        if graph.has_edge(src, dst, key=edge_id):
            graph.remove_edge(src, dst, key=edge_id)
    for node_id in node_ids:
        if node_id in graph:
            graph.remove_node(node_id)


def build_projection(store: GraphStore) -> nx.MultiDiGraph:
    """A networkx view of the whole store: nodes with kind and name, weighted edges."""
    graph = nx.MultiDiGraph()
    add_to_projection(graph, iter_nodes(store), iter_edges(store))
    return graph


def merge_organisations(store: GraphStore, keep_id: str, drop_id: str,
                        provenance: Provenance) -> WriteBatch:
    """A batch that folds `drop_id` into `keep_id`: props, aliases, edges.

    The kept node gains the dropped one's name as an alias; edges are re-pointed. The
    batch expects both nodes at the revisions read here, so two people merging the same
    pair at once cannot both write: the second batch fails with `StaleRevision`.
    """
    keep, drop = store.get_node(keep_id), store.get_node(drop_id)
    if keep.kind != drop.kind:
        raise Conflict(f"cannot merge a {drop.kind} into a {keep.kind}", value=drop_id)
    batch = WriteBatch()
    merged_props = {**drop.props, **keep.props}
    batch.upsert_node(Node(keep.id, keep.kind, merged_props,
                           [drop.name, *drop.aliases],
                           [*drop.provenance, provenance], drop.confidentiality),
                       expect_rev=keep.rev)
    for edge, _ in store.neighbours(drop_id):
        src = keep_id if edge.src == drop_id else edge.src
        dst = keep_id if edge.dst == drop_id else edge.dst
        if src == dst:
            continue
        batch.upsert_edge(Edge(src, edge.kind, dst, edge.props, edge.provenance, edge.key))
    batch.delete_node(drop_id, expect_rev=drop.rev)
    return batch
