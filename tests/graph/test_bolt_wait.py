"""A Bolt server that stops answering (SIGSTOP on a server these tests start, never the
suite's shared one) ends a read, a write and a command in a clear BackendUnavailable
naming the URL and the setting, within the bound, with nothing half-written; after
SIGCONT the same store works again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import pytest

from duijie.graph.bolt_wait import WAIT_ENV
from duijie.graph.errors import BackendUnavailable
from duijie.graph.neo4j_store import Neo4jStore
from tests.graph.test_neo4j_store import own_server, topics  # noqa: F401  (fixture)

pytestmark = pytest.mark.bolt


@contextmanager
def silent(server):
    """The server process stopped (its sockets still accept, nothing answers)."""
    os.kill(server.process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(server.process.pid, signal.SIGCONT)


def test_reads_and_writes_to_a_silent_server_end_within_the_bound(own_server):  # noqa: F811
    store = Neo4jStore.from_url(own_server.url + "?timeout=2&retry_seconds=1")
    address = own_server.url.rsplit("@", 1)[-1]
    try:
        store.apply(topics("before", 10))
        # Short from here only: ArcadeDB's first queries on a loaded machine are slower.
        store.wait = 3.0
        with silent(own_server):
            started = time.monotonic()
            with pytest.raises(BackendUnavailable, match="did not answer for 3 s") as read:
                store.counts()
            assert time.monotonic() - started < 8
            assert address in str(read.value) and WAIT_ENV in str(read.value)
            started = time.monotonic()
            with pytest.raises(BackendUnavailable, match="did not answer for 3 s"):
                store.apply(topics("during", 20))
            assert time.monotonic() - started < 8
        store.wait = 60.0
        assert store.counts()["nodes"] == {"Topic": 10}  # the same store, answered again
        store.apply(topics("after", 5))
        assert store.counts()["nodes"] == {"Topic": 15}
    finally:
        store.close()


def test_a_batch_cut_off_by_silence_is_written_whole_or_not_at_all(own_server):  # noqa: F811
    store = Neo4jStore.from_url(own_server.url + "?timeout=2&retry_seconds=1")
    try:
        store.apply(topics("before", 10))
        errors: list[BaseException] = []

        def write() -> None:
            try:
                store.apply(topics("mid", 6000))  # a few seconds: the stop comes mid-way
            except BaseException as exc:
                errors.append(exc)

        writer = threading.Thread(target=write)
        store.wait = 5.0
        writer.start()
        time.sleep(0.8)
        with silent(own_server):
            writer.join(30)
            assert not writer.is_alive(), "the write still waits on a silent server"
        store.wait = 60.0
        assert errors and isinstance(errors[0], BackendUnavailable), errors
        assert "did not answer" in str(errors[0])
        time.sleep(1)  # anything the server had left to do, it has done
        assert store.counts()["nodes"] in ({"Topic": 10}, {"Topic": 6010})
        store.apply(topics("after", 5))
        assert sum(store.counts()["nodes"].values()) in (15, 6015)
    finally:
        store.close()


def test_a_command_against_a_silent_server_ends_with_the_setting_named(own_server):  # noqa: F811
    Neo4jStore.from_url(own_server.url).close()  # the database exists and answers
    with silent(own_server):
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "duijie.api.cli", "--graph", own_server.url,
             "--bolt-timeout", "2", "stats"], capture_output=True, text=True, timeout=60)
        took = time.monotonic() - started
    assert done.returncode != 0
    assert "did not answer for 2 s" in done.stderr and "--bolt-timeout" in done.stderr
    assert own_server.url.rsplit("@", 1)[-1] in done.stderr
    assert "Traceback" not in done.stderr
    assert took < 30, took
