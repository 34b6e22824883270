"""Recommend both ways, from one shared recommender per store that keeps up with writes.

`shared_recommender(store)` gives the one `SharedRecommender` of that store (and
config, date and exclusions): every thread of a process (CLI, web workers, planning
jobs) asks it, and it answers from an immutable `matcher.recommender.Recommender`
over a `GraphSnapshot` of the store. Before answering it compares the store's
`version()` with its snapshot's:

* unchanged: the current recommender answers (no lock taken);
* changed only by this process's batches that add records (new nodes, and edges
  touching them), which the store reports through `graph.store.on_write`: a new
  recommender is derived with them (`Recommender.with_records`: copies grow, no
  refit), so a need just imported is rankable at once;
* anything else (another process wrote, a record changed or was deleted, an edge
  between known nodes): the snapshot is read again, whole.

The new recommender is built aside and swapped in under a lock; a query that started
on the old one finishes on it. The use cases below return `Result`s.

>>> from duijie.graph import open_store
>>> from duijie.api.services.seeding import load_seed
>>> store = open_store(":memory:"); _ = load_seed(store)
>>> shared_recommender(store) is shared_recommender(store)
True
>>> result = recommend_for_need(store, "need:xian-dali-technology", kind="institute",
...                             k=3, region="西安")
>>> result.to_dict()["items"][0]["name"]  # an invented institute, marked as such
'示例西安光电研究所（示意）'
"""

from __future__ import annotations

import json
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from duijie.api.services import Result
from duijie.api.services.access import Viewer, in_scope, path_is_visible
from duijie.api.services.embeddings import semantic_side
from duijie.api.services.needs import Audit, need_record, visible_needs
from duijie.api.services.result_cache import ResultCache
from duijie.graph.errors import Conflict, InvalidInput, NotFound, at
from duijie.graph.store import (
    EDGE_WEIGHTS,
    GraphStore,
    PreparedBatch,
    iter_nodes,
    on_write,
)
from duijie.graph.vocab import PARTY_REASONS
from duijie.matcher.notes import note
from duijie.matcher.recommend import (
    Recommendation,
    RecommendConfig,
    RecommendedItem,
    default_config,
)
from duijie.matcher.recommender import Recommender
from duijie.matcher.snapshot import CANDIDATE_KINDS, GraphSnapshot

OPERATOR = Viewer.operator()  # the command line: sees everything
READ_ATTEMPTS = 3
REPORT_WAIT = 0.2  # seconds a query waits for a batch committed here to be reported


def load_config(path: str | Path | None = None) -> RecommendConfig:
    """A recommendation config from a JSON file (the packaged one if None).

    Raises `InvalidInput` naming the file when it cannot be read or breaks a rule
    (unknown key, a candidate kind without weights, …).
    """
    if path is None:
        return default_config()
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"cannot be read as a recommend config: {exc}", value=str(path)
                           ) from None
    if not isinstance(data, dict):
        raise InvalidInput("must hold a JSON object", value=str(path))
    return RecommendConfig.from_dict(data, where=str(path))


# -- reading a store into a snapshot ----------------------------------------------------

def read_snapshot(store: GraphStore) -> GraphSnapshot:
    """The store's graph as a `GraphSnapshot`, tagged with the store's `version()`.

    The projection and the candidates' properties are read between two version
    reads; if a write landed in between, the read is done again. A store that keeps
    changing gets a snapshot tagged None (never current, so the next query reads
    again); one whose projection changes under every read raises `Conflict`.
    """
    for attempt in range(READ_ATTEMPTS):
        before = store.version()
        try:
            props = {n.id: n.props for kind in CANDIDATE_KINDS for n in iter_nodes(store, kind)}
            snapshot = GraphSnapshot.from_projection(store.projection(), props, before)
        except RuntimeError:  # the projection changed size while it was read
            continue
        if store.version() == before:
            return snapshot
        if attempt == READ_ATTEMPTS - 1:
            return GraphSnapshot(snapshot.kinds, snapshot.names, snapshot.props,
                                 snapshot.out_links, snapshot.in_links, None)
    raise Conflict(f"the graph kept changing while it was read ({READ_ATTEMPTS} tries); "
                   "try again", value=getattr(store, "url", None))


