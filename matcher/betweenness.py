"""Betweenness centrality with networkx's signature and results, computed by rustworkx.

networkx's exact betweenness (Brandes' algorithm in pure Python) took about 2 s of the
innovation map's ~4 s on a map of 1,000 nodes; rustworkx runs the same algorithm
compiled, about 15× faster. The answer is networkx's: the same shortest paths counted,
the same normalisation (``1 / ((n - 1)(n - 2))``, endpoints as networkx counts them),
equal up to the last bits of floating-point summation (tests compare the two on
connected, disconnected, directed and tiny graphs). rustworkx is asked to use one
thread: its threads add sources' shares in whatever order they finish, which would
change the last bits from run to run.

What rustworkx does not do is handed to networkx unchanged: sampling `k` source nodes
(with `seed`) and edge weights.

>>> import networkx as nx
>>> betweenness_centrality(nx.path_graph(["a", "b", "c"]))
{'a': 0.0, 'b': 1.0, 'c': 0.0}
"""

from __future__ import annotations

import networkx as nx
import rustworkx as rx

ONE_THREAD = 2**62
"""rustworkx's `parallel_threshold`: graphs with fewer nodes use one thread."""


def betweenness_centrality(graph: nx.Graph, k: int | None = None, normalized: bool = True,
                           weight: str | None = None, endpoints: bool = False,
                           seed: int | None = None) -> dict:
    """`networkx.betweenness_centrality`, the same arguments and answer; exact and
    unweighted (``k=None, weight=None``) it is computed compiled.

    Parameters
    ----------
    graph : networkx.Graph or networkx.DiGraph
        Parallel edges of a multigraph count once and self-loops not at all, as in
        networkx's shortest paths.
    k, normalized, weight, endpoints, seed
        As networkx's (`k` sampled sources with `seed`; `weight` an edge attribute).

    Returns
    -------
    dict
        ``{node: betweenness}``, in the graph's node order.

    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("x", "y")])  # two parts
    >>> betweenness_centrality(g, normalized=False)
    {'a': 0.0, 'b': 1.0, 'c': 0.0, 'x': 0.0, 'y': 0.0}
    """
    if k is not None or weight is not None:
        return nx.betweenness_centrality(graph, k=k, normalized=normalized, weight=weight,
                                         endpoints=endpoints, seed=seed)
    directed = graph.is_directed()
    compiled = rx.PyDiGraph(multigraph=False) if directed else rx.PyGraph(multigraph=False)
    nodes = list(graph)
    position = dict(zip(nodes, compiled.add_nodes_from(nodes), strict=True))
    compiled.add_edges_from_no_data([
        (position[u], position[v]) for u, neighbours in graph.adj.items()
        for v in neighbours if u != v and (directed or position[u] < position[v])])
    found = rx.betweenness_centrality(compiled, normalized=normalized, endpoints=endpoints,
                                      parallel_threshold=ONE_THREAD)
    return {node: float(found[position[node]]) for node in nodes}
