"""Optimistic concurrency, on both backends: every write bumps a node's revision,
a batch that expects another revision is refused whole, and `edit_node` re-reads
and re-applies, so that writers in several processes lose nobody's change."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from duijie.graph.errors import Conflict, InvalidInput, NotFound
from duijie.graph.model import Edge, Node
from duijie.graph.store import WriteBatch, edit_node
from tests.graph.test_store_contract import SRC, firm, small_graph


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
    with mine.batch() as b:
        b.upsert_node(Node("need:secret", "Need", {"title": "保密需求", "trl": 3},
                           confidentiality="confidential"))
    replaced = edit_node(mine, "need:secret", lambda n: {"title": n.props["title"]},
                         replace_props=True)
    assert mine.get_node("need:secret") == replaced
    assert (replaced.props.get("trl"), replaced.confidentiality) == (None, "confidential")

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
from duijie.graph import open_store
from duijie.graph.store import edit_node

url, node_id, worker, count, folder = sys.argv[1:6]
store = open_store(url)
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


def test_processes_editing_one_node_lose_no_update(store_factory, tmp_path):
    """Three OS processes append to one list prop at once: every append survives."""
    store = store_factory()
    url = store_factory.url
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


def test_delete_with_expect_rev(store_factory):
    mine, theirs = store_factory(), store_factory()
    small_graph(mine)
    read = mine.get_node("need:ir")
    with theirs.batch() as b:
        b.upsert_node(Node("need:ir", "Need", {"status": "matched"}))
    with pytest.raises(Conflict, match=r"'need:ir' was changed .*\(revision 1, now 2\)"), \
            mine.batch() as b:
        b.delete_node("need:ir", expect_rev=read.rev)
        b.delete_node("topic:ir")
    assert mine.kinds_of(["need:ir", "topic:ir"]) == {"need:ir": "Need", "topic:ir": "Topic"}
    assert len(mine.find_edges()) == 3
    with mine.batch() as b:
        b.delete_node("need:ir", expect_rev=2)
    report = mine.apply(batch_of(Node("topic:ir", "Topic", {"name": "红外"})))
    assert report.node_revs == {"topic:ir": 2}
    assert mine.kinds_of(["need:ir"]) == {} and mine.get_node("topic:ir").rev == 2


def batch_of(*nodes: Node) -> WriteBatch:
    batch = WriteBatch()
    for node in nodes:
        batch.upsert_node(node)
    return batch
