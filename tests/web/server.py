"""A real `duijie serve` process on a loopback port, for HTTP and browser tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import httpx

from tests.bolt_server import free_port


class Server:
    """`duijie --db PATH serve --port N` in a subprocess; `url` once it answers /health."""

    def __init__(self, db: Path, *, seed: bool = True, workers: int = 1,
                 env: dict[str, str] | None = None):
        self.db = db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [sys.executable, "-m", "duijie.api.cli", "--db", str(db), "serve",
                "--port", str(self.port), "--workers", str(workers)]
        if not seed:
            args.append("--no-seed")
        self.log = db.with_suffix(".serve.log")
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(args, stdout=self._log_file, stderr=subprocess.STDOUT,
                                        env={**os.environ, **(env or {})})
        self._wait()

    def _wait(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"duijie serve exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.close()
        raise RuntimeError(f"duijie serve did not answer in {seconds} s")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_file.close()


PASSWORD = "correct horse battery"


def session_token(server: Server, username: str, password: str = PASSWORD) -> str:
    """The token POST /api/session answers for `username` (a bearer token and the pages'
    session cookie at once)."""
    answer = httpx.post(server.url + "/api/session",
                        json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


def signed_in(server: Server, username: str, password: str = PASSWORD,
              timeout: float = 120, *, cookie: bool = False) -> httpx.Client:
    """A client signed in as `username` through POST /api/session, carrying its bearer
    token, or with `cookie` the session cookie as a browser does (for pages)."""
    token = session_token(server, username, password)
    if cookie:
        return httpx.Client(base_url=server.url, timeout=timeout,
                            cookies={"duijie_session": token})
    return httpx.Client(base_url=server.url, timeout=timeout,
                        headers={"Authorization": f"Bearer {token}"})


def ended_job(http: httpx.Client, path: str, *, phase: str | None = None,
              seconds: float = 300, every: float = 0.1) -> dict:
    """GET `path` (a job's or an import's address) until the job has ended, and for an
    import until it has ended `phase` (preview or confirm); its last answer. The test
    fails after `seconds`.

        job = ended_job(http, f"/api/jobs/{started['id']}")
    """
    deadline = time.monotonic() + seconds
    while True:
        answer = http.get(path)
        assert answer.status_code == 200, answer.text
        job = answer.json()
        if job["status"] not in ("pending", "running") and (phase is None or job["phase"] == phase):
            return job
        assert time.monotonic() < deadline, f"{path} has not ended after {seconds} s: {job}"
        time.sleep(every)


def add_user(db: Path, username: str, role: str, password: str, *extra: str) -> dict:
    """Create an account through the real CLI."""
    import json

    done = subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), "user", "add",
                           username, "--role", role, "--password-stdin", "--json", *extra],
                          input=password + "\n", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def serve_with_accounts(tmp_path_factory, name: str, accounts: Iterable[Sequence[str]], *,
                        seed: bool = True, workers: int = 1,
                        env: dict[str, str] | None = None) -> Iterator[Server]:
    """The body of a module's server fixture: a fresh store under `name`, `duijie serve`
    on it (seeded first, so enterprise and expert accounts can name seed records), then
    each account made through the CLI as ``(username, role, *options)`` with `PASSWORD`;
    the server is stopped when the module is done.

        @pytest.fixture(scope="module")
        def server(tmp_path_factory):
            yield from serve_with_accounts(tmp_path_factory, "needs", [
                ("wang", "organiser", "--name", "王老师"),
                ("ailaiyi", "enterprise", "--party", "ent:ailaiyi")])
    """
    db = tmp_path_factory.mktemp(name) / "office.db"
    running = Server(db, seed=seed, workers=workers, env=env)
    try:
        for username, role, *options in accounts:
            add_user(db, username, role, PASSWORD, *options)
        yield running
    finally:
        running.close()
