"""The office's settings and records through a real `duijie serve`: the routing table and
an official edited over HTTP (stale, unknown department, capacity 0: problem details,
nothing written), a firm's applications leaving it out of a push, the ledger a page at
a time; then in a real browser a problem raised on a meeting's page and on a visit, a
programme recorded on the firm's page, and the routing page refusing a bad edit."""

from __future__ import annotations

import httpx
import pytest

from duijie.graph.model import Node
from duijie.graph.sqlite_store import SqliteStore
from tests.web.browser import browser, screenshot, signed_in_page  # noqa: F401  (fixture)
from tests.web.server import Server, serve_with_accounts, signed_in

MEETING = "mtg:records-web"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    for running in serve_with_accounts(tmp_path_factory, "records", [
            ("wang", "organiser", "--name", "王老师"),
            ("zhou", "organiser", "--scope", "西安")]):
        store = SqliteStore(running.db)  # a meeting of the seed's firm, beside the server
        with store.batch() as b:
            b.upsert_node(Node("evt:records-web", "Event", {"name": "丽水精准对接会",
                                                             "region": "丽水"}))
            b.upsert_node(Node(MEETING, "Meeting", {
                "event_id": "evt:records-web", "firm_id": "ent:ailaiyi",
                "helper_id": "inst:xidian-university", "start": "2019-05-23T09:00",
                "status": "scheduled"}))
        store.close()
        yield running


def test_routing_and_officials_over_http(server: Server) -> None:
    http = signed_in(server, "wang")
    table = http.get("/api/routing").json()
    assert (table["source"], table["rev"]) == ("packaged", 0)
    body = {k: table[k] for k in ("rules", "departments", "escalate_after_days",
                                  "default_due_days", "rev")}
    unknown = http.put("/api/routing", json={**body, "rules": [
        *body["rules"], {"need_type": "talent", "region": "丽水", "department": "丽水人才办"}]})
    assert unknown.status_code == 422
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert "'丽水人才办' is not a known department" in unknown.json()["detail"]
    saved = http.put("/api/routing", json={
        **body, "departments": [*body["departments"], "丽水人才办"], "rules": [
            *body["rules"], {"need_type": "talent", "region": "丽水", "department": "丽水人才办",
                             "due_days": 10}]})
    assert saved.status_code == 200 and saved.json()["rev"] == 1
    stale = http.put("/api/routing", json=body)  # still at revision 0
    assert stale.status_code == 409 and http.get("/api/routing").json()["rev"] == 1
    assert signed_in(server, "zhou").put("/api/routing", json={**body, "rev": 1}
                                         ).status_code == 403
    problem = http.post("/api/problems", json={"firm_id": "ent:ailaiyi", "title": "人才公寓",
                                               "need_type": "talent"}).json()
    assert problem["department"] == "丽水人才办"  # the saved rules route it
    official = http.post("/api/officials", json={"name": "赵敏", "department": "丽水人才办",
                                                 "capacity": 5}).json()
    for change, status, words in (({"capacity": 0}, 422, "capacity 0"),
                                  ({"department": "没有的处"}, 422, "not a known department"),
                                  ({"capacity": 9, "rev": official["rev"] + 5}, 409, "")):
        answer = http.patch(f"/api/officials/{official['id']}",
                            json={"rev": official["rev"], **change})
        assert answer.status_code == status and words in answer.json()["detail"]
    edited = http.patch(f"/api/officials/{official['id']}", json={
        "rev": official["rev"], "capacity": 9, "fields": ["人才"]}).json()
    assert (edited["capacity"], edited["fields"], edited["rev"]) == (9, ["人才"],
                                                                    official["rev"] + 1)


def test_applications_leave_a_firm_out_of_the_push(server: Server) -> None:
    http = signed_in(server, "wang")
    reward = "/api/programmes/prog:example-rd-reward/push"  # an invented example
    push = http.get(reward, params={"today": "2024-01-01"}).json()
    firm = push["firms"][0]["id"]
    recorded = http.post(f"/api/firms/{firm}/programmes", json={
        "programme_id": "prog:example-rd-reward", "status": "applied", "on": "2024-02-01"})
    assert recorded.status_code == 200 and recorded.json()["status"] == "applied"
    again = http.get(reward, params={"today": "2024-01-01"}).json()
    assert firm not in {f["id"] for f in again["firms"]} and again["applied"] == push[
        "applied"] + 1
    assert http.post(f"/api/firms/{firm}/programmes", json={
        "programme_id": "prog:none"}).status_code == 404


def test_the_ledger_a_page_at_a_time_over_http(server: Server) -> None:
    http = signed_in(server, "wang")
    first = http.get("/api/problems", params={"sort": "title", "limit": 3}).json()
    assert first["count"] > 3 and len(first["data"]) == 3 and first["offset"] == 0
    titles = [p["title"] for p in first["data"]]
    assert titles == sorted(titles)
    second = http.get("/api/problems", params={"sort": "title", "limit": 3, "offset": 3}).json()
    assert not {p["id"] for p in second["data"]} & {p["id"] for p in first["data"]}
    found = http.get("/api/problems", params={"q": "德清"}).json()
    assert found["count"] >= 1 and all("德清" in p["title"] + (p["text"] or "") + (
        p["region"] or "") for p in found["data"])
    assert http.get("/api/problems", params={"sort": "size"}).status_code == 422
    assert http.get("/api/problems", params={"limit": 0}).status_code == 422


