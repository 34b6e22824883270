"""The industry innovation map (产业创新地图): the firms of an industry or a region, their
needs, the experts and institutes that can serve them, the links among them, and the gaps.

Who is on the map: the firms (`regions.firm_ids_in`), the needs they submitted that
the viewer may read (a confidential need only for organisers in scope), the experts and
institutes the store's shared recommender scores at or above `strong` for one of those
needs (its `per_need` best of each kind, the same scores a need's page shows), and the
suppliers the firms have already met, signed with or collaborated with. Links come from
the recommender's snapshot of the store (kept current with every write): submitted,
met, signed, collaborated_with, affiliated_with, plus ``can_serve`` for a strong match.
`matcher.innovation_map` reads the graph: gaps, centrality, communities, brokers.

The map is for organisers (an organiser with a region scope sees only the firms of that
scope): a firm never sees another firm's needs, meetings or partners here. A map is kept
per store version (`result_cache`): asked again of an unchanged graph (the page, then its
JSON, a reload) it is answered from memory; any write draws it anew.

>>> from duijie.graph import open_store
>>> from duijie.api.services.seeding import load_seed
>>> store = open_store(":memory:"); _ = load_seed(store)
>>> found = innovation_map(store, industry="光电与红外")
>>> found.counts["firms"] >= 1 and found.counts["needs"] >= 1
True
>>> sorted(found.to_dict())[:4]
['betweenness', 'brokers', 'communities', 'counts']

Only technology needs are a supplier's to serve: a firm's problems (问题, 政策, 融资, 人才:
`matcher.problems.is_problem`) are a department's to answer in the ledger, so they are
neither scored nor counted as gaps; the map lists them apart (`other_needs`, with the
department answering for each) and counts them (`counts["other_needs"]`).
"""

from __future__ import annotations

from dataclasses import dataclass

from duijie.api.services import Result
from duijie.api.services.access import NeedFacts, Viewer, can_read_need, in_scope
from duijie.api.services.needs import OPERATOR
from duijie.api.services.regions import firm_ids_in
from duijie.api.services.result_cache import ResultCache
from duijie.graph.errors import Forbidden, InvalidInput, NotFound, at
from duijie.graph.model import Node, shown_name
from duijie.graph.store import GraphStore
from duijie.matcher.innovation_map import (
    DEFAULT_STRONG,
    EXACT_BETWEENNESS_UP_TO,
    brokers,
    centrality,
    communities,
    describe_groups,
    find_gaps,
    link_counts,
    map_graph,
)
from duijie.matcher.map_scores import strong_suppliers
from duijie.matcher.problems import is_problem

SUPPLIER_SEARCH = {"expert": "Expert", "institute": "Institute"}
LEFT_OUT = {"not_pursued"}  # needs a firm dropped: neither on the map nor a gap
SERVED = {"signed"}  # needs already served: on the map, never a gap
BETWEENNESS_SAMPLE = 200
GRAPH = "per_need"
"""How the map's scores take the graph into account (`matcher.map_scores`): one
PageRank per need from its own seeds, as a need's page does, so the map's strong
suppliers and gaps are the pages' own. ("joint", one PageRank from all the map's needs,
measured twice as fast on a 200k-node graph but called 41 of 198 needs served that
their pages do not: it would hide the gaps the map is for.)"""
MAPS = ResultCache(size=32)
"""Maps kept per store version, question and who asks (staff, by region scope)."""


@dataclass
class MapNode(Result):
    id: str
    kind: str
    name: str
    illustrative: bool
    community: int  # 1-based index into `communities`
    degree: float
    betweenness: float
    firm_id: str | None  # a need's firm
    confidential: bool


@dataclass
class MapEdge(Result):
    source: str
    target: str
    kinds: list[str]
    score: float | None  # the match score of a can_serve link


@dataclass
class UnmetNeed(Result):
    id: str
    name: str
    illustrative: bool
    firm_id: str | None
    firm_name: str | None
    best_id: str | None  # the best supplier anywhere in the graph, below the threshold
    best_name: str | None
    best_illustrative: bool
    score: float


@dataclass
class UnusedSupplier(Result):
    id: str
    kind: str
    name: str
    illustrative: bool
    serves: int  # needs on the map it could serve (strong matches)


@dataclass
class OtherNeed(Result):
    """A need of the map's firms that is not a technology need (a problem, policy,
    financing or talent need): a department answers it, not an expert or institute,
    so it is listed apart and never counted as a gap."""

    id: str
    name: str
    need_type: str
    illustrative: bool
    firm_id: str
    firm_name: str
    department: str | None  # who answers for it in the ledger, once routed


@dataclass
class Explanation(Result):
    """A sentence as a code with values (numbers) and ids (names filled in by the reader's
    page or the CLI, with 示意 marks): `broker`, `hub`, `group`."""

    code: str
    values: dict
    ids: dict


