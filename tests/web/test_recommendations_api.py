"""Recommendations over HTTP against a real `duijie serve` on the seed graph: an
enterprise gets its need's matches in plain words (no scores, no other firm on a
path), another firm gets 404, and a confidential need reaches only its firm and the
organisers; the matches page says the same to people."""

from __future__ import annotations

import httpx
import pytest

from duijie.graph.vocab import REASON_MESSAGES, MatchReason, values
from tests.web.browser import browser, screenshot, signed_in_page  # noqa: F401  (fixture)
from tests.web.server import serve_with_accounts, signed_in

OWN_NEED = "need:ailaiyi-digital-project-policy"
LASER_EXPERT = "exp:xian-han-zhenyu"
SECRET = "机密：超快光纤激光器光束质量控制"
PRIVATE = {"Enterprise", "Need", "Meeting", "Outcome"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_with_accounts(tmp_path_factory, "recs", [
        ("wang", "organiser", "--name", "王老师"),
        ("zhou", "organiser", "--name", "周老师", "--scope", "西安"),
        ("ailaiyi", "enterprise", "--party", "ent:ailaiyi"),
        ("xinyun", "enterprise", "--party", "ent:xinyun-wood"),
        ("jushi", "enterprise", "--party", "ent:jushi"),
        ("han", "expert", "--party", LASER_EXPERT)])


@pytest.fixture(scope="module")
def secret_need(server):
    with signed_in(server, "ailaiyi") as firm:
        answer = firm.post("/api/needs", json={
            "title": SECRET, "confidentiality": "confidential", "region": "丽水",
            "text": "高功率超快光纤激光器在百瓦级输出时光束质量变差，非线性效应明显，"
                    "需要光束质量控制与非线性抑制方面的专家指导。",
            "submission_key": "recs-secret-0001"})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def kinds_of(node_ids: set[str]) -> dict[str, str]:
    """The kind of each node by its id's prefix (the seed's ids name their kind)."""
    prefix = {"ent": "Enterprise", "need": "Need", "mtg": "Meeting", "out": "Outcome"}
    return {n: prefix.get(n.split(":")[0], "other") for n in node_ids}


def test_an_enterprise_gets_its_need_matches_without_scores_or_other_firms(server):
    with signed_in(server, "ailaiyi") as firm, signed_in(server, "wang") as office:
        for kind in ("expert", "institute"):
            mine = firm.get(f"/api/needs/{OWN_NEED}/recommendations",
                            params={"kind": kind, "k": 10})
            full = office.get(f"/api/needs/{OWN_NEED}/recommendations",
                              params={"kind": kind, "k": 10})
            assert mine.status_code == 200 and full.status_code == 200, mine.text
            mine, full = mine.json(), full.json()
            assert mine["count"] == len(mine["items"]) > 0
            assert [i["id"] for i in mine["items"]] == [i["id"] for i in full["items"]]
            assert all(i["name"] and i["score"] is None and i["components"] == {}
                       for i in mine["items"])
            assert full["items"][0]["score"] > 0
            nodes = {n for i in mine["items"] for p in i["explanation"]["paths"]
                     for n in p["nodes"]}
            kinds = kinds_of(nodes)
            assert not [n for n in nodes if kinds[n] in PRIVATE
                        and n not in (OWN_NEED, "ent:ailaiyi")]
            # An organiser's path passes another firm only as a reason naming a firm of the
            # same industry; every path shown says what it means.
            for p in (p for i in full["items"] for p in i["explanation"]["paths"]):
                assert p["reason"]["code"] in values(MatchReason)
                if any(n.startswith("ent:") and n != "ent:ailaiyi" for n in p["nodes"]):
                    assert p["reason"]["code"] == "industry_peer"


def test_a_second_enterprise_gets_404_for_that_needs_recommendations(server, secret_need):
    with signed_in(server, "xinyun") as other:
        for need in (OWN_NEED, secret_need):
            answer = other.get(f"/api/needs/{need}/recommendations")
            assert answer.status_code == 404
            assert answer.headers["content-type"].startswith("application/problem+json")
            assert SECRET not in answer.text
        unknown = other.get("/api/needs/need:nope/recommendations").json()
        hidden = other.get(f"/api/needs/{secret_need}/recommendations").json()
        assert hidden["detail"].replace(secret_need, "X") == unknown["detail"].replace(
            "need:nope", "X")
        assert other.get(f"/api/candidates/{LASER_EXPERT}/needs").status_code == 403
    with signed_in(server, "han") as expert:
        assert expert.get(f"/api/needs/{OWN_NEED}/recommendations").status_code == 403


def test_a_confidential_need_reaches_its_firm_and_organisers_only(server, secret_need):
    with signed_in(server, "wang") as office:
        found = office.get(f"/api/candidates/{LASER_EXPERT}/needs", params={"k": 10})
        assert found.status_code == 200, found.text
        assert secret_need in [i["id"] for i in found.json()["items"]]
        assert found.json()["items"][0]["score"] is not None
    with signed_in(server, "zhou") as xian:  # an organiser of another region
        found = xian.get(f"/api/candidates/{LASER_EXPERT}/needs", params={"k": 50}).json()
        assert secret_need not in [i["id"] for i in found["items"]]
        assert SECRET not in str(found) and found["count"] == len(found["items"])
    with signed_in(server, "jushi") as other:
        own = other.get("/api/needs", params={"limit": 200}).json()["data"]
        assert own, "the documents give 巨石集团 needs of its own"
        for need in own:
            for kind in ("expert", "institute", "programme"):
                answer = other.get(f"/api/needs/{need['id']}/recommendations",
                                   params={"kind": kind, "k": 10})
                assert answer.status_code == 200, answer.text
                assert secret_need not in answer.text and SECRET not in answer.text
    with signed_in(server, "ailaiyi") as firm:
        answer = firm.get(f"/api/needs/{secret_need}/recommendations", params={"k": 5})
        assert answer.status_code == 200
        assert answer.json()["query"]["title"] == SECRET
        assert LASER_EXPERT in [i["id"] for i in answer.json()["items"]]


def test_text_recommendations_are_for_organisers(server):
    body = {"text": "高功率超快光纤激光器光束质量控制", "kind": "expert", "k": 5}
    with signed_in(server, "wang") as office:
        answer = office.post("/api/recommendations/text", json=body)
        assert answer.status_code == 200, answer.text
        assert LASER_EXPERT in [i["id"] for i in answer.json()["items"]]
        assert office.post("/api/recommendations/text",
                           json={**body, "k": 0}).status_code == 422
    with signed_in(server, "ailaiyi") as firm:
        assert firm.post("/api/recommendations/text", json=body).status_code == 403


def test_the_schema_documents_every_recommendation_route(server):
    paths = httpx.get(server.url + "/openapi.json").json()["paths"]
    for path, method in (("/api/needs/{need_id}/recommendations", "get"),
                         ("/api/candidates/{candidate_id}/needs", "get"),
                         ("/api/recommendations/text", "post")):
        answer = paths[path][method]["responses"]["200"]["content"]["application/json"]
        assert answer["schema"]["$ref"].endswith("/RecommendOut")
    assert paths["/api/recommendations/text"]["post"]["requestBody"]


def test_the_matches_page_speaks_plainly_to_a_firm_and_ranks_for_organisers(server):
    with signed_in(server, "ailaiyi") as api:
        data = api.get(f"/api/needs/{OWN_NEED}/recommendations",
                       params={"kind": "institute"}).json()
    with (signed_in(server, "ailaiyi", cookie=True) as firm,
          signed_in(server, "wang", cookie=True) as office):
        need_page = firm.get(f"/needs/{OWN_NEED}")
        assert f'href="/needs/{OWN_NEED}/matches"' in need_page.text
        page = firm.get(f"/needs/{OWN_NEED}/matches", params={"kind": "institute"})
        assert page.status_code == 200
        assert all(item["name"] in page.text for item in data["items"])
        assert "得分" not in page.text and "→" not in page.text
        assert "需求中的关键词与其研究方向相符" in page.text
        english = firm.get(f"/needs/{OWN_NEED}/matches",
                           params={"kind": "institute", "lang": "en"})
        assert "Matches for" in english.text and "Score" not in english.text
        assert "Key words of the need match their work" in english.text
        assert not [m for m in REASON_MESSAGES["zh"].values()
                    if m.split("{")[0] and m.split("{")[0] in english.text]
        ranked = office.get(f"/needs/{OWN_NEED}/matches", params={"kind": "institute"})
        assert ranked.status_code == 200 and "得分" in ranked.text
        # Organisers read which ranking was used: the seed has no recorded outcomes.
        assert 'data-ranking="hybrid"' in ranked.text and "至少 300 条" in ranked.text
        assert "data-ranking" not in page.text
    with signed_in(server, "xinyun", cookie=True) as other:
        assert other.get(f"/needs/{OWN_NEED}/matches").status_code == 404


def test_in_a_browser_a_firm_opens_its_matches_from_the_need_page(server, browser):  # noqa: F811
    page = signed_in_page(browser, server, "ailaiyi")
    page.goto(server.url + f"/needs/{OWN_NEED}")
    page.click(f"a[href='/needs/{OWN_NEED}/matches']")
    page.wait_for_url(server.url + f"/needs/{OWN_NEED}/matches")
    page.click("nav.status-chips a[href='?kind=institute']")
    page.wait_for_selector("ol.recs li.rec")
    assert page.locator("ol.recs li.rec").count() > 0
    assert page.locator(".rec-score").count() == 0
    screenshot(page, "need-matches-firm-zh")
    page.close()
    page = signed_in_page(browser, server, "wang")
    page.goto(server.url + f"/needs/{OWN_NEED}/matches?kind=institute")
    assert page.locator(".rec-score").count() > 0
    screenshot(page, "need-matches-organiser-zh")
    page.close()
