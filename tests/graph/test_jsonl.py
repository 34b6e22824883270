"""JSON Lines export and import: lossless round trips, all-or-nothing loads."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from duijie.graph.errors import InvalidInput
from duijie.graph.jsonl import dumps_graph, export_jsonl, import_jsonl
from duijie.graph.model import Edge, Node, Provenance
from duijie.graph.sqlite_store import SqliteStore
from duijie.graph.store import WriteBatch, iter_edges, iter_nodes


def rich_batch() -> WriteBatch:
    """A small graph using every feature the export must keep."""
    seed = Provenance(source="seed:000_6e910e093a9df034.txt",
                      quote="组织我省11家企业赴西安开展精准对接活动，8家企业达成合作。")
    batch = WriteBatch()
    batch.upsert_node(Node(
        "ent:dali", "Enterprise",
        {"name": "浙江大立科技股份有限公司", "credit_code": "91330000142917542J",
         "region": "杭州", "revenue_wan": 1200.5, "employees": 850, "rd_ratio_pct": 12.0,
         "flags": ["高新技术企业", "单项冠军示范企业"], "listed": True,
         "description": "红外热像仪、非制冷红外焦平面探测器\n第二行 \"引号\" 和 \\ 反斜杠"},
        ["大立科技", "大立"],
        [seed, Provenance(source="import:firms.csv", row=2),
         Provenance(source="user:broker-li", field="revenue_wan", user="李", at="2019-06-01")],
        "internal"))
    batch.upsert_node(Node(
        "need:ir-noise", "Need",
        {"title": "红外探测器降噪", "text": "非制冷红外焦平面探测器噪声偏高，需要读出电路优化",
         "need_type": "technology", "status": "met", "trl": 5, "budget_wan": 300.0,
         "deadline": "2019-12-31", "ip_status": "pending", "illustrative": True},
        [], [Provenance(source="import:needs.csv", row=7)], "confidential"))
    batch.upsert_node(Node("inst:xjtu", "Institute",
                           {"name": "西安交通大学", "institute_type": "university",
                            "region": "西安"}, ["西交大"], [seed]))
    batch.upsert_node(Node(
        "exp:zhang", "Expert",
        {"name": "张教授（示例）", "title": "教授", "fields": ["红外", "读出电路"],
         "docs": [{"id": "d1", "kind": "paper", "text": "低噪声读出电路设计", "year": 2018}],
         "illustrative": True}, [], [Provenance(source="generated")]))
    batch.upsert_node(Node(
        "prog:first-set", "Programme",
        {"name": "首台（套）", "level": "provincial",
         "rules": [{"field": "rd_ratio_pct", "op": ">=", "value": 3,
                    "label": "研发投入占比不低于3%"},
                   {"field": "region", "op": "in", "value": ["浙江", "山东"]}]},
        [], [seed]))
    batch.upsert_node(Node("topic:ir", "Topic", {"name": "红外", "synonyms": ["红外热成像"]}))
    batch.upsert_edge(Edge("ent:dali", "submitted", "need:ir-noise", {},
                           [Provenance(source="import:needs.csv", row=7)]))
    batch.upsert_edge(Edge("exp:zhang", "affiliated_with", "inst:xjtu", {"role": "教授"}))
    batch.upsert_edge(Edge("need:ir-noise", "met", "exp:zhang",
                           {"date": "2019-05-23", "weight": 1.5}, [seed], key="xian-day1"))
    batch.upsert_edge(Edge("need:ir-noise", "met", "exp:zhang",
                           {"date": "2019-05-24", "note": "第二次会谈"}, [seed], key="xian-day2"))
    batch.upsert_edge(Edge("ent:dali", "collaborated_with", "inst:xjtu",
                           {"year": 2019, "result": "签订技术合作协议", "illustrative": True}))
    batch.upsert_edge(Edge("exp:zhang", "has_expertise", "topic:ir", {"weight": 0.8}))
    return batch


@pytest.fixture
def rich_store(db_path):
    with SqliteStore(db_path) as store:
        store.apply(rich_batch())
        yield store


def test_header_and_record_lines(rich_store):
    lines = dumps_graph(rich_store).splitlines()
    header = json.loads(lines[0])
    assert header == {"type": "header", "format": "duijie-graph", "version": 1,
                      "nodes": 6, "edges": 6}
    records = [json.loads(line) for line in lines[1:]]
    assert [r["type"] for r in records] == ["node"] * 6 + ["edge"] * 6
    assert "红外探测器降噪" in lines[1 + [r.get("id") for r in records].index("need:ir-noise")]


def test_round_trip_is_byte_identical(rich_store, tmp_path):
    first = tmp_path / "first.jsonl"
    assert export_jsonl(rich_store, first) == {"nodes": 6, "edges": 6}
    with SqliteStore(tmp_path / "fresh.db") as fresh:
        report = import_jsonl(fresh, first)
        assert (report.nodes, report.edges, report.created) == (6, 6, 6)
        second = tmp_path / "second.jsonl"
        export_jsonl(fresh, second)
        assert second.read_bytes() == first.read_bytes()
        # and the records themselves, not just their text
        assert list(iter_nodes(fresh)) == list(iter_nodes(rich_store))
        assert list(iter_edges(fresh)) == list(iter_edges(rich_store))
        met = {e.key: e.props for e in fresh.find_edges("met")}
        assert met == {"xian-day1": {"date": "2019-05-23", "weight": 1.5},
                       "xian-day2": {"date": "2019-05-24", "note": "第二次会谈"}}
        need = fresh.get_node("need:ir-noise")
        assert need.confidentiality == "confidential"
        assert fresh.get_node("ent:dali").provenance[2].user == "李"


def test_import_restores_over_changed_records(rich_store, tmp_path):
    backup = tmp_path / "backup.jsonl"
    export_jsonl(rich_store, backup)
    rich_store.apply(_renamed())
    assert rich_store.get_node("topic:ir").props["name"] == "红外技术"
    import_jsonl(rich_store, backup)
    assert dumps_graph(rich_store) == backup.read_text(encoding="utf-8")


def _renamed() -> WriteBatch:
    batch = WriteBatch()
    batch.upsert_node(Node("topic:ir", "Topic", {"name": "红外技术", "name_en": "infrared"}))
    return batch


def test_export_to_a_stream(rich_store, tmp_path):
    stream = io.StringIO()
    export_jsonl(rich_store, stream)
    path = tmp_path / "g.jsonl"
    export_jsonl(rich_store, path)
    assert stream.getvalue() == path.read_text(encoding="utf-8")


def test_seed_data_round_trip(tmp_path):
    import duijie.api.services.seeding as seed
    with SqliteStore(tmp_path / "seed.db") as store:
        seed.load_seed(store)
        first = dumps_graph(store)
        header = json.loads(first.split("\n", 1)[0])
        assert header["nodes"] > 100 and header["edges"] > 100
        path = tmp_path / "seed.jsonl"
        path.write_text(first, encoding="utf-8")
    with SqliteStore(tmp_path / "fresh.db") as fresh:
        import_jsonl(fresh, path)
        assert dumps_graph(fresh) == first


# -- bad files: an error naming the line, and the store unchanged ----------------

def _lines(store) -> list[str]:
    return dumps_graph(store).splitlines()


def refused(store, path: Path, text: str) -> InvalidInput:
    path.write_text(text, encoding="utf-8")
    before = dumps_graph(store)
    with pytest.raises(InvalidInput) as caught:
        import_jsonl(store, path)
    assert dumps_graph(store) == before
    return caught.value


def test_bad_json_names_the_line(rich_store, tmp_path):
    lines = _lines(rich_store)
    lines[3] = lines[3][:-5]
    err = refused(rich_store, tmp_path / "g.jsonl", "\n".join(lines))
    assert err.problems[0].startswith("g.jsonl, line 4: not valid JSON")


def test_missing_or_foreign_header(rich_store, tmp_path):
    lines = _lines(rich_store)
    err = refused(rich_store, tmp_path / "g.jsonl", "\n".join(lines[1:]))
    assert err.problems[0].startswith("g.jsonl, line 1: the first line must be the header")
    lines[0] = lines[0].replace('"version":1', '"version":9')
    err = refused(rich_store, tmp_path / "g.jsonl", "\n".join(lines))
    assert "version 9 is not 'duijie-graph' version 1" in err.problems[0]


def test_truncated_file(rich_store, tmp_path):
    err = refused(rich_store, tmp_path / "g.jsonl", "\n".join(_lines(rich_store)[:-2]))
    assert err.problems == ["g.jsonl: the header declares 6 nodes and 6 edges but the file "
                            "holds 6 and 4 (is it truncated?)"]


def test_empty_file(rich_store, tmp_path):
    err = refused(rich_store, tmp_path / "g.jsonl", "")
    assert err.problems == ["g.jsonl: the file is empty (no header line)"]


def test_edge_to_unknown_node(tmp_path):
    with SqliteStore(tmp_path / "a.db") as store:
        text = "\n".join([
            '{"type":"header","format":"duijie-graph","version":1,"nodes":1,"edges":1}',
            '{"type":"node","id":"topic:ir","kind":"Topic","props":{"name":"红外"}}',
            '{"type":"edge","src":"exp:ghost","kind":"has_expertise","dst":"topic:ir"}'])
        err = refused(store, tmp_path / "g.jsonl", text)
        assert err.problems == ["g.jsonl, line 3: 'exp:ghost' is not a known node"]
        assert store.counts() == {"nodes": {}, "edges": {}}


def test_unknown_property_duplicate_id_and_bad_shapes(rich_store, tmp_path):
    lines = _lines(rich_store)
    node = json.loads(lines[1])
    node["props"]["shoe_size"] = 42
    dup = json.loads(lines[2])
    dup["id"] = node["id"]
    lines[1] = json.dumps(node, ensure_ascii=False)
    lines[2] = json.dumps(dup, ensure_ascii=False)
    third = json.loads(lines[3])
    third["aliases"] = "红外"  # a string would become a list of characters
    lines[3] = json.dumps(third, ensure_ascii=False)
    lines[4] = lines[4].replace('"type":"node"', '"type":"node","colour":"red"')
    err = refused(rich_store, tmp_path / "g.jsonl", "\n".join(lines))
    joined = "\n".join(err.problems)
    assert "g.jsonl, line 2, field shoe_size: 42 unknown property" in joined
    assert f"g.jsonl, line 3: {node['id']!r} repeats the node of line 2" in joined
    assert "g.jsonl, line 4, field aliases: must be a JSON array" in joined
    assert "g.jsonl, line 5: unknown field(s) colour" in joined


def test_bytes_that_are_not_utf8(rich_store, tmp_path):
    lines = _lines(rich_store)
    path = tmp_path / "g.jsonl"
    path.write_bytes("\n".join(lines[:2]).encode() + b"\n\xff\xfe\n")
    before = dumps_graph(rich_store)
    with pytest.raises(InvalidInput) as caught:
        import_jsonl(rich_store, path)
    assert "g.jsonl, line 3: byte 0 is not UTF-8" in caught.value.problems
    assert dumps_graph(rich_store) == before


def test_export_into_a_missing_folder_is_a_clear_error(rich_store, tmp_path):
    target = tmp_path / "no" / "such" / "folder" / "g.jsonl"
    with pytest.raises(InvalidInput) as caught:
        export_jsonl(rich_store, target)
    assert caught.value.where == "FILE" and "cannot be written" in str(caught.value)
    assert not target.parent.exists()


def test_export_leaves_no_partial_file(rich_store, tmp_path):
    target = tmp_path / "g.jsonl"
    export_jsonl(rich_store, target)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("g.jsonl")] == ["g.jsonl"]


def test_header_without_counts(rich_store, tmp_path):
    lines = _lines(rich_store)
    lines[0] = '{"type":"header","format":"duijie-graph","version":1}'
    err = refused(rich_store, tmp_path / "g.jsonl", "\n".join(lines))
    assert err.problems == ['g.jsonl, line 1: the header must give the counts "nodes" and '
                            '"edges"']


def test_cli_import_of_a_bad_graph_file_exits_2_naming_the_line(rich_store, tmp_path):
    lines = _lines(rich_store)
    lines[5] = "{not json"
    path = tmp_path / "g.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    before = dumps_graph(rich_store)
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "DUIJIE_DB": str(rich_store.path)}
    env.pop("DUIJIE_GRAPH", None)
    done = subprocess.run([sys.executable, "-m", "duijie.api.cli", "import", "graph", str(path)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2
    assert "g.jsonl, line 6: not valid JSON" in done.stderr
    assert dumps_graph(rich_store) == before


def test_dry_run_checks_everything_and_writes_nothing(rich_store, tmp_path):
    backup = tmp_path / "backup.jsonl"
    export_jsonl(rich_store, backup)
    rich_store.apply(_renamed())
    before = dumps_graph(rich_store)
    report = import_jsonl(rich_store, backup, dry_run=True)
    assert (report.nodes, report.edges, report.created) == (6, 6, 0)  # all there: updates
    assert dumps_graph(rich_store) == before
    with SqliteStore(tmp_path / "fresh.db") as fresh:
        assert import_jsonl(fresh, backup, dry_run=True).created == 6
        assert fresh.counts() == {"nodes": {}, "edges": {}}
        # What only the write would find (an edge to a node in neither the file nor the
        # store) is found by the dry run too.
        ghost = tmp_path / "ghost.jsonl"
        ghost.write_text("\n".join([
            '{"type":"header","format":"duijie-graph","version":1,"nodes":1,"edges":1}',
            '{"type":"node","id":"topic:ir","kind":"Topic","props":{"name":"红外"}}',
            '{"type":"edge","src":"exp:ghost","kind":"has_expertise","dst":"topic:ir"}']),
            encoding="utf-8")
        with pytest.raises(InvalidInput) as caught:
            import_jsonl(fresh, ghost, dry_run=True)
        assert caught.value.problems == ["g.jsonl, line 3: 'exp:ghost' is not a known node"
                                         .replace("g.jsonl", "ghost.jsonl")]


def test_cli_dry_run_of_a_graph_file(rich_store, tmp_path):
    backup = tmp_path / "backup.jsonl"
    export_jsonl(rich_store, backup)
    root = Path(__file__).resolve().parents[2]
    fresh = tmp_path / "fresh.db"
    SqliteStore(fresh).close()
    env = {**os.environ, "PYTHONPATH": str(root), "DUIJIE_DB": str(fresh)}
    env.pop("DUIJIE_GRAPH", None)
    done = subprocess.run([sys.executable, "-m", "duijie.api.cli", "import", "graph",
                           str(backup), "--dry-run"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ("将导入（试运行，未写入任何内容）backup.jsonl："
                                   "6 个节点（新增 6 个），6 条关系")
    as_json = subprocess.run([sys.executable, "-m", "duijie.api.cli", "import", "graph",
                              str(backup), "--dry-run", "--json"], capture_output=True,
                             text=True, env=env, timeout=120)
    report = json.loads(as_json.stdout)
    assert (report["dry_run"], report["created"], report["merged"], report["merges"]) == (
        True, 6, 0, [])
    with SqliteStore(fresh) as store:
        assert store.counts() == {"nodes": {}, "edges": {}}


def test_cli_export_to_a_reader_that_stops_early(tmp_path):
    db = tmp_path / "many.db"
    with SqliteStore(db) as store:
        batch = WriteBatch()
        for i in range(3000):  # well over a pipe's 64 KB buffer
            batch.upsert_node(Node(f"topic:t{i}", "Topic", {"name": f"技术领域{i}"}))
        store.apply(batch)
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "DUIJIE_DB": str(db)}
    env.pop("DUIJIE_GRAPH", None)
    reader = subprocess.Popen([sys.executable, "-m", "duijie.api.cli", "export", "-"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    first = reader.stdout.readline()
    reader.stdout.close()  # like `| head -1`
    _, err = reader.communicate(timeout=120)
    assert json.loads(first)["nodes"] == 3000
    assert reader.returncode == 0 and b"Traceback" not in err


def test_ten_megabyte_property_is_refused_without_echo(rich_store, tmp_path):
    lines = _lines(rich_store)
    node = json.loads(lines[1])
    node["props"]["description"] = "长" * (10 * 1024 * 1024)
    lines[1] = json.dumps(node, ensure_ascii=False)
    err = refused(rich_store, tmp_path / "g.jsonl", "\n".join(lines))
    (problem,) = err.problems
    assert problem.startswith("g.jsonl, line 2, field description:")
    assert "(10485760 characters)" in problem and len(str(err)) < 500
