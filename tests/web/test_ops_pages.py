"""The organiser's pages in a real browser against a real server on the seed graph:
the dashboard, an import previewed (problems by row and column) and confirmed, and
the review queue decided by clicking accept and reject."""

from __future__ import annotations

import httpx
import pytest

from tests.web.browser import browser, screenshot, signed_in_page  # noqa: F401  (fixture)
from tests.web.server import serve_with_accounts, signed_in


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_with_accounts(tmp_path_factory, "ops-pages", [
        ("wang", "organiser", "--name", "王老师")])


@pytest.fixture
def page(browser, server):  # noqa: F811
    page = signed_in_page(browser, server, "wang")
    yield page
    page.close()


def upload(page, server, tmp_path, name: str, text: str, encoding: str = "gbk") -> None:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    page.goto(server.url + "/imports")
    page.select_option("select[name=kind]", "Enterprise")
    page.set_input_files("input[name=file]", str(path))
    page.click("form.upload button[type=submit]")
    page.wait_for_url(server.url + "/imports/*")
    page.wait_for_selector("#import-status[data-status=done]")


def test_the_dashboard_shows_needs_follow_ups_and_events(page):
    assert page.locator("h1").inner_text().startswith("工作台")
    statuses = page.locator("#needs-by-status tr")
    assert statuses.count() == 6
    assert "已匹配" in page.locator("#needs-by-status").inner_text()
    assert "杭州" in page.locator("#needs-by-region").inner_text()
    assert page.locator("#recent li").count() > 0  # the seed's events are all past
    screenshot(page, "dashboard-zh")
    page.click("header a.lang")
    assert page.locator("h1").inner_text().startswith("Dashboard")
    assert "Matched" in page.locator("#needs-by-status").inner_text()  # as the needs list
    page.click("header a.lang")


def test_an_import_is_previewed_then_confirmed_and_the_review_queue_decided(page, server,
                                                                            tmp_path):
    before = httpx.get(server.url + "/ready").json()["nodes"]
    upload(page, server, tmp_path, "企业名单.csv",
           "企业名称,营业收入\n海康微视,abc\n大力科技,10\n")
    problems = page.locator("#problems tr.row-problem")
    assert problems.count() == 1
    assert problems.first.locator("td").nth(0).inner_text() == "2"
    assert problems.first.locator("td").nth(1).inner_text() == "营业收入"
    assert problems.first.locator("td").nth(2).inner_text() == "“abc” 不是数字"
    assert page.locator("#confirm").count() == 0
    screenshot(page, "import-problems-zh")
    page.click("header a.lang")  # the same preview read in English
    problems = page.locator("#problems tr.row-problem")
    assert problems.first.locator("td").nth(2).inner_text() == "'abc' is not a number"
    assert "不是" not in page.locator("#problems").inner_text()
    page.click("header a.lang")
    assert httpx.get(server.url + "/ready").json()["nodes"] == before

    upload(page, server, tmp_path, "企业名单.csv",
           "企业名称,营业收入\n海康微视,12\n大力科技,10\n")
    assert "待核对 2" in page.locator("#plan").inner_text()
    screenshot(page, "import-preview-zh")
    page.click("#confirm")
    page.wait_for_selector("#import-status[data-phase=confirm][data-status=done]")
    assert "已导入" in page.locator(".notice").inner_text()

    page.goto(server.url + "/reviews")
    cards = page.locator("article.review")
    assert cards.count() == 2
    text = page.locator("main").inner_text()
    assert "海康微视" in text and "海康威视" in text and "浙江大立科技" in text
    assert "ent:" not in text  # names, never ids
    assert "拼音相似" in text  # the evidence, in Chinese
    screenshot(page, "reviews-zh")
    dali = cards.filter(has_text="大力科技")
    dali.locator("button.accept").click()
    page.wait_for_url("**/reviews?decided=*")
    assert page.locator(".notice").inner_text() == "已将“大力科技”合并到“浙江大立科技”。"
    cards.filter(has_text="海康微视").locator("button.reject").click()
    page.wait_for_url("**/reviews?decided=*&outcome=reject")
    assert "不再询问" in page.locator(".notice").inner_text()
    assert page.locator("article.review").count() == 0
    page.goto(server.url + "/reviews?status=all&lang=en")
    assert "pinyin" in page.locator("main").inner_text()
    screenshot(page, "reviews-decided-en")
    page.goto(server.url + "/reviews?lang=zh")

    with signed_in(server, "wang") as http:
        decided = {c["incoming"]["name"]: c["status"]
                   for c in http.get("/api/reviews", params={"status": "all"}).json()["items"]}
        assert decided == {"大力科技": "accepted", "海康微视": "rejected"}
        graph = http.get("/api/export").text
    dali_line = next(line for line in graph.splitlines() if '"id":"ent:dali-tech"' in line
                     or ('"浙江大立科技"' in line and '"Enterprise"' in line))
    assert "大力科技" in dali_line  # merged: the spelling kept as an alias


