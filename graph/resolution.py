"""Entity resolution of organisations against the store: resolve, write, review.

- `resolve(store_or_index, name, …)`: ranked candidates, each `same`, `review`
  or `different` with its reasons (see `graph.resolution_index` for the rules).
- `plan_organisation_writes(store, nodes)`: the write-path hook importers call.
  Each incoming Enterprise/Institute is compared with the store and with the
  records before it in the same call: `same` re-targets it at the
  stored id (the stored name stays, the incoming name becomes an alias, props and
  provenance merge); `review` writes it as a new node and queues a `ReviewItem`;
  anything else is a new node. The output list is aligned with the input, so a
  caller re-points its edges with `retargeted_ids(nodes, planned)`.
- `likely_duplicates(store, nodes, exclude)`: the same comparison for records written
  under fixed ids (the seed): each one's `same`, `review` or `part_of` match; reports,
  writes nothing. `stored_parts` the other way: stored records that are parts of them.
- `accept_review` merges the pair (`merge_organisations`: props, aliases, edges);
  `reject_review` records the decision so the same pair is not asked again.

The in-memory `OrganisationIndex` of a store is cached. Every batch the store
commits in this process reaches it through `graph.store.on_write` (the hook the
backends call after a commit, beside their projection update), so an organisation
written by any `store.apply` (a changed region too) is current at once. Writes by
other processes are noticed when the store's organisation counts differ from what
the index expects: `resolve` checks them at most once per `FRESHNESS_SECONDS`, the
write path on every call; `invalidate(store)` forces a rebuild. One lock guards
the cache, so a thread pool may resolve and write concurrently.

>>> from duijie.graph.sqlite_store import SqliteStore
>>> store = SqliteStore(":memory:")
>>> stored = Node("ent:hf", "Enterprise", {"name": "恒锋工具股份有限公司", "region": "嘉兴"})
>>> planned, reviews = plan_organisation_writes(store, [stored])
>>> _ = store.apply(_batch(planned))
>>> incoming = Node("ent:x", "Enterprise", {"name": "恒峰工具", "region": "嘉兴"})
>>> planned, reviews = plan_organisation_writes(store, [incoming])
>>> planned[0].id, planned[0].aliases
('ent:hf', ['恒峰工具'])
"""

from __future__ import annotations

import hashlib
import threading
import time
import weakref
from collections import Counter
from dataclasses import dataclass, field, replace

from duijie.graph.errors import Conflict, InvalidInput, NotFound, StaleRevision
from duijie.graph.model import ORGANISATION_KINDS, Node, Provenance
from duijie.graph.resolution_index import (
    REVIEW_THRESHOLD,
    SAME_THRESHOLD,
    Candidate,
    OrganisationIndex,
    name_form,
)
from duijie.graph.store import (
    GraphStore,
    PreparedBatch,
    ReviewItem,
    WriteBatch,
    iter_nodes,
    merge_organisations,
    on_write,
    utc_now,
)

__all__ = ["FRESHNESS_SECONDS", "REVIEW_THRESHOLD", "SAME_THRESHOLD", "OrganisationPlan",
           "PlannedMerge", "PlannedPart", "accept_review",
           "build_index", "index_for", "invalidate", "likely_duplicates",
           "plan_organisation_writes", "reject_review",
           "resolve", "retargeted_ids", "review_id", "stored_parts"]


FRESHNESS_SECONDS = 1.0
"""How long `resolve` trusts the cached index before asking the store for its counts
again (a count costs several ms on 100,000 nodes; this module's own writes update
the index at once)."""


@dataclass
class PlannedMerge:
    """An incoming record written onto an organisation already there: a stored one
    or (`within_file`) one created by an earlier record of the same call."""

    position: int  # index of the record in the list given to plan_organisation_writes
    name: str
    into_id: str
    into_name: str
    within_file: bool
    reasons: list[str]


@dataclass
class PlannedPart:
    """An incoming record written as a new node that is part of another (a school of
    a university, a branch of a firm): a `part_of` edge to link."""

    position: int
    name: str
    node_id: str
    parent_id: str
    parent_name: str
    reasons: list[str]


