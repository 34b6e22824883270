"""Needs and the directory over HTTP against a real `duijie serve` on the seed graph:
who sees which need (lists, search, counts, hints, by id), stale edits, bad input."""

from __future__ import annotations

import sqlite3

import httpx
import pytest

from tests.web.server import serve_with_accounts, signed_in

PASSWORD = "correct horse battery"
SECRET = "机密：石墨烯导热膜良率提升方案"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_with_accounts(tmp_path_factory, "needs", [
        ("wang", "organiser", "--name", "王老师"),
        ("zhou", "organiser", "--name", "周老师", "--scope", "西安"),
        ("shaoxing", "organiser", "--scope", "绍兴市"),
        ("keqiao", "organiser", "--scope", "柯桥区"),
        ("ailaiyi", "enterprise", "--party", "ent:ailaiyi", "--name", "艾莱依"),
        ("xinyun", "enterprise", "--party", "ent:xinyun-wood"),
        ("han", "expert", "--party", "exp:xian-han-zhenyu")])


@pytest.fixture(scope="module")
def secret_need(server):
    with signed_in(server, "ailaiyi") as firm:
        answer = firm.post("/api/needs", json={
            "title": SECRET, "text": "导热膜在高温压延后出现褶皱与裂纹，"
            "良率只有六成，需要工艺专家诊断。",
            "need_type": "technology", "trl": 5, "budget_wan": 80, "deadline": "2031-06-30",
            "confidentiality": "confidential", "priority": 2, "region": "丽水",
            "submission_key": "form-0001-secret"})
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_an_enterprise_submits_a_confidential_need_and_sees_it_with_its_status(
        server, secret_need):
    assert secret_need["firm_id"] == "ent:ailaiyi" and secret_need["firm_name"] == "艾莱依集团"
    assert secret_need["status"] == "submitted" and secret_need["confidentiality"] == (
        "confidential")
    assert secret_need["rev"] == 1 and secret_need["can_edit"] is True
    with signed_in(server, "ailaiyi") as firm:
        mine = firm.get("/api/needs", params={"limit": 200}).json()
        assert secret_need["id"] in [n["id"] for n in mine["data"]]
        # An enterprise's list holds its own needs only, and its counts say so.
        assert {n["firm_id"] for n in mine["data"]} == {"ent:ailaiyi"}
        assert mine["count"] == len(mine["data"]) == sum(mine["by_status"].values())
        assert firm.get(f"/api/needs/{secret_need['id']}").json()["title"] == SECRET
    # Stored once, with its `submitted` edge and who submitted it.
    with sqlite3.connect(server.db) as db:
        (provenance,) = db.execute("SELECT provenance FROM nodes WHERE id = ?",
                                   (secret_need["id"],)).fetchone()
        edges = db.execute("SELECT src FROM edges WHERE kind = 'submitted' AND dst = ?",
                           (secret_need["id"],)).fetchall()
    assert "user:ailaiyi" in provenance and edges == [("ent:ailaiyi",)]


def test_the_same_form_sent_twice_is_a_conflict_not_a_second_need(server, secret_need):
    with signed_in(server, "ailaiyi") as firm:
        again = firm.post("/api/needs", json={"title": SECRET,
                                              "submission_key": "form-0001-secret"})
        assert again.status_code == 409
        assert again.headers["content-type"] == "application/problem+json"
        titles = [n["title"] for n in firm.get("/api/needs", params={"limit": 200}).json()["data"]]
    assert titles.count(SECRET) == 1


def test_another_firm_cannot_see_it_anywhere(server, secret_need):
    need_id = secret_need["id"]
    with signed_in(server, "xinyun") as other:
        listed = other.get("/api/needs", params={"limit": 200}).json()
        assert need_id not in [n["id"] for n in listed["data"]]
        assert {n["firm_id"] for n in listed["data"]} <= {"ent:xinyun-wood"}
        searched = other.get("/api/needs", params={"q": "石墨烯"}).json()
        assert searched == {"data": [], "count": 0, "offset": 0, "limit": 50,
                            "by_status": dict.fromkeys(searched["by_status"], 0)}
        confidential = other.get("/api/needs", params={"confidentiality": "confidential"})
        assert confidential.json()["count"] == 0
        hints = other.post("/api/needs/similar", json={"title": SECRET, "text": "导热膜 良率"})
        assert hints.status_code == 200 and hints.json() == {"data": [], "count": 0}
        for answer in (other.get(f"/api/needs/{need_id}"),
                       other.patch(f"/api/needs/{need_id}", json={"rev": 1, "title": "x"}),
                       other.post(f"/api/needs/{need_id}/withdraw", json={}),
                       other.get("/api/needs/need:does-not-exist")):
            assert answer.status_code == 404, answer.text
            assert answer.headers["content-type"] == "application/problem+json"
            assert "石墨烯" not in answer.text and "艾莱依" not in answer.text
        # Unknown and hidden needs answer alike, so a 404 does not tell that it exists.
        hidden = other.get(f"/api/needs/{need_id}").json()["detail"]
        assert hidden == other.get("/api/needs/need:nope").json()["detail"].replace(
            "need:nope", need_id)
        firms = other.get("/api/enterprises", params={"limit": 200}).json()
        assert [f["id"] for f in firms["data"]] == ["ent:xinyun-wood"] and firms["count"] == 1
    with signed_in(server, "han") as expert:
        assert need_id not in [n["id"] for n in expert.get("/api/needs").json()["data"]]
        assert expert.get(f"/api/needs/{need_id}").status_code == 404
        assert expert.post("/api/needs/similar", json={"title": SECRET}).json()["count"] == 0


