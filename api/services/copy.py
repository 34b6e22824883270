"""Copying a graph between stores (SQLite ⇄ Neo4j) and checking that two stores agree.

The use cases take store URLs: they open both stores, do the work and close them.

>>> import tempfile
>>> from pathlib import Path
>>> from duijie.graph import open_store
>>> from duijie.graph.model import Node
>>> folder = Path(tempfile.mkdtemp())
>>> with open_store(str(folder / "a.db")) as source, source.batch() as b:
...     b.upsert_node(Node("reg:hz", "Region", {"name": "杭州"}))
>>> result = copy_stores(str(folder / "a.db"), str(folder / "b.db"),
...                      state=folder / "copy.json")
>>> result.nodes, result.verify.same, (folder / "copy.json").exists()
(1, True, False)
>>> sorted(result.to_dict())
['blobs', 'edges', 'nodes', 'resumed_from', 'reviews', 'source', 'target', 'verify']
>>> sorted(compare_stores(str(folder / "a.db"), str(folder / "b.db")).to_dict())
['checksums', 'counts', 'differences', 'same', 'source', 'target']
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from duijie.api.services import Result
from duijie.graph import open_store
from duijie.graph.copy import DEFAULT_BATCH, copy_graph, default_state_path, verify
from duijie.graph.errors import Conflict
from duijie.graph.store import GraphStore

ProgressBar = Callable[[int], AbstractContextManager[Any]]
"""Given the number of records to copy, a context whose value has `update(n)`."""


@dataclass
class VerifyResult(Result):
    """Whether two stores hold the same records: counts by kind and checksums (of
    the source), and one line per kind or section that differs."""

    source: str
    target: str
    same: bool
    counts: dict[str, dict[str, int]]
    checksums: dict[str, str]
    differences: list[str]

    def check(self) -> VerifyResult:
        """This result, or `Conflict` (exit code 4) listing the differences."""
        if not self.same:
            raise Conflict("the stores differ", where=f"{self.source} vs {self.target}",
                           problems=self.differences)
        return self


@dataclass
class CopyResult(Result):
    """What a copy wrote (a resumed copy counts from its checkpoint; `blobs`: bytes
    kept with the store, such as the learned model), and the check of the copy (None
    when it was skipped)."""

    source: str
    target: str
    nodes: int
    edges: int
    reviews: int
    blobs: int
    resumed_from: dict[str, Any] | None
    verify: VerifyResult | None


def _verification(source: GraphStore, target: GraphStore) -> VerifyResult:
    found = verify(source, target)
    return VerifyResult(source.url, target.url, found.same, found.source.counts,
                        found.source.checksums, found.differences())


def compare_stores(source_url: str, target_url: str) -> VerifyResult:
    """Compare two stores by counts by kind and checksums of all records."""
    source = open_store(source_url)
    try:
        target = open_store(target_url)
        try:
            return _verification(source, target)
        finally:
            target.close()
    finally:
        source.close()


def copy_stores(source_url: str, target_url: str, *, batch_size: int = DEFAULT_BATCH,
                state: str | Path | None = None, check: bool = True,
                progress: ProgressBar | None = None) -> CopyResult:
    """Copy every node, edge, review item and kept blob (the learned model) from one
    store to another, in batches.

    A checkpoint file (`state`, default `.duijie-copy-<hash>.json`) is written after
    each batch, so an interrupted copy resumes when run again. With `check`, the
    stores are compared afterwards; the checkpoint is removed once the copy is
    verified (or at once when not checking), and kept when the stores differ.

    Raises
    ------
    Conflict
        The same store as source and target.
    InvalidInput
        A batch size below 1, or a checkpoint of another copy.
    """
    if source_url == target_url:
        raise Conflict("is both --from and --to", value=source_url)
    source = open_store(source_url)
    try:
        target = open_store(target_url)
        try:
            return _copy(source, target, batch_size, state, check, progress)
        finally:
            target.close()
    finally:
        source.close()


def _copy(source: GraphStore, target: GraphStore, batch_size: int, state: str | Path | None,
          check: bool, progress: ProgressBar | None) -> CopyResult:
    path = Path(state) if state is not None else default_state_path(source, target)
    if progress is None:
        shown: AbstractContextManager[Any] = nullcontext(None)
    else:
        shown = progress(sum(sum(v.values()) for v in source.counts().values())
                         + len(source.blob_names()))
    with shown as bar:
        report = copy_graph(source, target, batch_size=batch_size, state=path,
                            progress=None if bar is None else lambda _phase, n: bar.update(n))
    checked = _verification(source, target) if check else None
    if checked is None or checked.same:
        path.unlink(missing_ok=True)
    return CopyResult(source.url, target.url, report.nodes, report.edges, report.reviews,
                      report.blobs, report.resumed_from, checked)
