"""The knowledge graph as plain, read-only data at one moment: `GraphSnapshot`.

The recommender (`matcher.recommender`) ranks and explains from a snapshot and never
sees a store; the caller builds one (`api.services.recommendations` reads the store's
projection and the candidates' properties). A snapshot is never changed once built:
`with_records` returns a new one with some nodes and edges added, sharing what did
not change (the per-node tuples), so threads that still hold the old one keep a
consistent view.

Each node has a kind and a display name; candidate nodes (experts, institutes,
programmes, firms, needs) also their properties. Edges are kept per node, both ways,
as ``(edge kind, other node, weight)``.

>>> snap = GraphSnapshot.from_records(
...     [("ent:dali", "Enterprise", {"name": "浙江大立科技"}),
...      ("topic:ir", "Topic", {"name": "红外探测"})],
...     [("ent:dali", "has_expertise", "topic:ir", 1.0)])
>>> snap.neighbours("ent:dali", "has_expertise", "out"), snap.name("topic:ir")
(['topic:ir'], '红外探测')
>>> bigger = snap.with_records([("need:ir", "Need", {"title": "红外降噪"})],
...                            [("ent:dali", "submitted", "need:ir", 1.0)])
>>> bigger.neighbours("ent:dali", "submitted"), snap.neighbours("ent:dali", "submitted")
(['need:ir'], [])
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from duijie.graph.model import shown_name
from duijie.matcher.recommend import CANDIDATE_KINDS  # kept with their properties

NodeRecord = tuple[str, str, Mapping[str, Any]]  # (id, kind, props)
EdgeRecord = tuple[str, str, str, float]  # (src, kind, dst, weight)
_Links = tuple[tuple[str, str, float], ...]  # ((edge kind, other node, weight), ...)


@dataclass(frozen=True)
class GraphSnapshot:
    """Nodes, names, candidate properties and edges at one store version.

    Parameters
    ----------
    kinds : dict {node id: kind}
        Every node.
    names : dict {node id: name}
        Nodes with a name (others show their id).
    props : dict {node id: properties}
        Nodes of `CANDIDATE_KINDS`.
    out_links, in_links : dict {node id: ((edge kind, other, weight), ...)}
        Edges leaving and entering each node.
    version : hashable, optional
        What the caller read it at (e.g. the store's `version()`), for telling
        whether it is still current.
    """

    kinds: dict[str, str | None]
    names: dict[str, str]
    props: dict[str, dict[str, Any]]
    out_links: dict[str, _Links] = field(default_factory=dict)
    in_links: dict[str, _Links] = field(default_factory=dict)
    version: Hashable = None

    # -- building --------------------------------------------------------------------
    @classmethod
    def from_records(cls, nodes: Iterable[NodeRecord], edges: Iterable[EdgeRecord],
                     version: Hashable = None) -> GraphSnapshot:
        """From ``(id, kind, props)`` nodes and ``(src, kind, dst, weight)`` edges."""
        return cls({}, {}, {}, {}, {}, version)._added(nodes, edges)

    @classmethod
    def from_projection(cls, graph: nx.MultiDiGraph, props: Mapping[str, Mapping[str, Any]],
                        version: Hashable = None) -> GraphSnapshot:
        """From a store's networkx projection (nodes with ``kind`` and ``name``, edges
        with ``kind`` and ``weight``) and the candidates' properties by id.

        The projection is read, not kept: the caller may let its store change it after.
        """
        kinds = {n: a.get("kind") for n, a in graph.nodes(data=True)}
        names = {n: str(a["name"]) for n, a in graph.nodes(data=True) if a.get("name")}
        out: dict[str, list] = {}
        into: dict[str, list] = {}
        for u, v, attrs in graph.edges(data=True):
            link_kind, weight = attrs.get("kind"), float(attrs.get("weight", 1.0))
            out.setdefault(u, []).append((link_kind, v, weight))
            into.setdefault(v, []).append((link_kind, u, weight))
        kept = {n: dict(p) for n, p in props.items() if kinds.get(n) in CANDIDATE_KINDS}
        return cls(kinds, names, kept, {n: tuple(ls) for n, ls in out.items()},
                   {n: tuple(ls) for n, ls in into.items()}, version)

    def with_records(self, nodes: Iterable[NodeRecord], edges: Iterable[EdgeRecord],
                     version: Hashable = None) -> GraphSnapshot:
        """A new snapshot with these nodes (added or replaced) and edges added.

        The mappings are copied (not their values), so this one stays as it was.
        """
        copy = GraphSnapshot(dict(self.kinds), dict(self.names), dict(self.props),
                             dict(self.out_links), dict(self.in_links), version)
        return copy._added(nodes, edges)

    def _added(self, nodes: Iterable[NodeRecord], edges: Iterable[EdgeRecord]
               ) -> GraphSnapshot:
        # Only for a snapshot nobody holds yet (from_records, with_records' copy).
        kinds, names, props = self.kinds, self.names, self.props
        out, into = self.out_links, self.in_links
        for node_id, kind, node_props in nodes:
            kinds[node_id] = kind
            if node_props.get("name") or node_props.get("title"):
                names[node_id] = shown_name(kind, node_props)
            if kind in CANDIDATE_KINDS:
                props[node_id] = dict(node_props)
        for src, link_kind, dst, weight in edges:
            for end in (src, dst):
                kinds.setdefault(end, None)
            out[src] = (*out.get(src, ()), (link_kind, dst, float(weight)))
            into[dst] = (*into.get(dst, ()), (link_kind, src, float(weight)))
        return self

    # -- reading ---------------------------------------------------------------------
    def __contains__(self, node_id: object) -> bool:
        return node_id in self.kinds

    def __len__(self) -> int:
        return len(self.kinds)

    def name(self, node_id: str) -> str:
        """The node's name, or its id if it has none."""
        return self.names.get(node_id) or node_id

    def neighbours(self, node_id: str, edge_kind: str, direction: str = "both",
                   kind: str | None = None) -> list[str]:
        """Nodes linked to `node_id` by edges of `edge_kind` (leaving it: ``out``,
        entering it: ``in``), optionally only those of one node `kind`; in edge order,
        each once."""
        links: list = []
        if direction in ("out", "both"):
            links += self.out_links.get(node_id, ())
        if direction in ("in", "both"):
            links += self.in_links.get(node_id, ())
        return list(dict.fromkeys(
            other for link_kind, other, _ in links
            if link_kind == edge_kind and (kind is None or self.kinds.get(other) == kind)))

    def edges(self) -> Iterator[EdgeRecord]:
        """Every edge as ``(src, kind, dst, weight)``."""
        for src, links in self.out_links.items():
            for link_kind, dst, weight in links:
                yield src, link_kind, dst, weight

    def edges_of(self, node_ids: Iterable[str]) -> list[EdgeRecord]:
        """The edges touching any of `node_ids`, each once."""
        wanted = set(node_ids)
        found = {}
        for node in wanted:
            for link_kind, dst, weight in self.out_links.get(node, ()):
                found[(node, link_kind, dst, weight)] = None
            for link_kind, src, weight in self.in_links.get(node, ()):
                found[(src, link_kind, node, weight)] = None
        return list(found)

    def edge_kind(self, u: str, v: str, edge_weights: Mapping[str, float]) -> str:
        """The heaviest edge kind between two nodes, either direction ("" if none)."""
        best, best_w = "", -1.0
        out_u, in_u = self.out_links.get(u, ()), self.in_links.get(u, ())
        out_v, in_v = self.out_links.get(v, ()), self.in_links.get(v, ())
        # Scan the smaller side, never joining a hub's links (a topic has tens of
        # thousands: copying them cost more than the whole path search).
        if len(out_v) + len(in_v) < len(out_u) + len(in_u):
            v, out_u, in_u = u, out_v, in_v
        for links in (out_u, in_u):
            for link_kind, other, weight in links:
                if other == v:
                    w = float(edge_weights.get(link_kind, weight))
                    if w > best_w:
                        best, best_w = link_kind or "", w
        return best
