"""The authorisation matrix as data: for every route of the app, how to call it and the
status each role gets (read by tests/web/test_authorization_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

PASSWORD = "correct horse battery"
EXPERT = "exp:xian-han-zhenyu"
HELPER = "inst:xidian-university"
FIRM_A, FIRM_B = "ent:ailaiyi", "ent:xinyun-wood"
SECRET = "机密：超快光纤激光器光束质量控制（矩阵）"
ROLES = ("office", "region", "firm_a", "firm_b", "expert", "anon", "analyst")
USERS = {"office": ("wang", "organiser"), "region": ("zhou", "organiser", "--scope", "西安"),
         "firm_a": ("ailaiyi", "enterprise", "--party", FIRM_A),
         "firm_b": ("xinyun", "enterprise", "--party", FIRM_B),
         "expert": ("han", "expert", "--party", EXPERT), "analyst": ("li", "analyst")}


@dataclass
class Office:
    """The server, each role's session and the records the matrix calls routes on."""

    server: Any
    tokens: dict[str, str] = field(default_factory=dict)
    csrf: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    def sign_in(self, role: str) -> tuple[str, str]:
        answer = httpx.post(self.server.url + "/api/session",
                            json={"username": USERS[role][0], "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        return answer.json()["token"], answer.json()["csrf"]

    def api(self, role: str, token: str | None = None) -> httpx.Client:
        token = token or self.tokens.get(role)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.server.url, timeout=120, headers=headers)

    def page(self, role: str) -> httpx.Client:
        """A browser: the session cookie, and asking for HTML."""
        cookies = {"duijie_session": self.tokens[role]} if role in self.tokens else {}
        return httpx.Client(base_url=self.server.url, timeout=120, cookies=cookies,
                            headers={"Accept": "text/html"})


# -- the matrix -------------------------------------------------------------------------
# For each route: how to call it, and what each role gets, in ROLES order.
Body = Callable[[Office, str], dict[str, Any]] | dict[str, Any] | None


@dataclass(frozen=True)
class Entry:
    expect: tuple[int | set[int], ...]  # per role, in ROLES order
    body: Body = None
    params: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)  # the query string
    form: bool = False  # a page's form post (cookie + csrf_token)
    files: bool = False
    fresh: bool = False  # a session of its own (the request ends it)
    # An analyst reads the analysis and changes nothing: refused (403) unless said here.
    analyst: int | set[int] = 403

    @property
    def expects(self) -> tuple[int | set[int], ...]:
        """What each role gets, in ROLES order (the analyst last)."""
        return (*self.expect, self.analyst)


def rev_of(need_key: str, *, edit: bool = False, form: bool = False
           ) -> Callable[[Office, str], dict[str, Any]]:
    """The need's current revision (read by the office), with a change or the whole
    form as the edit page sends it."""
    def body(office: Office, role: str) -> dict[str, Any]:
        with office.api("office") as org:
            need = org.get(f"/api/needs/{office.ids[need_key]}").json()
        sent: dict[str, Any] = {"rev": need["rev"]}
        if form:
            sent |= {k: "" if need.get(k) is None else need[k] for k in (
                "title", "text", "description", "need_type", "trl", "budget_wan", "deadline",
                "region", "tech_field", "confidentiality")} | {"priority": 2}
        elif edit:
            sent["priority"] = 2
        return sent
    return body


def routing_as_read(office: Office, role: str) -> dict[str, Any]:
    """The routing table sent back as the office reads it (its revision, rules, departments)."""
    with office.api("office") as org:
        table = org.get("/api/routing").json()
    return {k: table[k] for k in ("rules", "departments", "escalate_after_days",
                                  "default_due_days", "rev")}


def routing_form(office: Office, role: str) -> dict[str, Any]:
    """The routing page's form with one catch-all rule (one value per field)."""
    table = routing_as_read(office, role)
    return {"need_type": "*", "region": "*", "department": "企业服务办公室", "due_days": "30",
            "departments": "企业服务办公室", "escalate_after_days": "15",
            "default_due_days": "30", "rev": table["rev"]}


