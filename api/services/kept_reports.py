"""The analyst's report kept per store version: `/analysis` asked again of an unchanged
graph is answered from memory.

A report over every event walks the knowledge graph through every event (seconds on a
large office); the page, its JSON and a reload ask for the same one. `kept_report`
keeps `AnalysisReport.to_dict()` under (store version, scope, who reads it, the day,
how many events are ranked, the last learning run), and `kept_figures` the report's
plots under the same key and the language (`result_cache.ResultCache`, least recently
used first out). Any graph write, by this process or another, moves the store version,
so a kept report is never older than the graph; a new learning run moves the key too.
The kept dicts are shared: readers must not change them.

>>> from duijie.graph import open_store
>>> from duijie.api.services.seeding import XIAN_EVENT, load_seed
>>> store = open_store(":memory:"); _ = load_seed(store)
>>> first = kept_report(store, XIAN_EVENT, today="2019-12-31")
>>> kept_report(store, XIAN_EVENT, today="2019-12-31") is first
True
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from duijie.api.services.access import Viewer
from duijie.api.services.report import RANK_EVENTS, all_events_report, event_report
from duijie.api.services.result_cache import ResultCache
from duijie.graph.store import GraphStore

REPORTS = ResultCache(size=16)
"""Reports and their figures (a report over 1,000 events is some 20 MB as a dict)."""
OPERATOR = Viewer.operator()


def _key(store: GraphStore, event_id: str | None, viewer: Viewer, today: str | None,
         rank_events: int | None) -> tuple:
    """Everything a report depends on besides the graph: its scope, what the reader may
    see (staff or not, their region), the day overdue follow-ups count from, the events
    ranked, and the learning run it shows."""
    from duijie.api.services.learning_runs import last_run

    kept = last_run(store)
    return ("report", event_id or "all", viewer.is_staff, viewer.scope,
            today or date.today().isoformat(), rank_events if event_id is None else 1,
            kept[0].learned_at if kept else None)


def kept_report(store: GraphStore, event_id: str | None = None, *, viewer: Viewer = OPERATOR,
                today: str | None = None, rank_events: int | None = RANK_EVENTS
                ) -> dict[str, Any]:
    """`event_report(...).to_dict()` (or `all_events_report` with no `event_id`), kept
    while the graph is unchanged (see the module)."""
    def compute() -> dict[str, Any]:
        if event_id is None:
            return all_events_report(store, today=today, rank_events=rank_events,
                                     viewer=viewer).to_dict()
        return event_report(store, event_id, today=today, viewer=viewer).to_dict()

    return REPORTS.answer(store, _key(store, event_id, viewer, today, rank_events), compute)


def kept_figures(store: GraphStore, event_id: str | None, report: dict[str, Any], lang: str,
                 t: Callable[..., str], *, viewer: Viewer = OPERATOR, today: str | None = None,
                 rank_events: int | None = RANK_EVENTS) -> dict[str, str]:
    """`report_figures(report, t)` (`t` giving the words of `lang`) for the report
    `kept_report` gave with the same arguments, kept with it."""
    from duijie.api.services.report_figures import report_figures

    def compute() -> dict[str, str]:
        return report_figures(report, t)

    key = (*_key(store, event_id, viewer, today, rank_events), "figures", lang)
    return REPORTS.answer(store, key, compute)
