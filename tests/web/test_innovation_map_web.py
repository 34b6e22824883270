"""The innovation map through a real `duijie serve` on the seed graph: `/api/map` (the
map, a place with no firms 404, neither 422, a firm 403), then the page in a real
browser: the drawing has its nodes, a click shows a node's links, the tables; with
screenshots in both languages."""

from __future__ import annotations

import pytest

from tests.web.browser import browser, screenshot  # noqa: F401  (fixture)
from tests.web.server import Server, add_user, signed_in

PASSWORD = "correct horse battery"
INDUSTRY = "电机电器"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("map") / "map.db"
    add_user(db, "wang", "organiser", PASSWORD, "--name", "王老师")
    running = Server(db, seed=True)
    add_user(db, "ail", "enterprise", PASSWORD, "--party", "ent:ailaiyi")
    yield running
    running.close()


def test_the_map_over_http(server: Server) -> None:
    http = signed_in(server, "wang")
    answer = http.get("/api/map", params={"industry": INDUSTRY})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["industry"] == INDUSTRY and data["counts"]["firms"] >= 2
    names = {n["id"]: n["name"] for n in data["nodes"]}
    assert all(names[e["source"]] and names[e["target"]] for e in data["edges"])
    assert all(g["firm_name"] and g["score"] < data["strong"] for g in data["unmet_needs"])
    assert data["other_needs"] and data["counts"]["other_needs"] == len(data["other_needs"])
    assert not {o["id"] for o in data["other_needs"]} & set(names)  # apart, not gaps
    pages = signed_in(server, "wang", cookie=True)
    page = pages.get("/map", params={"industry": INDUSTRY})
    assert "不计入缺口的非技术需求" in page.text and data["other_needs"][0]["name"] in page.text
    english = pages.get("/map", params={"industry": INDUSTRY, "lang": "en"})
    assert "not counted as gaps" in english.text
    missing = http.get("/api/map", params={"region": "拉萨"})
    assert missing.status_code == 404 and "拉萨" in missing.json()["detail"]
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert http.get("/api/map").status_code == 422
    assert http.get("/api/map", params={"industry": INDUSTRY, "strong": 2}).status_code == 422
    assert signed_in(server, "ail").get("/api/map", params={"industry": INDUSTRY}
                                        ).status_code == 403
    schema = http.get("/openapi.json").json()
    assert "/api/map" in schema["paths"]


def test_the_map_page_draws_the_graph(browser, server: Server) -> None:  # noqa: F811
    page = browser.new_page(viewport={"width": 1360, "height": 1000})
    page.goto(server.url + "/login")
    page.fill("input[name=username]", "wang")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")
    page.click("header nav a[href='/map']")
    page.wait_for_selector("#map-pick")
    page.fill("input[name=industry]", INDUSTRY)
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#map-canvas[data-drawn]", timeout=120_000)
    drawn = int(page.get_attribute("#map-canvas", "data-drawn"))
    rows = page.locator("#map-nodes tbody tr").count()
    assert drawn == rows > 3
    # the nodes are laid out inside the visible canvas, not piled in a corner
    boxes = page.evaluate("""() => window.duijieMap.nodes().map(n => n.renderedPosition())""")
    canvas = page.locator("#map-canvas").bounding_box()
    inside = [b for b in boxes
              if 0 <= b["x"] <= canvas["width"] and 0 <= b["y"] <= canvas["height"]]
    assert len(inside) == drawn and len({(round(b["x"]), round(b["y"])) for b in boxes}) > drawn / 2
    screenshot(page, "innovation-map-zh")
    # a click on a node lists its links in the panel
    first = page.evaluate("""() => { const n = window.duijieMap.nodes().max(n => n.degree()).ele;
        const p = n.renderedPosition(); return {x: p.x, y: p.y, label: n.data('label')}; }""")
    page.mouse.click(canvas["x"] + first["x"], canvas["y"] + first["y"])
    page.wait_for_function("document.querySelectorAll('#map-detail li').length > 0")
    assert first["label"] in page.inner_text("#map-detail h3")
    body = page.inner_text("main")
    assert "缺口" in body and "关键节点" in body and "群体 1" in body
    assert "need:" not in body and "ent:" not in body
    page.goto(server.url + f"/map?industry={INDUSTRY}&lang=en")
    page.wait_for_selector("#map-canvas[data-drawn]", timeout=120_000)
    english = page.inner_text("main")
    assert "Gaps" in english and "Group 1" in english and "示意" not in english
    screenshot(page, "innovation-map-en")
    page.goto(server.url + "/map?region=拉萨&lang=zh")
    assert "拉萨" in page.inner_text("#refusal")
    page.close()
