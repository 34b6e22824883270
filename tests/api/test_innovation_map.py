"""The innovation map's use case and `duijie map` on the seed graph: what is on the map
agrees with the recommender's scores and the threshold, confidential needs reach
organisers only, an organiser's scope holds, bad input is named, and the CLI prints
names, not ids."""

from __future__ import annotations

import json
import re

import pytest

from duijie.api.services.access import Viewer
from duijie.api.services.innovation_map import innovation_map
from duijie.api.services.recommendations import shared_recommender
from duijie.api.services.seeding import load_seed
from duijie.graph.errors import Forbidden, InvalidInput, NotFound
from duijie.graph.model import Edge, Node
from duijie.graph.sqlite_store import SqliteStore
from tests.api.test_cli import run

INDUSTRY = "电机电器"
SECRET = "机密：高速电机转子动平衡（地图）"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    path = tmp_path_factory.mktemp("map") / "seed.db"
    store = SqliteStore(path)
    load_seed(store)
    firm = next(f for f in store.find_nodes("Enterprise", limit=1000)
                if f.props.get("industry") == INDUSTRY)
    with store.batch() as b:
        b.upsert_node(Node("need:map-secret", "Need", {"title": SECRET, "region": "浙江"},
                           confidentiality="confidential"))
        b.upsert_edge(Edge(firm.id, "submitted", "need:map-secret"))
    yield store, path, firm
    store.close()


def test_the_map_agrees_with_the_recommender_and_the_threshold(seeded) -> None:
    store, _, _ = seeded
    found = innovation_map(store, industry=INDUSTRY)
    data = found.to_dict()
    kinds = {n["id"]: n["kind"] for n in data["nodes"]}
    firms = [n for n in data["nodes"] if n["kind"] == "Enterprise"]
    assert firms and all(store.get_nodes([f["id"]])[f["id"]].props["industry"] == INDUSTRY
                         for f in firms)
    rec = shared_recommender(store).current()
    for need in (n for n in data["nodes"] if n["kind"] == "Need"):
        best = max((i.score for kind in ("expert", "institute") for i in rec.recommend(
            need["id"], kind=kind, k=1, available_only=False).items), default=0.0)
        serve = [e for e in data["edges"] if need["id"] in (e["source"], e["target"])
                 and "can_serve" in e["kinds"]]
        gap = need["id"] in {g["id"] for g in data["unmet_needs"]}
        signed = store.get_nodes([need["id"]])[need["id"]].props.get("status") == "signed"
        assert gap == (best < found.strong and not signed), need
        assert bool(serve) == (best >= found.strong), need
        assert all(e["score"] >= found.strong for e in serve)
    for gap in data["unmet_needs"]:
        assert gap["score"] < found.strong and gap["firm_name"] and gap["name"]
    used = {"met", "signed", "collaborated_with"}
    for supplier in data["unused_suppliers"]:
        links = [e for e in data["edges"] if supplier["id"] in (e["source"], e["target"])]
        assert not any(set(e["kinds"]) & used and {kinds[e["source"]], kinds[e["target"]]}
                       & {"Enterprise", "Need"} for e in links)
    assert data["counts"]["communities"] == len(data["communities"]) >= 1
    assert {n["community"] for n in data["nodes"]} == set(range(1, len(data["communities"]) + 1))
    # the same graph gives the same map
    again = innovation_map(store, industry=INDUSTRY).to_dict()
    assert again["communities"] == data["communities"] and again["nodes"] == data["nodes"]


def test_only_technology_needs_are_supplier_gaps(seeded) -> None:
    """A firm's financing, policy, talent or problem need is a department's to answer:
    listed apart with its department, never drawn, scored or counted as a gap; the same
    words as a technology need no supplier fits are a gap."""
    store, _, firm = seeded
    words = "Zyxwv 驼峰 囗囗囗"  # words no supplier of the seed shares
    with store.batch() as b:
        b.upsert_node(Node("need:map-loan", "Need", {"title": words, "need_type": "financing"}))
        b.upsert_node(Node("need:map-tech", "Need", {"title": words}))
        b.upsert_edge(Edge(firm.id, "submitted", "need:map-loan"))
        b.upsert_edge(Edge(firm.id, "submitted", "need:map-tech"))
    try:
        data = innovation_map(store, industry=INDUSTRY).to_dict()
        types = {n.id: n.props.get("need_type", "technology") for n in store.find_nodes(
            "Need", limit=10_000)}
    finally:
        with store.batch() as b:
            b.delete_node("need:map-loan")
            b.delete_node("need:map-tech")
    drawn = {n["id"] for n in data["nodes"]}
    gaps = {g["id"] for g in data["unmet_needs"]}
    assert "need:map-tech" in gaps and "need:map-loan" not in gaps | drawn, [
        e for e in data["edges"] if "need:map-tech" in (e["source"], e["target"])]
    assert all(types[g] == "technology" for g in gaps)
    assert all(types[n["id"]] == "technology" for n in data["nodes"] if n["kind"] == "Need")
    others = {o["id"]: o for o in data["other_needs"]}
    assert others["need:map-loan"]["need_type"] == "financing"
    assert others["need:map-loan"]["firm_name"] == firm.shown_name
    # every problem-type need of the industry's firms is listed apart, with its department
    firms = {f.id for f in store.find_nodes("Enterprise", where={"industry": INDUSTRY},
                                            limit=1000)}
    problems = {e.dst for e in store.find_edges("submitted", limit=100_000)
                if e.src in firms and types.get(e.dst, "technology") != "technology"}
    assert len(problems) >= 3 and problems | {"need:map-loan"} == set(others), others
    assert data["counts"]["other_needs"] == len(others)
    assert any(o["department"] for o in others.values())  # routed ones name who answers


