"""`duijie demo --serve`: the README's first command opens the service, Xi'an ready to plan."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import httpx

from tests.bolt_server import free_port


def _start_demo(db, port: int) -> subprocess.Popen:
    log = db.with_suffix(f".{port}.{time.monotonic_ns()}.log")
    process = subprocess.Popen(
        [sys.executable, "-m", "duijie.api.cli", "--db", str(db), "demo", "--serve",
         "--port", str(port)],
        stdout=log.open("wb"), stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    process.log = log
    return process


def _read_until_served(process: subprocess.Popen, url: str, seconds: float = 180) -> str:
    """The demo's printout up to the moment the service answers /health."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        out = process.log.read_text(encoding="utf-8", errors="replace")
        if process.poll() is not None:
            raise AssertionError(f"demo exited {process.returncode}: {out[-2000:]}")
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return process.log.read_text(encoding="utf-8", errors="replace")
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"the demo's service did not answer in {seconds} s: "
                         f"{process.log.read_text(errors='replace')[-2000:]}")


def test_demo_serves_the_seeded_store_with_sign_ins_printed_once(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = _start_demo(tmp_path / "demo.db", port)
    try:
        out = _read_until_served(process, url)
        assert "西安精准对接方案" in out  # the demo ran first
        accounts = dict(re.findall(r"演示账号（.*?）：(\S+) / (\S+)", out))
        assert "演示账号（组织方）：demo / " in out and "demo sign-in" not in out
        assert set(accounts) == {"demo", "demo-firm"}
        with httpx.Client(base_url=url) as client:
            login = client.post("/api/session", json={"username": "demo",
                                                      "password": accounts["demo"]})
            assert login.status_code == 200, login.text
            bearer = {"Authorization": f"Bearer {login.json()['token']}"}
            event = client.get("/api/events/evt:xian-docking-2019-05", headers=bearer)
            assert event.status_code == 200, event.text
            assert event.json()["name"] == "赴西安精准对接“三服务”活动"
            firm = client.post("/api/session", json={"username": "demo-firm",
                                                     "password": accounts["demo-firm"]})
            assert firm.status_code == 200
            assert firm.json()["user"]["party_id"] == "ent:ill-firm-001"
            wrong = client.post("/api/session", json={"username": "demo",
                                                      "password": "not the password"})
            assert wrong.status_code == 401
    finally:
        process.terminate()
        process.wait(timeout=30)
    # A second start on the same office makes no new accounts and prints no password.
    process = _start_demo(tmp_path / "demo.db", port)
    try:
        out = _read_until_served(process, url)
        assert "演示账号" not in out and "请使用已有账号登录" in out
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_demo_without_a_terminal_stops_after_the_plan(tmp_path):
    done = subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db",
                           str(tmp_path / "d.db"), "demo"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "duijie demo --serve" in done.stdout