def test_organisers_see_it_in_their_scope_only(server, secret_need):
    with signed_in(server, "wang") as office:
        found = office.get("/api/needs", params={"q": "石墨烯 导热膜"}).json()
        assert [n["id"] for n in found["data"]] == [secret_need["id"]]
        assert found["data"][0]["firm_name"] == "艾莱依集团"
        hints = office.post("/api/needs/similar", json={"title": "石墨烯导热膜褶皱"}).json()
        assert secret_need["id"] in [h["id"] for h in hints["data"]]
        everything = office.get("/api/needs", params={"limit": 1}).json()["count"]
        assert everything >= 110
    with signed_in(server, "zhou") as xian:  # scope 西安: the 丽水 firm's need is out of it
        assert xian.get(f"/api/needs/{secret_need['id']}").status_code == 404
        listed = xian.get("/api/needs", params={"limit": 200}).json()
        assert 0 < listed["count"] < everything
        assert secret_need["id"] not in [n["id"] for n in listed["data"]]


def test_a_stale_edit_is_refused_and_nothing_is_half_written(server):
    with signed_in(server, "ailaiyi") as firm:
        need = firm.post("/api/needs", json={"title": "印染废水中水回用", "region": "丽水"}).json()
        first = firm.patch(f"/api/needs/{need['id']}", json={"rev": need["rev"], "trl": 6,
                                                             "budget_wan": 120})
        assert first.status_code == 200, first.text
        assert (first.json()["trl"], first.json()["rev"]) == (6, need["rev"] + 1)
        stale = firm.patch(f"/api/needs/{need['id']}", json={"rev": need["rev"], "trl": 3,
                                                             "title": "别人的旧表单"})
        assert stale.status_code == 409
        assert "changed by someone else" in stale.json()["detail"]
        now = firm.get(f"/api/needs/{need['id']}").json()
        assert (now["trl"], now["title"], now["rev"]) == (6, "印染废水中水回用", need["rev"] + 1)
        cleared = firm.patch(f"/api/needs/{need['id']}", json={"rev": now["rev"],
                                                               "budget_wan": None})
        assert cleared.json()["budget_wan"] is None
        assert "needs_gap_no_budget" in [g["key"] for g in cleared.json()["gaps"]]
        closed = firm.post(f"/api/needs/{need['id']}/withdraw", json={})
        assert closed.json()["status"] == "not_pursued"


def test_bad_input_gets_problem_details_never_a_500(server):
    with signed_in(server, "ailaiyi") as firm:
        answers = {
            "wrong types": firm.post("/api/needs", json={"title": ["x"], "trl": "high"}),
            "trl out of range": firm.post("/api/needs", json={"title": "x", "trl": 12}),
            "oversized text": firm.post("/api/needs", json={"title": "x", "text": "长" * 20_001}),
            "unknown field": firm.post("/api/needs", json={"title": "x", "owner": "me"}),
            "bad date": firm.post("/api/needs", json={"title": "x", "deadline": "明年"}),
            "malformed": firm.post("/api/needs", content=b'{"title": ',
                                   headers={"content-type": "application/json"}),
            "bad sort": firm.get("/api/needs", params={"sort": "secret"}),
            "huge page": firm.get("/api/needs", params={"limit": 10_000}),
            "no rev": firm.patch("/api/needs/need:x", json={"title": "x"}),
        }
        another_firm = firm.post("/api/needs", json={"title": "x", "firm_id": "ent:hikvision"})
        too_big = firm.post("/api/needs", json={"title": "x", "text": "长" * 600_000})
    for what, answer in answers.items():
        assert answer.status_code == 422, (what, answer.status_code, answer.text)
        assert answer.headers["content-type"] == "application/problem+json", what
        assert answer.json()["detail"], what
    assert another_firm.status_code == 403
    assert too_big.status_code == 413
    with signed_in(server, "wang") as office:
        unknown = office.post("/api/needs", json={"title": "x", "firm_id": "ent:no-such-firm"})
        assert unknown.status_code == 404 and "ent:no-such-firm" in unknown.json()["detail"]
        missing = office.post("/api/needs", json={"title": "x"})
        assert missing.status_code == 422 and "firm_id" in missing.json()["detail"]
        made = office.post("/api/needs", json={"title": "企业上云补贴政策咨询",
                                               "firm_id": "ent:xinyun-wood",
                                               "need_type": "policy"})
        assert made.status_code == 201 and made.json()["firm_name"]
    with signed_in(server, "han") as expert:
        assert expert.post("/api/needs", json={"title": "x"}).status_code == 403
    assert httpx.get(server.url + "/api/needs").status_code == 401


