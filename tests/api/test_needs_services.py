"""The needs use cases called directly on a real SQLite store: who sees what (firm,
organiser scope, expert shares), filters and pages, edits, hints, audit entries."""

from __future__ import annotations

import pytest

from duijie.api.services.access import Viewer
from duijie.api.services.directory import list_directory
from duijie.api.services.needs import (
    NeedQuery,
    edit_need,
    get_need,
    list_needs,
    similar_to,
    submit_need,
    withdraw_need,
)
from duijie.graph.errors import Conflict, Forbidden, InvalidInput, NotFound
from duijie.graph.model import Edge, Node
from duijie.graph.sqlite_store import SqliteStore

FIRM_A = Viewer.enterprise("usr:a", "ent:a")
FIRM_B = Viewer.enterprise("usr:b", "ent:b")
OFFICE = Viewer.organiser("usr:o")
JIAXING = Viewer.organiser("usr:j", "嘉兴")
EXPERT = Viewer.expert("usr:x", "exp:x")


@pytest.fixture
def store(tmp_path):
    store = SqliteStore(tmp_path / "needs.db")
    with store.batch() as b:
        b.upsert_node(Node("ent:a", "Enterprise", {"name": "嘉兴甲公司", "region": "嘉兴"}))
        b.upsert_node(Node("ent:b", "Enterprise", {"name": "西安乙公司", "region": "西安"}))
        b.upsert_node(Node("exp:x", "Expert", {"name": "韩专家"}))
        b.upsert_node(Node("reg:jx", "Region", {"name": "嘉兴"}))
    yield store
    store.close()


def submit(store, viewer, title, **fields):
    return submit_need(store, {"title": title, **fields}, viewer=viewer, author="t")


def test_each_viewer_sees_only_what_it_may(store):
    secret = submit(store, FIRM_A, "红外探测器读出电路降噪", confidentiality="confidential",
                    region="嘉兴")
    public = submit(store, FIRM_B, "碳纤维复合材料成型工艺")
    shared = submit(store, FIRM_A, "导热膜良率提升")
    with store.batch() as b:  # a meeting shares two of firm A's needs with the expert
        b.upsert_node(Node("mtg:1", "Meeting", {"firm_id": "ent:a", "helper_id": "exp:x"}))
        for target in ("ent:a", "exp:x", secret.id, shared.id):
            b.upsert_edge(Edge("mtg:1", "involves", target))

    def ids(viewer, **query):
        return {n.id for n in list_needs(store, NeedQuery(**query), viewer=viewer).data}

    assert ids(FIRM_A) == {secret.id, shared.id}
    assert ids(FIRM_B) == {public.id}
    assert ids(OFFICE) == {secret.id, public.id, shared.id}
    assert ids(JIAXING) == {secret.id, shared.id}  # firm B is in 西安
    assert ids(EXPERT) == {shared.id}  # shared, but never a confidential one
    assert ids(Viewer.expert("usr:y", "exp:other")) == set()
    for viewer in (FIRM_B, EXPERT, Viewer.organiser("usr:s", "西安")):
        with pytest.raises(NotFound):
            get_need(store, secret.id, viewer=viewer)
        assert list_needs(store, NeedQuery(q="红外"), viewer=viewer).count == 0
        assert similar_to(store, "红外探测器降噪", viewer=viewer).count == 0
    assert [h.id for h in similar_to(store, "红外探测器降噪", viewer=FIRM_A).data] == [secret.id]
    assert get_need(store, shared.id, viewer=EXPERT).can_edit is False
    with pytest.raises(Forbidden):
        edit_need(store, shared.id, {"trl": 3}, rev=1, viewer=EXPERT)


def test_filters_counts_sort_and_pages(store):
    for i, (status_region, deadline) in enumerate([("嘉兴", "2030-01-01"), ("海盐", None),
                                                   ("嘉兴", "2029-05-01")]):
        submit(store, FIRM_A, f"需求{i}", region=status_region, deadline=deadline,
               need_type="policy" if i == 1 else "technology")
    page = list_needs(store, NeedQuery(sort="deadline", limit=2), viewer=FIRM_A)
    assert page.count == 3 and [n.deadline for n in page.data] == ["2029-05-01", "2030-01-01"]
    assert [n.deadline for n in list_needs(store, NeedQuery(sort="deadline", offset=2),
                                           viewer=FIRM_A).data] == [None]  # missing: last
    assert list_needs(store, NeedQuery(need_type="policy"), viewer=FIRM_A).count == 1
    assert list_needs(store, NeedQuery(region="海盐"), viewer=FIRM_A).count == 1
    assert list_needs(store, NeedQuery(q="需求1"), viewer=FIRM_A).count == 1
    assert list_needs(store, viewer=FIRM_A).by_status["submitted"] == 3
    for bad in (NeedQuery(sort="secret"), NeedQuery(limit=0), NeedQuery(status="lost"),
                NeedQuery(q="长" * 500)):
        with pytest.raises(InvalidInput):
            list_needs(store, bad, viewer=FIRM_A)