def _additions(batches: list[PreparedBatch], snapshot: GraphSnapshot
               ) -> tuple[list, list] | None:
    """The new nodes and edges of `batches` as snapshot records, or None if any batch
    does more than add records (a deletion, a changed node, an edge between known
    nodes)."""
    nodes, edges = [], []
    for batch in batches:
        if batch.delete_node_ids or batch.delete_edge_ids:
            return None
        nodes += [(n.id, n.kind, n.props) for n in batch.nodes]
        edges += [(e.src, e.kind, e.dst, float(e.props.get("weight", EDGE_WEIGHTS.get(
            e.kind, 1.0)))) for e in batch.edges]
    fresh = {n[0] for n in nodes}
    if len(fresh) < len(nodes) or fresh & snapshot.kinds.keys():
        return None
    if any(e[0] not in fresh and e[2] not in fresh for e in edges):
        return None
    return nodes, edges


class _Base:
    """The recommender of one store without exclusions, kept current (see module)."""

    def __init__(self, store: GraphStore, config: RecommendConfig, today: date | None):
        self._store = weakref.ref(store)
        self.config, self.today = config, today
        self._current: Recommender | None = None
        self._build_lock = threading.Lock()
        # This process's batches since the last build, each with the store's version
        # read after it (which counts it, and maybe later ones).
        self._pending: list[tuple[PreparedBatch, Any]] = []
        self._pending_lock = threading.Lock()
        self.full_builds = 0
        self.incremental_builds = 0

    def written(self, store: GraphStore, batch: PreparedBatch) -> None:
        version = store.version()
        with self._pending_lock:
            self._pending.append((batch, version))

    def get(self, *, force: bool = False) -> Recommender:
        store = self._store()
        if store is None:
            raise InvalidInput("the store of this recommender was closed and dropped")
        meaning = semantic_side(store)  # None: words and graph only
        rec = self._current
        if (not force and rec is not None and rec.snapshot.version == store.version()
                and rec.semantic is meaning):
            return rec
        with self._build_lock:  # one builder; the others wait for its result
            version = store.version()
            rec = self._current
            if not force and rec is not None and rec.snapshot.version == version:
                if rec.semantic is not meaning:  # the embeddings job wrote a new file
                    rec = self._current = rec.with_semantic(meaning)
                return rec
            if rec is not None and not force:
                self._await_reports(rec.snapshot.version, version)
            with self._pending_lock:  # batches after `version` wait for the next build
                pending = [p for p in self._pending if p[1][1] <= version[1]]
                self._pending = [p for p in self._pending if p[1][1] > version[1]]
            rec = None if force else self._derived(rec, version, pending)
            if rec is None:
                rec = Recommender(read_snapshot(store), self.config, self.today,
                                  semantic=meaning)
                self.full_builds += 1
            elif rec.semantic is not meaning:
                rec = rec.with_semantic(meaning)
            self._current = rec
            return rec

    def _await_reports(self, then: Any, version: Any) -> None:
        """Wait (briefly) for the reports of this process's batches counted in `version`:
        a store reports a batch just after its commit, and a query arriving in between
        would otherwise read the whole store again."""
        if then is None or version[0] != then[0]:
            return
        deadline = time.monotonic() + REPORT_WAIT
        while time.monotonic() < deadline:
            with self._pending_lock:
                reported = sum(1 for _, after in self._pending
                               if then[1] < after[1] <= version[1])
            if reported >= version[1] - then[1]:
                return
            time.sleep(0.001)

    def _derived(self, rec: Recommender | None, version: Any,
                 pending: list[tuple[PreparedBatch, Any]]) -> Recommender | None:
        if rec is None or rec.snapshot.version is None:
            return None
        then = rec.snapshot.version
        # A batch whose version-after is not past the snapshot's is in it already.
        batches = [batch for batch, after in pending if after[1] > then[1]]
        # Only this process wrote (`others` unchanged), and every batch it applied
        # since has been reported.
        if not batches or version[0] != then[0] or version[1] - then[1] != len(batches):
            return None
        added = _additions(batches, rec.snapshot)
        if added is None:
            return None
        self.incremental_builds += 1
        return rec.with_records(*added, version=version)


