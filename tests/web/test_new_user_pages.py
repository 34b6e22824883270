"""What a new user meets on the pages, in a real browser on a real `duijie serve`: a
firm's and an expert's home page that shows their own things, a dashboard worded as the
needs list and counting each place once, the events list latest first, a review decision
that names the pair, generated contact officials marked 示意, and English pages without
Chinese punctuation around data.
"""

from __future__ import annotations

import re

import pytest

from duijie.matcher.region_paths import normalise_place
from tests.api.test_cli import run
from tests.web.browser import browser, screenshot, signed_in_page  # noqa: F401  (fixture)
from tests.web.server import ended_job, serve_with_accounts, signed_in

FIRM_NEED = "need:ailaiyi-digital-project-policy"
EXPERT_NEED_TITLE = "激光熔覆层裂纹控制（示意）"  # shared with the seed's expert 示例专家西01


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_with_accounts(tmp_path_factory, "new-user", [
        ("wang", "organiser", "--name", "王老师"),
        ("sx", "organiser", "--scope", "绍兴市", "--name", "绍兴老师"),
        ("ailaiyi", "enterprise", "--party", "ent:ailaiyi", "--name", "艾莱依"),
        ("han", "expert", "--party", "exp:xian-han-zhenyu", "--name", "韩老师")])


def test_a_firm_and_an_expert_find_their_own_needs_and_problems_on_the_home_page(
        server, browser):  # noqa: F811
    firm = signed_in_page(browser, server, "ailaiyi")
    firm.goto(server.url + "/?lang=zh")
    assert firm.locator("h1").inner_text() == "您好，艾莱依"
    row = firm.locator(f"#home-needs tr[data-need='{FIRM_NEED}']")
    assert row.locator("a").inner_text() == "数字工程项目建设可享受的政策"
    assert row.locator(".badge").inner_text() == "已跟进"
    assert firm.locator("#home-needs tr").count() == 1  # its own need, no other firm's
    chip = firm.locator("#home-needs .status-chips a[data-status=followed_up]")
    assert "".join(chip.inner_text().split()) == "已跟进1"
    # its problem is answered but not closed: still open until the firm has seen the answer
    assert firm.locator("#home-problems").inner_text().count("共 1 件，未销号 1 件") == 1
    assert "还没有已发布的会谈" in firm.locator("#home-meetings").inner_text()
    chip.click()
    firm.wait_for_url(re.compile(r"/needs\?status=followed_up"))
    assert firm.locator("table tbody tr").count() == 1
    firm.goto(server.url + "/?lang=en")
    assert firm.locator("h1").inner_text() == "Welcome, 艾莱依"
    assert firm.locator(f"#home-needs tr[data-need='{FIRM_NEED}'] .badge").inner_text() \
        == "Followed up"
    assert "1 in all, 1 still open." in firm.locator("#home-problems").inner_text()
    screenshot(firm, "home-firm-en")
    firm.close()

    expert = signed_in_page(browser, server, "han")
    expert.goto(server.url + "/?lang=zh")
    needs = expert.locator("#home-needs tbody tr")
    assert needs.count() == 1
    assert needs.locator("a").inner_text() == EXPERT_NEED_TITLE
    assert "示例温州激光装备（示意）" in needs.inner_text()  # whose need it is, marked
    assert expert.locator("#home-problems").count() == 0  # a firm's ledger, not theirs
    expert.close()


