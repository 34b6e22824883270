"""The problem ledger: routing as data, states from problem to closure, refusals that
write nothing, a department's XLSX ledger, and the CLI as a user meets it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from duijie.api.services.access import Viewer
from duijie.api.services.problems import (
    LEDGER_COLUMNS,
    add_problem,
    add_step,
    assign_problem,
    close_problem,
    ledger_rows,
    ledger_workbook,
    list_problems,
)
from duijie.graph.errors import Forbidden, InvalidInput, NotFound
from duijie.graph.model import Node
from duijie.graph.sqlite_store import SqliteStore
from duijie.matcher.problems import parse_routing, route_problem
from tests.api.test_cli import run

ROUTING = parse_routing("""
escalate_after_days = 10
[[rule]]
need_type = "*"
region = "*"
department = "综合处"
due_days = 30
[[rule]]
need_type = "financing"
region = "*"
department = "金融办"
due_days = 20
[[rule]]
need_type = "financing"
region = "浙江"
department = "省金融办"
due_days = 15
[[rule]]
need_type = "financing"
region = "绍兴"
department = "绍兴市金融办"
due_days = 10
""")


@pytest.fixture
def store(db_path: Path):
    store = SqliteStore(db_path)
    with store.batch() as b:
        b.upsert_node(Node("ent:shaoxing", "Enterprise", {"name": "绍兴某轴承", "region": "新昌"}))
        b.upsert_node(Node("ent:jinan", "Enterprise", {"name": "济南某机床", "region": "济南"}))
        b.upsert_node(Node("ent:evil", "Enterprise", {"name": '=HYPERLINK("http://x","点")'}))
    yield store
    store.close()


def test_routing_takes_the_most_specific_rule() -> None:
    ancestors = {"新昌": ["绍兴", "浙江"], "杭州": ["浙江"], "济南": ["山东"]}
    route = lambda t, r: route_problem(t, r, ROUTING, region_ancestors=ancestors)  # noqa: E731
    assert route("financing", "新昌").department == "绍兴市金融办"  # nearest region wins
    assert route("financing", "杭州").department == "省金融办"
    assert route("financing", "济南").department == "金融办"  # type beats region "*"
    assert route("talent", "新昌").department == "综合处"
    assert route("financing", "新昌").due_days == 10


def test_bad_routing_tables_say_where() -> None:
    with pytest.raises(InvalidInput, match=r"rule 1.*department"):
        parse_routing('[[rule]]\nneed_type = "policy"\n')
    with pytest.raises(InvalidInput, match="rule 1, due_days"):
        parse_routing('[[rule]]\ndepartment = "x"\ndue_days = 0\n')
    with pytest.raises(InvalidInput, match="not valid TOML"):
        parse_routing("[[rule]\n")


def test_a_problem_goes_from_routing_to_closure(store: SqliteStore) -> None:
    p = add_problem(store, firm_id="ent:shaoxing", title="技改贷款难", need_type="financing",
                    opened_on="2019-12-02", routing=ROUTING)
    # the firm's region 新昌 lies in 绍兴 (gazetteer): the 绍兴 rule, due in 10 days
    assert (p.department, p.due, p.state) == ("绍兴市金融办", "2019-12-12", "assigned")
    assert p.routed_by == "financing @ 绍兴 → 绍兴市金融办"
    p = assign_problem(store, p.id, person="王处长", due="2019-12-20")
    assert (p.person_name, p.due, p.state) == ("王处长", "2019-12-20", "assigned")
    p = add_step(store, p.id, text="协调两家银行上门对接", on="2019-12-10", by="王处长")
    assert p.state == "in_progress" and [s.on for s in p.steps] == ["2019-12-10"]
    p = add_step(store, p.id, text="银行授信方案送企业", on="2019-12-15", answer="获授信500万元")
    assert (p.state, p.answer, p.answered_on) == ("answered", "获授信500万元", "2019-12-15")
    p = close_problem(store, p.id, seen="2019-12-16")
    assert (p.state, p.firm_seen_on, p.closed_on) == ("closed", "2019-12-16", "2019-12-16")
    stored = store.get_node(p.id).props
    assert stored["ledger"]["closed_on"] == "2019-12-16" and stored["resolution"] == "获授信500万元"


def test_overdue_and_escalated_lists(store: SqliteStore) -> None:
    late = add_problem(store, firm_id="ent:jinan", title="用地指标", opened_on="2019-11-01",
                       due="2019-11-20", routing=ROUTING)
    slightly = add_problem(store, firm_id="ent:jinan", title="用电扩容", opened_on="2019-11-01",
                           due="2019-12-10", routing=ROUTING)
    add_problem(store, firm_id="ent:jinan", title="认证费用", opened_on="2019-11-01",
                due="2020-03-01", routing=ROUTING)
    today = "2019-12-15"
    overdue = list_problems(store, overdue=True, today=today, routing=ROUTING)
    assert [(p.id, p.overdue_days) for p in overdue.items] == [(late.id, 25), (slightly.id, 5)]
    escalated = list_problems(store, escalated=True, today=today, routing=ROUTING)
    assert [p.id for p in escalated.items] == [late.id]  # 25 > 10 days; 5 is not
    assign_problem(store, slightly.id, escalate_to="分管厅领导", on="2019-12-14")
    escalated = list_problems(store, escalated=True, today=today, routing=ROUTING)
    assert {p.id for p in escalated.items} == {late.id, slightly.id}
    status = {row[2]: row[5] for row in ledger_rows(escalated)}  # the ledger's 状态 column
    assert status == {"用地指标": "已交办（逾期25天，已升级）",
                      "用电扩容": "已交办（逾期5天，已升级至分管厅领导）"}
    assert ledger_rows(escalated, "en")[1][5] == \
        "assigned (5 days overdue; escalated to 分管厅领导)"
    add_step(store, late.id, text="答复", on="2019-12-14", answer="已协调")
    close_problem(store, late.id, seen="2019-12-15")
    assert [p.id for p in list_problems(store, escalated=True, today=today,
                                        routing=ROUTING).items] == [slightly.id]


def test_refusals_write_nothing(store: SqliteStore) -> None:
    p = add_problem(store, firm_id="ent:jinan", title="审批慢", opened_on="2019-12-02",
                    routing=ROUTING)
    rev = store.get_node(p.id).rev
    with pytest.raises(InvalidInput, match="before the problem was opened"):
        add_step(store, p.id, text="走访", on="2019-11-30")
    with pytest.raises(InvalidInput, match="closing needs a recorded answer"):
        close_problem(store, p.id, seen="2019-12-05")
    with pytest.raises(InvalidInput, match="the day the firm saw the answer"):
        close_problem(store, p.id, answer="已答复")
    with pytest.raises(InvalidInput, match="before the firm saw the answer"):
        close_problem(store, p.id, answer="已答复", seen="2019-12-05", closed_on="2019-12-04")
    with pytest.raises(InvalidInput, match=r"due.*before the problem was opened"):
        assign_problem(store, p.id, due="2019-12-01")
    with pytest.raises(InvalidInput, match="not an official"):
        assign_problem(store, p.id, person="off:nobody")
    with pytest.raises(InvalidInput, match="not a problem type"):
        add_problem(store, firm_id="ent:jinan", title="x", need_type="technology")
    with pytest.raises(NotFound, match="is not a firm you can open"):
        add_problem(store, firm_id="ent:none", title="x")
    assert store.get_node(p.id).rev == rev  # nothing half-written
    close_problem(store, p.id, answer="已答复", seen="2019-12-05")
    with pytest.raises(InvalidInput, match="closed problem takes no more steps"):
        add_step(store, p.id, text="再走访", on="2019-12-06")
    with pytest.raises(InvalidInput, match="already closed"):
        close_problem(store, p.id, answer="x", seen="2019-12-06")


def test_a_firm_sees_its_own_problems_only(store: SqliteStore) -> None:
    mine = add_problem(store, firm_id="ent:jinan", title="用地", routing=ROUTING)
    theirs = add_problem(store, firm_id="ent:shaoxing", title="融资", routing=ROUTING)
    firm = Viewer.enterprise("usr:1", "ent:jinan")
    assert [p.id for p in list_problems(store, viewer=firm).items] == [mine.id]
    with pytest.raises(NotFound):
        add_step(store, theirs.id, text="x", viewer=firm)
    with pytest.raises(Forbidden):
        add_step(store, mine.id, text="x", viewer=firm)  # the office keeps the ledger


def test_department_ledger_xlsx_in_the_offices_layout(store: SqliteStore) -> None:
    p = add_problem(store, firm_id="ent:evil", title="=1+1 审批", opened_on="2019-12-01",
                    department="综合处", due="2019-12-05", routing=ROUTING)
    add_step(store, p.id, text="走访企业", on="2019-12-03")
    add_problem(store, firm_id="ent:jinan", title="别的处", department="其他处", routing=ROUTING)
    ledger = list_problems(store, department="综合处", today="2019-12-10", routing=ROUTING)
    sheet = load_workbook(io.BytesIO(ledger_workbook(ledger))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert tuple(rows[1]) == LEDGER_COLUMNS
    assert rows[2] == ["1", '\'=HYPERLINK("http://x","点")', "'=1+1 审批", "综合处",
                       "2019-12-03 走访企业", "办理中（逾期5天）"]
    assert len(rows) == 3  # the other department's problem is not in this ledger
    assert all(c.data_type == "s" for row in sheet.iter_rows(min_row=3) for c in row)


def test_cli_problem_commands(db_path: Path, tmp_path: Path) -> None:
    store = SqliteStore(db_path)
    with store.batch() as b:
        b.upsert_node(Node("ent:a", "Enterprise", {"name": "甲公司", "region": "杭州"}))
    store.close()
    added = run("problem", "add", "ent:a", "政策咨询", "--type", "policy", "--opened",
                "2019-05-01", "--json", db=db_path)
    assert added.returncode == 0, added.stderr
    problem = json.loads(added.stdout)
    assert problem["department"] == "浙江省经济和信息化厅技术创新处"  # the packaged rules
    assert problem["firm_name"] == "甲公司" and problem["due"] == "2019-05-16"
    bad = run("problem", "step", problem["id"], "走访", "--on", "2019-04-01", db=db_path)
    assert bad.returncode == 2 and "早于问题立案日期" in bad.stderr
    assert bad.stderr.count("\n") == 1
    refused = run("problem", "close", problem["id"], "--seen", "2019-05-03", db=db_path)
    assert refused.returncode == 2 and "销号须有办理答复" in refused.stderr
    closed = run("problem", "close", problem["id"], "--answer", "已解读政策", "--seen",
                 "2019-05-03", db=db_path)
    assert closed.returncode == 0 and "已销号" in closed.stdout
    out = tmp_path / "台账.xlsx"
    listed = run("problem", "list", "--department", "浙江省经济和信息化厅技术创新处", "--xlsx",
                 str(out), db=db_path)
    assert listed.returncode == 0, listed.stderr
    line = f"甲公司｜政策咨询｜浙江省经济和信息化厅技术创新处｜已销号 [{problem['id']}]"
    assert line in listed.stdout  # the id, for the next command
    assert load_workbook(out).active["F3"].value == "已销号"
    typo = run("problem", "list", "--department", "浙江省经信厅技术创新处", db=db_path)
    assert "0 件" in typo.stdout  # and the departments the ledger does hold, to pick from
    assert "台账中的责任单位：浙江省经济和信息化厅技术创新处" in typo.stdout
    missing = run("problem", "close", "need:none", "--answer", "x", "--seen", "2019-05-03",
                  db=db_path)
    assert missing.returncode == 3


@pytest.mark.bolt
def test_ledger_and_contacts_on_the_bolt_backend(bolt_store) -> None:
    from duijie.api.services.contact_plan import plan_contacts
    from duijie.api.services.contacts import record_contact
    from duijie.api.services.officials import add_official

    with bolt_store.batch() as b:
        b.upsert_node(Node("ent:jinan", "Enterprise", {"name": "济南某机床", "region": "济南",
                                                       "industry": "高端装备制造"}))
    p = add_problem(bolt_store, firm_id="ent:jinan", title="审批慢", opened_on="2019-12-02",
                    routing=ROUTING)
    with pytest.raises(InvalidInput, match="before the problem was opened"):
        add_step(bolt_store, p.id, text="走访", on="2019-11-30")
    add_step(bolt_store, p.id, text="走访", on="2019-12-03", answer="已协调")
    assert close_problem(bolt_store, p.id, seen="2019-12-05").state == "closed"
    add_official(bolt_store, name="王明", department="装备工业处", fields=["高端装备制造"],
                 capacity=2, official_id="off:wang")
    plan = plan_contacts(bolt_store)
    assert [(a.firm_id, a.official_id) for a in plan.assignments] == [("ent:jinan", "off:wang")]
    done = record_contact(bolt_store, "off:wang", "ent:jinan", on="2019-12-06",
                          problems=[{"title": "用电扩容"}])
    assert done.on_duty and len(list_problems(bolt_store).items) == 2


@pytest.mark.parametrize("day", ["2024-13-01", "2023-02-29", "2024-04-31", "20240101",
                                 "2024-1-05"])
def test_impossible_days_are_refused_with_the_field_named(store: SqliteStore, day) -> None:
    p = add_problem(store, firm_id="ent:jinan", title="审批慢", opened_on="2019-12-02",
                    routing=ROUTING)
    rev = store.get_node(p.id).rev
    problems = len(list_problems(store, routing=ROUTING).items)
    with pytest.raises(InvalidInput, match=rf"opened_on: '{day}' is not a day"):
        add_problem(store, firm_id="ent:jinan", title="x", opened_on=day, routing=ROUTING)
    # where: the problem by its title (what a page shows; its id is in the address)
    with pytest.raises(InvalidInput, match=rf"problem 审批慢, due: '{day}' is not a day"):
        assign_problem(store, p.id, due=day)
    with pytest.raises(InvalidInput, match=rf"problem 审批慢, on: '{day}' is not a day"):
        assign_problem(store, p.id, escalate_to="分管厅领导", on=day)
    with pytest.raises(InvalidInput, match=rf"'{day}' is not a day"):
        add_step(store, p.id, text="走访", on=day)
    add_step(store, p.id, text="答复", on="2019-12-03", answer="已协调")
    with pytest.raises(InvalidInput, match=rf"seen: '{day}' is not a day"):
        close_problem(store, p.id, seen=day)
    with pytest.raises(InvalidInput, match=rf"'{day}' is not a day"):
        list_problems(store, today=day, routing=ROUTING)
    assert store.get_node(p.id).rev == rev + 1  # only the good step was written
    assert len(list_problems(store, routing=ROUTING).items) == problems


def test_cli_refuses_an_impossible_day(db_path: Path) -> None:
    SqliteStore(db_path).close()
    seeded = run("seed", db=db_path)
    assert seeded.returncode == 0, seeded.stderr
    refused = run("problem", "add", "ent:ailaiyi", "流动资金贷款难", "--type", "financing",
                  "--opened", "2024-13-01", db=db_path)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "立案日期：“2024-13-01” 不是日历上有的日期" in refused.stderr


REPORT = "seed:000_6e910e093a9df034.txt"  # the Zhejiang division's report of 17 July 2019
DIVISION = "浙江省经济和信息化厅技术创新处（人工智能处）"


def test_the_seed_problem_table_is_ledger_entries_with_their_quotes(tmp_path: Path) -> None:
    db = tmp_path / "seed.db"
    assert run("seed", db=db).returncode == 0
    listed = run("problem", "list", "--department", DIVISION, "--json", db=db)
    assert listed.returncode == 0, listed.stderr
    ledger = {p["id"]: p for p in json.loads(listed.stdout)["items"]}
    assert len(ledger) >= 7  # the report's table of 7, and the others it describes
    for p in ledger.values():
        # each is the report's own problem, with the division's answer quoted, none closed:
        # the report does not say when a firm saw its answer
        assert p["answer"] and p["state"] == "answered" and p["closed_on"] is None, p["title"]
        assert any(s["source"] == REPORT and s["quote"] for s in p["sources"]), p["title"]
        assert p["firm_seen_on"] is None and not p["illustrative"]
    # dates only where the report gives them: the 5月17日 visit, the steps of 4月1日, 4月10日
    visited = {p["firm_name"] for p in ledger.values() if p["opened_on"] == "2019-05-17"}
    assert visited == {"巨石集团", "恒锋工具有限公司", "浙江海利集团"}
    assert all(p["raised_in_name"] == "赴桐乡、海盐“三服务”走访" for p in ledger.values()
               if p["opened_on"])
    steps = {p["firm_name"]: [s["on"] for s in p["steps"]] for p in ledger.values()
             if p["steps"]}
    assert steps == {"网易严选": ["2019-04-01"], "长川科技": ["2019-04-10"]}
    assert {p["opened_on"] for p in ledger.values()} == {None, "2019-05-17"}
    sheet = tmp_path / "台账.xlsx"
    assert run("problem", "list", "--department", DIVISION, "--xlsx", str(sheet),
               db=db).returncode == 0
    rows = [[c.value for c in row] for row in load_workbook(sheet).active.iter_rows()]
    assert tuple(rows[1]) == LEDGER_COLUMNS and len(rows) == len(ledger) + 2
    assert {r[5] for r in rows[2:]} == {"已答复"} and "网易严选" in {r[1] for r in rows[2:]}


def test_a_seed_problem_waiting_for_a_department_goes_through_every_state(
        tmp_path: Path) -> None:
    db = tmp_path / "seed.db"
    assert run("seed", db=db).returncode == 0
    need = "need:huiyou-medical-data-platform"  # 杭州惠优科技: the report names no department

    def state(*args: str) -> str:
        done = run("problem", *args, "--json", db=db)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)["state"]

    waiting = json.loads(run("problem", "list", "--firm", "ent:huiyou-tech", "--json",
                             db=db).stdout)["items"]
    assert [(p["id"], p["state"]) for p in waiting] == [(need, "unassigned")]
    assert state("assign", need, "--department", DIVISION, "--due", "2019-08-30") == "assigned"
    assert state("step", need, "走访企业了解平台建设方案", "--on", "2019-08-01") == "in_progress"
    assert state("step", need, "答复企业", "--on", "2019-08-10", "--answer",
                 "已推荐至省数字经济专项") == "answered"
    assert state("close", need, "--seen", "2019-08-12") == "closed"