def test_a_meeting_without_a_table_says_so_in_the_readers_language(server: Server) -> None:
    http = signed_in(server, "wang", cookie=True)
    for lang, words in (("zh", "未安排桌号"), ("en", "no table yet")):
        html = http.get(f"/meetings/{MEETING}", params={"lang": lang},
                        headers={"Accept": "text/html"})
        assert html.status_code == 200, html.text[:300]
        shown = html.text.split('id="meeting-table">', 1)[1].split("<", 1)[0]
        assert shown == words and "None" not in html.text


@pytest.fixture
def page(browser, server):  # noqa: F811
    page = signed_in_page(browser, server, "wang")
    yield page
    page.close()


def test_problems_raised_in_a_meeting_and_on_a_visit(page, server: Server) -> None:
    page.goto(server.url + f"/meetings/{MEETING}")
    page.fill("#raise-form input[name=title]", "检测设备共享难")
    page.select_option("#raise-form select[name=need_type]", "financing")
    page.click("#raise-form button[type=submit]")
    page.wait_for_url("**raised=1**")
    row = page.locator("#raised-problems tr[data-problem]")
    assert row.count() == 1 and "地方金融监管部门" in row.inner_text()
    screenshot(page, "meeting-raised-problem-zh")
    row.locator("a").click()
    page.wait_for_selector("#steps")
    assert "丽水精准对接会 · 艾莱依集团 × 西安电子科技大学" in page.locator("main").inner_text()
    http = signed_in(server, "wang")
    http.post("/api/officials", json={"name": "钱进", "department": "企业服务办公室",
                                      "official_id": "off:qian"})
    page.goto(server.url + "/firms/ent:ailaiyi")
    page.select_option("#visit-form select[name=official_id]", "off:qian")
    page.fill("#visit-form input[name=on]", "2019-12-05")
    page.fill("#visit-form input[name=title]", "厂房扩建审批慢")
    page.click("#visit-form button[type=submit]")
    page.wait_for_url("**done=visit**")
    assert "厂房扩建审批慢" in page.locator("#problems").inner_text()
    duty = http.get("/api/contacts/duty", params={"official_id": "off:qian"}).json()
    assert duty["officials"][0]["problems_raised"] == 1
    page.select_option("#programme-form select[name=programme_id]", "prog:tech-sme")
    page.select_option("#programme-form select[name=status]", "holds")
    page.click("#programme-form button[type=submit]")
    page.wait_for_url("**done=programme**")
    assert "科技型中小企业" in page.locator("#facts").inner_text()
    screenshot(page, "firm-visit-programme-zh")


def test_the_routing_page_refuses_a_bad_edit_and_saves_a_good_one(page, server: Server
                                                                   ) -> None:
    page.click("header nav a[href='/routing']")
    page.wait_for_selector("#rules")
    assert page.locator("h1").inner_text() == "问题分办规则"
    rev = page.locator("input[name=rev]").get_attribute("value")
    page.locator("#rules input[name=department]").nth(0).fill("不存在的部门")
    page.click("#routing-form button[type=submit]")
    assert page.locator("#refusal").inner_text().startswith(
        "分办规则，第 1 条规则，责任单位：“不存在的部门” 不是已知的责任单位（已知：")
    assert page.locator("#rules tr.invalid").count() == 1
    screenshot(page, "routing-refused-zh")
    assert httpx.get(server.url + "/api/routing", headers=signed_in(server, "wang").headers
                     ).json()["rev"] == int(rev)  # nothing written
    page.locator("#rules input[name=department]").nth(0).fill("企业服务办公室")
    page.locator("#rules input[name=due_days]").nth(0).fill("20")
    page.click("#routing-form button[type=submit]")
    page.wait_for_url("**done=saved")
    assert page.locator("#rules input[name=due_days]").nth(0).input_value() == "20"
    page.goto(server.url + "/routing?lang=en")
    assert page.locator("h1").inner_text() == "Problem routing rules"
    screenshot(page, "routing-en")
    page.goto(server.url + "/routing?lang=zh")


def test_an_official_is_added_on_the_contacts_page(page, server: Server) -> None:
    api = signed_in(server, "wang")
    before = api.get("/api/officials").json()["count"]
    page.goto(server.url + "/contacts")
    form = page.locator("#add-official")
    form.locator("input[name=name]").fill("孙八")
    form.locator("input[name=department]").fill("科技部门")
    form.locator("input[name=capacity]").fill("0")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**refused=**")
    assert page.locator("#refusal").inner_text() == (
        "联系干部 孙八，可联系企业数：孙八 的可联系企业数为 0："
        "在岗干部至少联系 1 家企业，请设为 1 或更多")
    assert api.get("/api/officials").json()["count"] == before  # nothing written
    form.locator("input[name=name]").fill("孙八")
    form.locator("input[name=department]").fill("科技部门")
    form.locator("input[name=capacity]").fill("12")
    form.locator("input[name=fields]").fill("光电与红外、集成电路")
    form.locator("input[name=regions]").fill("杭州")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/contacts/off*")
    assert page.locator("h1").inner_text().startswith("孙八")
    added = [o for o in api.get("/api/officials").json()["officials"] if o["name"] == "孙八"]
    assert [(o["department"], o["capacity"], o["fields"], o["regions"]) for o in added] == [
        ("科技部门", 12, ["光电与红外", "集成电路"], ["杭州"])]
    page.goto(server.url + "/contacts")
    assert "孙八" in page.locator("#duty").inner_text()
    screenshot(page, "official-added-zh")