@dataclass
class OrganisationPlan:
    """What `plan_organisation_writes` decided besides the nodes: every merge, with
    its evidence, and every part found."""

    merges: list[PlannedMerge] = field(default_factory=list)
    parts: list[PlannedPart] = field(default_factory=list)


@dataclass
class _Cached:
    index: OrganisationIndex
    expected: dict[str, int]  # organisation counts per kind the index reflects
    checked_at: float = 0.0  # time.monotonic() of the last count check


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.RLock()  # the cache and every index in it: queries read what writes change


def _org_counts(store: GraphStore) -> dict[str, int]:
    nodes = store.counts().get("nodes", {})
    return {kind: nodes.get(kind, 0) for kind in ORGANISATION_KINDS}


def _signature(node: Node) -> tuple:
    """What the index knows of a record: an unchanged one need not be added again."""
    props = node.props
    return (node.kind, node.name, tuple(node.aliases), props.get("region"),
            props.get("industry"), props.get("credit_code"), props.get("legal_name"))


_SIGNATURES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # index -> {id: sig}


def _add_node(index: OrganisationIndex, node: Node,
              syllables: dict[str, tuple[str, ...]] | None = None) -> None:
    props = node.props
    _SIGNATURES.setdefault(index, {})[node.id] = _signature(node)
    index.add(node.id, node.name, node.aliases, kind=node.kind, region=props.get("region"),
              industry=props.get("industry"), credit_code=props.get("credit_code"),
              legal_name=props.get("legal_name"), syllables=syllables)


def build_index(store: GraphStore) -> OrganisationIndex:
    """An index of every organisation in the store.

    The pinyin keys computed at write time are reused (paired with the core name
    of the same length), so building does not run pypinyin again.
    """
    cores: dict[str, list[str]] = {}
    pinyins: dict[str, list[tuple[str, ...]]] = {}
    for node_id, key_type, key in store.iter_keys(ORGANISATION_KINDS):
        if key_type == "core":
            cores.setdefault(node_id, []).append(key)
        elif key_type == "pinyin":
            pinyins.setdefault(node_id, []).append(tuple(key.split(" ")))
    index = OrganisationIndex()
    for kind in ORGANISATION_KINDS:
        for node in iter_nodes(store, kind):
            known: dict[str, tuple[str, ...]] = {}
            for core in cores.get(node.id, []):
                fits = [p for p in pinyins.get(node.id, []) if len(p) == len(core)]
                if len(fits) == 1:
                    known[core] = fits[0]
            _add_node(index, node, known)
    return index


def index_for(store: GraphStore, max_age: float = 0.0) -> OrganisationIndex:
    """The cached index of `store`, rebuilt if the store's counts moved under it.

    The counts are not asked again within `max_age` seconds of the last check.
    Callers that go on to read the index hold `_LOCK` (this module's functions do).
    """
    with _LOCK:
        return _index_for(store, max_age)


def _index_for(store: GraphStore, max_age: float) -> OrganisationIndex:
    cached = _CACHE.get(store)
    now = time.monotonic()
    if cached is not None and now - cached.checked_at < max_age:
        return cached.index
    counts = _org_counts(store)
    if cached is None or cached.expected != counts:
        cached = _Cached(build_index(store), counts)
        _CACHE[store] = cached
        now = time.monotonic()  # fresh from when the build ended, not when it began
    cached.checked_at = now
    return cached.index


def invalidate(store: GraphStore) -> None:
    """Forget the cached index of `store` (after edits made behind its back)."""
    with _LOCK:
        _CACHE.pop(store, None)


@on_write
def _follow_write(store: GraphStore, prepared: PreparedBatch) -> None:
    """Bring the cached index of `store` up to date with a committed batch: final
    records of organisations (merged with what was stored) and deletions."""
    orgs = [n for n in prepared.nodes if n.kind in ORGANISATION_KINDS]
    if not orgs and not prepared.delete_node_ids:
        return
    with _LOCK:
        try:
            _follow(store, prepared, orgs)
        except Exception:  # the batch is committed: never fail it, rebuild instead
            _CACHE.pop(store, None)


