"""The authorisation matrix, over HTTP against a real `duijie serve`: every route of the
app (JSON and pages, enumerated from the app itself, so a new route without an entry
fails) × every role (an office-wide organiser, an organiser of another region, firm A,
firm B, an expert, nobody) × its method, with the status each must get.

The records are firm A's confidential need, firm B's need, an event in 丽水 where firm A
meets the expert (published), a plan job of it, an import and a review item. Denials
are 401 (nobody signed in; pages send them to sign in), 403 (a role that may never do
this) and 404 (a record the role may not see, answered exactly as an unknown id)."""

from __future__ import annotations

import httpx
import pytest

from duijie.api.services.accounts import accounts_path
from duijie.api.web import pages
from duijie.api.web.app import route_modules
from duijie.graph.accounts import AccountStore
from tests.web.authorization_matrix import (
    ANON,
    DENY,
    EXPERT,
    FIRM_A,
    HELPER,
    HIDE,
    MATRIX,
    PASSWORD,
    ROLES,
    SECRET,
    USERS,
    Entry,
    Office,
)
from tests.web.server import Server, add_user, ended_job


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Office:
    db = tmp_path_factory.mktemp("matrix") / "office.db"
    server = Server(db, seed=True)
    for username, role, *extra in USERS.values():
        add_user(db, username, role, PASSWORD, *extra)
    found = Office(server)
    for role in USERS:
        found.tokens[role], found.csrf[role] = found.sign_in(role)
    ids = found.ids
    with found.api("firm_a") as firm_a, found.api("firm_b") as firm_b, \
            found.api("office") as org:
        ids["need_a"] = firm_a.post("/api/needs", json={
            "title": SECRET, "confidentiality": "confidential", "region": "丽水",
            "text": "高功率超快光纤激光器光束质量变差，需要光束质量控制方面的专家。",
            "submission_key": "matrix-secret-a"}).json()["id"]
        ids["need_b"] = firm_b.post("/api/needs", json={
            "title": "木材干燥工艺节能改造", "region": "丽水",
            "submission_key": "matrix-need-b"}).json()["id"]
        event = org.post("/api/events", json={
            "name": "丽水精准对接测试会", "event_id": "evt:matrix-lishui", "region": "丽水",
            "days": ["2026-12-10"], "tables": 2})
        assert event.status_code == 201, event.text
        ids["event"] = event.json()["id"]
        added = org.post(f"/api/events/{ids['event']}/participants",
                         json={"participants": [FIRM_A, EXPERT, HELPER]})
        assert added.status_code == 200, added.text
        assert org.post(f"/api/events/{ids['event']}/rules", json={
            "kind": "pin", "firm": FIRM_A, "helper": EXPERT}).status_code == 201
        job = ended_job(org, "/api/jobs/" + org.post(f"/api/events/{ids['event']}/plan",
                                                  json={}).json()["id"])
        assert job["status"] == "done", job
        ids["job"] = job["id"]
        ids["meeting"] = next(m["meeting_id"] for m in job["result"]["meetings"]
                              if m["firm"] == FIRM_A and m["helper"] == EXPERT)
        assert org.post(f"/api/events/{ids['event']}/schedule",
                        json={"publish": True}).status_code == 200
        upload = org.post("/api/imports", data={"kind": "企业"}, files={
            "file": ("firms.csv", "企业名称\n矩阵测试导入企业\n".encode(), "text/csv")})
        ids["import"] = upload.json()["id"]
        dupes = org.post("/api/imports", data={"kind": "企业"}, files={
            "file": ("dupes.csv", "企业名称\n海康微视\n".encode(), "text/csv")}).json()
        ended_job(org, f"/api/imports/{dupes['id']}", phase="preview")
        assert org.post(f"/api/imports/{dupes['id']}/confirm").status_code == 202
        ended_job(org, f"/api/imports/{dupes['id']}", phase="confirm")
        ids["review"] = next(c["id"] for c in org.get("/api/reviews").json()["items"]
                             if c["incoming"]["name"] == "海康微视")
        problem = org.post("/api/problems", json={
            "firm_id": FIRM_A, "title": "矩阵测试问题：厂房消防验收", "region": "丽水"})
        assert problem.status_code == 201, problem.text
        ids["problem"] = problem.json()["id"]
        official = org.post("/api/officials", json={
            "name": "矩阵联络员", "department": "经信局", "regions": ["丽水"]})
        assert official.status_code == 201, official.text
        ids["official"] = official.json()["id"]
        # a programme with conditions: one that only names where it applies is not pushed
        listed = {p["id"] for p in org.get("/api/programmes", params={"limit": 200}).json()[
            "data"]}
        ids["programme"] = "prog:high-tech-enterprise"
        assert ids["programme"] in listed, sorted(listed)
        clustering = org.post("/api/challenges/recompute")
        assert clustering.status_code == 202, clustering.text
        ids["challenge_job"] = ended_job(
            org, "/api/challenges/jobs/" + clustering.json()["id"])["id"]
        learning = org.post("/api/analysis/learn")
        assert learning.status_code == 202, learning.text
        ids["learn_job"] = ended_job(org, "/api/analysis/learn/" + learning.json()["id"])["id"]
    yield found
    server.close()


