"""Who reads which event, meeting and agenda (`api.services.event_views`), on a real
SQLite store: staff in scope everything, a firm or an expert only its own published
meetings, without scores, graph paths or another firm's confidential need."""

from __future__ import annotations

import csv
import io

import pytest

from duijie.api.services.access import Viewer
from duijie.api.services.event_views import (
    agenda_for,
    event_detail,
    event_set_grid,
    events_for,
    meeting_detail,
    meeting_list,
)
from duijie.api.services.outcomes import record_outcome
from duijie.api.services.planning import plan_event_meetings, publish_event, schedule_event
from duijie.graph.errors import InvalidInput, NotFound
from duijie.graph.model import Node
from tests.api.test_events import EVT
from tests.api.test_events import store as events_store  # noqa: F401 - the fixture

FIRM = Viewer.enterprise("usr:f", "ent:0")
OTHER_FIRM = Viewer.enterprise("usr:g", "ent:1")
OUTSIDER = Viewer.enterprise("usr:h", "ent:nobody")
EXPERT = Viewer.expert("usr:e", "exp:0")


def planned(store, publish: bool = True):
    plan_event_meetings(store, EVT)
    with store.batch() as b:  # a path reason naming another firm, as the recommender writes
        for m in meeting_list(store, EVT).meetings:
            b.upsert_node(Node(m.id, "Meeting", {"reasons": [
                "共同主题: 红外", "图谱关联：红外 → 企业1 → 专家0"]}))
    schedule_event(store, EVT)
    if publish:
        publish_event(store, EVT)
    return {m.id: m for m in meeting_list(store, EVT).meetings}


def test_staff_read_everything_a_firm_only_its_published_meetings(events_store):  # noqa: F811
    everything = planned(events_store, publish=False)
    assert meeting_list(events_store, EVT, viewer=FIRM).meetings == []  # a draft still
    publish_event(events_store, EVT)
    mine = meeting_list(events_store, EVT, viewer=FIRM).meetings
    assert mine and {m.firm for m in mine} == {"ent:0"}
    # reasons stored as words still read, structured; a firm sees the kinds shown to parties
    assert all(m.score is None and m.reasons == [
        {"code": "shared_topic", "values": {"topic": "红外"}, "ids": {}}] for m in mine)
    staff = meeting_list(events_store, EVT, viewer=Viewer.organiser("usr:o")).meetings
    assert {m.id for m in staff} == set(everything)
    assert all(m.score is not None and len(m.reasons) == 2 for m in staff)
    theirs = next(m for m in everything.values() if m.firm == "ent:1")
    with pytest.raises(NotFound) as unseen:
        meeting_detail(events_store, theirs.id, viewer=FIRM)
    with pytest.raises(NotFound) as unknown:
        meeting_detail(events_store, "mtg:nothing", viewer=FIRM)
    assert str(unseen.value).replace(theirs.id, "X") == str(unknown.value).replace(
        "mtg:nothing", "X")  # the same answer: existence does not leak
    assert meeting_detail(events_store, theirs.id, viewer=OTHER_FIRM).firm == "ent:1"


def test_an_expert_does_not_see_a_confidential_need(events_store):  # noqa: F811
    with events_store.batch() as b:
        b.upsert_node(Node("need:0", "Need", {"title": "红外需求"},
                           confidentiality="confidential"))
    planned(events_store)
    seen = meeting_list(events_store, EVT, viewer=EXPERT).meetings
    assert seen and {m.helper for m in seen} == {"exp:0"}
    assert all(m.needs == [] for m in seen if m.firm == "ent:0")
    own = meeting_list(events_store, EVT, viewer=FIRM).meetings
    assert any(n["id"] == "need:0" for m in own for n in m.needs)
    # Planning moved the need to matched and an outcome to met: it stays confidential.
    record_outcome(events_store, own[0].id, held=True)
    need = events_store.get_node("need:0")
    assert (need.props["status"], need.confidentiality) == ("met", "confidential")


def test_events_by_scope_and_by_taking_part(events_store):  # noqa: F811
    assert [e.id for e in events_for(events_store, FIRM).events] == [EVT]
    assert events_for(events_store, OUTSIDER).events == []
    assert events_for(events_store, Viewer.organiser("u", "嘉兴")).events == []
    assert [e.id for e in events_for(events_store, Viewer.organiser("u", "西安")).events] == [
        EVT]
    with pytest.raises(NotFound):
        event_detail(events_store, EVT, viewer=Viewer.organiser("u", "嘉兴"))
    with pytest.raises(NotFound):
        event_detail(events_store, EVT, viewer=OUTSIDER)
    seen = event_detail(events_store, EVT, viewer=FIRM)
    assert seen.participants == [] and seen.pair_rules == []
    staff = event_detail(events_store, EVT)
    assert {p.name for p in staff.participants} >= {"企业0", "专家0"}
    with pytest.raises(NotFound):
        event_set_grid(events_store, EVT, days=["2019-05-23"], viewer=FIRM)


def test_a_grid_replaces_the_slots_and_refuses_an_empty_one(events_store):  # noqa: F811
    detail = event_set_grid(events_store, EVT, days=["2019-06-01"], day_start="14:00",
                            day_end="15:00", slot_minutes=20, tables="3")
    assert [s["start"] for s in detail.slots] == [
        "2019-06-01T14:00", "2019-06-01T14:20", "2019-06-01T14:40"]
    assert detail.tables == ["T1", "T2", "T3"] and detail.start_date == "2019-06-01"
    with pytest.raises(InvalidInput):
        event_set_grid(events_store, EVT, days=["2019-06-01"], day_start="15:00",
                       day_end="14:00")


def test_a_firm_downloads_only_its_own_agenda_without_scores(events_store):  # noqa: F811
    planned(events_store)
    own = agenda_for(events_store, EVT, "csv", viewer=FIRM)
    rows = list(csv.reader(io.StringIO(own.content.lstrip("\ufeff"))))
    assert len(rows) > 1 and {r[3] for r in rows[1:]} == {"企业0"}
    assert all(r[5] == "" and "→" not in r[6] for r in rows[1:])
    whole = agenda_for(events_store, EVT, "csv")
    assert any(r.split(",")[5] for r in whole.content.splitlines()[1:])
    with pytest.raises(NotFound):
        agenda_for(events_store, EVT, "csv", participant="ent:1", viewer=FIRM)
