"""Replaying the seed Xi'an trip: no leakage from its own record, recording its outcome."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from duijie.api.cli.replay_text import render_replay
from duijie.api.services.event_views import invite_for
from duijie.api.services.invitations import invitation_plan
from duijie.api.services.outcomes import event_record, overdue_follow_ups
from duijie.api.services.replay import plan_event, prepare_replay
from duijie.api.services.seeding import XIAN_EVENT, load_seed
from duijie.graph import open_store
from duijie.graph.errors import InvalidInput
from duijie.graph.model import Node
from duijie.matcher.paths import explain_paths_indexed
from duijie.matcher.reasons import render_reason


@pytest.fixture()
def seeded(tmp_path):
    def make(name: str = "seed.db"):
        path = tmp_path / name
        store = open_store(str(path))
        load_seed(store)
        return store, path

    return make


def _xian_needs(store) -> list[str]:
    firms = [e.src for e in store.find_edges("participated_in", dst=XIAN_EVENT, limit=10**6)
             if e.src.startswith("ent:")]
    return sorted(n.id for f in firms for _, n in store.neighbours(f, "submitted", "out"))


def test_event_record_names_the_event_and_its_outcome_edges(seeded):
    store, _ = seeded()
    nodes, edges = event_record(store, XIAN_EVENT)
    assert nodes == {XIAN_EVENT}
    assert sum(1 for e in edges if e[1] == "signed") == 5  # illustrative pairs, invented firms
    assert sum(1 for e in edges if e[1] == "met") == 8
    store.close()


def test_no_path_of_the_xian_plan_goes_through_the_event(seeded):
    from duijie.api.services.recommendations import shared_recommender

    store, _ = seeded()
    event = store.get_node(XIAN_EVENT)
    cands = {e.src for e in store.find_edges("participated_in", dst=XIAN_EVENT, limit=10**6)
             if not e.src.startswith("ent:")}
    nodes, edges = event_record(store, XIAN_EVENT)
    leaky = shared_recommender(store)
    clean = shared_recommender(store, exclude_nodes=nodes, exclude_edges=edges)

    def path_nodes(rec) -> set[str]:
        """Every node of the walks behind the answer (shown paths never pass an event:
        the walks show whether the graph side learned from the event's own record)."""
        seen, current = set(), rec.current()
        for need in _xian_needs(store):
            seeds = {n: 1.0 for n in (need, current.firm_of(need)) if n}
            for item in rec.recommend(need, kind="institute", k=20, available_only=False,
                                      within=cands).items:
                seen |= {n for p in item.paths for n in p["nodes"]}
                seen |= {n for p in explain_paths_indexed(current.index, None, seeds, item.id,
                                                          max_paths=8) for n in p.nodes}
        return seen

    assert XIAN_EVENT in path_nodes(leaky)  # the leak this guards against is real
    assert XIAN_EVENT not in path_nodes(clean)

    replay = plan_event(store, XIAN_EVENT)
    text = render_replay(replay)
    assert replay.pairs and all(event.name not in render_reason(r) for p in replay.pairs
                                for r in p["reasons"])
    assert event.name not in "\n".join(text.splitlines()[1:])  # only the title names it
    lines = text.splitlines()
    assert len(lines) < 80
    days = sorted({p["start"][:10] for p in replay.pairs})
    assert [line for line in lines if line.startswith(" 5月")] == [
        f" 5月{int(d[8:])}日" for d in days]  # one heading a day, in order
    assert all(c["covers"] for c in replay.invited)  # each invited one covers a need
    store.close()


def test_the_events_recorded_outcome_does_not_change_its_plan(seeded):
    with_record, _ = seeded("with.db")
    without, _ = seeded("without.db")
    with without.batch() as b:
        for kind in ("met", "signed"):
            for e in without.find_edges(kind, limit=10**6):
                if e.props.get("source_event") == XIAN_EVENT:
                    b.delete_edge(e.id)
    assert not event_record(without, XIAN_EVENT)[1]

    def plan(store):
        r = plan_event(store, XIAN_EVENT)
        return (r.invitations.invited,
                [(p["firm"], p["helper"], p["score"], p["start"], p["table"], p["reasons"])
                 for p in r.pairs])

    assert plan(with_record) == plan(without)
    with_record.close()
    without.close()


def test_record_writes_the_seed_outcome_through_the_outcome_path(seeded):
    store, path = seeded()
    needs = _xian_needs(store)
    recorded = {n.id: n.props.get("status") for n in store.get_nodes(needs).values()}
    met_needs = {e.src for e in store.find_edges("met", limit=10**6)
                 if e.props.get("source_event") == XIAN_EVENT}
    # Forget the statuses the record implies (keep the one dropped need's own record).
    with store.batch() as b:
        for n in met_needs:
            if recorded[n] != "not_pursued":
                b.upsert_node(Node(n, "Need", {"status": "submitted"}))
    before = {n.id: n.props.get("status") for n in store.get_nodes(needs).values()}
    plan_event(store, XIAN_EVENT, use_recommender=False)  # a plain replay keeps them
    assert {n.id: n.props.get("status") for n in store.get_nodes(needs).values()} == before
    replay = plan_event(store, XIAN_EVENT, use_recommender=False, record=True)
    status = {n.id: n.props.get("status") for n in store.get_nodes(met_needs).values()}
    signed = {e.src for e in store.find_edges("signed", limit=10**6)
              if e.props.get("source_event") == XIAN_EVENT}
    assert len(signed) == 5 and {n for n, s in status.items() if s == "signed"} == signed
    assert sorted(s for n, s in status.items() if n not in signed) == [
        "met", "met", "not_pursued"]
    outcomes = store.find_nodes("Outcome", limit=10**6)
    assert len(outcomes) == replay.written["outcomes"] == 8 + 5
    collab = [e for e in store.find_edges("collaborated_with", limit=10**6)
              if e.props.get("source_event") == XIAN_EVENT]
    assert len(collab) == 5 and all(e.props.get("meeting_id") for e in collab)
    follow = overdue_follow_ups(store, today="2020-01-01", event_id=XIAN_EVENT)
    assert len(follow) == 7  # every recorded meeting but the dropped one
    assert "已记录结果" in render_replay(replay)

    again = plan_event(store, XIAN_EVENT, use_recommender=False, record=True)  # idempotent
    assert len(store.find_nodes("Outcome", limit=10**6)) == len(outcomes)
    assert again.written["need_status"] == replay.written["need_status"]
    assert len(overdue_follow_ups(store, today="2020-01-01", event_id=XIAN_EVENT)) == 7
    store.close()

    out = subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(path), "event",
                          "followups", "--event", XIAN_EVENT, "--today", "2020-01-01",
                          "--json"], capture_output=True, text=True, check=True)
    rows = json.loads(out.stdout)
    assert len(rows) == 7 and {r["action"] for r in rows} == {"技术合同认定登记", "回访合作意向"}
    # the pairs are invented: their follow-ups are no real office's task
    assert {r["owner"] for r in rows} == {"经办人（示意）"}