@dataclass
class SharedRecommender:
    """One store's recommender for one set of exclusions, current at every call.

    `current()` gives the immutable `Recommender` to answer from; `recommend` and
    `recommend_for` ask it (see `matcher.recommender.Recommender` for the arguments).
    """

    base: _Base
    exclude_nodes: frozenset[str] = frozenset()
    exclude_edges: frozenset[tuple[str, str, str]] = frozenset()
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _from: Recommender | None = field(default=None, repr=False)
    _rec: Recommender | None = field(default=None, repr=False)

    def current(self) -> Recommender:
        """The recommender over the store as it is now (built or grown if it changed)."""
        base = self.base.get()
        if not (self.exclude_nodes or self.exclude_edges):
            return base
        with self._lock:
            if self._from is not base:
                self._rec = base.excluding(self.exclude_nodes, self.exclude_edges)
                self._from = base
            return self._rec  # type: ignore[return-value]

    def refresh(self) -> SharedRecommender:
        """Read the whole store again now (other processes' edits are noticed anyway)."""
        self.base.get(force=True)
        return self

    def recommend(self, need_id: str | None = None, kind: str = "expert", k: int = 10,
                  **options: Any) -> Recommendation:
        return self.current().recommend(need_id, kind, k, **options)

    def recommend_for(self, candidate_id: str, kind: str = "need", k: int = 10,
                      **options: Any) -> Recommendation:
        return self.current().recommend_for(candidate_id, kind, k, **options)


_SHARED: weakref.WeakKeyDictionary[Any, dict[tuple, Any]] = weakref.WeakKeyDictionary()
_SHARED_LOCK = threading.Lock()


def shared_recommender(store: GraphStore, *, exclude_nodes: Iterable[str] = (),
                       exclude_edges: Iterable[tuple[str, str, str]] = (),
                       config: RecommendConfig | None = None, today: date | None = None
                       ) -> SharedRecommender:
    """The one shared recommender of `store` for this config, date and exclusions.

    Safe to call from any thread, and to query from many at once. Recommenders of one
    store with the same config and date share their text models: exclusions only
    change the graph side. `today` (for programme deadlines) is the current date if
    None.
    """
    config = config or default_config()
    config_key = json.dumps(config.to_dict(), sort_keys=True)
    nodes = frozenset(exclude_nodes)
    edges = frozenset(tuple(e) for e in exclude_edges)
    with _SHARED_LOCK:
        per_store = _SHARED.setdefault(store, {})
        base = per_store.get(("base", config_key, today))
        if base is None:
            base = per_store[("base", config_key, today)] = _Base(store, config, today)
        key = ("shared", config_key, today, nodes, edges)
        shared = per_store.get(key)
        if shared is None:
            shared = per_store[key] = SharedRecommender(base, nodes, edges)
        return shared


@on_write
def _tell_recommenders(store: GraphStore, batch: PreparedBatch) -> None:
    """Every batch this process commits reaches the store's recommenders."""
    try:
        per_store = _SHARED.get(store)
    except TypeError:  # a store that cannot be weakly referenced has no recommenders
        return
    for key, value in list((per_store or {}).items()):
        if key[0] == "base":
            value.written(store, batch)


# -- use cases ----------------------------------------------------------------------------

