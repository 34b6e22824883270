"""Entity resolution: decisions on the seed pairs, quality on the labelled set, the
write path on a real SQLite file, and the CLI in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from duijie.graph.errors import Conflict, InvalidInput, NotFound
from duijie.graph.model import Edge, Node, Provenance
from duijie.graph.resolution import (
    accept_review,
    index_for,
    plan_organisation_writes,
    reject_review,
    resolve,
    retargeted_ids,
    review_id,
)
from duijie.graph.resolution_index import OrganisationIndex, compare, org_profile
from duijie.graph.resolution_quality import by_split, evaluate, read_pairs
from duijie.graph.sqlite_store import SqliteStore
from duijie.graph.store import ReviewItem, WriteBatch

ROOT = Path(__file__).resolve().parents[2]
PAIRS = ROOT / "tests" / "data" / "resolution" / "pairs.tsv"
SOURCE = Provenance(source="import:test.csv", row=1)


def decide(a: dict, b: dict) -> str:
    """The decision for record `a` (incoming) against stored record `b`."""
    index = OrganisationIndex()
    index.add("b", **b)
    found = [c for c in index.query(**a, k=10) if c.node_id == "b"]
    return found[0].decision if found else "different"


# -- decisions ---------------------------------------------------------------------

SEED_SAME = [
    ({"name": "恒峰工具", "region": "嘉兴", "industry": "工具"},
     {"name": "恒锋工具有限公司", "region": "嘉兴", "industry": "工具"}),
    ({"name": "加西贝拉", "region": "嘉兴"}, {"name": "嘉西贝拉", "region": "嘉兴"}),
    ({"name": "嘉兴加西贝拉"}, {"name": "嘉西贝拉压缩机有限公司", "region": "嘉兴"}),
    ({"name": "浙江省北大信息技术高等研究院"}, {"name": "北大信息技术高等研究院"}),
]


@pytest.mark.parametrize(("a", "b"), SEED_SAME)
def test_seed_pairs_resolve_as_same_both_ways(a: dict, b: dict) -> None:
    assert decide(a, b) == "same"
    assert decide(b, a) == "same"


DISTINCT = [
    ({"name": "浙江金凯门业有限公司", "industry": "门业"},
     {"name": "江山欧派门业股份有限公司", "industry": "门业"}),
    ({"name": "宁波新松机器人", "industry": "机器人"},
     {"name": "浙江智昌机器人科技有限公司", "industry": "机器人"}),
    ({"name": "宁波新松机器人", "region": "宁波"}, {"name": "浙江智昌机器人", "region": "宁波"}),
    ({"name": "荣晟环保", "region": "嘉兴"}, {"name": "荣盛石化", "region": "杭州"}),
]


@pytest.mark.parametrize(("a", "b"), DISTINCT)
def test_firms_sharing_words_or_pinyin_do_not_merge(a: dict, b: dict) -> None:
    assert decide(a, b) != "same"
    assert decide(b, a) != "same"


NUMBERED = [
    ("浙江测试1号科技有限公司", "浙江测试12号科技有限公司"),
    ("杭州第一机床厂", "杭州第二机床厂"),
    ("宁波四中", "宁波十四中"),
    ("浙江测试1号科技有限公司", "浙江测试一号科技有限公司".replace("一", "2")),
]


@pytest.mark.parametrize(("a", "b"), NUMBERED)
def test_names_differing_only_by_numbers_are_different(a: str, b: str) -> None:
    evidence = {"region": "杭州", "industry": "科技"}
    assert decide({"name": a, **evidence}, {"name": b, **evidence}) == "different"
    assert decide({"name": b, **evidence}, {"name": a, **evidence}) == "different"
    assert decide({"name": a, **evidence}, {"name": a, **evidence}) == "same"


def test_the_same_number_still_matches() -> None:
    assert decide({"name": "测试12号科技", "region": "杭州"},
                  {"name": "浙江测试１２号科技有限公司", "region": "杭州"}) == "same"
    _, decision, reasons, *_ = compare(org_profile("测试1号科技", region="杭州"),
                                           org_profile("测试12号科技", region="杭州"))
    assert decision == "different" and "numbers differ: 1 / 12" in reasons


def test_numbered_firms_do_not_crowd_each_others_blocks() -> None:
    index = OrganisationIndex()
    for i in range(3000):
        index.add(f"ent:{i}", f"浙江测试{i}号科技有限公司", region="杭州")
    index.add("ent:plain", "浙江测试科技有限公司", region="杭州")
    exact, blocked = index.candidate_slots(org_profile("浙江测试4321号科技有限公司"))
    assert len(exact | blocked) <= 5  # a new number: no stored firm it could be
    exact, blocked = index.candidate_slots(org_profile("浙江测试1234号科技有限公司"))
    assert len(exact | blocked) <= 20 and index._slot["ent:1234"] in exact | blocked
    # A name without digits still finds the numbered ones (its own blocks are read).
    exact, blocked = index.candidate_slots(org_profile("测试1234号科技"[:2] + "科技"))
    assert index._slot["ent:plain"] in exact
    best = index.query("浙江測試1234號科技有限公司", region="杭州")[0]  # traditional spelling
    assert (best.node_id, best.decision) == ("ent:1234", "same")


def test_pinyin_alone_goes_to_review_and_evidence_decides() -> None:
    stored = {"name": "恒锋工具股份有限公司"}
    assert decide({"name": "恒峰工具"}, stored) == "review"
    with_region = {"name": "恒锋工具股份有限公司", "region": "嘉兴", "industry": "工具"}
    assert decide({"name": "恒峰工具", "region": "海盐"}, with_region) == "same"
    assert decide({"name": "恒峰工具", "region": "宁波"}, with_region) != "same"
    assert decide({"name": "恒峰工具", "industry": "纸业"}, with_region) != "same"


def test_credit_code_wins_over_names() -> None:
    code, other = "91330400704757867X", "91330100143090361A"
    stored = {"name": "恒锋工具股份有限公司", "credit_code": code}
    assert decide({"name": "海盐某某工具厂", "credit_code": code}, stored) == "same"
    assert decide({"name": "恒锋工具股份有限公司", "credit_code": other}, stored) == "different"


def test_same_core_in_conflicting_regions_is_not_merged() -> None:
    assert decide({"name": "江苏金凯门业", "region": "苏州"},
                  {"name": "浙江金凯门业", "region": "金华"}) != "same"


def test_reasons_explain_the_decision() -> None:
    score, decision, reasons, *_ = compare(org_profile("恒峰工具"), org_profile("恒锋工具"))
    assert decision == "review" and 0 < score <= 1
    assert any("sound the same" in r for r in reasons)


def test_blocking_finds_what_a_full_scan_finds() -> None:
    """The indexed query against a slow, obviously-correct scan of every record."""
    brands = ["恒锋", "恒峰", "金凯", "欧派", "新松", "智昌", "大立", "太平", "精功", "海利",
              "华东", "万向", "荣盛", "荣晟", "海亮"]
    words = ["工具", "门业", "机器人", "科技", "电机", "复合材料", "医药", "石化"]
    places = ["嘉兴", "宁波", "杭州", "绍兴", "湖州", "金华"]
    records = {}
    index = OrganisationIndex()
    for i, brand in enumerate(brands):
        for j, word in enumerate(words):
            node_id = f"ent:{i}-{j}"
            place = places[(i + j) % len(places)]
            records[node_id] = org_profile(f"{place}{brand}{word}有限公司", region=place)
            index.add(node_id, f"{place}{brand}{word}有限公司", region=place)
    for name, region in [("恒峯工具", "嘉兴"), ("金凯门业", None), ("华东医藥", "杭州"),
                         ("海亮石化", "湖州"), ("新松机器人", "宁波")]:
        query = org_profile(name, region=region)
        scan = sorted(((compare(query, p)[0], i) for i, p in records.items()), reverse=True)
        best = index.query(name, region=region, k=1)[0]
        assert best.score == pytest.approx(scan[0][0])


# -- quality on the labelled set -----------------------------------------------------

def test_quality_floors_on_the_held_out_pairs() -> None:
    splits = by_split(read_pairs(PAIRS))
    assert len(splits["heldout"]) >= 50 and len(splits["tune"]) >= 50
    held_out = evaluate(splits["heldout"])
    assert held_out.recall >= 0.9, held_out.misses
    assert held_out.wrong_merge_rate <= 0.01, held_out.wrong


def test_tuning_split_has_no_wrong_merge() -> None:
    tune = evaluate(by_split(read_pairs(PAIRS))["tune"])
    assert tune.wrong_merges == 0, tune.wrong
    assert tune.recall >= 0.9, tune.misses


def test_malformed_labelled_file_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "pairs.tsv"
    bad.write_text("tune\tmaybe\tEnterprise\ta\t\t\tb\t\t\tnote\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="line 1, column label"):
        read_pairs(bad)


def test_bad_queries_are_refused() -> None:
    index = OrganisationIndex()
    with pytest.raises(InvalidInput, match="empty"):
        resolve(index, "  ")
    with pytest.raises(InvalidInput, match="organisation kind"):
        resolve(index, "恒锋", kind="Need")


# -- the write path on a real SQLite file ---------------------------------------------

def ent(node_id: str, name: str, **props) -> Node:
    return Node(node_id, "Enterprise", {"name": name, **props}, [], [SOURCE])


def write(store: SqliteStore, nodes: list[Node], edges: list[Edge] = ()) -> list[Node]:
    planned, reviews = plan_organisation_writes(store, nodes)
    ids = retargeted_ids(nodes, planned)
    batch = WriteBatch()
    for node in planned:
        batch.upsert_node(node)
    for edge in edges:
        batch.upsert_edge(Edge(ids.get(edge.src, edge.src), edge.kind,
                               ids.get(edge.dst, edge.dst), edge.props, edge.provenance))
    store.apply(batch)
    store.add_reviews(reviews)
    return planned


def test_same_firm_written_twice_is_one_node_with_both_names(sqlite_store: SqliteStore) -> None:
    write(sqlite_store, [ent("ent:hf1", "恒锋工具有限公司", region="嘉兴", industry="工具")])
    planned = write(sqlite_store, [ent("ent:hf2", "恒峰工具", region="嘉兴", industry="工具",
                                       employees=1200)])
    assert planned[0].id == "ent:hf1"
    assert sqlite_store.counts()["nodes"]["Enterprise"] == 1
    node = sqlite_store.get_node("ent:hf1")
    assert node.name == "恒锋工具有限公司" and node.aliases == ["恒峰工具"]
    assert node.props["employees"] == 1200  # props merged
    assert sqlite_store.find_by_key("core", "恒峰工具") == ["ent:hf1"]  # alias keys stored


def test_two_rows_of_one_file_naming_one_firm_become_one_node(
        sqlite_store: SqliteStore) -> None:
    planned = write(sqlite_store, [ent("ent:a", "嘉兴加西贝拉压缩机有限公司", region="嘉兴"),
                                   ent("ent:b", "嘉西贝拉", region="嘉兴")])
    assert [n.id for n in planned] == ["ent:a", "ent:a"]
    assert sqlite_store.counts()["nodes"] == {"Enterprise": 1}
    assert sqlite_store.get_node("ent:a").aliases == ["嘉西贝拉"]


def test_distinct_firms_stay_two_nodes(sqlite_store: SqliteStore) -> None:
    write(sqlite_store, [ent("ent:jk", "浙江金凯门业有限公司", industry="门业"),
                         ent("ent:op", "江山欧派门业股份有限公司", industry="门业"),
                         ent("ent:xs", "宁波新松机器人"),
                         ent("ent:zc", "浙江智昌机器人科技有限公司")])
    assert sqlite_store.counts()["nodes"]["Enterprise"] == 4
    assert sqlite_store.list_reviews() == []


def test_review_accept_merges_and_moves_edges(sqlite_store: SqliteStore) -> None:
    write(sqlite_store, [ent("ent:hf1", "恒锋工具股份有限公司")])
    need = Node("need:1", "Need", {"title": "刀具涂层寿命"}, [], [SOURCE])
    sqlite_store.apply(_batch_of(need))
    write(sqlite_store, [ent("ent:hf2", "恒峰工具")],
          [Edge("ent:hf2", "submitted", "need:1", {}, [SOURCE])])
    [item] = sqlite_store.list_reviews()
    assert item.id == review_id("ent:hf2", "ent:hf1") and item.candidate_id == "ent:hf1"
    assert sqlite_store.counts()["nodes"]["Enterprise"] == 2  # written, pending review
    accept_review(sqlite_store, item.id, "alice")
    assert sqlite_store.counts()["nodes"]["Enterprise"] == 1
    kept = sqlite_store.get_node("ent:hf1")
    assert "恒峰工具" in kept.aliases
    assert [e.src for e in sqlite_store.find_edges(kind="submitted")] == ["ent:hf1"]
    assert sqlite_store.list_reviews("accepted")[0].decided_by == "alice"
    with pytest.raises(Conflict, match="already accepted"):
        accept_review(sqlite_store, item.id, "bob")
    # The cached index follows the merge: the old spelling now resolves to the kept node.
    assert [c.node_id for c in resolve(sqlite_store, "恒峰工具")][:1] == ["ent:hf1"]


def test_two_workers_accepting_one_review_at_once_merge_once(tmp_path: Path) -> None:
    """Two connections (as two server workers) both read the open item before either
    writes: exactly one merges, the other is a `Conflict` that writes nothing."""
    import threading

    path = tmp_path / "office.db"
    store = SqliteStore(path)
    write(store, [ent("ent:hf1", "恒锋工具股份有限公司")])
    need = Node("need:1", "Need", {"title": "刀具涂层寿命"}, [], [SOURCE])
    store.apply(_batch_of(need))
    write(store, [ent("ent:hf2", "恒峰工具")], [Edge("ent:hf2", "submitted", "need:1", {},
                                                  [SOURCE])])
    [item] = store.list_reviews()
    both_read = threading.Barrier(2, timeout=30)

    class Worker(SqliteStore):  # a real store that waits, after its first read, for the other
        waited = False

        def get_nodes(self, ids):
            found = super().get_nodes(ids)
            if "ent:hf2" in ids and not self.waited:
                self.waited = True
                both_read.wait()
            return found

    outcomes: list[str] = []

    def accept(user: str) -> None:
        worker = Worker(path)
        try:
            accept_review(worker, item.id, user)
            outcomes.append("accepted")
        except Conflict as exc:
            outcomes.append(f"conflict: {exc}")
        finally:
            worker.close()

    threads = [threading.Thread(target=accept, args=(u,)) for u in ("alice", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(o.split(":")[0] for o in outcomes) == ["accepted", "conflict"], outcomes
    assert store.counts()["nodes"]["Enterprise"] == 1
    assert [e.src for e in store.find_edges(kind="submitted")] == ["ent:hf1"]
    assert store.get_node("ent:hf1").aliases.count("恒峰工具") == 1
    assert store.list_reviews("accepted")[0].id == item.id
    store.close()


def test_accepting_a_review_re_points_the_others_about_the_merged_node(
        sqlite_store: SqliteStore) -> None:
    write(sqlite_store, [ent("ent:hf1", "恒锋工具股份有限公司", region="嘉兴")])
    write(sqlite_store, [ent("ent:hf2", "恒峰工具", industry="工具")])
    write(sqlite_store, [ent("ent:hf3", "恒峰工具", region="宁波", industry="刀具")])
    first, second = sorted(sqlite_store.list_reviews(), key=lambda i: i.payload["id"])
    assert (first.payload["id"], first.candidate_id) == ("ent:hf2", "ent:hf1")
    assert (second.payload["id"], second.candidate_id) == ("ent:hf3", "ent:hf2")
    accept_review(sqlite_store, first.id, "alice")  # ent:hf2 is folded into ent:hf1
    [moved] = sqlite_store.list_reviews()
    assert moved.id == review_id("ent:hf3", "ent:hf1") and moved.candidate_id == "ent:hf1"
    assert moved.reasons[-1] == (f"re-pointed: 恒峰工具 was merged into 恒锋工具股份有限公司 "
                                 f"(review {first.id})")
    with pytest.raises(Conflict, match=f"moved to {moved.id}"):
        accept_review(sqlite_store, second.id, "bob")
    accept_review(sqlite_store, moved.id, "bob")
    assert sqlite_store.counts()["nodes"]["Enterprise"] == 1
    assert {"恒峰工具"} <= set(sqlite_store.get_node("ent:hf1").aliases)


def test_accepting_re_points_items_whose_incoming_record_was_merged(
        sqlite_store: SqliteStore) -> None:
    write(sqlite_store, [ent("ent:hf1", "恒锋工具股份有限公司")])
    write(sqlite_store, [ent("ent:hf2", "恒峰工具")])
    write(sqlite_store, [ent("ent:hy", "衡峰刀具有限公司", region="宁波")])
    [first] = sqlite_store.list_reviews()
    incoming = sqlite_store.get_node("ent:hf2")
    other = ReviewItem(review_id("ent:hf2", "ent:hy"), incoming.name, "ent:hy", 0.81,
                       "Enterprise", payload=incoming.to_dict(), reasons=["by hand"])
    sqlite_store.add_reviews([other])
    accept_review(sqlite_store, first.id, "alice")
    [moved] = sqlite_store.list_reviews()
    assert moved.id == review_id("ent:hf1", "ent:hy") and moved.candidate_id == "ent:hy"
    assert moved.payload["id"] == "ent:hf1" and "恒峰工具" in moved.payload["aliases"]
    [closed] = [i for i in sqlite_store.list_reviews("rejected") if i.id == other.id]
    assert closed.decided_by.startswith(f"alice; moved to {moved.id}: 恒峰工具 was merged")


def test_review_reject_sticks(sqlite_store: SqliteStore) -> None:
    write(sqlite_store, [ent("ent:hf1", "恒锋工具股份有限公司")])
    write(sqlite_store, [ent("ent:hf2", "恒峰工具")])
    [item] = sqlite_store.list_reviews()
    reject_review(sqlite_store, item.id, "alice")
    assert sqlite_store.list_reviews() == []
    # The same record again, and a fresh store handle (no cache): not asked again.
    write(sqlite_store, [ent("ent:hf2", "恒峰工具")])
    with SqliteStore(sqlite_store.path) as again:
        write(again, [ent("ent:hf2", "恒峰工具", employees=5)])
        assert again.list_reviews() == []
        assert again.list_reviews("rejected")[0].id == item.id
        assert again.counts()["nodes"]["Enterprise"] == 2
    # Even once the incoming node is gone and comes back, the pair is not planned again.
    with sqlite_store.batch() as batch:
        batch.delete_node("ent:hf2")
    planned, reviews = plan_organisation_writes(sqlite_store, [ent("ent:hf2", "恒峰工具")])
    assert planned[0].id == "ent:hf2" and reviews == []
    with pytest.raises(NotFound):
        reject_review(sqlite_store, "rev:nope", "alice")


def test_index_is_kept_current_by_writes_and_rebuilt_after_others_write(
        sqlite_store: SqliteStore) -> None:
    write(sqlite_store, [ent("ent:dl", "浙江大立科技股份有限公司", region="杭州")])
    index = index_for(sqlite_store)
    write(sqlite_store, [ent("ent:tp", "湖州太平微特电机有限公司")])
    assert index_for(sqlite_store) is index  # updated by the write path, not rebuilt
    assert "ent:tp" in index
    with SqliteStore(sqlite_store.path) as other:  # another writer bypassing the cache
        other.apply(_batch_of(ent("ent:jg", "精功（绍兴）复合材料有限公司")))
    rebuilt = index_for(sqlite_store)  # the write path's check: counts on every call
    assert rebuilt is not index and "ent:jg" in rebuilt
    assert resolve(sqlite_store, "精功复合材料")[0].node_id == "ent:jg"


def test_any_store_write_reaches_the_cached_index(sqlite_store: SqliteStore) -> None:
    write(sqlite_store, [ent("ent:hf", "恒锋工具股份有限公司", region="嘉兴", industry="工具")])
    index = index_for(sqlite_store)
    assert resolve(sqlite_store, "恒峰工具", region="宁波")[0].decision != "same"
    # An edit that keeps the counts, written behind the resolution module's back.
    sqlite_store.apply(_batch_of(Node("ent:hf", "Enterprise", {"region": "宁波"})))
    assert index_for(sqlite_store) is index  # followed, not rebuilt
    best = resolve(sqlite_store, "恒峰工具", region="宁波")[0]
    assert (best.node_id, best.decision) == ("ent:hf", "same")
    sqlite_store.apply(_batch_of(ent("ent:dl", "浙江大立科技股份有限公司")))  # a new one
    assert resolve(sqlite_store, "大立科技")[0].node_id == "ent:dl"
    with sqlite_store.batch() as batch:
        batch.delete_node("ent:dl")
    assert all(c.node_id != "ent:dl" for c in resolve(sqlite_store, "大立科技"))
    assert index_for(sqlite_store) is index  # the counts it expects followed too


def test_a_failing_cache_update_never_fails_a_committed_write(
        sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    import duijie.graph.resolution as resolution
    write(sqlite_store, [ent("ent:hf", "恒锋工具股份有限公司")])
    index = index_for(sqlite_store)

    def broken(*args: object, **kwargs: object) -> None:
        raise MemoryError("a fault that cannot be produced for real here")

    monkeypatch.setattr(resolution, "_add_node", broken)
    sqlite_store.apply(_batch_of(ent("ent:dl", "浙江大立科技股份有限公司")))  # does not raise
    monkeypatch.undo()
    assert index_for(sqlite_store) is not index  # dropped, rebuilt from the store
    assert resolve(sqlite_store, "大立科技")[0].node_id == "ent:dl"


def test_threads_resolve_while_others_write(sqlite_store: SqliteStore) -> None:
    import threading

    write(sqlite_store, [ent("ent:hf", "恒锋工具股份有限公司", region="嘉兴")])
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def writer(w: int) -> None:
        try:
            start.wait()
            for i in range(40):
                write(sqlite_store, [ent(f"ent:w{w}-{i}", f"浙江测试{w}组{i}号科技有限公司")])
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    def reader() -> None:
        try:
            start.wait()
            for _ in range(150):
                assert resolve(sqlite_store, "恒峰工具", region="嘉兴")[0].node_id == "ent:hf"
                resolve(sqlite_store, "浙江测试1组7号科技")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(2)]
    threads += [threading.Thread(target=reader) for _ in range(4)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often: unguarded, this fails every run
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    index = index_for(sqlite_store)
    assert len(index) == 81 == sqlite_store.counts()["nodes"]["Enterprise"]
    assert sqlite_store.list_reviews() == []
    best = resolve(sqlite_store, "浙江测试1组7号科技有限公司")[0]
    assert (best.node_id, best.decision) == ("ent:w1-7", "same")


def _batch_of(*nodes: Node) -> WriteBatch:
    batch = WriteBatch()
    for node in nodes:
        batch.upsert_node(node)
    return batch


# -- the CLI, in a subprocess -----------------------------------------------------------

def duijie(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DUIJIE_DB": str(db)}
    return subprocess.run([sys.executable, "-m", "duijie.api.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_resolve_and_review(db_path: Path) -> None:
    with SqliteStore(db_path) as store:
        write(store, [ent("ent:hf1", "恒锋工具股份有限公司", region="嘉兴"),
                      ent("ent:jk", "浙江金凯门业有限公司")])
        write(store, [ent("ent:hf2", "恒峰工具")])
    run = duijie(db_path, "resolve", "恒峰工具", "--region", "嘉兴", "--json")
    assert run.returncode == 0, run.stderr
    found = {c["node_id"]: c for c in json.loads(run.stdout)["candidates"]}
    # The pending spelling matches exactly, so it alone is `same`; the stored firm,
    # a match by sound and region, is left for review until an organiser decides.
    assert found["ent:hf2"]["decision"] == "same"
    assert found["ent:hf1"]["decision"] == "review"
    assert any("closer match" in r for r in found["ent:hf1"]["reasons"])
    assert "ent:jk" not in found or found["ent:jk"]["decision"] == "different"

    listed = duijie(db_path, "review", "list", "--json")
    [item] = json.loads(listed.stdout)
    assert item["incoming_id"] == "ent:hf2" and item["candidate_id"] == "ent:hf1"
    assert "恒峰工具" in duijie(db_path, "review", "list").stdout

    accepted = duijie(db_path, "review", "accept", item["id"], "--user", "alice")
    assert accepted.returncode == 0, accepted.stderr
    # A person reads it: both organisations by name, never the stored node's id.
    assert accepted.stdout.strip() == (f"已合并 {item['id']}：恒峰工具 并入 "
                                       f"恒锋工具股份有限公司")
    with SqliteStore(db_path) as store:
        assert store.counts()["nodes"]["Enterprise"] == 2
        assert "恒峰工具" in store.get_node("ent:hf1").aliases

    with SqliteStore(db_path) as store:
        write(store, [ent("ent:jk2", "浙江金凯们业有限公司")])
    [other] = json.loads(duijie(db_path, "review", "list", "--json").stdout)
    assert other["candidate_id"] == "ent:jk"
    rejected = duijie(db_path, "review", "reject", other["id"])
    assert rejected.returncode == 0, rejected.stderr
    assert rejected.stdout.strip() == (f"已判定不同 {other['id']}：浙江金凯们业有限公司 与 "
                                       f"浙江金凯门业有限公司 保持分开")

    again = duijie(db_path, "review", "reject", item["id"])
    assert again.returncode == 4 and "already accepted" in again.stderr
    missing = duijie(db_path, "review", "accept", "rev:unknown")
    assert missing.returncode == 3 and "rev:unknown" in missing.stderr
    empty = duijie(db_path, "resolve", " ")
    assert empty.returncode == 2 and "name" in empty.stderr
