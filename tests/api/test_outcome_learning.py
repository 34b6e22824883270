"""Learning from outcomes recorded in a store: simulated events with a known truth."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from duijie.api.services.outcome_learning import learned_ranking, outcome_examples
from duijie.api.services.outcomes import record_outcome
from duijie.api.services.report import all_events_report
from duijie.api.services.simulated_outcomes import write_simulated_outcomes
from duijie.api.web.report_html import report_file_html
from duijie.graph.copy import copy_graph
from duijie.graph.model import Edge
from duijie.graph.sqlite_store import SqliteStore


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory):
    store = SqliteStore(Path(tmp_path_factory.mktemp("learn")) / "sim.db")
    written = write_simulated_outcomes(store, events=24, seed=5)
    assert written.meetings == 720 and written.signed >= 100
    yield store
    store.close()


def test_a_pairs_own_outcome_never_feeds_its_features(simulated, tmp_path):
    last = "evt:sim-0023"
    before = outcome_examples(simulated, [last])
    assert len(before) == 30
    assert all(math.isfinite(v) for e in before for v in e.features.values())
    assert all(e.illustrative for e in before)
    # Record more for the event's pairs (a funded check-in, collaborations dated that
    # day): features, built before the event, do not move.
    other = SqliteStore(tmp_path / "more.db")
    copy_graph(simulated, other)
    meetings = [n for _, n in other.neighbours(last, "has_meeting", "out")]
    for m in meetings[:10]:
        record_outcome(other, m.id, "m3", ledger="funded", at="2021-06-14T18:00:00Z")
        with other.batch() as batch:
            batch.upsert_edge(Edge(m.props["firm_id"], "collaborated_with",
                                   m.props["helper_id"], {"since": "2021-06-14"}))
    after = outcome_examples(other, [last])
    other.close()
    for got, had in zip(after, before, strict=True):  # the same up to the solver's rounding
        assert got.features == pytest.approx(had.features, rel=1e-9, abs=1e-12)
    assert sum(e.signed for e in after) >= sum(e.signed for e in before)  # labels moved


def test_the_learner_is_chosen_checked_and_set_beside_the_hybrid(simulated):
    state = learned_ranking(simulated, allow_illustrative=True)
    assert state.ready and state.data == "illustrative" and state.outcomes == 720
    assert state.choice["chosen"] in ("logistic", "boosting")
    assert set(state.choice["scores"]) == {"logistic", "boosting"}
    assert state.choice["scores"][state.choice["chosen"]]["auc"] > 0.6  # it found the truth
    assert sum(b["pairs"] for b in state.reliability) > 100
    assert state.against_hybrid["scorer"] == "learned"
    assert state.in_use == bool(state.against_hybrid["real"]
                                and state.against_hybrid["difference"] > 0)


def test_the_report_on_simulated_data_learns_and_draws_the_reliability_curve(simulated):
    report = all_events_report(simulated, today="2021-12-31", rank_events=2, learn=True)
    data = report.to_dict()
    assert data["data"] == "illustrative" and len(data["partner_ranks"]["events_ranked"]) == 2
    assert data["firm_sign_rate"]["n"] > 100
    keys = [f["key"] for f in data["findings"]]
    assert "analysis_find_learning_ready" in keys
    assert {"analysis_find_learned_better", "analysis_find_learned_not_better"} & set(keys)
    html = report_file_html(data, "en", simulation=False)
    assert "Reliability curve" in html and "gradient boosting" in html


def test_the_learned_reranker_orders_by_chance_only_when_in_use(simulated):
    from duijie.api.services.outcome_learning import learned_recommendations

    state = learned_ranking(simulated, allow_illustrative=True)
    need = next(e.dst for e in simulated.find_edges("submitted", limit=50)
                if e.src.startswith("ent:gen-"))
    result = learned_recommendations(simulated, need, k=5, allow_illustrative=True)
    assert len(result.items) == 5 and result.data == "illustrative"
    if state.in_use:
        chances = [i["chance_of_signing"] for i in result.items]
        assert result.ranking == "learned" and chances == sorted(chances, reverse=True)
    else:
        assert result.ranking == "hybrid"
        assert [i["hybrid_rank"] for i in result.items] == [1, 2, 3, 4, 5]


def test_on_the_seed_the_hybrid_ranking_stays_and_says_why(tmp_path):
    from tests.api.test_cli import run

    db = tmp_path / "seed.db"
    assert run("seed", db=db).returncode == 0
    done = run("evaluate", "rerank", "need:xian-dali-technology", "--kind",
               "institute", "--json", db=db)
    assert done.returncode == 0, done.stderr
    import json

    data = json.loads(done.stdout)
    assert data["ranking"] == "hybrid" and "at least 300 outcomes" in data["reason"]
    assert data["items"][0]["name"] and data["items"][0]["chance_of_signing"] is None
