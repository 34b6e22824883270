"""The office's records beside the ledger: problems raised at a meeting, a firm's
programme applications (and the push leaving them out), officials and the routing
table edited with refusals that write nothing, the ledger a page at a time, and the
CLI for each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duijie.api.services.access import Viewer
from duijie.api.services.firms import push_programme, record_programme
from duijie.api.services.officials import add_official, update_official
from duijie.api.services.problem_list import ProblemQuery, problem_page
from duijie.api.services.problems import add_problem, list_problems, raise_in_meeting
from duijie.api.services.routing import routing_table, save_routing, stored_routing
from duijie.graph.errors import Conflict, Forbidden, InvalidInput, NotFound
from duijie.graph.model import Node
from duijie.graph.sqlite_store import SqliteStore
from tests.api.test_cli import run

PROGRAMME = {"name": "科技型中小企业评价", "rules": [
    {"field": "employees", "op": "<=", "value": 500}]}


@pytest.fixture
def store(db_path: Path):
    store = SqliteStore(db_path)
    with store.batch() as b:
        for fid, name, region in (("ent:sx", "绍兴某轴承", "新昌"),
                                  ("ent:jn", "济南某机床", "济南"),
                                  ("ent:xa", "西安某光电", "西安")):
            b.upsert_node(Node(fid, "Enterprise", {"name": name, "region": region,
                                                   "employees": 120}))
        b.upsert_node(Node("prog:sme", "Programme", PROGRAMME))
        b.upsert_node(Node("evt:sx", "Event", {"name": "绍兴对接会", "region": "绍兴"}))
        b.upsert_node(Node("inst:zju", "Institute", {"name": "某大学"}))
        b.upsert_node(Node("mtg:sx", "Meeting", {
            "event_id": "evt:sx", "firm_id": "ent:sx", "helper_id": "inst:zju",
            "start": "2019-05-17T09:00", "status": "scheduled"}))
    yield store
    store.close()


def test_a_problem_raised_in_a_meeting_is_the_meetings_firms_and_routed(store) -> None:
    p = raise_in_meeting(store, "mtg:sx", title="检测设备共享难", need_type="financing")
    assert (p.firm_id, p.raised_in_id, p.opened_on) == ("ent:sx", "mtg:sx", "2019-05-17")
    assert p.raised_in_name == "绍兴对接会 · 绍兴某轴承 × 某大学"  # a name, never the id
    assert p.department == "地方金融监管部门" and p.routed_by  # the packaged rules
    assert [x.id for x in list_problems(store, raised_in="mtg:sx").items] == [p.id]
    before = store.counts()
    with pytest.raises(InvalidInput, match="meeting of another firm"):
        add_problem(store, firm_id="ent:jn", title="x", raised_in="mtg:sx")
    with pytest.raises(NotFound):  # a firm's account may not record on a meeting
        raise_in_meeting(store, "mtg:sx", title="x", viewer=Viewer.enterprise("u", "ent:sx"))
    with pytest.raises(NotFound):  # nor an organiser of another region
        raise_in_meeting(store, "mtg:sx", title="x", viewer=Viewer.organiser("u", "西安"))
    assert store.counts() == before  # refused: nothing written


def test_an_organiser_out_of_scope_records_no_problem_at_all(store) -> None:
    before = store.counts()
    with pytest.raises(NotFound):
        add_problem(store, firm_id="ent:sx", title="用地难", viewer=Viewer.organiser("u", "西安"))
    assert store.counts() == before
    mine = add_problem(store, firm_id="ent:xa", title="用地难",
                       viewer=Viewer.organiser("u", "西安"))
    assert mine.firm_id == "ent:xa"


def test_push_leaves_out_firms_that_applied_or_hold_the_programme(store) -> None:
    today = "2024-01-01"
    assert {f.id for f in push_programme(store, "prog:sme", today=today).firms} == {
        "ent:sx", "ent:jn", "ent:xa"}
    applied = record_programme(store, "ent:sx", "prog:sme", on="2024-03-01")
    assert (applied.status, applied.applied, applied.holds) == ("applied", True, False)
    assert record_programme(store, "ent:jn", "prog:sme", status="holds").holds
    push = push_programme(store, "prog:sme", today=today)
    assert [f.id for f in push.firms] == ["ent:xa"] and (push.applied, push.holders) == (1, 1)
    assert record_programme(store, "ent:sx", "prog:sme", status="none").status == "none"
    assert {f.id for f in push_programme(store, "prog:sme", today=today).firms} == {
        "ent:sx", "ent:xa"}
    before = store.counts()
    with pytest.raises(Forbidden):
        record_programme(store, "ent:xa", "prog:sme", viewer=Viewer.enterprise("u", "ent:xa"))
    with pytest.raises(NotFound):
        record_programme(store, "ent:xa", "prog:nope")
    with pytest.raises(NotFound):
        record_programme(store, "ent:sx", "prog:sme", viewer=Viewer.organiser("u", "西安"))
    with pytest.raises(InvalidInput, match="is not a date"):
        record_programme(store, "ent:xa", "prog:sme", on="2024-13-01")
    assert store.counts() == before


def test_the_routing_table_is_edited_whole_or_not_at_all(store) -> None:
    table = routing_table(store)
    assert (table.source, table.rev) == ("packaged", 0)
    rules = [{"need_type": "*", "region": "*", "department": "综合处", "due_days": 30},
             {"need_type": "financing", "region": "浙江", "department": "省金融办",
              "due_days": 15}]
    saved = save_routing(store, rules=rules, departments=["综合处", "省金融办"], rev=0)
    assert (saved.source, saved.rev) == ("stored", 1)
    p = add_problem(store, firm_id="ent:sx", title="贷款难", need_type="financing",
                    opened_on="2020-01-01")
    assert (p.department, p.due) == ("省金融办", "2020-01-16")  # 新昌 lies in 浙江
    refusals = [
        (dict(rules=[*rules, {"region": "绍兴", "department": "市金融办"}], rev=1),
         InvalidInput, "rule 3, department: '市金融办' is not a known department"),
        (dict(rules=[*rules, rules[1]], rev=1), InvalidInput, "rule 3: repeats rule 2"),
        (dict(rules=[], rev=1), InvalidInput, "has no rules"),
        (dict(rules=[{"department": "综合处", "due_days": 0}], rev=1), InvalidInput,
         "rule 1, due_days: 0 must be a whole number of days"),
        (dict(rules=rules, rev=0), Conflict, "since it was read|created by someone else"),
    ]
    for change, error, words in refusals:
        with pytest.raises(error, match=words):
            save_routing(store, departments=["综合处", "省金融办"], **change)
    with pytest.raises(Forbidden):
        save_routing(store, rules=rules, rev=1, viewer=Viewer.organiser("u", "西安"))
    assert routing_table(store).rev == 1 and len(stored_routing(store).rules) == 2


def test_an_official_is_edited_with_clear_refusals(store) -> None:
    o = add_official(store, name="王明", department="企业服务办公室", capacity=5,
                     official_id="off:wang")
    before = store.get_node("off:wang")
    for change, error, words in (
            (dict(capacity=0), InvalidInput, "has capacity 0"),
            (dict(department="不存在的处"), InvalidInput, "not a known department"),
            (dict(), InvalidInput, "says nothing to change")):
        with pytest.raises(error, match=words):
            update_official(store, o.id, rev=o.rev, **change)
    edited = update_official(store, o.id, rev=o.rev, capacity=8, fields=["红外", "红外", " "],
                             department="地方金融监管部门")  # a department the rules name
    assert (edited.capacity, edited.fields, edited.department) == (
        8, ["红外"], "地方金融监管部门")
    with pytest.raises(Conflict):  # the revision read before the edit is stale now
        update_official(store, o.id, rev=before.rev, capacity=3)
    assert store.get_node("off:wang").props["capacity"] == 8


def test_the_ledger_a_page_at_a_time(store) -> None:
    for title, firm, opened in (("乙问题", "ent:sx", "2020-01-03"),
                                ("甲问题", "ent:jn", "2020-01-01"),
                                ("丙问题", "ent:xa", "2020-01-02")):
        add_problem(store, firm_id=firm, title=title, opened_on=opened)
    page = problem_page(store, ProblemQuery(sort="opened_on", limit=2, today="2020-01-05"))
    assert page.count == 3 and [p.title for p in page.data] == ["甲问题", "丙问题"]
    rest = problem_page(store, ProblemQuery(sort="opened_on", offset=2, limit=2))
    assert [p.title for p in rest.data] == ["乙问题"]
    latest = problem_page(store, ProblemQuery(sort="-opened_on")).data
    assert latest[0].title == "乙问题"
    assert [p.firm_id for p in problem_page(store, ProblemQuery(q="西安某光电")).data] == [
        "ent:xa"]
    assert problem_page(store, ProblemQuery(region="济南")).count == 1
    with pytest.raises(InvalidInput, match="limit"):
        problem_page(store, ProblemQuery(limit=0))


def test_the_cli_for_meetings_programmes_officials_and_routing(store, db_path: Path,
                                                               tmp_path: Path) -> None:
    store.close()
    raised = run("problem", "raise", "mtg:sx", "检测设备共享难", "--type", "talent", "--json",
                 db=db_path)
    assert raised.returncode == 0, raised.stderr
    assert json.loads(raised.stdout)["raised_in_id"] == "mtg:sx"
    applied = run("programme-status", "ent:sx", "prog:sme", "applied", db=db_path)
    assert applied.returncode == 0 and "已申报" in applied.stdout
    pushed = run("push", "prog:sme", "--today", "2024-01-01", "--json", db=db_path)
    assert "ent:sx" not in {f["id"] for f in json.loads(pushed.stdout)["firms"]}
    table = tmp_path / "分办规则.toml"
    table.write_text('departments = ["综合处"]\n[[rule]]\nregion = "*"\ndepartment = "综合处"\n'
                     '[[rule]]\nneed_type = "talent"\ndepartment = "人社厅"\n', "utf-8")
    refused = run("problem", "routing", "--set", str(table), db=db_path)
    assert refused.returncode == 2 and "“人社厅” 不是已知的责任单位" in refused.stderr
    table.write_text(table.read_text("utf-8").replace('["综合处"]', '["综合处", "人社厅"]'),
                     "utf-8")
    shown = run("problem", "routing", "--set", str(table), db=db_path)
    assert shown.returncode == 0 and "人才｜*｜人社厅｜30 天" in shown.stdout
    add = run("official", "add", "王明", "--department", "综合处", "--id", "off:wang",
              db=db_path)
    assert add.returncode == 0, add.stderr
    zero = run("official", "edit", "off:wang", "--capacity", "0", db=db_path)
    assert zero.returncode == 2 and "可联系企业数为 0" in zero.stderr
    edited = run("official", "edit", "off:wang", "--department", "人社厅", "--json", db=db_path)
    assert json.loads(edited.stdout)["department"] == "人社厅"


@pytest.mark.bolt
def test_the_routing_table_on_the_bolt_backends(bolt_store, bolt_url) -> None:
    """Read, edit, a stale edit refused and refusals writing nothing, on FalkorDB and
    ArcadeDB as on SQLite; a second connection (another worker) sees the same table."""
    from duijie.graph.neo4j_store import Neo4jStore

    with bolt_store.batch() as b:
        b.upsert_node(Node("ent:sx", "Enterprise", {"name": "绍兴某轴承", "region": "新昌"}))
    table = routing_table(bolt_store)
    assert (table.source, table.rev) == ("packaged", 0) and table.rules
    rules = [{"need_type": "*", "region": "*", "department": "综合处", "due_days": 30},
             {"need_type": "financing", "region": "浙江", "department": "省金融办",
              "due_days": 15}]
    saved = save_routing(bolt_store, rules=rules, departments=["综合处", "省金融办"], rev=0,
                         escalate_after_days=12)
    assert (saved.source, saved.rev, saved.escalate_after_days) == ("stored", 1, 12)
    assert [r.to_dict() for r in saved.rules] == rules  # nested rules round-trip whole
    other = Neo4jStore.from_url(bolt_url)  # another worker's connection
    try:
        assert routing_table(other).to_dict() == saved.to_dict()
        p = add_problem(other, firm_id="ent:sx", title="贷款难", need_type="financing",
                        opened_on="2020-01-01")
        assert (p.department, p.due) == ("省金融办", "2020-01-16")  # the stored rules route
        # Two editors read revision 1; the first save wins, the second is stale.
        mine = [*rules, {"need_type": "talent", "region": "*", "department": "综合处",
                         "due_days": 20}]
        assert save_routing(other, rules=mine, departments=["综合处", "省金融办"],
                            rev=1).rev == 2
        before = bolt_store.get_node("route:problems")
        with pytest.raises(Conflict):
            save_routing(bolt_store, rules=rules[:1], departments=["综合处"], rev=1)
        for change, words in (
                (dict(rules=[*rules, {"region": "绍兴", "department": "市金融办"}]),
                 "rule 3, department: '市金融办' is not a known department"),
                (dict(rules=[*rules, rules[1]]), "rule 3: repeats rule 2"),
                (dict(rules=[]), "has no rules"),
                (dict(rules=rules, escalate_after_days=9999), "escalate_after_days")):
            with pytest.raises(InvalidInput, match=words):
                save_routing(bolt_store, departments=["综合处", "省金融办"], rev=2, **change)
        after = bolt_store.get_node("route:problems")
        assert (after.rev, after.props) == (before.rev, before.props)  # nothing written
        assert [r.need_type for r in routing_table(other).rules] == ["*", "financing",
                                                                     "talent"]
        with pytest.raises(Forbidden):
            save_routing(other, rules=rules, rev=2, viewer=Viewer.organiser("u", "西安"))
        assert routing_table(bolt_store).rev == 2
    finally:
        other.close()
