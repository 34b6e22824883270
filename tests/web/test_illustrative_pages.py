"""Every page and every JSON answer a GET gives, served by a real `duijie serve` on the
seed data, marks each invented record's name 示意 (in the page's language) and no real
organisation's; every JSON record naming one says `illustrative` (issue 10, part 1).

The walk is held to the app's routes: a GET route is walked below or named in
`NOT_WALKED` with why it shows no seed record.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from urllib.parse import quote

import httpx
import pytest
from fastapi.routing import APIRoute
from openpyxl import load_workbook

from duijie.api.web import pages
from duijie.api.web.app import route_modules
from tests.illustrative_marks import (
    EVT,
    INVENTED_FIRM,
    INVENTED_NEED,
    NEAR_NAMES,
    build_db,
    seed_names,
    unflagged,
    unmarked,
)
from tests.web.server import PASSWORD, Server, add_user

TAG = re.compile(r"<[^>]+>")
SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
TITANIUM_CENTRE = "prog:example-rd-centre"  # invented; the titanium firm is one step away
EQUIPMENT = "prog:example-equipment-first-use"  # invented, with an invented industry list
XIAN = "evt:xian-docking-2019-05"

NOT_WALKED = {
    "/health": "liveness", "/ready": "readiness", "/login": "the sign-in form",
    "/api/session": "the signed-in account",
    "/api/export": "a JSON Lines copy of the records, each with its illustrative prop",
    "/api/embeddings": "the state of the embeddings job",
    "/api/jobs/{job_id}": "a planning job's state (its result is the plan walked here)",
    "/events/{event_id}/jobs/{job_id}": "a planning job's progress",
    "/firm": "an enterprise's redirect to its own firm page (walked as the firm)",
    "/needs/new": "the empty form of a new need",
    "/api/analysis/learn/{job_id}": "a learning job's state (counts and scores)",
    "/api/challenges/jobs/{job_id}": "a recompute job's state (its themes are walked here)",
    "/challenges/jobs/{job_id}": "a recompute job's progress",
}


def get_routes() -> set[str]:
    """The path of every GET route of the app (JSON and pages)."""
    routers = [*(m.router for m in route_modules()), pages.router]
    return {r.path for router in routers for r in router.routes
            if isinstance(r, APIRoute) and "GET" in r.methods}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    marks_db = build_db(tmp_path_factory.mktemp("pages") / "seed.db")
    add_user(marks_db, "marks-org", "organiser", PASSWORD)
    add_user(marks_db, "marks-firm", "enterprise", PASSWORD, "--party", "ent:ailaiyi")
    running = Server(marks_db, seed=False)
    yield running
    running.close()


@contextmanager
def client(server: Server, username: str, lang: str = "zh") -> Iterator[httpx.Client]:
    """Signed in through POST /api/session, which also sets the pages' cookie."""
    with httpx.Client(base_url=server.url, timeout=300,
                      cookies={"duijie_lang": lang}) as session:
        answer = session.post("/api/session",
                              json={"username": username, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        session.headers["X-CSRF-Token"] = answer.json()["csrf"]
        yield session


def page_text(session: httpx.Client, path: str) -> str:
    answer = session.get(path)
    assert answer.status_code == 200, (path, answer.text[:300])
    return TAG.sub("", SCRIPT.sub("", answer.text))


def preview_upload(session: httpx.Client) -> str:
    """An import previewed (not confirmed) whose rows merge into invented firms."""
    body = "name,region\n" + "".join(f"{n},{r}\n" for n, r in NEAR_NAMES)
    answer = session.post("/api/imports", data={"kind": "enterprise"},
                          files={"file": ("near.csv", body.encode(), "text/csv")})
    assert answer.status_code == 202, answer.text
    job = answer.json()["id"]
    for _ in range(600):
        if session.get(f"/api/imports/{job}").json()["status"] not in ("pending", "running"):
            return job
        time.sleep(0.2)
    raise AssertionError("the preview did not finish")


@pytest.fixture(scope="module")
def walk(server) -> dict[str, list[str]]:
    """Each GET route and the addresses that walk it, ids taken from the served store."""
    with client(server, "marks-org") as session:
        meetings = session.get(f"/api/events/{EVT}/meetings").json()
        meeting = next(m["id"] for m in meetings["meetings"] if m["firm"] == INVENTED_FIRM)
        problem = next(p["id"] for p in session.get("/api/problems?limit=200").json()["data"]
                       if p["illustrative"] and p["firm_id"] != INVENTED_FIRM)
        official = session.get("/api/officials").json()["officials"][0]["id"]
        job = preview_upload(session)
    return {
        "/": ["/"], "/meetings": ["/meetings"], "/events": ["/events"],
        "/events/{event_id}": [f"/events/{EVT}", f"/events/{XIAN}"],
        "/meetings/{meeting_id}": [f"/meetings/{meeting}"],
        "/firms/{firm_id}": [f"/firms/{INVENTED_FIRM}", "/firms/ent:ill-firm-011",
                             "/firms/ent:ailaiyi"],
        "/firms/{firm_id}/map": [f"/firms/{INVENTED_FIRM}/map"],
        "/api/firms/{firm_id}/map": [f"/api/firms/{INVENTED_FIRM}/map"],
        "/push": [f"/push?programme={TITANIUM_CENTRE}",
                  "/push?programme=prog:high-tech-enterprise"],
        "/problems": ["/problems"], "/problems/{need_id}": [f"/problems/{problem}"],
        "/needs": ["/needs"], "/needs/{need_id}": [f"/needs/{INVENTED_NEED}"],
        "/needs/{need_id}/edit": [f"/needs/{INVENTED_NEED}/edit"],
        "/needs/{need_id}/matches": [f"/needs/{INVENTED_NEED}/matches",
                                     f"/needs/{INVENTED_NEED}/matches?kind=institute"],
        "/challenges": ["/challenges"], "/map": [f"/map?region={quote('西安')}"],
        "/contacts": ["/contacts"], "/contacts/{official_id}": [f"/contacts/{official}"],
        "/reviews": ["/reviews", "/reviews?status=all"], "/routing": ["/routing"],
        "/imports": ["/imports"], "/imports/{job_id}": [f"/imports/{job}"],
        "/analysis": ["/analysis"], "/analysis/{event_id}": [f"/analysis/{XIAN}"],
        "/api/dashboard": ["/api/dashboard"], "/api/meetings": ["/api/meetings"],
        "/api/events": ["/api/events"], "/api/events/{event_id}": [f"/api/events/{EVT}"],
        "/api/events/{event_id}/meetings": [f"/api/events/{EVT}/meetings"],
        "/api/meetings/{meeting_id}": [f"/api/meetings/{meeting}"],
        "/api/events/{event_id}/agenda.{fmt}": [f"/api/events/{EVT}/agenda.{f}"
                                               for f in ("csv", "ics", "html", "xlsx")],
        "/api/follow-ups/overdue": ["/api/follow-ups/overdue"],
        "/api/firms/{firm_id}/profile": [f"/api/firms/{INVENTED_FIRM}/profile"],
        "/api/programmes/{programme_id}/push": [f"/api/programmes/{TITANIUM_CENTRE}/push"],
        "/api/problems": ["/api/problems"], "/api/problems/{need_id}": [f"/api/problems/{problem}"],
        "/api/problems/ledger.xlsx": ["/api/problems/ledger.xlsx"],
        "/api/officials": ["/api/officials"],
        "/api/contacts/duty": [f"/api/contacts/duty?official_id={official}"],
        "/api/routing": ["/api/routing"], "/api/challenges": ["/api/challenges"],
        "/api/needs": ["/api/needs"], "/api/needs/{need_id}": [f"/api/needs/{INVENTED_NEED}"],
        "/api/needs/{need_id}/recommendations": [
            f"/api/needs/{INVENTED_NEED}/recommendations?kind={k}"
            for k in ("expert", "institute", "programme", "enterprise")],
        "/api/candidates/{candidate_id}/needs": ["/api/candidates/exp:xian-han-zhenyu/needs"],
        "/api/map": [f"/api/map?region={quote('西安')}"],
        "/api/reviews": ["/api/reviews?status=all"],
        "/api/imports": ["/api/imports"], "/api/imports/{job_id}": [f"/api/imports/{job}"],
        "/api/analysis": ["/api/analysis"], "/api/analysis/{event_id}": [f"/api/analysis/{XIAN}"],
        **{f"/api/{what}": [f"/api/{what}?limit=200"]
           for what in ("enterprises", "experts", "institutes", "programmes")},
    }


def test_every_get_route_is_walked(walk):
    routes = get_routes()
    assert not set(NOT_WALKED) - routes, "a route named here no longer exists"
    assert not set(walk) - routes, "a walked route no longer exists"
    assert routes - set(walk) - set(NOT_WALKED) == set(), "walk each new GET route or say why not"


def read(answer: httpx.Response) -> tuple[str, object | None]:
    """What a person (or a program) reads of an answer: text, and the JSON if it is."""
    kind = answer.headers.get("content-type", "")
    if "json" in kind:
        return answer.text, answer.json()
    if "spreadsheet" in kind:
        book = load_workbook(BytesIO(answer.content), read_only=True)
        return "\n".join(str(c) for s in book for row in s.iter_rows(values_only=True)
                         for c in row if c is not None), None
    return TAG.sub("", SCRIPT.sub("", answer.text)), None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_marks_invented_names_and_only_those(server, walk, lang):
    shown, problems = {}, {}
    with client(server, "marks-org", lang) as session:
        for path in (p for route, paths in walk.items() if not route.startswith("/api/")
                     for p in paths):
            answer = session.get(path)
            assert answer.status_code == 200, (path, answer.text[:300])
            shown[path] = read(answer)[0]
            if found := unmarked(shown[path]):
                problems[path] = found
    assert problems == {}
    invented, real, _ = seed_names()
    everything = "\n".join(shown.values())
    assert sum(name in everything for name in invented) >= 60
    assert sum(name in everything for name in real) >= 30
    other = "（示意）" if lang == "en" else " (illustrative)"
    assert [p for p, text in shown.items() if other in text] == []  # one language per page


def test_every_json_answer_flags_and_marks_invented_records(server, walk):
    problems = {}
    with client(server, "marks-org") as session:
        for path in (p for route, paths in walk.items() if route.startswith("/api/")
                     for p in paths):
            answer = session.get(path)
            assert answer.status_code == 200, (path, answer.text[:300])
            text, data = read(answer)
            # A need's own title in its JSON is the field it is edited by (`unmarked`).
            found = unmarked(text, titles=data is None) + (unflagged(data) if data else [])
            if found:
                problems[path] = found
    assert problems == {}


def test_a_firm_sees_its_meetings_with_the_invented_partner_marked(server):
    with client(server, "marks-firm") as session:
        text = page_text(session, "/meetings")
        assert "示例专家西02（示意）" in text and unmarked(text) == []
        assert unmarked(page_text(session, "/firms/ent:ailaiyi")) == []
        assert unmarked(page_text(session, "/needs")) == []


@pytest.mark.parametrize(("lang", "qualifies", "mark"), [
    ("zh", "符合条件（示意）", "（示意）"), ("en", "qualifies (illustrative)", " (illustrative)")])
def test_an_eligibility_verdict_an_invented_threshold_decides_is_marked(server, lang,
                                                                         qualifies, mark):
    """加西贝拉 (real) qualifies for an invented example programme by its invented industry
    list: its page, the push page and the programme matches mark the verdict in the page's
    language, and the invented programme's name; a real programme's published criteria
    (高新技术企业认定) and its answer without rules are not marked."""
    with client(server, "marks-org", lang) as session:
        firm = session.get("/firms/ent:jiaxipera").text
        offer = re.search(f'<li data-programme="{EQUIPMENT}">.*?</li>', firm)
        assert offer and qualifies in TAG.sub("", offer.group()), firm[:300]
        assert "示例：装备首用推广计划" + mark in TAG.sub("", offer.group())
        real = session.get("/firms/ent:ill-firm-005").text  # 高企's criteria to check
        asked = re.search(r'<li data-field="core_ip">.*?</li>', real)
        assert asked and "高新技术企业认定" in asked.group()
        assert mark not in TAG.sub("", asked.group())
        for programme, invented in ((EQUIPMENT, True), ("prog:high-tech-enterprise", False)):
            page = session.get(f"/push?programme={programme}").text
            summary = TAG.sub("", re.search(r'<p id="push-summary">.*?</p>', page).group())
            assert (mark in summary) is invented, summary
        # need:ill-0007's firm meets the example's invented industry rule; 山东省首台（套）
        # has no rules recorded (and is 山东's): said so, never "eligible"
        matches = TAG.sub("", session.get("/needs/need:ill-0007/matches?kind=programme").text)
        verdict = "符合申报条件" if lang == "zh" else "Eligible to apply"
        assert verdict + mark in matches
        assert not re.search(r"(?<!不)" + re.escape(verdict) + r"(?!（示意）| \(illustrative\))",
                             matches)
        assert ("申报条件未录入，请以当年申报通知为准" if lang == "zh" else
                "No conditions recorded: see the year&#39;s call for applications") in matches