def test_the_dashboard_words_statuses_as_the_needs_list_and_counts_each_place_once(
        server, browser):  # noqa: F811
    page = signed_in_page(browser, server, "sx")
    page.goto(server.url + "/?lang=zh")
    shown = {row.get_attribute("data-status"): (row.locator("th").inner_text(),
                                                int(row.locator("td.num").inner_text()))
             for row in page.locator("#needs-by-status tr").all()}
    regions = [row.locator("td").first.inner_text()
               for row in page.locator("#needs-by-region tr").all()[1:]]
    places = [normalise_place(r) for r in regions]
    assert len(places) == len(set(places)), regions  # 柯桥区 and 柯桥 are one place
    counts = dict(zip(regions, (int(r.locator("td.num").inner_text())
                                for r in page.locator("#needs-by-region tr").all()[1:]),
                      strict=True))
    assert counts["柯桥区"] == 7 and counts["新昌县"] == 4, counts  # 6 + 1 and 3 + 1
    page.locator("#needs-by-status a", has_text=shown["signed"][0]).click()
    page.wait_for_url(re.compile(r"/needs\?status=signed"))
    chips = {a.get_attribute("data-status"): a.inner_text()
             for a in page.locator("nav.status-chips a[data-status]").all()}
    for status, (word, count) in shown.items():  # the needs list's words and counts
        if count:
            assert "".join(chips[status].split()) == f"{word}{count}", (status, chips)
    assert shown["signed"][0] == "已签约" and shown["not_pursued"][0] == "已撤回/不再推进"
    page.goto(server.url + "/?lang=en")
    assert page.locator("#needs-by-status tr[data-status=submitted] th").inner_text() \
        == "Submitted"
    page.close()


def test_the_events_list_puts_the_latest_first_and_the_undated_last(
        server, browser):  # noqa: F811
    page = signed_in_page(browser, server, "wang")
    page.goto(server.url + "/events?lang=zh")
    dates = [row.locator("td").nth(2).inner_text()
             for row in page.locator("table.events tbody tr").all()]
    assert len(dates) == 29
    dated = [d[:10] for d in dates if d != "—"]
    assert dated and dated == sorted(dated, reverse=True)
    assert dates[:len(dated)] == [d for d in dates if d != "—"], dates  # undated at the end
    assert page.locator("table.events tbody tr").first.inner_text().count("2019-12-01") == 1
    page.close()


def test_a_review_decision_names_the_pair_and_its_time_reads_to_the_minute(
        server, browser):  # noqa: F811
    with signed_in(server, "wang") as org:
        upload = org.post("/api/imports", data={"kind": "企业"}, files={
            "file": ("dupes.csv", "企业名称\n海康微视\n".encode(), "text/csv")}).json()
        ended_job(org, f"/api/imports/{upload['id']}", phase="preview")
        assert org.post(f"/api/imports/{upload['id']}/confirm").status_code == 202
        ended_job(org, f"/api/imports/{upload['id']}", phase="confirm")
    page = signed_in_page(browser, server, "wang")
    page.goto(server.url + "/reviews?lang=zh")
    case = page.locator("article.review", has_text="海康微视")
    case.locator("button.accept").click()
    page.wait_for_url(re.compile(r"/reviews\?decided="))
    assert page.locator("#decided").inner_text() == "已将“海康微视”合并到“海康威视”。"
    page.goto(server.url + "/reviews?status=accepted")
    decided = page.locator("article.review", has_text="海康微视").locator("span.muted").last
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", decided.inner_text()), \
        decided.inner_text()
    page.goto(server.url + "/imports?lang=zh")  # the import it came from, to the minute too
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC",
                        page.locator("td.muted").first.inner_text())
    page.close()


def test_generated_officials_are_marked_and_the_empty_duty_page_points_to_the_import_page(
        server, browser):  # noqa: F811
    page = signed_in_page(browser, server, "wang")
    page.goto(server.url + "/contacts?lang=zh")
    hint = page.locator("#no-officials")
    assert "duijie" not in hint.inner_text()  # a page's reader is not at a command line
    hint.locator("a").click()
    page.wait_for_url(re.compile(r"/imports\?kind=Official"))
    assert page.locator("select[name=kind]").input_value() == "Official"

    done = run("generate", "--enterprises", "0", "--experts", "0", "--institutes", "0",
               "--needs", "0", "--officials", "2", db=server.db)
    assert done.returncode == 0, done.stderr
    page.goto(server.url + "/contacts?lang=zh")
    names = page.locator("#duty tbody tr td:nth-child(2)").all_inner_texts()
    assert len(names) == 2 and all(n.endswith("（示意）") for n in names), names
    page.locator("#duty tbody tr a").first.click()
    page.wait_for_url(re.compile(r"/contacts/off"))
    assert page.locator("h1").inner_text() == names[0]
    page.goto(page.url.split("?")[0] + "?lang=en")
    assert page.locator("h1").inner_text().endswith(" (illustrative)")
    with signed_in(server, "wang") as org:
        listed = org.get("/api/officials")
        assert listed.status_code == 200, listed.text
        assert all(o["name"].endswith("（示意）") for o in listed.json()["officials"])
    page.close()