def test_a_map_is_kept_until_the_graph_changes(seeded) -> None:
    store, _, firm = seeded
    first = innovation_map(store, industry=INDUSTRY)
    assert innovation_map(store, industry=INDUSTRY) is first
    with store.batch() as b:
        b.upsert_node(Node("need:map-new", "Need", {"title": "永磁电机弱磁扩速控制（新）"}))
        b.upsert_edge(Edge(firm.id, "submitted", "need:map-new"))
    again = innovation_map(store, industry=INDUSTRY)
    assert again is not first and "need:map-new" in {n.id for n in again.nodes}
    assert "need:map-new" not in {n.id for n in first.nodes}
    with store.batch() as b:
        b.delete_node("need:map-new")


def test_confidential_needs_and_scopes(seeded) -> None:
    store, _, firm = seeded
    office = innovation_map(store, industry=INDUSTRY, viewer=Viewer.organiser("u1"))
    assert "need:map-secret" in {n.id for n in office.nodes}
    assert [n.confidential for n in office.nodes if n.id == "need:map-secret"] == [True]
    local = innovation_map(store, industry=INDUSTRY,
                           viewer=Viewer.organiser("u2", firm.props["region"]))
    assert "need:map-secret" in {n.id for n in local.nodes}
    assert all(f.props["region"] == firm.props["region"] for f in store.get_nodes(
        [n.id for n in local.nodes if n.kind == "Enterprise"]).values())
    with pytest.raises(NotFound, match="scope"):
        innovation_map(store, industry=INDUSTRY, viewer=Viewer.organiser("u3", "西安"))
    with pytest.raises(Forbidden):
        innovation_map(store, industry=INDUSTRY, viewer=Viewer.enterprise("u4", firm.id))
    with pytest.raises(Forbidden):
        innovation_map(store, industry=INDUSTRY, viewer=Viewer.expert("u5", "exp:x"))


def test_bad_input_is_named(seeded) -> None:
    store, _, _ = seeded
    with pytest.raises(NotFound, match="no firms") as missing:
        innovation_map(store, industry="航天器总装")
    assert missing.value.where.startswith("industry")
    with pytest.raises(NotFound, match="no firms") as nowhere:
        innovation_map(store, region="拉萨")
    assert nowhere.value.where.startswith("region")
    with pytest.raises(InvalidInput, match="industry or a region"):
        innovation_map(store)
    with pytest.raises(InvalidInput, match="between 0 and 1"):
        innovation_map(store, industry=INDUSTRY, strong=2)


def test_cli_on_the_seed(seeded) -> None:
    _, path, _ = seeded
    listed = run("map", "--industry", INDUSTRY, "--json", db=path)
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert {"nodes", "edges", "unmet_needs", "unused_suppliers", "communities", "brokers",
            "counts", "links", "strong"} <= set(data)
    text = run("map", "--region", "浙江", "--industry", INDUSTRY, db=path)
    assert text.returncode == 0, text.stderr
    assert "产业创新地图" in text.stdout and "缺口一" in text.stdout and "群体 1" in text.stdout
    assert re.search(r"不计入缺口的非技术需求.*\d+ 项", text.stdout), text.stdout
    assert not re.search(r"\b(ent|need|exp|inst):", text.stdout), text.stdout  # names only
    names = {n["name"] for n in data["nodes"] if n["kind"] == "Enterprise"}
    assert any(name in text.stdout for name in names)
    marked = [n for n in data["nodes"] if n["illustrative"]]
    # the name carries its mark (`shown_name`), printed once
    assert not marked or (marked[0]["name"].endswith("（示意）") and marked[0]["name"] in
                          text.stdout and "（示意）（示意）" not in text.stdout)
    empty = run("map", "--region", "拉萨", db=path)
    assert empty.returncode == 3 and "拉萨" in empty.stderr and "Traceback" not in empty.stderr
    neither = run("map", db=path)
    assert neither.returncode == 2 and "请给出行业或地区" in neither.stderr
