"""Docking events over HTTP against a real `duijie serve`: the Xi'an seed event invited,
planned as a job (and a plan cancelled), scheduled, published, its agendas parsed back,
outcomes recorded and audited; firms read only their own meetings; bad input is a
problem document, never a 500."""

from __future__ import annotations

import csv
import io
import time
from urllib.parse import unquote

import httpx
import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from duijie.api.services.accounts import accounts_path
from duijie.graph.accounts import AccountStore
from duijie.graph.vocab import PARTY_REASONS
from tests.web.server import Server, ended_job, serve_with_accounts, signed_in

PASSWORD = "correct horse battery"
XIAN = "evt:xian-docking-2019-05"
# Two real Xi'an universities (the seed knows only their names) and the invented Xi'an
# side that works in the firms' fields.
HELPERS = ["inst:xidian-university", "inst:xian-jiaotong-university",
           "inst:ill-xian-optics", "inst:ill-xian-materials", "inst:ill-xian-motors",
           "inst:ill-xian-electronics", "inst:ill-xian-titanium", "inst:ill-xian-environment"]
DALI, JINGGONG = "ent:dali-technology", "ent:jinggong-composites"


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    yield from serve_with_accounts(tmp_path_factory, "events", [
        ("wang", "organiser", "--name", "王老师"), ("dali", "enterprise", "--party", DALI),
        ("ailaiyi", "enterprise", "--party", "ent:ailaiyi")])


def client(server: Server, username: str) -> httpx.Client:
    return signed_in(server, username)


def wait_for(http: httpx.Client, job_id: str) -> dict:
    return ended_job(http, f"/api/jobs/{job_id}")


def meetings_of(http: httpx.Client, event_id: str = XIAN) -> dict[str, str]:
    answer = http.get(f"/api/events/{event_id}/meetings")
    assert answer.status_code == 200, answer.text
    return {m["id"]: m["status"] for m in answer.json()["meetings"]}


@pytest.fixture(scope="module")
def planned(office):
    """The Xi'an event with its recorded firms and eight Xi'an institutes, planned."""
    with client(office, "wang") as http:
        event = http.get(f"/api/events/{XIAN}").json()
        assert event["has_record"] and event["slots"] == []
        invited = http.post(f"/api/events/{XIAN}/participants",
                            json={"from_record": True, "participants": HELPERS})
        assert invited.status_code == 200, invited.text
        names = {a["id"]: a["name"] for a in invited.json()["added"]}
        assert names["inst:xidian-university"] == "西安电子科技大学" and DALI in names
        started = http.post(f"/api/events/{XIAN}/plan", json={})
        assert started.status_code == 202, started.text
        job = wait_for(http, started.json()["id"])
        assert job["status"] == "done", job
        yield job


def test_planning_is_a_job_with_stages_and_a_named_result(office, planned):
    plan = planned["result"]
    assert planned["kind"] == "plan" and planned["subject"] == XIAN and planned["steps"] > 0
    assert plan["event_id"] == XIAN and plan["covered_firms"] >= 8
    for m in plan["meetings"]:
        assert m["firm_name"] and m["helper_name"] and m["meeting_id"]
        assert 0 < m["score"] <= 1 and m["reasons"]
    with client(office, "wang") as http:
        assert set(meetings_of(http)) == {m["meeting_id"] for m in plan["meetings"]}
        detail = http.get(f"/api/events/{XIAN}").json()
    assert len(detail["slots"]) > 0 and detail["tables"]
    assert {p["id"] for p in detail["participants"]} >= {DALI, *HELPERS}


def test_a_cancelled_plan_writes_nothing_and_blocks_nobody(office, planned):
    with client(office, "wang") as http:
        before = meetings_of(http)
        started = http.post(f"/api/events/{XIAN}/plan", json={})
        assert started.status_code == 202
        again = http.post(f"/api/events/{XIAN}/plan", json={})  # one plan of an event at once
        assert again.status_code == 409
        assert again.headers["content-type"].startswith("application/problem+json")
        t0 = time.monotonic()
        assert http.get("/api/events").status_code == 200  # served while the plan runs
        assert time.monotonic() - t0 < 5
        cancelled = http.delete(f"/api/jobs/{started.json()['id']}")
        assert cancelled.status_code == 200
        assert cancelled.json()["status"] == "cancelled", cancelled.json()
        assert cancelled.json()["result"] is None
        assert meetings_of(http) == before
        assert http.get("/api/jobs/nosuchjob").status_code == 404