@dataclass
class InnovationMap(Result):
    industry: str | None
    region: str | None
    strong: float
    per_need: int
    betweenness: str  # "exact" or "sampled from N nodes, seed 0"
    counts: dict
    links: dict
    nodes: list[MapNode]
    edges: list[MapEdge]
    unmet_needs: list[UnmetNeed]
    unused_suppliers: list[UnusedSupplier]
    communities: list[Explanation]
    brokers: list[Explanation]
    other_needs: list[OtherNeed]  # problems for a department, not supplier gaps


def innovation_map(store: GraphStore, *, industry: str | None = None,
                   region: str | None = None, strong: float = DEFAULT_STRONG,
                   per_need: int = 3, viewer: Viewer = OPERATOR, seed: int = 0
                   ) -> InnovationMap:
    """The innovation map of an industry, a region, or an industry within a region.

    Raises
    ------
    Forbidden
        The viewer is not an organiser (or the operator).
    InvalidInput
        Neither industry nor region; `strong` outside [0, 1]; `per_need` outside 1-50.
    NotFound
        An industry or region with no firms (naming close ones), or none in the
        organiser's scope.
    """
    if not viewer.is_staff:
        raise Forbidden(key="map.organisers_only", where=at("where.map"))
    industry = (industry or "").strip() or None
    region = (region or "").strip() or None
    if industry is None and region is None:
        raise InvalidInput(key="map.industry_or_region", where=at("where.map"))
    if not 0 <= strong <= 1:
        raise InvalidInput(key="map.between", params={"least": 0, "most": 1}, value=strong,
                           where=at("field.strong"))
    if not 1 <= per_need <= 50:
        raise InvalidInput(key="map.between", params={"least": 1, "most": 50},
                           value=per_need, where=at("field.per_need"))
    return MAPS.answer(store, (industry, region, strong, per_need, seed, viewer.scope),
                       lambda: _drawn(store, industry, region, strong, per_need, viewer, seed))


def _drawn(store: GraphStore, industry: str | None, region: str | None, strong: float,
           per_need: int, viewer: Viewer, seed: int) -> InnovationMap:
    from duijie.api.services.recommendations import shared_recommender
    rec = shared_recommender(store).current()  # the map's snapshot: its firms are read there
    in_graph = [Node(f, "Enterprise", rec.props.get(f, {}))
                for f in (rec.index.node_ids[r] for r in rec.rows.get("Enterprise", ()))]
    firms = store.get_nodes(sorted(firm_ids_in(store, region, industry, in_graph) or ()))
    firms = {i: f for i, f in firms.items() if in_scope(viewer, [f.props.get("region") or ""])}
    if not firms:
        raise NotFound(key="map.no_firms_in_scope", value=region or industry,
                       where=at("where.region") if region else at("where.industry"))
    return draw(store, firms, strong=strong, per_need=per_need, viewer=viewer, seed=seed,
                industry=industry, region=region)


def draw(store: GraphStore, firms: dict, *, strong: float, per_need: int, viewer: Viewer,
         seed: int = 0, industry: str | None = None, region: str | None = None
         ) -> InnovationMap:
    """The map of these firms (id → node): their needs this viewer may read, the
    suppliers that can serve them or that they met, signed with or worked with, and the
    links among those only (a link to anything else, another firm, is left out)."""
    from duijie.api.services.recommendations import shared_recommender
    rec = shared_recommender(store).current()  # one immutable snapshot for the whole map
    snap = rec.snapshot
    need_ids = [n for f in sorted(firms) for n in snap.neighbours(f, "submitted", "out",
                                                                   kind="Need")]
    stored = store.get_nodes(need_ids)
    firm_of, needs = {}, {}
    for need_id in need_ids:
        node = stored.get(need_id)
        firm_id = rec.firm_of(need_id)
        if node is None or node.props.get("status") in LEFT_OUT or firm_id not in firms:
            continue
        regions = {r for r in (node.props.get("region"), firms[firm_id].props.get("region"))
                   if r}
        if can_read_need(viewer, NeedFacts(need_id, firm_id, node.confidentiality,
                                           frozenset(regions))):
            needs[need_id], firm_of[need_id] = node, firm_id

    others = _other_needs(needs, firm_of, firms)  # a department's, not a supplier's
    for other in others:
        del needs[other.id], firm_of[other.id]

    scored = strong_suppliers(rec, sorted(needs), kinds=tuple(SUPPLIER_SEARCH.values()),
                              k=per_need, strong=strong, graph=GRAPH)
    matches, best = scored.matches, scored.best

    links: list[tuple[str, str, str]] = [(firm_of[n], n, "submitted") for n in needs]
    used = set()
    for need_id in needs:
        for kind in ("met", "signed"):
            for other in snap.neighbours(need_id, kind, "out"):
                links.append((need_id, other, kind))
                used.add(other)
    for firm_id in firms:
        for other in snap.neighbours(firm_id, "collaborated_with"):
            links.append((firm_id, other, "collaborated_with"))
            used.add(other)
    suppliers = {s for (_, s), score in matches.items() if score >= strong} | {
        s for s in used if snap.kinds.get(s) in SUPPLIER_SEARCH.values()}
    for expert in sorted(s for s in suppliers if snap.kinds.get(s) == "Expert"):
        links += [(expert, inst, "affiliated_with")
                  for inst in snap.neighbours(expert, "affiliated_with", "out")
                  if inst in suppliers]
    for supplier in sorted(suppliers):
        links += [(supplier, other, "collaborated_with")
                  for other in snap.neighbours(supplier, "collaborated_with", "out")
                  if other in suppliers]

    # names as read: an invented record's carries its mark (`graph.model.shown_name`)
    nodes = {f: {"kind": "Enterprise", "name": firms[f].shown_name} for f in firms}
    nodes |= {n: {"kind": "Need", "name": needs[n].shown_name} for n in needs}
    nodes |= {s: {"kind": snap.kinds[s],
                  "name": shown_name(snap.kinds[s], rec.props.get(s, {}), s)}
              for s in suppliers}
    graph = map_graph(nodes, links, matches, strong=strong)
    gaps = find_gaps(graph, best, strong=strong, served=[
        n for n, node in needs.items() if node.props.get("status") in SERVED])
    central = centrality(graph, sample=BETWEENNESS_SAMPLE, seed=seed)
    groups = communities(graph, seed=seed)
    found = _result(industry, region, strong, per_need, graph, needs, firms, firm_of, rec,
                    gaps, central, groups)
    found.other_needs, found.counts["other_needs"] = others, len(others)
    return found


