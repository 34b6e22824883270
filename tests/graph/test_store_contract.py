"""The `GraphStore` contract, written once and run on both backends.

`sqlite` is a real file in a temp folder; `bolt` is a real Bolt server (FalkorDB,
started for the session by `tests/conftest.py`, or `$DUIJIE_TEST_BOLT_URL`).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import networkx as nx
import pytest

from duijie.graph.errors import Conflict, InvalidInput, NotFound
from duijie.graph.model import Edge, Node, Provenance
from duijie.graph.normalize import organisation_keys
from duijie.graph.sqlite_store import SqliteStore
from duijie.graph.store import (
    GraphStore,
    ReviewItem,
    WriteBatch,
    edit_node,
    iter_nodes,
    merge_organisations,
)

INJECTION = '"}) DETACH DELETE n //'
QUOTED_INJECTION = "'}) MATCH (n) DETACH DELETE n // \\"
SRC = [Provenance(source="test:contract")]


@pytest.fixture(params=["sqlite", "bolt"])
def store_factory(request, tmp_path):
    """Opens stores on one database: each call a new connection, as another process would."""
    opened: list[GraphStore] = []
    if request.param == "sqlite":
        path = tmp_path / "contract.db"

        def factory() -> GraphStore:
            opened.append(SqliteStore(path))
            return opened[-1]
    else:
        url = request.getfixturevalue("bolt_url")
        from duijie.graph.neo4j_store import Neo4jStore

        def factory() -> GraphStore:
            opened.append(Neo4jStore.from_url(url))
            return opened[-1]

        factory().wipe()
    yield factory
    if request.param == "bolt" and opened:
        opened[0].wipe()
    for store in opened:
        store.close()


@pytest.fixture
def store(store_factory) -> GraphStore:
    return store_factory()


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


# -- revisions: optimistic concurrency ---------------------------------------------
def event(node_id: str = "evt:q", **props) -> Node:
    return Node(node_id, "Event", {"name": "对接会", **props}, provenance=SRC)


def test_every_write_bumps_the_revision(store):
    assert Node("evt:q", "Event").rev == 0  # not read from a store
    small_graph(store)
    assert store.get_node("ent:dali").rev == 1
    with store.batch() as b:
        b.upsert_node(Node("ent:dali", "Enterprise", {"employees": 10}))
        b.upsert_node(Node("ent:dali", "Enterprise", {"employees": 12}))  # one write
    node = store.get_node("ent:dali")
    assert node.rev == 2 and node.props["employees"] == 12
    assert store.get_nodes(["ent:dali"])["ent:dali"].rev == 2
    assert {n.id: n.rev for n in store.find_nodes()} == {
        "ent:dali": 2, "exp:li": 1, "need:ir": 1, "topic:ir": 1}
    assert {n.id: n.rev for _, n in store.neighbours("need:ir")} == {"ent:dali": 2,
                                                                     "topic:ir": 1}
    # Bookkeeping, not content: equality and the exported record ignore it.
    assert node == Node(**{**node.__dict__, "rev": 7})
    assert "rev" not in node.to_dict()


def test_stale_expect_rev_refuses_the_whole_batch(store_factory):
    mine, theirs = store_factory(), store_factory()
    small_graph(mine)
    with mine.batch() as b:
        b.upsert_node(event(invited=["ent:a"]))
    read = mine.get_node("evt:q")
    with theirs.batch() as b:  # someone else, after our read
        b.upsert_node(Node("evt:q", "Event", {"invited": ["ent:a", "ent:b"]}))
    batch = WriteBatch()
    batch.upsert_node(Node("evt:q", "Event", {"invited": [*read.props["invited"], "ent:c"]}),
                      expect_rev=read.rev)
    batch.upsert_node(firm("ent:new", "新企业"))
    batch.upsert_node(Node("ent:dali", "Enterprise", {"employees": 5}))
    batch.upsert_edge(Edge("ent:new", "submitted", "need:ir"))
    with pytest.raises(Conflict, match=r"'evt:q' was changed by someone else since it was"
                                       r" read \(revision 1, now 2\): reload and try again"):
        mine.apply(batch)
    assert mine.kinds_of(["ent:new"]) == {}
    assert mine.find_edges(src="ent:new") == []
    assert "employees" not in mine.get_node("ent:dali").props
    stored = mine.get_node("evt:q")
    assert (stored.rev, stored.props["invited"]) == (2, ["ent:a", "ent:b"])
    batch.expected_revs["evt:q"] = 2  # read again: now it goes through
    mine.apply(batch)
    assert mine.get_node("evt:q").rev == 3 and mine.kinds_of(["ent:new"]) == {
        "ent:new": "Enterprise"}


def test_expect_rev_zero_means_must_not_exist(store_factory):
    mine, theirs = store_factory(), store_factory()
    with mine.batch() as b:
        b.upsert_node(event("evt:new"), expect_rev=0)
    assert mine.get_node("evt:new").rev == 1
    with pytest.raises(Conflict, match="'evt:new' was created by someone else"), \
            theirs.batch() as b:
        b.upsert_node(event("evt:new", place="别处"), expect_rev=0)
        b.upsert_node(event("evt:other"))
    assert "place" not in mine.get_node("evt:new").props
    assert mine.kinds_of(["evt:other"]) == {}
    with theirs.batch() as b:
        b.delete_node("evt:new")
    with pytest.raises(Conflict, match="'evt:new' was deleted by someone else"), \
            mine.batch() as b:
        b.upsert_node(event("evt:new"), expect_rev=1)
    with pytest.raises(InvalidInput, match="revision"):
        WriteBatch().upsert_node(event(), expect_rev=-1)
    with pytest.raises(InvalidInput, match="expected at revision 1 and 2"):
        batch = WriteBatch()
        batch.upsert_node(event(), expect_rev=1)
        batch.upsert_node(event(), expect_rev=2)


def test_edit_node_reapplies_a_change_over_a_write_in_between(store_factory):
    mine, theirs = store_factory(), store_factory()
    with mine.batch() as b:
        b.upsert_node(event(invited=["ent:a"]))
    calls = []

    def add_c(node: Node) -> dict:
        calls.append(list(node.props["invited"]))
        if len(calls) == 1:  # someone else writes between our read and our write
            with theirs.batch() as b:
                b.upsert_node(Node("evt:q", "Event", {"invited": ["ent:a", "ent:b"]}))
        return {"invited": [*node.props["invited"], "ent:c"]}

    edited = edit_node(mine, "evt:q", add_c)
    assert calls == [["ent:a"], ["ent:a", "ent:b"]]
    assert edited == mine.get_node("evt:q") and edited.rev == mine.get_node("evt:q").rev == 3
    assert edited.props["invited"] == ["ent:a", "ent:b", "ent:c"]
    assert edit_node(mine, "evt:q", lambda n: {"invited": n.props["invited"]}).rev == 3

    def always_raced(node: Node) -> dict:
        with theirs.batch() as b:
            b.upsert_node(Node("evt:q", "Event", {"place": f"第{node.rev}次"}))
        return {"invited": []}

    with pytest.raises(Conflict, match="reload and try again"):
        edit_node(mine, "evt:q", always_raced, retries=2)
    assert mine.get_node("evt:q").props["invited"] == ["ent:a", "ent:b", "ent:c"]
    assert mine.get_node("evt:q").rev == 3 + 3  # three writes of theirs, none of ours
    with pytest.raises(NotFound):
        edit_node(mine, "evt:none", always_raced)


EDIT_WORKER = """
import pathlib, sys, time
from duijie.graph.store import edit_node

