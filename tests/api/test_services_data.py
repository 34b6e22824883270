"""The data use cases called directly (no CLI): store, seeding, generate, import and
export, resolve and review, copy. Their `to_dict()` has the same keys whatever the
input, and holds ids with names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duijie.api.services.copy import compare_stores, copy_stores
from duijie.api.services.generate import generate_synthetic
from duijie.api.services.io import export_graph, import_data
from duijie.api.services.resolve import (
    accept_review_item,
    list_review_items,
    reject_review_item,
    resolve_name,
)
from duijie.api.services.seeding import XIAN_EVENT, load_seed, seed_vocabulary
from duijie.api.services.store import init_store, store_stats
from duijie.graph.errors import Conflict, InvalidInput, NotFound
from duijie.graph.model import Node
from duijie.graph.sqlite_store import SqliteStore

SIZES = {"enterprises": 3, "experts": 6, "institutes": 2, "needs": 5}


def keys(result) -> set[str]:
    data = result.to_dict()
    json.dumps(data, ensure_ascii=False)  # plain JSON, nothing left over
    return set(data)


def test_stats_of_an_empty_and_a_seeded_store(tmp_path):
    with SqliteStore(tmp_path / "s.db") as store:
        assert init_store(store).store.endswith("s.db")
        empty = store_stats(store)
        assert empty.to_dict() == {"nodes": {}, "edges": {}}
        seeded = load_seed(store)
        full = store_stats(store)
        assert keys(full) == keys(empty)
        assert full.nodes == seeded.counts["nodes"] and full.nodes["Event"] >= 1


def test_seeding_twice_reports_nothing_new_with_the_same_keys(tmp_path):
    with SqliteStore(tmp_path / "seed.db") as store:
        first = load_seed(store)
        again = load_seed(store)
        assert first.nodes_created == first.nodes_written > 0
        assert again.nodes_created == 0 and again.counts == first.counts
        assert keys(first) == keys(again)
        assert store.get_node(XIAN_EVENT).props["firms"] == 11


def test_seed_vocabulary_is_regions_industries_and_topics_with_their_hierarchy():
    nodes, edges = seed_vocabulary()
    ids = {n.id for n in nodes}
    assert {n.kind for n in nodes} == {"Region", "Industry", "Topic"}
    assert edges and all(e.kind == "part_of" and e.src in ids and e.dst in ids for e in edges)


def test_generate_into_a_store_and_into_a_file_have_the_same_keys(tmp_path):
    out = tmp_path / "g.jsonl"
    to_file = generate_synthetic(out=out, seed=4, **SIZES)
    with SqliteStore(tmp_path / "g.db") as store:
        to_store = generate_synthetic(store=store, seed=4, **SIZES)
        assert store.counts()["nodes"]["Expert"] == 6
    assert keys(to_file) == keys(to_store)
    assert (to_file.nodes, to_file.edges) == (to_store.nodes, to_store.edges)
    assert to_file.out == str(out) and to_file.store is None and to_file.nodes_created is None
    assert to_store.out is None and to_store.nodes_created == to_store.nodes
    # a header line (what `duijie import graph` reads first), then one record a line
    assert sum(1 for _ in out.open(encoding="utf-8")) == 1 + to_file.nodes + to_file.edges


def test_generate_needs_exactly_one_destination_and_sane_counts(tmp_path):
    with pytest.raises(InvalidInput, match="exactly one"):
        generate_synthetic(**SIZES)
    with pytest.raises(InvalidInput, match="n_experts"):
        generate_synthetic(out=tmp_path / "bad.jsonl", **{**SIZES, "experts": -1})
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_table_and_graph_imports_have_the_same_keys(tmp_path):
    firms = tmp_path / "firms.csv"
    firms.write_text("企业名称,所在地区\n恒锋工具股份有限公司,嘉兴\n浙江金凯门业有限公司,湖州\n",
                     encoding="utf-8")
    with SqliteStore(tmp_path / "a.db") as store:
        table = import_data(store, "企业", firms)
        assert (table.format, table.kind, table.rows, table.created, table.nodes) == (
            "table", "Enterprise", 2, 2, 2)
        exported = export_graph(store, tmp_path / "graph.jsonl")
    assert (exported.file, exported.nodes, exported.edges) == (
        str(tmp_path / "graph.jsonl"), 2, 0)
    with SqliteStore(tmp_path / "b.db") as store:
        graph = import_data(store, " Graph ", tmp_path / "graph.jsonl")
        assert (graph.format, graph.kind, graph.nodes, graph.created) == ("graph", "graph", 2, 2)
        assert store.counts() == {"nodes": {"Enterprise": 2}, "edges": {}}
    assert keys(table) == keys(graph)


def test_a_bad_import_writes_nothing_and_lists_every_problem(tmp_path):
    firms = tmp_path / "firms.csv"
    firms.write_text("企业名称,营业收入\n甲公司,-1\n乙公司,-2\n", encoding="utf-8")
    with SqliteStore(tmp_path / "a.db") as store:
        with pytest.raises(InvalidInput) as err:
            import_data(store, "enterprise", firms)
        assert len(err.value.problems) == 2
        with pytest.raises(InvalidInput, match="--sheet"):
            import_data(store, "graph", firms, sheet="表1")
        assert store.counts() == {"nodes": {}, "edges": {}}


def _firm(store: SqliteStore, node_id: str, name: str, **props) -> None:
    with store.batch() as b:
        b.upsert_node(Node(node_id, "Enterprise", {"name": name, **props}))


def test_resolve_and_the_review_queue_give_ids_and_names(tmp_path):
    first, second = tmp_path / "firms.csv", tmp_path / "more.csv"
    first.write_text("企业名称,所在地区\n恒锋工具股份有限公司,嘉兴\n", encoding="utf-8")
    second.write_text("企业名称\n恒峰工具\n", encoding="utf-8")  # may be the same firm
    with SqliteStore(tmp_path / "r.db") as store:
        nothing = resolve_name(store, "恒峰工具")
        import_data(store, "enterprise", first)
        [stored] = store.find_nodes("Enterprise")
        assert import_data(store, "enterprise", second).queued_for_review == 1
        found = resolve_name(store, "恒峰工具", region="嘉兴")
        assert nothing.candidates == [] and keys(nothing) == keys(found) == {"query",
                                                                            "candidates"}
        assert stored.id in {c["node_id"] for c in found.to_dict()["candidates"]}

        empty = list_review_items(store, "accepted")
        [item] = list_review_items(store).items
        assert (item.name, item.candidate_id, item.candidate_name) == (
            "恒峰工具", stored.id, "恒锋工具股份有限公司")
        assert item.incoming_id and item.incoming_id != stored.id
        assert empty.items == [] and keys(empty) == {"status", "items"}

        accepted = accept_review_item(store, item.id, "alice")
        assert (accepted.status, accepted.decided_by) == ("accepted", "alice")
        assert set(accepted.to_dict()) == set(item.to_dict())
        assert "恒峰工具" in store.get_node(stored.id).aliases
        assert store.counts()["nodes"] == {"Enterprise": 1}
        assert [i.id for i in list_review_items(store, "all").items] == [item.id]
        with pytest.raises(Conflict):
            reject_review_item(store, item.id, "bob")
        with pytest.raises(NotFound):
            accept_review_item(store, "rev:unknown", "bob")
        with pytest.raises(InvalidInput):
            list_review_items(store, "maybe")


def test_copy_then_compare_and_a_difference_is_a_conflict(tmp_path):
    a, b = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    with SqliteStore(a) as store:
        _firm(store, "ent:x", "甲公司")
    state = tmp_path / "state.json"
    copied = copy_stores(a, b, batch_size=1, state=state)
    assert (copied.nodes, copied.edges, copied.verify.same) == (1, 0, True)
    assert not state.exists()
    unchecked = copy_stores(a, b, check=False, state=state)
    assert unchecked.verify is None and keys(unchecked) == keys(copied)
    assert compare_stores(a, b).check().same
    with SqliteStore(b) as store:
        _firm(store, "ent:y", "乙公司")
    differs = compare_stores(a, b)
    assert not differs.same and keys(differs) == keys(copied.verify)
    assert "nodes Enterprise: 1 in source, 2 in target" in differs.differences
    with pytest.raises(Conflict, match="differ"):
        differs.check()
    with pytest.raises(Conflict):
        copy_stores(a, a)


def test_copy_progress_gets_the_total_and_every_record(tmp_path):
    a, b = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    with SqliteStore(a) as store:
        for i in range(5):
            _firm(store, f"ent:{i}", f"公司{i}号")
    seen: dict[str, int] = {"total": 0, "updated": 0}

    class Bar:
        def __init__(self, total: int):
            seen["total"] = total

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return None

        def update(self, n: int) -> None:
            seen["updated"] += n

    copy_stores(a, b, batch_size=2, state=tmp_path / "s.json", progress=Bar)
    assert seen == {"total": 5, "updated": 5}
    assert Path(b).exists()
