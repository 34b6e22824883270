"""Learning the ranking from recorded outcomes as a run of its own, never in a request.

`learn_ranking(store)` counts the recorded outcomes and, with enough
(`evaluation.learning.MIN_OUTCOMES` with `MIN_SIGNED` signings), learns the model
`recommend` may use (`outcome_learning.learn_recorded`): its stages and progress go to
`progress`, and `cancelled()` stops it between events (nothing kept). The finished run
is kept in the store itself (`GraphStore.put_blob`: the SQLite file or the Bolt server,
so every worker and host reads it) with what the report shows of it: the note, the
model's scores, its reliability curve and its ranking beside the hybrid one.
`last_run(store)` reads the latest kept run (in any process); `recommend` and the
report use it and never wait for a run. The web runs it as a job
(`POST /api/analysis/learn`), the command line as `duijie evaluate learn`.

>>> from duijie.graph import open_store
>>> from duijie.api.services.seeding import load_seed
>>> store = open_store(":memory:"); _ = load_seed(store)
>>> run = learn_ranking(store)
>>> run.note["key"], run.kept, last_run(store) is None  # too few outcomes: nothing kept
('analysis_ranking_wait', False, True)
"""

from __future__ import annotations

import io
import threading
import weakref
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


MODEL_BLOB = "learned-ranking"
"""The name the last run is kept under in the store (`GraphStore.put_blob`)."""


def legacy_model_file(store: GraphStore) -> Path | None:
    """Where an earlier Duijie kept the run, beside the SQLite file: read while the store
    holds none of its own (the next run keeps its model in the store)."""
    path = getattr(store, "path", None)
    if not path or str(path) == ":memory:":
        return None
    path = Path(path)
    return path.with_name(path.name + ".learned-ranking.joblib")


_READ: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # store → (stamp, run)
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
    buffer = io.BytesIO()
    joblib.dump({"run": run.to_dict(), "choice": choice}, buffer)
    store.put_blob(MODEL_BLOB, buffer.getvalue())  # replaced whole: the old run or the new


def last_run(store: GraphStore) -> tuple[LearningRun, Any] | None:
    """The latest kept run and its model (None before any), kept in the store so every
    process and host that opens it (SQLite file or Bolt server) reads the same; read
    again only when its stamp changed."""
    stamp = store.blob_stamp(MODEL_BLOB)
    if stamp is None:
        return _legacy(store)
    with _LOCK:
        found = _READ.get(store)
    if found is None or found[0] != stamp:
        kept = store.get_blob(MODEL_BLOB)
        if kept is None:  # removed meanwhile
            return None
        saved = joblib.load(io.BytesIO(kept[1]))  # written by `_keep`, never fetched
        found = (kept[0], (LearningRun(**saved["run"]), saved["choice"]))
        with _LOCK:
            _READ[store] = found
    return found[1]


def _legacy(store: GraphStore) -> tuple[LearningRun, Any] | None:
    path = legacy_model_file(store)
    if path is None or not path.exists():
        return None
    saved = joblib.load(path)  # written beside the store by an earlier Duijie
    return LearningRun(**saved["run"]), saved["choice"]
