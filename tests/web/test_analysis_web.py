"""The analyst's report on the web: the JSON routes and the page, against a real server
on the seed graph, in a real browser."""

from __future__ import annotations

import pytest

from tests.web.browser import browser, screenshot, signed_in_page  # noqa: F401  (fixture)
from tests.web.server import serve_with_accounts, signed_in

XIAN = "evt:xian-docking-2019-05"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_with_accounts(tmp_path_factory, "analysis", [
        ("wang", "organiser", "--name", "王老师"),
        ("ailaiyi", "enterprise", "--party", "ent:ailaiyi")])


def test_the_json_report_for_organisers_only(server):
    with signed_in(server, "wang") as api:
        got = api.get(f"/api/analysis/{XIAN}", params={"today": "2019-12-31"})
        assert got.status_code == 200, got.text
        data = got.json()
        assert data["scope"] == XIAN and data["data"] == "illustrative"
        # the seed's pairs are invented: 5 signings among the 8 invented firms
        assert (data["firm_sign_rate"]["successes"], data["firm_sign_rate"]["n"]) == (5, 8)
        assert all(p["firm_name"] and p["helper_name"] for p in data["partner_ranks"]["pairs"])
        everything = api.get("/api/analysis", params={"rank_events": 0})
        assert everything.status_code == 200 and everything.json()["scope"] == "all"
        assert everything.json()["partner_ranks"]["events_ranked"] == []
        missing = api.get("/api/analysis/evt:nope")
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("application/problem+json")
        schema = api.get("/openapi.json").json()
        assert "/api/analysis/{event_id}" in schema["paths"]
    with signed_in(server, "ailaiyi") as firm:
        assert firm.get(f"/api/analysis/{XIAN}").status_code == 403
        assert firm.get("/api/analysis").status_code == 403


def test_the_report_page_reads_as_a_report(browser, server):  # noqa: F811
    page = signed_in_page(browser, server, "wang")
    page.click("header nav a[href='/analysis']")
    page.wait_for_url(server.url + "/analysis", timeout=120_000)
    assert page.locator("h1").inner_text().startswith("全部活动成效分析")
    page.click(f"#events a[href='/analysis/{XIAN}']")
    page.wait_for_url(server.url + f"/analysis/{XIAN}", timeout=120_000)
    assert "赴西安精准对接" in page.locator("h1").inner_text()
    assert "示例（虚构）数据" in page.locator("h1").inner_text()
    findings = page.locator("#findings").inner_text()
    assert "8 家企业中 5 家签约（62%，95% 区间 31–86%）" in findings
    assert "做得好的（示意）" in findings  # what went well, on invented pairs: marked
    assert page.locator("#funnel svg").count() == 1
    assert page.locator("#ranks tr").count() == 9  # header and eight (invented) pairs
    assert page.locator("#learning svg").count() == 1
    screenshot(page, "analysis-zh")
    page.click("header a.lang")
    assert page.locator("h1").inner_text().startswith("Outcomes of")
    assert "5 of 8 firms signed (62%, 95% interval 31–86%)" in page.locator(
        "#findings").inner_text()
    screenshot(page, "analysis-en")
    page.click("header a.lang")
    page.close()


def test_a_kept_report_is_answered_again_until_a_write_moves_the_graph(server):
    """The report is kept per graph version, reader and language (`kept_reports`): asked
    again it is the same; after a write (a new event) it is computed again and shows it."""
    with signed_in(server, "wang") as api:
        params = {"rank_events": 0, "today": "2019-12-31"}
        first = api.get("/api/analysis", params=params)
        again = api.get("/api/analysis", params=params)
        assert first.status_code == again.status_code == 200
        assert again.json() == first.json()
        ids = {e["id"] for e in first.json()["events"]}
        made = api.post("/api/events", json={"name": "成效复盘会", "event_id": "evt:kept-check",
                                             "days": ["2030-03-02"]})
        assert made.status_code == 201, made.text
        after = api.get("/api/analysis", params=params).json()
        assert {e["id"] for e in after["events"]} == ids | {"evt:kept-check"}
        # the page (report and figures kept per language) answers the same way twice
        with signed_in(server, "wang", cookie=True) as page:
            pages = [page.get(f"/analysis/{XIAN}", params={"lang": lang})
                     for lang in ("zh", "en", "zh")]
        assert [p.status_code for p in pages] == [200, 200, 200]
        assert pages[0].text == pages[2].text != pages[1].text
