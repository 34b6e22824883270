"""Seeding: load the shipped seed dataset (`duijie.seed_data`) into a store.

The dataset is built from the five seed documents; `graph.seed` reads any folder laid
out like it, this module knows which folder and files make up the shipped one.

>>> from duijie.graph import open_store
>>> store = open_store(":memory:")
>>> result = load_seed(store)
>>> store.get_node(XIAN_EVENT).props["cooperation_reached"]
8
>>> sorted(result.to_dict())[-3:]
['parts', 'possible_duplicates', 'stored_parts']
>>> load_seed(store).nodes_created
0
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from duijie.api.services import Result
from duijie.graph.model import ORGANISATION_KINDS, Edge, Node, Provenance, mark_quoted_names
from duijie.graph.resolution import likely_duplicates, review_id, stored_parts
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
class StoredPart(Result):
    """A stored organisation (an imported one) that is part of a seed organisation:
    an imported 浙江大学计算机科学与技术学院 when the seed adds 浙江大学. Linked by a
    `part_of` edge from the stored record to the seed's, in the seed's own batch, and
    never merged or queued. Names as a person reads them (an invented record's marked
    示意)."""

    part_id: str
    part_name: str
    seed_id: str
    seed_name: str
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
    stored_parts: list[StoredPart]


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
    merged); so does, the other way, a stored organisation that is part of a seed one
    (`stored_parts`: an imported 浙江大学计算机科学与技术学院 under the seed's 浙江大学),
    unless it is already linked to another parent. An empty store skips that step.

    Raises
    ------
    InvalidInput
        A line that is not JSON, not a valid record, or an edge to an unknown
        node; the message names the file and line, and the store is unchanged.
    """
    batch = folder_batch(folder or seed_folder(), NODE_FILES, EDGE_FILE)
    duplicates, parts = stored_matches(store, batch)
    taken = {d.stored_id for d in duplicates} | {p.parent_id for p in parts}
    children = [c for c in stored_children(store, batch) if c.part_id not in taken]
    links = [(p.seed_id, p.parent_id, p.evidence, f"seed record {p.seed_id}") for p in parts]
    links += [(c.part_id, c.seed_id, c.evidence, f"stored record {c.part_id} (part of "
               f"seed record {c.seed_id})") for c in children]
    for src, dst, evidence, where in links:
        batch.upsert_edge(Edge(src, "part_of", dst, {}, [Provenance(
            source="resolution:seed", quote="; ".join(evidence))]), where=where)
    report = store.apply(batch)  # the links commit with the seed or not at all
    if duplicates:
        store.add_reviews(_review_item(store, d) for d in duplicates)
    return SeedResult(report.nodes_written, report.nodes_created, report.edges_written,
                      store.counts(), duplicates, parts, children)


def stored_matches(store: GraphStore, batch: WriteBatch
                   ) -> tuple[list[PossibleDuplicate], list[SeedPart]]:
    """The batch's organisations that may be ones the store holds under other ids,
    and those that are parts of stored ones.

    Organisations of the batch itself (a seed loaded before) are not candidates; a
    store holding no others is answered without resolving anything.
    """
    seed_orgs = [n for n in batch.nodes.values() if n.kind in ORGANISATION_KINDS]
    if not _holds_others(store, seed_orgs):
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


def stored_children(store: GraphStore, batch: WriteBatch) -> list[StoredPart]:
    """Stored organisations outside the batch that are parts of its organisations and
    not yet linked to another parent (one already `part_of` the seed's record is
    listed again: seeding twice reports the same). Empty on a store holding no others.
    """
    seed_orgs = [n for n in batch.nodes.values() if n.kind in ORGANISATION_KINDS]
    if not _holds_others(store, seed_orgs):
        return []
    found = stored_parts(store, seed_orgs, {n.id for n in seed_orgs})
    stored = store.get_nodes({c.node_id for _, c in found})
    out = []
    for i, c in found:
        seed, part = seed_orgs[i], stored[c.node_id]
        if any(e.dst != seed.id for e in store.find_edges("part_of", src=part.id)):
            continue  # an organiser's (or an import's) link stands
        evidence = [mark_quoted_names(reason, (seed, part)) for reason in c.reasons]
        out.append(StoredPart(part.id, part.shown_name, seed.id, seed.shown_name, part.kind,
                              evidence, seed.illustrative or part.illustrative))
    return out


def _holds_others(store: GraphStore, seed_orgs: list[Node]) -> bool:
    """Whether the store holds organisations besides the seed's own."""
    stored = store.counts()["nodes"]
    others = sum(stored.get(kind, 0) for kind in ORGANISATION_KINDS)
    if others:
        others -= len(store.get_nodes({n.id for n in seed_orgs}))
    return others > 0


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
