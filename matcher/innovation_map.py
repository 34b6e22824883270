"""The industry innovation map (产业创新地图): who could serve whom, who works with whom, and
where the holes are, over plain data.

The use case (`api.services.innovation_map`) picks the firms of an industry or a region,
their needs, the experts and institutes the recommender scores at or above a threshold
for those needs (`strong`), and the links the graph records among them. This module
turns that into a networkx graph and reads it:

- **gaps**: needs whose best supplier anywhere in the graph scores below `strong`, and
  suppliers on the map that no firm on it has met, signed with or worked with;
- **centrality**: degree (how many links) and betweenness (how often a node lies on the
  shortest way between two others; sampled with a fixed seed on large maps);
- **communities**: Louvain (`networkx.community.louvain_communities`, fixed seed), so the
  same input gives the same groups;
- **explanations**: structured ``{"code", "values"}`` records a page or the CLI words in
  the reader's language ("X 连接了 3 个彼此没有直接联系的群体"), names never ids.

>>> nodes = {"ent:a": {"kind": "Enterprise", "name": "甲厂"},
...          "need:1": {"kind": "Need", "name": "红外降噪"},
...          "need:2": {"kind": "Need", "name": "园区配套"},
...          "exp:w": {"kind": "Expert", "name": "王教授"}}
>>> graph = map_graph(nodes, [("ent:a", "need:1", "submitted"), ("ent:a", "need:2", "submitted")],
...                   {("need:1", "exp:w"): 0.8}, strong=0.6)
>>> sorted(graph["need:1"]["exp:w"]["kinds"])
['can_serve']
>>> gaps = find_gaps(graph, {"need:1": ("exp:w", 0.8), "need:2": ("exp:w", 0.3)}, strong=0.6)
>>> [g["id"] for g in gaps.unmet_needs], gaps.unused_suppliers
(['need:2'], ['exp:w'])
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from duijie.graph.errors import InvalidInput
from duijie.matcher.betweenness import betweenness_centrality

SUPPLIER_KINDS = frozenset({"Expert", "Institute"})
NODE_KINDS = frozenset({"Enterprise", "Need"}) | SUPPLIER_KINDS
LINK_KINDS = ("submitted", "can_serve", "met", "signed", "collaborated_with", "affiliated_with")
"""What an edge of the map says: a firm submitted a need; a supplier scores at or above the
threshold for it; they met (a meeting); they signed (an outcome); they collaborated; an
expert works at an institute."""
USED_KINDS = frozenset({"met", "signed", "collaborated_with"})
"""Links that show a firm (or its need) actually worked with a supplier."""
LINK_WEIGHT = {"submitted": 1.0, "met": 1.0, "signed": 2.0, "collaborated_with": 1.5,
               "affiliated_with": 0.5}
"""Louvain's edge weights: a signed deal binds more than a meeting; a strong match weighs
its score."""
DEFAULT_STRONG = 0.6
"""A supplier "can serve" a need when the recommender scores it at least this (the same
threshold the invitation planner calls a strong match)."""
EXACT_BETWEENNESS_UP_TO = 1500
"""Nodes up to which betweenness is exact; above it, `sample` source nodes (seeded)."""


def map_graph(nodes: Mapping[str, Mapping[str, Any]], links: Iterable[tuple[str, str, str]],
              matches: Mapping[tuple[str, str], float], *, strong: float = DEFAULT_STRONG
              ) -> nx.Graph:
    """The map as an undirected networkx graph.

    Parameters
    ----------
    nodes : dict {id: {"kind": ..., "name": ...}}
        Firms, needs, experts and institutes (other keys are kept as node attributes).
    links : iterable of (u, v, kind)
        Recorded links, `kind` one of `LINK_KINDS` other than ``can_serve``; a link with
        an end not in `nodes` is left out.
    matches : dict {(need, supplier): score}
        The recommender's scores; those at or above `strong` become ``can_serve`` edges.
    strong : float
        The threshold, in [0, 1].

    Returns
    -------
    networkx.Graph
        Node attributes ``kind``, ``name``; edge attributes ``kinds`` (a set),
        ``score`` (the match score, or None) and ``weight``.

    Raises
    ------
    InvalidInput
        A threshold outside [0, 1], a node of another kind, an unknown link kind.

    >>> people = {"a": {"kind": "Expert", "name": "甲"}, "b": {"kind": "Institute", "name": "乙"}}
    >>> g = map_graph(people, [("a", "b", "affiliated_with"), ("a", "zz", "met")], {})
    >>> g.number_of_edges(), g["a"]["b"]["weight"]
    (1, 0.5)
    """
    if not 0 <= strong <= 1:
        raise InvalidInput("must be between 0 and 1", value=strong, where="strong")
    graph = nx.Graph()
    for node_id, attrs in nodes.items():
        if attrs.get("kind") not in NODE_KINDS:
            raise InvalidInput(f"must be one of {sorted(NODE_KINDS)}", value=attrs.get("kind"),
                               where=f"node {node_id}")
        graph.add_node(node_id, **attrs)
    for u, v, kind in links:
        if kind not in LINK_WEIGHT:
            raise InvalidInput(f"must be one of {sorted(LINK_WEIGHT)}", value=kind,
                               where="link kind")
        if u in graph and v in graph and u != v:
            _link(graph, u, v, kind, LINK_WEIGHT[kind])
    for (need, supplier), score in matches.items():
        if score >= strong and need in graph and supplier in graph:
            _link(graph, need, supplier, "can_serve", float(score), score=float(score))
    return graph


def _link(graph: nx.Graph, u: str, v: str, kind: str, weight: float,
          score: float | None = None) -> None:
    if graph.has_edge(u, v):
        data = graph[u][v]
        data["kinds"].add(kind)
        data["weight"] = max(data["weight"], weight)
        if score is not None:
            data["score"] = max(score, data["score"] or 0.0)
    else:
        graph.add_edge(u, v, kinds={kind}, weight=weight, score=score)


@dataclass
class Gaps:
    """Needs with no strong supplier anywhere in the graph (weakest first), and suppliers
    on the map that no firm on it has met, signed with or collaborated with."""

    strong: float
    unmet_needs: list[dict[str, Any]] = field(default_factory=list)
    unused_suppliers: list[str] = field(default_factory=list)


def find_gaps(graph: nx.Graph, best: Mapping[str, tuple[str | None, float]], *,
              strong: float = DEFAULT_STRONG, served: Iterable[str] = ()) -> Gaps:
    """The map's gaps.

    Parameters
    ----------
    graph : networkx.Graph
        From `map_graph`.
    best : dict {need: (best supplier or None, its score)}
        The best score each need of the map gets from any expert or institute of the
        whole graph (not only those on the map); a need missing here has none.
    strong : float
        The same threshold `map_graph` used.
    served : iterable of need ids
        Needs already served (signed): never a gap, whatever their scores.

    Returns
    -------
    Gaps
        ``unmet_needs``: ``{"id", "best", "score"}`` for each need whose best score is
        below `strong`, lowest score first (ties by id); ``unused_suppliers``: ids, in
        id order, of suppliers with no met/signed/collaborated link to a firm or a need.

    >>> g = map_graph({"n": {"kind": "Need", "name": "n"}, "f": {"kind": "Enterprise", "name": "f"},
    ...                "x": {"kind": "Institute", "name": "x"}},
    ...               [("f", "n", "submitted"), ("f", "x", "collaborated_with")], {})
    >>> gaps = find_gaps(g, {}, strong=0.5)
    >>> gaps.unmet_needs, gaps.unused_suppliers
    ([{'id': 'n', 'best': None, 'score': 0.0}], [])
    """
    unmet, served = [], set(served)
    for node, kind in graph.nodes(data="kind"):
        if kind == "Need" and node not in served:
            supplier, score = best.get(node, (None, 0.0))
            if supplier is None or score < strong:
                unmet.append({"id": node, "best": supplier, "score": round(float(score), 4)})
    unmet.sort(key=lambda g: (g["score"], g["id"]))
    unused = sorted(
        node for node, kind in graph.nodes(data="kind") if kind in SUPPLIER_KINDS
        and not any(graph.nodes[other]["kind"] in ("Enterprise", "Need")
                    and graph[node][other]["kinds"] & USED_KINDS for other in graph[node]))
    return Gaps(strong, unmet, unused)


def centrality(graph: nx.Graph, *, sample: int = 200, seed: int = 0
               ) -> dict[str, dict[str, float]]:
    """Degree and betweenness centrality of every node, each in [0, 1].

    Betweenness is exact up to `EXACT_BETWEENNESS_UP_TO` nodes (compiled:
    `matcher.betweenness`, networkx's answer); above, it is estimated from `sample`
    source nodes drawn with `seed` (networkx's `k`), so it stays the same for the same
    graph.

    >>> g = nx.Graph([("a", "b"), ("b", "c")])
    >>> centrality(g)["b"]
    {'degree': 1.0, 'betweenness': 1.0}
    """
    if graph.number_of_nodes() == 0:
        return {}
    degree = nx.degree_centrality(graph)
    k = None if graph.number_of_nodes() <= EXACT_BETWEENNESS_UP_TO else min(
        sample, graph.number_of_nodes())
    between = betweenness_centrality(graph, k=k, seed=seed if k else None, normalized=True)
    return {n: {"degree": round(degree[n], 6), "betweenness": round(between[n], 6)}
            for n in sorted(graph)}


def communities(graph: nx.Graph, *, seed: int = 0, resolution: float = 1.0
                ) -> list[list[str]]:
    """Louvain communities (weighted), largest first, members in id order.

    The same graph and seed give the same communities (networkx visits nodes in a
    seeded random order; nodes are added in id order so insertion order does not count).

    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"),
    ...               ("x", "z"), ("c", "x")])
    >>> communities(g)
    [['a', 'b', 'c'], ['x', 'y', 'z']]
    """
    if graph.number_of_nodes() == 0:
        return []
    ordered = nx.Graph()
    ordered.add_nodes_from(sorted(graph))
    ordered.add_edges_from(sorted((min(u, v), max(u, v), {"weight": d.get("weight", 1.0)})
                                  for u, v, d in graph.edges(data=True)))
    found = nx.community.louvain_communities(ordered, weight="weight", seed=seed,
                                             resolution=resolution)
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))


def brokers(graph: nx.Graph, groups: list[list[str]], central: Mapping[str, Mapping[str, float]],
            *, top: int = 5) -> list[dict[str, Any]]:
    """The nodes that hold the map together, as structured explanations.

    For each of the `top` nodes by betweenness (above 0), the groups (communities) its
    neighbours belong to that have no direct link with one another except through it:
    ``{"code": "broker", "values": {"groups"}, "ids": {"node", "centres"}}`` when it joins
    two or more such groups, else ``{"code": "hub", "values": {"links"}, ...}``; ``ids``
    holds the node and the most-linked member of each group it joins (``centres``), so
    a reader's names (and their 示意 marks) are filled in where they are shown.

    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"),
    ...               ("x", "z"), ("c", "x")])
    >>> found = brokers(g, communities(g), centrality(g), top=1)
    >>> found[0]["code"], found[0]["values"]["groups"], found[0]["ids"]["node"]
    ('broker', 2, 'c')
    """
    group_of = {n: i for i, members in enumerate(groups) for n in members}
    between_groups: Counter[tuple[int, int]] = Counter()
    for u, v in graph.edges():
        a, b = group_of[u], group_of[v]
        if a != b:
            between_groups[(min(a, b), max(a, b))] += 1
    ranked = sorted((n for n in central if central[n]["betweenness"] > 0),
                    key=lambda n: (-central[n]["betweenness"], n))[:top]
    out = []
    for node in ranked:
        own = Counter()  # this node's own links between groups do not count as theirs
        for other in graph[node]:
            a, b = group_of[node], group_of[other]
            if a != b:
                own[(min(a, b), max(a, b))] += 1
        touched = sorted({group_of[o] for o in graph[node]} | {group_of[node]})
        apart = nx.Graph()
        apart.add_nodes_from(touched)
        apart.add_edges_from(pair for pair, count in between_groups.items()
                             if pair[0] in apart and pair[1] in apart and count > own[pair])
        parts = list(nx.connected_components(apart))
        if len(parts) >= 2:
            centres = [_centre(graph, [m for m in groups[min(p)] if m != node]
                               or groups[min(p)]) for p in sorted(parts, key=min)]
            out.append({"code": "broker", "values": {"groups": len(parts)},
                        "ids": {"node": node, "centres": centres}})
        else:
            out.append({"code": "hub", "values": {"links": graph.degree(node)},
                        "ids": {"node": node, "centres": []}})
    return out


def _centre(graph: nx.Graph, members: list[str]) -> str:
    return max(members, key=lambda n: (graph.degree(n), -members.index(n)))


def describe_groups(graph: nx.Graph, groups: list[list[str]]) -> list[dict[str, Any]]:
    """Each community as a structured explanation: its size by kind and the member with
    most links (``ids["node"]``).

    >>> g = map_graph({"f": {"kind": "Enterprise", "name": "甲厂"},
    ...                "n": {"kind": "Need", "name": "降噪"}}, [("f", "n", "submitted")], {})
    >>> describe_groups(g, [["f", "n"]])[0]["values"]
    {'index': 1, 'size': 2, 'firms': 1, 'needs': 1, 'experts': 0, 'institutes': 0}
    """
    out = []
    for i, members in enumerate(groups, 1):
        kinds = Counter(graph.nodes[n]["kind"] for n in members)
        centre = _centre(graph, members)
        out.append({"code": "group",
                    "values": {"index": i, "size": len(members), "firms": kinds["Enterprise"],
                               "needs": kinds["Need"], "experts": kinds["Expert"],
                               "institutes": kinds["Institute"]},
                    "ids": {"node": centre, "centres": [centre]}})
    return out


def link_counts(graph: nx.Graph) -> dict[str, int]:
    """How many edges of each kind the map has (an edge with two kinds counts in both).

    >>> link_counts(nx.Graph([("a", "b", {"kinds": {"met", "can_serve"}})]))
    {'can_serve': 1, 'met': 1}
    """
    counts: dict[str, int] = defaultdict(int)
    for _, _, kinds in graph.edges(data="kinds"):
        for kind in kinds or ():
            counts[kind] += 1
    return dict(sorted(counts.items()))
