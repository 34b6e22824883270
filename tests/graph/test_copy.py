"""Migration between backends: lossless round trips, resumable copies, verification."""

from __future__ import annotations

import json

import pytest

from duijie.api.cli import main
from duijie.graph.copy import copy_graph, summarise, verify
from duijie.graph.errors import InvalidInput
from duijie.graph.model import Edge, Node, Provenance
from duijie.graph.sqlite_store import SqliteStore
from duijie.graph.store import ReviewItem


def chinese_graph(store, n: int = 120) -> None:
    src = [Provenance(source="import:企业名录.xlsx", row=3, quote="浙江大立科技")]
    with store.batch() as b:
        b.upsert_node(Node("ent:浙江大立", "Enterprise",
                           {"name": "浙江大立科技股份有限公司", "region": "杭州",
                            "flags": ["高新技术企业", "专精特新"], "revenue_wan": 12.5},
                           ["大立科技"], src, "internal"))
        b.upsert_node(Node("exp:王", "Expert", {"name": "王研究员", "docs": [
            {"id": "d1", "kind": "paper", "text": "非制冷红外焦平面 \"引号\" \\ 反斜杠 'x'"}]}))
        b.upsert_node(Node("prog:中小", "Programme", {"name": "科技型中小企业评价", "rules": [
            {"field": "rd_ratio_pct", "op": ">=", "value": 3, "label": "研发投入不低于3%"}]}))
        for i in range(n):
            b.upsert_node(Node(f"topic:主题{i:04d}", "Topic", {"name": f"主题{i}"}))
            b.upsert_edge(Edge("exp:王", "has_expertise", f"topic:主题{i:04d}",
                               {"weight": i / 7}))
        b.upsert_edge(Edge("exp:王", "affiliated_with", "ent:浙江大立", {"role": "顾问"}, src))
    store.add_reviews([ReviewItem("rev:1", "大立", "ent:浙江大立", 0.8, "Enterprise",
                                  payload={"name": "大立"}, reasons=["核心名相同"])])


def test_round_trip_through_bolt_is_lossless(tmp_path, bolt_store):
    original = SqliteStore(tmp_path / "original.db")
    back = SqliteStore(tmp_path / "back.db")
    chinese_graph(original)
    model = bytes(range(256)) * 40  # every byte value, several Bolt parts
    original.put_blob("learned-ranking", model)
    original.put_blob("另一个", b"")
    report = copy_graph(original, bolt_store, batch_size=50)
    assert (report.nodes, report.edges, report.reviews, report.blobs) == (123, 121, 1, 2)
    assert verify(original, bolt_store).same
    assert bolt_store.get_blob("learned-ranking")[1] == model
    copy_graph(bolt_store, back, batch_size=37)
    assert verify(original, back).same
    assert back.blob_names() == ["learned-ranking", "另一个"]
    assert back.get_blob("learned-ranking")[1] == model and back.get_blob("另一个")[1] == b""
    assert back.get_node("exp:王").props == original.get_node("exp:王").props
    assert back.find_by_key("norm", next(k for i, t, k in original.iter_keys()
                                         if t == "norm")) == ["ent:浙江大立"]
    original.close()
    back.close()


def test_seed_round_trip(tmp_path, bolt_store):
    import duijie.api.services.seeding as seed
    original, back = SqliteStore(tmp_path / "seed.db"), SqliteStore(tmp_path / "back.db")
    seed.load_seed(original)
    copy_graph(original, bolt_store, batch_size=500)
    copy_graph(bolt_store, back, batch_size=500)
    assert summarise(back) == summarise(original)
    original.close()
    back.close()


def test_interrupted_copy_resumes(tmp_path, bolt_store):
    source = SqliteStore(tmp_path / "source.db")
    chinese_graph(source, n=200)
    state = tmp_path / "copy.json"
    batches = []

    def stop_after_three(phase: str, n: int) -> None:
        batches.append(phase)
        if len(batches) == 3:
            raise KeyboardInterrupt  # Ctrl-C half-way through the nodes

    with pytest.raises(KeyboardInterrupt):
        copy_graph(source, bolt_store, batch_size=40, state=state, progress=stop_after_three)
    assert json.loads(state.read_text())["after"] == sorted(
        n.id for n in source.find_nodes(limit=10**6))[119]
    assert sum(bolt_store.counts()["nodes"].values()) == 120
    written = []

    def stop_in_edges(phase: str, n: int) -> None:
        written.append((phase, n))
        if sum(n for p, n in written if p == "edges") >= 80:
            raise KeyboardInterrupt  # and again, in the middle of the has_expertise edges

    with pytest.raises(KeyboardInterrupt):
        copy_graph(source, bolt_store, batch_size=40, state=state, progress=stop_in_edges)
    assert sum(n for phase, n in written if phase == "nodes") == 203 - 120
    assert json.loads(state.read_text())["edge_kind"] == "has_expertise"
    written.clear()
    report = copy_graph(source, bolt_store, batch_size=40, state=state,
                        progress=lambda phase, n: written.append((phase, n)))
    assert report.resumed_from["phase"] == "edges"
    assert sum(n for phase, n in written if phase == "edges") == 201 - 81
    assert report.nodes == 203 and report.edges == 201
    assert verify(source, bolt_store).same
    source.close()


