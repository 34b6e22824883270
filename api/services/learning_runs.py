"""Learning the ranking from recorded outcomes as a run of its own, never in a request.

`learn_ranking(store)` counts the recorded outcomes and, with enough
(`evaluation.learning.MIN_OUTCOMES` with `MIN_SIGNED` signings), learns the model
`recommend` may use (`outcome_learning.learn_recorded`): its stages and progress go to
`progress`, and `cancelled()` stops it between events (nothing kept). The finished run
is kept beside the store (`model_file`; a store without a file keeps it in this process)
with what the report shows of it: the note, the model's scores, its reliability curve
and its ranking beside the hybrid one. `last_run(store)` reads the latest kept run (in
any process); `recommend` and the report use it and never wait for a run. The web runs
it as a job (`POST /api/analysis/learn`), the command line as `duijie evaluate learn`.

>>> from duijie.graph import open_store
>>> from duijie.api.services.seeding import load_seed
>>> store = open_store(":memory:"); _ = load_seed(store)
>>> run = learn_ranking(store)
>>> run.note["key"], run.kept, last_run(store) is None  # too few outcomes: nothing kept
('analysis_ranking_wait', False, True)
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib

from duijie.api.services import Result
from duijie.graph.errors import DuijieError
from duijie.graph.store import GraphStore

Progress = Callable[..., None]  # progress(stage, done, total)
Cancelled = Callable[[], bool]


class LearningCancelled(DuijieError):
    """`cancelled()` said stop: no model was kept."""

    exit_code = 130


@dataclass
class LearningRun(Result):
    """One run: the note `recommend` gives with it (``method``, message ``key``,
    ``values``), the counts it learned at, when, whether a model was kept, and what the
    report shows (the chosen model's scores, its reliability curve, its ranking beside
    the hybrid one on later events: None when nothing was learned)."""

    note: dict[str, Any]
    outcomes: int
    signed: int
    learned_at: str
    kept: bool
    choice: dict[str, Any] | None = None
    reliability: list[dict[str, Any]] | None = None
    against_hybrid: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


def model_file(store: GraphStore) -> Path | None:
    """Where a store's learned ranking is kept: beside its SQLite file (None for a store
    in memory or a server store, kept in this process)."""
    path = getattr(store, "path", None)
    if not path or str(path) == ":memory:":
        return None
    path = Path(path)
    return path.with_name(path.name + ".learned-ranking.joblib")


_IN_PROCESS: dict[int, tuple[LearningRun, Any]] = {}
_READ: dict[str, tuple[int, tuple[LearningRun, Any]]] = {}  # path → (mtime_ns, run)
_LOCK = threading.Lock()


def learn_ranking(store: GraphStore, *, progress: Progress | None = None,
                  cancelled: Cancelled | None = None) -> LearningRun:
    """Count, and with enough recorded outcomes learn and keep the model (see module)."""
    from duijie.api.services.outcome_learning import learn_recorded, recorded_outcomes

    progress = progress or (lambda stage, done=0, total=0: None)
    progress("counting")
    outcomes, signed = recorded_outcomes(store)
    note, choice, state = learn_recorded(store, outcomes, signed, progress=progress,
                                         cancelled=cancelled)
    if cancelled is not None and cancelled():
        raise LearningCancelled("learning was cancelled; the last model is kept",
                                where="learning")
    run = LearningRun(note, outcomes, signed,
                      datetime.now(UTC).isoformat(timespec="seconds"), choice is not None,
                      **state)
    if choice is not None or note["key"] != "analysis_ranking_wait":
        progress("keeping")
        _keep(store, run, choice)
    return run


def _keep(store: GraphStore, run: LearningRun, choice: Any) -> None:
    path = model_file(store)
    if path is None:
        _IN_PROCESS[id(store)] = (run, choice)
        return
    part = path.with_name(path.name + f".{os.getpid()}.part")
    joblib.dump({"run": run.to_dict(), "choice": choice}, part)
    os.replace(part, path)  # readers see the old run or the new one, never half


def last_run(store: GraphStore) -> tuple[LearningRun, Any] | None:
    """The latest kept run and its model (None before any), read again only when the
    file changed."""
    path = model_file(store)
    if path is None:
        return _IN_PROCESS.get(id(store))
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    with _LOCK:
        found = _READ.get(str(path))
        if found is None or found[0] != stamp:
            saved = joblib.load(path)  # written by `_keep` beside the store, not fetched
            found = (stamp, (LearningRun(**saved["run"]), saved["choice"]))
            _READ[str(path)] = found
    return found[1]
