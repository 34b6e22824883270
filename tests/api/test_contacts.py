"""Contact duty on a real SQLite file: officials, the stored plan, contacts feeding the
ledger, the per-official report, and the CLI's refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duijie.api.services.contact_plan import plan_contacts
from duijie.api.services.contacts import contact_duty, record_contact
from duijie.api.services.officials import add_official
from duijie.api.services.problems import close_problem, list_problems
from duijie.graph.errors import InvalidInput, NotFound
from duijie.graph.model import Node
from duijie.graph.sqlite_store import SqliteStore
from tests.api.test_cli import run


@pytest.fixture
def store(db_path: Path):
    store = SqliteStore(db_path)
    with store.batch() as b:
        b.upsert_node(Node("ent:ir", "Enterprise", {"name": "红外公司", "industry": "光电与红外",
                                                    "region": "杭州"}))
        b.upsert_node(Node("ent:tex", "Enterprise", {"name": "印染公司", "industry": "纺织印染",
                                                     "region": "绍兴"}))
        b.upsert_node(Node("ent:misc", "Enterprise", {"name": "其他公司", "region": "西安"}))
    yield store
    store.close()


def _officials(store: SqliteStore) -> tuple[str, str]:
    a = add_official(store, name="王明", department="技术创新处", fields=["光电与红外"],
                     capacity=2, official_id="off:wang")
    b = add_official(store, name="李华", department="消费品处", fields=["纺织印染"],
                     regions=["浙江"], capacity=1, official_id="off:li")
    return a.id, b.id


def test_the_plan_is_stored_and_kept_on_a_replan(store: SqliteStore) -> None:
    _officials(store)
    plan = plan_contacts(store)
    pairs = {(a.firm_name, a.official_name, a.source) for a in plan.assignments}
    assert pairs == {("红外公司", "王明", "planned"), ("印染公司", "李华", "planned"),
                     ("其他公司", "王明", "capacity")}
    edges = {(e.src, e.dst) for e in store.find_edges("contact_for")}
    assert edges == {("off:wang", "ent:ir"), ("off:li", "ent:tex"), ("off:wang", "ent:misc")}
    again = plan_contacts(store)
    assert again.kept == 3 and {(e.src, e.dst) for e in store.find_edges("contact_for")} == edges
    add_official(store, name="赵", department="综合处", regions=["西安"], capacity=3,
                 official_id="off:zhao")
    fresh = plan_contacts(store, fresh=True)
    assert ("ent:misc", "off:zhao") in {(a.firm_id, a.official_id) for a in fresh.assignments}
    assert ("off:wang", "ent:misc") not in {(e.src, e.dst)
                                            for e in store.find_edges("contact_for")}


def test_zero_capacity_is_refused_when_added_as_the_plan_refuses_it(store: SqliteStore) -> None:
    """Add, edit and plan agree: an official on duty takes at least one firm, so adding
    one of capacity 0 is refused by name and writes nothing (the plan, which would give
    them nothing, refuses such an official too: tests/matcher/test_contact_duty.py)."""
    _officials(store)
    with pytest.raises(InvalidInput, match="休假 has capacity 0"):
        add_official(store, name="休假", department="综合处", capacity=0, official_id="off:leave")
    assert store.get_nodes(["off:leave"]) == {}
    assert {o.id for o in store.find_nodes("Official")} == {"off:wang", "off:li"}
    assert plan_contacts(store).unassigned == []


def test_a_contact_feeds_the_ledger_in_one_write(store: SqliteStore) -> None:
    wang, _ = _officials(store)
    plan_contacts(store)
    done = record_contact(store, wang, "ent:ir", on="2019-12-05", note="走访", problems=[
        {"title": "用地指标紧张"}, {"title": "贷款难", "need_type": "financing"}])
    assert done.on_duty and [p.title for p in done.problems] == ["用地指标紧张", "贷款难"]
    assert all(p.raised_by_name == "王明" and p.opened_on == "2019-12-05"
               for p in done.problems)
    ledger = list_problems(store).items
    assert {p.title for p in ledger} == {"用地指标紧张", "贷款难"}
    rev = store.get_node(wang).rev
    with pytest.raises(InvalidInput):
        record_contact(store, wang, "ent:ir", problems=[{"title": "好"}, {"title": ""}])
    assert store.get_node(wang).rev == rev and len(list_problems(store).items) == 2
    with pytest.raises(NotFound):
        record_contact(store, wang, "ent:none")
    close_problem(store, done.problems[0].id, answer="已协调", seen="2019-12-20")
    report = contact_duty(store, official_id=wang, today="2019-12-31")
    row = report.officials[0]
    assert (row.firms_assigned, row.firms_contacted, row.contacts_made, row.problems_raised,
            row.problems_open, row.problems_closed) == (2, 1, 1, 2, 1, 1)
    assert [(f.name, f.last_contact) for f in report.firms] == [
        ("其他公司", None), ("红外公司", "2019-12-05")]


def test_cli_contact_commands(db_path: Path) -> None:
    SqliteStore(db_path).close()
    assert run("seed", db=db_path).returncode == 0
    for empty in (("official", "list"), ("contact", "duty")):  # no officials yet: said so
        said = run(*empty, db=db_path)
        assert said.returncode == 0 and "尚无联系干部" in said.stdout, said.stderr
    added = run("official", "add", "王明", "--department", "技术创新处", "--fields",
                "光电与红外,集成电路", "--capacity", "100", "--id", "off:wang", db=db_path)
    assert added.returncode == 0, added.stderr
    planned = run("contact", "plan", "--json", db=db_path)
    assert planned.returncode == 0, planned.stderr
    data = json.loads(planned.stdout)
    assert data["firms"] == len(data["assignments"]) and data["unassigned"] == []
    assert all(a["official_name"] == "王明" for a in data["assignments"])
    recorded = run("contact", "record", "off:wang", "ent:dali-technology", "--on", "2019-12-05",
                   "--problem", "出口认证费用高", db=db_path)
    assert recorded.returncode == 0 and "问题入账：出口认证费用高" in recorded.stdout
    duty = run("contact", "duty", "--json", db=db_path)
    assert json.loads(duty.stdout)["officials"][0]["problems_raised"] == 1
    refused = run("official", "add", "休假", "--department", "综合处", "--capacity", "0",
                  db=db_path)
    assert refused.returncode == 2 and "休假" in refused.stderr, refused.stdout
    assert "可联系企业数为 0" in refused.stderr and "已保存" not in refused.stdout
    listed = json.loads(run("official", "list", "--json", db=db_path).stdout)
    assert [o["name"] for o in listed["officials"]] == ["王明"]


def test_officials_import_from_a_spreadsheet(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    sheet = tmp_path / "联系干部.csv"
    sheet.write_text("姓名,所在处室,熟悉领域,联系地区,可联系企业数\n"
                     "王明,技术创新处,光电与红外；集成电路,杭州,30\n"
                     "李华,消费品处,纺织印染,绍兴,很多\n", encoding="utf-8")
    refused = run("import", "联系干部", str(sheet), db=db)
    assert refused.returncode == 2
    assert "第 3 行，字段 可联系企业数：“很多” 不是数字" in refused.stderr
    given = sheet.read_text("utf-8")
    sheet.write_text(given.replace("很多", "0"), encoding="utf-8")
    zero = run("import", "联系干部", str(sheet), db=db)  # as the add and edit forms: 1 or more
    assert zero.returncode == 2 and "第 3 行，字段 可联系企业数：“0” 不能小于 1" in zero.stderr
    assert not db.exists()  # nothing half-written: not even the empty store it would create
    sheet.write_text(given.replace("很多", "12"), encoding="utf-8")
    assert run("import", "official", str(sheet), db=db).returncode == 0
    listed = json.loads(run("official", "list", "--json", db=db).stdout)
    assert {(o["name"], o["capacity"], tuple(o["fields"])) for o in listed["officials"]} == {
        ("王明", 30, ("光电与红外", "集成电路")), ("李华", 12, ("纺织印染",))}


def test_contact_duty_at_generated_scale(db_path: Path) -> None:
    from duijie.api.services.generate import generate_synthetic

    store = SqliteStore(db_path)
    generate_synthetic(store=store, enterprises=400, experts=0, institutes=0, needs=300,
                       officials=20, seed=3)
    officials = {o.id: o.capacity for o in contacts_of(store)}
    assert len(officials) == 20 and sum(officials.values()) >= 400
    plan = plan_contacts(store)
    assert plan.firms == 400 and plan.unassigned == [] and plan.covered_by_fit > 300
    load: dict[str, int] = {}
    for e in store.find_edges("contact_for", limit=10_000):
        load[e.src] = load.get(e.src, 0) + 1
    assert sum(load.values()) == 400 and all(load[o] <= officials[o] for o in load)
    assert len(list_problems(store).items) > 0  # generated problem-type needs are in the ledger
    store.close()


def contacts_of(store: SqliteStore):
    from duijie.api.services.officials import list_officials

    return list_officials(store)