def test_submitting_writes_the_need_its_edge_and_region_in_one_batch(store):
    need = submit(store, FIRM_A, "印染废水回用", region="嘉兴", budget_wan=30)
    stored = store.get_node(need.id)
    assert stored.provenance[0].source == "user:t" and stored.props["status"] == "submitted"
    assert [e.src for e in store.find_edges("submitted", dst=need.id)] == ["ent:a"]
    assert [e.dst for e in store.find_edges("located_in", src=need.id)] == ["reg:jx"]
    with pytest.raises(Forbidden):
        submit_need(store, {"title": "x"}, firm_id="ent:b", viewer=FIRM_A)
    with pytest.raises(Forbidden):
        submit_need(store, {"title": "x"}, viewer=EXPERT)
    # A firm the asker may not open answers as an unknown one (existence does not leak).
    with pytest.raises(NotFound, match="is not a firm you can open"):
        submit_need(store, {"title": "x"}, firm_id="ent:none", viewer=OFFICE)
    with pytest.raises(NotFound, match="is not a firm you can open"):  # 嘉兴's for a 西安 firm
        submit_need(store, {"title": "x"}, firm_id="ent:b", viewer=JIAXING)
    with pytest.raises(InvalidInput):
        submit_need(store, {"title": "x", "status": "signed"}, viewer=FIRM_A)
    with pytest.raises(InvalidInput):
        submit_need(store, {"title": "x", "trl": 12}, viewer=FIRM_A)
    nodes = store.counts()["nodes"]["Need"]
    submit_need(store, {"title": "一次"}, viewer=FIRM_A, submission_key="form-1")
    with pytest.raises(Conflict):
        submit_need(store, {"title": "两次"}, viewer=FIRM_A, submission_key="form-1")
    assert store.counts()["nodes"]["Need"] == nodes + 1


def test_edits_are_checked_against_the_revision_read(store):
    need = submit(store, FIRM_A, "导热膜良率提升", region="嘉兴", budget_wan=50,
                  confidentiality="confidential")
    edited = edit_need(store, need.id, {"budget_wan": None, "confidentiality": "public",
                                        "region": "海盐"}, rev=need.rev, viewer=FIRM_A)
    assert (edited.budget_wan, edited.confidentiality, edited.rev) == (None, "public", 2)
    assert store.find_edges("located_in", src=need.id) == []  # 海盐 is no Region node here
    with pytest.raises(Conflict, match="changed by someone else"):
        edit_need(store, need.id, {"title": "旧表单"}, rev=need.rev, viewer=FIRM_A)
    with pytest.raises(InvalidInput):
        edit_need(store, need.id, {"title": None}, rev=2, viewer=FIRM_A)
    assert store.get_node(need.id).props["title"] == "导热膜良率提升"
    closed = withdraw_need(store, need.id, viewer=FIRM_A)
    assert closed.status == "not_pursued" and closed.rev == 3


def test_every_read_and_change_is_audited(store):
    entries = []

    def audit(action, need_id, detail=None):
        entries.append((action, need_id))

    need = submit_need(store, {"title": "红外探测器降噪"}, viewer=FIRM_A, audit=audit)
    get_need(store, need.id, viewer=FIRM_A, audit=audit)
    edit_need(store, need.id, {"trl": 4}, rev=1, viewer=FIRM_A, audit=audit)
    withdraw_need(store, need.id, viewer=FIRM_A, audit=audit)
    list_needs(store, viewer=FIRM_A, audit=audit)
    similar_to(store, "红外探测器", viewer=FIRM_A, audit=audit)
    assert entries == [("create", need.id), ("read", need.id), ("update", need.id),
                       ("withdraw", need.id), ("list", None), ("hint", None)]


def test_the_directory_shows_firms_by_role(store):
    with store.batch() as b:
        b.upsert_node(Node("mtg:1", "Meeting", {"firm_id": "ent:b"}))
        b.upsert_edge(Edge("mtg:1", "involves", "ent:b"))
        b.upsert_edge(Edge("mtg:1", "involves", "exp:x"))
    names = {v: [e.name for e in list_directory(store, "enterprises", viewer=v).data]
             for v in (OFFICE, JIAXING, FIRM_A, EXPERT)}
    assert names == {OFFICE: ["嘉兴甲公司", "西安乙公司"], JIAXING: ["嘉兴甲公司"],
                     FIRM_A: ["嘉兴甲公司"], EXPERT: ["西安乙公司"]}
    assert list_directory(store, "experts", viewer=FIRM_A).data[0].name == "韩专家"
    with pytest.raises(InvalidInput):
        list_directory(store, "needs")
