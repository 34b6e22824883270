"""Where the partner ranked: the rank before the event uses nothing from the event itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from duijie.api.services.events import create_event
from duijie.api.services.partner_rank import (
    event_cutoff,
    partner_ranks,
    pre_event_cut,
    pre_event_recommender,
    rank_pair,
)
from duijie.api.services.pre_event_graphs import PreEventGraphs
from duijie.api.services.recommendations import shared_recommender
from duijie.api.services.replay import plan_event
from duijie.api.services.report import all_events_report
from duijie.api.services.seeding import XIAN_EVENT, load_seed
from duijie.api.services.simulated_outcomes import write_simulated_outcomes
from duijie.graph.copy import copy_graph
from duijie.graph.errors import InvalidInput
from duijie.graph.model import Edge, Node
from duijie.graph.sqlite_store import SqliteStore
from duijie.graph.store import iter_edges


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory):
    """The seed, with the Xi'an trip planned and its record written (meetings, outcomes)."""
    store = SqliteStore(Path(tmp_path_factory.mktemp("rank")) / "duijie.db")
    load_seed(store)
    plan_event(store, XIAN_EVENT, record=True)
    yield store
    store.close()


def _contaminate(store: SqliteStore, pairs: list[dict]) -> None:
    """What an honest measure must not see: records at and after the event that favour
    exactly the recorded partners (no `source_event`, so only their dates give them away)."""
    create_event(store, name="后续回访", event_id="evt:later-visit", start_date="2019-07-01",
                 end_date="2019-07-01")
    with store.batch() as batch:
        for i, p in enumerate(pairs):
            batch.upsert_edge(Edge(p["firm"], "collaborated_with", p["helper"],
                                   {"since": "2019-05-24"}))
            for need in p["needs"]:
                batch.upsert_edge(Edge(need, "met", p["helper"], {"date": "2019-05-23"}))
                batch.upsert_edge(Edge(need, "signed", p["helper"], {"year": 2019}))
            meeting = f"mtg:later-{i}"
            batch.upsert_node(Node(meeting, "Meeting", {
                "name": f"回访 {i}", "event_id": "evt:later-visit", "status": "held",
                "firm_id": p["firm"], "helper_id": p["helper"]}))
            batch.upsert_edge(Edge("evt:later-visit", "has_meeting", meeting))
            batch.upsert_edge(Edge(meeting, "involves", p["firm"], {"role": "firm"}))
            batch.upsert_edge(Edge(meeting, "involves", p["helper"], {"role": "helper"}))
            batch.upsert_edge(Edge(p["firm"], "participated_in", "evt:later-visit"))
            batch.upsert_edge(Edge(p["helper"], "participated_in", "evt:later-visit"))


def test_ranks_come_from_the_recorded_pairs_with_names(recorded):
    ranks = partner_ranks(recorded, XIAN_EVENT).to_dict()
    assert ranks["cutoff"] == "2019-05-23"
    signed = [p for p in ranks["pairs"] if p["stage"] == "signed"]
    assert len(signed) == ranks["summary"]["signed"] == 5  # invented pairs of invented firms
    assert all(p["meeting_id"] and p["firm_name"] and p["helper_name"] for p in signed)
    assert all(p["illustrative"] for p in ranks["pairs"])  # the seed's pairs are invented
    assert all(p["rank"] is not None and 0 < p["score"] <= 1 for p in signed)
    assert ranks["summary"]["hybrid"]["found"]["n"] == 5


def test_the_cut_leaves_out_the_event_and_everything_dated_at_or_after_it(recorded):
    cut = pre_event_cut(recorded, XIAN_EVENT)
    meetings = {n.id for _, n in recorded.neighbours(XIAN_EVENT, "has_meeting", "out")}
    outcomes = {o.id for m in meetings for _, o in recorded.neighbours(m, "has_outcome", "out")}
    assert meetings and outcomes and {XIAN_EVENT, *meetings, *outcomes} <= cut.nodes
    for kind in ("met", "signed", "collaborated_with"):
        for e in iter_edges(recorded, kind):
            day = e.props.get("date") or e.props.get("since")
            if (e.src, e.kind, e.dst) not in cut.edges:
                assert e.props.get("source_event") != XIAN_EVENT
                assert not day or day < cut.cutoff
                assert e.props.get("year") is None or e.props["year"] < 2019
    rec = pre_event_recommender(recorded, cut)
    assert not (set(rec.kind_of) & cut.nodes)
    kept = {(u, kind, v) for u, links in rec.snapshot.out_links.items()
            for kind, v, _ in links}
    assert not (kept & cut.edges)