NOTHING_SHOWN = note("nothing_shown")
"""The reason of an empty list a filtered viewer gets: the recommender's own reason
counts candidates, and those counts may include needs the viewer may not see."""


@dataclass
class RecommendResult(Result):
    """A ranked list, with what was asked and why it is short or empty when it is.

    ``query`` always has kind, need, title, text, candidate, name, firm, firm_name,
    region and note (None when not given); each item has id, kind, name, score,
    components, region and explanation (matched phrases and terms, graph paths,
    programme rules or None). For a viewer who may not see scores, every score and
    weight is None and ``components`` is empty; the keys stay.
    """

    query: dict[str, Any]
    count: int
    items: list[RecommendedItem]
    reason: str | None
    excluded: dict[str, int]
    show_scores: bool = field(default=True, repr=False)
    ranking: dict[str, Any] | None = None  # learned or hybrid, and why (outcome_learning)

    @classmethod
    def of(cls, rec: Recommendation) -> RecommendResult:
        return cls(rec.query, len(rec.items), rec.items, rec.reason, dict(rec.excluded))

    def to_dict(self) -> dict[str, Any]:
        items = [item.to_dict() for item in self.items]
        if not self.show_scores:
            items = [_without_scores(item) for item in items]
        ranking = self.ranking
        if ranking is not None and not self.show_scores:
            ranking = {**ranking, "chance_of_signing": {}}
        return {"query": dict(self.query), "count": self.count, "items": items,
                "reason": self.reason, "excluded": dict(self.excluded), "ranking": ranking}


def _without_scores(item: dict[str, Any]) -> dict[str, Any]:
    explanation = item["explanation"]
    return {**item, "score": None, "components": {},
            "explanation": {**explanation,
                            "matched_terms": [{**t, "weight": None}
                                              for t in explanation["matched_terms"]],
                            "paths": [{**p, "score": None} for p in explanation["paths"]]}}


SCOPED_KINDS = {"enterprise": "Enterprise", "expert": "Expert"}
"""Candidates an organiser of one region sees only in that region (`access.in_scope`)."""


