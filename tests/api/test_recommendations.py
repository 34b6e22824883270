"""The shared recommender: one per store, consistent under threads, current after writes
by this process (grown, no refit) and by another process (read again)."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest

from duijie.api.services.recommendations import (
    read_snapshot,
    recommend_for_candidate,
    recommend_for_need,
    recommend_for_text,
    shared_recommender,
)
from duijie.graph.errors import NotFound
from duijie.graph.sqlite_store import SqliteStore
from duijie.matcher.recommender import Recommender
from tests.matcher.test_recommend import EDGES, NODES, write

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 1, 1)


@pytest.fixture
def store(sqlite_store):
    write(sqlite_store, NODES, EDGES)
    return sqlite_store


def expert(i: int) -> tuple[str, str, dict]:
    return (f"exp:new{i:03d}", "Expert", {"name": f"新专家{i}", "docs": [
        {"id": f"n{i}", "text": f"红外探测器读出电路噪声抑制 第{i}项"}]})


def ids(result) -> list[str]:
    return [item.id for item in result.items]


def test_one_instance_per_store_and_exclusion_set(store, db_path):
    shared = shared_recommender(store)
    assert shared_recommender(store) is shared
    excluding = shared_recommender(store, exclude_nodes=["topic:ir"])
    assert excluding is not shared
    assert shared_recommender(store, exclude_nodes={"topic:ir"}) is excluding
    assert excluding.base is shared.base  # the text models are shared, not refitted
    other = SqliteStore(db_path)
    try:
        assert shared_recommender(other) is not shared
    finally:
        other.close()


def test_exclusions_change_the_graph_side_only(store):
    plain = shared_recommender(store, today=TODAY).recommend("need:ir", "institute", k=3)
    cut = shared_recommender(store, today=TODAY, exclude_nodes=["topic:ir"]).recommend(
        "need:ir", "institute", k=3)
    assert {i.id: i.components["text"] for i in plain.items} == {
        i.id: i.components["text"] for i in cut.items}
    assert all("红外探测" not in p["text"] for i in cut.items for p in i.paths)
    assert any("红外探测" in p["text"] for i in plain.items for p in i.paths)


def test_a_reader_keeps_the_snapshot_it_started_with(store):
    shared = shared_recommender(store, today=TODAY)
    before = shared.current()
    first = before.recommend("need:ir", "expert", k=20, available_only=False).to_dict()
    write(store, [expert(1)], [("exp:new001", "has_expertise", "topic:ir")])
    after = shared.current()
    assert after is not before and after.snapshot.version == store.version()
    assert before.recommend("need:ir", "expert", k=20, available_only=False).to_dict() == first
    assert "exp:new001" in ids(after.recommend("need:ir", "expert", k=20))


def test_queries_while_another_thread_writes(store):
    shared = shared_recommender(store, today=TODAY)
    shared.current()
    n_writes, errors, seen = 24, [], {}
    done = threading.Event()

    def writer() -> None:
        try:
            for i in range(n_writes):
                write(store, [expert(i)], [(f"exp:new{i:03d}", "has_expertise", "topic:ir")])
                if i % 8 == 7:  # a changed record: the store is read again, whole
                    write(store, [("inst:zju", "Institute", {"description": f"复合材料 第{i}版"})],
                          [])
        except Exception as exc:
            errors.append(exc)
        finally:
            done.set()

    def reader(name: str) -> None:
        counts = []
        try:
            while not done.is_set() or len(counts) < 3:
                result = shared.recommend("need:ir", "expert", k=100, available_only=False)
                new = [i for i in ids(result) if i.startswith("exp:new")]
                # A snapshot is whole: the experts it has are the first n written.
                assert set(new) == {f"exp:new{i:03d}" for i in range(len(new))}, new
                counts.append(len(new))
                reverse = shared.recommend_for("exp:li", "need", k=5)
                assert ids(reverse)[0] == "need:cf"
        except Exception as exc:
            errors.append(exc)
        seen[name] = counts

    threads = [threading.Thread(target=writer)] + [
        threading.Thread(target=reader, args=(f"r{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    for counts in seen.values():
        assert counts == sorted(counts)  # a reader never goes back to an older snapshot
    final = shared.recommend("need:ir", "expert", k=100, available_only=False)
    assert {f"exp:new{i:03d}" for i in range(n_writes)} <= set(ids(final))
    # (Whether a copy grew or the store was read again depends on timing here; growing
    # is tested on its own above and in tests/matcher/test_recommend.py.)


WRITE_ONE = """
import sys
from duijie.graph.model import Edge, Node, Provenance
from duijie.graph.sqlite_store import SqliteStore
store = SqliteStore(sys.argv[1])
prov = [Provenance(source="test")]
with store.batch() as batch:
    batch.upsert_node(Node("exp:far", "Expert", {"name": "远方专家", "docs": [
        {"id": "f1", "text": "碳纤维预浸料热压成型工艺"}]}, provenance=prov))
    batch.upsert_edge(Edge("exp:far", "has_expertise", "topic:cf", provenance=prov))
