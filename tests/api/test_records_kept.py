"""Recorded work is never lost: re-planning and replaying keep meetings, outcomes and
follow-ups, on a real SQLite file."""

from __future__ import annotations

import contextlib

import pytest

from duijie.api.services.events import (
    add_pair_rule,
    add_participant,
    add_participants,
    event_meetings,
    update_event,
)
from duijie.api.services.outcomes import add_follow_up, record_outcome
from duijie.api.services.planning import (
    event_plan,
    event_schedule,
    plan_event_meetings,
    schedule_event,
)
from duijie.api.services.replay import plan_event, prepare_replay, recorded_outcome
from duijie.api.services.seeding import XIAN_EVENT, load_seed
from duijie.graph import open_store
from duijie.graph.copy import summarise
from duijie.graph.errors import InvalidInput
from duijie.graph.model import new_id
from tests.api.test_events import EVT
from tests.api.test_events import store as events_store  # noqa: F401 - the fixture


def _records(store, event_id: str) -> dict[str, dict]:
    """Every meeting of the event that carries a record, with what it carries."""
    out = {}
    for m in event_meetings(store, event_id):
        outcomes = {o.id: o.props for _, o in store.neighbours(m.id, "has_outcome", "out")}
        if outcomes or m.props.get("follow_ups") or m.props["status"] not in (
                "proposed", "scheduled"):
            out[m.id] = {"status": m.props["status"], "slot": m.props.get("slot_id"),
                         "table": m.props.get("table"), "outcomes": outcomes,
                         "follow_ups": m.props.get("follow_ups", [])}
    return out


def _no_orphan_outcomes(store) -> None:
    for o in store.find_nodes("Outcome", limit=10**6):
        store.get_node(o.props["meeting_id"])  # raises NotFound for an orphan
        assert store.find_edges("has_outcome", src=o.props["meeting_id"], dst=o.id)


def test_replan_after_an_outcome_and_follow_ups_keeps_them(events_store):  # noqa: F811
    store = events_store
    plan_event_meetings(store, EVT)
    schedule_event(store, EVT)
    by_firm = {m.props["firm_id"]: m for m in event_meetings(store, EVT)}
    held, checked, followed = by_firm["ent:0"], by_firm["ent:1"], by_firm["ent:2"]
    record_outcome(store, held.id, held=True, rating_need_side=5, intent=True)
    add_follow_up(store, held.id, "寄送样品", "张三", "2019-06-01")
    record_outcome(store, checked.id, "m1", ledger="negotiating", notes="电话沟通")
    add_follow_up(store, followed.id, "约第二次会谈", "李四", "2019-06-10")
    before = _records(store, EVT)
    assert set(before) == {held.id, checked.id, followed.id}

    result = event_plan(store, EVT, use_recommender=False)  # the same inputs again
    assert set(result.kept) == set(before)
    add_pair_rule(store, EVT, "pin", "ent:2", "exp:0")  # and with a changed rule
    event_plan(store, EVT, use_recommender=False)
    event_schedule(store, EVT)
    assert {k: v for k, v in _records(store, EVT).items() if k in before} == before
    assert store.get_node("need:0").props["status"] == "met"
    _no_orphan_outcomes(store)


def test_replan_after_publish_keeps_the_published_schedule(events_store):  # noqa: F811
    store = events_store
    plan_event_meetings(store, EVT)
    schedule_event(store, EVT)
    published = event_schedule(store, EVT, publish=True).published
    before = _records(store, EVT)
    assert published == len(before) and all(r["status"] == "published" for r in before.values())

    add_participant(store, EVT, "inst:xjtu")
    event_plan(store, EVT, use_recommender=False)
    event_schedule(store, EVT)
    assert {k: v for k, v in _records(store, EVT).items() if k in before} == before
    # New slots that no longer hold the published ones: reported, never un-published.
    update_event(store, EVT, slots=[{"id": "2019-05-25T09:00", "start": "2019-05-25T09:00",
                                     "end": "2019-05-25T09:30"}])
    event_plan(store, EVT, use_recommender=False)
    with contextlib.suppress(InvalidInput):  # too few places is a fair answer
        event_schedule(store, EVT)
    after = _records(store, EVT)
    assert all(after[mid]["status"] == "published" for mid in before)
    assert store.get_node(EVT).props["status"] == "published"


