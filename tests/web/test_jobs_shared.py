"""Jobs answer from every worker: a plan started through one `duijie serve` process is
read, refused a second time, cancelled and its result read through another process on
the same SQLite file (as `--workers 2` does, but with each request's process known)."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.web.server import Server, add_user, ended_job, signed_in

PASSWORD = "correct horse battery"
XIAN = "evt:xian-docking-2019-05"
HELPERS = ["inst:xidian-university", "inst:xian-jiaotong-university",
           "inst:northwestern-polytechnical-university", "inst:xian-institute-of-optics"]


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    db = tmp_path_factory.mktemp("shared-jobs") / "office.db"
    first = Server(db, seed=True, workers=2)
    second = Server(db, seed=True)  # the store is not empty: nothing seeded twice
    add_user(db, "wang", "organiser", PASSWORD)
    yield first, second
    second.close()
    first.close()


def client(server: Server) -> httpx.Client:
    return signed_in(server, "wang")


def meetings(http: httpx.Client) -> set[str]:
    return {m["id"] for m in http.get(f"/api/events/{XIAN}/meetings").json()["meetings"]}


def test_a_plan_is_read_refused_cancelled_and_finished_through_another_process(servers):
    first, second = servers
    with client(first) as one, client(second) as other:
        invited = one.post(f"/api/events/{XIAN}/participants",
                           json={"from_record": True, "participants": HELPERS})
        assert invited.status_code == 200, invited.text
        before = meetings(other)

        started = one.post(f"/api/events/{XIAN}/plan", json={})
        assert started.status_code == 202, started.text
        job_id = started.json()["id"]
        seen = other.get(f"/api/jobs/{job_id}")
        assert seen.status_code == 200 and seen.json()["kind"] == "plan"
        again = other.post(f"/api/events/{XIAN}/plan", json={})  # one plan at a time
        assert again.status_code == 409, again.text
        assert again.headers["content-type"].startswith("application/problem+json")
        cancelled = other.delete(f"/api/jobs/{job_id}")
        assert cancelled.status_code == 200
        assert cancelled.json()["status"] == "cancelled", cancelled.json()
        assert one.get(f"/api/jobs/{job_id}").json()["status"] == "cancelled"
        assert meetings(one) == before

        job = ended_job(other, "/api/jobs/" + one.post(f"/api/events/{XIAN}/plan",
                                                        json={}).json()["id"])
        assert job["status"] == "done", job
        plan = job["result"]
        assert plan["event_id"] == XIAN and plan["meetings"]
        assert all(m["firm_name"] and m["helper_name"] for m in plan["meetings"])
        assert {m["meeting_id"] for m in plan["meetings"]} <= meetings(other)
        # every worker of the first server answers (new connections spread over both)
        for _ in range(8):
            with client(first) as fresh:
                assert fresh.get(f"/api/jobs/{job['id']}").json()["status"] == "done"


def test_an_import_started_in_one_process_is_cancelled_or_confirmed_in_another(servers):
    first, second = servers
    with client(first) as one, client(second) as other:
        rows = "企业名称\n" + "".join(f"跨进程导入企业{i:04d}号\n" for i in range(3))
        job = one.post("/api/imports", data={"kind": "企业"},
                       files={"file": ("firms.csv", rows.encode("gbk"), "text/csv")})
        assert job.status_code == 202, job.text
        deadline = time.monotonic() + 120
        while (state := other.get(f"/api/imports/{job.json()['id']}").json())["status"] in (
                "pending", "running"):
            assert time.monotonic() < deadline, state
            time.sleep(0.1)
        assert state["preview"]["ok"] and state["preview"]["created"] == 3, state
        assert other.post(f"/api/imports/{state['id']}/confirm").status_code == 202
        assert one.post(f"/api/imports/{state['id']}/confirm").status_code == 409
        deadline = time.monotonic() + 120
        while (state := one.get(f"/api/imports/{state['id']}").json())["phase"] != "confirm" \
                or state["status"] in ("pending", "running"):
            assert time.monotonic() < deadline, state
            time.sleep(0.1)
        assert state["status"] == "done" and state["result"]["created"] == 3, state
        listed = other.get("/api/imports").json()["items"]
        assert state["id"] in {item["id"] for item in listed}
        assert one.get("/api/imports/0123456789abcdef").status_code == 404
