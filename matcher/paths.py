"""Why a candidate is close to a need: the one or two walks that carry its PPR score.

A path's score is the chance that a random walk from its seed follows it: the seed's
restart weight times, for each step, the edge's weight over the weighted degree of the
node it leaves (the same walk `matcher.graph_rank` ranks with). Two implementations:

* `explain_paths` walks a networkx graph with dictionaries: slow, plain, the reference;
* `explain_paths_indexed` reads the neighbours from a `GraphIndex`'s CSR rows and
  scores every 1-, 2- and 3-step path at once with numpy (2 steps: the intersection
  of two rows; 3 steps: the block of the matrix between the seed's and the target's
  neighbours). It is tested to find the same path scores as the reference.

>>> g = nx.MultiDiGraph()
>>> g.add_node("ent:dali", name="浙江大立科技")
>>> g.add_node("topic:ir", name="红外探测")
>>> g.add_node("inst:opt", name="中国科学院西安光学精密机械研究所")
>>> _ = g.add_edge("ent:dali", "topic:ir", kind="has_expertise")
>>> _ = g.add_edge("inst:opt", "topic:ir", kind="has_expertise")
>>> index = GraphIndex.from_graph(g)
>>> [str(p) for p in explain_paths_indexed(index, g, {"ent:dali": 1.0}, "inst:opt")]
['浙江大立科技 → 红外探测 → 中国科学院西安光学精密机械研究所']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise

import networkx as nx
import numpy as np

from duijie.graph.errors import NotFound
from duijie.matcher.graph_rank import RANK_EDGE_WEIGHTS, GraphIndex, _edge_weight
from duijie.matcher.snapshot import GraphSnapshot


@dataclass(frozen=True)
class GraphPath:
    """One walk from a seed to a candidate: node ids, their names, the edge kinds."""

    nodes: tuple[str, ...]
    names: tuple[str, ...]
    edge_kinds: tuple[str, ...]
    score: float

    def __str__(self) -> str:
        return " → ".join(self.names)

    def to_dict(self) -> dict:
        return {"nodes": list(self.nodes), "names": list(self.names),
                "edges": list(self.edge_kinds), "score": self.score, "text": str(self)}


def _links(graph: nx.MultiDiGraph, u, edge_weights: Mapping[str, float]) -> dict:
    """{neighbour: (total weight, heaviest edge kind)} of `u`, both directions."""
    out: dict = {}
    adjs = [graph.adj[u]]
    if graph.is_directed():
        adjs.append(graph.pred[u])
    for adj in adjs:
        for v, data in adj.items():
            if v == u:
                continue
            items = data.values() if graph.is_multigraph() else [data]
            for attrs in items:
                kind = attrs.get("kind")
                w = _edge_weight(kind, attrs, edge_weights)
                total, best_kind, best_w = out.get(v, (0.0, kind, -1.0))
                if w > best_w:
                    best_kind, best_w = kind, w
                out[v] = (total + w, best_kind, best_w)
    return {v: (t, k) for v, (t, k, _) in out.items()}


def explain_paths(graph: nx.MultiDiGraph, source_nodes: Mapping[str, float] | Iterable[str],
                  target: str, *, max_paths: int = 2, max_hops: int = 3,
                  edge_weights: Mapping[str, float] | None = None,
                  degree: Callable[[str], float] | None = None,
                  max_checks: int = 20_000) -> list[GraphPath]:
    """The one or two short paths that carry most of a target's PPR score.

    A path's score is the chance that a walk from its seed follows it: the seed's
    restart weight times, for each step, the edge's weight over the weighted degree
    of the node it leaves. Paths of up to `max_hops` edges are searched from both
    ends, and at most `max_checks` adjacency look-ups are made, so hubs (a province,
    a big industry) cannot make an explanation slow.

    Parameters
    ----------
    graph : networkx graph
        Nodes may carry ``name``; edges ``kind`` (and ``weight``). Directions are ignored.
    source_nodes : dict {node: seed weight} or iterable of nodes
    target : node
    max_paths : int, default 2
    max_hops : int, default 3 (at most 3)
    edge_weights : dict, optional
        Weights by edge kind; `RANK_EDGE_WEIGHTS` if None.
    degree : callable, optional
        Weighted degree of a node (e.g. `GraphIndex.degree`); summed here if None.
    max_checks : int
        Budget of neighbour look-ups.

    Returns
    -------
    list of GraphPath, best first (empty if no path within `max_hops`).

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("ent:dali", name="浙江大立科技")
    >>> g.add_node("topic:ir", name="红外探测")
    >>> g.add_node("inst:opt", name="中国科学院西安光学精密机械研究所")
    >>> _ = g.add_edge("ent:dali", "topic:ir", kind="has_expertise")
    >>> _ = g.add_edge("inst:opt", "topic:ir", kind="has_expertise")
    >>> str(explain_paths(g, ["ent:dali"], "inst:opt")[0])
    '浙江大立科技 → 红外探测 → 中国科学院西安光学精密机械研究所'
    """
    if target not in graph:
        raise NotFound("is not in the graph", value=target, where="explain_paths")
    weights = RANK_EDGE_WEIGHTS if edge_weights is None else edge_weights
    seeds = (dict(source_nodes) if isinstance(source_nodes, Mapping)
             else dict.fromkeys(source_nodes, 1.0))
    seeds = {s: w for s, w in seeds.items() if s in graph and s != target and w > 0}
    if not seeds:
        return []
    budget = [max_checks]
    links_cache: dict = {}

    def links(u) -> dict:
        if u not in links_cache:
            budget[0] -= 1
            links_cache[u] = _links(graph, u, weights)
        return links_cache[u]

    degree_cache: dict = {}

    def deg(u) -> float:
        if u not in degree_cache:
            degree_cache[u] = (degree(u) if degree is not None
                               else sum(w for w, _ in links(u).values()))
        return degree_cache[u] or 1.0

    def score(path: list) -> float:
        s = seeds[path[0]]
        for u, v in pairwise(path):
            s *= links(u)[v][0] / deg(u)
        return s

    found: list[list] = []
    near_target = links(target)
    for seed in seeds:
        near_seed = links(seed)
        if target in near_seed:
            found.append([seed, target])
        if max_hops < 2:
            continue
        small, large = sorted((near_seed, near_target), key=len)
        found.extend([seed, m, target] for m in small if m in large and m not in (seed, target))
        if max_hops < 3:
            continue
        # s - u - v - t: walk out of the smaller side, look up the other side's links.
        if len(near_seed) * 4 > budget[0] and len(near_target) * 4 > budget[0]:
            continue
        from_seed = len(near_seed) <= len(near_target)
        inner, outer = (near_seed, near_target) if from_seed else (near_target, near_seed)
        for a in list(inner):
            if budget[0] <= 0:
                break
            if a == (target if from_seed else seed):
                continue
            for b in links(a):
                if b in outer and b not in (seed, a, target):
                    found.append([seed, a, b, target] if from_seed else [seed, b, a, target])
    ranked = sorted(((score(p), p) for p in found), key=lambda sp_: (-sp_[0], len(sp_[1])))
    out = []
    for s, path in ranked[:max_paths]:
        kinds = tuple(links(u)[v][1] or "" for u, v in pairwise(path))
        names = tuple(str(graph.nodes[v].get("name") or v) for v in path)
        out.append(GraphPath(tuple(path), names, kinds, float(s)))
    return out


def _edge_kind(graph, u, v, edge_weights: Mapping[str, float]) -> str:
    """The heaviest edge kind between u and v, either direction ("" if none)."""
    if not isinstance(graph, nx.Graph):  # a `GraphSnapshot`
        return graph.edge_kind(u, v, edge_weights)
    best, best_w = "", -1.0
    for a, b in ((u, v), (v, u)) if graph.is_directed() else ((u, v),):
        data = graph.get_edge_data(a, b)
        if data is None:
            continue
        for attrs in (data.values() if graph.is_multigraph() else [data]):
            w = _edge_weight(attrs.get("kind"), attrs, edge_weights)
            if w > best_w:
                best, best_w = attrs.get("kind") or "", w
    return best


def _node_name(graph, node: str) -> str:
    if not isinstance(graph, nx.Graph):  # a `GraphSnapshot`
        return graph.name(node)
    return str(graph.nodes[node].get("name") or node) if node in graph else str(node)


def explain_paths_indexed(index: GraphIndex, graph: nx.Graph | GraphSnapshot | None,
                          source_nodes: Mapping[str, float] | Iterable[str], target: str, *,
                          max_paths: int = 2, max_hops: int = 3,
                          max_entries: int = 500_000, reach: dict | None = None,
                          among: tuple[str, ...] | None = None) -> list[GraphPath]:
    """`explain_paths` on a `GraphIndex`: the same paths and scores, vectorised.

    Parameters
    ----------
    index : GraphIndex
        Gives neighbours, weights and degrees.
    graph : networkx graph, GraphSnapshot or None
        Only for node names and edge kinds of the chosen paths.
    source_nodes, target, max_paths, max_hops
        As in `explain_paths`.
    max_entries : int
        Three-step paths are skipped for a seed whose neighbours' rows hold more
        entries than this (a province with all its firms), bounding the time.
    reach : dict, optional
        Where the two-step walks from each seed are kept between calls on the same index
        and seeds (one recommendation explains ten candidates from the same seeds: the
        walks from a topic with 20,000 experts are gathered once, not ten times).
    among : tuple of str, optional
        Every target `reach` will be asked for (the candidates shown), `target` among
        them: the kept walks are only those that end next to one of them, so each target
        looks through a few hundred walks instead of every walk from the seeds.

    Returns
    -------
    list of GraphPath, best first.

    Examples
    --------
    >>> g = nx.MultiDiGraph([("a", "t"), ("t", "b"), ("a", "b")])
    >>> index = GraphIndex.from_graph(g)
    >>> [p.nodes for p in explain_paths_indexed(index, None, ["a"], "b", max_paths=3)]
    [('a', 'b'), ('a', 't', 'b')]
    """
    if target not in index:
        raise NotFound("is not in the graph", value=target, where="explain_paths")
    seeds = (dict(source_nodes) if isinstance(source_nodes, Mapping)
             else dict.fromkeys(source_nodes, 1.0))
    seeds = {s: w for s, w in seeds.items() if s in index and s != target and w > 0}
    if not seeds:
        return []
    a = index.adjacency
    if not a.has_sorted_indices:
        a.sort_indices()
    inv = index.transition.inv_degree
    t = index.index[target]

    def row(i: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = a.indptr[i], a.indptr[i + 1]
        return a.indices[lo:hi], a.data[lo:hi]

    nt, wt = row(t)
    step_to_t = wt * inv[nt]  # P[v, t] for v in N(t), by symmetry A[v, t] = A[t, v]
    found: list[tuple[float, tuple[int, ...]]] = []
    near = _near(index, among, reach) if among is not None and target in among else None
    next_to_t = None  # N(t) as a mask over rows, made for the first three-step walks

    def keep(scores: np.ndarray, *columns: np.ndarray | int) -> None:
        if len(scores) > max_paths:
            best = np.argpartition(-scores, max_paths - 1)[:max_paths]
        else:
            best = range(len(scores))
        for i in best:
            path = tuple(c if isinstance(c, int) else int(c[i]) for c in columns)
            found.append((float(scores[i]), path))

    for seed, w0 in seeds.items():
        s = index.index[seed]
        ns, ws = row(s)
        ps = w0 * ws * inv[s]  # seed weight times P[s, u] for u in N(s)
        pos = np.searchsorted(ns, t)
        if pos < len(ns) and ns[pos] == t:
            found.append((float(ps[pos]), (s, t)))
        if max_hops < 2:
            continue
        ia, ib = _common(ns, nt)
        mids = ns[ia]
        ok = (mids != s) & (mids != t)
        if ok.any():
            ia, ib, mids = ia[ok], ib[ok], mids[ok]
            keep(ps[ia] * step_to_t[ib], s, mids, t)
        if max_hops < 3:
            continue
        walks = _two_steps(a, inv, s, float(w0), ns, ps, max_entries, reach, near)
        if walks is None or not len(nt):
            continue
        u_all, x, p_all = walks
        if next_to_t is None:  # one lookup per walk (a search per walk cost more)
            next_to_t = np.zeros(a.shape[0], dtype=bool)
            next_to_t[nt] = True
        hit = np.flatnonzero(next_to_t[x])
        u, v, p2 = u_all[hit], x[hit], p_all[hit]
        col = np.searchsorted(nt, v)  # N(t) is sorted: where each end sits in it
        ok = (u != t) & (v != s)
        if ok.any():
            u, v, col, p2 = u[ok], v[ok], col[ok], p2[ok]
            keep(p2 * step_to_t[col], s, u, v, t)
    found.sort(key=lambda f: (-f[0], len(f[1]), f[1]))
    out = []
    ids = index.node_ids
    for score, path in found[:max_paths]:
        nodes = tuple(ids[i] for i in path)
        if graph is not None:
            names = tuple(_node_name(graph, n) for n in nodes)
            kinds = tuple(_edge_kind(graph, x, y, index.edge_weights)
                          for x, y in pairwise(nodes))
        else:
            names, kinds = tuple(str(n) for n in nodes), ("",) * (len(nodes) - 1)
        out.append(GraphPath(nodes, names, kinds, score))
    return out


def _common(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the values two sorted arrays of distinct values share sit in each, in
    ascending order of value (`np.intersect1d`'s indices, searching the shorter array in
    the longer instead of sorting both: a topic has thousands of neighbours).

    >>> [v.tolist() for v in _common(np.array([1, 3, 5, 7]), np.array([3, 4, 7]))]
    [[1, 3], [0, 2]]
    """
    if len(x) < len(y):
        iy, ix = _common(y, x)
        return ix, iy
    if not len(y):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    at = np.minimum(np.searchsorted(x, y), len(x) - 1)
    iy = np.flatnonzero(x[at] == y)
    return at[iy], iy


