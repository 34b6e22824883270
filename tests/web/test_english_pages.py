"""The main pages in English, in a real browser, for an organiser, a firm and an expert:
no Chinese outside what is data (names, titles, regions, quotes as stored) and no raw
id (ent:…, need:…) where a person reads.

What counts as data: the text of elements marked ``class="name"`` or ``class="quote"``
or ``lang="zh-CN"`` (the switch back to Chinese), and every string value stored on a
record of the graph (read from the served SQLite file), so a name shown without a
mark still counts as a name, and a word the page itself adds in Chinese does not.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from duijie.api.web.routes.office_pages import refused_query
from duijie.graph import open_store
from duijie.graph.errors import InvalidInput, at
from duijie.graph.model import NODE_KINDS
from duijie.graph.store import iter_nodes
from tests.api.test_cli import run
from tests.web.browser import browser, screenshot  # noqa: F401  (fixture)
from tests.web.server import PASSWORD, serve_with_accounts

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+")
RAW_ID = re.compile(r"\b(?:ent|need|inst|exp|evt|prog|mtg|usr|seed|import):[\w.-]+")
OFFICIAL = "off:english-wang"
ZERO_CAPACITY = urlencode(refused_query(InvalidInput(  # a refusal the edit form carries back
    key="contacts.zero_capacity", params={"name": "王明"},
    where=at("where.official_named", name="王明").then("field.capacity"))))
PAGES = {
    "wang": ["/", "/needs", "/needs/new", "/needs/{need}", "/needs/{need}/matches",
             "/events", "/events/evt:xian-docking-2019-05", "/reviews", "/imports",
             "/meetings", "/challenges", "/problems", "/push", "/contacts",
             "/firms/ent:xinyun-wood", "/analysis", "/analysis/evt:xian-docking-2019-05",
             "/map", "/routing", "/problems/need:shandong-key-firm-difficulties",
             "/push?programme=prog:example-equipment-first-use",
             # programmes one condition away, worded from the eligibility messages
             "/firms/ent:ill-firm-002", "/push?programme=prog:example-rd-reward",
             # a real programme's criteria to check by hand
             "/push?programme=prog:high-tech-enterprise", "/firms/ent:ill-firm-005",
             # an official's page: their firms, a contact, the record and edit forms,
             # and a refusal of the edit form
             f"/contacts/{OFFICIAL}", f"/contacts/{OFFICIAL}?{ZERO_CAPACITY}"],
    "ailaiyi": ["/", "/needs", "/needs/new", "/needs/{need}", "/needs/{need}/matches",
                "/needs/{need}/matches?kind=programme", "/meetings", "/problems", "/firm"],
    "han": ["/", "/needs", "/meetings"],
    "ana": ["/analysis", "/analysis/evt:xian-docking-2019-05"],
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    for running in serve_with_accounts(tmp_path_factory, "english", [
            ("wang", "organiser", "--name", "王老师"),
            ("ailaiyi", "enterprise", "--party", "ent:ailaiyi", "--name", "艾莱依"),
            ("han", "expert", "--party", "exp:xian-han-zhenyu", "--name", "韩老师"),
            ("ana", "analyst", "--name", "安分析")]):
        # an official on duty with firms, a contact made and a problem raised on it
        for args in (("official", "add", "王明", "--department", "科技部门", "--fields",
                      "光电与红外,纺织印染", "--capacity", "200", "--title", "副处长",
                      "--id", OFFICIAL),
                     ("contact", "plan"),
                     ("contact", "record", OFFICIAL, "ent:ailaiyi", "--on", "2019-12-05",
                      "--note", "走访", "--problem", "出口认证费用高")):
            done = run(*args, db=running.db)
            assert done.returncode == 0, (args, done.stderr)
        yield running


def stored_words(db) -> list[str]:
    """Every string stored on a record, longest first (a name before the names in it)."""
    found: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, str):
            found.update(part.strip() for part in re.split(r"[\n,;]", value) if part.strip())
            found.add(value.strip())
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    store = open_store(str(db))
    try:
        for kind in NODE_KINDS:
            for node in iter_nodes(store, kind):
                walk(node.props)
                walk(list(node.aliases))
    finally:
        store.close()
    return sorted((w for w in found if CJK.search(w)), key=len, reverse=True)


def untranslated(text: str, words: list[str]) -> list[str]:
    """The Chinese left in `text` once the stored words are taken out."""
    for word in words:
        if word in text:
            text = text.replace(word, " ")
    return CJK.findall(text)


def test_the_main_pages_in_english_hold_no_chinese_but_names_and_no_raw_ids(
        server, browser):  # noqa: F811
    words = stored_words(server.db)
    assert len(words) > 500  # the seed's names and titles, not an empty list
    problems: dict[str, list[str]] = {}
    for username, paths in PAGES.items():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(server.url + "/login?lang=en")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        need = page.evaluate("""async () => {
            const a = await fetch('/api/needs?limit=1'); return (await a.json()).data[0].id }"""
                             ) if any("{need}" in p for p in paths) else ""
        for path in paths:
            answer = page.goto(server.url + path.replace("{need}", need), timeout=120_000)
            assert answer.status == 200, (username, path, answer.status)
            assert page.locator("html").get_attribute("lang") == "en", path
            shown = page.evaluate("""() => {
                const copy = document.body.cloneNode(true);
                copy.querySelectorAll('.name, .quote, [lang="zh-CN"], script, style, '
                    + 'template').forEach(e => e.remove());
                document.body.appendChild(copy); copy.style.display = 'block';
                const text = copy.innerText; copy.remove(); return text }""")
            left = untranslated(shown, words)
            if "/firms/ent:ill-firm-027" in path:  # one condition away, in English
                near = page.locator("ul.near li").all_inner_texts()
                assert near and all(re.search(r"would make it eligible( \(illustrative\))? for",
                                              o) for o in near), near
                assert not [o for o in near if "万元" in o or "即可申报" in o], near
            if "kind=programme" in path:  # the eligibility conditions, in English
                checks = page.locator("ul.checks li").all_inner_texts()
                assert all(c[:1] in "✗?" for c in checks), checks
            ids = RAW_ID.findall(page.inner_text("body"))
            if path.endswith("/matches"):
                screenshot(page, f"english-matches-{username}")
            if left or ids:
                problems[f"{username} {path}"] = sorted(set(left))[:10] + sorted(set(ids))[:5]
        context.close()
    assert not problems, "\n".join(f"{page}: {' '.join(left)}" for page, left in problems.items())
