"""Long tasks (planning a large event) as jobs: progress, cancel, result.

A `Job` runs a function on a worker thread and hands it two callbacks: one to
report the stage it has reached, one to ask whether it should stop. The CLI
shows the stage and cancels on Ctrl-C; the web service starts them through
`SharedJobs`, which records each in a `duijie.graph.job_table.JobTable` so that every
worker process answers its status and result and can cancel it. A cancelled plan
writes nothing (the planners check `cancelled()` between stages and write in one
batch at the end); a cancel that comes after the last check is too late, and the
job ends "done".

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

import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

from duijie.graph.errors import DuijieError, NotFound
from duijie.graph.job_table import JobRow, JobTable

log = logging.getLogger(__name__)

Progress = Callable[..., None]  # progress(stage) or progress(stage, done, total)
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
        self.done = 0  # within the stage: done of total (0 of 0 when it is not counted)
        self.total = 0
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

    def _report(self, stage: str, done: int = 0, total: int = 0) -> None:
        self.stage = stage
        self.done, self.total = done, total
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
                "done": self.done, "total": self.total, "started_at": self.started_at,
                "finished_at": self.finished_at,
                "error": str(self._error) if self._error is not None else None,
                "result": result.to_dict() if hasattr(result, "to_dict") else result}


def job_dict(row: JobRow) -> dict[str, Any]:
    """A stored job as `GET /api/jobs/{id}` answers it (the keys of `Job.to_dict`)."""
    return {"id": row.id, "name": row.name, "kind": row.kind, "subject": row.subject,
            "status": row.status, "stage": row.stage, "steps": row.steps,
            "done": row.done, "total": row.total, "started_at": row.started_at,
            "finished_at": row.finished_at,
            "error": row.error, "result": row.result}


def error_text(exc: BaseException) -> str:
    """What a failed job says: our errors' what-and-where, never another exception's
    internals (those go to the log)."""
    if isinstance(exc, DuijieError):
        return str(exc)
    log.error("job failed", exc_info=exc)
    return f"{type(exc).__name__}: the job failed (the server log has the details)"


class SharedJobs:
    """Jobs of a server, recorded in a `JobTable` that all its workers share: started
    here on a thread, read and cancelled from any worker.

    >>> jobs = SharedJobs(JobTable(":memory:"))
    >>> row = jobs.start(lambda progress, cancelled: progress("adding") or 7, kind="demo",
    ...                  subject="x")
    >>> done = jobs.wait(row.id, 5)
    >>> done.status, done.stage, done.steps, done.result
    ('done', 'adding', 1, 7)
    """

    CANCEL_POLL = 0.25  # seconds between looks at the shared cancel flag

    def __init__(self, table: JobTable):
        self.table = table
        self._threads: dict[str, Job] = {}  # this process's running jobs
        self._lock = threading.Lock()

    def start(self, target: Callable[[Progress, Cancelled], Any], *, kind: str,
              subject: str | None = None, name: str = "", owner: str | None = None
              ) -> JobRow:
        """Record the job (`Conflict` if one of this kind runs on `subject` in any worker)
        and run it on a thread of this process."""
        row = self.table.create(kind, subject=subject, name=name, owner=owner)
        state = {"steps": 0, "looked": 0.0, "cancel": False}

        def cancelled_anywhere(local: Cancelled) -> bool:
            if local() or state["cancel"]:
                return True
            now = time.monotonic()
            if now - state["looked"] >= self.CANCEL_POLL:
                state["looked"] = now
                state["cancel"] = self.table.cancel_requested(row.id)
            return state["cancel"]

        def run(progress: Progress, cancelled: Cancelled) -> Any:
            def report(stage: str, done: int = 0, total: int = 0) -> None:
                progress(stage, done, total)
                state["steps"] += 1
                self.table.update(row.id, stage=stage, steps=state["steps"], done=done,
                                  total=total)

            def stop() -> bool:
                return cancelled_anywhere(cancelled)

            try:
                result = target(report, stop)
            except BaseException as exc:
                stopped = cancelled() or self.table.cancel_requested(row.id)
                self.table.finish(row.id, "cancelled" if stopped else "failed",
                                  error=None if stopped else error_text(exc))
                raise
            finally:
                with self._lock:
                    self._threads.pop(row.id, None)
            self.table.finish(row.id, "done", result=result.to_dict()
                              if hasattr(result, "to_dict") else result)
            return result

        job = Job(run, name=name or kind)
        with self._lock:
            self._threads[row.id] = job
        job.start()
        return self.table.get(row.id)

    def get(self, job_id: str) -> JobRow:
        """The job as recorded; `NotFound` for an unknown id."""
        return self.table.get(job_id)

    def get_of_kind(self, job_id: str, *kinds: str, what: str = "a job") -> JobRow:
        """The job if it is of one of `kinds`; `NotFound` ("is not `what`") for any other
        id, so a route answers only for its own jobs."""
        job = self.table.get(job_id)
        if job.kind not in kinds:
            raise NotFound(f"is not {what} (finished jobs are kept a while)", value=job_id,
                           where="job")
        return job

    def latest(self, kind: str) -> JobRow | None:
        """The newest job of `kind` in any worker (running or finished), or None."""
        rows = self.table.list(kind, limit=1)
        return self.get(rows[0].id) if rows else None  # `get` notices a dead worker's run

    def cancel(self, job_id: str, wait: float = 10.0) -> JobRow:
        """Ask the job to stop (whichever worker runs it); its state once it has ended,
        or after `wait` seconds."""
        self.table.request_cancel(job_id)
        with self._lock:
            local = self._threads.get(job_id)
        if local is not None:
            local.cancel()
        return self.wait(job_id, wait, raise_on_timeout=False)

    def wait(self, job_id: str, timeout: float = 60.0, *, raise_on_timeout: bool = True
             ) -> JobRow:
        """The job once it has ended (polls the table)."""
        deadline = time.monotonic() + timeout
        while True:
            row = self.table.get(job_id)
            if row.finished:
                return row
            if time.monotonic() > deadline:
                if raise_on_timeout:
                    raise TimeoutError(f"job {job_id} ({row.name}) still at stage "
                                       f"{row.stage!r}")
                return row
            time.sleep(0.05)


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
