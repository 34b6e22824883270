"""Seeding: load the shipped seed dataset (`duijie.seed_data`) into a store.

The dataset is built from the five seed documents; `graph.seed` reads any folder laid
out like it, this module knows which folder and files make up the shipped one.

>>> from duijie.graph import open_store
>>> store = open_store(":memory:")
>>> result = load_seed(store)
>>> store.get_node(XIAN_EVENT).props["cooperation_reached"]
8
>>> sorted(result.to_dict())
['counts', 'edges_written', 'nodes_created', 'nodes_written', 'parts', 'possible_duplicates']
>>> load_seed(store).nodes_created
0
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from duijie.api.services import Result
from duijie.graph.model import ORGANISATION_KINDS, Edge, Node, Provenance, mark_quoted_names
from duijie.graph.resolution import likely_duplicates, review_id
from duijie.graph.seed import folder_batch, folder_records
from duijie.graph.store import GraphStore, ReviewItem, WriteBatch, utc_now
from duijie.seed_data import EDGE_FILE, NODE_FILES, data_dir

XIAN_EVENT = "evt:xian-docking-2019-05"
"""The Xi'an precise docking trip of 23–24 May 2019 (seed 000)."""

VOCABULARY_FILES = ("regions.jsonl", "industries.jsonl", "topics.jsonl")
"""The seed files holding the shared vocabulary: regions, industries, topics."""


@dataclass
class PossibleDuplicate(Result):
    """A seed organisation that may be one already in the store under another id (an
    imported firm): both written, the pair in the review queue (`review_id`).

    `decision` is the resolver's: `same` (it would merge an import) or `review`;
    `evidence` its reasons. Accepting the review folds the stored record into the
    seed's (the seed's fixed id stays, so seeding again changes nothing). Names as a
    person reads them; `illustrative`: either record is invented (示意)."""

    seed_id: str
    seed_name: str
    stored_id: str
    stored_name: str
    kind: str
    decision: str
    score: float
    evidence: list[str]
    review_id: str
    illustrative: bool = False


@dataclass
class SeedPart(Result):
    """A seed organisation that is part of one already in the store (中国科学院西安光学
    精密机械研究所 of an imported 中国科学院, a 研究院 of an imported firm): linked by a
    `part_of` edge, as an import links one, and never merged. Names as a person reads
    them (an invented record's marked 示意)."""

    seed_id: str
    seed_name: str
    parent_id: str
    parent_name: str
    kind: str
    evidence: list[str]
    illustrative: bool = False


@dataclass
class SeedResult(Result):
    """What loading the seed did, and what the store holds afterwards."""

    nodes_written: int
    nodes_created: int
    edges_written: int
    counts: dict[str, dict[str, int]]
    possible_duplicates: list[PossibleDuplicate]
    parts: list[SeedPart]


def seed_folder() -> Path:
    """Where the seed JSON Lines files are (inside the installed `seed_data` package)."""
    return data_dir()


def seed_records(folder: str | Path | None = None) -> Iterator[tuple[str, Node | Edge]]:
    """Yield ``(where, record)`` for every line of the seed files, nodes first."""
    return folder_records(folder or seed_folder(), NODE_FILES, EDGE_FILE)


