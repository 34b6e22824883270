"""The `GraphStore` contract, written once and run on both backends.

`sqlite` is a real file in a temp folder; `bolt` is a real Bolt server (FalkorDB,
started for the session by `tests/conftest.py`, or `$DUIJIE_TEST_BOLT_URL`); the
`store_factory` fixture that opens them is in `tests/graph/conftest.py`.
"""

from __future__ import annotations

import threading

import networkx as nx
import pytest

from duijie.graph.errors import Conflict, InvalidInput, NotFound
from duijie.graph.model import Edge, Node, Provenance
from duijie.graph.normalize import organisation_keys
from duijie.graph.store import (
    GraphStore,
    ReviewItem,
    WriteBatch,
    iter_nodes,
    merge_organisations,
)

INJECTION = '"}) DETACH DELETE n //'
QUOTED_INJECTION = "'}) MATCH (n) DETACH DELETE n // \\"
SRC = [Provenance(source="test:contract")]


def firm(node_id: str, name: str, **props) -> Node:
    return Node(node_id, "Enterprise", {"name": name, **props}, provenance=SRC)


def small_graph(store: GraphStore) -> None:
    with store.batch() as b:
        b.upsert_node(firm("ent:dali", "浙江大立科技股份有限公司", region="杭州",
                           credit_code="91330000143044722X", flags=["高新技术企业"]))
        b.upsert_node(Node("need:ir", "Need", {"title": "红外探测器降噪", "trl": 4},
                           provenance=SRC))
        b.upsert_node(Node("exp:li", "Expert", {"name": "李教授", "fields": ["红外", "光电"]}))
        b.upsert_node(Node("topic:ir", "Topic", {"name": "红外成像"}))
        b.upsert_edge(Edge("ent:dali", "submitted", "need:ir", provenance=SRC))
        b.upsert_edge(Edge("need:ir", "about_topic", "topic:ir", {"weight": 0.5}))
        b.upsert_edge(Edge("exp:li", "has_expertise", "topic:ir"))


def test_create_and_read(store):
    small_graph(store)
    node = store.get_node("ent:dali")
    assert node.kind == "Enterprise"
    assert node.props["flags"] == ["高新技术企业"]
    assert node.provenance == SRC
    assert set(store.get_nodes(["ent:dali", "need:ir", "missing:x"])) == {"ent:dali", "need:ir"}
    assert store.kinds_of(["exp:li", "topic:ir", "nope:1"]) == {"exp:li": "Expert",
                                                               "topic:ir": "Topic"}
    assert store.counts() == {
        "nodes": {"Enterprise": 1, "Expert": 1, "Need": 1, "Topic": 1},
        "edges": {"about_topic": 1, "has_expertise": 1, "submitted": 1}}
    edge = store.get_edge("need:ir|about_topic|topic:ir")
    assert (edge.src, edge.kind, edge.dst, edge.props) == (
        "need:ir", "about_topic", "topic:ir", {"weight": 0.5})
    assert [e.id for e in store.find_edges(src="ent:dali")] == ["ent:dali|submitted|need:ir"]
    assert [e.id for e in store.find_edges(kind="has_expertise")] == [
        "exp:li|has_expertise|topic:ir"]
    assert store.find_edges(kind="no_such_kind") == []
    with pytest.raises(NotFound):
        store.get_node("ent:missing")
    with pytest.raises(NotFound):
        store.get_edge("ent:dali|submitted|need:missing")


def test_node_props_of_a_kind(store):
    small_graph(store)
    with store.batch() as b:
        b.upsert_node(firm("ent:abc", "甲", rd_ratio_pct=2.5))
    assert list(store.node_props("Enterprise")) == [
        ("ent:abc", {"name": "甲", "rd_ratio_pct": 2.5}),
        ("ent:dali", {"name": "浙江大立科技股份有限公司", "region": "杭州",
                      "credit_code": "91330000143044722X", "flags": ["高新技术企业"]})]
    assert [i for i, _ in store.node_props("Need")] == ["need:ir"]
    assert list(store.node_props("Programme")) == []
    assert dict(store.node_props("Enterprise")) == {
        n.id: n.props for n in store.find_nodes("Enterprise")}