def test_the_firm_filter_of_the_needs_list_reads_in_english_punctuation(
        server, browser):  # noqa: F811
    page = signed_in_page(browser, server, "wang")
    page.goto(server.url + "/needs?firm=ent%3Aill-firm-014&lang=en")
    chip = page.locator("p.status-chips a").inner_text()
    assert chip.startswith("Enterprise: 示例杭州芯测装备 (illustrative)") and "：" not in chip
    page.goto(server.url + "/needs?firm=ent%3Aill-firm-014&lang=zh")
    chip = page.locator("p.status-chips a").inner_text()
    assert chip.startswith("企业：示例杭州芯测装备（示意）")
    page.close()


def test_a_need_without_a_region_shows_where_its_firm_is(server, browser):  # noqa: F811
    page = signed_in_page(browser, server, "wang")
    page.goto(server.url + "/needs?firm=ent%3Aill-firm-014&lang=zh")  # 示例杭州芯测装备, 杭州
    row = page.locator("tr[data-need='need:ill-0040']")
    assert row.locator("td").nth(4).inner_text() == "杭州"  # was "—" though 杭州 filters it
    assert row.locator("td").nth(4).locator("span.sub").get_attribute("title") \
        == "需求未填地区：这是提交企业的所在地"
    page.goto(server.url + "/needs?region=杭州&lang=zh")
    assert page.locator("tr[data-need='need:ill-0040']").count() == 1
    page.goto(server.url + "/needs/need:ill-0040?lang=en")
    text = page.locator("main").inner_text()
    assert "Not given (the firm is in 杭州)" in text
    assert "Budget\tCNY 800,000" in text or "Budget\nCNY 800,000" in text, text  # 80 万元
    page.close()


def test_an_overdue_follow_up_on_the_dashboard_opens_its_meeting(server, browser):  # noqa: F811
    xian = "evt:xian-docking-2019-05"
    with signed_in(server, "wang") as org:
        invited = org.post(f"/api/events/{xian}/participants", json={
            "participants": ["ent:ill-ruiguang-laser", "exp:xian-han-zhenyu"]})
        assert invited.status_code == 200, invited.text
        job = ended_job(org, "/api/jobs/" + org.post(f"/api/events/{xian}/plan",
                                                     json={}).json()["id"])
        assert job["status"] == "done", job
        meeting = job["result"]["meetings"][0]["meeting_id"]
        follow = org.post(f"/api/meetings/{meeting}/follow-ups", json={
            "action": "寄送样品", "owner": "张工", "due": "2019-06-30"})
        assert follow.status_code == 201, follow.text
    page = signed_in_page(browser, server, "wang")
    page.goto(server.url + "/?lang=zh")
    row = page.locator("#overdue tr", has_text="寄送样品")
    assert row.locator("a").first.get_attribute("href") == f"/meetings/{meeting}"
    row.locator("a").first.click()
    page.wait_for_url(re.compile(r"/meetings/"))
    assert "寄送样品" in page.locator("main").inner_text()
    page.close()


def test_a_firm_page_gives_money_in_one_unit_per_language(server, browser):  # noqa: F811
    page = signed_in_page(browser, server, "wang")
    page.goto(server.url + "/firms/ent:ill-firm-002?lang=en")
    near = page.locator("ul.near li").all_inner_texts()
    assert near and all("× 10,000 yuan" not in line for line in near), near
    assert any(line.endswith("· about CNY 1,000,000") for line in near), near
    assert "7811.0" not in page.locator("#facts").inner_text()  # revenue as 7,811
    page.goto(server.url + "/firms/ent:ill-firm-002?lang=zh")
    assert any(line.endswith("· 约 100 万元")
               for line in page.locator("ul.near li").all_inner_texts())
    page.close()