def _other_needs(needs: dict, firm_of: dict, firms: dict) -> list[OtherNeed]:
    """The needs that are problems (not technology needs), by firm then title."""
    out = [OtherNeed(n, node.shown_name, node.props.get("need_type") or "problem",
                     _illustrative(node.props) or firms[firm_of[n]].illustrative,
                     firm_of[n], firms[firm_of[n]].shown_name, node.props.get("department"))
           for n, node in needs.items() if is_problem(node.props)]
    return sorted(out, key=lambda o: (o.firm_name, o.name, o.id))


def _illustrative(props: dict) -> bool:
    return bool(props.get("illustrative"))


def _result(industry, region, strong, per_need, graph, needs, firms, firm_of, rec, gaps,
            central, groups) -> InnovationMap:
    group_of = {n: i for i, members in enumerate(groups, 1) for n in members}

    def props(node_id: str) -> dict:
        if node_id in needs:
            return needs[node_id].props
        if node_id in firms:
            return firms[node_id].props
        return dict(rec.props.get(node_id, {}))

    def invented(node_id: str) -> bool:  # the node, or the firm a need names, is invented
        firm = firm_of.get(node_id)
        return _illustrative(props(node_id)) or bool(firm and _illustrative(props(firm)))

    nodes = [MapNode(n, a["kind"], a["name"], invented(n), group_of[n],
                     central[n]["degree"], central[n]["betweenness"], firm_of.get(n),
                     n in needs and needs[n].confidentiality == "confidential")
             for n, a in sorted(graph.nodes(data=True))]
    edges = [MapEdge(*sorted((u, v)), sorted(d["kinds"]),
                     None if d["score"] is None else round(d["score"], 4))
             for u, v, d in sorted(graph.edges(data=True), key=lambda e: sorted(e[:2]))]
    unmet = []
    for gap in gaps.unmet_needs:
        firm = firm_of.get(gap["id"])
        unmet.append(UnmetNeed(
            gap["id"], graph.nodes[gap["id"]]["name"], invented(gap["id"]), firm,
            graph.nodes[firm]["name"] if firm else None, gap["best"],
            shown_name(rec.kind_of.get(gap["best"]), rec.props.get(gap["best"], {}), gap["best"])
            if gap["best"] else None,
            _illustrative(rec.props.get(gap["best"], {})) if gap["best"] else False,
            gap["score"]))
    unused = [UnusedSupplier(s, graph.nodes[s]["kind"], graph.nodes[s]["name"],
                             _illustrative(props(s)),
                             sum(1 for o in graph[s] if "can_serve" in graph[s][o]["kinds"]))
              for s in gaps.unused_suppliers]
    unused.sort(key=lambda u: (-u.serves, u.id))
    kinds = [a["kind"] for _, a in graph.nodes(data=True)]
    counts = {"firms": kinds.count("Enterprise"), "needs": kinds.count("Need"),
              "experts": kinds.count("Expert"), "institutes": kinds.count("Institute"),
              "edges": graph.number_of_edges(), "communities": len(groups)}
    sampled = graph.number_of_nodes() > EXACT_BETWEENNESS_UP_TO
    return InnovationMap(
        industry, region, strong, per_need,
        f"sampled from {BETWEENNESS_SAMPLE} nodes" if sampled else "exact",
        counts, link_counts(graph), nodes, edges, unmet, unused,
        [Explanation(**g) for g in describe_groups(graph, groups)],
        [Explanation(**b) for b in brokers(graph, groups, central, top=5)], [])