def _near(index: GraphIndex, among: tuple[str, ...], reach: dict | None) -> np.ndarray:
    """The nodes next to any of `among`, as a mask over rows (kept in `reach`)."""
    key = ("near", among)
    if reach is not None and key in reach:
        return reach[key]
    a = index.adjacency
    near = np.zeros(a.shape[0], dtype=bool)
    for node in among:
        if node in index:
            i = index.index[node]
            near[a.indices[a.indptr[i]:a.indptr[i + 1]]] = True
    if reach is not None:
        reach[key] = near
    return near


def _two_steps(a, inv: np.ndarray, s: int, w0: float, ns: np.ndarray, ps: np.ndarray,
               max_entries: int, reach: dict | None, near: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Every walk s → u → x (u in N(s)) as (u, x, probability), in the order of the rows of
    N(s), only those ending in `near` if given; None when those rows hold more than
    `max_entries` entries. Kept in `reach`."""
    key = (s, w0, max_entries, near is not None)
    if reach is not None and key in reach:
        return reach[key]
    starts = a.indptr[ns].astype(np.int64)
    lens = a.indptr[ns + 1].astype(np.int64) - starts
    total = int(lens.sum())
    out = None
    if total <= max_entries:
        # Every entry A[u, x] of the rows u in N(s), gathered without scipy's fancy indexing.
        first = np.cumsum(lens) - lens
        pos = np.repeat(starts - first, lens) + np.arange(total)
        urow = np.repeat(np.arange(len(ns)), lens)
        x = a.indices[pos]
        if near is not None:
            ends = near[x]
            pos, urow, x = pos[ends], urow[ends], x[ends]
        u = ns[urow]
        out = (u, x, ps[urow] * a.data[pos] * inv[u])
    if reach is not None:
        reach[key] = out
    return out