@dataclass(frozen=True)
class _Sight:
    """What one viewer may see of a recommendation: the needs they may read, their own
    firm-owned nodes (for paths), the needs paths and matched words must not come from,
    and, for an organiser of one region, the firms and experts of that region."""

    viewer: Viewer
    readable: frozenset[str]
    own: frozenset[str]
    hidden: frozenset[str]
    _scoped: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, store: GraphStore, viewer: Viewer) -> _Sight:
        """The sight of this viewer, read once per store version (every need is read
        for it) and kept for the next question of anyone who sees the same."""
        if viewer.sees_everything:  # nothing to filter: spare reading every need
            return cls(viewer, frozenset(), frozenset(), frozenset())
        seen_as = replace(viewer, user_id=None)  # who asks does not change what they see
        return SIGHTS.answer(store, seen_as, lambda: cls._read(store, seen_as))

    @classmethod
    def _read(cls, store: GraphStore, viewer: Viewer) -> _Sight:
        readable = frozenset(r.node.id for r in visible_needs(store, viewer))
        hidden = frozenset(n.id for n in iter_nodes(store, "Need")) - readable
        own = readable | ({viewer.party_id} if viewer.party_id else set())
        return cls(viewer, readable, frozenset(own), hidden)

    def within(self, kind: str, rec: Recommender) -> frozenset[str] | None:
        """The candidates of `kind` this viewer may be shown (None: all of them), from
        the recommender that will answer (`rec`, of the same store version)."""
        kind = kind.lower()
        if kind == "need" and not self.viewer.sees_everything:
            return self.readable
        if kind == "enterprise" and not self.viewer.is_staff:
            return frozenset({self.viewer.party_id} if self.viewer.party_id else ())
        if kind in SCOPED_KINDS and self.viewer.scope:
            # The region rule per distinct region written, not per expert.
            by_region = rec.facts.by_region(SCOPED_KINDS[kind])
            key = (kind, id(by_region))
            if key not in self._scoped:
                self._scoped.clear()
                self._scoped[key] = (by_region, frozenset().union(*(
                    ids for region, ids in by_region.items()
                    if in_scope(self.viewer, [region]))))
            return self._scoped[key][1]
        return None

    def shown(self, store: GraphStore, rec: Recommendation) -> RecommendResult:
        """The recommendation as this viewer may read it: paths and matched words they
        may see, scores only if they may see them, and counts of nothing else."""
        if self.viewer.sees_everything:
            return RecommendResult.of(rec)
        path_nodes = {n for item in rec.items for p in item.paths for n in p["nodes"]}
        kinds = {n.id: n.kind for n in store.get_nodes(path_nodes).values()}
        items = [replace(item, paths=[
            p for p in item.paths if path_is_visible(
                self.viewer, p["nodes"], [kinds.get(n, "Need") for n in p["nodes"]],
                own=self.own, hidden=self.hidden)
            and (self.viewer.is_staff or (p.get("reason") or {}).get("code") in PARTY_REASONS)],
            **self._words(item))
            for item in rec.items]
        # The recommender's reasons count candidates the viewer may not see.
        reason = None if items else NOTHING_SHOWN
        return RecommendResult(rec.query, len(items), items, reason, {},
                               show_scores=self.viewer.is_staff or self.viewer.show_scores)

    def _words(self, item: RecommendedItem) -> dict[str, Any]:
        """The matched words that come from documents the viewer may read (a firm's
        words may come from a need they may not see)."""
        terms = [t for t in item.matched_terms if t.get("doc") not in self.hidden]
        if len(terms) == len(item.matched_terms):
            return {}
        kept = {t["term"] for t in terms}
        return {"matched_terms": terms,
                "matched_phrases": [p for p in item.matched_phrases
                                    if any(p in term or term in p for term in kept)]}


SIGHTS = ResultCache(size=256)
"""What each viewer may see, kept per store version (`_Sight.of`)."""


def _is_operator(viewer: Viewer) -> bool:
    return viewer.role is None


def _as_seen(store: GraphStore, viewer: Viewer, config: RecommendConfig | None, kind: str,
             ask: Callable[[Recommender, frozenset[str] | None], Recommendation]
             ) -> RecommendResult:
    """`ask(recommender, within)` on the store's current recommender, as `viewer` may
    read the answer (`within`: the candidates they may be shown, None for all)."""
    rec = shared_recommender(store, config=config).current()
    if _is_operator(viewer):
        return RecommendResult.of(ask(rec, None))
    sight = _Sight.of(store, viewer)
    return sight.shown(store, ask(rec, sight.within(kind, rec)))


RESULTS = ResultCache(size=2048)
"""Answers kept per store version, question and viewer class (`result_cache`)."""


def _viewer_class(viewer: Viewer) -> tuple[str | None, str | None]:
    """Who asks, as far as it changes an answer: organisers (and the operator) by their
    scope, a firm or an expert by who they are."""
    if viewer.is_staff:
        return "staff", viewer.scope
    return viewer.role.value if viewer.role else None, viewer.party_id


def _answer(store: GraphStore, question: tuple, viewer: Viewer,
            config: RecommendConfig | None, compute) -> RecommendResult:
    """`compute()`, or the answer kept for this question, viewer class and graph (an
    explicit `config` is not kept: it is a one-off). New embeddings are a new graph for
    this purpose: the key holds which stored embeddings answered, and which learning run
    (`learning_runs.last_run`) the learned ranking came from."""
    from duijie.api.services.learning_runs import last_run

    if config is not None:
        return compute()
    meaning = semantic_side(store)
    kept = last_run(store)
    key = (*question, _viewer_class(viewer), date.today().isoformat(),
           None if meaning is None else id(meaning), kept[0].learned_at if kept else None)
    return RESULTS.answer(store, key, compute)