def test_an_upload_over_the_limit_from_the_page_form_gets_the_error_page_in_its_language(
        server):
    """The /imports form sends 20 MiB + 1 byte (the upload limit is 20 MiB): a page gets
    the HTML error page in the page's language, whether the size is declared up front or
    only found while the body arrives in chunks; the API keeps its problem details."""
    body = b"x" * (20 * 2**20 + 1)
    said = {"zh": "提交的内容太大：不能超过 20 MB",
            "en": "What you sent is too large: at most 20 MB"}
    for lang, words in said.items():
        answer = httpx.post(server.url + "/imports", timeout=120,
                            headers={"accept": "text/html,application/xhtml+xml"},
                            cookies={"duijie_lang": lang}, data={"kind": "Enterprise"},
                            files={"file": ("big.csv", body, "text/csv")})
        assert answer.status_code == 413, answer.text[:300]
        assert answer.headers["content-type"].startswith("text/html")
        assert words in answer.text and f'lang="{lang}' in answer.text
        assert said["en" if lang == "zh" else "zh"] not in answer.text

    def chunks():  # a well-formed multipart body whose file part never ends in time
        yield (b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.csv"'
               b"\r\nContent-Type: text/csv\r\n\r\n")
        for _ in range(21):
            yield b"y" * 2**20
        yield b"\r\n--b--\r\n"

    chunked = httpx.post(server.url + "/imports?lang=en", content=chunks(), timeout=120,
                         headers={"accept": "text/html",
                                  "content-type": "multipart/form-data; boundary=b"})
    assert chunked.status_code == 413 and said["en"] in chunked.text
    assert chunked.headers["content-type"].startswith("text/html")
    from_api = httpx.post(server.url + "/api/imports", timeout=120, data={"kind": "Enterprise"},
                          files={"file": ("big.csv", body, "text/csv")})
    assert from_api.status_code == 413
    assert from_api.headers["content-type"] == "application/problem+json"
    assert from_api.json()["detail"] == "the request body is larger than 20,971,520 bytes"


def test_a_review_whose_reason_is_a_part_reads_as_a_sentence_in_both_languages(page, server):
    """The `has_part` reason (one name holds the other as a unit) on the review queue: a
    sentence naming both organisations, in Chinese and in English, with no id and no
    code. The resolver decides such a pair `different` and queues nothing itself, so the
    item is written through the store with the reasons `resolve` gives for the pair (as
    a queue kept from before that rule would hold it); deciding it leaves the queue empty.
    """
    from duijie.graph.model import Node
    from duijie.graph.resolution import resolve, review_id
    from duijie.graph.sqlite_store import SqliteStore
    from duijie.graph.store import ReviewItem, WriteBatch, utc_now

    office = Node("inst:cnipa", "Institute", {"name": "国家知识产权局", "region": "北京"})
    patent = Node("inst:cnipa-patent", "Institute", {"name": "国家知识产权局专利局"})
    with SqliteStore(server.db) as store:
        batch = WriteBatch()
        batch.upsert_node(office)
        batch.upsert_node(patent)
        store.apply(batch)
        [found] = [c for c in resolve(store, office.name, kind="Institute", k=10)
                   if c.node_id == patent.id]
        assert found.decision == "different"
        assert found.reasons[0] == "国家知识产权局专利局 is a unit of 国家知识产权局"
        item = ReviewItem(id=review_id(office.id, patent.id), name=office.name,
                          candidate_id=patent.id, score=round(found.score, 4),
                          kind="Institute", payload=office.to_dict(), created_at=utc_now(),
                          reasons=list(found.reasons))
        store.add_reviews([item])
    said = {"zh": "国家知识产权局专利局 是 国家知识产权局 的下属单位，不是同一机构",
            "en": "国家知识产权局专利局 is a unit of 国家知识产权局, not the same organisation"}
    for lang, sentence in said.items():
        page.goto(server.url + f"/reviews?lang={lang}")
        card = page.locator(f"[id='review-{item.id}']")
        reasons = card.locator("ul.evidence li").all_inner_texts()
        assert reasons[0] == sentence, reasons
        text = card.inner_text()
        assert "国家知识产权局" in card.locator(".incoming h3").inner_text()
        assert card.locator(".candidate h3").inner_text() == "国家知识产权局专利局"
        for raw in ("inst:", "has_part", "review_reason", "is a unit of" if lang == "zh"
                    else "下属单位"):
            assert raw not in text, (lang, raw)
        screenshot(page, f"review-has-part-{lang}")
    card.locator("button.reject").click()
    page.wait_for_url("**/reviews?decided=*&outcome=reject")
    assert page.locator(f"[id='review-{item.id}']").count() == 0