def test_re_plan_with_a_pin_schedule_publish_and_agendas(office, planned):
    plan = planned["result"]
    firm = plan["meetings"][0]["firm"]
    taken = {m["helper"] for m in plan["meetings"] if m["firm"] == firm}
    helper = next(h for h in HELPERS if h not in taken)
    with client(office, "wang") as http:
        rule = http.post(f"/api/events/{XIAN}/rules",
                         json={"kind": "pin", "firm": firm, "helper": helper})
        assert rule.status_code == 201, rule.text
        assert rule.json()["helper_name"] and rule.json()["firm_name"]
        job = wait_for(http, http.post(f"/api/events/{XIAN}/plan").json()["id"])
        assert job["status"] == "done", job
        pairs = {(m["firm"], m["helper"]): m for m in job["result"]["meetings"]}
        assert pairs[(firm, helper)]["source"] == "pinned"
        placed = http.post(f"/api/events/{XIAN}/schedule", json={})
        assert placed.status_code == 200, placed.text
        placements = placed.json()["placements"]
        assert placements and all(p["firm_name"] and p["helper_name"] for p in placements)
        published = http.post(f"/api/events/{XIAN}/publish")
        assert published.json()["published"] == len(placements)

        ics = http.get(f"/api/events/{XIAN}/agenda.ics")
        assert ics.headers["content-type"].startswith("text/calendar")
        disposition = ics.headers["content-disposition"]
        assert 'filename="evt-xian-docking-2019-05-all.ics"' in disposition  # ASCII fallback
        named = unquote(disposition.split("filename*=UTF-8''")[1])  # RFC 6266: names
        event_name = http.get(f"/api/events/{XIAN}").json()["name"]
        assert named.startswith(event_name.split()[0]) and named.endswith("-全部日程.ics")
        assert XIAN not in named
        events = Calendar.from_ical(ics.content).walk("VEVENT")
        assert len(events) == len(placements)
        xlsx = http.get(f"/api/events/{XIAN}/agenda.xlsx")
        assert xlsx.headers["content-type"] == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        assert xlsx.headers["content-disposition"].startswith("attachment;")
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet.max_row == 2 + len(placements)
        text = http.get(f"/api/events/{XIAN}/agenda.csv")
        assert text.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
        assert len(rows) == 1 + len(placements)
        page = http.get(f"/api/events/{XIAN}/agenda.html")
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["content-disposition"].startswith("inline;")
        assert placements[0]["firm_name"] in page.text
        assert http.get(f"/api/events/{XIAN}/agenda.pdf").status_code == 422