def _follow(store: GraphStore, prepared: PreparedBatch, orgs: list[Node]) -> None:
    cached = _CACHE.get(store)
    if cached is None:
        return
    index, expected = cached.index, cached.expected
    for node_id in prepared.delete_node_ids:
        if node_id in index:
            kind = index.profile(node_id).kind or ""
            index.remove(node_id)
            expected[kind] = expected.get(kind, 0) - 1
    known = _SIGNATURES.get(index, {})
    for node in orgs:
        if node.id not in index:  # the write path adds (and counts) its own first
            expected[node.kind] = expected.get(node.kind, 0) + 1
        elif known.get(node.id) == _signature(node):
            continue
        _add_node(index, node)


def _check_query(name: str, kind: str | None, k: int) -> None:
    if not name or not name.strip():
        raise InvalidInput("is empty: give an organisation name", value=name, where="name")
    if kind is not None and kind not in ORGANISATION_KINDS:
        raise InvalidInput(f"is not an organisation kind ({', '.join(ORGANISATION_KINDS)})",
                           value=kind, where="kind")
    if k < 1:
        raise InvalidInput("must be at least 1", value=k, where="k")


def resolve(store_or_index: GraphStore | OrganisationIndex, name: str, kind: str | None = None,
            region: str | None = None, industry: str | None = None,
            credit_code: str | None = None, k: int = 5, *, legal_name: str | None = None,
            same_threshold: float = SAME_THRESHOLD,
            review_threshold: float = REVIEW_THRESHOLD) -> list[Candidate]:
    """Ranked candidates for an organisation name, best first.

    Each candidate carries a score in [0, 1], a decision (`same` at or above
    `same_threshold` with agreeing evidence, `review` from `review_threshold`,
    else `different`) and reasons. The default thresholds were chosen by measurement
    on the tuning half of tests/data/resolution/pairs.tsv (figures in the README).

    >>> index = OrganisationIndex()
    >>> index.add("inst:pku", "北大信息技术高等研究院", kind="Institute")
    >>> [(c.node_id, c.decision) for c in resolve(index, "浙江省北大信息技术高等研究院")]
    [('inst:pku', 'same')]
    """
    _check_query(name, kind, k)
    with _LOCK:
        index = store_or_index if isinstance(store_or_index, OrganisationIndex) \
            else _index_for(store_or_index, FRESHNESS_SECONDS)
        return index.query(name, kind=kind, region=region, industry=industry,
                           credit_code=credit_code, legal_name=legal_name, k=k,
                           same_threshold=same_threshold, review_threshold=review_threshold)


def review_id(incoming_id: str, candidate_id: str) -> str:
    """A stable id for the question "are these two one organisation?" (order-free).

    >>> review_id("ent:a", "ent:b") == review_id("ent:b", "ent:a")
    True
    """
    a, b = sorted((incoming_id, candidate_id))
    return "rev:" + hashlib.sha1(f"{a}\x1f{b}".encode()).hexdigest()[:16]


def _add_aliases(index: OrganisationIndex, node_id: str, names: list[str]) -> None:
    if node_id not in index:
        return
    profile = index.profile(node_id)
    known = {f.text for f in profile.names}
    new = tuple(name_form(n) for n in dict.fromkeys(names) if n and n not in known)
    if new:
        index.add_profile(node_id, index.name_of(node_id),
                          replace(profile, names=profile.names + new))


def plan_organisation_writes(store: GraphStore, nodes: list[Node],
                             plan: OrganisationPlan | None = None
                             ) -> tuple[list[Node], list[ReviewItem]]:
    """Re-target incoming organisations at stored ones that are the same firm.

    Returns the nodes to write, aligned with `nodes` (ids possibly changed to the
    stored id, the incoming name kept as an alias) and the review items to queue
    with `store.add_reviews`. Nodes of other kinds pass through unchanged. Records
    whose id is already stored (a re-import) are written as they are. `plan`, when
    given, receives every merge (against the store or an earlier record of `nodes`)
    with its evidence, and every record found to be part of another.
    """
    orgs = [n for n in nodes if n.kind in ORGANISATION_KINDS]
    if not orgs:
        return list(nodes), []
    with _LOCK:
        return _plan_writes(store, nodes, orgs, plan if plan is not None else OrganisationPlan())