def official_edit(office: Office, role: str) -> dict[str, Any]:
    """A capacity change from the official's revision as read now."""
    with office.api("office") as org:
        found = [o for o in org.get("/api/officials").json()["officials"]
                 if o["id"] == office.ids["official"]]
    return {"rev": found[0]["rev"], "capacity": 12, "department": found[0]["department"]}


OK, HIDE, DENY, ANON = 200, 404, 403, 401
ORGANISERS = (OK, OK, DENY, DENY, DENY, ANON)  # every organiser; nobody else
OFFICE_ONLY = (OK, HIDE, DENY, DENY, DENY, ANON)  # organisers in scope (丽水)
SIGNED_IN = (OK, OK, OK, OK, OK, ANON)
EVENT_READ = (OK, HIDE, OK, HIDE, OK, ANON)  # the event's organisers and parties
PAGE_ORGANISERS = (OK, OK, DENY, DENY, DENY, 303)  # a browser is sent to sign in
PAGE_OFFICE_ONLY = (OK, HIDE, DENY, DENY, DENY, 303)
PAGE_SIGNED_IN = (OK, OK, OK, OK, OK, 303)
FORM_ORGANISERS = (303, 303, DENY, DENY, DENY, 303)
FORM_OFFICE_ONLY = (303, HIDE, DENY, DENY, DENY, 303)
NEED_A_READ = (OK, HIDE, OK, HIDE, HIDE, ANON)
DAY = ["2026-12-10"]

