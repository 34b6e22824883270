"""Where partners ranked before their events, for every event at once: the knowledge graph
walked in date order.

The honest rank of a partner is the one a recommendation made *before* the event gave
it (`api.services.partner_rank`). Building a copy of the whole graph per event costs
seconds each on a large store, so `PreEventGraphs` reads the store once and ranks on the
**knowledge graph**: every node except the records of events (events, their meetings,
their outcomes), and every edge between such nodes. What earlier events said about who
worked with whom is in the `met`, `signed` and `collaborated_with` edges the outcome path
wrote; each such edge is seen by an event only when `pre_event_cut` would keep it
(`visible_from`: dated before the event's start, and not recorded for that event, a
later one or their meetings). Walking the events in date order, the graph side of each
event is the previous one plus the edges that became visible in between (one sparse
matrix whose values grow), so nothing written at or after an event feeds its ranks.

Text scores do not depend on the event (a candidate's text profile is its own
documents, fields and topics, never a meeting or an outcome): they are computed once per
need and kind. The graph side is one personalised PageRank per need and firm of the
event. Each partner's rank is the one `Recommender.recommend(need, k=MAX_K,
available_only=False, explain=False, shown_rules=False)` gives on the same pre-event graph
(a test checks every rank against it): words and graph by their plain weighted sum,
without stored embeddings. Its PageRanks are
solved by conjugate gradients to `WALK_TOL` rather than by the recommender's exact
factorisation, which each event's graph would need anew (scores within about 1e-9).

>>> from duijie.graph import open_store
>>> from duijie.api.services.seeding import XIAN_EVENT, load_seed
>>> store = open_store(":memory:"); _ = load_seed(store)
>>> graphs = PreEventGraphs(store)
>>> "evt:xian-docking-2019-05" in graphs.recommender.kind_of  # no event is ranked through
False
>>> visible_from({"date": "2019-05-23"}, "")
'2019-05-23'
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any

import numpy as np
import scipy.sparse as sp

from duijie.graph.errors import InvalidInput, NotFound
from duijie.graph.model import Edge
from duijie.graph.store import EDGE_WEIGHTS, GraphStore, iter_edges, iter_nodes
from duijie.matcher.graph_rank import (
    Transition,
    _edge_weight,
    personalized_pagerank_many,
)
from duijie.matcher.recommend import MAX_K, RecommendConfig, seed_weights
from duijie.matcher.recommender import Recommender
from duijie.matcher.snapshot import GraphSnapshot

RECORD_KINDS = frozenset({"Event", "Meeting", "Outcome"})
"""The records of events: never part of a pre-event graph (see the module docstring)."""
RECORD_EDGES = frozenset({"has_meeting", "has_outcome", "involves", "participated_in"})
"""Edge kinds that only link records (not read; any other edge touching one is dropped)."""
LEARNED = ("met", "signed", "collaborated_with")
RECORDED = ("met", "signed")
NODE_KIND = {"expert": "Expert", "institute": "Institute"}
WALK_TOL = 1e-10
"""The walk's PageRanks by conjugate gradients to this tolerance (an error bound of
``tol × nodes`` in L1): within about 1e-9 of the recommender's exact solve
(``method="direct"``, whose one-off factorisation of the graph's core, 0.05-0.13 s on
the benchmark's graph, would be paid again for each event's graph: 123 CPU s for 1,000
events against 25 with this), far below the 6 decimals a score is reported with."""


def visible_from(props: dict[str, Any], source_day: str) -> str:
    """The key an edge is seen after: an event starting on day ``D`` sees it iff
    ``key < D`` (``""``: always). `source_day` is the start of the event it was recorded
    for (its own or its meeting's, the later), ``""`` if none. The same rule as
    `partner_rank.pre_event_cut`: dated (``date``, ``since`` or ``recorded_at``) on or
    after ``D``, or in ``D``'s year or later, or recorded for an event on or after ``D``.

    >>> visible_from({"year": 2018}, "") < "2019-01-01" <= visible_from({"year": 2019}, "")
    True
    >>> visible_from({"date": "2019-01-02"}, "2019-05-23")
    '2019-05-23'
    """
    day = props.get("date") or props.get("since") or props.get("recorded_at")
    own = (str(day)[:10] if day else
           f"{int(props['year']):04d}-12-31" if props.get("year") is not None else "")
    return max(own, source_day)


class PreEventGraphs:
    """The store's knowledge graph read once, and the graph side before any date.

    `ranks_before(cutoff)` gives a `RankerAt` for events starting on `cutoff`; asked in
    date order each step only adds what became visible (asking for an earlier date starts
    the walk again). `recommender` is the knowledge graph's `Recommender` as it is today
    (its text models are the ones every rank uses).
    """

    def __init__(self, store: GraphStore, config: RecommendConfig | None = None,
                 event_dates: dict[str, str] | None = None,
                 meeting_event: dict[str, str] | None = None):
        counts = store.counts()
        nodes = [(n.id, n.kind, n.props) for kind in counts["nodes"]
                 if kind not in RECORD_KINDS for n in iter_nodes(store, kind)]
        known = {n[0] for n in nodes}
        edges, learned = [], []
        self.recorded: dict[str, list[Edge]] = {}  # met/signed edges by source event
        for kind in counts["edges"]:
            if kind in RECORD_EDGES:
                continue
            # whole edges only where the report shows them (their provenance may say
            # they were invented); ends and properties of the rest
            read = (iter_edges(store, kind) if kind in RECORDED else
                    (Edge(src, kind, dst, props) for src, dst, props in store.edge_props(kind)))
            for e in read:
                if e.src in known and e.dst in known:
                    edges.append((e.src, e.kind, e.dst, float(e.props.get(
                        "weight", EDGE_WEIGHTS.get(e.kind, 1.0)))))
                    if kind in LEARNED:
                        learned.append((len(edges) - 1, e.props))
                    if kind in RECORDED and e.props.get("source_event"):
                        self.recorded.setdefault(e.props["source_event"], []).append(e)
        self.recommender = Recommender(GraphSnapshot.from_records(nodes, edges), config)
        if event_dates is None:
            event_dates = {e.id: str(e.props.get("start_date") or "")[:10]
                           for e in iter_nodes(store, "Event")}
        if meeting_event is None:
            meeting_event = {m for _, p in learned if (m := p.get("meeting_id"))}
            meeting_event = {i: n.props.get("event_id")
                             for i, n in store.get_nodes(meeting_event).items()}
        self._walk_setup(edges, learned, event_dates, meeting_event)
        self._text: dict[tuple[str, str], dict[str, float]] = {}
        self._allowed: dict[tuple[str, str], np.ndarray] = {}

    def _walk_setup(self, edges: list, learned: list, event_dates: dict[str, str],
                    meeting_event: dict[str, str]) -> None:
        index = self.recommender.index
        a = index.adjacency
        n = a.shape[0]
        linear = np.repeat(np.arange(n, dtype=np.int64), np.diff(a.indptr)) * n + a.indices
        keys, rows, cols, weights = [], [], [], []
        self.visible: dict[tuple[str, str, str], str] = {}
        for at, props in learned:
            src, kind, dst, weight = edges[at]
            source = max(event_dates.get(props.get("source_event"), "") or "",
                         event_dates.get(meeting_event.get(props.get("meeting_id")), "")
                         or "")
            key = visible_from(props, source)
            edge = (src, kind, dst)
            self.visible[edge] = max(key, self.visible.get(edge, ""))
            if src == dst or not key:
                continue
            keys.append(key)
            rows.append(index.index[src])
            cols.append(index.index[dst])
            weights.append(_edge_weight(kind, {"weight": weight}, index.edge_weights))
        order = sorted(range(len(keys)), key=keys.__getitem__)
        self._keys = [keys[i] for i in order]
        r, c = np.asarray(rows, np.int64)[order], np.asarray(cols, np.int64)[order]
        self._weights = np.asarray(weights, np.float64)[order]
        self._at = (np.searchsorted(linear, r * n + c), np.searchsorted(linear, c * n + r))
        self._hidden = a.data.astype(np.float64)  # everything with a date, taken out
        for at in self._at:
            np.subtract.at(self._hidden, at, self._weights)
        np.maximum(self._hidden, 0.0, out=self._hidden)
        self._data, self._seen, self._cutoff = self._hidden.copy(), 0, ""

    def ranks_before(self, cutoff: str) -> RankerAt:
        """The graph side an event starting on `cutoff` (YYYY-MM-DD) could have used."""
        if cutoff < self._cutoff:  # back in time: walk again from the start
            self._data, self._seen = self._hidden.copy(), 0
        end = self._seen
        while end < len(self._keys) and self._keys[end] < cutoff:
            end += 1
        for at in self._at:
            np.add.at(self._data, at[self._seen:end], self._weights[self._seen:end])
        self._seen, self._cutoff = end, cutoff
        a = self.recommender.index.adjacency
        matrix = sp.csr_array((self._data.copy(), a.indices.copy(), a.indptr.copy()),
                              shape=a.shape)
        matrix.eliminate_zeros()  # edges not yet visible: early events multiply less
        return RankerAt(self, cutoff, Transition.from_adjacency(matrix, symmetric=True))

    def hidden_before(self, cutoff: str) -> frozenset[tuple[str, str, str]]:
        """The learned edges an event starting on `cutoff` must not see."""
        return frozenset(e for e, key in self.visible.items() if key and key >= cutoff)

    def hidden_count(self, cutoff: str) -> int:
        """How many learned edges an event starting on `cutoff` must not see."""
        keys = self.__dict__.get("_visible_keys")
        if keys is None:
            keys = self._visible_keys = sorted(k for k in self.visible.values() if k)
        return len(keys) - bisect.bisect_left(keys, cutoff)

    # -- what does not depend on the event ----------------------------------------------
    def text_scores(self, need: str, kind: str) -> dict[str, float]:
        """The candidates' text scores for a need (as `matcher.ranking.rank` takes them)."""
        if (need, kind) not in self._text:
            rec = self.recommender
            try:
                self._text[(need, kind)] = rec.text_scores(kind, rec.need_query(need), False)
            except InvalidInput:  # nothing searchable in the need's words
                self._text[(need, kind)] = {}
        return self._text[(need, kind)]

    def allowed(self, firm: str, kind: str) -> np.ndarray:
        """Which candidates of `kind` (in `candidates(kind)` order) may be proposed to the
        firm: no conflict of interest (`matcher.ranking`'s filter without availability)."""
        from duijie.matcher.ranking import _left_out_because

        if (firm, kind) not in self._allowed:
            rec = self.recommender
            party = rec.facts.party(firm)
            self._allowed[(firm, kind)] = np.array(
                [not _left_out_because(rec, c, kind, None, False, party, set())
                 for c in self.candidates(kind)[0]], bool)
        return self._allowed[(firm, kind)]

    def candidates(self, kind: str) -> tuple[list[str], np.ndarray, dict[str, int]]:
        """The candidates of `kind` by id, their rows in the graph index, and each one's
        position in that list."""
        cache = self.__dict__.setdefault("_candidates", {})
        if kind not in cache:
            index = self.recommender.index
            ids = sorted(index.node_ids[r] for r in self.recommender.rows.get(kind, ()))
            cache[kind] = (ids, np.asarray([index.index[c] for c in ids], np.int64),
                           {c: i for i, c in enumerate(ids)})
        return cache[kind]

    def need_roles(self, need: str) -> dict[str, list[str]]:
        """`Recommender.need_roles` (a fresh copy), read once per need."""
        cache = self.__dict__.setdefault("_need_roles", {})
        if need not in cache:
            cache[need] = self.recommender.need_roles(need)
        return {role: list(nodes) for role, nodes in cache[need].items()}

    def firm_links(self, firm: str) -> tuple[list[tuple[str, str]], list[str]]:
        """A firm's ``(edge kind, partner)`` links that may make collaborators, in the
        order `Recommender.add_firm_roles` reads them, and its regions; `NotFound` if it
        is not a known enterprise."""
        cache = self.__dict__.setdefault("_firm_links", {})
        if firm not in cache:
            rec = self.recommender
            if rec.kind_of.get(firm) != "Enterprise":
                raise NotFound("is not a known enterprise", value=firm, where="firm")
            nbrs = rec.snapshot.neighbours
            cache[firm] = ([(kind, c) for kind in ("collaborated_with", "signed", "met")
                            for c in nbrs(firm, kind)], nbrs(firm, "located_in", "out"))
        return cache[firm]

    def text_vector(self, need: str, kind: str) -> tuple[np.ndarray, np.ndarray]:
        """`text_scores` over `candidates(kind)`: which have one, and its value."""
        cache = self.__dict__.setdefault("_text_vectors", {})
        if (need, kind) not in cache:
            position = self.candidates(kind)[2]
            found = {position[c]: s for c, s in self.text_scores(need, kind).items()
                     if c in position}
            has, values = np.zeros(len(position), bool), np.zeros(len(position))
            has[list(found)] = True
            values[list(found)] = list(found.values())
            cache[(need, kind)] = (has, values)
        return cache[(need, kind)]


class RankerAt:
    """Ranks on the graph side before one date (`PreEventGraphs.ranks_before`)."""

    def __init__(self, graphs: PreEventGraphs, cutoff: str, transition: Transition):
        self.graphs, self.cutoff, self.transition = graphs, cutoff, transition
        self._ppr: dict[tuple[str, str], tuple[np.ndarray | None, set[str]]] = {}
        self._scores: dict[tuple[str, str, str], dict[str, Any] | None] = {}

    def _visible(self, edge: tuple[str, str, str]) -> bool:
        key = self.graphs.visible.get(edge, "")
        return not key or key < self.cutoff

    def seeds(self, need: str, firm: str) -> dict[str, float]:
        """The PPR restart weights `Recommender.recommend` uses for the need and firm,
        with the firm's collaborators as they were before the date."""
        rec = self.graphs.recommender
        links, region = self.graphs.firm_links(firm)
        roles = self.graphs.need_roles(need)
        roles["enterprise"] = [firm]
        roles["collaborator"] = list(dict.fromkeys(
            c for kind, c in links
            if self._visible((firm, kind, c)) and self._visible((c, kind, firm))))
        if not roles.get("region"):
            roles["region"] = region
        seeds = seed_weights(roles, rec.config.seed_weights)
        return {s: w for s, w in seeds.items() if s in rec.index}

    def prepare(self, queries: Iterable[tuple[str, str]]) -> None:
        """Solve the PageRanks of these ``(need, firm)`` queries together (one sparse
        product per step for all, or one factorisation of the graph for all:
        `personalized_pagerank_many` with the recommender's method)."""
        rec = self.graphs.recommender
        todo, restarts = [], []
        for need, firm in dict.fromkeys(queries):
            if (need, firm) in self._ppr:
                continue
            try:
                seeds = self.seeds(need, firm)
            except NotFound:
                continue
            p = {rec.index.index[s]: w for s, w in seeds.items() if w > 0}
            self._ppr[(need, firm)] = (None, set(seeds))
            if p:
                todo.append((need, firm))
                restarts.append(p)
        if restarts:
            vectors = personalized_pagerank_many(self.transition, restarts,
                                                 alpha=rec.config.alpha, tol=WALK_TOL,
                                                 method="cg")
            for query, x in zip(todo, vectors, strict=True):
                self._ppr[query] = (x, self._ppr[query][1])

    def scores(self, need: str, firm: str, kind: str) -> dict[str, Any] | None:
        """Every proposable candidate's hybrid score and components for a need asked by
        a firm, as `matcher.ranking.rank` (shown rules off) computes them, best first, at most
        `MAX_K`: ``score``, ``text``, ``graph`` (arrays in that order), ``count``,
        ``at`` (each of `candidates(kind)`'s place in that order, -1 if left out) and each
        one's rank by text alone and by graph alone among them."""
        key = (need, firm, kind)
        if key not in self._scores:
            self._scores[key] = self._score(need, firm, kind)
        return self._scores[key]

    def _score(self, need: str, firm: str, kind: str) -> dict[str, Any] | None:
        graphs = self.graphs
        rec = graphs.recommender
        ids, rows, position = graphs.candidates(kind)
        if not ids:
            return None
        self.prepare([(need, firm)])
        if (need, firm) not in self._ppr:  # not a known enterprise
            return None
        x, seeds = self._ppr[(need, firm)]
        in_text, text = graphs.text_vector(need, kind)
        is_seed = np.zeros(len(ids), bool)
        is_seed[[position[c] for c in seeds if c in position]] = True
        graph = np.zeros(len(ids))
        in_graph = np.zeros(len(ids), bool)
        if x is not None:
            values = x[rows]
            pool = max(rec.config.text_pool, 3 * MAX_K)
            if len(rows) > pool:  # as `Recommender.graph_scores`, in index-row order
                by_row = np.argsort(rows)
                best = np.argpartition(-values[by_row], pool - 1)[:pool]
                in_graph[by_row[best]] = True
                in_graph |= in_text
            else:
                in_graph[:] = True
            in_graph &= ~is_seed
            graph = np.where(in_graph, values, 0.0)
        allowed = (in_text | in_graph) & graphs.allowed(firm, kind)
        if need in position:
            allowed[position[need]] = False
        if not allowed.any():
            return None
        chosen = np.flatnonzero(allowed)
        text, graph = _normalised(text[chosen]), _normalised(graph[chosen])
        weights = rec.config.weights[kind]
        used = ["text", "graph", *(["rules"] if weights.get("rules") else [])]
        total = sum(weights.get(c, 0.0) for c in used) or 1.0
        score = weights.get("text", 0.0) / total * text
        score = np.round(score + weights.get("graph", 0.0) / total * graph, 12)
        order = np.argsort(-score, kind="stable")[:MAX_K]  # ties by id: `chosen` is by id
        found = {"score": score[order], "text": text[order], "graph": graph[order],
                 "count": len(order)}
        found["at"] = np.full(len(ids), -1)  # candidate position → place in the list
        found["at"][chosen[order]] = np.arange(len(order))
        for component in ("text", "graph"):  # ties by id, as `partner_rank._position`
            ranked = np.argsort(-found[component], kind="stable")
            rank = np.empty(len(ranked), np.int64)
            rank[ranked] = np.arange(1, len(ranked) + 1)
            found[f"rank_{component}"] = rank
        return found

    def rank_pair(self, pair: dict[str, Any], kind: str | None, needs: Iterable[str]
                  ) -> dict[str, Any]:
        """The partner's best rank over the needs, as `partner_rank.rank_pair` gives it."""
        best: dict[str, Any] = {"rank": None, "score": None, "components": {}, "need": None,
                                "rank_text": None, "rank_graph": None, "candidates": 0}
        node_kind = NODE_KIND.get(kind or "")
        for need in needs if node_kind else ():
            found = self.scores(need, pair["firm"], node_kind)
            if found is None:
                continue
            best["candidates"] = max(best["candidates"], found["count"])
            where = self.graphs.candidates(node_kind)[2].get(pair["helper"])
            at = -1 if where is None else int(found["at"][where])
            if at < 0 or (best["rank"] is not None and at + 1 >= best["rank"]):
                continue
            best.update({"rank": at + 1, "score": round(float(found["score"][at]), 6),
                         "components": {c: round(float(found[c][at]), 6)
                                        for c in ("text", "graph")},
                         "need": need, "rank_text": int(found["rank_text"][at]),
                         "rank_graph": int(found["rank_graph"][at])})
        return best


def _normalised(values: np.ndarray) -> np.ndarray:
    top = float(values.max()) if len(values) else 0.0
    return np.maximum(values, 0.0) / top if top > 0 else np.zeros_like(values)