def test_checkpoint_of_another_copy_is_refused(tmp_path):
    a, b = SqliteStore(tmp_path / "a.db"), SqliteStore(tmp_path / "b.db")
    state = tmp_path / "copy.json"
    state.write_text(json.dumps({"source": "sqlite:///elsewhere.db", "target": b.url}))
    with pytest.raises(InvalidInput, match="elsewhere"):
        copy_graph(a, b, state=state)
    with pytest.raises(InvalidInput, match="batch-size"):
        copy_graph(a, b, batch_size=0)


def test_verify_names_what_differs(tmp_path):
    a, b = SqliteStore(tmp_path / "a.db"), SqliteStore(tmp_path / "b.db")
    chinese_graph(a, n=5)
    copy_graph(a, b)
    with b.batch() as batch:
        batch.upsert_node(Node("topic:主题0001", "Topic", {"name_en": "changed"}))
        batch.upsert_node(Node("topic:extra", "Topic", {"name": "多余"}))
    result = verify(a, b)
    assert not result.same
    assert "nodes Topic: 5 in source, 6 in target" in result.differences()
    assert any("checksums differ" in line for line in result.differences())


def test_kept_blobs_are_copied_whole_resumed_and_verified(tmp_path):
    """The learned model lives in the store as a blob: a copy carries every blob whole,
    an interrupted copy resumes after the last blob written, and `verify` compares
    them by name and content."""
    source, target = SqliteStore(tmp_path / "a.db"), SqliteStore(tmp_path / "b.db")
    chinese_graph(source, n=3)
    blobs = {f"blob{i}": bytes([i]) * (1000 * i) for i in range(1, 4)}
    for name, data in blobs.items():
        source.put_blob(name, data)
    state, seen = tmp_path / "copy.json", []

    def stop_after_the_first_blob(phase: str, n: int) -> None:
        seen.append(phase)
        if seen.count("blobs") == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        copy_graph(source, target, state=state, progress=stop_after_the_first_blob)
    assert json.loads(state.read_text())["phase"] == "blobs"
    assert target.blob_names() == ["blob1"]
    assert "blobs blob2: 1 in source, 0 in target" in verify(source, target).differences()
    written: list[str] = []
    report = copy_graph(source, target, state=state,
                        progress=lambda phase, n: written.append(phase))
    assert written == ["blobs", "blobs"]  # only what was not written before
    assert report.blobs == 3 and report.nodes == 6
    assert {n: target.get_blob(n)[1] for n in target.blob_names()} == blobs
    assert verify(source, target).same
    target.put_blob("blob2", b"changed")
    assert "blobs: checksums differ (same ids, different content?)" in (
        verify(source, target).differences())
    source.close()
    target.close()


def test_cli_copy_and_verify(tmp_path, bolt_url, bolt_store, capsys):
    source = SqliteStore(tmp_path / "cli.db")
    chinese_graph(source, n=10)
    source.close()
    state = tmp_path / "state.json"
    assert main(["graph", "copy", "--from", f"sqlite:///{tmp_path / 'cli.db'}", "--to",
                 bolt_url, "--batch-size", "4", "--state", str(state), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["nodes"], out["edges"], out["verify"]["same"]) == (13, 11, True)
    assert not state.exists()
    assert main(["graph", "verify", "--from", str(tmp_path / "cli.db"), "--to", bolt_url]) == 0
    assert "核对一致：共 " in capsys.readouterr().out
    with bolt_store.batch() as b:
        b.delete_node("topic:主题0003")
    assert main(["graph", "verify", "--from", str(tmp_path / "cli.db"), "--to", bolt_url]) == 4
    assert "nodes Topic: 10 in source, 9 in target" in capsys.readouterr().err


def test_cli_copy_between_files(tmp_path, capsys):
    source = SqliteStore(tmp_path / "a.db")
    chinese_graph(source, n=3)
    source.close()
    a, b = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    assert main(["graph", "copy", "--from", a, "--to", b, "--state",
                 str(tmp_path / "s.json")]) == 0
    out = capsys.readouterr().out
    assert "已复制：6 个节点、4 条关系、1 条核对记录、0 个保存的模型" in out
    assert "核对一致：共 " in out
    assert main(["graph", "copy", "--from", a, "--to", a]) == 4
    assert main(["graph", "copy", "--from", a, "--to", b, "--batch-size", "0"]) == 2