MATRIX: dict[str, Entry] = {
    "GET /health": Entry((OK,) * 6, analyst=OK),
    "GET /ready": Entry((OK,) * 6, analyst=OK),
    "POST /api/session": Entry((OK,) * 6, {"username": "wang", "password": PASSWORD},
                                analyst=OK),
    "GET /api/session": Entry(SIGNED_IN, analyst=OK),
    "DELETE /api/session": Entry((204, 204, 204, 204, 204, ANON), fresh=True, analyst=204),
    "GET /api/dashboard": Entry(ORGANISERS),
    "GET /api/enterprises": Entry(SIGNED_IN),
    "GET /api/experts": Entry(SIGNED_IN),
    "GET /api/institutes": Entry(SIGNED_IN),
    "GET /api/programmes": Entry(SIGNED_IN),
    "GET /api/needs": Entry(SIGNED_IN),
    # one rule: a firm account may never submit for another firm (403, whatever the firm);
    # a firm outside an organiser's region is answered as an unknown one (404)
    "POST /api/needs": Entry((201, HIDE, 201, DENY, DENY, ANON), lambda o, role: {
        "title": f"矩阵测试需求（{role}）", "region": "丽水", "firm_id": FIRM_A}),
    "POST /api/needs/similar": Entry(SIGNED_IN, {"title": "光纤激光器", "text": "光束质量"}),
    "POST /api/needs/check": Entry(SIGNED_IN, {"title": "光纤激光器"}),
    "GET /api/needs/{need_id}": Entry(NEED_A_READ, params={"need_id": "need_a"}),
    "PATCH /api/needs/{need_id}": Entry(NEED_A_READ, rev_of("need_a", edit=True),
                                        {"need_id": "need_a"}),
    "POST /api/needs/{need_id}/withdraw": Entry((OK, HIDE, HIDE, {OK, 409}, HIDE, ANON),
                                                rev_of("need_b"), {"need_id": "need_b"}),
    "PUT /api/needs/{need_id}/shares/{expert_id}": Entry(OFFICE_ONLY, params={
        "need_id": "need_b", "expert_id": EXPERT}),
    "DELETE /api/needs/{need_id}/shares/{expert_id}": Entry(OFFICE_ONLY, params={
        "need_id": "need_b", "expert_id": EXPERT}),
    "GET /api/needs/{need_id}/recommendations": Entry((OK, HIDE, OK, HIDE, DENY, ANON),
                                                      params={"need_id": "need_a"}),
    "GET /api/candidates/{candidate_id}/needs": Entry(ORGANISERS,
                                                      params={"candidate_id": EXPERT}),
    "POST /api/recommendations/text": Entry(ORGANISERS, {"text": "光纤激光器光束质量"}),
    "GET /api/reviews": Entry(ORGANISERS),
    "POST /api/reviews/{item_id}/decision": Entry(
        ({OK, 409}, HIDE, DENY, DENY, DENY, ANON), {"decision": "reject"},
        {"item_id": "review"}),
    "GET /api/events": Entry(SIGNED_IN),
    "POST /api/events": Entry((201, 201, DENY, DENY, DENY, ANON), lambda o, role: {
        "name": f"矩阵新建活动（{role}）", "days": DAY}),
    "GET /api/events/{event_id}": Entry(EVENT_READ, params={"event_id": "event"}),
    "PATCH /api/events/{event_id}": Entry(OFFICE_ONLY, {"place": "丽水市会展中心"},
                                          {"event_id": "event"}),
    "PUT /api/events/{event_id}/grid": Entry(OFFICE_ONLY, {"days": DAY, "tables": 2},
                                             {"event_id": "event"}),
    "POST /api/events/{event_id}/participants": Entry(OFFICE_ONLY, {"participants": [HELPER]},
                                                      {"event_id": "event"}),
    "POST /api/events/{event_id}/invitations": Entry(
        ({202, 409}, HIDE, DENY, DENY, DENY, ANON), {"budget": 1}, {"event_id": "event"}),
    "POST /api/events/{event_id}/rules": Entry(
        (201, HIDE, DENY, DENY, DENY, ANON),
        {"kind": "forbid", "firm": FIRM_A, "helper": HELPER},
        {"event_id": "event"}),
    "POST /api/events/{event_id}/plan": Entry(({202, 409}, HIDE, DENY, DENY, DENY, ANON),
                                              {}, {"event_id": "event"}),
    "GET /api/jobs/{job_id}": Entry(OFFICE_ONLY, params={"job_id": "job"}),
    "DELETE /api/jobs/{job_id}": Entry(OFFICE_ONLY, params={"job_id": "job"}),
    # the embeddings serve every region: only an organiser without a scope starts them
    "POST /api/embeddings": Entry(({202, 409}, DENY, DENY, DENY, DENY, ANON), {}),
    "GET /api/embeddings": Entry(ORGANISERS),
    "POST /api/events/{event_id}/schedule": Entry(OFFICE_ONLY, {}, {"event_id": "event"}),
    # published already by the fixture: "nothing scheduled to publish" (422) is a pass
    "POST /api/events/{event_id}/publish": Entry(({OK, 422}, HIDE, DENY, DENY, DENY, ANON),
                                                 None, {"event_id": "event"}),
    "GET /api/events/{event_id}/meetings": Entry(EVENT_READ, params={"event_id": "event"}),
    "GET /api/meetings": Entry(SIGNED_IN),
    "GET /api/meetings/{meeting_id}": Entry(EVENT_READ, params={"meeting_id": "meeting"}),
    "GET /api/events/{event_id}/agenda.{fmt}": Entry(EVENT_READ, params={
        "event_id": "event", "fmt": "ics"}),
    "POST /api/meetings/{meeting_id}/outcomes": Entry(
        (201, HIDE, DENY, DENY, DENY, ANON), {"stage": "post_event", "held": True},
        {"meeting_id": "meeting"}),
    "POST /api/meetings/{meeting_id}/follow-ups": Entry(
        (201, HIDE, DENY, DENY, DENY, ANON),
        {"action": "寄送样品", "owner": "王老师", "due": "2026-12-20"},
        {"meeting_id": "meeting"}),
    "GET /api/follow-ups/overdue": Entry(ORGANISERS),
    "POST /api/imports": Entry((202, 202, DENY, DENY, DENY, ANON), files=True),
    "GET /api/imports": Entry(ORGANISERS),
    "GET /api/imports/{job_id}": Entry(ORGANISERS, params={"job_id": "import"}),
    "POST /api/imports/{job_id}/confirm": Entry(({202, 409}, {202, 409}, DENY, DENY, DENY,
                                                 ANON), params={"job_id": "import"}),
    "POST /api/imports/{job_id}/cancel": Entry(ORGANISERS, params={"job_id": "import"}),
    "GET /api/export": Entry((OK, DENY, DENY, DENY, DENY, ANON)),
    # the office's jobs: problems (firm A's), a firm's profile, programme push, contacts
    "GET /api/problems": Entry(SIGNED_IN),
    "GET /api/problems/ledger.xlsx": Entry(ORGANISERS),
    "GET /api/problems/{need_id}": Entry((OK, HIDE, OK, HIDE, HIDE, ANON),
                                         params={"need_id": "problem"}),
    "POST /api/problems": Entry((201, HIDE, DENY, DENY, DENY, ANON), {
        "firm_id": FIRM_A, "title": "矩阵测试问题：用地审批慢", "region": "丽水"}),
    "POST /api/problems/{need_id}/assign": Entry(OFFICE_ONLY, {"department": "丽水市经信局"},
                                                 {"need_id": "problem"}),
    # closed by then ("close" comes first): a closed problem takes no steps (422) is a pass
    "POST /api/problems/{need_id}/steps": Entry(({OK, 422}, HIDE, DENY, DENY, DENY, ANON),
                                                {"text": "已电话联系企业"},
                                                {"need_id": "problem"}),
    "POST /api/problems/{need_id}/close": Entry(({OK, 422}, HIDE, DENY, DENY, DENY, ANON),
                                                {"answer": "已解决", "seen": "2026-12-03"},
                                                {"need_id": "problem"}),
    "GET /api/firms/{firm_id}/profile": Entry((OK, HIDE, OK, HIDE, HIDE, ANON),
                                              params={"firm_id": FIRM_A}),
    "GET /api/programmes/{programme_id}/push": Entry(ORGANISERS,
                                                     params={"programme_id": "programme"}),
    "GET /api/officials": Entry(ORGANISERS),
    "POST /api/officials": Entry((201, 201, DENY, DENY, DENY, ANON), lambda o, role: {
        "name": f"矩阵联络员{role}", "department": "经信局", "regions": ["丽水"]}),
    "POST /api/contacts/plan": Entry(ORGANISERS, {"firm_ids": [FIRM_A]}),
    "POST /api/contacts": Entry((201, {201, HIDE}, DENY, DENY, DENY, ANON), lambda o, role: {
        "official_id": o.ids["official"], "firm_id": FIRM_A, "note": "走访"}),
    "GET /api/contacts/duty": Entry(ORGANISERS),
    # the routing table: any organiser reads; only one without a scope changes it
    "GET /api/routing": Entry(ORGANISERS),
    "PUT /api/routing": Entry((OK, DENY, DENY, DENY, DENY, ANON), routing_as_read),
    "PATCH /api/officials/{official_id}": Entry(ORGANISERS, official_edit,
                                                {"official_id": "official"}),
    # "none": nothing recorded before, so the push the matrix calls is unchanged
    "POST /api/firms/{firm_id}/programmes": Entry(OFFICE_ONLY, lambda o, role: {
        "programme_id": o.ids["programme"], "status": "none"}, {"firm_id": FIRM_A}),
    "POST /api/meetings/{meeting_id}/problems": Entry((201, HIDE, DENY, DENY, DENY, ANON), {
        "title": "矩阵：洽谈中提出的问题"}, {"meeting_id": "meeting"}),
    "GET /api/analysis": Entry(ORGANISERS, analyst=OK),
    # learning serves the whole office: started and cancelled by an organiser without a
    # region (202, or 409 while one runs), its state read by any organiser
    "POST /api/analysis/learn": Entry(({202, 409}, DENY, DENY, DENY, DENY, ANON)),
    "GET /api/analysis/learn/{job_id}": Entry(ORGANISERS, params={"job_id": "learn_job"}),
    "DELETE /api/analysis/learn/{job_id}": Entry((OK, DENY, DENY, DENY, DENY, ANON),
                                                 params={"job_id": "learn_job"}),
    # challenge lists: any organiser reads; only one without a scope reshapes themes (an
    # unknown theme is stale: 409)
    "GET /api/challenges": Entry(ORGANISERS, params={}),
    # a run is a job: 202, or 409 while another runs; its state for any organiser, its
    # cancel for one without a scope (a finished job answers as it ended)
    "POST /api/challenges/recompute": Entry(({202, 409}, DENY, DENY, DENY, DENY, ANON)),
    "GET /api/challenges/jobs/{job_id}": Entry(ORGANISERS, params={"job_id": "challenge_job"}),
    "DELETE /api/challenges/jobs/{job_id}": Entry((OK, DENY, DENY, DENY, DENY, ANON),
                                                  params={"job_id": "challenge_job"}),
    "POST /api/challenges/{theme_id}/rename": Entry((409, DENY, DENY, DENY, DENY, ANON), {
        "name": "矩阵榜单", "rev": 0}, {"theme_id": "theme:none"}),
    "POST /api/challenges/merge": Entry((409, DENY, DENY, DENY, DENY, ANON), {
        "themes": ["theme:none", "theme:other"], "revs": [0, 0]}),
    "POST /api/challenges/{theme_id}/split": Entry((409, DENY, DENY, DENY, DENY, ANON), {
        "needs": ["need:none"], "rev": 0}, {"theme_id": "theme:none"}),
    "GET /api/analysis/{event_id}": Entry(OFFICE_ONLY, params={"event_id": "event"},
                                          analyst=OK),
    # the innovation map: organisers; one whose scope (西安) has no firms of the industry
    # gets 404
    "GET /api/map": Entry(OFFICE_ONLY, query={"industry": "纺织印染"}),
    # a firm's own map: the firm and the organisers in its scope (丽水); no one else
    "GET /api/firms/{firm_id}/map": Entry((OK, HIDE, OK, HIDE, HIDE, ANON),
                                          params={"firm_id": FIRM_A}),
    # pages
    "GET /": Entry((OK,) * 5 + (303,), analyst=303),  # an analyst: to the analysis
    "GET /problems": Entry((OK, OK, OK, OK, DENY, 303)),
    "GET /problems/{need_id}": Entry((OK, HIDE, OK, HIDE, DENY, 303),
                                     params={"need_id": "problem"}),
    # a problem recorded from the ledger page: organisers only, a region's only for its firms
    "POST /problems/new": Entry((303, {303, HIDE}, DENY, DENY, DENY, 303), {
        "firm": FIRM_A, "title": "矩阵：页面登记的问题", "need_type": "problem",
        "text": "企业反映用地审批慢"}, form=True),
    "POST /problems/{need_id}/{action}": Entry(({303, 422}, HIDE, DENY, DENY, DENY, 303),
                                               {"text": "再次联系"}, {
        "need_id": "problem", "action": "step"}, form=True),
    "GET /firm": Entry((DENY, DENY, 303, 303, DENY, 303)),  # a firm: to its own profile
    "GET /firms/{firm_id}": Entry((OK, HIDE, OK, HIDE, DENY, 303),
                                  params={"firm_id": FIRM_A}),
    "GET /push": Entry(PAGE_ORGANISERS),
    "GET /challenges": Entry(PAGE_ORGANISERS),
    "GET /map": Entry(PAGE_OFFICE_ONLY, query={"industry": "纺织印染"}),
    "GET /firms/{firm_id}/map": Entry((OK, HIDE, OK, HIDE, HIDE, 303),
                                      params={"firm_id": FIRM_A}),
    "POST /challenges/recompute": Entry((303, DENY, DENY, DENY, DENY, 303), {}, form=True),
    "GET /challenges/jobs/{job_id}": Entry(PAGE_ORGANISERS, params={"job_id": "challenge_job"}),
    "POST /challenges/jobs/{job_id}/cancel": Entry((303, DENY, DENY, DENY, DENY, 303), {},
                                                   {"job_id": "challenge_job"}, form=True),
    "GET /contacts": Entry(PAGE_ORGANISERS),
    # the plan's own refusal (422, said on the page) is a pass: the role got through
    "POST /contacts/plan": Entry(({OK, 422}, {OK, 422}, DENY, DENY, DENY, 303), {},
                                 form=True),
    "POST /contacts/officials": Entry(FORM_ORGANISERS, {
        "name": "矩阵干部", "department": "丽水市经信局", "capacity": "3"}, form=True),
    "GET /contacts/{official_id}": Entry(PAGE_ORGANISERS, params={"official_id": "official"}),
    "POST /contacts/{official_id}/record": Entry(FORM_ORGANISERS, {"firm_id": FIRM_A}, {
        "official_id": "official"}, form=True),
    "GET /analysis": Entry(PAGE_ORGANISERS, analyst=OK),
    "POST /analysis/learn": Entry((303, DENY, DENY, DENY, DENY, 303), {}, form=True),
    "GET /analysis/{event_id}": Entry(PAGE_OFFICE_ONLY, params={"event_id": "event"},
                                      analyst=OK),
    "GET /login": Entry((OK,) * 6, analyst=OK),
    "POST /login": Entry((303,) * 6, {"username": "wang", "password": PASSWORD}, form=True,
                        analyst=303),
    "POST /logout": Entry((303,) * 6, {}, form=True, fresh=True, analyst=303),
    "GET /routing": Entry(PAGE_ORGANISERS),
    "POST /routing": Entry((303, DENY, DENY, DENY, DENY, 303), routing_form, form=True),
    "POST /contacts/{official_id}/edit": Entry(FORM_ORGANISERS, official_edit, {
        "official_id": "official"}, form=True),
    "POST /meetings/{meeting_id}/problems": Entry(FORM_OFFICE_ONLY, {
        "title": "矩阵：页面登记的洽谈问题"}, {"meeting_id": "meeting"}, form=True),
    "POST /firms/{firm_id}/visit": Entry(FORM_OFFICE_ONLY, lambda o, role: {
        "official_id": o.ids["official"], "note": "走访"}, {"firm_id": FIRM_A}, form=True),
    "POST /firms/{firm_id}/programmes": Entry(FORM_OFFICE_ONLY, lambda o, role: {
        "programme_id": o.ids["programme"], "status": "none"}, {"firm_id": FIRM_A},
        form=True),
    "GET /needs": Entry(PAGE_SIGNED_IN),
    "GET /needs/new": Entry((OK, OK, OK, OK, DENY, 303)),
    # the form says so at the firm field (422), as for an unknown firm
    "POST /needs/new": Entry((303, 422, 303, DENY, DENY, 303), lambda o, role: {
        "title": f"矩阵页面需求（{role}）", "region": "丽水", "firm_id": FIRM_A}, form=True),
    "POST /needs/hints": Entry((OK, OK, OK, OK, OK, 303), {"title": "光纤激光器"},
                               form=True),
    "GET /needs/{need_id}": Entry((OK, HIDE, OK, HIDE, HIDE, 303),
                                  params={"need_id": "need_a"}),
    "GET /needs/{need_id}/edit": Entry((OK, HIDE, OK, HIDE, HIDE, 303),
                                       params={"need_id": "need_a"}),
    "POST /needs/{need_id}/edit": Entry((303, HIDE, 303, HIDE, HIDE, 303),
                                        rev_of("need_a", form=True), {"need_id": "need_a"},
                                        form=True),
    "POST /needs/{need_id}/withdraw": Entry(({303, 409}, HIDE, HIDE, {303, 409}, HIDE, 303),
                                            rev_of("need_b"), {"need_id": "need_b"},
                                            form=True),
    "POST /needs/{need_id}/shares": Entry(FORM_OFFICE_ONLY, {
        "expert": EXPERT, "action": "unshare"}, {"need_id": "need_b"}, form=True),
    "GET /needs/{need_id}/matches": Entry((OK, HIDE, OK, HIDE, DENY, 303),
                                          params={"need_id": "need_a"}),
    "GET /reviews": Entry(PAGE_ORGANISERS),
    "POST /reviews/{item_id}": Entry(({303, 409}, HIDE, DENY, DENY, DENY, 303),
                                     {"decision": "reject"},
                                     {"item_id": "review"}, form=True),
    "GET /events": Entry(PAGE_SIGNED_IN),  # a party sees the events it takes part in
    "GET /events/{event_id}": Entry((OK, HIDE, 303, 303, 303, 303),
                                    params={"event_id": "event"}),
    "POST /events/{event_id}/grid": Entry(FORM_OFFICE_ONLY, {"days": DAY[0], "tables": "2"},
                                          {"event_id": "event"}, form=True),
    "POST /events/{event_id}/invite": Entry(FORM_OFFICE_ONLY, {"names": ""},
                                            {"event_id": "event"}, form=True),
    "POST /events/{event_id}/invitations": Entry(FORM_OFFICE_ONLY, {"budget": "1"},
                                                 {"event_id": "event"}, form=True),
    "POST /events/{event_id}/rules": Entry(FORM_OFFICE_ONLY, {
        "kind": "forbid", "firm": FIRM_A, "helper": HELPER},
        {"event_id": "event"}, form=True),
    "POST /events/{event_id}/plan": Entry(FORM_OFFICE_ONLY, {}, {"event_id": "event"},
                                          form=True),
    "GET /events/{event_id}/jobs/{job_id}": Entry(PAGE_OFFICE_ONLY, params={
        "event_id": "event", "job_id": "job"}),
    "POST /events/{event_id}/schedule": Entry(FORM_OFFICE_ONLY, {}, {"event_id": "event"},
                                              form=True),
    "POST /events/{event_id}/publish": Entry(FORM_OFFICE_ONLY, {}, {"event_id": "event"},
                                             form=True),
    "GET /meetings": Entry(PAGE_SIGNED_IN),
    "GET /meetings/{meeting_id}": Entry((OK, HIDE, OK, HIDE, OK, 303),
                                        params={"meeting_id": "meeting"}),
    "POST /meetings/{meeting_id}/outcome": Entry(FORM_OFFICE_ONLY, {
        "stage": "post_event", "held": "true"}, {"meeting_id": "meeting"}, form=True),
    "POST /meetings/{meeting_id}/follow-up": Entry(FORM_OFFICE_ONLY, {
        "action": "回访", "owner": "王老师", "due": "2026-12-21"}, {"meeting_id": "meeting"},
        form=True),
    "GET /imports": Entry(PAGE_ORGANISERS),
    "POST /imports": Entry(FORM_ORGANISERS, files=True, form=True),
    "GET /imports/{job_id}": Entry(PAGE_ORGANISERS, params={"job_id": "import"}),
    "POST /imports/{job_id}/confirm": Entry(({303, 409}, {303, 409}, DENY, DENY, DENY, 303),
                                            {}, {"job_id": "import"}, form=True),
}