def test_outcomes_and_follow_ups_are_recorded_and_audited(office, planned):
    with client(office, "wang") as http:
        meeting = next(m for m in http.get(f"/api/events/{XIAN}/meetings").json()["meetings"]
                       if m["start"])
        mid = meeting["id"]
        out = http.post(f"/api/meetings/{mid}/outcomes",
                        json={"held": True, "rating_need_side": 5, "intent": True})
        assert out.status_code == 201, out.text
        assert out.json()["meeting"]["status"] == "held"
        assert set(out.json()["need_status"].values()) <= {"met", "signed"}
        check_in = http.post(f"/api/meetings/{mid}/outcomes",
                             json={"stage": "m3", "ledger": "signed", "contract_value": 120})
        assert check_in.status_code == 201, check_in.text
        no_ledger = http.post(f"/api/meetings/{mid}/outcomes", json={"stage": "m6"})
        assert no_ledger.status_code == 422 and "ledger" in no_ledger.json()["detail"]
        in_yuan = http.post(f"/api/meetings/{mid}/outcomes", json={
            "stage": "m12", "ledger": "funded", "contract_value": 1_200_000, "unit": "元"})
        assert in_yuan.status_code == 422 and "万元" in in_yuan.json()["detail"]
        follow = http.post(f"/api/meetings/{mid}/follow-ups",
                           json={"action": "技术合同认定登记", "owner": "王老师",
                                 "due": "2019-06-30"})
        assert follow.status_code == 201, follow.text
        overdue = http.get("/api/follow-ups/overdue", params={"event_id": XIAN}).json()
        assert any(f["meeting_id"] == mid and f["action"] == "技术合同认定登记"
                   for f in overdue["follow_ups"])
        seen = http.get(f"/api/meetings/{mid}").json()
        assert [o["stage"] for o in seen["outcomes"]] == ["post_event", "m3"]
        assert seen["follow_ups"][0]["owner"] == "王老师"
    accounts = AccountStore(accounts_path(str(office.db)))
    try:
        actions = {(e.action, e.user) for e in accounts.audit_log(limit=1000)}
        outcome_targets = {e.target_id for e in accounts.audit_log(limit=1000)
                           if e.action == "record_outcome"}
    finally:
        accounts.close()
    assert {("plan", "wang"), ("publish", "wang"), ("record_outcome", "wang")} <= actions
    assert out.json()["id"] in outcome_targets


def test_a_firm_reads_only_its_own_meetings(office, planned):
    with client(office, "wang") as http:
        everything = http.get(f"/api/events/{XIAN}/meetings").json()["meetings"]
    shown = ("published", "held")  # a proposal is the organisers' draft
    own = [m for m in everything if m["firm"] == DALI and m["status"] in shown]
    assert all(m["status"] in shown for m in everything if m["start"])
    others = [m for m in everything if m["firm"] != DALI]
    assert own and others
    with client(office, "dali") as http:
        mine = http.get("/api/meetings").json()["meetings"]
        assert {m["id"] for m in mine} == {m["id"] for m in own}
        assert all(m["score"] is None for m in mine)
        assert all(r["code"] in PARTY_REASONS for m in mine for r in m["reasons"])
        assert http.get(f"/api/meetings/{own[0]['id']}").status_code == 200
        other = http.get(f"/api/meetings/{others[0]['id']}")
        assert other.status_code == 404
        assert other.headers["content-type"].startswith("application/problem+json")
        assert others[0]["firm_name"] not in other.text
        event = http.get(f"/api/events/{XIAN}").json()
        assert event["participants"] == [] and event["pair_rules"] == []
        listed = http.get(f"/api/events/{XIAN}/meetings").json()["meetings"]
        assert {m["firm"] for m in listed} == {DALI}
        own_agenda = http.get(f"/api/events/{XIAN}/agenda.csv")
        if any(m["start"] for m in own):
            assert own_agenda.status_code == 200
            assert others[0]["firm_name"] not in own_agenda.content.decode("utf-8-sig")
        whole = http.get(f"/api/events/{XIAN}/agenda.csv",
                         params={"participant": others[0]["firm"]})
        assert whole.status_code == 404
        assert http.post(f"/api/events/{XIAN}/plan").status_code == 403
        assert http.post(f"/api/meetings/{own[0]['id']}/outcomes",
                         json={"held": False}).status_code == 403
    with client(office, "ailaiyi") as http:  # not part of the event at all
        assert http.get(f"/api/events/{XIAN}").status_code == 404
        assert http.get(f"/api/events/{XIAN}/meetings").status_code == 404
        assert http.get(f"/api/meetings/{own[0]['id']}").status_code == 404
        assert http.get("/api/meetings").json()["meetings"] == []
        assert XIAN not in {e["id"] for e in http.get("/api/events").json()["events"]}


