"""The slow, obviously-correct personalised PageRank that the fast solvers of
`matcher.graph_rank` are tested against."""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx


def pagerank_reference(graph: nx.Graph, personalization: Mapping | None = None, *,
                       alpha: float = 0.85, tol: float = 1e-6, max_iter: int = 100,
                       weight: str = "weight") -> dict:
    """Personalised PageRank by the textbook loop over dictionaries (slow, for tests).

    Each node passes ``alpha`` of its score along its edges in proportion to their
    weight (to every node in the restart distribution if it has none) and every node
    receives ``1 - alpha`` times its restart weight. Undirected graphs walk both ways.

    Parameters
    ----------
    graph : networkx.Graph or DiGraph
    personalization : dict {node: weight}, optional
    alpha, tol, max_iter : as in `personalized_pagerank`
    weight : str
        Edge attribute holding the weight (1 if absent).

    Returns
    -------
    dict {node: score}

    Examples
    --------
    >>> g = nx.Graph([("a", "b"), ("b", "c")])
    >>> r = pagerank_reference(g, {"a": 1}, alpha=0.5, tol=1e-12)
    >>> {k: round(v * 12, 6) for k, v in r.items()}
    {'a': 7.0, 'b': 4.0, 'c': 1.0}
    """
    nodes = list(graph)
    n = len(nodes)
    if n == 0:
        return {}
    total = sum((personalization or {}).values())
    p = ({v: personalization.get(v, 0) / total for v in nodes} if personalization
         else {v: 1.0 / n for v in nodes})
    out_weight = {v: sum(d.get(weight, 1) for _, _, d in graph.edges(v, data=True))
                  for v in nodes}
    x = {v: 1.0 / n for v in nodes}
    for _ in range(max_iter):
        last = x
        x = {v: (1 - alpha) * p[v] for v in nodes}
        for u in nodes:
            if out_weight[u] == 0:
                for v in nodes:
                    x[v] += alpha * last[u] * p[v]
                continue
            for _, v, d in graph.edges(u, data=True):
                x[v] += alpha * last[u] * d.get(weight, 1) / out_weight[u]
        if sum(abs(x[v] - last[v]) for v in nodes) < n * tol:
            return x
    raise nx.PowerIterationFailedConvergence(max_iter)
