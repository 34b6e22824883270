"""What only the Bolt backend has: URLs, servers that are down or die, one-statement
writes, the FalkorDB workarounds, and the same results as SQLite on the seed data."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from datetime import date

import pytest

from duijie.graph import bolt_connection, bolt_servers, cypher, falkordb_quirks, open_store
from duijie.graph.bolt_servers import UNKNOWN
from duijie.graph.errors import BackendUnavailable, Conflict, InvalidInput, NotFound
from duijie.graph.falkordb_quirks import MESSAGE_BYTES
from duijie.graph.model import Edge, Node
from duijie.graph.neo4j_store import Neo4jStore
from duijie.graph.sqlite_store import SqliteStore
from duijie.graph.store import WriteBatch
from tests.bolt_server import (
    BOLT_SERVER_NAMES,
    EXTERNAL,
    free_port,
    require,
    server_class,
    unavailable_reason,
    with_credentials,
)

pytestmark = pytest.mark.bolt


def topics(prefix: str, n: int) -> WriteBatch:
    batch = WriteBatch()
    for i in range(n):
        batch.upsert_node(Node(f"topic:{prefix}{i:05d}", "Topic", {"name": f"主题 {prefix}{i}"}))
    return batch


@pytest.fixture(params=[name for name in BOLT_SERVER_NAMES if name != EXTERNAL] or [EXTERNAL])
def own_server(request):
    """A server of each kind for this test alone: it gets killed."""
    if request.param == EXTERNAL:
        pytest.skip("these tests kill a server of their own, not $DUIJIE_TEST_BOLT_URL")
    reason = unavailable_reason(request.param)
    if reason:
        require(request.param, reason)  # fails in CI, skips locally, with the reason
    server = server_class(request.param)().start()
    yield server
    server.close()


def test_url_options_and_errors(bolt_url):
    with pytest.raises(InvalidInput, match="colour"):
        Neo4jStore.from_url("bolt://localhost:7687?colour=red")
    with pytest.raises(InvalidInput, match="number of seconds"):
        Neo4jStore.from_url("bolt://localhost:7687?timeout=soon")
    with pytest.raises(InvalidInput, match="no host"):
        Neo4jStore.from_url("bolt://?database=x")
    with pytest.raises(InvalidInput, match="not a store URL"):
        open_store("mysql://localhost/duijie")
    # A user with no password is allowed (FalkorDB has none); a URL's own user is kept.
    url = bolt_url if "@" in bolt_url else with_credentials(bolt_url, "falkordb", "")
    store = open_store(url + "?database=duijie")
    try:
        assert isinstance(store, Neo4jStore)
        assert store.url.endswith("?database=duijie") and "@" not in store.url
    finally:
        store.close()


def test_server_down_fails_fast():
    url = f"bolt://localhost:{free_port()}?timeout=2&retry_seconds=1"
    started = time.monotonic()
    with pytest.raises(BackendUnavailable, match="cannot be reached"):
        Neo4jStore.from_url(url)
    assert time.monotonic() - started < 10


def test_wrong_credentials(bolt_url):
    # FalkorDB without a password answers a login with one by refusing every query;
    # ArcadeDB (and Neo4j) answer with an authentication error.
    with pytest.raises(BackendUnavailable, match="credentials"):
        Neo4jStore.from_url(with_credentials(bolt_url, "neo4j", "wrong"))


def test_labels_come_from_the_kind_lists():
    with pytest.raises(InvalidInput):
        cypher.node_label("Topic) DETACH DELETE n //")
    with pytest.raises(InvalidInput):
        cypher.edge_type("x]->() DETACH DELETE n //")
    with pytest.raises(InvalidInput):
        falkordb_quirks.append_to_stage("name` = 1 DETACH DELETE s //")


def test_unknown_edge_kind_is_not_run(bolt_store):
    bolt_store.apply(topics("a", 3))
    assert bolt_store.find_edges(kind="x]->() MATCH (n) DETACH DELETE n //") == []
    assert bolt_store.counts()["nodes"] == {"Topic": 3}


@pytest.mark.parametrize("n", [5, 400], ids=["one-message", "several-messages"])
def test_one_statement_is_all_or_nothing(bolt_store, n):
    """A part that fails on the server after others wrote: nothing stays. Several
    messages: staged on FalkorDB, several statements of one transaction elsewhere."""
    if n > 5 and bolt_store.server.transactions:  # 400 rows fit one message of 4 MiB
        bolt_store.server = replace(bolt_store.server, message_bytes=20_000)
    bolt_store.apply(topics("keep", 2))
    rows = [cypher.node_row(Node(f"topic:new{i}", "Topic", {"name": f"新{i}"}))
            for i in range(n)]
    boom = "{rows} WITH r, 1 / r.zero AS boom"  # integer division by zero, at the end
    with pytest.raises(BackendUnavailable, match="nothing was written"):
        bolt_store._apply_parts([(cypher.upsert_nodes("Topic"), rows), (boom, [{"zero": 0}])])
    assert bolt_store.counts()["nodes"] == {"Topic": 2}
    assert bolt_store._read("MATCH (s:DuijieStage) RETURN count(s)") == [[0]]


def test_wipe_deletes_a_chunk_a_transaction(bolt_store):
    batch = topics("w", 25)
    for i in range(1, 25):
        batch.upsert_edge(Edge(f"topic:w{i:05d}", "part_of", f"topic:w{i // 2:05d}"))
    bolt_store.apply(batch)
    assert bolt_store.counts() == {"nodes": {"Topic": 25}, "edges": {"part_of": 24}}
    bolt_store.wipe(chunk=10)  # nodes, their edges, keys and the version node
    assert bolt_store.counts() == {"nodes": {}, "edges": {}}
    assert bolt_store._read("MATCH (n) RETURN count(n)") == [[0]]


def test_big_batches_and_long_texts_are_staged(bolt_store):
    text = "长" * 15000 + "\\'\"" + "尾"
    batch = topics("big", 300)
    batch.upsert_node(Node("need:long", "Need", {"title": "长文本", "text": text},
                           aliases=["别名" * 100] * 20))
    assert len(text.encode()) > MESSAGE_BYTES
    bolt_store.apply(batch)
    need = bolt_store.get_node("need:long")
    assert need.props["text"] == text and len(need.aliases) == 1
    assert bolt_store.counts()["nodes"] == {"Need": 1, "Topic": 300}
    assert bolt_store._read("MATCH (s:DuijieStage) RETURN count(s)") == [[0]]


def test_server_killed_between_requests(own_server):
    store = Neo4jStore.from_url(own_server.url + "?timeout=2&retry_seconds=1")
    try:
        store.apply(topics("first", 20))
        own_server.save()
        own_server.kill()
        started = time.monotonic()
        with pytest.raises(BackendUnavailable, match="cannot be reached"):
            store.apply(topics("second", 20))
        assert time.monotonic() - started < 15
        own_server.start()  # same ports, same folder: the snapshot is loaded
        assert store.counts()["nodes"] == {"Topic": 20}
        store.apply(topics("second", 20))  # the same store reconnects
        assert store.counts()["nodes"] == {"Topic": 40}
    finally:
        store.close()


def test_server_killed_mid_batch_leaves_nothing(own_server):
    store = Neo4jStore.from_url(own_server.url + "?timeout=2&retry_seconds=1")
    try:
        store.apply(topics("before", 10))
        own_server.save()
        batch = topics("mid", 6000)  # staged over many messages: takes a few seconds
        errors: list[BaseException] = []

        def write() -> None:
            try:
                store.apply(batch)
            except BaseException as exc:
                errors.append(exc)

        writer = threading.Thread(target=write)
        writer.start()
        time.sleep(0.8)
        own_server.kill()
        writer.join(60)
        assert errors and isinstance(errors[0], BackendUnavailable)
        own_server.start()
        assert store.counts()["nodes"] == {"Topic": 10}  # none of the 6000
        # The stage of the lost batch, had it been saved, is inert and swept by wipe().
        store.apply(topics("after", 5))
        assert store.counts()["nodes"] == {"Topic": 15}
    finally:
        store.close()


def test_seed_gives_the_same_results_on_both_backends(sqlite_store, bolt_store):
    import duijie.api.services.seeding as seed
    from duijie.api.services.recommendations import shared_recommender
    for store in (sqlite_store, bolt_store):
        seed.load_seed(store)
    assert bolt_store.counts() == sqlite_store.counts()
    bolt_graph, sqlite_graph = bolt_store.projection(), sqlite_store.projection()
    assert dict(bolt_graph.nodes(data=True)) == dict(sqlite_graph.nodes(data=True))
    assert sorted(bolt_graph.edges(keys=True, data=True)) == sorted(
        sqlite_graph.edges(keys=True, data=True))
    needs = [n.id for n in sqlite_store.find_nodes("Need", limit=5)]
    assert needs
    on_sqlite = shared_recommender(sqlite_store, today=date(2026, 1, 1))
    on_bolt = shared_recommender(bolt_store, today=date(2026, 1, 1))
    for need in needs:
        for kind in ("expert", "institute", "programme"):
            assert (on_bolt.recommend(need, kind, k=5).to_dict()
                    == on_sqlite.recommend(need, kind, k=5).to_dict())


def test_the_projection_is_the_embedded_stores(bolt_store, sqlite_store):
    """Nodes, names, kinds, edge keys and props read back as SQLite builds them."""
    for store in (bolt_store, sqlite_store):
        batch = topics("p", 30)
        for i in range(29):
            batch.upsert_edge(Edge(f"topic:p{i + 1:05d}", "part_of", f"topic:p{i:05d}",
                                   {"weight": i / 10}))
        batch.upsert_edge(Edge("topic:p00003", "part_of", "topic:p00001", key="b"))
        store.apply(batch)
    on_bolt, on_sqlite = bolt_store._read_projection(), sqlite_store.projection()
    assert on_bolt.number_of_nodes() == 30 and on_bolt.number_of_edges() == 30
    assert dict(on_bolt.nodes(data=True)) == dict(on_sqlite.nodes(data=True))
    assert (sorted(on_bolt.edges(keys=True, data=True), key=repr)
            == sorted(on_sqlite.edges(keys=True, data=True), key=repr))


def test_a_write_in_between_is_not_lost(bolt_url, bolt_store, monkeypatch):
    """Another process updates a node after this one read it: the statement refuses,
    the batch is read again and retried, and both updates stay."""
    with bolt_store.batch() as b:
        b.upsert_node(Node("reg:hz", "Region", {"name": "杭州"}))
        b.upsert_node(Node("reg:nb", "Region", {"name": "宁波"}))
        b.upsert_edge(Edge("reg:hz", "part_of", "reg:nb", {"weight": 1.0}))
    other = Neo4jStore.from_url(bolt_url)
    original = Neo4jStore._write_parts
    calls = []

    def interleave(self, *args):
        calls.append(1)
        if self is bolt_store and len(calls) == 1:  # between our read and our write
            with other.batch() as b:
                b.upsert_node(Node("reg:hz", "Region", {"level": "city"}, ["杭城"]))
                b.upsert_edge(Edge("reg:hz", "part_of", "reg:nb", {"note": "别处写的"}))
        return original(self, *args)

    monkeypatch.setattr(Neo4jStore, "_write_parts", interleave)
    try:
        with bolt_store.batch() as b:
            b.upsert_node(Node("reg:hz", "Region", {"name_en": "Hangzhou"}, ["临安"]))
            b.upsert_edge(Edge("reg:hz", "part_of", "reg:nb", {"score": 0.5}))
    finally:
        other.close()
    node = bolt_store.get_node("reg:hz")
    assert node.props == {"name": "杭州", "level": "city", "name_en": "Hangzhou"}
    assert node.aliases == ["杭城", "临安"]
    assert bolt_store.get_edge("reg:hz|part_of|reg:nb").props == {
        "weight": 1.0, "note": "别处写的", "score": 0.5}
    assert len(calls) >= 3  # ours, the other's, ours again


@pytest.mark.parametrize(("staged", "delete"), [(False, False), (True, False), (False, True)],
                         ids=["one-message", "staged", "delete"])
def test_the_statement_itself_checks_expect_rev(bolt_url, bolt_store, monkeypatch, staged,
                                                delete):
    """A write lands after the batch was checked and before it is sent: the statement
    (not the check before it) refuses the batch, whole, on both write paths."""
    with bolt_store.batch() as b:
        b.upsert_node(Node("evt:q", "Event", {"name": "对接会", "invited": ["ent:a"]}))
    read = bolt_store.get_node("evt:q")
    other = Neo4jStore.from_url(bolt_url)
    original = Neo4jStore._write_parts

    def interleave(self, *args):
        if self is bolt_store:  # prepare_batch has passed: the rev was still 1
            with other.batch() as b:
                b.upsert_node(Node("evt:q", "Event", {"invited": ["ent:a", "ent:b"]}))
        return original(self, *args)

    monkeypatch.setattr(Neo4jStore, "_write_parts", interleave)
    batch = topics("t", 40 if staged else 2)
    if delete:
        batch.delete_node("evt:q", expect_rev=read.rev)
    else:
        batch.upsert_node(Node("evt:q", "Event", {"invited": [*read.props["invited"], "ent:c"]}),
                          expect_rev=read.rev)
    rows = [cypher.node_row(n) for n in batch.nodes.values()]
    assert (falkordb_quirks.message_size(rows) > MESSAGE_BYTES) == staged
    try:
        with pytest.raises(Conflict, match=r"'evt:q' was changed .* \(revision 1, now 2\)"):
            bolt_store.apply(batch)
    finally:
        other.close()
    assert bolt_store.get_node("evt:q").props["invited"] == ["ent:a", "ent:b"]
    assert bolt_store.counts()["nodes"] == {"Event": 1}
    assert bolt_store._read("MATCH (s:DuijieStage) RETURN count(s)") == [[0]]


def test_event_planning_gives_the_same_meetings_on_both_backends(sqlite_store, bolt_store):
    import duijie.api.services.events as events
    from duijie.api.services.planning import plan_event_meetings, schedule_event
    from duijie.graph.copy import copy_graph

    evt = "evt:对接会"
    with sqlite_store.batch() as b:
        for i, topic in enumerate(("红外", "复合材料", "电机")):
            b.upsert_node(Node(f"topic:{topic}", "Topic", {"name": topic}))
            b.upsert_node(Node(f"ent:{i}", "Enterprise", {"name": f"企业{i}"}))
            b.upsert_node(Node(f"need:{i}", "Need", {"title": f"{topic}需求"}))
            b.upsert_edge(Edge(f"ent:{i}", "submitted", f"need:{i}"))
            b.upsert_edge(Edge(f"need:{i}", "about_topic", f"topic:{topic}"))
            b.upsert_node(Node(f"exp:{i}", "Expert", {"name": f"专家{i}"}))
            b.upsert_edge(Edge(f"exp:{i}", "has_expertise", f"topic:{topic}"))
    events.create_event(sqlite_store, name="测试对接会", event_id=evt, place="西安",
                        slots=events.slot_grid(["2019-05-23"], "09:00", "10:00", 30),
                        tables=["T1", "T2"], max_meetings_default=2)
    events.add_participants(sqlite_store, evt, [f"ent:{i}" for i in range(3)])
    events.add_participants(sqlite_store, evt, [f"exp:{i}" for i in range(3)])
    copy_graph(sqlite_store, bolt_store)
    results = []
    for store in (sqlite_store, bolt_store):
        plan_event_meetings(store, evt)
        schedule_event(store, evt)
        results.append(sorted((m.props["firm_id"], m.props["helper_id"], m.props.get("slot_id"),
                               m.props.get("table"), m.props["status"])
                              for m in events.event_meetings(store, evt)))
    assert results[0] == results[1] and results[0]


def test_cli_import_gives_the_same_graph_on_both_backends(tmp_path, bolt_url, bolt_store,
                                                          capsys):
    from duijie.api.cli import main
    from duijie.graph.copy import summarise

    firms = tmp_path / "企业名录.csv"
    firms.write_text("企业名称,统一社会信用代码,所在地区,营业收入（万元）,别名\n"
                     "浙江大立科技股份有限公司,91330000143044722X,杭州,12345.6,大立科技\n"
                     "恒锋工具股份有限公司,,嘉兴,800,\n"
                     "\"O'Brien \\\\ \"\"}) DETACH DELETE n //\"\"\",,宁波,1,\n",
                     encoding="utf-8")
    sqlite_url = f"sqlite:///{tmp_path / 'import.db'}"
    for url in (sqlite_url, bolt_url):
        assert main(["--graph", url, "import", "enterprise", str(firms)]) == 0
    capsys.readouterr()
    sqlite = SqliteStore(tmp_path / "import.db")
    try:
        assert bolt_store.counts()["nodes"] == {"Enterprise": 3}
        assert summarise(bolt_store) == summarise(sqlite)
        assert sorted(bolt_store.iter_keys()) == sorted(sqlite.iter_keys())
    finally:
        sqlite.close()


def test_each_server_is_recognised(bolt_store, request):
    """FalkorDB by procedures only it has, ArcadeDB by its agent: never by elimination."""
    name = request.node.callspec.params["bolt_url"]
    if name == EXTERNAL:
        pytest.skip("$DUIJIE_TEST_BOLT_URL: which server it is, is not known here")
    assert bolt_store.server.name == name
    assert bolt_store.server.escape_strings == (name == "falkordb")


TRICKY = "O'Brien \\ \"}) MATCH (n) DETACH DELETE n // 中文"


def test_an_unknown_server_gets_plain_parameters(bolt_servers, monkeypatch):
    """A server that is neither FalkorDB nor Neo4j: strings go as they are (FalkorDB's
    escaping would corrupt them there) and big batches in small messages."""
    url = bolt_servers.url("arcadedb")  # a server that keeps parameters apart
    monkeypatch.setattr(bolt_connection, "identify_server", lambda *answers: UNKNOWN)
    store = Neo4jStore.from_url(url)
    try:
        assert store.server is UNKNOWN
        store.wipe()
        batch = topics("u", 3)
        batch.upsert_node(Node("topic:tricky", "Topic", {"name": TRICKY}, aliases=[TRICKY]))
        store.apply(batch)
        tricky = store.get_node("topic:tricky")
        assert tricky.name == TRICKY and tricky.aliases == [TRICKY]
        assert store.find_nodes("Topic", where={"name": TRICKY})[0].id == "topic:tricky"
        # The test can fail: the same write with FalkorDB's escaping comes back changed.
        store.server = replace(UNKNOWN, escape_strings=True)
        store.apply(WriteBatch(nodes={"topic:bent": Node("topic:bent", "Topic",
                                                         {"name": TRICKY})}))
        store.server = UNKNOWN
        assert store._read("MATCH (n:DuijieNode {id: $id}) RETURN n.name",
                           {"id": "topic:bent"}) != [[TRICKY]]
    finally:
        store.wipe()
        store.close()


def test_a_missing_database_is_named(bolt_url, bolt_store, capsys):
    from duijie.api.cli import main

    url = f"{bolt_url}?database=nosuch"
    if not bolt_store.server.databases:  # FalkorDB: the name does not select a graph
        Neo4jStore.from_url(url).close()
        return
    with pytest.raises(NotFound, match=r"'nosuch' is not a database on .*does not exist"):
        Neo4jStore.from_url(url)
    capsys.readouterr()
    assert main(["--graph", url, "stats"]) == 3
    err = capsys.readouterr().err
    assert "does not exist" in err and "credentials" not in err


def test_a_batch_over_the_limit_is_refused_whole(bolt_store, monkeypatch):
    monkeypatch.setattr(bolt_servers, "MAX_BATCH_BYTES", 100_000)
    bolt_store.apply(topics("small", 10))
    with pytest.raises(InvalidInput, match=r"'2,000 records'.*MAX_BATCH_BYTES.*graph copy"):
        bolt_store.apply(topics("big", 2000))
    assert bolt_store.counts()["nodes"] == {"Topic": 10}


def test_the_big_generate_case_fails_clearly(bolt_url, bolt_store, capsys):
    """generate --experts 10000 --needs 5000 --enterprises 5000 used to exceed ArcadeDB's
    16 MiB message (a misleading PackStream error, or a hang): now it is refused before
    anything is sent, naming the limit, with exit code 2."""
    from duijie.api.cli import main

    capsys.readouterr()
    assert main(["--graph", bolt_url, "generate", "--experts", "10000", "--needs", "5000",
                 "--enterprises", "5000"]) == 2
    err = capsys.readouterr().err
    assert "MAX_BATCH_BYTES" in err and "graph copy" in err
    assert bolt_store.counts() == {"nodes": {}, "edges": {}}


def test_concurrent_writers_lose_nothing_when_the_server_asks_for_retries(
        bolt_url, bolt_store, caplog):
    """Four writers add nodes with edges to one shared node. ArcadeDB answers some
    commits with DeadlockDetected (transient): the driver retries them, and every
    record is stored once."""
    with bolt_store.batch() as b:
        b.upsert_node(Node("topic:root", "Topic", {"name": "根"}))
    errors: list[BaseException] = []

    def write(worker: int, round_: int) -> None:
        store = Neo4jStore.from_url(bolt_url)
        try:
            for i in range(25):
                batch = WriteBatch()
                for j in range(8):
                    topic = f"topic:r{round_}w{worker}-{i:02d}-{j}"
                    batch.upsert_node(Node(topic, "Topic", {"name": topic}))
                    batch.upsert_edge(Edge(topic, "part_of", "topic:root"))
                store.apply(batch)
        except BaseException as exc:
            errors.append(exc)
        finally:
            store.close()

    rounds = 0
    with caplog.at_level(logging.WARNING, logger="neo4j"):
        while rounds < 3:  # until the server has asked for a retry at least once
            writers = [threading.Thread(target=write, args=(w, rounds)) for w in range(4)]
            for writer in writers:
                writer.start()
            for writer in writers:
                writer.join(300)
            rounds += 1
            if bolt_store.server.name != "arcadedb" or "DeadlockDetected" in caplog.text:
                break
    assert not errors
    assert bolt_store.counts() == {"nodes": {"Topic": 1 + rounds * 800},
                                   "edges": {"part_of": rounds * 800}}
    if bolt_store.server.name == "arcadedb":
        assert "DeadlockDetected" in caplog.text and "will be retried" in caplog.text