def recommend_for_need(store: GraphStore, need_id: str, *, kind: str = "expert", k: int = 10,
                       region: str | None = None, firm_id: str | None = None,
                       available_only: bool = True, config: RecommendConfig | None = None,
                       viewer: Viewer = OPERATOR, audit: Audit | None = None
                       ) -> RecommendResult:
    """Experts, institutes, programmes or firms for a stored need, with reasons.

    A need the viewer may not read is `NotFound`, worded as for an unknown id. `audit`
    hears of the need read and of every need the answer shows. `firm_id` may be the
    firm's id or its name (`firm_ref`)."""
    firm_id = firm_ref(store, firm_id, viewer)
    if not _is_operator(viewer):
        need_record(store, need_id, viewer)
        _check_firm(viewer, firm_id)

    def hybrid(size: int) -> RecommendResult:
        return _as_seen(store, viewer, config, kind, lambda rec, within: rec.recommend(
            need_id, kind, size, region=region, firm_id=firm_id, available_only=available_only,
            within=within))

    def compute() -> RecommendResult:
        if kind not in LEARNED_KINDS or config is not None:
            return hybrid(k)
        return _learned_or_hybrid(store, need_id, k, firm_id, hybrid)

    result = _answer(store, ("need", need_id, kind, k, region, firm_id, available_only),
                     viewer, config, compute)
    if audit is not None:
        audit("recommend", need_id, f"{kind} for this need")
        _audit_shown(store, audit, result, f"recommended for {need_id}", skip=need_id)
    return result


LEARNED_KINDS = ("expert", "institute")
"""Partners the learned ranking knows (it learned from firm × partner meetings)."""


def _learned_or_hybrid(store: GraphStore, need_id: str, k: int, firm_id: str | None,
                       hybrid) -> RecommendResult:
    """The hybrid list, re-ranked by the learned chance of signing when that ranking is in
    use (`outcome_learning.ranking_model`); `ranking` says which and why."""
    from duijie.api.services.outcome_learning import RERANK_POOL, ranking_model, rerank

    note, choice = ranking_model(store)
    if choice is None:
        result = hybrid(k)
    else:
        result = hybrid(max(k, RERANK_POOL))
        result.items, chances = rerank(store, need_id, result.items, k, choice, firm_id)
        result.count = len(result.items)
        note = {**note, "chance_of_signing": chances}
    result.ranking = note
    return result


def recommend_for_text(store: GraphStore, text: str, *, kind: str = "expert", k: int = 10,
                       region: str | None = None, firm_id: str | None = None,
                       available_only: bool = True, config: RecommendConfig | None = None,
                       viewer: Viewer = OPERATOR, audit: Audit | None = None
                       ) -> RecommendResult:
    """Candidates for an unsaved need described in `text` (optionally of a stored firm,
    by id or name: `firm_ref`); `audit` hears of every need the answer shows."""
    firm_id = firm_ref(store, firm_id, viewer)
    if not _is_operator(viewer):
        _check_firm(viewer, firm_id)

    def compute() -> RecommendResult:
        return _as_seen(store, viewer, config, kind, lambda rec, within: rec.recommend(
            None, kind, k, text=text, region=region, firm_id=firm_id,
            available_only=available_only, within=within))

    result = _answer(store, ("text", text, kind, k, region, firm_id, available_only), viewer,
                     config, compute)
    if audit is not None:
        _audit_shown(store, audit, result, "recommended for a text")
    return result