def test_invitations_are_chosen_as_a_job_with_their_coverage(office, planned):
    with client(office, "wang") as http:
        started = http.post(f"/api/events/{XIAN}/invitations",
                            json={"budget": 3, "region": "西安"})
        assert started.status_code == 202, started.text
        job = wait_for(http, started.json()["id"])
        assert job["status"] == "done" and job["kind"] == "invite", job
        plan = job["result"]["invitations"]
        assert 0 < len(plan["invited"]) <= 3 + len(HELPERS)
        assert plan["covered"] and all(plan["names"][n] for n in plan["covered"])
        assert all(plan["names"][h] for h in plan["invited"])
        assert 0 < plan["covered_weight"] <= plan["total_weight"]
        taking_part = {p["id"] for p in http.get(f"/api/events/{XIAN}").json()["participants"]}
        assert set(plan["invited"]) <= taking_part


def test_an_event_is_created_and_changed(office):
    with client(office, "wang") as http:
        made = http.post("/api/events", json={
            "name": "嘉兴科技对接会", "event_id": "evt:jiaxing-test", "days": ["2024-09-10"],
            "day_start": "14:00", "day_end": "16:00", "slot_minutes": 20, "tables": 3,
            "place": "嘉兴", "event_type": "fair"})
        assert made.status_code == 201, made.text
        assert made.json()["slots"] == 6 and made.json()["tables"] == ["T1", "T2", "T3"]
        again = http.post("/api/events", json={"name": "重复", "event_id": "evt:jiaxing-test"})
        assert again.status_code == 409
        changed = http.patch("/api/events/evt:jiaxing-test", json={"min_score": 0.5,
                                                                  "name": "嘉兴对接会"})
        assert changed.status_code == 200, changed.text
        assert (changed.json()["name"], changed.json()["min_score"]) == ("嘉兴对接会", 0.5)
        assert changed.json()["event_type"] == "fair"  # what was not named is kept
        assert "evt:jiaxing-test" in {e["id"] for e in http.get("/api/events").json()["events"]}
    with client(office, "dali") as http:
        assert http.post("/api/events", json={"name": "企业自建"}).status_code == 403
        assert http.patch("/api/events/evt:jiaxing-test", json={"name": "x"}).status_code == 403


@pytest.mark.parametrize(("method", "path", "body"), [
    ("post", "/api/events", {"name": ""}),
    ("post", "/api/events", {"name": "会", "days": ["2019-02-30"]}),
    ("post", "/api/events", {"name": "会", "day_start": "25:00"}),
    ("post", "/api/events", {"name": "会", "tables": {"a": 1}}),
    ("post", "/api/events", {"name": "会", "colour": "red"}),
    ("put", f"/api/events/{XIAN}/grid", {"days": []}),
    ("put", f"/api/events/{XIAN}/grid", {"days": ["2019-05-23"], "day_start": "12:00",
                                         "day_end": "09:00"}),
    ("post", f"/api/events/{XIAN}/rules", {"kind": "pin", "firm": "ent:nobody",
                                           "helper": "exp:nobody"}),
    ("post", f"/api/events/{XIAN}/participants", {"participants": ["need:nothing-here"]}),
    ("post", f"/api/events/{XIAN}/participants", {"participants": "ent:ailaiyi"}),
    ("post", f"/api/events/{XIAN}/invitations", {"budget": 0}),
    ("post", f"/api/events/{XIAN}/plan", {"solver": "magic"}),
    ("post", "/api/events/evt:nothing/plan", {}),
    ("post", "/api/meetings/mtg:nothing/outcomes", {"held": True}),
    ("post", "/api/meetings/mtg:nothing/follow-ups", {"action": "a", "owner": "b",
                                                       "due": "2019-06-01"}),
    ("get", "/api/events/evt:nothing", None),
    ("get", "/api/events/ent:ailaiyi", None),
    ("get", "/api/events/evt:nothing/agenda.ics", None),
    ("get", "/api/follow-ups/overdue?today=yesterday", None),
])
def test_bad_input_is_a_problem_document(office, method, path, body):
    with client(office, "wang") as http:
        answer = http.request(method.upper(), path, json=body)
    assert 400 <= answer.status_code < 500, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["detail"]


def test_malformed_json_is_a_problem_document(office):
    with client(office, "wang") as http:
        answer = http.post(f"/api/events/{XIAN}/rules", content=b'{"kind": "pin",',
                           headers={"content-type": "application/json"})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