def test_cli_event_plan_ignores_the_events_record(seeded):
    store, path = seeded()
    prepare_replay(store, XIAN_EVENT)  # participants, slots, tables
    invitation_plan(store, XIAN_EVENT, 12, use_recommender=False,
                    candidates=prepare_replay(store, XIAN_EVENT)[1])
    name = store.get_node(XIAN_EVENT).name
    store.close()
    out = subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(path), "event",
                          "plan", XIAN_EVENT, "--json"], capture_output=True, text=True, check=True)
    meetings = json.loads(out.stdout)["meetings"]
    assert meetings and all(m["reasons"] for m in meetings)
    # a path through a meeting shows its name, "firm × helper"
    said = [render_reason(r) for m in meetings for r in m["reasons"]]
    assert not [r for r in said if name in r or " × " in r]


def test_planning_the_event_again_gives_the_same_plan(tmp_path):
    store = open_store(str(tmp_path / "again.db"))
    load_seed(store)
    first = plan_event(store, XIAN_EVENT)
    again = plan_event(store, XIAN_EVENT)
    assert sorted(again.invitations.invited) == sorted(first.invitations.invited)
    assert [(p["firm"], p["helper"], p["start"]) for p in again.pairs] == \
        [(p["firm"], p["helper"], p["start"]) for p in first.pairs]
    assert again.recorded == first.recorded
    store.close()


def test_replaying_an_event_without_dates_is_refused_saying_why(seeded):
    # The seed's Japanese experts event has no date: there is nowhere to put meetings.
    store, _ = seeded()
    counts = store.counts()
    with pytest.raises(InvalidInput, match="has no date") as refused:
        plan_event(store, "evt:japan-experts-zhejiang", record=True)
    assert refused.value.where == "event"
    assert store.counts() == counts  # nothing half-written
    # inviting its recorded firms lays the same grid over its dates: refused the same way
    with pytest.raises(InvalidInput, match="has no date"):
        invite_for(store, "evt:japan-experts-zhejiang", from_record=True)
    assert store.counts() == counts
