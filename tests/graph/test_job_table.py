"""The shared job table: one running job per subject across connections (as across a
server's workers), a job whose process died reads as failed, one claim, old jobs forgotten."""

from __future__ import annotations

import subprocess
import sys

import pytest

from duijie.graph.errors import Conflict, InvalidInput, NotFound
from duijie.graph.job_table import JobTable


@pytest.fixture
def path(tmp_path):
    return tmp_path / "office.db"


def test_one_running_job_per_subject_whichever_connection_starts_it(path):
    first, second = JobTable(path), JobTable(path)  # two workers' connections
    row = first.create("plan", subject="evt:1", name="plan evt:1", owner="usr:1")
    with pytest.raises(Conflict, match="evt:1"):
        second.create("plan", subject="evt:1")
    other = second.create("plan", subject="evt:2")  # another event plans meanwhile
    assert second.create("invite", subject="evt:1").kind == "invite"
    second.update(row.id, stage="scoring", steps=1)
    assert first.get(row.id).stage == "scoring"
    first.finish(row.id, "done", result={"meetings": 2})
    seen = second.get(row.id)
    assert (seen.status, seen.result, seen.finished) == ("done", {"meetings": 2}, True)
    assert second.create("plan", subject="evt:1").id not in (row.id, other.id)


def test_cancel_is_seen_by_the_other_connection_and_a_claim_is_taken_once(path):
    first, second = JobTable(path), JobTable(path)
    row = first.create("import", upload=b"\xef\xbb\xbfname\n")
    assert not first.cancel_requested(row.id)
    assert second.request_cancel(row.id).cancel
    assert first.cancel_requested(row.id)
    assert [first.claim(row.id), second.claim(row.id), first.claim(row.id)] == [
        True, False, False]
    assert second.upload(row.id) == b"\xef\xbb\xbfname\n"
    with pytest.raises(NotFound, match="nosuchjob"):
        second.get("nosuchjob")
    with pytest.raises(InvalidInput, match="owner"):
        first.update(row.id, owner="usr:2")
    with pytest.raises(InvalidInput, match="finished"):
        first.finish(row.id, "finished")


def test_a_job_whose_process_died_reads_failed_and_frees_its_subject(path):
    script = ("import sys; from duijie.graph.job_table import JobTable; "
              "print(JobTable(sys.argv[1]).create('plan', subject='evt:1').id)")
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                          text=True, timeout=60, check=True)
    job_id = done.stdout.strip()
    table = JobTable(path)
    assert table.list("plan")[0].status == "running"  # as the dead process left it
    fresh = table.create("plan", subject="evt:1")  # not blocked by the dead one
    dead = table.get(job_id)
    assert dead.status == "failed" and "stopped" in dead.error
    assert fresh.status == "running"


def test_only_old_finished_jobs_are_forgotten(path):
    table = JobTable(path)
    table.KEEP = 2
    running = table.create("demo", subject="kept-running")
    finished = []
    for i in range(4):
        row = table.create("demo", subject=f"s{i}")
        table.finish(row.id, "done", result=i)
        finished.append(row.id)
    table.create("demo")
    left = {row.id for row in table.list("demo")}
    assert running.id in left and finished[-1] in left
    assert finished[0] not in left and len(left) <= 3
    with pytest.raises(NotFound):
        table.get(finished[0])
