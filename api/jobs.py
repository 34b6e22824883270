"""Long tasks (planning a large event) as jobs: progress, cancel, result.

A `Job` runs a function on a worker thread and hands it two callbacks: one to
report the stage it has reached, one to ask whether it should stop. The CLI
shows the stage and cancels on Ctrl-C; the web service keeps jobs by id on a
`JobBoard` and answers their status. A cancelled plan writes nothing (the planners
check `cancelled()` between stages and write in one batch at the end); a cancel
that comes after the last check is too late, and the job ends "done".

>>> def count(progress, cancelled):
...     progress("counting")
...     return 42
>>> job = Job(count, name="demo").start()
>>> job.wait()
42
>>> job.status, job.stage
('done', 'counting')
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

Progress = Callable[[str], None]
Cancelled = Callable[[], bool]
Status = Literal["pending", "running", "done", "failed", "cancelled"]


class Job:
    """One task on a worker thread; `wait` returns its result or raises its error."""

    def __init__(self, target: Callable[[Progress, Cancelled], Any], *, name: str = ""):
        self.id = uuid.uuid4().hex[:12]
        self.name = name
        self.status: Status = "pending"
        self.stage = ""
        self.steps = 0  # stages reached so far
        self.kind = ""  # what the job does ("plan", "invite"), for whoever lists it
        self.subject: str | None = None  # the record it works on (an event id)
        self.owner: str | None = None  # who started it (an account id)
        self.started_at: str | None = None
        self.finished_at: str | None = None
        self._target = target
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._result: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"job-{self.id}", daemon=True)

    def start(self) -> Job:
        self.status = "running"
        self.started_at = datetime.now(UTC).isoformat(timespec="seconds")
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self._result = self._target(self._report, self._cancel.is_set)
            self.status = "done"  # it finished: a late cancel changed nothing
        except BaseException as exc:  # handed to whoever waits
            self._error = exc
            self.status = "cancelled" if self._cancel.is_set() else "failed"
        finally:
            self.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
            self._done.set()

    def _report(self, stage: str) -> None:
        self.stage = stage
        self.steps += 1

    def cancel(self) -> None:
        """Ask the task to stop at its next check; `wait` then raises its error."""
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> Any:
        """The task's result; its exception if it failed or was cancelled.

        Raises TimeoutError if it is still running after `timeout` seconds.
        """
        if not self._done.wait(timeout):
            raise TimeoutError(f"job {self.id} ({self.name}) still running at stage "
                               f"{self.stage!r}")
        if self._error is not None:
            raise self._error
        return self._result

    def join(self, timeout: float | None = None) -> bool:
        """Wait until the job has ended (at most `timeout` s); whether it has."""
        return self._done.wait(timeout)

    @property
    def finished(self) -> bool:
        return self._done.is_set()

    @property
    def result(self) -> Any:
        """The result once done (None before, or after a failure or a cancel)."""
        return self._result if self.status == "done" else None

    @property
    def error(self) -> BaseException | None:
        return self._error

    def to_dict(self) -> dict[str, Any]:
        """The job's state; `result` is the result's `to_dict()` once it is done."""
        result = self.result
        return {"id": self.id, "name": self.name, "kind": self.kind, "subject": self.subject,
                "status": self.status, "stage": self.stage, "steps": self.steps,
                "started_at": self.started_at, "finished_at": self.finished_at,
                "error": str(self._error) if self._error is not None else None,
                "result": result.to_dict() if hasattr(result, "to_dict") else result}


class JobBoard:
    """The jobs of one process, by id: start, find, cancel; finished jobs are kept
    until `keep` newer ones finished after them (their results stay readable).

    >>> board = JobBoard()
    >>> job = board.start(lambda progress, cancelled: 7, name="seven", kind="demo")
    >>> board.get(job.id).wait(5), board.get(job.id).status
    (7, 'done')
    >>> board.get("nope") is None
    True
    """

    def __init__(self, keep: int = 200):
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self.keep = keep

    def start(self, target: Callable[[Progress, Cancelled], Any], *, name: str = "",
              kind: str = "", subject: str | None = None, owner: str | None = None) -> Job:
        job = Job(target, name=name)
        job.kind, job.subject, job.owner = kind, subject, owner
        with self._lock:
            self._forget_old()
            self._jobs[job.id] = job
        return job.start()

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def running(self, kind: str, subject: str | None) -> Job | None:
        """A job of this kind on this record that has not finished, if any."""
        with self._lock:
            return next((j for j in self._jobs.values() if j.kind == kind
                         and j.subject == subject and not j.finished), None)

    def _forget_old(self) -> None:
        done = sorted((j for j in self._jobs.values() if j.finished),
                      key=lambda j: j.finished_at or "")
        for job in done[:max(0, len(done) - self.keep)]:
            del self._jobs[job.id]


def run_in_foreground(job: Job, show: Progress | None = None, poll: float = 0.2) -> Any:
    """Start `job`, show its stage while it runs, cancel it on Ctrl-C, return its result."""
    job.start()
    last = None
    try:
        while not job.finished:
            job._done.wait(poll)
            if show is not None and job.stage != last:
                last = job.stage
                show(job.stage)
    except KeyboardInterrupt:
        job.cancel()
    return job.wait()