def app_routes() -> set[str]:
    """Every route the app's own modules define (JSON and pages)."""
    found = set()
    for module in [*route_modules(), pages]:
        for route in module.router.routes:
            for method in route.methods - {"HEAD"}:
                found.add(f"{method} {route.path}")
    return found


def test_every_route_has_a_matrix_entry():
    routes = app_routes()
    assert routes - set(MATRIX) == set(), "routes without an authorisation matrix entry"
    assert set(MATRIX) - routes == set(), "matrix entries for routes that do not exist"


def call(office: Office, key: str, entry: Entry, role: str) -> httpx.Response:
    method, template = key.split(" ", 1)
    path = template
    for name, value in entry.params.items():
        path = path.replace("{" + name + "}", office.ids.get(value, value))
    body = entry.body(office, role) if callable(entry.body) else entry.body
    token = None
    if entry.fresh and role != "anon":
        token, office.csrf[f"fresh:{role}"] = office.sign_in(role)
    files = {"file": ("firms.csv", f"企业名称\n矩阵{role}导入企业\n".encode("gbk"),
                      "text/csv")} if entry.files else None
    if key == "POST /login":  # the sign-in form's double-submit token, as a browser has it
        with office.page("anon") as client:
            form = client.get("/login").text
            login_csrf = form.split('name="login_csrf" value="')[1].split('"')[0]
            return client.post("/login", data={**body, "login_csrf": login_csrf})
    if entry.form:
        client = office.page(role)
        if token:
            client.cookies.set("duijie_session", token)
        csrf = office.csrf.get(f"fresh:{role}" if token else role)
        data = {k: str(v) for k, v in (body or {}).items()}
        if entry.files:
            data["kind"] = "企业"
        if csrf:
            data["csrf_token"] = csrf
        with client:
            return client.request(method, path, data=data, files=files)
    if template.startswith("/api/") or template in ("/health", "/ready"):
        with office.api(role, token) as client:
            if entry.files:
                return client.request(method, path, data={"kind": "企业"}, files=files)
            return client.request(method, path, json=body, params=entry.query)
    with office.page(role) as client:
        return client.request(method, path, params=entry.query)


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_each_role_gets_what_the_matrix_says(office, key):
    entry = MATRIX[key]
    wrong = {}
    def denial(i: int) -> bool:
        expected = entry.expects[i]
        return bool((expected if isinstance(expected, set) else {expected}) & {ANON, DENY,
                                                                              HIDE})

    # the denials first: an allowed write must not change what they are refused
    for i in sorted(range(len(ROLES)), key=lambda i: not denial(i)):
        role, expected = ROLES[i], entry.expects[i]
        answer = call(office, key, entry, role)
        allowed = expected if isinstance(expected, set) else {expected}
        if answer.status_code not in allowed:
            wrong[role] = (answer.status_code, sorted(allowed), answer.text[:200])
        if answer.status_code == 303 and 303 in allowed and expected != 303:
            continue
        if answer.status_code == 303 and role == "anon" and key.startswith("GET"):
            assert answer.headers["location"].startswith("/login"), answer.headers
        if 400 <= answer.status_code < 500:  # every refusal says what, never a bare status
            assert SECRET not in answer.text
            if key.split(" ")[1].startswith("/api"):
                assert answer.headers["content-type"].startswith("application/problem+json")
            else:  # a page's: the error page, or the form saying what is wrong
                assert answer.headers["content-type"].startswith("text/html"), (key, role)
    assert not wrong, wrong


