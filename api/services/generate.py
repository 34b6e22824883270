"""Generating a large synthetic graph, into a store or into a JSON Lines file.

The text is built from the seed dataset's vocabulary (`seeding.seed_vocabulary`);
`graph.generate` does the pure generation.

>>> from duijie.graph import open_store
>>> store = open_store(":memory:")
>>> result = generate_synthetic(store=store, enterprises=2, experts=3, institutes=1,
...                             needs=4, seed=1)
>>> store.counts()["nodes"]["Expert"], result.nodes_created == result.nodes
(3, True)
>>> sorted(result.to_dict())
['edges', 'nodes', 'nodes_created', 'out', 'store']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from duijie.api.services import Result
from duijie.api.services.seeding import seed_vocabulary
from duijie.graph.errors import InvalidInput
from duijie.graph.generate import generate_graph, write_jsonl
from duijie.graph.model import Edge, Node
from duijie.graph.store import GraphStore, WriteBatch

Progress = Callable[[Iterable[Node | Edge], int], Iterable[Node | Edge]]
"""Wraps the records as they are made; gets a rough total for a progress bar."""


@dataclass
class GenerateResult(Result):
    """What was generated and where it went: a file (`out`) or a store (`store`, its
    URL); `nodes_created` counts nodes new to the store (None for a file)."""

    out: str | None
    store: str | None
    nodes: int
    edges: int
    nodes_created: int | None


def expected_records(enterprises: int, experts: int, institutes: int, needs: int) -> int:
    """A rough count of the records `generate_synthetic` makes (nodes and usual edges).

    >>> expected_records(10, 20, 2, 10)
    480
    """
    return institutes * 4 + experts * 5 + enterprises * 4 + needs * 3 + experts // 10 + 300


SPREADSHEET_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xls", ".xlsm")


def generate_synthetic(*, store: GraphStore | None = None, out: str | Path | None = None,
             enterprises: int = 1000, experts: int = 2000, institutes: int = 100,
             needs: int = 1000, seed: int = 0, progress: Progress | None = None,
             officials: int = 0) -> GenerateResult:
    """Generate a synthetic graph and write it to `out` (JSON Lines) or into `store`.

    Exactly one of `store` and `out`. Into a store, everything is written in one
    all-or-nothing batch; a file is written whole or not at all. The same counts
    and seed always give the same records.

    Raises
    ------
    InvalidInput
        A negative count, experts without institutes, needs without enterprises,
        not exactly one of `store` and `out`, or an `out` named as a spreadsheet
        (x.csv would hold JSON Lines that Excel shows as one garbled column).
    """
    if (store is None) == (out is None):
        raise InvalidInput("give exactly one of a store and an output file",
                           where="generate")
    if out is not None and Path(out).suffix.lower() in SPREADSHEET_SUFFIXES:
        raise InvalidInput("names a spreadsheet, but generate writes JSON Lines (the graph "
                           "export format): name it .jsonl, and `duijie import graph FILE` "
                           "reads it", value=str(out), where="--out")
    records: Iterable[Node | Edge] = generate_graph(
        n_enterprises=enterprises, n_experts=experts, n_institutes=institutes,
        n_needs=needs, seed=seed, vocabulary=seed_vocabulary(), n_officials=officials)
    if progress is not None:
        records = progress(records, expected_records(enterprises, experts, institutes, needs)
                           + officials)
    if out is not None:
        counts = write_jsonl(records, out)
        return GenerateResult(str(out), None, counts["nodes"], counts["edges"], None)
    assert store is not None
    batch = WriteBatch()
    for record in records:
        if isinstance(record, Edge):
            batch.upsert_edge(record)
        else:
            batch.upsert_node(record)
    report = store.apply(batch)
    return GenerateResult(None, store.url, report.nodes_written, report.edges_written,
                          report.nodes_created)
