"""The glue between a store and the pure matchers: `Recommender`.

The caller hands over a store object (this module imports no backend). `Recommender`
reads it once into plain structures: the projection's `GraphIndex` (scipy CSR with an
id → row map), node properties of the candidate kinds, one fitted `TextAffinity` per
kind, the region hierarchy. Then `recommend` and `recommend_for` combine text, graph
and rules with `matcher.recommend`.

Keeping up with writes: `add(nodes, edges)` indexes new records at once (a new row in
the matrix, a profile in the text side index: no refit). Writes made through the same
store object are also picked up on the next query: if the projection has more nodes or
edges than indexed, the new nodes and their edges are added the same way; anything
else (a deletion, a changed property) needs `refresh()`.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import networkx as nx
import numpy as np

from duijie.graph.errors import InvalidInput, NotFound
from duijie.graph.places import PLACES, place_path
from duijie.matcher.eligibility import evaluate_eligibility, normalise_place
from duijie.matcher.graph_rank import GraphIndex
from duijie.matcher.paths import explain_paths_indexed
from duijie.matcher.recommend import (
    Party,
    Recommendation,
    RecommendConfig,
    RecommendedItem,
    check_k,
    check_kind,
    close_names,
    combine,
    conflict_reasons,
    empty_reason,
    load_config,
    normalise,
    seed_weights,
    top_k,
)
from duijie.matcher.text import TextAffinity

CANDIDATE_KINDS = ("Expert", "Institute", "Programme", "Enterprise", "Need")
MAX_QUERY_CHARS = 10_000
CLOSED_NEED = {"signed", "not_pursued", "followed_up"}


def _text(*parts: Any) -> str:
    return "\n".join(str(p) for p in parts if p and str(p).strip())


def _nbrs(graph: nx.MultiDiGraph, node: str, edge_kind: str, direction: str = "both",
          kind: str | None = None) -> list[str]:
    """Neighbours of `node` over edges of one kind (in the projection)."""
    out = []
    if node not in graph:
        return out
    views = []
    if direction in ("out", "both"):
        views.append(graph._succ[node])
    if direction in ("in", "both"):
        views.append(graph._pred[node])
    for view in views:
        for other, edges in view.items():
            if any(a.get("kind") == edge_kind for a in edges.values()) and (
                    kind is None or graph.nodes[other].get("kind") == kind):
                out.append(other)
    return list(dict.fromkeys(out))


class Recommender:
    """Recommend experts, institutes, programmes and firms for needs, and the reverse.

    Parameters
    ----------
    store : GraphStore
        Any backend; read through `projection`, `find_nodes` and `get_nodes`.
    config : RecommendConfig, optional
        `matcher.recommend.load_config()` if None.
    today : date, optional
        For programme deadlines; the current date if None.
    check_interval : float, default 2.0
        Seconds between full checks of the projection for edges written between
        existing nodes (new nodes are noticed on every call).
    exclude_nodes, exclude_edges : iterables, optional
        Nodes and ``(src, kind, dst)`` edges the graph side must not rank or explain
        through, nor take collaborators from (an event being planned, its meetings
        and its recorded outcomes: see `GraphIndex.excluding`).
    """

    def __init__(self, store, config: RecommendConfig | None = None,
                 today: date | None = None, check_interval: float = 2.0,
                 exclude_nodes: Iterable[str] = (),
                 exclude_edges: Iterable[tuple[str, str, str]] = ()):
        self.store = store
        self.config = config or load_config()
        self.today = today
        self.check_interval = check_interval
        self.exclude_nodes = frozenset(exclude_nodes)
        self.exclude_edges = frozenset(tuple(e) for e in exclude_edges)
        self._graph: nx.MultiDiGraph | None = None
        self._checked = 0.0

    # -- building ------------------------------------------------------------------
    def refresh(self) -> Recommender:
        """Read the whole store again."""
        graph = self.store.projection()
        self._graph = graph
        self.index = GraphIndex.from_graph(graph)
        if self.exclude_nodes or self.exclude_edges:
            self.index = self.index.excluding(self.exclude_nodes, self.exclude_edges)
        self._seen = (graph.number_of_nodes(), graph.number_of_edges())
        self._checked = time.monotonic()
        self.props: dict[str, dict[str, Any]] = {}
        self.kind_of: dict[str, str] = {}
        for kind in CANDIDATE_KINDS:
            after = None
            while True:
                page = self.store.find_nodes(kind=kind, after=after, limit=1000)
                for node in page:
                    self.props[node.id] = node.props
                    self.kind_of[node.id] = kind
                if len(page) < 1000:
                    break
                after = page[-1].id
        self._rows_by_kind: dict[str, list[int]] = defaultdict(list)
        for i, kind in enumerate(self.index.kinds):
            self._rows_by_kind[kind].append(i)
        self._row_arrays: dict[str, np.ndarray] = {}
        self._groups: dict[str, set[str]] = defaultdict(set)
        for node_id, props in self.props.items():
            if props.get("group"):
                self._groups[props["group"]].add(node_id)
        self.text: dict[str, TextAffinity] = {}
        for kind in CANDIDATE_KINDS:
            profiles = [p for nid, k in self.kind_of.items() if k == kind
                        if (p := self.profile(nid))]
            if profiles:
                self.text[kind] = TextAffinity(**self.config.text_params).fit(profiles)
        self._topics = self._topic_names()
        self._regions_cache()
        return self

    def _regions_cache(self) -> None:
        self._region_nodes_by_name: dict[str, list[str]] = defaultdict(list)
        for n, a in self._graph.nodes(data=True):
            if a.get("kind") == "Region" and a.get("name"):
                self._region_nodes_by_name[normalise_place(str(a["name"]))].append(n)
        self._ancestor_cache: dict[str, list[str]] = {}
        self._affiliation_cache: dict[str, list[str]] = {}
        self._known_regions: set[str] | None = None

    def _ensure(self) -> None:
        if self._graph is None:
            self.refresh()
            return
        graph = self.store.projection()
        now = time.monotonic()
        # Counting a multigraph's edges walks all of them, so it is done when the node
        # count moved or every `check_interval` seconds; nodes are counted in O(1).
        if (graph is self._graph and graph.number_of_nodes() == self._seen[0]
                and now - self._checked < self.check_interval):
            return
        self._checked = now
        counts = (graph.number_of_nodes(), graph.number_of_edges())
        if graph is self._graph and counts == self._seen:
            return
        new_nodes = [v for v in graph if v not in self.index]
        new_edges = list(dict.fromkeys(
            (u, v, key) for n in new_nodes
            for u, v, key in [*graph.out_edges(n, keys=True), *graph.in_edges(n, keys=True)]))
        if (counts[0] - self._seen[0] != len(new_nodes)
                or counts[1] - self._seen[1] != len(new_edges)):
            self.refresh()
            return
        self._graph = graph
        nodes = self.store.get_nodes(new_nodes)
        self._add_indexed(list(nodes.values()),
                          [(u, v, graph.edges[u, v, key].get("kind")) for u, v, key in new_edges])

    def add(self, nodes: Iterable, edges: Iterable = ()) -> None:
        """Make new nodes (and their edges) rankable at once, without a refit.

        Call after writing them to the store. Nodes the store's projection already
        shows are picked up from it; the others are indexed from the arguments.
        """
        self._ensure()
        fresh = [n for n in nodes if n.id not in self.index]
        ids = {n.id for n in fresh}
        self._add_indexed(fresh, [(e.src, e.dst, e.kind) for e in edges
                                  if e.src in ids or e.dst in ids])

    def _add_indexed(self, nodes: list, edges: list[tuple[str, str, str | None]]) -> None:
        for node in nodes:
            known = node.id in self.index
            row = self.index.add_node(node.id, node.kind)
            if not known:
                self._rows_by_kind[node.kind].append(row)
                self._row_arrays.pop(node.kind, None)
                self._seen = (self._seen[0] + 1, self._seen[1])
            if node.kind in CANDIDATE_KINDS:
                self.props[node.id] = node.props
                self.kind_of[node.id] = node.kind
                if node.props.get("group"):
                    self._groups[node.props["group"]].add(node.id)
        for src, dst, kind in edges:
            self.index.add_edge(src, dst, kind=kind)
            self._seen = (self._seen[0], self._seen[1] + 1)
            self._affiliation_cache.pop(src, None)
        if any(n.kind in ("Topic", "Region") for n in nodes):
            self._topics = self._topic_names()
            self._regions_cache()
        self._known_regions = None
        for node in nodes:  # after the edges: a profile names its topics
            if node.kind not in CANDIDATE_KINDS:
                continue
            profile = self.profile(node.id)
            model = self.text.get(node.kind)
            if not profile:
                continue
            if model is None:
                self.text[node.kind] = TextAffinity(**self.config.text_params).fit([profile])
            elif node.id not in model.profile_index_:
                model.add_profiles([profile])

    # -- plain data from the graph -------------------------------------------------
    def name(self, node_id: str) -> str:
        g = self._graph
        if g is not None and node_id in g:
            return str(g.nodes[node_id].get("name") or node_id)
        return node_id

    def _topic_names(self) -> dict[str, str]:
        g = self._graph
        return {n: str(a.get("name")) for n, a in g.nodes(data=True)
                if a.get("kind") == "Topic" and a.get("name")}

    def profile(self, node_id: str) -> dict | None:
        """The text profile of a candidate: ``{"id", "docs": [{"id", "text"}]}``."""
        kind = self.kind_of.get(node_id)
        props = self.props.get(node_id, {})
        g = self._graph
        topics = [self.name(t) for t in _nbrs(g, node_id, "has_expertise", "out")
                  + _nbrs(g, node_id, "about_topic", "out") + _nbrs(g, node_id, "supports",
                                                                   "out", "Topic")]
        tags = props.get("tags") or []
        docs = []
        if kind == "Expert":
            for d in props.get("docs") or []:
                docs.append({"id": d["id"], "text": _text(d.get("title"), d.get("text"))})
            head = _text(props.get("title"), " ".join(props.get("fields") or []),
                         props.get("description"), " ".join(tags), " ".join(topics))
        elif kind == "Institute":
            head = _text(props.get("name"), props.get("description"), " ".join(tags),
                         " ".join(topics))
            for expert in _nbrs(g, node_id, "affiliated_with", "in", "Expert")[:30]:
                for d in (self.props.get(expert) or {}).get("docs") or []:
                    docs.append({"id": f"{expert}/{d['id']}",
                                 "text": _text(d.get("title"), d.get("text"))})
        elif kind == "Programme":
            head = _text(props.get("name"), props.get("description"), props.get("benefit"),
                         " ".join(props.get("industries") or []), " ".join(tags),
                         " ".join(topics))
        elif kind == "Enterprise":
            head = _text(props.get("name"), props.get("industry"), props.get("description"),
                         " ".join(tags), " ".join(topics))
            for need in _nbrs(g, node_id, "submitted", "out", "Need")[:30]:
                p = self.props.get(need) or {}
                docs.append({"id": need, "text": _text(p.get("title"), p.get("text"))})
        elif kind == "Need":
            head = _text(props.get("title"), props.get("text"), props.get("tech_field"),
                         " ".join(topics))
        else:
            return None
        if head:
            docs.insert(0, {"id": "profile", "text": head})
        docs = [d for d in docs if d["text"].strip()]
        return {"id": node_id, "docs": docs} if docs else None

    def affiliations(self, node_id: str) -> list[str]:
        """Organisations a node is `affiliated_with` (cached until the next write)."""
        if node_id not in self._affiliation_cache:
            self._affiliation_cache[node_id] = _nbrs(self._graph, node_id,
                                                     "affiliated_with", "out")
        return self._affiliation_cache[node_id]

    def firm_of(self, need_id: str) -> str | None:
        firms = _nbrs(self._graph, need_id, "submitted", "in", "Enterprise")
        return firms[0] if firms else None

    def regions_of(self, node_id: str) -> set[str]:
        """Normalised names of the regions a node lies in, with every ancestor."""
        names = []
        props = self.props.get(node_id, {})
        if props.get("region"):
            names.append(props["region"])
        names += [self.name(r) for r in _nbrs(self._graph, node_id, "located_in", "out")]
        if not names and self.kind_of.get(node_id) == "Expert":
            for org in _nbrs(self._graph, node_id, "affiliated_with", "out"):
                names += list(self.regions_of(org))
        out: set[str] = set()
        for name in names:
            out |= {normalise_place(a) for a in self.ancestors(name)} | {normalise_place(name)}
        return out

    def ancestors(self, region: str) -> list[str]:
        """Regions containing `region`: the store's `part_of` edges, then the gazetteer."""
        if region not in self._ancestor_cache:
            self._ancestor_cache[region] = self._ancestors(region)
        return self._ancestor_cache[region]

    def _ancestors(self, region: str) -> list[str]:
        out: list[str] = []
        short = normalise_place(region)
        path = place_path(short)
        if path:
            out += list(path[:-1])
        g = self._graph
        for node in self._region_nodes_by_name.get(short, []):
            seen = {node}
            todo = [node]
            while todo:
                for parent in _nbrs(g, todo.pop(), "part_of", "out", "Region"):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
                        out.append(self.name(parent))
        return list(dict.fromkeys(out))

    def known_regions(self) -> set[str]:
        if self._known_regions is None:
            names = set(self._region_nodes_by_name)
            names |= {normalise_place(p["region"]) for p in self.props.values()
                      if p.get("region")}
            self._known_regions = names | set(PLACES)
        return self._known_regions

    def check_region(self, region: str) -> str:
        """A region filter as a normalised name, or `InvalidInput` with close known ones."""
        if not isinstance(region, str) or not region.strip():
            raise InvalidInput("is empty", value=region, where="region")
        short = normalise_place(region)
        known = self.known_regions()
        if short not in known:
            close = close_names(short, known)
            hint = f" (close known regions: {', '.join(close)})" if close else ""
            raise InvalidInput(f"is not a known region{hint}", value=region, where="region")
        return short

    def party(self, firm_id: str | None) -> Party:
        if firm_id is None:
            return Party()
        props = self.props.get(firm_id, {})
        orgs = {firm_id} | set(_nbrs(self._graph, firm_id, "part_of", "both", "Enterprise"))
        if props.get("group"):
            orgs |= self._groups.get(props["group"], set())
        return Party(firm_id, props.get("name"), props.get("group"), frozenset(orgs))

    # -- scoring ---------------------------------------------------------------------
    def _rows(self, kind: str) -> np.ndarray:
        if kind not in self._row_arrays:
            self._row_arrays[kind] = np.asarray(self._rows_by_kind.get(kind, []), np.int64)
        return self._row_arrays[kind]

    def _text_scores(self, kind: str, query: str | None, narrowed: bool) -> dict[str, float]:
        model = self.text.get(kind)
        if model is None or not query:
            return {}
        if narrowed:  # a region filter may leave out every one of the best texts
            scores = model.score(query)
        else:
            pool = min(self.config.text_pool, len(model.profile_ids_))
            scores = dict(model.kneighbors([query], k=pool)[0])
        return {c: s for c, s in scores.items() if s > 0}

    def _graph_scores(self, kind: str, seeds: Mapping[str, float], pool: int | None
                      ) -> tuple[dict[str, float], np.ndarray | None]:
        if not seeds:
            return {}, None
        x = self.index.pagerank_vector(seeds, alpha=self.config.alpha, tol=self.config.tol,
                                       method=self.config.method)
        rows = self._rows(kind)
        if not len(rows):
            return {}, x
        values = x[rows]
        if pool is not None and len(rows) > pool:
            best = np.argpartition(-values, pool - 1)[:pool]
            rows, values = rows[best], values[best]
        ids = self.index.node_ids
        return {ids[r]: float(v) for r, v in zip(rows.tolist(), values.tolist(), strict=True)
                if ids[r] not in seeds}, x

    def _rank(self, kind: str, query_text: str | None, seeds: dict[str, float], k: int,
              *, region: str | None, available_only: bool, firm: Party,
              exclude: set[str], rules_for: str | None, query: dict[str, Any],
              weights: Mapping[str, float], strict_text: bool,
              within: frozenset[str] | None = None) -> Recommendation:
        wanted = self.check_region(region) if region else None
        try:
            text_scores = self._text_scores(kind, query_text, narrowed=wanted is not None)
        except InvalidInput as exc:
            if strict_text:
                raise InvalidInput(exc.message, value=exc.value, where="text") from None
            query["note"] = f"text not used: {exc.message}"
            query_text, text_scores = None, {}
        pool = None if wanted else max(self.config.text_pool, 3 * k)
        graph_scores, ppr = self._graph_scores(kind, seeds, pool)
        if ppr is not None:  # every text (or listed) candidate gets its exact graph score
            for c in [*text_scores, *(within or ())]:
                if c not in graph_scores and c in self.index and c not in seeds:
                    graph_scores[c] = float(ppr[self.index.index[c]])
        candidates = set(text_scores) | set(graph_scores)
        excluded: dict[str, int] = defaultdict(int)
        allowed = set()
        for c in candidates:
            props = self.props.get(c, {})
            why = None
            if c in exclude:
                why = "查询对象本身"
            elif wanted and wanted not in self.regions_of(c):
                why = f"地区不在{wanted}"
            elif available_only and kind == "Expert" and props.get("max_meetings") == 0:
                why = "专家暂不接受对接"
            elif available_only and kind == "Need" and props.get("status") in CLOSED_NEED:
                why = "需求已关闭"
            else:
                reasons = conflict_reasons(firm, c, kind, props, self.affiliations(c)
                                           if kind == "Expert" and firm.id else ())
                why = reasons[0] if reasons else None
            if why:
                excluded[why] += 1
            else:
                allowed.add(c)
        components = {"text": normalise({c: text_scores.get(c, 0.0) for c in allowed}),
                      "graph": normalise({c: graph_scores.get(c, 0.0) for c in allowed})}
        rule_results = {}
        if weights.get("rules"):
            for c in allowed:
                rule_results[c] = self._rules(c, kind, rules_for)
            components["rules"] = {c: r.score for c, r in rule_results.items()
                                   if r is not None}
        used = {n: s for n, s in components.items() if n != "rules" or rule_results}
        scores = combine(used, weights)
        # `within` narrows what is returned (and explained), not what is normalised
        # against, so scores mean what they mean in an unrestricted call.
        chosen = top_k({c: s for c, s in scores.items() if c in allowed
                        and (within is None or c in within)}, k)
        items = [self._item(c, kind, scores[c], {n: used[n].get(c, 0.0) for n in used},
                            query_text, seeds, rule_results.get(c)) for c in chosen]
        reason = None
        if not items and not candidates:
            n_all = len(self._rows_by_kind.get(kind, ()))
            reason = (empty_reason(kind, 0, {}) if not n_all else
                      f"没有{kind}类候选与该需求共享词语或图谱关联 (no {kind} shares a term "
                      "or a graph link with the query)")
        elif not items:
            reason = empty_reason(kind, len(candidates), excluded)
        elif len(items) < k:
            reason = f"只有{len(items)}个候选符合条件 (only {len(items)} candidates qualify)"
        return Recommendation(query, items, reason, dict(excluded))

    def _rules(self, candidate: str, kind: str, firm_id: str | None):
        if kind == "Programme":
            firm, programme = firm_id, candidate
        elif kind in ("Enterprise", "Need") and firm_id is not None:
            programme = firm_id  # reverse: firm_id holds the programme
            firm = candidate if kind == "Enterprise" else self.firm_of(candidate)
        else:
            return None
        if firm is None or programme is None:
            return None
        firm_props = self.props.get(firm, {})
        region = firm_props.get("region")
        ancestors = {region: self.ancestors(region)} if region else {}
        return evaluate_eligibility(firm_props, self.props.get(programme, {}),
                                    self.today, region_ancestors=ancestors)

    def _item(self, c: str, kind: str, score: float, components: dict[str, float],
              query_text: str | None, seeds: Mapping[str, float], rules) -> RecommendedItem:
        terms = []
        model = self.text.get(kind)
        if query_text and model is not None and c in model.profile_index_:
            best: dict[str, tuple[float, str | None]] = {}
            for term, w, doc in model.explain(query_text, c):
                if term not in best or w > best[term][0]:
                    best[term] = (w, doc)
            titles = {d["id"]: d.get("title") for d in self.props.get(c, {}).get("docs") or []}
            for term, (w, doc) in sorted(best.items(), key=lambda t: -t[1][0])[:12]:
                terms.append({"term": term, "weight": round(w, 4), "doc": doc,
                              "doc_title": titles.get(doc)})
        paths = []
        if seeds and c in self.index:
            # The strongest seeds carry nearly all of a path's score; five bound the work.
            strong = dict(sorted(seeds.items(), key=lambda kv: -kv[1])[:5])
            paths = [p.to_dict() for p in explain_paths_indexed(
                self.index, self._graph, strong, c, max_paths=self.config.max_paths)]
        props = self.props.get(c, {})
        region = props.get("region")
        # `explain` already gives whole words of the need, strongest first; a word
        # inside a longer matched word (红外探测 in 红外探测器) adds nothing.
        words = list(dict.fromkeys(t["term"] for t in terms))
        phrases = [w for w in words if not any(w != o and w in o for o in words)][:8]
        return RecommendedItem(c, kind, self.name(c), score, components, terms, paths,
                               rules.to_dict() if rules is not None else None, region,
                               phrases)

    # -- the two directions -----------------------------------------------------------
    def recommend(self, need_id: str | None = None, kind: str = "expert", k: int = 10, *,
                  text: str | None = None, region: str | None = None,
                  available_only: bool = True, firm_id: str | None = None,
                  within: Iterable[str] | None = None) -> Recommendation:
        """Candidates of one kind for a stored need (`need_id`) or an unsaved one (`text`).

        `within` keeps only those candidates in the answer (e.g. an event's invited
        experts and institutes); scores are still relative to every candidate.

        Raises
        ------
        InvalidInput
            Bad k or kind, empty text, text with nothing searchable, unknown region.
        NotFound
            An unknown need id (or firm id).
        """
        k = check_k(k)
        kind = check_kind(kind)
        if kind == "Need":
            raise InvalidInput("needs are not recommended for needs; use recommend_for",
                               value="need", where="kind")
        if (need_id is None) == (text is None):
            raise InvalidInput("give a need id or a text, not both or neither",
                               where="recommend")
        self._ensure()
        roles: dict[str, list[str]] = {}
        if need_id is not None:
            if self.kind_of.get(need_id) != "Need":
                self._ensure()
                if self.kind_of.get(need_id) != "Need":
                    raise NotFound("is not a known need", value=need_id, where="need")
            props = self.props[need_id]
            query_text = _text(props.get("title"), props.get("text"), props.get("tech_field"))
            firm_id = firm_id or self.firm_of(need_id)
            roles["need"] = [need_id]
            roles["topic"] = _nbrs(self._graph, need_id, "about_topic", "out")
            roles["region"] = _nbrs(self._graph, need_id, "located_in", "out")
            query = {"need": need_id, "title": props.get("title"), "kind": kind}
        else:
            if not isinstance(text, str) or not text.strip():
                raise InvalidInput("is empty: describe the need", value=text, where="text")
            query_text = text[:MAX_QUERY_CHARS]
            roles["topic"] = [t for t, name in self._topics.items() if name in query_text]
            query = {"text": query_text[:200], "kind": kind}
        if firm_id is not None:
            if self.kind_of.get(firm_id) != "Enterprise":
                raise NotFound("is not a known enterprise", value=firm_id, where="firm")
            roles["enterprise"] = [firm_id]
            roles["collaborator"] = [
                c for edge_kind in ("collaborated_with", "signed", "met")
                for c in _nbrs(self._graph, firm_id, edge_kind)
                if c not in self.exclude_nodes and (firm_id, edge_kind, c)
                not in self.exclude_edges and (c, edge_kind, firm_id) not in self.exclude_edges]
            if not roles.get("region"):
                roles["region"] = _nbrs(self._graph, firm_id, "located_in", "out")
            query["firm"] = firm_id
        if region:
            query["region"] = region
        seeds = seed_weights(roles, self.config.seed_weights)
        seeds = {s: w for s, w in seeds.items() if s in self.index}
        return self._rank(kind, query_text, seeds, k, region=region,
                          available_only=available_only, firm=self.party(firm_id),
                          exclude={need_id} if need_id else set(),
                          rules_for=firm_id, query=query,
                          weights=self.config.weights.get(kind, {"text": 0.6, "graph": 0.4}),
                          strict_text=text is not None,
                          within=None if within is None else frozenset(
                              c for c in within if self.kind_of.get(c) == kind))

    def recommend_for(self, candidate_id: str, kind: str = "need", k: int = 10, *,
                      region: str | None = None, available_only: bool = True
                      ) -> Recommendation:
        """Needs (or firms) that fit an expert, institute or programme (成果找需求, 服务找企业).

        For a programme, firms are also checked against its rules.
        """
        k = check_k(k)
        kind = check_kind(kind)
        if kind not in ("Need", "Enterprise"):
            raise InvalidInput("must be need or enterprise", value=kind, where="kind")
        self._ensure()
        own = self.kind_of.get(candidate_id)
        if own is None:
            raise NotFound("is not a known expert, institute or programme",
                           value=candidate_id, where="recommend_for")
        if own not in ("Expert", "Institute", "Programme"):
            raise InvalidInput(f"is a {own}; recommend_for takes an expert, institute or "
                               "programme", value=candidate_id, where="recommend_for")
        profile = self.profile(candidate_id)
        query_text = ("\n".join(d["text"] for d in profile["docs"])[:MAX_QUERY_CHARS]
                      if profile else None)
        affiliations = _nbrs(self._graph, candidate_id, "affiliated_with", "out")
        roles = {"candidate": [candidate_id],
                 "topic": [*_nbrs(self._graph, candidate_id, "has_expertise", "out"),
                           *_nbrs(self._graph, candidate_id, "about_topic", "out"),
                           *_nbrs(self._graph, candidate_id, "supports", "out", "Topic")],
                 "affiliation": affiliations}
        seeds = {s: w for s, w in seed_weights(roles, self.config.seed_weights).items()
                 if s in self.index}
        # The conflict runs the other way: a need of the expert's own organisation.
        exclude = {candidate_id}
        if own == "Expert":
            orgs = set(affiliations)
            for org in list(orgs):
                group = self.props.get(org, {}).get("group")
                orgs |= self._groups.get(group, set()) if group else set()
            for org in orgs:
                if kind == "Enterprise":
                    exclude.add(org)
                else:
                    exclude.update(_nbrs(self._graph, org, "submitted", "out", "Need"))
        query = {"candidate": candidate_id, "name": self.name(candidate_id), "kind": kind}
        if region:
            query["region"] = region
        weights = self.config.weights.get("Programme" if own == "Programme" else kind,
                                          {"text": 0.6, "graph": 0.4})
        return self._rank(kind, query_text, seeds, k, region=region,
                          available_only=available_only, firm=Party(), exclude=exclude,
                          rules_for=candidate_id if own == "Programme" else None,
                          query=query, weights=weights, strict_text=False)