def _plan_writes(store: GraphStore, nodes: list[Node], orgs: list[Node],
                 plan: OrganisationPlan) -> tuple[list[Node], list[ReviewItem]]:
    index = _index_for(store, 0.0)
    cached = _CACHE[store]
    stored_ids = set(store.get_nodes({n.id for n in orgs}))
    rejected = {review_id(r.payload.get("id", ""), r.candidate_id)
                for r in store.list_reviews("rejected")}
    created: Counter[str] = Counter()
    out: list[Node] = []
    reviews: list[ReviewItem] = []
    added_here: set[str] = set()
    for position, node in enumerate(nodes):
        if node.kind not in ORGANISATION_KINDS:
            out.append(node)
            continue
        if node.id in stored_ids or node.id in index:
            out.append(node)
            _add_aliases(index, node.id, [node.name, *node.aliases])
            continue
        props = node.props
        candidates = [c for c in index.query(
            node.name, node.aliases, kind=node.kind, region=props.get("region"),
            industry=props.get("industry"), credit_code=props.get("credit_code"),
            legal_name=props.get("legal_name"), k=5, exclude={node.id})
            if review_id(node.id, c.node_id) not in rejected]
        best = candidates[0] if candidates else None
        if best is not None and best.decision == "same":
            merged_props = {key: v for key, v in props.items() if key != "name"}
            aliases = [a for a in dict.fromkeys([node.name, *node.aliases]) if a != best.name]
            out.append(Node(best.node_id, node.kind, merged_props, aliases, node.provenance,
                            node.confidentiality))
            plan.merges.append(PlannedMerge(position, node.name, best.node_id, best.name,
                                            best.node_id in added_here, list(best.reasons)))
            _add_aliases(index, best.node_id, aliases)
            continue
        out.append(node)
        _add_node(index, node)
        added_here.add(node.id)
        created[node.kind] += 1
        if best is not None and best.decision == "part_of":
            plan.parts.append(PlannedPart(position, node.name, node.id, best.node_id,
                                          best.name, list(best.reasons)))
        if best is not None and best.decision == "review":
            reviews.append(ReviewItem(
                id=review_id(node.id, best.node_id), name=node.name,
                candidate_id=best.node_id, score=round(best.score, 4), kind=node.kind,
                payload=node.to_dict(), created_at=utc_now(), reasons=list(best.reasons)))
    for kind, n in created.items():
        cached.expected[kind] = cached.expected.get(kind, 0) + n
    _plan_parts_under_new(store, index, out, added_here, plan, rejected)
    return out, reviews


def _plan_parts_under_new(store: GraphStore, index: OrganisationIndex, out: list[Node],
                          added_here: set[str], plan: OrganisationPlan,
                          rejected: set[str]) -> None:
    """The other direction: records already there (stored, or an earlier row of this
    call) that are parts of a record this call creates (南京大学新闻传播学院 stored, then
    南京大学 imported) are linked too, unless already linked to a parent."""
    if not added_here:
        return
    new = [(position, node) for position, node in enumerate(out) if node.id in added_here]
    linked = {p.node_id for p in plan.parts}
    found = _parts_under(index, new, linked, rejected)
    stored_children = {c.node_id for _, c in found if c.node_id not in added_here}
    has_parent = {c for c in stored_children if store.find_edges("part_of", src=c, limit=1)}
    for position, child in found:
        if child.node_id in has_parent or child.node_id in linked:
            continue
        linked.add(child.node_id)
        parent = out[position]
        plan.parts.append(PlannedPart(position, child.name, child.node_id, parent.id,
                                      parent.name, list(child.reasons)))


