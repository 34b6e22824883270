"""Copy a graph from one store to another (SQLite ⇄ Neo4j) and check the copy.

`copy_graph` streams nodes, then edges, then the review queue, a batch at a
time, in id order, then the bytes kept with the store (`GraphStore.put_blob`: a
learned model), each whole. After each batch it writes a small checkpoint file (the phase
and the last id copied), so a copy that was interrupted (Ctrl-C, lost server)
resumes where it stopped. Resolution keys are not copied: the target computes
them from the nodes, as every write does. `verify` counts nodes and edges by kind
on both sides and compares an order-independent checksum of every record and of
the kept bytes (by name and content; their stamps are the store's own).

>>> from duijie.graph.model import Node
>>> from duijie.graph.sqlite_store import SqliteStore
>>> source, target = SqliteStore(":memory:"), SqliteStore(":memory:")
>>> with source.batch() as b:
...     b.upsert_node(Node("reg:hz", "Region", {"name": "杭州"}))
>>> copy_graph(source, target).nodes
1
>>> verify(source, target).same
True
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from duijie.graph.errors import InvalidInput
from duijie.graph.model import EDGE_KINDS
from duijie.graph.store import GraphStore, WriteBatch, iter_nodes

PHASES = ("nodes", "edges", "reviews", "blobs", "done")
DEFAULT_BATCH = 1000


@dataclass
class CopyReport:
    nodes: int = 0
    edges: int = 0
    reviews: int = 0
    blobs: int = 0
    resumed_from: dict[str, Any] | None = None  # the checkpoint a resumed copy started at


@dataclass
class Checkpoint:
    """Where a copy got to, kept in a JSON file next to the work."""

    source: str
    target: str
    phase: str = "nodes"
    after: str | None = None
    edge_kind: str | None = None  # edges are copied one kind at a time, in EDGE_KINDS order
    report: dict[str, int] = field(default_factory=lambda: {"nodes": 0, "edges": 0,
                                                            "reviews": 0, "blobs": 0})

    @classmethod
    def load(cls, path: Path, source: str, target: str) -> Checkpoint | None:
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            point = cls(**data)
        except (ValueError, TypeError) as exc:
            raise InvalidInput(f"is not a copy checkpoint ({exc}); delete it to start over",
                               value=str(path), where="--state") from None
        if (point.source, point.target) != (source, target) or point.phase not in PHASES:
            raise InvalidInput(
                f"belongs to a copy from {point.source} to {point.target}; use another"
                " --state file or delete it", value=str(path), where="--state")
        return point

    def save(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)  # atomic: a crash never leaves half a checkpoint


def default_state_path(source: GraphStore, target: GraphStore) -> Path:
    digest = hashlib.blake2b(f"{source.url}\x1f{target.url}".encode(), digest_size=6)
    return Path(f".duijie-copy-{digest.hexdigest()}.json")


def _from(fetch: Callable[..., list], after: str | None, size: int) -> Iterable[Any]:
    """Every record after `after`, in id order, a page at a time (keyset pagination)."""
    while True:
        page = fetch(after=after, limit=size)
        yield from page
        if len(page) < size:
            return
        after = page[-1].id


def _batches(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def copy_graph(source: GraphStore, target: GraphStore, *, batch_size: int = DEFAULT_BATCH,
               state: Path | str | None = None,
               progress: Callable[[str, int], None] | None = None) -> CopyReport:
    """Copy every node, edge, review item and kept blob from `source` into `target`.

    Parameters
    ----------
    source, target : GraphStore
        Any two backends (or two stores of one backend).
    batch_size : int, default 1000
        Records per atomic write batch on the target.
    state : path, optional
        The checkpoint file; resumes from it when it exists. Without one, the copy
        cannot resume (it is still safe to run again: writes are upserts).
    progress : callable, optional
        Called as `progress(phase, n)` after each batch of `n` records (a blob is
        one record).

    Returns
    -------
    CopyReport
        Records written in this run (and in runs before it, when resumed).

    Raises
    ------
    InvalidInput
        A bad batch size, or a checkpoint that belongs to another copy.
    BackendUnavailable
        A store went away; the checkpoint keeps what was done.
    """
    if not isinstance(batch_size, int) or batch_size < 1:
        raise InvalidInput("must be a whole number >= 1", value=batch_size, where="--batch-size")
    path = Path(state) if state is not None else None
    point = (Checkpoint.load(path, source.url, target.url) if path else None)
    report = CopyReport(resumed_from=asdict(point) if point else None)
    point = point or Checkpoint(source.url, target.url)
    report.nodes, report.edges, report.reviews, report.blobs = (
        point.report.get(k, 0) for k in ("nodes", "edges", "reviews", "blobs"))

    def done_batch(phase: str, last_id: str | None, n: int) -> None:
        point.phase, point.after = phase, last_id
        point.report[phase] = point.report.get(phase, 0) + n
        setattr(report, phase, point.report[phase])
        if path:
            point.save(path)
        if progress:
            progress(phase, n)

    if point.phase == "nodes":
        for chunk in _batches(_from(source.find_nodes, point.after, batch_size), batch_size):
            batch = WriteBatch()
            for node in chunk:  # replace, as stored: the target holds exactly the source's props
                batch.upsert_node(node, replace_props=True, validated=True,
                                  where=f"node {node.id!r}")
            target.apply(batch)
            done_batch("nodes", chunk[-1].id, len(chunk))
        point.phase, point.after = "edges", None
    if point.phase == "edges":
        # One kind at a time: on Neo4j `r.id > $after ORDER BY r.id` then follows the
        # kind's relationship index instead of sorting every edge for every page.
        kinds = list(EDGE_KINDS)
        start = kinds.index(point.edge_kind) if point.edge_kind in kinds else 0
        for kind in kinds[start:]:
            after = point.after if kind == point.edge_kind else None
            point.edge_kind = kind
            fetch = partial(source.find_edges, kind)
            for chunk in _batches(_from(fetch, after, batch_size), batch_size):
                batch = WriteBatch()
                for edge in chunk:
                    batch.upsert_edge(edge)
                target.apply(batch)
                done_batch("edges", chunk[-1].id, len(chunk))
            point.after = None
        point.phase, point.after, point.edge_kind = "reviews", None, None
    if point.phase == "reviews":
        items = source.list_reviews(None)
        for chunk in _batches(items, batch_size):
            target.add_reviews(chunk)
            done_batch("reviews", chunk[-1].id, len(chunk))
        point.phase, point.after = "blobs", None
    if point.phase == "blobs":
        # Each whole, as `put_blob` writes it (a reader of the target sees none or all of
        # it); a copy interrupted between two resumes after the last one written.
        for name in source.blob_names():
            if point.after is not None and name <= point.after:
                continue
            kept = source.get_blob(name)
            if kept is not None:  # removed meanwhile: nothing to copy
                target.put_blob(name, kept[1])
                done_batch("blobs", name, 1)
        point.phase, point.after = "done", None
    if path:
        point.save(path)
    return report


@dataclass
class Summary:
    """What a store holds: counts by kind and one checksum per section."""

    counts: dict[str, dict[str, int]]
    checksums: dict[str, str]


def _digest(record: dict[str, Any]) -> int:
    text = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")


def summarise(store: GraphStore, page_size: int = DEFAULT_BATCH) -> Summary:
    """Counts by kind and checksums of nodes, edges, reviews and kept blobs.

    A checksum is the sum (mod 2**256) of the SHA-256 of each record's canonical
    JSON, so it does not depend on the order a backend returns records in. A blob
    counts by its name and the SHA-256 of its bytes (not its stamp, which each
    store makes itself); `counts["blobs"]` has 1 under each name kept.

    >>> from duijie.graph.sqlite_store import SqliteStore
    >>> summarise(SqliteStore(":memory:")).checksums["nodes"][:8]
    '00000000'
    """
    sums = {"nodes": 0, "edges": 0, "reviews": 0, "blobs": 0}
    for node in iter_nodes(store, page_size=page_size):
        sums["nodes"] += _digest(node.to_dict())
    for kind in EDGE_KINDS:  # kind by kind: an index walk on Neo4j, see copy_graph
        for edge in _from(partial(store.find_edges, kind), None, page_size):
            sums["edges"] += _digest(edge.to_dict())
    reviews = store.list_reviews(None)
    for item in reviews:
        sums["reviews"] += _digest(asdict(item))
    blob_names = []
    for name in store.blob_names():
        kept = store.get_blob(name)
        if kept is not None:
            blob_names.append(name)
            sums["blobs"] += _digest({"name": name,
                                      "sha256": hashlib.sha256(kept[1]).hexdigest()})
    counts = store.counts()
    counts["reviews"] = {"all": len(reviews)} if reviews else {}
    counts["blobs"] = dict.fromkeys(blob_names, 1)
    return Summary(counts, {k: f"{v % 2**256:064x}" for k, v in sums.items()})


@dataclass
class Verification:
    source: Summary
    target: Summary

    @property
    def same(self) -> bool:
        return self.source == self.target

    def differences(self) -> list[str]:
        """One line per kind or section that differs."""
        out = []
        for section in ("nodes", "edges", "reviews", "blobs"):
            a, b = self.source.counts.get(section, {}), self.target.counts.get(section, {})
            out += [f"{section} {kind}: {a.get(kind, 0)} in source, {b.get(kind, 0)} in target"
                    for kind in sorted(set(a) | set(b)) if a.get(kind, 0) != b.get(kind, 0)]
            if self.source.checksums[section] != self.target.checksums[section]:
                out.append(f"{section}: checksums differ (same ids, different content?)")
        return out


def verify(source: GraphStore, target: GraphStore) -> Verification:
    """Compare two stores by counts and checksums (see `summarise`)."""
    return Verification(summarise(source), summarise(target))