def test_edge_props_of_a_kind(store):
    small_graph(store)
    wanted = sorted(store.find_edges("has_expertise") + store.find_edges("about_topic"),
                    key=lambda e: e.id)
    for kind in ("has_expertise", "about_topic"):
        assert list(store.edge_props(kind)) == [(e.src, e.dst, e.props) for e in wanted
                                                if e.kind == kind] != []
    assert list(store.edge_props("signed")) == []


def test_blobs_are_kept_whole_and_seen_by_another_connection(store_factory):
    store, other = store_factory(), store_factory()
    assert store.get_blob("model") is None and store.blob_stamp("model") is None
    assert store.blob_names() == []
    data = bytes(range(256)) * 300  # every byte value, 76.8 kB
    stamp = store.put_blob("model", data)
    assert other.blob_names() == ["model"]
    assert other.get_blob("model") == (stamp, data) and other.blob_stamp("model") == stamp
    again = other.put_blob("model", b"\x00new")
    assert again != stamp and store.get_blob("model") == (again, b"\x00new")
    assert store.get_blob("other") is None
    store.put_blob("another", b"x")
    assert other.blob_names() == ["another", "model"]  # sorted, each name once
    assert store.counts()["nodes"] == {}  # kept with the store, not in the graph


def test_neighbours(store):
    small_graph(store)
    around = store.neighbours("topic:ir")
    assert sorted(n.id for _, n in around) == ["exp:li", "need:ir"]
    assert [n.id for _, n in store.neighbours("need:ir", direction="out")] == ["topic:ir"]
    assert [n.id for _, n in store.neighbours("need:ir", "submitted")] == ["ent:dali"]
    with pytest.raises(InvalidInput):
        store.neighbours("need:ir", direction="sideways")


def test_update_merges_props_and_aliases(store):
    small_graph(store)
    with store.batch() as b:
        b.upsert_node(Node("ent:dali", "Enterprise", {"employees": 1800}, ["大立科技"]))
        b.upsert_edge(Edge("need:ir", "about_topic", "topic:ir", {"score": 0.9}))
    node = store.get_node("ent:dali")
    assert node.props["employees"] == 1800 and node.props["region"] == "杭州"
    assert node.aliases == ["大立科技"]
    with store.batch() as b:
        b.upsert_node(Node("ent:dali", "Enterprise", {"employees": 1900}, ["大立"]))
    assert store.get_node("ent:dali").aliases == ["大立科技", "大立"]
    # Edge props merge with what is stored, as on SQLite.
    assert store.get_edge("need:ir|about_topic|topic:ir").props == {"weight": 0.5, "score": 0.9}
    batch = WriteBatch()
    batch.upsert_node(firm("ent:dali", "大立科技"), replace_props=True)
    store.apply(batch)
    assert store.get_node("ent:dali").props == {"name": "大立科技"}
    assert store.find_nodes(where={"region": "杭州"}) == []


def test_kind_conflict(store):
    small_graph(store)
    with pytest.raises(Conflict), store.batch() as b:
        b.upsert_node(Node("ent:dali", "Institute", {"name": "x"}))


def test_delete_node_detaches_edges(store):
    small_graph(store)
    batch = WriteBatch()
    batch.delete_node("need:ir")
    report = store.apply(batch)
    assert (report.nodes_deleted, report.edges_deleted) == (1, 2)
    assert store.counts()["edges"] == {"has_expertise": 1}
    assert store.find_by_key("credit", "91330000143044722X") == ["ent:dali"]
    batch = WriteBatch()
    batch.delete_edge("exp:li|has_expertise|topic:ir")
    batch.delete_node("ent:dali")
    store.apply(batch)
    assert store.counts() == {"nodes": {"Expert": 1, "Topic": 1}, "edges": {}}
    assert store.find_by_key("credit", "91330000143044722X") == []


def test_merge_organisations(store):
    small_graph(store)
    with store.batch() as b:
        b.upsert_node(firm("ent:dali2", "大立科技", website="dali-tech.com"))
        b.upsert_edge(Edge("exp:li", "collaborated_with", "ent:dali2"))
    store.apply(merge_organisations(store, "ent:dali", "ent:dali2",
                                    Provenance(source="user:organiser")))
    kept = store.get_node("ent:dali")
    assert "大立科技" in kept.aliases and kept.props["website"] == "dali-tech.com"
    assert [e.dst for e in store.find_edges(kind="collaborated_with")] == ["ent:dali"]
    with pytest.raises(NotFound):
        store.get_node("ent:dali2")
    assert "ent:dali" in store.find_by_key("norm", organisation_keys("大立科技", [])[0][1])


