"""Challenge lists through a real `duijie serve` on the seed graph: the first listing
starts the first run as a job and answers at once; the JSON themes, a rename and a stale
rename (409, nothing written), a place with no firms (404), who may ask; a run as a job
(202, its stage and progress, one at a time, cancelled with nothing written, an
organiser of one region refused); then the page in a real browser: the button starts a
run, its panel shows the stage and the page reloads with the themes, with screenshots."""

from __future__ import annotations

import httpx
import pytest

from tests.web.browser import browser, screenshot, signed_in_page  # noqa: F401  (fixture)
from tests.web.server import (
    PASSWORD,
    Server,
    add_user,
    ended_job,
    serve_with_accounts,
    signed_in,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_with_accounts(tmp_path_factory, "challenges", [
        ("wang", "organiser", "--name", "王老师"),
        ("ail", "enterprise", "--party", "ent:ailaiyi")])


def wait_job(http: httpx.Client, job_id: str) -> dict:
    return ended_job(http, f"/api/challenges/jobs/{job_id}")


def test_themes_rename_and_refusals_over_http(server: Server) -> None:
    http = signed_in(server, "wang")
    first = http.get("/api/challenges", params={"suppliers": 1})
    assert first.status_code == 200, first.text
    if first.json()["job"]:  # the graph had no themes: the listing started the first run
        assert first.json()["themes"] == [] and first.json()["computed_at"] is None
        assert wait_job(http, first.json()["job"])["status"] == "done"
    listed = http.get("/api/challenges", params={"suppliers": 1})
    assert listed.status_code == 200, listed.text
    data = listed.json()
    assert data["job"] is None and data["computed_at"]
    assert data["count"] == len(data["themes"]) > 1 and "silhouette" in data["criterion"]
    theme = data["themes"][0]
    assert theme["needs"][0]["title"] and theme["firms"][0]["name"]
    renamed = http.post(f"/api/challenges/{theme['id']}/rename",
                        json={"name": "测试榜单", "rev": theme["rev"]})
    assert renamed.status_code == 200, renamed.text
    stale = http.post(f"/api/challenges/{theme['id']}/rename",
                      json={"name": "又一个名字", "rev": theme["rev"]})
    assert stale.status_code == 409
    assert stale.headers["content-type"].startswith("application/problem+json")
    names = {t["id"]: t["name"] for t in http.get("/api/challenges",
                                                  params={"suppliers": 0}).json()["themes"]}
    assert names[theme["id"]] == "测试榜单"
    empty = http.get("/api/challenges", params={"region": "拉萨"})
    assert empty.status_code == 404 and "拉萨" in empty.json()["detail"]
    firm = signed_in(server, "ail")
    assert firm.get("/api/challenges").status_code == 403


def test_a_run_is_a_job_one_at_a_time_and_a_cancel_writes_nothing(server: Server) -> None:
    http = signed_in(server, "wang")
    before = http.get("/api/challenges", params={"suppliers": 0}).json()
    if before["job"]:
        wait_job(http, before["job"])
        before = http.get("/api/challenges", params={"suppliers": 0}).json()
    started = http.post("/api/challenges/recompute")
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["kind"] == "challenges" and {"stage", "done", "total", "steps"} <= set(job)
    again = http.post("/api/challenges/recompute")
    meanwhile = http.get("/api/challenges", params={"suppliers": 0})  # never waits for it
    state = http.get(f"/api/challenges/jobs/{job['id']}").json()
    if again.status_code == 202:  # only when the first had ended already
        assert state["finished_at"] and state["finished_at"] <= again.json()["started_at"]
        wait_job(http, again.json()["id"])
    else:
        assert again.status_code == 409, again.text
        assert again.headers["content-type"].startswith("application/problem+json")
    assert meanwhile.status_code == 200
    if state["status"] == "running":  # the listing answered while the run went on
        assert meanwhile.json()["job"] == job["id"]
        assert meanwhile.json()["computed_at"] == before["computed_at"]
    done = wait_job(http, job["id"])
    after = http.get("/api/challenges", params={"suppliers": 0}).json()
    assert done["status"] == "done" and done["result"]["themes"] == len(after["themes"]) > 1
    assert after["computed_at"] == done["result"]["computed_at"] > before["computed_at"]
    # A cancel stops the run at its next check; the stored themes stay as they were
    # (a cancel that comes after the write is too late: the job ends done).
    started = http.post("/api/challenges/recompute").json()
    stopped = http.delete(f"/api/challenges/jobs/{started['id']}")
    assert stopped.status_code == 200, stopped.text
    assert stopped.json()["status"] in ("cancelled", "done")
    latest = http.get("/api/challenges", params={"suppliers": 0}).json()
    if stopped.json()["status"] == "cancelled":
        assert latest["computed_at"] == after["computed_at"] and stopped.json()["result"] is None
    else:
        assert latest["computed_at"] == stopped.json()["result"]["computed_at"]
    assert http.get("/api/challenges/jobs/0123abcd").status_code == 404
    assert http.get("/api/challenges/jobs/not-a-job").status_code in (404, 422)
    add_user(server.db, "shaoxing", "organiser", PASSWORD, "--scope", "绍兴")
    scoped = signed_in(server, "shaoxing")
    refused = scoped.post("/api/challenges/recompute")
    assert refused.status_code == 403 and "region scope" in refused.json()["detail"]
    assert scoped.delete(f"/api/challenges/jobs/{started['id']}").status_code == 403


def test_the_challenges_page_in_a_browser(browser, server: Server) -> None:  # noqa: F811
    page = signed_in_page(browser, server, "wang")
    page.click("header nav a[href='/challenges']")
    page.wait_for_selector("#challenges-summary", timeout=120_000)
    if page.locator("#challenge-job").count():  # the first run, started by this visit
        page.wait_for_selector("#challenges-done", timeout=300_000)
    assert page.locator("section.theme").count() > 1
    screenshot(page, "challenges-zh")
    page.click("#recompute-form button")
    page.wait_for_selector("#challenge-job, #challenges-done", timeout=60_000)
    if page.locator("#challenge-job[data-status=running]").count():
        assert page.inner_text("#challenge-stage").strip()  # the stage, in words
        screenshot(page, "challenges-job-zh")
    page.wait_for_selector("#challenges-done", timeout=300_000)  # reloaded when done
    assert "已重新聚类" in page.inner_text("#challenges-done")
    summary = page.inner_text("#challenges-summary")
    k = signed_in(server, "wang").get("/api/challenges", params={"suppliers": 0}).json()["k"]
    if k == 0:  # every theme pinned (after a rename): no "0 themes found" said
        assert "组织者调整后保留" in summary and "聚类得到 0 个主题" not in summary
    else:
        assert f"聚类得到 {k} 个主题" in summary
    assert page.locator("section.theme").count() > 1
    page.fill("input[name=region]", "拉萨")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#refusal")
    assert "拉萨" in page.inner_text("#refusal")
    page.close()
