"""The office's jobs through a real `duijie serve` on the seed graph: the problem ledger
from problem to closure over HTTP (refusals as problem details, nothing written), its
XLSX, a firm's profile and who may open it, programme push, contact duty; then the
pages in a real browser."""

from __future__ import annotations

import io

import httpx
import pytest
from openpyxl import load_workbook

from tests.web.browser import browser, screenshot, signed_in_page  # noqa: F401  (fixture)
from tests.web.server import PASSWORD, Server, serve_with_accounts, signed_in


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_with_accounts(tmp_path_factory, "office", [
        ("wang", "organiser", "--name", "王老师"),
        ("ail", "enterprise", "--party", "ent:ailaiyi"),
        ("haoting", "enterprise", "--party", "ent:haoting-furniture")])


def test_a_problem_from_the_ledger_to_closure_over_http(server: Server) -> None:
    http = signed_in(server, "wang")
    made = http.post("/api/problems", json={
        "firm_id": "ent:ailaiyi", "title": "流动资金贷款难", "need_type": "financing",
        "opened_on": "2019-12-02"})
    assert made.status_code == 201, made.text
    problem = made.json()
    assert (problem["firm_name"], problem["department"], problem["due"]) == (
        "艾莱依集团", "地方金融监管部门", "2020-01-01")
    pid = problem["id"]
    early = http.post(f"/api/problems/{pid}/steps", json={"text": "走访", "on": "2019-11-01"})
    assert early.status_code == 422
    assert early.headers["content-type"].startswith("application/problem+json")
    assert "before the problem was opened" in early.json()["detail"]
    refused = http.post(f"/api/problems/{pid}/close", json={"seen": "2019-12-20"})
    assert refused.status_code == 422 and "recorded answer" in refused.json()["detail"]
    assert http.get(f"/api/problems/{pid}").json()["rev"] == problem["rev"]  # nothing written
    step = http.post(f"/api/problems/{pid}/steps", json={"text": "协调银行对接",
                                                          "on": "2019-12-10"})
    assert step.status_code == 200 and step.json()["state"] == "in_progress"
    closed = http.post(f"/api/problems/{pid}/close", json={"answer": "已推介至合作银行",
                                                            "seen": "2019-12-20"})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    overdue = http.get("/api/problems", params={"overdue": True, "today": "2020-01-10"}).json()
    assert pid not in {p["id"] for p in overdue["data"]}
    sheet = http.get("/api/problems/ledger.xlsx", params={"department": "地方金融监管部门"})
    assert sheet.status_code == 200
    assert sheet.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(sheet.content)).active.rows]
    assert rows[1] == ["序号", "企业", "问题", "责任单位", "办理情况", "状态"]
    assert rows[2][:4] == ["1", "艾莱依集团", "流动资金贷款难", "地方金融监管部门"]
    assert rows[2][5] == "已销号"


def test_a_firm_sees_its_own_problems_and_profile_only(server: Server) -> None:
    firm = signed_in(server, "ail")
    mine = firm.get("/api/problems").json()
    assert mine["count"] >= 1 and {p["firm_id"] for p in mine["data"]} == {"ent:ailaiyi"}
    assert firm.get("/api/firms/ent:ailaiyi/profile").status_code == 200
    other = firm.get("/api/firms/ent:dali-technology/profile")
    assert other.status_code == 404  # another firm: as if it did not exist
    answer = firm.post("/api/problems", json={"firm_id": "ent:ailaiyi", "title": "x"})
    assert answer.status_code == 403
    assert firm.get("/api/programmes/prog:high-tech-enterprise/push").status_code == 403
    seed_problem = signed_in(server, "wang").get("/api/problems", params={
        "firm_id": "ent:hikvision"}).json()["data"][0]["id"]
    assert firm.get(f"/api/problems/{seed_problem}").status_code == 404


