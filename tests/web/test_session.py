"""Signing in and out against a real `duijie serve` on loopback: sessions, CSRF, limits,
problem details."""

from __future__ import annotations

import os
import time

import httpx
import pytest

from tests.web.server import add_user, serve_with_accounts

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_with_accounts(tmp_path_factory, "web", [
        ("wang", "organiser", "--name", "王老师")], seed=False,
        env={"DUIJIE_SESSION_HOURS": "0.0005"})  # ~2 s sessions


def sign_in(client: httpx.Client, password: str = PASSWORD) -> httpx.Response:
    return client.post("/api/session", json={"username": "wang", "password": password})


def test_health_and_readiness(server):
    assert httpx.get(server.url + "/health").json() == {"status": "ok"}
    ready = httpx.get(server.url + "/ready").json()
    assert ready == {"status": "ready", "nodes": 0}


def test_sign_in_gives_a_cookie_session_with_csrf(server):
    with httpx.Client(base_url=server.url) as client:
        assert client.get("/api/session").status_code == 401
        answer = sign_in(client)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["user"]["display_name"] == "王老师" and "password_hash" not in body["user"]
        cookie = answer.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        assert client.get("/api/session").json()["user"]["username"] == "wang"
        # A cookie-signed write without the CSRF token is refused, nothing changes.
        refused = client.delete("/api/session")
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
        assert client.get("/api/session").status_code == 200
        assert client.delete("/api/session",
                             headers={"X-CSRF-Token": body["csrf"]}).status_code == 204
        assert client.get("/api/session").status_code == 401


def test_wrong_password_and_unknown_user_answer_alike(server):
    with httpx.Client(base_url=server.url) as client:
        wrong = sign_in(client, "not the password")
        unknown = client.post("/api/session", json={"username": "nobody", "password": "x" * 12})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"] == (
        "login: wrong username or password")


def test_a_bearer_token_needs_no_csrf_and_expires(server):
    token = sign_in(httpx.Client(base_url=server.url)).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.get(server.url + "/api/session", headers=auth).status_code == 200
    time.sleep(2.5)
    expired = httpx.get(server.url + "/api/session", headers=auth)
    assert expired.status_code == 401
    assert "session has ended" in expired.json()["detail"]


def test_bad_bodies_get_problem_details_never_a_500(server):
    url = server.url + "/api/session"
    malformed = httpx.post(url, content=b'{"username": ', headers={
        "content-type": "application/json"})
    assert malformed.status_code == 422
    assert malformed.headers["content-type"] == "application/problem+json"
    wrong_type = httpx.post(url, json={"username": ["wang"], "password": 5})
    assert wrong_type.status_code == 422 and "username" in wrong_type.json()["detail"]
    huge = httpx.post(url, content=b"x" * (2 * 2**20), headers={
        "content-type": "application/json"})
    assert huge.status_code == 413
    assert huge.json()["detail"] == "the request body is larger than 1,048,576 bytes"
    assert httpx.get(server.url + "/api/nothing-here").status_code == 404


def test_user_add_checks_the_party_and_never_shows_the_hash(tmp_path):
    import json
    import subprocess
    import sys

    db = tmp_path / "office.db"
    seeded = subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), "seed"],
                            capture_output=True, text=True, timeout=300)
    assert seeded.returncode == 0, seeded.stderr
    firm = json.loads(subprocess.run(
        [sys.executable, "-m", "duijie.api.cli", "--db", str(db), "stats", "--json"],
        capture_output=True, text=True, timeout=120).stdout)
    assert firm["nodes"]["Enterprise"] > 0
    made = add_user(db, "firm1", "enterprise", PASSWORD, "--party",
                    "ent:ailaiyi")
    assert made["party_id"] == "ent:ailaiyi" and "password_hash" not in made
    wrong = subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), "user", "add",
                            "firm2", "--role", "enterprise", "--party",
                            "inst:xidian-university", "--password-stdin"],
                           input=PASSWORD + "\n", capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 2  # the CLI speaks Chinese, as its output
    assert wrong.stderr.strip() == "错误：所代表的对象：“inst:xidian-university” 是机构，不是企业"
    short = subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), "user", "add",
                            "wang", "--role", "organiser", "--password-stdin"],
                           input="short\n", capture_output=True, text=True, timeout=120)
    assert short.returncode == 2 and short.stderr.strip() == "错误：密码：须至少 10 个字符"
    # An analyst speaks for no firm: --party is refused, said where, and nothing written.
    analyst = subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), "user",
                              "add", "li", "--role", "analyst", "--party", "ent:ailaiyi",
                              "--password-stdin"],
                             input=PASSWORD + "\n", capture_output=True, text=True, timeout=120)
    assert analyst.returncode == 2
    assert analyst.stderr.strip() == (
        "错误：所代表的对象：“ent:ailaiyi” 不适用：分析员账号不代表任何企业或专家，请去掉 --party")
    english = subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), "user",
                              "add", "li", "--role", "analyst", "--party", "ent:ailaiyi",
                              "--password-stdin"], input=PASSWORD + "\n", capture_output=True,
                             text=True, timeout=120, env={**os.environ, "DUIJIE_LANG": "en"})
    assert english.stderr.strip() == ("error: party: 'ent:ailaiyi' is not for an analyst "
                                      "account, which speaks for no firm or expert: leave out "
                                      "--party")
    listed = subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), "user",
                             "list"], capture_output=True, text=True, timeout=120)
    assert "firm1" in listed.stdout and "argon2" not in listed.stdout
    names = json.loads(subprocess.run(
        [sys.executable, "-m", "duijie.api.cli", "--db", str(db), "user", "list", "--json"],
        capture_output=True, text=True, timeout=120).stdout)
    assert [u["username"] for u in names] == ["firm1"]  # the refused analyst is not there


def test_every_messages_file_has_the_same_words_in_both_languages():
    from collections import Counter

    from duijie.api.web.i18n import message_files

    files = message_files()
    assert "common.toml" in files
    for name, tables in files.items():
        assert set(tables) == {"zh", "en"}, name
        assert set(tables["zh"]) == set(tables["en"]), (name, set(tables["zh"]) ^ set(
            tables["en"]))
        assert all(isinstance(v, str) and v for lang in tables.values() for v in lang.values())
    defined = Counter(k for tables in files.values() for k in tables["zh"])
    assert [k for k, n in defined.items() if n > 1] == []  # one file per key