def test_records_at_or_after_the_event_change_nothing_but_would_leak_into_a_plain_recommend(
        recorded, tmp_path: Path):
    honest = partner_ranks(recorded, XIAN_EVENT).to_dict()
    later = SqliteStore(tmp_path / "later.db")
    copy_graph(recorded, later)
    _contaminate(later, honest["pairs"])
    again = partner_ranks(later, XIAN_EVENT).to_dict()
    assert again["pairs"] == honest["pairs"]  # every rank, score and component the same
    assert again["left_out"]["edges"] > honest["left_out"]["edges"]

    # The control: today's full graph has seen the outcome (the partners are now the firm's
    # collaborators), so a plain recommend ranks them differently: the cut is what kept
    # the honest ranks unchanged.
    full = shared_recommender(later).current()
    moved = 0
    for p in honest["pairs"]:
        plain = rank_pair(full, p, p["helper_kind"].lower(), [p["need"]], {})
        moved += (plain["score"], plain["rank_graph"]) != (p["score"], p["rank_graph"])
    assert moved >= len(honest["pairs"]) // 2
    later.close()


def test_an_event_without_a_date_or_without_outcomes(recorded, tmp_path: Path):
    store = SqliteStore(tmp_path / "x.db")
    create_event(store, name="无日期活动", event_id="evt:undated")
    with pytest.raises(InvalidInput, match="no start date"):
        partner_ranks(store, "evt:undated")
    create_event(store, name="空活动", event_id="evt:empty", start_date="2020-01-01")
    empty = partner_ranks(store, "evt:empty").to_dict()
    assert empty["pairs"] == [] and empty["summary"]["signed"] == 0
    assert empty["summary"]["hybrid"] is None
    store.close()


def test_every_rank_is_the_recommenders_on_the_same_pre_event_graph(recorded):
    """The walk's vectorised ranks are `Recommender.recommend`'s on the knowledge graph
    without what the event may not see (the edges `pre_event_cut` leaves out)."""
    graphs = PreEventGraphs(recorded)
    ranks = partner_ranks(recorded, XIAN_EVENT, graphs=graphs).to_dict()
    cut = pre_event_cut(recorded, XIAN_EVENT)
    hidden = graphs.hidden_before(ranks["cutoff"])
    assert hidden == {e for e in cut.edges if e in graphs.visible} and hidden
    rec = graphs.recommender.excluding((), hidden)
    assert not set(rec.kind_of) & cut.nodes  # no event, meeting or outcome is ranked through
    for p in ranks["pairs"]:
        plain = rank_pair(rec, p, p["helper_kind"].lower(), [p["need"]], {})
        assert (plain["rank"], plain["rank_text"], plain["rank_graph"]) == (
            p["rank"], p["rank_text"], p["rank_graph"])
        assert plain["score"] == pytest.approx(p["score"], abs=2e-6)
        assert plain["candidates"] >= 1


def test_walking_many_events_in_date_order_gives_each_its_own_ranks(tmp_path: Path):
    """The report over every event walks one graph forward; each event's ranks are the
    ones it gets alone, and a later event sees what the earlier ones wrote."""
    store = SqliteStore(tmp_path / "sim.db")
    write_simulated_outcomes(store, events=4, firms_per_event=4, meetings_per_firm=3,
                             enterprises=20, experts=30, needs=25, seed=3)
    report = all_events_report(store, today="2040-01-01")
    events = report.partner_ranks["events_ranked"]
    assert len(events) == 4 and report.partner_ranks["events_with_pairs"] == 4
    for event in (events[0], events[-1]):
        alone = partner_ranks(store, event).to_dict()["pairs"]
        walked = [{k: v for k, v in p.items() if k != "event_id"}
                  for p in report.partner_ranks["pairs"] if p["event_id"] == event]
        assert walked == alone and alone
    graphs = PreEventGraphs(store)
    first, last = (event_cutoff(store, e) for e in (events[0], events[-1]))
    assert len(graphs.hidden_before(first)) > len(graphs.hidden_before(last)) >= 0
    store.close()
