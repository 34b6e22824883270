"""Import jobs: an upload previewed, then confirmed, each step a `Job` with its stage
and progress, cancellable, kept by id.

The upload and the job's state are a row of the server's shared job table
(`duijie.graph.job_table.JobTable`, kind "import") so that every worker process of
`duijie serve --workers N` answers for every job: a preview started by one worker
can be read, confirmed and cancelled through another. The thread doing the work runs
in the process that started it; it writes the row at each stage. A confirm is
claimed once (a conditional write), so the same upload is never written twice however
many requests confirm it at once.

>>> from duijie.graph import open_store
>>> from duijie.graph.job_table import JobTable
>>> store = open_store(":memory:")
>>> jobs = ImportJobs(JobTable(":memory:"), store)
>>> job = jobs.preview("企业", "firms.csv", "企业名称\\n恒锋工具\\n".encode(), user="usr:1")
>>> jobs.wait(job.id).preview.created
1
>>> jobs.wait(jobs.confirm(job.id, user="usr:1").id).result.created
1
>>> jobs.confirm(job.id, user="usr:1")
Traceback (most recent call last):
duijie.graph.errors.Conflict: import of firms.csv: was confirmed already
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Literal

from duijie.api.jobs import Job
from duijie.api.services import Result
from duijie.api.services.imports import (
    COMPARED,
    ImportPreview,
    ImportProblem,
    PlannedRecord,
    confirm_import,
    preview_import,
    upload_name,
)
from duijie.api.services.io import ImportResult, MergeReport
from duijie.graph.errors import Conflict, DuijieError, InvalidInput, NotFound, at
from duijie.graph.headers import canonical_kind
from duijie.graph.job_table import JobTable
from duijie.graph.store import GraphStore, utc_now

JobStatus = Literal["pending", "running", "done", "failed", "cancelled"]
Phase = Literal["preview", "confirm"]


@dataclass
class ImportJobError(Result):
    """Why a job failed: the HTTP status a request would have had, what and where,
    and every problem line."""

    status: int
    title: str
    detail: str
    problems: list[str]


@dataclass
class ImportJob(Result):
    """An import as its page and `GET /api/imports/{id}` show it. `phase` is the step
    running or last run; `done`/`total` count rows (total 0 while unknown); `preview`
    appears once the preview has run, `result` once the confirm has written."""

    id: str
    kind: str
    file: str
    sheet: str | None
    created_by: str
    created_at: str
    confirmed_by: str | None
    updated_at: str
    phase: Phase
    status: JobStatus
    stage: str
    done: int
    total: int
    preview: ImportPreview | None
    result: ImportResult | None
    error: ImportJobError | None


@dataclass
class ImportJobList(Result):
    items: list[ImportJob]


def _preview_from(data: dict[str, Any] | None) -> ImportPreview | None:
    if data is None:
        return None
    return ImportPreview(**{**data, "problems": [ImportProblem(**p) for p in data["problems"]],
                            "records": [PlannedRecord(**r) for r in data["records"]],
                            "merges": [MergeReport(**m) for m in data.get("merges", [])]})


def _result_from(data: dict[str, Any]) -> ImportResult:
    return ImportResult(**{**data, "merges": [MergeReport(**m)
                                              for m in data.get("merges", [])]})


def _job_from(data: dict[str, Any]) -> ImportJob:
    return ImportJob(**{**data, "preview": _preview_from(data["preview"]),
                        "result": _result_from(data["result"]) if data["result"] else None,
                        "error": ImportJobError(**data["error"]) if data["error"] else None})


def _error_of(exc: BaseException) -> ImportJobError:
    if isinstance(exc, DuijieError):
        return ImportJobError(exc.status, exc.title, str(exc), list(exc.problems or []))
    return ImportJobError(500, "Internal error", f"{type(exc).__name__}: the import failed",
                          [])


class ImportJobs:
    """Import jobs of one store, kept in the job table its server's workers share."""

    KIND = "import"
    KEEP = 200  # jobs listed, newest first

    def __init__(self, table: JobTable, store: GraphStore):
        self.table = table
        self.store = store
        self.running: dict[str, Job] = {}  # this process's threads, by job id
        self._lock = threading.Lock()

    # -- rows -----------------------------------------------------------------------
    def _save(self, job: ImportJob) -> None:
        job.updated_at = utc_now()
        self.table.update(job.id, status=job.status, stage=job.stage, done=job.done,
                          total=job.total, data=job.to_dict())

    def get(self, job_id: str) -> ImportJob:
        """The job as last saved; `NotFound` for an unknown id."""
        try:
            row = self.table.get(job_id)
        except NotFound:
            row = None
        if row is None or row.kind != self.KIND:
            raise NotFound(key="imports.not_import", value=job_id, where=at("where.import"))
        job = _job_from(row.data)
        if row.status == "failed" and job.status in ("pending", "running"):
            # its server process died mid-way: say so rather than "running" forever
            job.status, job.error = "failed", ImportJobError(500, "Internal error", row.error,
                                                             [])
        return job

    def list(self) -> ImportJobList:
        return ImportJobList([_job_from(row.data)
                              for row in self.table.list(self.KIND, self.KEEP)])

    def _upload(self, job: ImportJob) -> bytes:
        return self.table.upload(job.id)

    # -- steps ----------------------------------------------------------------------
    def preview(self, kind: str, file: str | None, data: bytes, *, user: str,
                sheet: str | None = None) -> ImportJob:
        """Keep the upload and start checking it (nothing is written)."""
        file = upload_name(file)
        kind = canonical_kind(kind)
        if not data:
            raise InvalidInput(key="imports.empty_file", value=file, where=at("where.import"))
        row = self.table.create(self.KIND, name=f"import {file}", owner=user, upload=data)
        now = utc_now()
        job = ImportJob(row.id, kind, file, sheet, user, now, None, now, "preview", "pending",
                        "", 0, 0, None, None, None)
        job_id = job.id
        self._save(job)
        self._run(job, "preview")
        return self.get(job_id)

    def confirm(self, job_id: str, *, user: str) -> ImportJob:
        """Write a previewed upload: `Conflict` unless its preview is done, without
        problems, and not confirmed already (by anyone, in any worker)."""
        job = self.get(job_id)
        named = at("where.import_of", file=job.file)  # by its file, not the job's id
        if job.phase == "preview" and job.status in ("pending", "running"):
            raise Conflict(key="imports.still_checking", where=named)
        if job.status == "cancelled":
            raise Conflict(key="imports.cancelled_upload_again", where=named)
        if job.preview is None or not job.preview.ok:
            raise Conflict(key="imports.has_problems", where=named)
        if not self.table.claim(job_id):
            raise Conflict(key="imports.confirmed_already", where=named)
        job.phase, job.status, job.stage, job.done = "confirm", "pending", "", 0
        job.confirmed_by = user
        self._save(job)
        self._run(job, "confirm")
        return self.get(job_id)

    def cancel(self, job_id: str) -> ImportJob:
        """Stop a job at its next check: a preview, or a confirm before it writes. A job
        that has finished is left as it is."""
        job = self.get(job_id)
        self.table.request_cancel(job_id)
        running = self.running.get(job_id)
        if running is not None:
            running.cancel()
            return self.get(job_id)
        if job.status in ("pending", "running") and job.phase == "preview":
            job.status = "cancelled"  # its worker will see the file and stop
            self._save(job)
        return job

    def wait(self, job_id: str, timeout: float = 60) -> ImportJob:
        """The job once it has finished (for tests and scripts)."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.get(job_id)
            if job.status not in ("pending", "running"):
                return job
            if time.monotonic() > deadline:
                raise TimeoutError(f"import {job_id} still at stage {job.stage!r}")
            time.sleep(0.05)

    def _run(self, job: ImportJob, phase: Phase) -> None:
        def cancel_asked() -> bool:
            return self.table.cancel_requested(job.id)

        state = {"job": job, "last": 0.0}

        def task(stage_of, cancelled) -> Any:
            def progress(stage: str, done: int, total: int) -> None:
                now = time.monotonic()
                due = now - state["last"] > 0.2 or stage != "checking"
                # the shared cancel flag is read as often as the row is written
                if cancelled() or (due and cancel_asked()):
                    raise Conflict(key="imports.cancelled",
                                   where=at("where.import_of", file=job.file))
                stage_of(stage)
                current = state["job"]
                current.status, current.stage, current.done, current.total = (
                    "running", stage, done, total)
                if due:
                    state["last"] = now
                    self._save(current)

            data = self._upload(job)
            if phase == "preview":
                return preview_import(self.store, job.kind, job.file, data, job.sheet,
                                      progress)
            return confirm_import(self.store, job.kind, job.file, data, job.sheet,
                                  expect={k: getattr(job.preview, k) for k in COMPARED},
                                  progress=progress)

        def finish(outcome: Job) -> None:
            current = state["job"]
            try:
                value = outcome.wait()
            except BaseException as exc:  # kept for whoever asks about the job
                current.status = "cancelled" if cancel_asked() else "failed"
                current.error = None if current.status == "cancelled" else _error_of(exc)
            else:
                current.status, current.error = "done", None
                if phase == "preview":
                    current.preview = value
                    current.stage = "ready" if value.ok else "problems"
                else:
                    current.result = value
                    current.stage = "written"
            self._save(current)
            with self._lock:
                self.running.pop(current.id, None)

        runner = Job(task, name=f"import {phase} {job.file}")
        with self._lock:
            self.running[job.id] = runner
        job.status = "running"
        self._save(job)
        runner.start()
        threading.Thread(target=lambda: finish(runner), daemon=True,
                         name=f"import-{job.id}-{phase}").start()