def load_seed(store: GraphStore, folder: str | Path | None = None) -> SeedResult:
    """Write the seed dataset into `store` in one atomic batch, all or nothing.

    Parameters
    ----------
    store : GraphStore
        Any backend; an empty one or one seeded before (then nothing changes).
    folder : path, optional
        A folder of seed files laid out like `seed_data/` (tests use broken copies).

    Seed ids are fixed, so a seed organisation is never merged by name. Into a store
    that already holds other organisations (imported ones), each seed organisation
    is first resolved against those, as `duijie import` would: a `same` or `review`
    match is reported (`possible_duplicates`, by name with its evidence) and queued
    for review, never merged silently; a seed organisation that is part of a stored
    one gets a `part_of` edge to it in the same batch and is reported (`parts`), as
    an import's part is (a review would merge the two on accepting; a part is never
    merged). An empty store skips that step.

    Raises
    ------
    InvalidInput
        A line that is not JSON, not a valid record, or an edge to an unknown
        node; the message names the file and line, and the store is unchanged.
    """
    batch = folder_batch(folder or seed_folder(), NODE_FILES, EDGE_FILE)
    duplicates, parts = stored_matches(store, batch)
    for part in parts:
        batch.upsert_edge(Edge(part.seed_id, "part_of", part.parent_id, {}, [Provenance(
            source="resolution:seed", quote="; ".join(part.evidence))]),
            where=f"seed record {part.seed_id}")
    report = store.apply(batch)
    if duplicates:
        store.add_reviews(_review_item(store, d) for d in duplicates)
    return SeedResult(report.nodes_written, report.nodes_created, report.edges_written,
                      store.counts(), duplicates, parts)


def stored_matches(store: GraphStore, batch: WriteBatch
                   ) -> tuple[list[PossibleDuplicate], list[SeedPart]]:
    """The batch's organisations that may be ones the store holds under other ids,
    and those that are parts of stored ones.

    Organisations of the batch itself (a seed loaded before) are not candidates; a
    store holding no others is answered without resolving anything.
    """
    seed_orgs = [n for n in batch.nodes.values() if n.kind in ORGANISATION_KINDS]
    stored = store.counts()["nodes"]
    others = sum(stored.get(kind, 0) for kind in ORGANISATION_KINDS)
    if others:
        others -= len(store.get_nodes({n.id for n in seed_orgs}))
    if others <= 0:
        return [], []
    seed_ids = {n.id for n in seed_orgs}
    found = likely_duplicates(store, seed_orgs, seed_ids)
    matched = store.get_nodes({c.node_id for _, c in found})
    duplicates, parts = [], []
    for i, c in found:
        seed, other = seed_orgs[i], matched[c.node_id]
        invented = seed.illustrative or other.illustrative
        evidence = [mark_quoted_names(reason, (seed, other)) for reason in c.reasons]
        if c.decision == "part_of":
            parts.append(SeedPart(seed.id, seed.shown_name, other.id, other.shown_name,
                                  seed.kind, evidence, invented))
        else:
            duplicates.append(PossibleDuplicate(
                seed.id, seed.shown_name, other.id, other.shown_name, seed.kind, c.decision,
                round(c.score, 3), evidence, review_id(seed.id, other.id), invented))
    return duplicates, parts


def _review_item(store: GraphStore, duplicate: PossibleDuplicate) -> ReviewItem:
    """The question as the queue asks it: is the stored record the seed's organisation?
    Accepting folds the stored record into the seed's, whose id the seed fixes."""
    stored = store.get_node(duplicate.stored_id)
    reasons = [f"seed record {duplicate.seed_name} ({duplicate.seed_id}): the resolver "
               f"says {duplicate.decision}", *duplicate.evidence]
    return ReviewItem(id=duplicate.review_id, name=stored.name,
                      candidate_id=duplicate.seed_id, score=duplicate.score,
                      kind=duplicate.kind, payload=stored.to_dict(), created_at=utc_now(),
                      reasons=reasons)


def seed_vocabulary(folder: str | Path | None = None) -> tuple[list[Node], list[Edge]]:
    """The seed dataset's Region, Industry and Topic nodes and the `part_of` edges
    among them: the vocabulary `graph.generate.generate_graph` builds text from.

    >>> nodes, edges = seed_vocabulary()
    >>> {n.kind for n in nodes} == {"Region", "Industry", "Topic"}
    True
    >>> {e.kind for e in edges}
    {'part_of'}
    """
    nodes: list[Node] = []
    edges: list[Edge] = []
    for _where, record in folder_records(folder or seed_folder(), VOCABULARY_FILES, EDGE_FILE):
        if isinstance(record, Node):
            nodes.append(record)
        elif record.kind == "part_of":
            edges.append(record)
    ids = {n.id for n in nodes}
    return nodes, [e for e in edges if e.src in ids and e.dst in ids]