def test_failing_batches_leave_nothing(store):
    small_graph(store)
    before = store.counts()
    batch = WriteBatch()
    for i in range(300):
        batch.upsert_node(firm(f"ent:new{i:03d}", f"新企业{i}"))
    batch.upsert_edge(Edge("ent:new000", "submitted", "need:nowhere"))
    with pytest.raises(InvalidInput, match="need:nowhere"):
        store.apply(batch)
    batch = WriteBatch()
    for i in range(300):
        batch.upsert_node(firm(f"ent:new{i:03d}", f"新企业{i}"))
    batch.upsert_node(Node("need:late", "Need", {"text": "no title: a new need needs one"}))
    with pytest.raises(InvalidInput, match="title"):
        store.apply(batch)
    with pytest.raises(ZeroDivisionError), store.batch() as b:
        b.upsert_node(firm("ent:never", "不会写入"))
        1 / 0  # noqa: B018 - an error inside the block: nothing is applied
    assert store.counts() == before
    assert store.kinds_of(["ent:new000", "ent:never"]) == {}


def test_pagination_over_2500_nodes(store):
    batch = WriteBatch()
    for i in range(2500):
        batch.upsert_node(Node(f"topic:{i:05d}", "Topic", {"name": f"主题{i}"}))
    batch.upsert_node(Node("reg:hz", "Region", {"name": "杭州", "level": "city"}))
    store.apply(batch)
    seen, after = [], None
    while True:
        page = store.find_nodes(kind="Topic", after=after, limit=700)
        seen += [n.id for n in page]
        if len(page) < 700:
            break
        after = page[-1].id
    assert seen == [f"topic:{i:05d}" for i in range(2500)]
    assert len(list(iter_nodes(store, page_size=1000))) == 2501
    assert [n.id for n in store.find_nodes(where={"level": "city"})] == ["reg:hz"]
    assert [n.id for n in store.find_nodes("Topic", {"name": "主题7"})] == ["topic:00007"]
    with pytest.raises(InvalidInput):
        store.find_nodes(where={"name) RETURN 1 //": "x"})


def test_concurrent_writers(store_factory):
    store_factory()  # the schema (or indexes) exist before the threads start
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            mine = store_factory()
            for round_ in range(5):
                with mine.batch() as b:
                    for i in range(40):
                        b.upsert_node(Node(f"topic:w{n}-{round_}-{i}", "Topic",
                                           {"name": f"写入者{n}"}))
                    b.upsert_node(Node("reg:shared", "Region", {"name": "共享"}, [f"别名{n}"]))
        except BaseException as exc:  # collected and raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    reader = store_factory()
    assert reader.counts()["nodes"] == {"Region": 1, "Topic": 4 * 5 * 40}
    # Four writers merged aliases into one node at the same time: none was lost.
    assert sorted(reader.get_node("reg:shared").aliases) == [f"别名{n}" for n in range(4)]


def test_unicode_ids_and_props(store):
    with store.batch() as b:
        b.upsert_node(firm("ent:浙江大立", "浙江大立科技",
                           description="红外热像仪；“对接会”\n第二行"))
        b.upsert_node(Node("reg:杭州", "Region",
                           {"name": "杭州市", "synonyms": ["Hangzhou", "杭城"]}))
        b.upsert_edge(Edge("ent:浙江大立", "located_in", "reg:杭州", {"note": "滨江区"}))
    node = store.get_node("ent:浙江大立")
    assert node.props["description"] == "红外热像仪；“对接会”\n第二行"
    assert store.get_edge("ent:浙江大立|located_in|reg:杭州").props == {"note": "滨江区"}
    assert [n.id for n in store.find_nodes(where={"name": "杭州市"})] == ["reg:杭州"]


