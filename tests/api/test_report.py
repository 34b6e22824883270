"""The analyst's report: on the seed as it is, after the Xi'an record is written through
the outcome path, for an event with nothing recorded; and `duijie report` as a user runs it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from duijie.api.services.events import create_event
from duijie.api.services.replay import plan_event
from duijie.api.services.report import all_events_report, event_report
from duijie.api.services.report_figures import report_figures
from duijie.api.services.seeding import XIAN_EVENT, load_seed
from duijie.api.web.report_html import report_file_html, translator
from duijie.graph.errors import NotFound
from duijie.graph.sqlite_store import SqliteStore
from tests.api.test_cli import run


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = Path(tmp_path_factory.mktemp("report")) / "duijie.db"
    store = SqliteStore(db)
    load_seed(store)
    store.close()
    return db


def _keys(report) -> list[str]:
    return [f["key"] for f in report.findings]


def test_the_seed_event_from_its_recorded_edges(seeded):
    store = SqliteStore(seeded)
    report = event_report(store, XIAN_EVENT, today="2019-12-31")
    store.close()
    assert report.events[0]["pairs_from"] == "edges" and report.data == "illustrative"
    rate = report.firm_sign_rate
    # the seed's pairs are invented (8 invented firms, 5 of them signed); the documents
    # give only "11 firms, 8 reached cooperation"
    assert (rate["successes"], rate["n"]) == (5, 8)
    assert (round(rate["low"], 2), round(rate["high"], 2)) == (0.31, 0.86)
    assert {s["stage"]: s["count"] for s in report.funnel}["signed"] == 5
    assert len(report.partner_ranks["pairs"]) == 8
    assert report.partner_ranks["summary"]["signed"] == 5
    assert not report.learning["ready"] and report.learning["outcomes"] == 8
    # every firm's best pre-event score and its meetings
    assert report.fairness["firms"] == 8 and report.fairness["min_meetings"] == 1
    assert report.fairness["min_best_score"] == min(
        max(p["score"] for p in report.partner_ranks["pairs"] if p["firm"] == firm)
        for firm in {p["firm"] for p in report.partner_ranks["pairs"]})
    keys = _keys(report)
    assert keys[0] == "analysis_find_data_illustrative"
    assert {"analysis_find_sign_rate", "analysis_find_small_numbers",
            "analysis_find_published_invented", "analysis_find_ranked",
            "analysis_find_learning_wait"} <= set(keys)
    # the published "8 of 11" is a documented fact: not marked; its invented half says so
    published = next(f for f in report.findings if f["key"].startswith("analysis_find_published"))
    assert published["data"] is None and published["values"]["published"] == 8
    names = {f["firm_name"] for f in report.firms}
    assert names and all(n.startswith("示例") for n in names)  # pairs only invented firms have


def test_after_the_record_is_written_the_report_reads_the_meetings(seeded, tmp_path):
    db = tmp_path / "recorded.db"
    db.write_bytes(seeded.read_bytes())
    store = SqliteStore(db)
    plan_event(store, XIAN_EVENT, record=True)
    report = event_report(store, XIAN_EVENT, today="2019-12-31")
    store.close()
    assert report.events[0]["pairs_from"] == "meetings"
    steps = {s["stage"]: s["count"] for s in report.funnel}
    assert steps["met"] == 8 and steps["signed"] == 5
    assert steps["invited"] >= steps["met"]  # the planned meetings no record says were held
    assert report.firm_sign_rate["successes"] == 5
    assert report.by_check_in[0] == {"stage": "m1", "recorded": 5, "signed": 5,
                                     "collaborated": 0}
    assert report.follow_ups and report.follow_ups[0]["days_overdue"] > 0
    overdue = next(f for f in report.findings if f["key"] == "analysis_find_overdue")
    assert overdue["kind"] == "change" and overdue["values"]["n"] == len(report.follow_ups)
    assert all(p["meeting_id"] for p in report.partner_ranks["pairs"])
    # Every figure drawn from these invented records says so, the overdue follow-ups too.
    figures = report_figures(report.to_dict(), translator("zh"), simulation=False)
    assert "follow_ups" in figures and "funnel" in figures
    unmarked = [name for name, svg in figures.items() if "示意：示例（虚构）数据" not in svg]
    assert unmarked == []


def test_nothing_recorded_is_said_plainly_and_unknown_events_are_not_found(tmp_path):
    store = SqliteStore(tmp_path / "empty.db")
    create_event(store, name="空活动", event_id="evt:empty", start_date="2020-01-01")
    report = event_report(store, "evt:empty", today="2020-02-01")
    assert report.empty and report.firm_sign_rate is None and report.data == "none"
    assert _keys(report) == ["analysis_find_empty"]
    assert all(s["of_previous"] is None for s in report.funnel)
    everything = all_events_report(store, today="2020-02-01")
    assert everything.empty and everything.scope == "all"
    with pytest.raises(NotFound, match="is not an event"):
        event_report(store, "evt:nope")
    store.close()


def test_the_html_file_is_one_language_with_every_figure(seeded):
    store = SqliteStore(seeded)
    data = event_report(store, XIAN_EVENT, today="2019-12-31").to_dict()
    store.close()
    zh = report_file_html(data, "zh", simulation=False)
    en = report_file_html(data, "en", simulation=False)
    for html in (zh, en):
        assert html.count("<svg") == 6  # funnel, sign rate, rank, score, comparison, coverage
        assert "analysis_" not in re.sub(r"<[^>]+>", " ", html)  # every key has words
        assert "<link" not in html and "http" not in re.sub(r'xmlns[^"]*"[^"]*"', "", html)
    assert "示意：示例（虚构）数据" in zh and "对接漏斗" in zh
    assert "illustrative (invented) data" in en and "Funnel" in en
    # "What went well" over invented pairs alone says 示意 in its heading too.
    assert re.search(r"<h3[^>]*>做得好的（示意）</h3>", zh)
    assert re.search(r"<h3[^>]*>What went well \(illustrative\)</h3>", en)
    words = re.sub(r"<[^>]+>", " ", en)
    names = {f["firm_name"] for f in data["firms"]} | {
        p[k] for p in data["partner_ranks"]["pairs"] for k in ("firm_name", "helper_name")}
    for name in sorted(names, key=len, reverse=True):
        words = words.replace(name, " ")
    words = words.replace(data["title"], " ")
    assert not re.search(r"[\u4e00-\u9fff]", words), "Chinese words left on the English page"


def test_duijie_report_writes_html_and_prints_json(seeded, tmp_path):
    out = tmp_path / "xian.html"
    done = run("report", XIAN_EVENT, "--out", str(out), "--today", "2019-12-31", db=seeded)
    assert done.returncode == 0, done.stderr
    assert "8 家企业中 5 家签约（62%，95% 区间 31–86%）" in done.stdout
    html = out.read_text(encoding="utf-8")
    assert html.count("<svg") == 7 and "模拟" in html  # and the simulator's learning curve
    assert 'id="coverage-figure"' in html  # coverage and diversity with their intervals
    as_json = run("report", "--all", "--json", "--today", "2019-12-31", "--lang", "en",
                  db=seeded)
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["scope"] == "all" and data["firm_sign_rate"]["successes"] == 5
    assert [e["id"] for e in data["events"] if e["pairs"]] == [XIAN_EVENT]
    both = run("report", XIAN_EVENT, "--all", db=seeded)
    assert both.returncode == 2 and "EVENT_ID or --all" in both.stderr
    missing = run("report", "evt:nope", db=seeded)
    assert missing.returncode == 3 and "evt:nope" in missing.stderr


def test_coverage_and_diversity_are_counted_by_hand(seeded, tmp_path):
    from duijie.api.services.simulated_outcomes import write_simulated_outcomes
    from duijie.graph.store import iter_edges

    store = SqliteStore(seeded)
    report = event_report(store, XIAN_EVENT, today="2019-12-31")
    counts = store.counts()["nodes"]
    store.close()
    cover = report.coverage
    partners = {(p["helper"]) for p in report.partner_ranks["pairs"]}
    assert cover["partners_met"] == len(partners) == 7
    assert cover["catalogue"] == counts["Expert"] + counts["Institute"]
    rate = cover["catalogue_coverage"]
    assert (rate["successes"], rate["n"]) == (7, cover["catalogue"])
    assert rate["low"] < 7 / cover["catalogue"] < rate["high"]
    # every firm met one partner: no diversity to give, said as None, not 0
    assert cover["firms_compared"] == 0 and cover["partner_diversity"] is None

    sim = SqliteStore(tmp_path / "sim.db")
    write_simulated_outcomes(sim, events=2, enterprises=40, experts=60, needs=60, seed=4,
                             meetings_per_firm=3)
    report = all_events_report(sim, today="2030-01-01", rank_events=0)
    topics: dict[str, set[str]] = {}
    for e in iter_edges(sim, "has_expertise"):
        topics.setdefault(e.src, set()).add(e.dst)
    partners_of: dict[str, set[str]] = {}
    for m in sim.find_nodes("Meeting", limit=10**6):
        partners_of.setdefault(m.props["firm_id"], set()).add(m.props["helper_id"])
    sim.close()
    by_hand = []
    for helpers in partners_of.values():
        ordered = sorted(helpers)
        distances = [1 - len(topics.get(a, set()) & topics.get(b, set()))
                     / len(topics.get(a, set()) | topics.get(b, set()))
                     for i, a in enumerate(ordered) for b in ordered[i + 1:]]
        by_hand.append(sum(distances) / len(distances))
    found = report.coverage["partner_diversity"]
    assert report.coverage["firms_compared"] == len(partners_of)
    assert found["value"] == pytest.approx(sum(by_hand) / len(by_hand), abs=1e-6)
    assert found["low"] <= found["value"] <= found["high"]
    assert report.coverage["partners_met"] == len(set().union(*partners_of.values()))