@pytest.fixture
def seeded(tmp_path):
    store = open_store(str(tmp_path / "seed.db"))
    load_seed(store)
    yield store
    store.close()


def _ids(store) -> set[str]:
    return {n.id for kind in ("Event", "Meeting", "Outcome") for n in
            store.find_nodes(kind, limit=10**6)}


def test_a_plain_replay_writes_nothing(seeded):
    before = summarise(seeded)
    plan_event(seeded, XIAN_EVENT, use_recommender=False)
    assert summarise(seeded) == before


def test_replay_twice_after_recording_deletes_nothing(seeded):
    store = seeded
    plan_event(store, XIAN_EVENT, use_recommender=False, record=True)
    meeting = next(m for m in event_meetings(store, XIAN_EVENT) if m.props.get("follow_ups"))
    add_follow_up(store, meeting.id, "寄送合同样本", "王五", "2019-07-01")
    ids, records = _ids(store), _records(store, XIAN_EVENT)
    for record in (True, False, True):
        plan_event(store, XIAN_EVENT, use_recommender=False, record=record)
        assert _ids(store) >= ids
        assert {k: v for k, v in _records(store, XIAN_EVENT).items() if k in records} == records
    assert any(f["owner"] == "王五" for f in store.get_node(meeting.id).props["follow_ups"])
    _no_orphan_outcomes(store)


def test_replay_after_a_manual_outcome_keeps_it(seeded):
    store = seeded
    firms, candidates = prepare_replay(store, XIAN_EVENT)
    met = set(recorded_outcome(store, XIAN_EVENT, firms)["met_pairs"])
    firm, helper = next(p for p in sorted(met) if p[1] in candidates)
    add_participants(store, XIAN_EVENT, candidates)
    add_pair_rule(store, XIAN_EVENT, "pin", firm, helper)
    plan_event_meetings(store, XIAN_EVENT)
    schedule_event(store, XIAN_EVENT)
    mid = new_id("Meeting", XIAN_EVENT, firm, helper)
    manual = record_outcome(store, mid, held=True, rating_need_side=2, notes="手工记录")
    other = next(m for m in event_meetings(store, XIAN_EVENT)  # a pair the record lacks
                 if (m.props["firm_id"], m.props["helper_id"]) not in met)
    check_in = record_outcome(store, other.id, "m3", ledger="negotiating", notes="手工回访")
    ids = _ids(store)

    replay = plan_event(store, XIAN_EVENT, use_recommender=False, record=True)
    assert replay.written["kept_outcomes"] >= 1
    assert store.get_node(manual.id).props == manual.props  # not replaced by the replay's
    assert store.get_node(check_in.id).props == check_in.props
    assert store.get_node(other.id).props["status"] == other.props["status"]
    assert _ids(store) >= ids
    _no_orphan_outcomes(store)


def test_status_changes_keep_the_other_props(events_store):  # noqa: F811
    """Moving a need or publishing an event changes the status only (a partial write
    would also write the schema's defaults: need type, priority, event language)."""
    from duijie.graph.model import Node

    store = events_store
    with store.batch() as b:
        b.upsert_node(Node("need:0", "Need", {"need_type": "policy", "priority": 5}))
    update_event(store, EVT, language="en", event_type="fair")
    plan_event_meetings(store, EVT)
    schedule_event(store, EVT)
    m = next(m for m in event_meetings(store, EVT) if m.props["firm_id"] == "ent:0")
    add_follow_up(store, m.id, "回访", "张三", "2019-06-01")
    event_schedule(store, EVT, publish=True)
    record_outcome(store, m.id, held=True)
    need = store.get_node("need:0").props
    assert (need["status"], need["need_type"], need["priority"]) == ("met", "policy", 5)
    event = store.get_node(EVT).props
    assert (event["status"], event["language"], event["event_type"]) == (
        "published", "en", "fair")
    assert store.get_node(m.id).props["follow_ups"][0]["owner"] == "张三"