def test_the_completeness_check_names_what_a_broker_will_miss(server):
    with signed_in(server, "ailaiyi") as firm:
        bare = firm.post("/api/needs/check", json={"title": "降噪"}).json()
        full = firm.post("/api/needs/check", json={
            "title": "红外探测器读出电路降噪",
            "text": "非制冷红外探测器读出电路噪声偏大，影响成像质量，寻求电路设计专家。",
            "trl": 4, "budget_wan": 50, "deadline": "2031-01-01", "region": "丽水"}).json()
    assert bare["complete"] is False
    assert [g["key"] for g in bare["gaps"]] == [
        "needs_gap_text_short", "needs_gap_no_trl", "needs_gap_no_budget",
        "needs_gap_no_deadline", "needs_gap_no_region"]
    assert bare["gaps"][0]["values"] == {"chars": 2, "min_chars": 30}
    assert full == {"complete": True, "gaps": []}


def test_reads_and_changes_are_in_the_audit_log(server, secret_need):
    with signed_in(server, "ailaiyi") as firm:
        firm.get(f"/api/needs/{secret_need['id']}")
    from duijie.api.services.accounts import accounts_path
    from duijie.graph.accounts import AccountStore

    accounts = AccountStore(accounts_path(str(server.db)))
    try:
        entries = accounts.audit_log(target_id=secret_need["id"])
    finally:
        accounts.close()
    actions = [(e.user, e.action, e.target_kind) for e in entries]
    assert ("ailaiyi", "create", "Need") in actions
    assert ("ailaiyi", "read", "Need") in actions


def test_the_directory_lists_helpers_with_filters_and_pages(server):
    with signed_in(server, "ailaiyi") as firm:
        experts = firm.get("/api/experts", params={"limit": 5, "sort": "name"}).json()
        assert experts["count"] > 5 and len(experts["data"]) == 5
        names = [e["name"] for e in experts["data"]]
        assert names == sorted(names)
        institutes = firm.get("/api/institutes", params={"q": "西安交通大学"}).json()
        assert "inst:xian-jiaotong-university" in [i["id"] for i in institutes["data"]]
        assert firm.get("/api/programmes").json()["count"] > 0
    with signed_in(server, "wang") as office:
        firms = office.get("/api/enterprises", params={"region": "丽水"}).json()
        assert "ent:ailaiyi" in [f["id"] for f in firms["data"]]
        assert all("丽水" in f["region"] for f in firms["data"])


def test_an_organisers_region_is_read_by_the_hierarchy_not_the_spelling(server):
    """绍兴市 holds 柯桥区 and 越城区: its organiser sees both; 柯桥区's sees only its own,
    though every name shares 绍兴's place in the hierarchy."""
    with signed_in(server, "wang") as office:
        made = {region: office.post("/api/needs", json={
            "title": f"区域测试需求（{region}）", "firm_id": "ent:wahaha-precision",
            "region": region, "submission_key": f"scope-{n:04d}-keqiao"}).json()["id"]
            for n, region in enumerate(("柯桥区", "越城区", "绍兴"))}
    with signed_in(server, "shaoxing") as shaoxing, signed_in(server, "keqiao") as keqiao:
        assert {r: shaoxing.get(f"/api/needs/{i}").status_code for r, i in made.items()} == {
            "柯桥区": 200, "越城区": 200, "绍兴": 200}
        assert {r: keqiao.get(f"/api/needs/{i}").status_code for r, i in made.items()} == {
            "柯桥区": 200, "越城区": 404, "绍兴": 404}
        listed = {n["id"] for n in keqiao.get("/api/needs", params={"limit": 200}).json()[
            "data"]}
        assert made["柯桥区"] in listed and not {made["越城区"], made["绍兴"]} & listed
        firms = {f["region"] for f in keqiao.get("/api/enterprises",
                                                 params={"limit": 200}).json()["data"]}
        assert firms == {"柯桥区"}
        wider = {f["region"] for f in shaoxing.get("/api/enterprises",
                                                   params={"limit": 200}).json()["data"]}
        assert "柯桥区" in wider and not wider & {"杭州", "江山市", "丽水"}