def recommend_for_candidate(store: GraphStore, candidate_id: str, *, kind: str = "need",
                            k: int = 10, region: str | None = None,
                            available_only: bool = True,
                            config: RecommendConfig | None = None,
                            viewer: Viewer = OPERATOR, audit: Audit | None = None
                            ) -> RecommendResult:
    """Needs or firms that fit an expert, institute or programme (成果找需求, 服务找企业).

    A viewer gets only the needs they may read: a confidential need, its title and its
    matched words reach nobody outside its firm and the organisers. `audit` hears of
    every need the answer shows."""
    def compute() -> RecommendResult:
        return _as_seen(store, viewer, config, kind, lambda rec, within: rec.recommend_for(
            candidate_id, kind, k, region=region, available_only=available_only,
            within=within))

    result = _answer(store, ("for", candidate_id, kind, k, region, available_only), viewer,
                     config, compute)
    if audit is not None:
        _audit_shown(store, audit, result, f"recommended for {candidate_id}")
    return result


def _audit_shown(store: GraphStore, audit: Audit, result: RecommendResult, detail: str, *,
                 skip: str | None = None) -> None:
    """Tell `audit` of each need an answer shows: as a candidate, or as the document a
    candidate's matched words come from."""
    shown = result.__dict__.get("_needs_shown")
    if shown is None:  # once per kept answer: the same graph shows the same needs
        shown = {item.id for item in result.items if item.kind == "Need"}
        docs = {t["doc"] for item in result.items for t in item.matched_terms if t.get("doc")}
        docs -= shown
        if docs:
            shown |= {n.id for n in store.get_nodes(docs).values() if n.kind == "Need"}
        result.__dict__["_needs_shown"] = shown = frozenset(shown)
    for need_id in sorted(shown - {skip}):
        audit("recommended", need_id, detail)


def firm_ref(store: GraphStore, firm: str | None, viewer: Viewer = OPERATOR) -> str | None:
    """The id of the enterprise `firm` means: its id, its exact stored name or alias, or
    the one organisation `resolve` finds at 1.00 (``--firm 迎丰科技`` as well as
    ``--firm ent:yingfeng-tech``).

    Raises `NotFound` (with the closest names, for staff) when nothing is meant for sure,
    `InvalidInput` when two stored firms carry that exact name.

    >>> from duijie.graph import open_store
    >>> from duijie.graph.model import Node
    >>> store = open_store(":memory:")
    >>> with store.batch() as b:
    ...     b.upsert_node(Node("ent:yf", "Enterprise", {"name": "迎丰科技"}))
    >>> firm_ref(store, "迎丰科技"), firm_ref(store, "ent:yf")
    ('ent:yf', 'ent:yf')
    """
    if firm is None:
        return None
    name = str(firm).strip()
    node = store.get_nodes([name]).get(name) if name else None
    if node is not None and node.kind == "Enterprise":
        return node.id
    if not name or not viewer.is_staff:  # a firm asks only as itself: said by `_check_firm`
        return name
    from duijie.graph.resolution import resolve  # the name index: load late

    found = resolve(store, name, kind="Enterprise", k=5)
    exact = [c for c in found if c.name == name or c.matched_name == name]
    # 1.00 as `duijie resolve` prints it; the answer names the firm used (query.firm_name).
    sure = exact or [c for c in found if round(c.score, 2) >= 1.0]
    if len({c.node_id for c in sure}) > 1:
        raise InvalidInput("names more than one stored firm: give the id ("
                           + ", ".join(f"{c.node_id} {c.name}" for c in sure[:5]) + ")",
                           value=name, where="firm")
    if sure:
        return sure[0].node_id
    close = [c.name for c in found if c.decision != "different"] or [c.name for c in found[:3]]
    hint = f" (closest: {', '.join(close)})" if close else ""
    raise NotFound(f"is not a known enterprise{hint}", value=name, where="firm")


def _check_firm(viewer: Viewer, firm_id: str | None) -> None:
    """A firm or an expert may ask only as themselves (another firm's profile shapes the
    seeds and the paths)."""
    if firm_id is not None and not viewer.is_staff and firm_id != viewer.party_id:
        raise NotFound(key="ledger.not_your_firm", value=str(firm_id)[:80],
                       where=at("where.firm"))
