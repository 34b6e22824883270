"""A write command that creates its store leaves nothing behind when it fails: a bad
import, a refused account or a stopped generation into a new --db removes the file
(and SQLite's -wal/-shm) it made; a store that existed keeps what it held. Real CLI
processes on real SQLite files."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from duijie.graph.sqlite_store import SqliteStore
from tests.api.test_cli import run


def leftovers(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.glob(db.name + "*"))


def test_a_failed_import_into_a_new_db_leaves_no_file(tmp_path: Path) -> None:
    db, bad = tmp_path / "new.db", tmp_path / "firms.csv"
    bad.write_text("name,营业收入（万元）\n恒锋工具,很多\n", encoding="utf-8")
    done = run("import", "enterprise", str(bad), db=db)
    assert done.returncode == 2, done.stderr
    assert "firms.csv" in done.stderr and "未导入任何记录" in done.stderr
    assert leftovers(db) == []


def test_a_failed_import_into_an_existing_db_keeps_it_as_it_was(tmp_path: Path) -> None:
    db, good, bad = tmp_path / "office.db", tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("name\n恒锋工具\n", encoding="utf-8")
    bad.write_text("name,营业收入（万元）\n大立科技,很多\n", encoding="utf-8")
    assert run("import", "enterprise", str(good), db=db).returncode == 0
    assert run("import", "enterprise", str(bad), db=db).returncode == 2
    store = SqliteStore(db)
    try:
        assert [n.name for n in store.find_nodes("Enterprise")] == ["恒锋工具"]
    finally:
        store.close()


def test_a_refused_account_on_a_new_db_leaves_no_file(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    short = subprocess.run(
        [sys.executable, "-m", "duijie.api.cli", "--db", str(db), "user", "add", "wang",
         "--role", "organiser", "--password-stdin"], input="short\n", capture_output=True,
        text=True, timeout=120)
    assert short.returncode == 2 and "密码" in short.stderr  # the CLI speaks Chinese
    assert leftovers(db) == []
    ok = subprocess.run(
        [sys.executable, "-m", "duijie.api.cli", "--db", str(db), "user", "add", "wang",
         "--role", "organiser", "--password-stdin"], input="a long enough secret\n",
        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert db.exists()


def test_a_generation_stopped_midway_leaves_no_half_written_db(tmp_path: Path) -> None:
    db = tmp_path / "big.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "duijie.api.cli", "--db", str(db), "generate",
         "--enterprises", "200000", "--experts", "200000", "--needs", "200000"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not db.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert db.exists(), "generate never opened its store"
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=120)
    assert proc.returncode != 0
    assert leftovers(db) == []


def test_a_failed_import_keeps_a_store_made_by_init(tmp_path: Path) -> None:
    """Only a file the failing command created is removed: a bad import into a store made
    by `init` leaves that (empty) store."""
    db, bad = tmp_path / "office.db", tmp_path / "bad.csv"
    assert run("init", db=db).returncode == 0
    bad.write_text("name,营业收入（万元）\n恒锋工具,很多\n", encoding="utf-8")
    assert run("import", "enterprise", str(bad), db=db).returncode == 2
    assert db.exists()
