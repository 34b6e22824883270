"""The hybrid recommender over one `GraphSnapshot`: pure, read-only once built.

`Recommender(snapshot)` fits what ranking needs from plain data: a `GraphIndex`
(scipy CSR with an id → row map) of the snapshot's edges, one `TextAffinity` per
candidate kind over the profiles `SnapshotFacts` writes, the region hierarchy. Then
`recommend` and `recommend_for` combine text, graph and rules (`matcher.recommend`).

It never reads a store and never changes after it is built (every cache a query
fills is derived from the snapshot), so threads may share one. Keeping up with
writes is the caller's (`api.services.recommendations`): `with_records` gives a new
recommender with some nodes and edges added, the new candidates rankable at once
without a refit (their profiles go to the text models' side index, on copies);
`excluding` gives one whose graph side ignores some nodes and edges (an event's own
record, when planning it).

>>> from duijie.matcher.snapshot import GraphSnapshot
>>> snap = GraphSnapshot.from_records(
...     [("need:ir", "Need", {"title": "红外探测器降噪"}),
...      ("inst:opt", "Institute", {"name": "西安光机所", "description": "红外探测器 光学"}),
...      ("inst:cf", "Institute", {"name": "材料所", "description": "碳纤维 复合材料"})], [])
>>> best = Recommender(snap).recommend("need:ir", "institute").items[0]
>>> best.id, best.matched_phrases
('inst:opt', ['红外探测器'])
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from functools import partial
from typing import Any

import numpy as np

from duijie.graph.errors import InvalidInput, NotFound
from duijie.graph.model import shown_name
from duijie.graph.places import find_places
from duijie.matcher.eligibility import evaluate_eligibility
from duijie.matcher.explain_terms import EXPLAINED_DOCS, whole_words
from duijie.matcher.graph_rank import GraphIndex
from duijie.matcher.notes import note
from duijie.matcher.paths import explain_paths_indexed
from duijie.matcher.profiles import SnapshotFacts, join_text
from duijie.matcher.ranking import Forward, rank
from duijie.matcher.reasons import path_reason
from duijie.matcher.recommend import (
    Party,
    Recommendation,
    RecommendConfig,
    check_k,
    check_kind,
    default_config,
    query_dict,
    seed_weights,
)
from duijie.matcher.semantic import SemanticSide
from duijie.matcher.shown_share import share_bounds, shown_share
from duijie.matcher.snapshot import CANDIDATE_KINDS, EdgeRecord, GraphSnapshot, NodeRecord
from duijie.matcher.text import TextAffinity
from duijie.matcher.tokenize import _segmenter

MAX_QUERY_CHARS = 10_000
REVERSE_NOTE = note("reverse")
"""Why the two directions may differ, said on every reverse answer for needs."""


def _growable(model: TextAffinity) -> TextAffinity:
    """A copy of a fitted model that `add_profiles` can grow without changing the model:
    the fitted arrays are shared (adding never writes them), the containers adding
    appends to are copied."""
    clone = copy.copy(model)
    for name, value in vars(model).items():
        if isinstance(value, list | dict | set):  # Counter is a dict
            setattr(clone, name, copy.copy(value))
    if getattr(model, "doc_model_", None) is not None:  # the fusion's per-document index
        clone.doc_model_ = _growable(model.doc_model_)
    if getattr(model, "title_model_", None) is not None:  # the titles' index
        clone.title_model_ = _growable(model.title_model_)
    return clone


def _warm(model: TextAffinity) -> TextAffinity:
    model._side()  # the side index's matrix is built on first use: build it now
    for part in ("doc_model_", "title_model_"):
        if getattr(model, part, None) is not None:
            getattr(model, part)._side()
    return model


class Recommender:
    """Recommend experts, institutes, programmes and firms for needs, and the reverse.

    Parameters
    ----------
    snapshot : GraphSnapshot
        The graph to rank from (`api.services.recommendations.shared_recommender`
        builds one from a store and keeps it current).
    config : RecommendConfig, optional
        `matcher.recommend.default_config()` if None.
    today : date, optional
        For programme deadlines; the current date if None.
    exclude_nodes, exclude_edges : iterables, optional
        Nodes and ``(src, kind, dst)`` edges the graph side must not rank or explain
        through, nor take collaborators from (an event being planned, its meetings
        and its recorded outcomes: see `GraphIndex.excluding`).
    """

    def __init__(self, snapshot: GraphSnapshot, config: RecommendConfig | None = None,
                 today: date | None = None, *, exclude_nodes: Iterable[str] = (),
                 exclude_edges: Iterable[tuple[str, str, str]] = (),
                 semantic: SemanticSide | None = None):
        if not isinstance(snapshot, GraphSnapshot):
            raise TypeError("Recommender takes a GraphSnapshot; for a store use "
                            "duijie.api.services.recommendations.shared_recommender(store)")
        self.snapshot = snapshot
        self.config = config or default_config()
        self.today = today
        self.semantic = semantic
        self._by_meaning: dict[str, tuple[list[str], np.ndarray]] = {}
        self._vectors: dict[str, np.ndarray | None] = {}  # profile vectors (matcher.meaning)
        self._languages: dict[str, str] = {}  # profile languages (matcher.meaning)
        self.exclude_nodes: frozenset[str] = frozenset()
        self.exclude_edges: frozenset[tuple[str, str, str]] = frozenset()
        self.facts = SnapshotFacts(snapshot)
        self.index = GraphIndex.from_edges(snapshot.kinds.items(), snapshot.edges())
        self._index_rows()
        self.text: dict[str, TextAffinity] = {}
        for kind in CANDIDATE_KINDS:
            profiles = [p for nid, k in snapshot.kinds.items() if k == kind
                        if (p := self.facts.profile(nid))]
            if profiles:
                self.text[kind] = TextAffinity(**self.config.text_params).fit(profiles)
                self._graph_rows(self.text[kind])  # with the rest, not by a first query
        self.index.ready()
        if self.config.method == "direct":  # factorised with the rest, not by a first page
            self.index.transition.direct(self.config.alpha)
        if exclude_nodes or exclude_edges:
            self._exclude(exclude_nodes, exclude_edges)

    def _index_rows(self) -> None:
        by_kind: dict[str | None, list[int]] = defaultdict(list)
        for row, kind in enumerate(self.index.kinds):
            by_kind[kind].append(row)
        self.rows = {kind: np.asarray(rows, np.int64) for kind, rows in by_kind.items()}

    def _exclude(self, nodes: Iterable[str], edges: Iterable[tuple[str, str, str]]) -> None:
        self.exclude_nodes = self.exclude_nodes | frozenset(nodes)
        self.exclude_edges = self.exclude_edges | frozenset(tuple(e) for e in edges)
        self.index = self.index.excluding(self.exclude_nodes, self.exclude_edges).ready()

    # -- new recommenders from this one ---------------------------------------------
    def with_semantic(self, semantic: SemanticSide | None) -> Recommender:
        """This recommender scoring meaning with these stored embeddings (None: words
        and graph only); everything else is shared."""
        other = copy.copy(self)
        other.semantic = semantic
        other._by_meaning, other._vectors = {}, {}
        return other

    def excluding(self, nodes: Iterable[str] = (),
                  edges: Iterable[tuple[str, str, str]] = ()) -> Recommender:
        """This recommender with a graph side that also ignores these nodes and
        ``(src, kind, dst)`` edges; the text models and the snapshot are shared."""
        other = copy.copy(self)
        other._exclude(nodes, edges)
        return other

    def with_records(self, nodes: Iterable[NodeRecord], edges: Iterable[EdgeRecord] = (),
                     version: Any = None) -> Recommender:
        """A recommender whose snapshot has these new nodes and their edges, the new
        candidates rankable at once without a refit. This one is left as it was.

        `nodes` are ``(id, kind, props)`` not yet in the snapshot, `edges`
        ``(src, kind, dst, weight)`` each touching one of them; for anything else
        (a changed or deleted record, an edge between known nodes) build a new
        `Recommender` from a new snapshot.
        """
        nodes = [n for n in nodes if n[0] not in self.snapshot.kinds]
        new_ids = [n[0] for n in nodes]
        fresh = set(new_ids)
        edges = [e for e in edges if e[0] in fresh or e[2] in fresh]
        other = copy.copy(self)
        # new candidates, longer profiles
        other._by_meaning, other._vectors, other._languages = {}, {}, {}
        other.snapshot = self.snapshot.with_records(nodes, edges, version)
        placing = {"located_in", "affiliated_with", "part_of"}
        other.facts = self.facts.extended(other.snapshot, new_ids, same_regions=not any(
            kind == "Region" for _, kind, _ in nodes) and not any(
            kind in placing and src not in fresh for src, kind, _, _ in edges))
        other.index = self.index.copy()
        for node_id, kind, _ in nodes:
            other.index.add_node(node_id, kind)
        for src, kind, dst, weight in edges:
            other.index.add_edge(src, dst, kind=kind, weight=weight
                                 if kind not in other.index.edge_weights else None)
        other.index.ready()
        other._index_rows()
        other.text = dict(self.text)
        for node_id, kind, _ in nodes:  # after the edges: a profile names its topics
            profile = other.facts.profile(node_id) if kind in CANDIDATE_KINDS else None
            if not profile:
                continue
            model = other.text.get(kind)
            if model is None:
                other.text[kind] = TextAffinity(**self.config.text_params).fit([profile])
            else:
                if model is self.text.get(kind):
                    model = other.text[kind] = _growable(model)
                model.add_profiles([profile])
        for model in other.text.values():
            _warm(model)
        return other

    # -- plain data from the snapshot (see `SnapshotFacts`) ---------------------------
    @property
    def props(self) -> Mapping[str, Mapping[str, Any]]:
        return self.snapshot.props

    @property
    def kind_of(self) -> Mapping[str, str | None]:
        return self.snapshot.kinds

    def name(self, node_id: str) -> str:
        return self.snapshot.name(node_id)

    def profile(self, node_id: str) -> dict | None:
        return self.facts.profile(node_id)

    def firm_of(self, need_id: str) -> str | None:
        return self.facts.firm_of(need_id)

    def regions_of(self, node_id: str) -> set[str]:
        return self.facts.regions_of(node_id)

    # -- scoring ---------------------------------------------------------------------
    def text_scores(self, kind: str, query: str | None, narrowed: bool) -> dict[str, float]:
        """Positive text affinities of candidates of `kind` (the best `text_pool`, or
        all when a filter may leave out every one of the best)."""
        model = self.text.get(kind)
        if model is None or not query:
            return {}
        if narrowed:
            scores = model.score(query)
        else:
            pool = min(self.config.text_pool, len(model.profile_ids_))
            scores = dict(model.kneighbors([query], k=pool)[0])
        return {c: s for c, s in scores.items() if s > 0}

    def text_top(self, kind: str, query: str | None) -> tuple[list[str], np.ndarray, np.ndarray]:
        """`text_scores` of the best `text_pool` (not narrowed) as arrays, best first: the
        candidates' ids, their scores and their rows in the graph index (-1 for none).

        Raises
        ------
        InvalidInput
            A query with nothing searchable.
        """
        model = self.text.get(kind)
        if model is None or not query:
            return [], np.zeros(0), np.zeros(0, np.int64)
        profiles, scores = model.top_rows(query, self.config.text_pool)
        ids = model.profile_ids_
        return [ids[p] for p in profiles.tolist()], scores, self._graph_rows(model)[profiles]

    def _graph_rows(self, model: TextAffinity) -> np.ndarray:
        """Each profile's row in the graph index (-1 for none), kept until the index or
        the profiles change."""
        key = (id(self.index), id(model), len(model.profile_ids_))
        kept = self.__dict__.setdefault("_graph_rows_of", {})
        found = kept.get(key)
        if found is None:
            index = self.index.index
            found = kept[key] = np.fromiter((index.get(p, -1) for p in model.profile_ids_),
                                            np.int64, len(model.profile_ids_))
        return found

    def graph_scores(self, kind: str, seeds: Mapping[str, float], pool: int | None
                     ) -> tuple[dict[str, float], np.ndarray | None]:
        """PPR of candidates of `kind` from `seeds` (the best `pool`), and the vector."""
        if not seeds:
            return {}, None
        x = self.index.pagerank_vector(seeds, alpha=self.config.alpha, tol=self.config.tol,
                                       method=self.config.method)
        rows = self.rows.get(kind, np.zeros(0, np.int64))
        if not len(rows):
            return {}, x
        values = x[rows]
        if pool is not None and len(rows) > pool:
            best = np.argpartition(-values, pool - 1)[:pool]
            rows, values = rows[best], values[best]
        ids = self.index.node_ids
        return {ids[r]: float(v) for r, v in zip(rows.tolist(), values.tolist(), strict=True)
                if ids[r] not in seeds}, x

    def rules(self, candidate: str, kind: str, firm_id: str | None):
        """The eligibility of a firm for a programme, either way round (or None)."""
        if kind == "Programme":
            firm, programme = firm_id, candidate
        elif kind in ("Enterprise", "Need") and firm_id is not None:
            programme = firm_id  # reverse: firm_id holds the programme
            firm = candidate if kind == "Enterprise" else self.facts.firm_of(candidate)
        else:
            return None
        if firm is None or programme is None:
            return None
        firm_props = dict(self.props.get(firm, {}))
        located = [self.name(r) for r in self.snapshot.neighbours(firm, "located_in", "out")]
        if not firm_props.get("region") and located:
            firm_props["region"] = located[0]  # the graph says where it is
        region = firm_props.get("region")
        places = [region, *find_places(region)] if region else []
        ancestors = {place: self.facts.ancestors(place) for place in places}
        return evaluate_eligibility(firm_props, self.props.get(programme, {}),
                                    self.today, region_ancestors=ancestors)

    def matched_terms(self, kind: str, candidate: str, query_text: str | None) -> list[dict]:
        """The words of the query that match the candidate's profile, strongest first."""
        return self.explained_text(kind, candidate, query_text)[0]

    def explained_text(self, kind: str, candidate: str, query_text: str | None
                       ) -> tuple[list[dict], float]:
        """The matched words (as `matched_terms`) and the share of the candidate's best
        document's text score that those words carry (0 to 1).

        What fragments (力传 of 电力传感器 against 压力传感器) and generic words (长期, 专家)
        add to a score is in the raw contributions but in no word shown; the share lets
        the ranking count only what a person can read.
        """
        model = self.text.get(kind)
        if not query_text or model is None or candidate not in model.profile_index_:
            return [], 0.0
        # The strongest documents only (all their rows): the words come from those, and
        # the share from the best of them; the rest only cost building and sorting rows.
        rows = model.contributions(query_text, candidate, docs=EXPLAINED_DOCS)
        words = whole_words(query_text[: model.max_query_chars], rows,
                            _segmenter(model.tokenizer_.extra_terms).cut)
        share = shown_share(query_text[: model.max_query_chars], rows, words)
        best: dict[str, tuple[float, str | None]] = {}
        for term, w, doc in words:
            if term not in best or w > best[term][0]:
                best[term] = (w, doc)
        titles = {d["id"]: d.get("title")
                  for d in self.props.get(candidate, {}).get("docs") or []}
        return [{"term": term, "weight": round(w, 4), "doc": doc,
                 "doc_title": titles.get(doc)}
                for term, (w, doc) in sorted(best.items(), key=lambda t: -t[1][0])[:12]], share

    def share_bounds(self, kind: str, query_text: str | None, candidates: list[str]
                     ) -> dict[str, float]:
        """An upper bound of the share `explained_text` gives each candidate, for many at
        once and without explaining any (`matcher.shown_share.share_bounds`)."""
        model = self.text.get(kind)
        if not query_text or model is None:
            return dict.fromkeys(candidates, 1.0)
        return share_bounds(model, query_text, candidates,
                            _segmenter(model.tokenizer_.extra_terms).cut)

    def paths(self, seeds: Mapping[str, float], candidate: str, own: Iterable[str] = (),
              reach: dict | None = None, among: tuple[str, ...] | None = None
              ) -> list[dict]:
        """The graph paths that carry most of a candidate's graph score and mean
        something to a person, each with its ``reason`` (`matcher.reasons.path_reason`):
        a path through another firm's records, an event or a chain of regions is left
        out. `own` are the asking firm and its need; `reach` keeps the walks from the
        seeds for the next candidate of the same query, `among` every candidate it will
        be asked for (`explain_paths_indexed`)."""
        if not seeds or candidate not in self.index:
            return []
        # The strongest seeds carry nearly all of a path's score; five bound the work.
        strong = dict(sorted(seeds.items(), key=lambda kv: -kv[1])[:5])
        found = explain_paths_indexed(self.index, self.snapshot, strong, candidate,
                                      max_paths=4 * self.config.max_paths, reach=reach,
                                      among=among)
        own = {*own, candidate}
        out: list[dict] = []
        for path in found:
            data = path.to_dict()
            data["reason"] = path_reason(data, self.kind_of, own=own)
            if data["reason"] is not None and all(p["reason"] != data["reason"] for p in out):
                out.append(data)
        return out[: self.config.max_paths]

    # -- what a query and a programme are about (topics and industries) ---------------
    def _subjects(self, topics: Iterable[str], firm_id: str | None) -> set[str]:
        """The topics (ids) and industries (names) a query is about: the need's (or
        text's) topics, the firm's expertise and industry."""
        out = set(topics)
        if firm_id is not None:
            nbrs = self.snapshot.neighbours
            out |= set(nbrs(firm_id, "has_expertise", "out", "Topic"))
            out |= {self.name(i) for i in nbrs(firm_id, "in_industry", "out", "Industry")}
            if self.props.get(firm_id, {}).get("industry"):
                out.add(self.props[firm_id]["industry"])
        return out

    def _fits(self, subjects: set[str], programme: str) -> bool:
        """Does a programme support one of these topics or industries?"""
        return bool(subjects & self._subjects_of_programme(programme))

    def _subjects_of_programme(self, programme: str) -> set[str]:
        """The topics (ids) and industries (names) a programme supports or is about."""
        nbrs = self.snapshot.neighbours
        return ({t for edge in ("supports", "about_topic")
                 for t in nbrs(programme, edge, "out", "Topic")}
                | {self.name(i) for i in nbrs(programme, "supports", "out", "Industry")}
                | set(self.props.get(programme, {}).get("industries") or []))

    # -- the reverse direction read the forward way -----------------------------------
    def need_query(self, need_id: str) -> str:
        """The text a need is ranked by (its title, text and field)."""
        props = self.props.get(need_id, {})
        return join_text(props.get("title"), props.get("text"), props.get("tech_field"))

    def _forward_text(self, kind: str, candidate: str, needs: Iterable[str]
                      ) -> dict[str, float]:
        """For each need, the candidate's text score for that need's text divided by the
        best score any candidate of `kind` gets for it: the forward text component, so a
        university first for a need finds that need near the top of its own list."""
        model = self.text[kind]
        row = model.profile_index_.get(candidate)
        out: dict[str, float] = {}
        for need in needs:
            query = self.need_query(need)
            if row is None or not query:
                out[need] = 0.0
                continue
            try:
                profiles, scores = model._profile_scores(query)
            except InvalidInput:  # nothing searchable in the need's words
                out[need] = 0.0
                continue
            best = float(scores.max()) if len(scores) else 0.0
            mine = scores[profiles == row]
            out[need] = float(mine[0]) / best if best > 0 and len(mine) else 0.0
        return out

    def _forward_words(self, kind: str, candidate: str, need: str
                       ) -> tuple[list[dict], float]:
        """The need's words the candidate's profile matched, as the forward direction
        explains them (and the share of its text score they carry)."""
        return self.explained_text(kind, candidate, self.need_query(need))

    # -- the two directions -----------------------------------------------------------
    def recommend(self, need_id: str | None = None, kind: str = "expert", k: int = 10, *,
                  text: str | None = None, region: str | None = None,
                  available_only: bool = True, firm_id: str | None = None,
                  within: Iterable[str] | None = None, explain: bool = True,
                  shown_rules: bool = True) -> Recommendation:
        """Candidates of one kind for a stored need (`need_id`) or an unsaved one (`text`).

        `within` keeps only those candidates in the answer (e.g. an event's invited
        experts and institutes); scores are still relative to every candidate. Without
        `explain` the items carry scores and components only (evaluation ranks many),
        ranked as the explained answer is: the same ids, scores and components.
        `shown_rules=False` ranks by the plain weighted sum instead, without the share
        of the text score the shown words carry nor the programmes' topic check
        (`matcher.ranking.rank`): for ranking a whole population cheaply.

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
        roles: dict[str, list[str]] = {}
        if need_id is not None:
            if self.kind_of.get(need_id) != "Need":
                raise NotFound("is not a known need", value=need_id, where="need")
            props = self.props[need_id]
            query_text = join_text(props.get("title"), props.get("text"),
                                   props.get("tech_field"))
            firm_id = firm_id or self.facts.firm_of(need_id)
            roles = self.need_roles(need_id)
            query = query_dict(kind=kind, need=need_id, title=shown_name("Need", props),
                               illustrative=props.get("illustrative"))
        else:
            if not isinstance(text, str) or not text.strip():
                raise InvalidInput("is empty: describe the need", value=text, where="text")
            query_text = text[:MAX_QUERY_CHARS]
            roles["topic"] = [t for t, name in self.facts.topics.items() if name in query_text]
            query = query_dict(kind=kind, text=query_text[:200])
        if firm_id is not None:
            self.add_firm_roles(firm_id, roles)
            query["firm"], query["firm_name"] = firm_id, self.name(firm_id)
            query["illustrative"] |= bool(self.props.get(firm_id, {}).get("illustrative"))
        if region:
            query["region"] = region
        seeds = seed_weights(roles, self.config.seed_weights)
        seeds = {s: w for s, w in seeds.items() if s in self.index}
        exclude = {need_id} if need_id else set()
        if kind == "Programme" and firm_id is not None:
            exclude |= self.held_programmes(firm_id)  # never push what it holds or applied for
        topical = None
        if kind == "Programme":
            topical = partial(self._fits, self._subjects(roles.get("topic", []), firm_id))
        return rank(self, kind, query_text, seeds, k, region=region, topical=topical,
                    available_only=available_only, firm=self.facts.party(firm_id),
                    exclude=exclude, rules_for=firm_id, query=query,
                    weights=self.config.weights[kind],
                    strict_text=text is not None,
                    within=None if within is None else frozenset(
                        c for c in within if self.kind_of.get(c) == kind), explain=explain,
                    query_node=need_id, shown_rules=shown_rules)

    def need_roles(self, need_id: str) -> dict[str, list[str]]:
        """A stored need's seed roles: the need, its topics and its region."""
        nbrs = self.snapshot.neighbours
        return {"need": [need_id], "topic": nbrs(need_id, "about_topic", "out"),
                "region": nbrs(need_id, "located_in", "out")}

    def add_firm_roles(self, firm_id: str, roles: dict[str, list[str]]) -> None:
        """Add a firm's seed roles to a query's: the firm, its past collaborators (met,
        signed, collaborated), and its region when the query has none.

        Raises
        ------
        NotFound
            `firm_id` is not a known enterprise.
        """
        if self.kind_of.get(firm_id) != "Enterprise":
            raise NotFound("is not a known enterprise", value=firm_id, where="firm")
        nbrs = self.snapshot.neighbours
        roles["enterprise"] = [firm_id]
        roles["collaborator"] = [
            c for edge_kind in ("collaborated_with", "signed", "met")
            for c in nbrs(firm_id, edge_kind)
            if c not in self.exclude_nodes and (firm_id, edge_kind, c)
            not in self.exclude_edges and (c, edge_kind, firm_id) not in self.exclude_edges]
        if not roles.get("region"):
            roles["region"] = nbrs(firm_id, "located_in", "out")

    def held_programmes(self, firm_id: str) -> set[str]:
        """Programmes a firm holds (``awarded``, or the flag a programme grants) or has
        applied for (``applied_for``): none of them is recommended to it."""
        nbrs = self.snapshot.neighbours
        held = {*nbrs(firm_id, "awarded", "out"), *nbrs(firm_id, "applied_for", "out")}
        flags = self.props.get(firm_id, {}).get("flags") or []
        for flag in flags:
            held |= self._granting().get(flag, set())
        return held

    def programme_holders(self, programme_id: str) -> set[str]:
        """Firms that hold a programme or have applied for it."""
        nbrs = self.snapshot.neighbours
        firms = {*nbrs(programme_id, "awarded", "in"), *nbrs(programme_id, "applied_for", "in")}
        flag = self.props.get(programme_id, {}).get("grants_flag")
        if flag:
            firms |= {n for n, kind in self.kind_of.items() if kind == "Enterprise"
                      and flag in (self.props.get(n, {}).get("flags") or [])}
        return firms

    def _granting(self) -> dict[str, set[str]]:
        """{flag: programmes granting it}, computed once per recommender."""
        if not hasattr(self, "_granting_cache"):
            out: dict[str, set[str]] = {}
            for node, kind in self.kind_of.items():
                flag = self.props.get(node, {}).get("grants_flag") if kind == "Programme" else None
                if flag:
                    out.setdefault(flag, set()).add(node)
            self._granting_cache = out
        return self._granting_cache

    def recommend_for(self, candidate_id: str, kind: str = "need", k: int = 10, *,
                      region: str | None = None, available_only: bool = True,
                      within: Iterable[str] | None = None) -> Recommendation:
        """Needs (or firms) that fit an expert, institute or programme (成果找需求, 服务找企业).

        For a programme, firms are also checked against its rules. `within` keeps only
        those candidates in the answer (e.g. the needs a viewer may read), as in
        `recommend`.
        """
        k = check_k(k)
        kind = check_kind(kind)
        if kind not in ("Need", "Enterprise"):
            raise InvalidInput("must be need or enterprise", value=kind, where="kind")
        own = self.kind_of.get(candidate_id)
        if own not in CANDIDATE_KINDS:
            raise NotFound("is not a known expert, institute or programme",
                           value=candidate_id, where="recommend_for")
        if own not in ("Expert", "Institute", "Programme"):
            raise InvalidInput(f"is a {own}; recommend_for takes an expert, institute or "
                               "programme", value=candidate_id, where="recommend_for")
        nbrs = self.snapshot.neighbours
        profile = self.facts.profile(candidate_id)
        query_text = ("\n".join(d["text"] for d in profile["docs"])[:MAX_QUERY_CHARS]
                      if profile else None)
        affiliations = nbrs(candidate_id, "affiliated_with", "out")
        roles = {"candidate": [candidate_id],
                 "topic": [*nbrs(candidate_id, "has_expertise", "out"),
                           *nbrs(candidate_id, "about_topic", "out"),
                           *nbrs(candidate_id, "supports", "out", "Topic")],
                 "affiliation": affiliations}
        seeds = {s: w for s, w in seed_weights(roles, self.config.seed_weights).items()
                 if s in self.index}
        # The conflict runs the other way: a need of the expert's own organisation.
        exclude = {candidate_id}
        if own == "Expert":
            orgs = set(affiliations)
            for org in list(orgs):
                group = self.props.get(org, {}).get("group")
                orgs |= self.facts.groups.get(group, set()) if group else set()
            for org in orgs:
                if kind == "Enterprise":
                    exclude.add(org)
                else:
                    exclude.update(nbrs(org, "submitted", "out", "Need"))
        if own == "Programme":  # firms that hold it or applied are not pushed it again
            for firm in self.programme_holders(candidate_id):
                if kind == "Enterprise":
                    exclude.add(firm)
                else:
                    exclude.update(nbrs(firm, "submitted", "out", "Need"))
        query = query_dict(kind=kind, candidate=candidate_id, name=self.name(candidate_id),
                           region=region,
                           illustrative=self.props.get(candidate_id, {}).get("illustrative"))
        weights = self.config.weights["Programme" if own == "Programme" else kind]
        forward = None
        if kind == "Need" and own in self.text:
            forward = Forward(partial(self._forward_text, own, candidate_id),
                              partial(self._forward_words, own, candidate_id))
            query["note"] = REVERSE_NOTE
        return rank(self, kind, query_text, seeds, k, region=region, forward=forward,
                    available_only=available_only, firm=Party(), exclude=exclude,
                    rules_for=candidate_id if own == "Programme" else None,
                    query=query, weights=weights, strict_text=False,
                    within=None if within is None else frozenset(
                        c for c in within if self.kind_of.get(c) == kind),
                    query_node=candidate_id)