url, node_id, worker, count, folder = sys.argv[1:6]
if url.startswith("sqlite:///"):
    from duijie.graph.sqlite_store import SqliteStore
    store = SqliteStore(url[len("sqlite:///"):])
else:
    from duijie.graph.neo4j_store import Neo4jStore
    store = Neo4jStore.from_url(url)
folder = pathlib.Path(folder)
calls = 0

def append(item):
    def change(node):
        global calls
        calls += 1
        return {"invited": [*node.props.get("invited", []), item]}
    return change

(folder / f"ready-{worker}").touch()
while not (folder / "go").exists():  # all workers start editing at once
    time.sleep(0.002)
for i in range(int(count)):
    edit_node(store, node_id, append(f"w{worker}-{i:03d}"), retries=200)
store.close()
print(calls)
"""


def test_processes_editing_one_node_lose_no_update(store_factory, request, tmp_path):
    """Three OS processes append to one list prop at once: every append survives."""
    store = store_factory()
    url = (store.url if isinstance(store, SqliteStore)
           else request.getfixturevalue("bolt_url"))
    with store.batch() as b:
        b.upsert_node(event())
    workers, count = 3, 20
    procs = [subprocess.Popen([sys.executable, "-c", EDIT_WORKER, url, "evt:q", str(w),
                               str(count), str(tmp_path)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for w in range(workers)]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("ready-*"))) < workers and time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            break
        time.sleep(0.01)
    (tmp_path / "go").touch()
    calls = 0
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        calls += int(out)
    node = store.get_node("evt:q")
    invited = node.props["invited"]
    assert sorted(invited) == sorted(f"w{w}-{i:03d}" for w in range(workers)
                                     for i in range(count))
    for w in range(workers):  # each worker's appends in its own order
        assert [x for x in invited if x.startswith(f"w{w}-")] == sorted(
            x for x in invited if x.startswith(f"w{w}-"))
    assert node.rev == 1 + workers * count  # one write per append, none lost
    assert calls > workers * count  # the writers did collide and re-apply