def likely_duplicates(store: GraphStore, nodes: list[Node], exclude: set[str]
                      ) -> list[tuple[int, Candidate]]:
    """For each organisation of `nodes` that fixed ids write as they are (the seed),
    its best `same`, `review` or `part_of` match among the stored organisations outside
    `exclude`, as ``(position in nodes, candidate)``; pairs an organiser rejected are
    left out. Reads only: the caller decides what to write, link and queue.

    >>> from duijie.graph.sqlite_store import SqliteStore
    >>> store = SqliteStore(":memory:")
    >>> _ = store.apply(_batch([Node("ent:imp", "Enterprise", {"name": "大立科技",
    ...                                                       "region": "杭州"})]))
    >>> seed = Node("ent:dali", "Enterprise", {"name": "浙江大立科技", "region": "杭州"})
    >>> [(i, c.node_id, c.decision) for i, c in likely_duplicates(store, [seed], {"ent:dali"})]
    [(0, 'ent:imp', 'same')]
    >>> lab = Node("ent:dali-lab", "Enterprise", {"name": "大立科技研究院"})
    >>> [(c.node_id, c.decision) for _, c in likely_duplicates(store, [lab], {"ent:dali-lab"})]
    [('ent:imp', 'part_of')]
    """
    if not any(n.kind in ORGANISATION_KINDS for n in nodes):
        return []
    rejected = {review_id(r.payload.get("id", ""), r.candidate_id)
                for r in store.list_reviews("rejected")}
    out = []
    with _LOCK:
        index = _index_for(store, 0.0)
        for position, node in enumerate(nodes):
            if node.kind not in ORGANISATION_KINDS:
                continue
            props = node.props
            best = next((c for c in index.query(
                node.name, node.aliases, kind=node.kind, region=props.get("region"),
                industry=props.get("industry"), credit_code=props.get("credit_code"),
                legal_name=props.get("legal_name"), k=3, exclude=exclude | {node.id})
                if review_id(node.id, c.node_id) not in rejected), None)
            if best is not None and best.decision in ("same", "review", "part_of"):
                out.append((position, best))
    return out


def stored_parts(store: GraphStore, nodes: list[Node], exclude: set[str]
                 ) -> list[tuple[int, Candidate]]:
    """The other direction of `likely_duplicates`' `part_of`: stored organisations
    outside `exclude` that are part of an organisation of `nodes` (an imported
    浙江大学计算机科学与技术学院 when the seed adds 浙江大学), as ``(position of the
    parent in nodes, the part)``; the part's reasons say why. Pairs an organiser
    rejected are left out. Reads only.

    >>> from duijie.graph.sqlite_store import SqliteStore
    >>> store = SqliteStore(":memory:")
    >>> _ = store.apply(_batch([Node("inst:imp", "Institute",
    ...                              {"name": "浙江大学计算机科学与技术学院"})]))
    >>> zju = Node("inst:zju", "Institute", {"name": "浙江大学", "region": "杭州"})
    >>> [(i, c.node_id, c.reasons) for i, c in stored_parts(store, [zju], {"inst:zju"})]
    [(0, 'inst:imp', ['part of 浙江大学: 计算机科学与技术学院'])]
    """
    rejected = {review_id(r.payload.get("id", ""), r.candidate_id)
                for r in store.list_reviews("rejected")}
    with _LOCK:
        return _parts_under(_index_for(store, 0.0), list(enumerate(nodes)), exclude, rejected)


def _parts_under(index: OrganisationIndex, parents_at: list[tuple[int, Node]],
                 exclude: set[str], rejected: set[str]) -> list[tuple[int, Candidate]]:
    """Records of `index` outside `exclude` that are part of one of `parents_at`
    (position, node), as ``(position of the parent, the part)``."""
    parents = OrganisationIndex()
    positions: dict[str, int] = {}
    for position, node in parents_at:
        if node.kind in ORGANISATION_KINDS:
            _add_node(parents, node)
            positions[node.id] = position
    if not positions:
        return []
    # A part's name starts with its parent's (or, after a leading place, its core
    # does): the first two characters of a parent's name rule out nearly every record
    # (100,000 records scanned in about 0.2 s).
    heads = {f.stem[:2] for _, _, profile in parents.entries() for f in profile.names}
    out = []
    for node_id, name, profile in index.entries():
        if node_id in exclude or not any(
                f.stem[:2] in heads or f.core[:2] in heads for f in profile.names):
            continue
        parent = next((c for c in parents.parent_links(profile) if c.node_id != node_id
                       and review_id(node_id, c.node_id) not in rejected), None)
        if parent is not None:
            out.append((positions[parent.node_id], Candidate(
                node_id, name, profile.kind, parent.score, "part_of", parent.reasons, name)))
    return out