def test_my_firm_keeps_the_chosen_language(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as browserless:
        signed = browserless.post("/api/session", json={"username": "ail", "password": PASSWORD})
        assert signed.status_code == 200, signed.text  # the session cookie is kept
        moved = browserless.get("/firm", params={"lang": "en"})
    assert moved.status_code == 303
    assert moved.headers["location"] == "/firms/ent%3Aailaiyi?lang=en"


def test_profile_and_push(server: Server) -> None:
    http = signed_in(server, "wang")
    profile = http.get("/api/firms/ent:ailaiyi/profile").json()
    assert profile["name"] == "艾莱依集团"
    assert any(p["title"] == "数字工程项目建设可享受的政策" for p in profile["problems"])
    push = http.get("/api/programmes/prog:example-rd-reward/push",
                    params={"today": "2024-01-01"}).json()  # invented thresholds
    assert push["count"] == len(push["firms"]) > 0 and push["verdict_illustrative"]
    # 高企: published criteria the graph holds no data for, so firms are to check by hand
    push = http.get("/api/programmes/prog:high-tech-enterprise/push",
                    params={"today": "2024-01-01"}).json()
    assert push["count"] == len(push["firms"]) == 0 and push["to_check"] and push["held_by"]
    assert not {f["id"] for f in push["to_check"]} & set(push["held_by"])
    assert http.get("/api/programmes/prog:none/push").status_code == 404


def test_contact_duty_over_http(server: Server) -> None:
    http = signed_in(server, "wang")
    for body in ({"name": "王明", "department": "技术创新处", "fields": ["光电与红外"],
                  "capacity": 60, "official_id": "off:wang"},
                 {"name": "李华", "department": "消费品处", "fields": ["纺织印染"],
                  "capacity": 60, "official_id": "off:li"}):
        assert http.post("/api/officials", json=body).status_code == 201
    plan = http.post("/api/contacts/plan", json={}).json()
    assert plan["firms"] == len(plan["assignments"]) and plan["unassigned"] == []
    loads = {row["id"]: row["assigned"] for row in plan["load"]}
    assert loads["off:wang"] <= 60 and loads["off:li"] <= 60
    dali = next(a for a in plan["assignments"] if a["firm_id"] == "ent:dali-technology")
    assert dali["official_name"] == "王明"
    assert {"code": "field", "value": "光电与红外"} in dali["reasons"]
    recorded = http.post("/api/contacts", json={
        "official_id": "off:wang", "firm_id": "ent:dali-technology", "on": "2019-12-05",
        "problems": [{"title": "出口认证费用高"}]})
    assert recorded.status_code == 201 and recorded.json()["on_duty"] is True
    duty = http.get("/api/contacts/duty", params={"official_id": "off:wang"}).json()
    assert duty["officials"][0]["problems_raised"] == 1
    refused = http.post("/api/officials", json={"name": "休假", "department": "综合处",
                                                "capacity": 0})
    assert refused.status_code == 422 and "休假 has capacity 0" in refused.json()["detail"]
    assert "休假" not in {o["name"] for o in http.get("/api/officials").json()["officials"]}
    assert http.post("/api/contacts/plan", json={}).status_code == 200  # nothing was added


@pytest.fixture
def page(browser, server):  # noqa: F811
    page = signed_in_page(browser, server, "wang")
    yield page
    page.close()


def test_the_ledger_pages_in_a_browser(page, server: Server) -> None:
    page.click("header nav a[href='/problems']")
    page.wait_for_selector("#ledger")
    assert page.locator("h1").inner_text() == "问题台账"
    screenshot(page, "problem-ledger-zh")
    page.click("#add-problem summary")
    page.fill(".add-problem-form input[name=firm]", "艾莱依集团")  # by its name
    page.fill(".add-problem-form input[name=title]", "人才公寓申请")
    page.select_option(".add-problem-form select[name=need_type]", "talent")
    page.fill(".add-problem-form input[name=opened_on]", "2019-12-02")
    page.click(".add-problem-form button[type=submit]")
    page.wait_for_url("**done=added")
    assert page.locator("h1").inner_text() == "人才公寓申请"
    assert page.locator("#department").inner_text() == "人才工作部门"  # the packaged rules
    page.goto(server.url + "/problems")
    page.click("#add-problem summary")
    page.fill(".add-problem-form input[name=firm]", "没有这家公司")
    page.fill(".add-problem-form input[name=title]", "x")
    page.click(".add-problem-form button[type=submit]")
    assert page.locator("#refusal").inner_text() == "企业：“没有这家公司” 不是您可以打开的企业"
    pid = signed_in(server, "wang").post("/api/problems", json={
        "firm_id": "ent:dali-technology", "title": "用地指标紧张",
        "opened_on": "2019-12-02"}).json()["id"]
    page.goto(server.url + f"/problems/{pid}")
    page.fill("#step-form input[name=on]", "2019-11-30")
    page.fill("#step-form textarea[name=text]", "电话回访")
    page.click("#step-form button[type=submit]")
    assert page.locator("#refusal").inner_text() == (
        "问题“用地指标紧张”，步骤日期：“2019-11-30” 早于问题立案日期（2019-12-02）")
    assert "电话回访" not in page.locator("#steps").inner_text()
    page.goto(server.url + "/problems/need:changchuan-innovation-centre")
    assert "2019-04-10" in page.locator("#steps").inner_text()
    page.click("#close-form button[type=submit]")
    said = page.locator("#refusal").inner_text()
    assert said.startswith("问题“") and said.endswith(
        "：销号须写明企业知晓答复的日期：问题只有在企业知晓后才能销号"), said
    assert "--seen" not in said  # the command line's option is the CLI's wording only
    page.fill("#close-form input[name=seen]", "2019-07-01")
    page.click("#close-form button[type=submit]")
    page.wait_for_url("**done=close")
    assert "已销号" in page.locator(".page-head").inner_text()
    screenshot(page, "problem-closed-zh")
    page.goto(server.url + "/problems?lang=en")
    assert page.locator("h1").inner_text() == "Problem ledger"
    page.goto(server.url + "/problems?lang=zh")


def test_profile_push_and_contacts_pages(page, server: Server) -> None:
    page.goto(server.url + "/firms/ent:dali-technology")
    assert page.locator("h1").inner_text() == "浙江大立科技"
    # its data leaves every programme's conditions unchecked, and no programme that only
    # names a province (an award for foreign experts) is offered to it: it is named only
    # among those with no conditions recorded
    offered = page.locator("#programmes").inner_text().replace(
        page.locator("#without-rules").inner_text(), "")
    assert "西湖友谊奖" not in offered
    assert "西湖友谊奖" in page.locator("#without-rules").inner_text()
    # ... so the page says which facts to ask for, and for which programmes
    assert "判断所需的企业数据还不全" in page.locator("#programmes").inner_text()
    rd = page.locator("#data-to-check li[data-field=rd_ratio_pct]").inner_text()
    assert rd.startswith("研发投入占比") and "高新技术企业认定" in rd, rd
    page.goto(server.url + "/firms/ent:dali-technology?lang=en")
    rd = page.locator("#data-to-check li[data-field=rd_ratio_pct]").inner_text()
    assert rd.startswith("R&D ratio") and "needed for" in rd, rd
    page.goto(server.url + "/firms/ent:dali-technology?lang=zh")
    sources = page.locator("details.sources").text_content()  # the seed document, by its heading
    assert "秉强国初心 担创新使命" in sources and "seed:" not in sources, sources
    unruled = page.locator("#without-rules").inner_text()  # said, never a verdict
    assert unruled.startswith("申报条件未录入，请以当年申报通知为准")
    assert "国家企业技术中心" in unruled
    screenshot(page, "firm-profile-zh")
    page.goto(server.url + "/firms/ent:ill-firm-002")
    assert page.locator("#near li").count() > 0  # one condition away, worded
    page.goto(server.url + "/push")
    page.select_option("select[name=programme]", "prog:high-tech-enterprise")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#push-firms")
    assert "可推送" in page.locator("#push-summary").inner_text()
    screenshot(page, "programme-push-zh")
    page.goto(server.url + "/contacts")
    assert page.locator("h1").inner_text() == "联系服务"
    screenshot(page, "contact-duty-zh")


def test_a_firms_own_map_shows_no_other_firm(browser, server: Server) -> None:  # noqa: F811
    from duijie.graph import open_store

    store = open_store(str(server.db))
    try:
        others = {n.id: n.props.get("name") for n in store.find_nodes("Enterprise", limit=10**4)
                  if n.id != "ent:haoting-furniture"}
        other_needs = {e.dst for e in store.find_edges("submitted", limit=10**5)
                       if e.src != "ent:haoting-furniture"}
        titles = {n.props.get("title") for n in store.get_nodes(sorted(other_needs)).values()}
    finally:
        store.close()
    firm = signed_in(server, "haoting")
    drawn = firm.get("/api/firms/ent:haoting-furniture/map")
    assert drawn.status_code == 200, drawn.text
    data = drawn.json()
    assert data["counts"]["firms"] == 1 and data["counts"]["needs"] >= 1
    assert data["counts"]["experts"] + data["counts"]["institutes"] >= 1
    text = drawn.text
    assert not [f for f in others if f in text] and not [n for n in other_needs if n in text]
    assert firm.get("/api/firms/ent:dali-technology/map").status_code == 404
    # a firm whose only need is a policy one has no supplier gap: its need is listed apart
    policy_only = signed_in(server, "ail").get("/api/firms/ent:ailaiyi/map").json()
    assert policy_only["counts"]["needs"] == 0 and policy_only["counts"]["other_needs"] >= 1
    page = signed_in_page(browser, server, "haoting", height=1000)
    page.goto(server.url + "/firms/ent:haoting-furniture")
    page.wait_for_selector("#map-canvas[data-drawn]", timeout=120_000)
    drawn_nodes = int(page.locator("#map-canvas").get_attribute("data-drawn"))
    assert drawn_nodes == len(data["nodes"]) > 1
    page.locator("#firm-map-section").scroll_into_view_if_needed()
    screenshot(page, "firm-own-map-zh")
    shown = page.inner_text("body") + page.content()
    assert not [n for n in others.values() if n and n in shown]
    assert not [t for t in titles if t and t in shown]
    page.close()
