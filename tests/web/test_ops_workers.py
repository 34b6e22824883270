"""`duijie serve --workers 2` against one SQLite file loses no writes: concurrent need
submissions and import confirms through HTTP, every acknowledged write stored exactly
once (counted in the file itself after the server stops), an import previewed by one
worker confirmed through the other, and one confirm winning a race."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from duijie.graph import open_store
from duijie.graph.store import iter_nodes
from tests.web.server import (
    PASSWORD,
    Server,
    add_user,
    ended_job,
    serve_with_accounts,
    session_token,
)

SUBMISSIONS = 200
THREADS = 8


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    yield from serve_with_accounts(tmp_path_factory, "workers", [
        ("wang", "organiser"), ("ail", "enterprise", "--party", "ent:ailaiyi")], workers=2)


def stored(server: Server, kind: str) -> list:
    """The nodes of `kind` in the SQLite file, read after the server has stopped."""
    store = open_store(str(server.db))
    try:
        return list(iter_nodes(store, kind))
    finally:
        store.close()


def test_two_workers_store_every_acknowledged_write_exactly_once(served):
    firm = session_token(served, "ail")
    organiser = session_token(served, "wang")

    def submit(i: int) -> tuple[int, str, int]:
        title = f"并发提交的需求第{i:03d}号"
        with httpx.Client(base_url=served.url, timeout=60,
                          headers={"Authorization": f"Bearer {firm}"}) as http:
            answer = http.post("/api/needs", json={"title": title, "region": "丽水",
                                                   "submission_key": f"workers-{i:04d}"})
            status = answer.status_code
            if i % 10 == 0:  # a client that retries: the second is not a second need
                retry = http.post("/api/needs", json={"title": title, "region": "丽水",
                                                      "submission_key": f"workers-{i:04d}"})
                assert retry.status_code == 409, retry.text
        return i, title, status

    def import_one(i: int) -> tuple[str, str]:
        name = f"并发导入测试企业{i:02d}号"
        with httpx.Client(base_url=served.url, timeout=60,
                          headers={"Authorization": f"Bearer {organiser}"}) as http:
            started = http.post("/api/imports", data={"kind": "企业"},
                                files={"file": ("firm.csv", f"企业名称\n{name}\n".encode("gbk"),
                                                "text/csv")})
            assert started.status_code == 202, started.text
            job = started.json()
            job = wait(http, job["id"], "preview")
            assert job["preview"]["ok"], job
            confirmed = http.post(f"/api/imports/{job['id']}/confirm")
            assert confirmed.status_code == 202, confirmed.text
            job = wait(http, job["id"], "confirm")
        return name, job["status"]

    with ThreadPoolExecutor(THREADS) as pool:
        imports = pool.map(import_one, range(20))
        submissions = list(pool.map(submit, range(SUBMISSIONS)))
        imports = list(imports)

    acknowledged = [title for _, title, status in submissions if status == 201]
    assert len(acknowledged) == SUBMISSIONS, Counter(s for *_, s in submissions)
    assert {status for _, status in imports} == {"done"}
    served.close()
    titles = Counter(n.props.get("title") for n in stored(served, "Need"))
    assert all(titles[t] == 1 for t in acknowledged)
    assert sum(c for t, c in titles.items() if t.startswith("并发提交的需求")) == SUBMISSIONS
    names = Counter(n.name for n in stored(served, "Enterprise"))
    assert all(names[name] == 1 for name, _ in imports)


def wait(http: httpx.Client, job_id: str, phase: str) -> dict:
    # either worker answers
    return ended_job(http, f"/api/imports/{job_id}", phase=phase, seconds=120, every=0.05)


def test_an_import_confirmed_twice_at_once_is_written_once(tmp_path):
    db = tmp_path / "race.db"
    add_user(db, "wang", "organiser", PASSWORD)
    server = Server(db, seed=False, workers=2)
    try:
        bearer = {"Authorization": f"Bearer {session_token(server, 'wang')}"}
        with httpx.Client(base_url=server.url, timeout=60, headers=bearer) as http:
            job = http.post("/api/imports", data={"kind": "企业"},
                            files={"file": ("f.csv", "企业名称\n竞态确认企业\n".encode(),
                                            "text/csv")}).json()
            wait(http, job["id"], "preview")

        def confirm(_: int) -> int:
            with httpx.Client(base_url=server.url, timeout=60, headers=bearer) as http:
                return http.post(f"/api/imports/{job['id']}/confirm").status_code

        with ThreadPoolExecutor(6) as pool:
            statuses = Counter(pool.map(confirm, range(12)))
        assert statuses == {202: 1, 409: 11}
        with httpx.Client(base_url=server.url, timeout=60, headers=bearer) as http:
            assert wait(http, job["id"], "confirm")["result"]["created"] == 1
    finally:
        server.close()
    assert [n.name for n in stored(server, "Enterprise")] == ["竞态确认企业"]
