"""Two organisers editing one event at once, as two OS processes, on SQLite and over
Bolt: every participant and every pair rule either adds survives, and of two
processes creating the same event id exactly one succeeds."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from duijie.api.services.events import create_event, load_setup
from duijie.graph import open_store
from duijie.graph.model import Node
from tests.bolt_server import BOLT_SERVER_NAMES

WORKER = """
import pathlib, sys, time
from duijie.api.services.events import add_pair_rule, add_participant, create_event
from duijie.graph import open_store
from duijie.graph.errors import Conflict

url, side, count, folder = sys.argv[1], sys.argv[2], int(sys.argv[3]), pathlib.Path(sys.argv[4])
store = open_store(url)
(folder / f"ready-{side}").touch()
while not (folder / "go").exists():  # both start at once
    time.sleep(0.002)
try:
    create_event(store, name="抢注", event_id="evt:race")
    print("created")
except Conflict:
    print("conflict")
for i in range(count):
    add_participant(store, "evt:one", f"exp:{side}{i}", max_meetings=2)
    add_pair_rule(store, "evt:one", "pin", "ent:0", f"exp:{side}{i}", by=side)
store.close()
"""


@pytest.fixture(params=["sqlite", *BOLT_SERVER_NAMES])
def url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
    url = request.getfixturevalue("bolt_servers").url(request.param)
    store = open_store(url)
    store.wipe()  # emptied before and after
    yield url
    store.wipe()
    store.close()


def test_two_processes_editing_one_event_lose_nothing(url, tmp_path):
    store = open_store(url)
    count = 12
    with store.batch() as b:
        b.upsert_node(Node("ent:0", "Enterprise", {"name": "企业0"}))
        for side in "ab":
            for i in range(count):
                b.upsert_node(Node(f"exp:{side}{i}", "Expert", {"name": f"专家{side}{i}"}))
    create_event(store, name="同一场对接会", event_id="evt:one")
    from duijie.api.services.events import add_participant

    add_participant(store, "evt:one", "ent:0")
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, url, side, str(count),
                               str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for side in "ab"]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("ready-*"))) < 2 and time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            break
        time.sleep(0.01)
    (tmp_path / "go").touch()
    said = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        said.append(out.strip())
    assert sorted(said) == ["conflict", "created"]

    setup = load_setup(store, "evt:one")
    expected = {f"exp:{side}{i}" for side in "ab" for i in range(count)}
    assert set(setup.helpers) == expected
    assert all(p["max_meetings"] == 2 for p in setup.participants if p["side"] == "helper")
    assert {(r["helper"], r["by"]) for r in setup.rules} == {
        (h, h[4]) for h in expected}
    linked = {e.src for e in store.find_edges("participated_in", dst="evt:one", limit=10**6)}
    assert linked == expected | {"ent:0"}
    store.close()
