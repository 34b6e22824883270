"""Challenge lists through a real `duijie serve` on the seed graph: the JSON themes, a
rename and a stale rename (409, nothing written), a place with no firms (404), who may
ask; then the page in a real browser, with a screenshot."""

from __future__ import annotations

import httpx
import pytest

from tests.web.browser import browser, screenshot  # noqa: F401  (fixture)
from tests.web.server import Server, add_user, signed_in

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("challenges") / "challenges.db"
    add_user(db, "wang", "organiser", PASSWORD, "--name", "王老师")
    running = Server(db, seed=True)
    add_user(db, "ail", "enterprise", PASSWORD, "--party", "ent:ailaiyi")
    yield running
    running.close()


def client(server: Server, username: str) -> httpx.Client:
    return signed_in(server, username)


def test_themes_rename_and_refusals_over_http(server: Server) -> None:
    http = client(server, "wang")
    listed = http.get("/api/challenges", params={"suppliers": 1})
    assert listed.status_code == 200, listed.text
    data = listed.json()
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
    firm = client(server, "ail")
    assert firm.get("/api/challenges").status_code == 403


def test_the_challenges_page_in_a_browser(browser, server: Server) -> None:  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server.url + "/login")
    page.fill("input[name=username]", "wang")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")
    page.click("header nav a[href='/challenges']")
    page.wait_for_selector("#challenges-summary", timeout=120_000)
    assert page.locator("section.theme").count() > 1
    screenshot(page, "challenges-zh")
    page.fill("input[name=region]", "拉萨")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#refusal")
    assert "拉萨" in page.inner_text("#refusal")
    page.close()
