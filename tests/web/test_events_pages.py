"""The organiser plans the seed Xi'an event in a real browser: grid and firms from the
record, invitations, plan (a job), re-plan with a pin, schedule, publish, the .ics
download and an outcome; a firm's "my meetings" shows only its own meetings."""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar

from duijie.graph.vocab import REASON_MESSAGES
from tests.web.browser import browser, screenshot, signed_in_page  # noqa: F401  (fixture)
from tests.web.server import serve_with_accounts

XIAN = "evt:xian-docking-2019-05"
DALI = "ent:dali-technology"
INSTITUTES = ["西安电子科技大学", "西安交通大学", "西北工业大学"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_with_accounts(tmp_path_factory, "planner", [
        ("wang", "organiser", "--name", "王老师"),
        ("dali", "enterprise", "--party", DALI, "--name", "大立科技")])


def submit(page, name: str, *, within: str = "body") -> None:
    with page.expect_navigation():
        page.locator(within).locator(f"button[name={name}]").first.click()


def wait_for_plan(page) -> None:
    page.wait_for_selector("#job", timeout=10_000)
    page.wait_for_url(re.compile(r".*done=planned.*"), timeout=180_000)


def test_an_organiser_plans_schedules_publishes_and_records(server, browser, tmp_path):  # noqa: F811
    page = signed_in_page(browser, server, "wang", width=1360)
    page.click("header nav a[href='/events']")
    page.click(f"tr[data-event='{XIAN}'] a")
    assert page.locator("h1").inner_text() == "赴西安精准对接“三服务”活动"

    submit(page, "invite_recorded")
    assert "已添加参会方" in page.locator(".notice").inner_text()
    assert "11 家企业" in page.locator("#participants h2").inner_text()
    for name in INSTITUTES:
        page.select_option("select[name=helper]", label=name)
        submit(page, "invite_one")
    assert "3 位专家/院所" in page.locator("#participants h2").inner_text()

    submit(page, "plan")
    wait_for_plan(page)
    rows = page.locator("table.pairs tbody tr")
    assert rows.count() > 0
    first = rows.first
    assert re.fullmatch(r"0\.\d\d|1\.00", first.locator("td.num").inner_text())
    assert first.locator("td.reasons").inner_text().strip()
    assert "ent:" not in page.locator("table.pairs").inner_text()  # names, never ids
    screenshot(page, "event-planner")

    # Pin a pair the plan did not propose, then re-plan: the pin is kept.
    page.select_option("form.rule-form select[name=firm]", label="浙江大立科技")
    dali_helpers = {r.locator("td").nth(1).inner_text() for r in
                    page.locator("table.pairs tbody tr").all()
                    if r.locator("td").first.inner_text() == "浙江大立科技"}
    helper = next(n for n in INSTITUTES if n not in dali_helpers)
    page.select_option("form.rule-form select[name=helper]", label=helper)
    page.select_option("form.rule-form select[name=kind]", value="pin")
    submit(page, "add_rule")
    assert "锁定" in page.locator("ul.rules").inner_text()
    submit(page, "plan", within="#pairs")
    wait_for_plan(page)
    pinned = page.locator("table.pairs tbody tr").filter(has_text="浙江大立科技").filter(
        has_text=helper)
    assert pinned.count() == 1 and "锁定" in pinned.inner_text()

    submit(page, "schedule")
    assert page.locator("table.schedule-grid a.cell").count() == rows.count()
    screenshot(page, "event-schedule-grid")
    submit(page, "publish")
    assert "日程已发布" in page.locator(".notice").inner_text()
    assert page.locator("table.schedule-grid a.cell.meeting-published").count() > 0

    with page.expect_download() as download:
        page.click("a[data-format=ics]")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "赴西安精准对接“三服务”活动-全部日程.ics"  # named, not by id
    events = Calendar.from_ical(saved.read_bytes()).walk("VEVENT")
    assert len(events) == page.locator("table.schedule-grid a.cell").count()

    page.locator("table.schedule-grid a.cell").first.click()
    page.wait_for_selector("#outcome-form")
    page.select_option("select[name=held]", value="yes")
    page.select_option("select[name=intent]", value="yes")
    page.select_option("select[name=rating_need_side]", value="5")
    page.fill("input[name=notes]", "双方约定六月回访")
    submit(page, "record_outcome")
    assert "成效已记录" in page.locator(".notice").inner_text()
    row = page.locator("table.outcomes tr[data-stage=post_event]")
    assert "是" in row.inner_text() and "双方约定六月回访" in row.inner_text()
    page.fill("#follow-ups input[name=action]", "技术合同认定登记")
    page.fill("#follow-ups input[name=due]", "2019-06-30")
    submit(page, "add_follow_up")
    assert "技术合同认定登记" in page.locator("#follow-ups table").inner_text()
    screenshot(page, "event-meeting-outcome")

    page.fill("input[name=contract_value]", "-5")  # a mistake comes back on the page
    page.select_option("select[name=stage]", value="m3")
    page.select_option("select[name=ledger]", value="signed")
    submit(page, "record_outcome")
    assert page.locator(".notice.warn").inner_text() == (  # what and where, in Chinese
        "未能完成: 合同金额：-5.0 须是不小于 0 的数字（万元）")

    page.goto(server.url + f"/events/{XIAN}?lang=en")  # everything switches, names stay
    assert page.locator("#pairs h2").inner_text() == "Proposed pairs"
    assert page.locator("button[name=publish]").count() == 0  # all published already
    assert "Table T1" in page.locator("table.schedule-grid thead").inner_text()
    assert_english_reasons(page.locator("td.reasons div").all_inner_texts())
    screenshot(page, "event-planner-en")
    page.close()


ENGLISH_REASONS = tuple(m.split("{")[0] for m in REASON_MESSAGES["en"].values())
CHINESE_REASONS = tuple(m.split("{")[0] for m in REASON_MESSAGES["zh"].values() if
                        m.split("{")[0])


def assert_english_reasons(lines: list[str]) -> None:
    """Every reason on an English page is an English message (names stay as stored)."""
    assert lines, "the page shows reasons"
    for line in lines:
        assert line.startswith(ENGLISH_REASONS), line
        assert not line.startswith(CHINESE_REASONS), line


def test_a_firm_sees_only_its_own_meetings(server, browser):  # noqa: F811
    page = signed_in_page(browser, server, "dali", width=1360)
    with page.expect_navigation():  # under load the old page can still be showing
        page.click("header nav a[href='/meetings']")
    rows = page.locator("table.my-meetings tbody tr")
    assert rows.count() > 0
    firms = {r.locator("td").nth(3).inner_text() for r in rows.all()}
    assert firms == {"浙江大立科技"}
    assert "匹配度" not in page.content() and "→" not in page.locator("main").inner_text()
    screenshot(page, "my-meetings-enterprise")
    page.goto(server.url + "/meetings?lang=en")
    assert_english_reasons(page.locator("table.my-meetings td.reasons div").all_inner_texts())
    screenshot(page, "my-meetings-enterprise-en")
    page.goto(server.url + f"/events/{XIAN}")  # the planner is not a firm's page
    assert "/meetings" in page.url
    page.close()