def test_one_rule_for_a_record_of_another_firm_or_region(office):
    """404 where the answer would tell that a record exists (another region's firm,
    another firm's need, as for an unknown id, and nothing written); 403 where the role
    may never do this, whatever the record."""
    bodies = {"/api/needs": {"title": "矩阵：越界提交", "region": "丽水"},
              "/api/problems": {"title": "矩阵：越界登记的问题", "region": "丽水"}}
    with office.api("region") as xian, office.api("office") as org, \
            office.api("firm_b") as firm_b:
        before = {path: org.get(path, params={"limit": 200}).json() for path in bodies}
        for path, body in bodies.items():
            outside = xian.post(path, json={**body, "firm_id": FIRM_A})
            unknown = xian.post(path, json={**body, "firm_id": "ent:no-such-firm"})
            assert outside.status_code == unknown.status_code == 404, (path, outside.text)
            assert outside.json()["detail"].replace(FIRM_A, "X") == unknown.json()[
                "detail"].replace("ent:no-such-firm", "X")
        assert {path: org.get(path, params={"limit": 200}).json() for path in bodies} == before
        # a firm account: never for another firm, known or not (403, same words)
        other = firm_b.post("/api/needs", json={**bodies["/api/needs"], "firm_id": FIRM_A})
        nobody = firm_b.post("/api/needs", json={**bodies["/api/needs"],
                                                 "firm_id": "ent:no-such-firm"})
        assert other.status_code == nobody.status_code == 403
        assert other.json()["detail"] == nobody.json()["detail"]
        assert firm_b.post("/api/problems", json={**bodies["/api/problems"],
                                                  "firm_id": FIRM_A}).status_code == 403


def test_an_ended_session_gets_a_problem_everywhere_not_a_bare_status(office):
    """Nobody signed in: JSON problem details for a script, the sign-in page for a
    browser, and for htmx (the live hints beside the need form) an ``HX-Redirect``."""
    with httpx.Client(base_url=office.server.url, timeout=60) as http:
        script = http.post("/needs/hints", data={"title": "光纤"})
        browser = http.post("/needs/hints", data={"title": "光纤"},
                            headers={"Accept": "text/html"})
        htmx = http.post("/needs/hints", data={"title": "光纤"},
                         headers={"HX-Request": "true", "Accept": "*/*"})
    with httpx.Client(base_url=office.server.url, timeout=60,
                      cookies={"duijie_session": office.tokens["firm_b"]}) as http:
        hidden = http.get("/needs/need:nobody", headers={"HX-Request": "true"})
    assert script.status_code == 401
    assert script.headers["content-type"] == "application/problem+json"
    assert script.json()["status"] == 401 and script.json()["detail"]
    assert browser.status_code == 303 and browser.headers["location"] == "/login"
    assert htmx.status_code == 401 and htmx.headers["hx-redirect"] == "/login"
    assert hidden.status_code == 404 and hidden.headers["content-type"].startswith(
        "text/html") and 'role="alert"' in hidden.text and "<html" not in hidden.text


# -- one confidential need, probed through every path ------------------------------------