def test_structured_props_round_trip(store):
    docs = [{"id": "d1", "kind": "paper", "title": "非制冷红外",
             "text": "引用 \"quoted\" \\ 反斜杠 " + "长文本" * 3000, "year": 2021},
            {"id": "d2", "kind": "project", "text": "项目"}]
    rules = [{"field": "rd_ratio_pct", "op": ">=", "value": 3, "label": "研发投入占比不低于3%"},
             {"field": "region", "op": "in", "value": ["杭州", "宁波"]},
             {"field": "x", "op": "==", "value": {"nested": {"map": [1, "a"]}}}]
    with store.batch() as b:
        b.upsert_node(Node("exp:wang", "Expert", {"name": "王研究员", "docs": docs}))
        b.upsert_node(Node("prog:sme", "Programme", {"name": "科技型中小企业", "rules": rules}))
    assert store.get_node("exp:wang").props["docs"] == docs
    assert store.get_node("prog:sme").props["rules"] == rules


def test_nested_map_is_invalid_input(store):
    with pytest.raises(InvalidInput, match="region"), store.batch() as b:
        b.upsert_node(firm("ent:map", "嵌套", region={"province": {"name": "浙江"}}))
    assert store.counts()["nodes"] == {}


@pytest.mark.parametrize("name", [INJECTION, QUOTED_INJECTION])
def test_injection_is_stored_verbatim(store, name):
    small_graph(store)
    before = store.counts()
    with store.batch() as b:
        b.upsert_node(firm("ent:evil", name, description=name), )
        b.upsert_node(Node("ent:dali", "Enterprise", {}, [name]))
    assert store.get_node("ent:evil").props == {"name": name, "description": name}
    assert name in store.get_node("ent:dali").aliases
    assert [n.id for n in store.find_nodes(where={"name": name})] == ["ent:evil"]
    assert store.counts()["nodes"]["Enterprise"] == before["nodes"]["Enterprise"] + 1
    assert store.counts()["edges"] == before["edges"]


def test_keys(store):
    small_graph(store)
    expected = {("ent:dali", t, k) for t, k in organisation_keys(
        "浙江大立科技股份有限公司", [], "91330000143044722X")}
    assert set(store.iter_keys()) == expected
    assert store.find_by_key("credit", "91330000143044722X") == ["ent:dali"]
    assert list(store.iter_keys(["Institute"])) == []


def test_reviews(store):
    item = ReviewItem("rev:1", "大立科技", "ent:dali", 0.91, "Enterprise",
                      payload={"name": "大立科技", "props": {"region": "杭州"}},
                      reasons=["same core name"])
    store.add_reviews([item])
    store.add_reviews([ReviewItem("rev:1", "changed", "ent:x", 0.1, "Enterprise")])  # ignored
    [stored] = store.list_reviews()
    assert (stored.name, stored.payload, stored.reasons) == (
        "大立科技", {"name": "大立科技", "props": {"region": "杭州"}}, ["same core name"])
    decided = store.decide_review("rev:1", accept=True, user="organiser")
    assert (decided.status, decided.decided_by) == ("accepted", "organiser")
    assert store.list_reviews() == [] and len(store.list_reviews(None)) == 1
    with pytest.raises(NotFound):
        store.decide_review("rev:none", accept=False, user="x")


def test_projection_follows_writes(store_factory):
    store = store_factory()
    small_graph(store)
    graph = store.projection()
    assert graph.number_of_nodes() == 4 and graph.number_of_edges() == 3
    assert graph.edges["need:ir", "topic:ir", "need:ir|about_topic|topic:ir"]["weight"] == 0.5
    with store.batch() as b:
        b.delete_node("exp:li")
    assert store.projection().number_of_nodes() == 3
    other = store_factory()  # another process writes: the first notices
    with other.batch() as b:
        b.upsert_node(Node("topic:new", "Topic", {"name": "新主题"}))
    assert "topic:new" in store.projection()


def projection_data(graph: nx.MultiDiGraph) -> tuple[dict, set]:
    return (dict(graph.nodes(data=True)),
            {(u, v, k, tuple(sorted(d.items()))) for u, v, k, d in
             graph.edges(keys=True, data=True)})


def test_projection_equal_on_both_backends(sqlite_store, bolt_store):
    for each in (sqlite_store, bolt_store):
        small_graph(each)
        with each.batch() as b:
            for i in range(30):
                b.upsert_node(Node(f"topic:{i}", "Topic", {"name": f"主题{i}"}))
                b.upsert_edge(Edge("exp:li", "has_expertise", f"topic:{i}", {"weight": i / 10}))
    assert projection_data(bolt_store.projection()) == projection_data(sqlite_store.projection())

