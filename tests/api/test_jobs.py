"""Planning as a job: progress is reported, a cancelled plan writes nothing."""

from __future__ import annotations

import threading

import pytest

from duijie.api.jobs import Job
from duijie.api.services.events import event_meetings
from duijie.api.services.planning import plan_event_meetings
from duijie.matcher.assignment import PlanCancelled
from tests.api.test_events import EVT
from tests.api.test_events import store as events_store  # noqa: F401 - the fixture


def test_a_job_reports_stages_and_returns_the_plan(events_store) -> None:  # noqa: F811
    stages: list[str] = []

    def plan(progress, cancelled):
        return plan_event_meetings(events_store, EVT,
                                   progress=lambda s: (stages.append(s), progress(s)),
                                   cancelled=cancelled)

    job = Job(plan, name="plan").start()
    result = job.wait(timeout=120)
    assert job.status == "done"
    assert result.covered_firms == 3
    assert stages and job.stage == stages[-1]
    assert len(event_meetings(events_store, EVT)) == len(result.meetings)


def test_a_cancelled_plan_writes_nothing(events_store) -> None:  # noqa: F811
    before = events_store.counts()
    reached = threading.Event()
    release = threading.Event()

    def plan(progress, cancelled):
        def hold(stage):  # stop at the first stage until the test has cancelled
            progress(stage)
            reached.set()
            release.wait(30)
        return plan_event_meetings(events_store, EVT, progress=hold, cancelled=cancelled)

    job = Job(plan, name="plan").start()
    assert reached.wait(60)
    job.cancel()
    release.set()
    with pytest.raises(PlanCancelled):
        job.wait(timeout=120)
    assert job.status == "cancelled"
    assert events_store.counts() == before
    assert event_meetings(events_store, EVT) == []


def test_a_failing_job_raises_its_error() -> None:
    def boom(progress, cancelled):
        raise ValueError("bad input in row 3")

    job = Job(boom).start()
    with pytest.raises(ValueError, match="row 3"):
        job.wait(timeout=10)
    assert job.status == "failed"
    assert job.to_dict()["error"] == "bad input in row 3"
