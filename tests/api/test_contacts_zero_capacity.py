"""A store written before capacities had to be 1 or more may hold an official at 0.
Such a record, written straight into a real SQLite file, is read without breaking
contact duty: listed by name as needing a capacity (CLI and the contacts page, both
languages), left out of the plan with the plan saying so, and refused with a clear
answer where a write would need a capacity (nothing written)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import httpx
import pytest

from duijie.api.services.contact_plan import plan_contacts
from duijie.api.services.officials import add_official
from duijie.graph.model import Node
from duijie.graph.sqlite_store import SqliteStore
from tests.api.test_cli import run
from tests.web.server import Server, serve_with_accounts, signed_in


def _set_capacity_directly(db: Path, official_id: str, capacity: int) -> None:
    """What an older version left behind: the stored props, bypassing every check."""
    with sqlite3.connect(db) as conn:
        (props,) = conn.execute("SELECT props FROM nodes WHERE id = ?", (official_id,)).fetchone()
        stored = {**json.loads(props), "capacity": capacity}
        conn.execute("UPDATE nodes SET props = ? WHERE id = ?",
                     (json.dumps(stored, ensure_ascii=False), official_id))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "office.db"
    store = SqliteStore(path)
    with store.batch() as b:
        for fid, name, industry in (("ent:ir", "红外公司", "光电与红外"),
                                    ("ent:tex", "印染公司", "纺织印染"),
                                    ("ent:misc", "其他公司", None)):
            b.upsert_node(Node(fid, "Enterprise", {"name": name, "region": "杭州",
                                                   **({"industry": industry} if industry
                                                      else {})}))
    add_official(store, name="王明", department="技术创新处", fields=["光电与红外"],
                 capacity=3, official_id="off:wang")
    add_official(store, name="休假", department="消费品处", fields=["纺织印染"], capacity=2,
                 official_id="off:away")
    plan_contacts(store)  # an earlier plan: 休假 holds the dyeing firm
    store.close()
    _set_capacity_directly(path, "off:away", 0)
    return path


def test_an_official_at_zero_is_listed_and_left_out_of_the_plan(db: Path) -> None:
    listed = run("official", "list", db=db)
    assert listed.returncode == 0, listed.stderr
    assert "消费品处｜休假｜可联系企业数未设定" in listed.stdout
    assert "需设定可联系企业数：休假" in listed.stdout
    as_json = json.loads(run("official", "list", "--json", db=db).stdout)
    assert {o["name"]: o["needs_capacity"] for o in as_json["officials"]} == {
        "王明": False, "休假": True}

    planned = run("contact", "plan", db=db)
    assert planned.returncode == 0, planned.stderr
    assert ("休假（消费品处）未参与分配：尚未设定可联系企业数（旧数据为 0），"
            "原联系的 1 家企业已改派") in planned.stdout
    result = json.loads(run("contact", "plan", "--json", db=db).stdout)
    assert {a["official_name"] for a in result["assignments"]} == {"王明"}
    assert result["needs_capacity"] == [{"id": "off:away", "name": "休假",
                                         "department": "消费品处", "firms_before": 0}]
    duty = run("contact", "duty", db=db)
    assert duty.returncode == 0 and "需设定可联系企业数：休假" in duty.stdout


def test_a_plan_refused_for_room_names_the_official_without_capacity(db: Path) -> None:
    store = SqliteStore(db)
    with store.batch() as b:
        for i in range(3):
            b.upsert_node(Node(f"ent:more{i}", "Enterprise", {"name": f"新公司{i}"}))
    store.close()
    refused = run("contact", "plan", db=db)
    assert refused.returncode == 2
    assert "联系干部共可联系 3 家企业，少于 6 家企业" in refused.stderr
    assert ("联系干部 休假（off:away）尚未设定可联系企业数（旧数据为 0），未参与分配"
            in refused.stderr)


def test_writes_that_need_a_capacity_say_so_and_write_nothing(db: Path) -> None:
    before = SqliteStore(db)
    rev = before.get_node("off:away").rev
    before.close()
    recorded = run("contact", "record", "off:away", "ent:tex", "--note", "电话回访", db=db)
    assert recorded.returncode == 2
    assert recorded.stderr.startswith(
        "错误：联系干部 休假，可联系企业数：休假 尚未设定可联系企业数")
    edited = run("official", "edit", "off:away", "--department", "技术创新处", db=db)
    assert edited.returncode == 2 and "请在这次修改中一并设定（1 或更多）" in edited.stderr
    store = SqliteStore(db)
    assert store.get_node("off:away").rev == rev  # nothing written
    store.close()
    fixed = run("official", "edit", "off:away", "--capacity", "2", db=db)
    assert fixed.returncode == 0, fixed.stderr
    assert "需设定" not in run("official", "list", db=db).stdout
    assert run("contact", "record", "off:away", "ent:tex", db=db).returncode == 0


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_with_accounts(tmp_path_factory, "zero_capacity", [
        ("wang", "organiser", "--name", "王老师")])


def test_the_contacts_pages_name_the_official_without_capacity(server: Server) -> None:
    assert run("official", "add", "休假", "--department", "消费品处", "--capacity", "2",
               db=server.db).returncode == 0
    (away,) = [o for o in json.loads(run("official", "list", "--json", db=server.db).stdout)
               ["officials"] if o["name"] == "休假"]
    _set_capacity_directly(server.db, away["id"], 0)
    http: httpx.Client = signed_in(server, "wang", cookie=True)
    page = http.get("/contacts", params={"lang": "zh"})
    assert page.status_code == 200
    assert "以下联系干部尚未设定可联系企业数（旧数据为 0），暂不参与分配：" in page.text
    assert f'href="/contacts/{away["id"].replace(":", "%3A")}#edit-official">休假</a>' in page.text
    english = http.get("/contacts", params={"lang": "en"})
    assert "These officials have no capacity yet" in english.text and "休假" in english.text
    assert "尚未设定" not in english.text
    official = http.get(f"/contacts/{away['id']}", params={"lang": "zh"})
    assert official.status_code == 200 and "尚未设定可联系企业数（旧数据为 0）" in official.text
    http = signed_in(server, "wang")
    refused = http.post("/api/contacts/plan", json={})  # 休假 is the only official
    assert refused.status_code == 422
    assert "休假" in refused.text and "has no capacity" in refused.text
    assert run("official", "add", "王明", "--department", "技术创新处", "--capacity", "500",
               db=server.db).returncode == 0
    planned = http.post("/api/contacts/plan", json={})
    assert planned.status_code == 200, planned.text
    assert [o["name"] for o in planned.json()["needs_capacity"]] == ["休假"]