def texts_of(office: Office, role: str) -> dict[str, httpx.Response]:
    """Every answer through which firm A's confidential need could reach `role`."""
    ids = office.ids
    answers: dict[str, httpx.Response] = {}
    with office.api(role) as http:
        answers["list"] = http.get("/api/needs", params={"limit": 200})
        answers["search"] = http.get("/api/needs", params={"q": "光纤激光器", "limit": 200})
        answers["similar"] = http.post("/api/needs/similar", json={
            "title": SECRET, "text": "超快光纤激光器光束质量", "k": 20})
        answers["need"] = http.get(f"/api/needs/{ids['need_a']}")
        answers["unknown"] = http.get("/api/needs/need:no-such-need")
        answers["need recs"] = http.get(f"/api/needs/{ids['need_a']}/recommendations")
        answers["firm B recs"] = http.get(f"/api/needs/{ids['need_b']}/recommendations",
                                          params={"kind": "enterprise", "k": 50})
        for kind in ("expert", "institute"):
            answers[f"firm B recs {kind}"] = http.get(
                f"/api/needs/{ids['need_b']}/recommendations", params={"kind": kind, "k": 50})
        answers["needs for the expert"] = http.get(f"/api/candidates/{EXPERT}/needs",
                                                   params={"k": 50})
        answers["text recs"] = http.post("/api/recommendations/text", json={
            "text": "超快光纤激光器光束质量控制", "kind": "enterprise", "k": 50})
        answers["meetings"] = http.get("/api/meetings")
        answers["meeting"] = http.get(f"/api/meetings/{ids['meeting']}")
        for fmt in ("ics", "csv", "html", "xlsx"):
            answers[f"agenda {fmt}"] = http.get(f"/api/events/{ids['event']}/agenda.{fmt}")
        answers["events"] = http.get("/api/events")
        answers["dashboard"] = http.get("/api/dashboard")
        answers["export"] = http.get("/api/export")
        answers["edit"] = http.patch(f"/api/needs/{ids['need_a']}", json={"rev": 1})
        answers["map"] = http.get("/api/map", params={"industry": "纺织印染"})
    with office.page(role) as browser:
        answers["needs page"] = browser.get("/needs", params={"q": "光纤"})
        answers["need page"] = browser.get(f"/needs/{ids['need_a']}")
        answers["matches page"] = browser.get(f"/needs/{ids['need_a']}/matches")
        answers["meeting page"] = browser.get(f"/meetings/{ids['meeting']}")
        answers["map page"] = browser.get("/map", params={"industry": "纺织印染"})
        answers["hints"] = browser.post("/needs/hints", data={
            "title": SECRET, "csrf_token": office.csrf[role]})
    return answers


@pytest.mark.parametrize("role", ["region", "firm_b", "expert"])
def test_a_confidential_need_reaches_nobody_outside_its_firm_and_office(office, role):
    need_id = office.ids["need_a"]
    answers = texts_of(office, role)
    asked_by_id = {"need", "edit", "need recs", "need page", "matches page"}

    def leaked(name: str, text: str) -> bool:
        if name in asked_by_id:  # the id the caller sent is echoed, as for an unknown one
            text = text.replace(need_id, "")
        return SECRET in text or need_id in text or "光束质量变差" in text

    leaks = {name: a.status_code for name, a in answers.items() if leaked(name, a.text)}
    assert not leaks, leaks
    assert answers["need"].status_code == 404 and answers["edit"].status_code == 404
    hidden, unknown = answers["need"].json(), answers["unknown"].json()
    assert hidden["detail"].replace(need_id, "X") == unknown["detail"].replace(
        "need:no-such-need", "X") and hidden["title"] == unknown["title"]
    assert answers["need page"].status_code == 404
    listed = answers["list"].json()
    assert listed["count"] == len(listed["data"]) == sum(listed["by_status"].values())
    if role != "expert":  # an expert may not ask for a need's matches at all (403)
        assert answers["need recs"].status_code == 404
    else:
        assert answers["need recs"].status_code == 403


def test_the_firm_and_the_office_do_see_it(office):
    need_id = office.ids["need_a"]
    for role in ("firm_a", "office"):
        answers = texts_of(office, role)
        assert SECRET in answers["list"].text and SECRET in answers["need"].text
        assert answers["need recs"].status_code == 200
    assert SECRET in answers["export"].text and need_id in answers["needs for the expert"].text


# -- sharing with an expert, audited recommendation reads, a region's candidates ---------

def audit_of(office: Office, need_id: str) -> list[tuple[str | None, str]]:
    accounts = AccountStore(accounts_path(str(office.server.db)))
    try:
        return [(e.user, e.action) for e in accounts.audit_log(target_id=need_id, limit=500)]
    finally:
        accounts.close()


