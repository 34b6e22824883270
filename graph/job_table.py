"""Long tasks (plans, invitations, imports) as rows of one SQLite table, so that every
worker process of a server answers for every job.

The process that runs a job writes its stage, progress and, at the end, its result
or error to the row; any process reads the row, and asks the job to stop by setting
its cancel flag, which the running process polls at its next check. The table has a
SQLite file of its own beside the accounts file (`jobs_path`): a job reports progress
while its own write transaction on the store is open (an import being written), so
its rows must never wait for the store's lock. At most one job of a kind runs on a
subject (one plan per event) across all workers: a unique index on the unfinished rows
decides, not a check then a write. A row still "running" whose process has died reads
as failed.

>>> table = JobTable(":memory:")
>>> row = table.create("plan", subject="evt:1", name="plan evt:1", owner="usr:1")
>>> table.create("plan", subject="evt:1")
Traceback (most recent call last):
duijie.graph.errors.Conflict: plan: 'evt:1' has a plan job running already: wait for it or cancel it
>>> table.update(row.id, stage="scoring", steps=1)
>>> table.finish(row.id, "done", result={"meetings": 3})
>>> done = table.get(row.id)
>>> done.status, done.stage, done.result
('done', 'scoring', {'meetings': 3})
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from duijie.graph.errors import Conflict, InvalidInput, NotFound, Said, Where
from duijie.graph.sqlite_store import SqliteTables

JOB_WORDS = {"plan": "jobs.plan", "invite": "jobs.invite", "challenges": "jobs.challenges",
             "embeddings": "jobs.embeddings", "import": "jobs.import", "learn": "jobs.learn",
             "demo": "jobs.demo"}  # a job's kind in a refusal, in the reader's language

UNFINISHED = ("pending", "running")
FINAL = ("done", "failed", "cancelled")

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS job_runs (id TEXT PRIMARY KEY, kind TEXT NOT NULL, "
    "subject TEXT, name TEXT NOT NULL, owner TEXT, status TEXT NOT NULL, stage TEXT NOT NULL "
    "DEFAULT '', steps INTEGER NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0, total "
    "INTEGER NOT NULL DEFAULT 0, started_at TEXT NOT NULL, updated_at TEXT NOT NULL, "
    "finished_at TEXT, cancel INTEGER NOT NULL DEFAULT 0, claimed INTEGER NOT NULL DEFAULT 0, "
    "host TEXT NOT NULL, pid INTEGER NOT NULL, result TEXT, error TEXT, data TEXT, "
    "upload BLOB)",
    # one unfinished job of a kind per subject, whichever worker starts it
    "CREATE UNIQUE INDEX IF NOT EXISTS job_runs_one_running ON job_runs (kind, subject) "
    "WHERE status IN ('pending', 'running') AND subject IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS job_runs_by_kind ON job_runs (kind, started_at)",
)
COLUMNS = ("id", "kind", "subject", "name", "owner", "status", "stage", "steps", "done",
           "total", "started_at", "updated_at", "finished_at", "cancel", "claimed", "host",
           "pid", "result", "error", "data")
UPDATABLE = {"status", "stage", "steps", "done", "total", "result", "error", "data",
             "finished_at"}
JSON_COLUMNS = {"result", "error", "data"}


@dataclass(frozen=True)
class JobRow:
    """One job as stored: `result`, `error` and `data` are plain JSON values."""

    id: str
    kind: str
    subject: str | None
    name: str
    owner: str | None
    status: str
    stage: str
    steps: int
    done: int
    total: int
    started_at: str
    updated_at: str
    finished_at: str | None
    cancel: bool
    claimed: bool
    host: str
    pid: int
    result: Any
    error: Any
    data: Any

    @property
    def finished(self) -> bool:
        return self.status in FINAL


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def jobs_path(accounts_path: str | Path) -> str:
    """Where the jobs of a server live, given its accounts file.

    >>> jobs_path("office.db"), jobs_path(":memory:")
    ('office.db.jobs', ':memory:')
    """
    path = str(accounts_path)
    return path if path == ":memory:" else path + ".jobs"


def _alive(host: str, pid: int) -> bool:
    """Whether the process that runs a job still lives (unknowable on another host)."""
    if host != socket.gethostname():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class JobTable(SqliteTables):
    """The jobs of one office, shared by its server's workers; safe between threads."""

    KEEP = 200  # finished jobs kept per kind (newest); older ones and their uploads go

    def __init__(self, path: str | Path, *, timeout: float = 30.0):
        super().__init__(path, SCHEMA, refusal="cannot hold Duijie's jobs", where="jobs",
                         timeout=timeout)

    def _row(self, values: tuple) -> JobRow:
        fields = dict(zip(COLUMNS, values, strict=True))
        for column in JSON_COLUMNS:
            if fields[column] is not None:
                fields[column] = json.loads(fields[column])
        fields["cancel"], fields["claimed"] = bool(fields["cancel"]), bool(fields["claimed"])
        return JobRow(**fields)

    def create(self, kind: str, *, subject: str | None = None, name: str = "",
               owner: str | None = None, data: Any = None, upload: bytes | None = None
               ) -> JobRow:
        """A new running job of this process; `Conflict` if one of the same kind runs on
        the same subject (in any worker)."""
        if not kind:
            raise InvalidInput("must be given", where="job kind")
        job_id = uuid.uuid4().hex[:16]
        now = _now()
        params = (job_id, kind, subject, name or kind, owner, "running", now, now,
                  socket.gethostname(), os.getpid(),
                  None if data is None else json.dumps(data, ensure_ascii=False), upload)
        for _ in range(2):
            try:
                self._write("INSERT INTO job_runs (id, kind, subject, name, owner, status, "
                            "started_at, updated_at, host, pid, data, upload) VALUES "
                            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", params)
                break
            except sqlite3.IntegrityError:
                if not self._reap(kind, subject):  # a live job holds the subject
                    job = Said(JOB_WORDS[kind]) if kind in JOB_WORDS else kind
                    raise Conflict(key="jobs.running", params={"kind": job}, value=subject,
                                   where=Where(job)) from None
        self._forget_old(kind)
        return self.get(job_id)

    def _reap(self, kind: str, subject: str | None) -> bool:
        """Mark failed the unfinished jobs on this subject whose process died; whether
        any was."""
        rows = self._rows(f"SELECT {', '.join(COLUMNS)} FROM job_runs WHERE kind = ? AND "
                           "subject IS ? AND status IN ('pending', 'running')",
                           (kind, subject))
        dead = [r for r in map(self._row, rows) if not _alive(r.host, r.pid)]
        for row in dead:
            self._mark_dead(row)
        return bool(dead)

    def _mark_dead(self, row: JobRow) -> None:
        self._write("UPDATE job_runs SET status = 'failed', error = ?, finished_at = ?, "
                    "updated_at = ? WHERE id = ? AND status IN ('pending', 'running')",
                    (json.dumps("the server process running this job stopped: start it "
                                "again"), _now(), _now(), row.id))

    def get(self, job_id: str) -> JobRow:
        """The job as last written; `NotFound` for an unknown id."""
        rows = self._rows(f"SELECT {', '.join(COLUMNS)} FROM job_runs WHERE id = ?",
                           (job_id,))
        if not rows:
            raise NotFound("is not a job (finished jobs are kept a while)", value=job_id,
                           where="job")
        row = self._row(rows[0])
        if not row.finished and not _alive(row.host, row.pid):
            self._mark_dead(row)
            return self.get(job_id)
        return row

    def list(self, kind: str, limit: int = KEEP) -> list[JobRow]:
        """Jobs of a kind, newest first."""
        rows = self._rows(f"SELECT {', '.join(COLUMNS)} FROM job_runs WHERE kind = ? "
                           "ORDER BY started_at DESC, rowid DESC LIMIT ?",
                           (kind, limit))
        return [self._row(r) for r in rows]

    def update(self, job_id: str, **fields: Any) -> None:
        """Write some of stage, steps, done, total, status, result, error, data."""
        unknown = set(fields) - UPDATABLE
        if unknown:
            raise InvalidInput(f"cannot be changed (only {', '.join(sorted(UPDATABLE))})",
                               value=", ".join(sorted(unknown)), where="job")
        values = [json.dumps(v, ensure_ascii=False) if k in JSON_COLUMNS and v is not None
                  else v for k, v in fields.items()]
        sets = ", ".join(f"{k} = ?" for k in fields)
        self._write(f"UPDATE job_runs SET {sets}, updated_at = ? WHERE id = ?",
                    (*values, _now(), job_id))

    def finish(self, job_id: str, status: str, *, result: Any = None, error: Any = None,
               **fields: Any) -> None:
        """End a job: done (with its result), failed (with its error) or cancelled."""
        if status not in FINAL:
            raise InvalidInput(f"is not an end ({', '.join(FINAL)})", value=status,
                               where="job status")
        self.update(job_id, status=status, result=result, error=error, finished_at=_now(),
                    **fields)

    def request_cancel(self, job_id: str) -> JobRow:
        """Ask the job to stop at its next check (a finished job stays as it is)."""
        self.get(job_id)
        self._write("UPDATE job_runs SET cancel = 1 WHERE id = ?", (job_id,))
        return self.get(job_id)

    def cancel_requested(self, job_id: str) -> bool:
        rows = self._rows("SELECT cancel FROM job_runs WHERE id = ?", (job_id,))
        return bool(rows and rows[0][0])

    def claim(self, job_id: str) -> bool:
        """Take a job's one-time step (an import's confirm): True for exactly one caller."""
        return self._write("UPDATE job_runs SET claimed = 1 WHERE id = ? AND claimed = 0",
                           (job_id,)) == 1

    def upload(self, job_id: str) -> bytes:
        """The file kept with a job (an import's upload)."""
        rows = self._rows("SELECT upload FROM job_runs WHERE id = ?", (job_id,))
        if not rows or rows[0][0] is None:
            raise NotFound("has no file kept", value=job_id, where="job")
        return bytes(rows[0][0])

    def _forget_old(self, kind: str) -> None:
        self._write("DELETE FROM job_runs WHERE kind = ? AND status IN ('done', 'failed', "
                    "'cancelled') AND id NOT IN (SELECT id FROM job_runs WHERE kind = ? "
                    "ORDER BY started_at DESC, rowid DESC LIMIT ?)", (kind, kind, self.KEEP))