store.close()
"""


def test_a_write_by_another_process_is_noticed(store, db_path):
    shared = shared_recommender(store, today=TODAY)
    assert "exp:far" not in ids(shared.recommend("need:cf", "expert", k=10))
    builds = shared.base.full_builds
    done = subprocess.run([sys.executable, "-c", WRITE_ONE, str(db_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "exp:far" in ids(shared.recommend("need:cf", "expert", k=10))
    assert shared.base.full_builds == builds + 1


def test_a_write_through_another_connection_is_noticed_over_bolt(bolt_store, bolt_url):
    from duijie.graph.neo4j_store import Neo4jStore

    write(bolt_store, NODES, EDGES)
    shared = shared_recommender(bolt_store, today=TODAY)
    assert ids(shared.recommend("need:cf", "expert", k=3))[0] == "exp:li"
    write(bolt_store, [expert(1)], [("exp:new001", "has_expertise", "topic:ir")])
    assert "exp:new001" in ids(shared.recommend("need:ir", "expert", k=10))
    assert shared.base.full_builds == 1 and shared.base.incremental_builds == 1
    other = Neo4jStore.from_url(bolt_url)
    try:
        write(other, [expert(2)], [("exp:new002", "has_expertise", "topic:ir")])
    finally:
        other.close()
    assert "exp:new002" in ids(shared.recommend("need:ir", "expert", k=10))
    assert shared.base.full_builds == 2


def test_use_cases_return_results_with_stable_keys(store):
    need = recommend_for_need(store, "need:ir", kind="institute", k=2).to_dict()
    text = recommend_for_text(store, "碳纤维热压成型", kind="expert", k=2,
                              firm_id="ent:jingong").to_dict()
    reverse = recommend_for_candidate(store, "prog:zj", kind="enterprise", k=3).to_dict()
    # Which ranking a stored need's partners got, and why (outcome_learning).
    assert list(need["ranking"]) == ["method", "key", "values", "chance_of_signing"]
    assert text["ranking"] is None and reverse["ranking"] is None
    for data in (need, text, reverse):
        assert list(data) == ["query", "count", "items", "reason", "excluded", "ranking"]
        assert list(data["query"]) == ["kind", "need", "title", "text", "candidate", "name",
                                       "firm", "firm_name", "region", "note", "illustrative"]
        for item in data["items"]:
            assert list(item) == ["id", "kind", "name", "illustrative", "score", "components",
                                  "region", "explanation"]
            assert list(item["explanation"]) == ["matched_phrases", "matched_terms", "paths",
                                                 "rules", "reasons"]
    assert [i["id"] for i in need["items"]] == ["inst:opt", "inst:hzir"]
    assert need["query"]["title"] == "非制冷红外探测器噪声抑制" and need["reason"] is None
    assert text["query"]["firm_name"] == "精功复合材料"
    assert reverse["items"][0]["explanation"]["rules"]["status"] == "eligible"
    with pytest.raises(NotFound):
        recommend_for_need(store, "need:nope")


def test_a_snapshot_read_matches_the_projection(store):
    snap = read_snapshot(store)
    graph = store.projection()
    assert snap.version == store.version()
    assert len(snap) == graph.number_of_nodes()
    assert sum(1 for _ in snap.edges()) == graph.number_of_edges()
    rec = Recommender(snap, today=TODAY)
    assert ids(rec.recommend("need:ir", "institute", k=2)) == ["inst:opt", "inst:hzir"]
