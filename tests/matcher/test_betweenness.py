"""The compiled betweenness is networkx's: the same values (up to float summation order)
on connected, disconnected, directed, multi- and tiny graphs, with and without
normalisation and endpoints; sampling and weights are networkx's own."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from duijie.matcher.betweenness import betweenness_centrality

TOLERANCE = 1e-12


def _map_like(n: int, seed: int) -> nx.Graph:
    """Hubs with leaves, a few cross links, an isolated node and a separate piece:
    the shape of an innovation map (ids as strings, not in insertion order)."""
    rng = random.Random(seed)
    names = [f"n{rng.random():.12f}" for _ in range(n)]
    graph = nx.Graph()
    graph.add_nodes_from(names)
    for i in range(1, n - 6):
        graph.add_edge(names[i], names[rng.randrange(0, max(1, i // 4))])
    for _ in range(n // 3):
        graph.add_edge(*rng.sample(names[: n - 6], 2))
    graph.add_edges_from([(names[-6], names[-5]), (names[-5], names[-4]),
                          (names[-4], names[-6]), (names[-3], names[-2])])  # apart
    return graph  # names[-1] is isolated


GRAPHS = {
    "path": nx.path_graph(7),
    "star": nx.star_graph(9),
    "cycle": nx.cycle_graph(8),
    "two parts": nx.disjoint_union(nx.path_graph(5), nx.complete_graph(4)),
    "karate": nx.karate_club_graph(),
    "barbell": nx.barbell_graph(5, 3),
    "grid (many equal paths)": nx.grid_2d_graph(5, 6),
    "map-like": _map_like(400, seed=3),
    "map-like, other seed": _map_like(150, seed=11),
    "directed": nx.gnp_random_graph(60, 0.06, seed=4, directed=True),
    "one node": nx.empty_graph(1),
    "two nodes": nx.path_graph(2),
    "three nodes": nx.path_graph(3),
    "empty": nx.Graph(),
}


@pytest.mark.parametrize("name", sorted(GRAPHS))
@pytest.mark.parametrize("normalized", [True, False])
@pytest.mark.parametrize("endpoints", [False, True])
def test_equals_networkx(name: str, normalized: bool, endpoints: bool) -> None:
    graph = GRAPHS[name]
    expected = nx.betweenness_centrality(graph, normalized=normalized, endpoints=endpoints)
    found = betweenness_centrality(graph, normalized=normalized, endpoints=endpoints)
    assert list(found) == list(graph)  # the graph's node order
    assert found == pytest.approx(expected, abs=TOLERANCE, rel=TOLERANCE)
    if graph.number_of_nodes() > 3 and not endpoints:
        assert max(found.values()) > 0  # not a graph on which everything is 0


def test_the_map_rounding_sees_no_difference_on_a_map_sized_graph() -> None:
    # the map shows betweenness rounded to 6 places and ranks brokers by it
    graph = _map_like(1000, seed=7)
    expected = nx.betweenness_centrality(graph)
    found = betweenness_centrality(graph)
    assert {n: round(v, 6) for n, v in found.items()} == {
        n: round(v, 6) for n, v in expected.items()}


def test_multigraph_edges_count_once_and_self_loops_not_at_all() -> None:
    multi = nx.MultiGraph([(0, 1), (0, 1), (1, 2), (2, 3), (1, 3), (3, 3)])
    expected = nx.betweenness_centrality(multi)
    assert betweenness_centrality(multi) == pytest.approx(expected, abs=TOLERANCE)
    looped = nx.Graph([("a", "b"), ("b", "c"), ("b", "b")])
    assert betweenness_centrality(looped) == {"a": 0.0, "b": 1.0, "c": 0.0}


def test_the_same_answer_every_time() -> None:
    graph = _map_like(600, seed=5)
    first = betweenness_centrality(graph)
    assert all(betweenness_centrality(graph) == first for _ in range(3))  # bit for bit


def test_sampling_and_weights_are_networkx_own() -> None:
    graph = _map_like(300, seed=2)
    rng = random.Random(2)
    for u, v in graph.edges():
        graph[u][v]["weight"] = rng.choice([1.0, 1.5, 2.0])
    sampled = betweenness_centrality(graph, k=40, seed=0)
    assert sampled == nx.betweenness_centrality(graph, k=40, seed=0)
    assert sampled != betweenness_centrality(graph)  # a sample, not the exact answer
    weighted = betweenness_centrality(graph, weight="weight")
    assert weighted == nx.betweenness_centrality(graph, weight="weight")
    assert weighted != betweenness_centrality(graph)
