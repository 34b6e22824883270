"""The needs pages in a real browser against a real server on the seed graph: an
enterprise submits a confidential need with live hints and sees it in "my needs";
a second enterprise finds it nowhere; a stale edit form is refused; organisers filter."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.web.browser import browser, screenshot, signed_in_page  # noqa: F401  (fixture)
from tests.web.server import PASSWORD, serve_with_accounts

SECRET = "碳化硅功率模块封装散热"
TEXT = ("新能源汽车电驱用碳化硅功率模块在高温工况下结温过高，现有银烧结工艺空洞率偏大，"
        "需要封装与热管理方面的专家帮助改进工艺。")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_with_accounts(tmp_path_factory, "needs-pages", [
        ("wang", "organiser", "--name", "王老师"),
        ("ailaiyi", "enterprise", "--party", "ent:ailaiyi", "--name", "艾莱依"),
        ("xinyun", "enterprise", "--party", "ent:xinyun-wood")])


@pytest.fixture(scope="module")
def submitted(server, browser):  # noqa: F811
    """The first enterprise submits a confidential need through the form."""
    page = signed_in_page(browser, server, "ailaiyi")
    page.click("header nav a[href='/needs/new']")
    page.wait_for_url(server.url + "/needs/new")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert "艾莱依集团" in page.locator("form#need-form").inner_text()
    page.fill("input[name=title]", "数字工程政策")
    # The hints follow the typing (htmx): the firm's own similar need, and the gaps.
    page.wait_for_selector("#need-hints li[data-need='need:ailaiyi-digital-project-policy']")
    assert page.locator("#need-hints [data-gap='needs_gap_no_budget']").count() == 1
    page.fill("input[name=title]", SECRET)
    page.fill("textarea[name=text]", TEXT)
    page.select_option("select[name=confidentiality]", "confidential")
    page.select_option("select[name=trl]", "5")
    page.fill("input[name=budget_wan]", "150")
    page.fill("input[name=deadline]", "2031-12-31")
    page.wait_for_function(
        "!document.querySelector(\"#need-hints [data-gap='needs_gap_no_budget']\")")
    assert page.locator("#need-hints [data-gap='needs_gap_text_short']").count() == 0
    screenshot(page, "need-form-zh")
    page.click("form#need-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/needs/need:[0-9a-f]+\?done=submitted$"))
    need_id = page.url.split("/needs/")[1].split("?")[0]
    assert page.locator("h1").inner_text() == SECRET
    assert "机密" in page.locator(".page-head").inner_text()
    screenshot(page, "need-page-zh")
    yield need_id, page
    page.close()


def test_an_enterprise_sees_its_confidential_need_in_my_needs(server, submitted):
    need_id, page = submitted
    page.goto(server.url + "/needs")
    row = page.locator(f"tr[data-need='{need_id}']")
    assert SECRET in row.inner_text() and "已提交" in row.inner_text()
    assert "机密" in row.inner_text()
    assert page.locator("h1").inner_text() == "我的需求"
    assert "ent:" not in page.locator("main").inner_text()  # names, never raw ids
    screenshot(page, "my-needs-zh")
    page.goto(server.url + "/needs?lang=en")
    assert page.locator("h1").inner_text() == "My needs"
    assert "Submitted" in page.locator(f"tr[data-need='{need_id}']").inner_text()
    screenshot(page, "my-needs-en")
    page.goto(server.url + "/needs?lang=zh")


def test_a_second_enterprise_finds_it_nowhere(server, browser, submitted):  # noqa: F811
    need_id, _ = submitted
    page = signed_in_page(browser, server, "xinyun")
    page.goto(server.url + "/needs?q=碳化硅 封装")
    assert page.locator("table.needs").count() == 0 and "共 0 条" in page.inner_text("main")
    assert SECRET not in page.content()
    page.goto(server.url + "/needs?confidentiality=confidential")
    assert "共 0 条" in page.inner_text("main")
    page.goto(server.url + "/needs/new")
    page.fill("input[name=title]", SECRET)
    page.fill("textarea[name=text]", TEXT)
    page.wait_for_selector("#need-hints .similar")
    page.wait_for_timeout(900)  # the last keystroke's hints
    assert SECRET not in page.inner_text("#need-hints")
    assert page.locator("#need-hints .similar li").count() == 0
    answer = page.goto(server.url + f"/needs/{need_id}")
    assert answer.status == 404 and SECRET not in page.content()
    answer = page.goto(server.url + f"/needs/{need_id}/edit")
    assert answer.status == 404
    screenshot(page, "need-not-found-zh")
    page.close()


def test_a_stale_edit_form_is_refused_with_a_clear_message(server, browser, submitted):  # noqa: F811
    need_id, first = submitted
    first.goto(server.url + f"/needs/{need_id}/edit")
    second = signed_in_page(browser, server, "ailaiyi")
    second.goto(server.url + f"/needs/{need_id}/edit")
    second.fill("input[name=region]", "丽水市莲都区")
    second.click("form#need-form button[type=submit]")
    second.wait_for_url(re.compile(r".*\?done=saved$"))
    first.fill("input[name=budget_wan]", "999")
    first.click("form#need-form button[type=submit]")
    first.wait_for_selector(".notice.warn")
    assert "已被他人修改" in first.inner_text(".notice.warn")
    screenshot(first, "need-stale-edit-zh")
    second.goto(server.url + f"/needs/{need_id}")
    facts = second.inner_text("dl.facts")
    assert "丽水市莲都区" in facts and "150" in facts and "999" not in facts
    second.close()


def test_organisers_filter_the_needs_list(server, browser, submitted):  # noqa: F811
    need_id, _ = submitted
    page = signed_in_page(browser, server, "wang")
    page.click("header nav a[href='/needs']")
    page.wait_for_url(server.url + "/needs")  # the old page has an h1 too
    assert page.locator("h1").inner_text() == "需求列表"
    assert page.locator("table.needs tbody tr").count() == 20
    page.select_option("select[name=confidentiality]", "confidential")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r".*confidentiality=confidential.*"))
    rows = page.locator("table.needs tbody tr")
    assert rows.count() >= 1 and all("机密" in rows.nth(i).inner_text()
                                     for i in range(rows.count()))
    page.goto(server.url + "/needs?q=" + SECRET)
    assert page.locator(f"tr[data-need='{need_id}']").inner_text().count("艾莱依集团") == 1
    page.goto(server.url + f"/needs/{need_id}")
    page.click("dl.facts a")  # the firm's needs
    page.wait_for_url(re.compile(r".*/needs\?firm=ent(%3A|:)ailaiyi.*"))
    rows = page.locator("table.needs tbody tr")
    assert rows.count() >= 2 and all("艾莱依集团" in rows.nth(i).inner_text()
                                     for i in range(rows.count()))
    page.goto(server.url + "/needs")
    screenshot(page, "needs-organiser-zh")
    page.goto(server.url + "/needs/new")
    assert page.locator("select[name=firm_id] option").count() > 50
    page.close()


def test_page_forms_need_their_csrf_token(server, submitted):
    need_id, _ = submitted
    with httpx.Client(base_url=server.url) as client:
        login = client.get("/login")
        token = re.search(r'name="login_csrf" value="([^"]+)"', login.text).group(1)
        client.post("/login", data={"username": "ailaiyi", "password": PASSWORD,
                                    "login_csrf": token})
        forged = client.post(f"/needs/{need_id}/withdraw", data={"rev": "1"},
                             headers={"accept": "text/html"})
        assert forged.status_code == 403
        assert client.get(f"/api/needs/{need_id}").json()["status"] == "submitted"