def retargeted_ids(nodes: list[Node], planned: list[Node]) -> dict[str, str]:
    """{incoming id: id written} for records `plan_organisation_writes` re-targeted."""
    return {a.id: b.id for a, b in zip(nodes, planned, strict=True) if a.id != b.id}


def _open_review(store: GraphStore, item_id: str) -> ReviewItem:
    for item in store.list_reviews(None):
        if item.id == item_id:
            if item.status != "open":
                raise Conflict(f"was already {item.status} by {item.decided_by or 'someone'}",
                               value=item_id, where="review")
            return item
    raise NotFound("is not a review item (see `duijie review list`)", value=item_id,
                   where="review")


def accept_review(store: GraphStore, item_id: str, user: str) -> ReviewItem:
    """The two records are one organisation: fold the incoming node into the stored
    one (props, aliases, edges moved) and mark the item accepted. Two people (or two
    server workers) accepting the same item at once merge once: the merge expects the
    records as read, so the second one is a `Conflict` and writes nothing."""
    item = _open_review(store, item_id)
    drop_id = str(item.payload.get("id", ""))
    present = store.get_nodes([item.candidate_id, drop_id])
    if item.candidate_id not in present:
        raise NotFound("no longer exists: the review cannot be accepted",
                       value=item.candidate_id, where=f"review {item_id}")
    if drop_id in present and drop_id != item.candidate_id:
        provenance = Provenance(source=f"user:{user}", user=user, at=utc_now(),
                                quote=f"review {item_id}: {item.name} is "
                                      f"{present[item.candidate_id].name}")
        try:
            store.apply(merge_organisations(store, item.candidate_id, drop_id, provenance))
        except (StaleRevision, NotFound):
            raise Conflict("was decided by someone else at the same time: reload the queue",
                           value=item_id, where="review") from None
    decided = store.decide_review(item_id, True, user)
    if drop_id != item.candidate_id:
        dropped = present[drop_id].name if drop_id in present else item.name
        merged = f"{dropped} was merged into {present[item.candidate_id].name}"
        _repoint_reviews(store, item_id, item.candidate_id, drop_id, user, merged)
    return decided


def _repoint_reviews(store: GraphStore, accepted_id: str, keep_id: str, drop_id: str,
                     user: str, merged: str) -> None:
    """Open items about the node merged away now ask about the kept one.

    Each is replaced by an item for the re-pointed pair (unless that pair was already
    asked or decided) and closed, its `decided_by` saying where it went and why, so
    accepting it later says so instead of failing with "no longer exists".
    """
    items = {i.id: i for i in store.list_reviews(None)}
    note = f"{merged} (review {accepted_id})"  # by name: a person reads it
    moved: list[tuple[ReviewItem, str]] = []
    for item in items.values():
        incoming = str(item.payload.get("id", ""))
        if item.status != "open" or drop_id not in (incoming, item.candidate_id):
            continue
        if incoming == drop_id:  # the kept record, as it now is, asks the question
            incoming, candidate = keep_id, item.candidate_id
            payload = store.get_node(keep_id).to_dict()
        else:
            candidate, payload = keep_id, item.payload
        new_id = review_id(incoming, candidate)
        if incoming != candidate and new_id not in items:
            store.add_reviews([ReviewItem(
                id=new_id, name=item.name, candidate_id=candidate, score=item.score,
                kind=item.kind, payload=payload, created_at=utc_now(),
                reasons=[*item.reasons, f"re-pointed: {note}"])])
        where = f"moved to {new_id}" if incoming != candidate else "closed"
        moved.append((item, f"{user}; {where}: {note}"))
    for item, decided_by in moved:
        store.decide_review(item.id, False, decided_by)


def reject_review(store: GraphStore, item_id: str, user: str) -> ReviewItem:
    """The two records are different organisations; the pair is not asked again."""
    _open_review(store, item_id)
    return store.decide_review(item_id, False, user)


def _batch(nodes: list[Node]) -> WriteBatch:
    batch = WriteBatch()
    for node in nodes:
        batch.upsert_node(node)
    return batch
