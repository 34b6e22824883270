"""The innovation map's reading of a graph, on small graphs with known answers: gaps,
deterministic communities and centrality, brokers explained, bad input refused."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from duijie.graph.errors import InvalidInput
from duijie.matcher.innovation_map import (
    brokers,
    centrality,
    communities,
    describe_groups,
    find_gaps,
    map_graph,
)

NODES = {
    "ent:a": {"kind": "Enterprise", "name": "甲厂"},
    "ent:b": {"kind": "Enterprise", "name": "乙厂"},
    "need:a1": {"kind": "Need", "name": "红外降噪"},
    "need:a2": {"kind": "Need", "name": "园区配套"},
    "need:b1": {"kind": "Need", "name": "涂层剥落"},
    "need:b2": {"kind": "Need", "name": "已签约的需求"},
    "exp:w": {"kind": "Expert", "name": "王教授"},
    "exp:l": {"kind": "Expert", "name": "李研究员"},
    "inst:x": {"kind": "Institute", "name": "光电所"},
    "inst:y": {"kind": "Institute", "name": "材料所"},
}
LINKS = [("ent:a", "need:a1", "submitted"), ("ent:a", "need:a2", "submitted"),
         ("ent:b", "need:b1", "submitted"), ("ent:b", "need:b2", "submitted"),
         ("need:a1", "exp:w", "met"), ("exp:w", "inst:x", "affiliated_with"),
         ("need:b2", "exp:l", "signed")]
SCORES = {("need:a1", "exp:w"): 0.9, ("need:a1", "inst:x"): 0.8,
          ("need:a2", "inst:x"): 0.41,  # below the threshold: no edge
          ("need:b1", "inst:y"): 0.7, ("need:b2", "exp:l"): 0.3}
BEST = {"need:a1": ("exp:w", 0.9), "need:a2": ("inst:x", 0.41), "need:b1": ("inst:y", 0.7),
        "need:b2": ("exp:l", 0.3)}


def test_gaps_on_a_small_graph_with_a_known_answer() -> None:
    graph = map_graph(NODES, LINKS, SCORES, strong=0.6)
    assert graph["need:a1"]["exp:w"]["kinds"] == {"met", "can_serve"}
    assert not graph.has_edge("need:a2", "inst:x")  # 0.41 < 0.6
    gaps = find_gaps(graph, BEST, strong=0.6, served=["need:b2"])
    # need:a2's best anywhere is 0.41; need:b2 scores 0.3 but is already signed
    assert [g["id"] for g in gaps.unmet_needs] == ["need:a2"]
    assert gaps.unmet_needs[0] == {"id": "need:a2", "best": "inst:x", "score": 0.41}
    # inst:x and inst:y can serve but no firm met, signed or worked with them
    assert gaps.unused_suppliers == ["inst:x", "inst:y"]
    # lower the bar and need:a2 is served; raise it and need:b1 joins the gaps
    assert find_gaps(map_graph(NODES, LINKS, SCORES, strong=0.4), BEST, strong=0.4,
                     served=["need:b2"]).unmet_needs == []
    assert [g["id"] for g in find_gaps(graph, BEST, strong=0.75,
                                       served=["need:b2"]).unmet_needs] == ["need:a2", "need:b1"]


def test_a_need_with_no_supplier_at_all_is_a_gap_with_score_zero() -> None:
    graph = map_graph(NODES, LINKS, SCORES)
    gaps = find_gaps(graph, {}, served=())
    assert {g["id"] for g in gaps.unmet_needs} == {"need:a1", "need:a2", "need:b1", "need:b2"}
    assert all(g["best"] is None and g["score"] == 0.0 for g in gaps.unmet_needs)


def two_cliques_and_a_bridge(order: list[str]) -> nx.Graph:
    edges = [("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"),
             ("p", "q"), ("q", "r"), ("p", "r"), ("c", "m"), ("m", "x"), ("m", "p")]
    graph = nx.Graph()
    graph.add_nodes_from(order)
    graph.add_edges_from(edges)
    nx.set_node_attributes(graph, {n: n.upper() for n in graph}, "name")
    nx.set_node_attributes(graph, {n: "Expert" for n in graph}, "kind")
    return graph


def test_communities_and_centrality_are_deterministic_whatever_the_insertion_order() -> None:
    nodes = list("abcxyzpqrm")
    first = two_cliques_and_a_bridge(nodes)
    found = communities(first, seed=0)
    central = centrality(first)
    for attempt in range(5):
        shuffled = nodes[:]
        random.Random(attempt).shuffle(shuffled)
        again = two_cliques_and_a_bridge(shuffled)
        assert communities(again, seed=0) == found
        assert centrality(again) == central
    assert ["p", "q", "r"] in found and ["x", "y", "z"] in found
    assert any({"a", "b", "c"} <= set(group) for group in found)
    # m sits between the three triangles: the highest betweenness
    assert max(central, key=lambda n: central[n]["betweenness"]) == "m"


def test_a_broker_joining_groups_with_no_other_link_is_explained() -> None:
    graph = two_cliques_and_a_bridge(list("abcxyzpqrm"))
    groups = communities(graph)
    top = brokers(graph, groups, centrality(graph), top=1)[0]
    assert top["ids"]["node"] == "m" and top["code"] == "broker"
    assert top["values"]["groups"] == 3 and len(top["ids"]["centres"]) == 3
    # link two of the triangles directly: m now joins only 2 groups that are apart
    graph.add_edge("a", "x")
    groups = communities(graph)
    again = next(b for b in brokers(graph, groups, centrality(graph), top=10)
             if b["ids"]["node"] == "m")
    assert again["values"]["groups"] < 3


def test_groups_are_described_by_kind_and_centre() -> None:
    graph = map_graph(NODES, LINKS, SCORES)
    groups = communities(graph)
    described = describe_groups(graph, groups)
    assert sum(d["values"]["size"] for d in described) == len(NODES)
    assert sum(d["values"]["firms"] for d in described) == 2
    assert all(d["ids"]["node"] in groups[i] for i, d in enumerate(described))


def test_bad_input_is_refused_with_where() -> None:
    with pytest.raises(InvalidInput, match="strong"):
        map_graph(NODES, LINKS, SCORES, strong=1.5)
    with pytest.raises(InvalidInput, match="node evt:x"):
        map_graph({"evt:x": {"kind": "Event", "name": "会"}}, [], {})
    with pytest.raises(InvalidInput, match="link kind"):
        map_graph(NODES, [("ent:a", "need:a1", "owns")], {})
    assert communities(nx.Graph()) == [] and centrality(nx.Graph()) == {}
