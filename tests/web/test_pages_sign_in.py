"""Signing in through the real page in a real browser, in Chinese and in English."""

from __future__ import annotations

import httpx
import pytest

from tests.web.browser import browser, screenshot  # noqa: F401  (fixture)
from tests.web.server import serve_with_accounts

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_with_accounts(tmp_path_factory, "pages", [
        ("wang", "organiser", "--name", "王老师")], seed=False)


def test_sign_in_and_out_in_chinese_then_english(server, browser):  # noqa: F811
    page = browser.new_page()
    page.goto(server.url + "/")
    assert page.url.endswith("/login")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("button[type=submit]").inner_text() == "登录"
    page.fill("input[name=username]", "wang")
    page.fill("input[name=password]", "wrong password!")
    page.click("button[type=submit]")
    assert page.locator(".error").inner_text() == "用户名或密码不正确"
    page.fill("input[name=username]", "wang")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")
    assert "王老师" in page.locator("header .who").inner_text()
    assert "组织方" in page.locator("header .who").inner_text()
    screenshot(page, "home-zh")
    page.click("header a.lang")
    assert page.locator("header .who").inner_text().startswith("Signed in as")
    assert "Organiser" in page.locator("header .who").inner_text()
    page.click("header form button")  # sign out
    page.wait_for_url(server.url + "/login")
    assert page.locator("button[type=submit]").inner_text() == "Sign in"  # remembered
    page.goto(server.url + "/")
    assert page.url.endswith("/login")  # the session is gone
    page.close()


def test_a_stale_login_form_is_refused_kindly(server):
    with httpx.Client(base_url=server.url) as client:
        answer = client.post("/login", data={"username": "wang", "password": PASSWORD,
                                             "login_csrf": "forged"})
    assert answer.status_code == 200 and "表单已过期" in answer.text
    assert "duijie_session" not in answer.headers.get("set-cookie", "")


def test_an_unknown_page_is_an_html_page_and_the_api_stays_json(server):
    page = httpx.get(server.url + "/nothing", headers={"accept": "text/html"})
    assert page.status_code == 404 and "没有找到这个页面" in page.text
    api = httpx.get(server.url + "/api/nothing", headers={"accept": "text/html"})
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"


def test_pages_load_nothing_from_other_hosts(server):
    for path in ("/login", "/static/duijie.css"):
        body = httpx.get(server.url + path).text
        assert "http://" not in body.replace(server.url, "") and "https://" not in body
