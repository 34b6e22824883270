"""The main pages, served by a real `duijie serve` on the seed data, mark every invented
record's name 示意 (in the page's language) and no real organisation's; the JSON they are
built from says `illustrative` on every record naming one (issue 10, part 1)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.illustrative_marks import EVT, INVENTED_FIRM, build_db, seed_names, unflagged, unmarked
from tests.web.server import PASSWORD, Server, add_user

TAG = re.compile(r"<[^>]+>")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    marks_db = build_db(tmp_path_factory.mktemp("pages") / "seed.db")
    add_user(marks_db, "marks-org", "organiser", PASSWORD)
    add_user(marks_db, "marks-firm", "enterprise", PASSWORD, "--party", "ent:ailaiyi")
    running = Server(marks_db, seed=False)
    yield running
    running.close()


@contextmanager
def client(server: Server, username: str, lang: str = "zh") -> Iterator[httpx.Client]:
    """Signed in through POST /api/session, which also sets the pages' cookie."""
    with httpx.Client(base_url=server.url, timeout=180,
                      cookies={"duijie_lang": lang}) as session:
        answer = session.post("/api/session",
                              json={"username": username, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        yield session


def page_text(session: httpx.Client, path: str) -> str:
    answer = session.get(path)
    assert answer.status_code == 200, (path, answer.text[:300])
    return TAG.sub("", answer.text)


ORGANISER_PAGES = ["/", "/meetings", f"/events/{EVT}", f"/firms/{INVENTED_FIRM}",
                   "/firms/ent:ill-firm-011",
                   "/push?programme=prog:provincial-enterprise-tech-centre",
                   "/push?programme=prog:high-tech-enterprise", "/problems", "/needs",
                   "/challenges", "/needs/need:xian-hengtai-titanium/matches"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_organiser_pages_mark_invented_names_and_only_those(server, lang):
    with client(server, "marks-org", lang) as session:
        shown = {path: page_text(session, path) for path in ORGANISER_PAGES}
    for path, text in shown.items():
        assert unmarked(text, titles=False) == [], path
    invented, real, _ = seed_names()
    everything = "\n".join(shown.values())
    assert sum(name in everything for name in invented) >= 20
    assert sum(name in everything for name in real) >= 10
    other = "（示意）" if lang == "en" else " (illustrative)"
    assert other not in everything  # one language per page


def test_a_firm_sees_its_meetings_with_the_invented_partner_marked(server):
    with client(server, "marks-firm") as session:
        text = page_text(session, "/meetings")
        assert "示例专家西02（示意）" in text and unmarked(text, titles=False) == []
        assert unmarked(page_text(session, "/firms/ent:ailaiyi"), titles=False) == []


API_PATHS = ["/api/dashboard", "/api/meetings", f"/api/events/{EVT}",
             f"/api/firms/{INVENTED_FIRM}/profile",
             "/api/programmes/prog:provincial-enterprise-tech-centre/push", "/api/problems",
             "/api/challenges", "/api/needs"]


def test_the_json_behind_the_pages_flags_every_invented_record(server):
    with client(server, "marks-org") as session:
        for path in API_PATHS:
            answer = session.get(path)
            assert answer.status_code == 200, (path, answer.text[:300])
            assert unflagged(answer.json()) == [], path