def test_an_organiser_shares_a_need_with_an_expert_and_takes_it_back(office):
    need_b = office.ids["need_b"]
    with office.api("office") as org, office.api("expert") as expert:
        org.delete(f"/api/needs/{need_b}/shares/{EXPERT}")  # as the matrix may have left it
        assert expert.get(f"/api/needs/{need_b}").status_code == 404
        shared = org.put(f"/api/needs/{need_b}/shares/{EXPERT}")
        assert shared.status_code == 200, shared.text
        assert [e["name"] for e in shared.json()["experts"]] == ["示例专家西01（示意）"]
        assert org.get(f"/api/needs/{need_b}").json()["shared_with"] == [
            {"id": EXPERT, "name": "示例专家西01（示意）", "illustrative": True}]
        seen = expert.get(f"/api/needs/{need_b}")
        assert seen.status_code == 200 and seen.json()["shared_with"] == []  # staff only
        assert need_b in {n["id"] for n in expert.get("/api/needs").json()["data"]}
        with office.page("office") as browser:
            page = browser.get(f"/needs/{need_b}")
            assert "示例专家西01" in page.text and 'action="/needs/' in page.text
        assert org.delete(f"/api/needs/{need_b}/shares/{EXPERT}").json()["experts"] == []
        assert expert.get(f"/api/needs/{need_b}").status_code == 404
        assert need_b not in expert.get("/api/needs").text
        secret = org.put(f"/api/needs/{office.ids['need_a']}/shares/{EXPERT}")
        assert secret.status_code == 422 and "机密" in secret.json()["detail"]
        assert org.put(f"/api/needs/{need_b}/shares/exp:nobody").status_code == 404
    actions = audit_of(office, need_b)
    assert ("wang", "share") in actions and ("wang", "unshare") in actions


def test_recommendation_reads_that_show_a_need_are_audited(office):
    need_a = office.ids["need_a"]
    with office.api("firm_a") as firm, office.api("office") as org:
        assert firm.get(f"/api/needs/{need_a}/recommendations").status_code == 200
        found = org.get(f"/api/candidates/{EXPERT}/needs", params={"k": 50})
        assert need_a in {i["id"] for i in found.json()["items"]}
    actions = audit_of(office, need_a)
    assert ("ailaiyi", "recommend") in actions and ("wang", "recommended") in actions


def test_an_organiser_of_one_region_gets_only_that_regions_firms_and_experts(office):
    with office.api("region") as xian, office.api("office") as org:
        for kind in ("expert", "enterprise"):
            body = {"text": "超快光纤激光器光束质量控制与非线性抑制", "kind": kind, "k": 50}
            scoped = xian.post("/api/recommendations/text", json=body).json()["items"]
            everyone = org.post("/api/recommendations/text", json=body).json()["items"]
            assert scoped and all("西安" in (i["region"] or "") for i in scoped), scoped
            assert any("西安" not in (i["region"] or "") for i in everyone)


# -- the analyst: reads the analysis of its scope, never a confidential need --------------

def test_an_analyst_reads_the_report_without_the_confidential_need(office):
    ids = office.ids
    with office.api("office") as org:  # firm A's meeting about its confidential need signs
        recorded = org.post(f"/api/meetings/{ids['meeting']}/outcomes", json={
            "stage": "m1", "ledger": "signed", "contract_value": 50})
        assert recorded.status_code == 201, recorded.text
        staff = org.get(f"/api/analysis/{ids['event']}", params={"today": "2027-01-01"})
    assert staff.status_code == 200
    assert ids["need_a"] in staff.text  # the office's report names the need it ranked for
    with office.api("analyst") as analyst:
        read = analyst.get(f"/api/analysis/{ids['event']}", params={"today": "2027-01-01"})
        assert read.status_code == 200, read.text
        assert SECRET not in read.text and ids["need_a"] not in read.text
        assert "光束质量变差" not in read.text
        report = read.json()
        # the pair still counts: its signing is in the funnel and the sign rate
        assert {s["stage"]: s["count"] for s in report["funnel"]}["signed"] >= 1
        assert report["firm_sign_rate"]["successes"] >= 1
        assert any(p["firm"] == FIRM_A for p in report["partner_ranks"]["pairs"])
        # and changes nothing
        assert analyst.post(f"/api/meetings/{ids['meeting']}/outcomes", json={
            "stage": "m3", "ledger": "signed"}).status_code == 403
    with office.page("analyst") as browser:
        page = browser.get(f"/analysis/{ids['event']}")
        assert page.status_code == 200 and SECRET not in page.text
        assert 'href="/analysis"' in page.text and "分析员" in page.text
        assert browser.get(f"/needs/{ids['need_a']}").status_code == 403


def test_an_analyst_of_another_region_does_not_see_the_event(office):
    add_user(office.server.db, "zhao", "analyst", PASSWORD, "--scope", "西安")
    answer = httpx.post(office.server.url + "/api/session",
                        json={"username": "zhao", "password": PASSWORD})
    token = answer.json()["token"]
    with office.api("zhao", token) as analyst:
        assert analyst.get(f"/api/analysis/{office.ids['event']}").status_code == 404
        assert analyst.get("/api/analysis").status_code == 200
