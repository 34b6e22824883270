"""The analyst's report kept per store version (`api.services.kept_reports`)."""

from __future__ import annotations

from pathlib import Path

from duijie.api.services.access import Viewer
from duijie.api.services.events import create_event
from duijie.api.services.kept_reports import REPORTS, kept_figures, kept_report
from duijie.api.services.report import event_report
from duijie.api.services.seeding import XIAN_EVENT, load_seed
from duijie.api.web.report_html import translator
from duijie.graph.sqlite_store import SqliteStore


def test_kept_until_the_graph_moves_and_per_reader(tmp_path: Path):
    store = SqliteStore(tmp_path / "kept.db")
    load_seed(store)
    misses = REPORTS.misses
    first = kept_report(store, XIAN_EVENT, today="2019-12-31")
    assert first == event_report(store, XIAN_EVENT, today="2019-12-31").to_dict()
    assert kept_report(store, XIAN_EVENT, today="2019-12-31") is first
    assert REPORTS.misses == misses + 1
    # another reader class (an analyst: no confidential need) or day is another report
    analyst = kept_report(store, XIAN_EVENT, today="2019-12-31",
                          viewer=Viewer.analyst("u:li"))
    assert analyst is not first
    assert kept_report(store, XIAN_EVENT, today="2020-01-31") is not first
    figures = kept_figures(store, XIAN_EVENT, first, "en", translator("en"))
    assert kept_figures(store, XIAN_EVENT, first, "en", translator("en")) is figures
    assert kept_figures(store, XIAN_EVENT, first, "zh", translator("zh")) != figures
    # a write by another connection (another process would do the same) moves the version
    other = SqliteStore(tmp_path / "kept.db")
    create_event(other, name="后来的活动", event_id="evt:later", start_date="2030-01-01")
    other.close()
    everything = kept_report(store, rank_events=0, today="2019-12-31")
    assert "evt:later" in {e["id"] for e in everything["events"]}
    assert kept_report(store, XIAN_EVENT, today="2019-12-31") is not first
    store.close()
