"""Events in a real SQLite file: plan, schedule, publish, agendas, outcomes, follow-ups."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from duijie.api.services.events import (
    add_pair_rule,
    add_participant,
    create_event,
    event_meetings,
    slot_grid,
)
from duijie.api.services.outcomes import (
    add_follow_up,
    outcome_summary,
    overdue_follow_ups,
    record_outcome,
)
from duijie.api.services.planning import (
    agenda_items,
    plan_event_meetings,
    publish_event,
    schedule_event,
)
from duijie.graph import open_store
from duijie.graph.errors import Conflict, InvalidInput, NotFound
from duijie.graph.model import Edge, Node
from duijie.matcher.agenda import render_agenda

EVT = "evt:test"


@pytest.fixture
def store(tmp_path):
    store = open_store(str(tmp_path / "events.db"))
    with store.batch() as b:
        for t in ("红外", "复合材料", "电机"):
            b.upsert_node(Node(f"topic:{t}", "Topic", {"name": t}))
        for i, t in enumerate(("红外", "复合材料", "电机")):
            b.upsert_node(Node(f"ent:{i}", "Enterprise", {"name": f"企业{i}", "region": "浙江"}))
            b.upsert_node(Node(f"need:{i}", "Need", {"title": f"{t}需求"}))
            b.upsert_edge(Edge(f"ent:{i}", "submitted", f"need:{i}"))
            b.upsert_edge(Edge(f"need:{i}", "about_topic", f"topic:{t}"))
        b.upsert_node(Node("inst:xjtu", "Institute", {"name": "西安交通大学",
                                                      "institute_type": "university"}))
        for j, topics in enumerate((["红外"], ["复合材料", "红外"], ["电机"])):
            b.upsert_node(Node(f"exp:{j}", "Expert", {"name": f"专家{j}"}))
            b.upsert_edge(Edge(f"exp:{j}", "affiliated_with", "inst:xjtu"))
            for t in topics:
                b.upsert_edge(Edge(f"exp:{j}", "has_expertise", f"topic:{t}"))
    create_event(store, name="测试对接会", event_id=EVT, place="西安",
                 slots=slot_grid(["2019-05-23", "2019-05-24"], "09:00", "10:00", 30),
                 tables=["T1", "T2"], max_meetings_default=2)
    for i in range(3):
        add_participant(store, EVT, f"ent:{i}")
    for j in range(3):
        add_participant(store, EVT, f"exp:{j}")
    yield store
    store.close()


def test_plan_schedule_publish_and_need_status(store):
    plan = plan_event_meetings(store, EVT)
    assert plan.covered_firms == 3
    meetings = event_meetings(store, EVT)
    assert {(m.props["firm_id"], m.props["helper_id"]) for m in meetings} >= {
        ("ent:0", "exp:0"), ("ent:1", "exp:1"), ("ent:2", "exp:2")}
    assert all(m.props["status"] == "proposed" for m in meetings)
    assert store.get_node("need:0").props["status"] == "matched"
    involved = {e.dst for e in store.find_edges("involves", src=meetings[0].id)}
    assert len(involved) == 3  # firm, helper, need
    result = schedule_event(store, EVT)
    assert not result.unplaced
    placed = event_meetings(store, EVT)
    seen = set()
    for m in placed:
        assert m.props["status"] == "scheduled"
        for who in (m.props["firm_id"], m.props["helper_id"]):
            assert (who, m.props["slot_id"]) not in seen
            seen.add((who, m.props["slot_id"]))
    assert publish_event(store, EVT) == len(placed)
    assert store.get_node(EVT).props["status"] == "published"


def test_published_meetings_survive_a_replan_and_reschedule(store):
    plan_event_meetings(store, EVT)
    schedule_event(store, EVT)
    publish_event(store, EVT)
    before = {m.id: (m.props["slot_id"], m.props["table"]) for m in event_meetings(store, EVT)}
    add_pair_rule(store, EVT, "pin", "ent:2", "exp:0")
    plan_event_meetings(store, EVT)
    schedule_event(store, EVT)
    after = {m.id: m for m in event_meetings(store, EVT)}
    for mid, place in before.items():
        assert (after[mid].props["slot_id"], after[mid].props["table"]) == place
        assert after[mid].props["status"] == "published"
    pinned = [m for m in after.values() if m.props["firm_id"] == "ent:2"
              and m.props["helper_id"] == "exp:0"]
    assert pinned and pinned[0].props["source"] == "pinned"


def test_rules_decline_and_forbid_are_never_planned(store):
    add_pair_rule(store, EVT, "decline", "ent:0", "exp:0", by="exp:0", reason="too_early")
    add_pair_rule(store, EVT, "request", "ent:1", "exp:1", status="declined")
    plan = plan_event_meetings(store, EVT)
    assert ("ent:0", "exp:0") not in plan.pairs()
    assert ("ent:1", "exp:1") not in plan.pairs()


def test_agenda_ics_from_the_store_parses(store):
    plan_event_meetings(store, EVT)
    schedule_event(store, EVT)
    info, items = agenda_items(store, EVT)
    cal = Calendar.from_ical(render_agenda(items, info, "ics", participant="ent:0"))
    events = list(cal.walk("VEVENT"))
    assert events and all("企业0" in str(e["summary"]) for e in events)


def test_empty_event_agenda_is_a_clear_error(store):
    info, items = agenda_items(store, EVT)
    with pytest.raises(InvalidInput, match="no scheduled meetings"):
        render_agenda(items, info, "html")


def test_outcomes_update_need_status_and_graph_edges(store, tmp_path):
    plan_event_meetings(store, EVT)
    schedule_event(store, EVT)
    m = next(m for m in event_meetings(store, EVT) if m.props["firm_id"] == "ent:0")
    helper = m.props["helper_id"]
    record_outcome(store, m.id, held=True, rating_need_side=5, rating_helper_side=4, intent=True)
    assert store.get_node("need:0").props["status"] == "met"
    assert store.get_node(m.id).props["status"] == "held"
    record_outcome(store, m.id, "m3", ledger="signed", contract_value=120)
    assert store.get_node("need:0").props["status"] == "signed"
    signed = store.find_edges("signed", src="need:0")
    assert [(e.dst, e.props["value_wan"]) for e in signed] == [(helper, 120.0)]
    assert store.find_edges("collaborated_with", src="ent:0", dst=helper)
    # a later "no contact" on another check-in does not undo signed
    record_outcome(store, m.id, "m6", ledger="no_contact", reason_code="other")
    assert store.get_node("need:0").props["status"] == "signed"
    assert outcome_summary(store, EVT)["firms_signed"] == 1
    # the file holds it: reopen
    store.close()
    again = open_store(str(tmp_path / "events.db"))
    assert again.get_node("need:0").props["status"] == "signed"
    again.close()


def test_dropped_pair_keeps_reason_and_need_not_pursued(store):
    plan_event_meetings(store, EVT)
    m = next(m for m in event_meetings(store, EVT) if m.props["firm_id"] == "ent:1")
    out = record_outcome(store, m.id, held=True, intent=False, reason_code="price",
                         reason="报价过高")
    assert out.props["reason_code"] == "price"
    assert store.get_node("need:1").props["status"] == "not_pursued"


def test_planning_again_leaves_a_need_not_pursued_as_recorded(store):
    """A firm that withdrew its need is proposed again by a new plan, but its need stays
    withdrawn (re-planning set it back to 'matched'); a signing recorded later counts."""
    from duijie.api.services.needs import OPERATOR, withdraw_need

    plan_event_meetings(store, EVT)
    assert store.get_node("need:1").props["status"] == "matched"
    withdraw_need(store, "need:1", viewer=OPERATOR)
    plan_event_meetings(store, EVT)
    m = next(m for m in event_meetings(store, EVT) if m.props["firm_id"] == "ent:1")
    assert store.get_node("need:1").props["status"] == "not_pursued"
    record_outcome(store, m.id, held=True, intent=True)
    record_outcome(store, m.id, "m3", ledger="signed", contract_value=50)
    assert store.get_node("need:1").props["status"] == "signed"


def test_bad_outcomes_write_nothing(store):
    plan_event_meetings(store, EVT)
    m = event_meetings(store, EVT)[0]
    counts = store.counts()
    with pytest.raises(NotFound, match="'mtg:nope' is not a meeting"):
        record_outcome(store, "mtg:nope", held=True)
    with pytest.raises(InvalidInput, match="is not 万元"):
        record_outcome(store, m.id, "m3", ledger="signed", contract_value=1_200_000, unit="元")
    with pytest.raises(InvalidInput, match=">= 0"):
        record_outcome(store, m.id, "m3", ledger="signed", contract_value=-5)
    with pytest.raises(InvalidInput, match="given in 元"):
        record_outcome(store, m.id, "m3", ledger="signed", contract_value=5e9)
    with pytest.raises(InvalidInput, match="needs held"):
        record_outcome(store, m.id)
    with pytest.raises(InvalidInput, match="ledger step"):
        record_outcome(store, m.id, "m1")
    assert store.counts() == counts


def test_follow_ups_overdue(store):
    plan_event_meetings(store, EVT)
    m = event_meetings(store, EVT)[0]
    add_follow_up(store, m.id, "寄送样品", "张三", "2019-06-01")
    add_follow_up(store, m.id, "签约回访", "李四", "2019-09-01")
    overdue = overdue_follow_ups(store, today="2019-07-01")
    assert [(r["owner"], r["days_overdue"]) for r in overdue] == [("张三", 30)]
    with pytest.raises(InvalidInput, match="not a date"):
        add_follow_up(store, m.id, "x", "y", "next week")


def test_bad_event_inputs(store):
    with pytest.raises(Conflict, match="already exists"):
        create_event(store, name="x", event_id=EVT)
    with pytest.raises(InvalidInput, match="overlaps"):
        create_event(store, name="y", event_id="evt:y", slots=[
            {"id": "a", "start": "2019-05-23T09:00", "end": "2019-05-23T10:00"},
            {"id": "b", "start": "2019-05-23T09:30", "end": "2019-05-23T10:30"}])
    with pytest.raises(InvalidInput, match="zero-length"):
        create_event(store, name="z", event_id="evt:z", slots=[
            {"id": "a", "start": "2019-05-23T09:00", "end": "2019-05-23T09:00"}])
    with pytest.raises(NotFound):
        store.get_node("evt:y")
    with pytest.raises(InvalidInput, match="no availability"):
        add_participant(store, EVT, "exp:0", availability=[])
    add_pair_rule(store, EVT, "pin", "ent:0", "exp:0")
    add_pair_rule(store, EVT, "pin", "ent:0", "exp:1")
    add_participant(store, EVT, "ent:0", max_meetings=1)
    with pytest.raises(InvalidInput, match="raise its max_meetings to 2"):
        plan_event_meetings(store, EVT)
    assert event_meetings(store, EVT) == []  # nothing half-written


def test_more_meetings_than_slots_is_refused_before_writing(store):
    add_participant(store, EVT, "exp:0", max_meetings=3,
                    availability=[("2019-05-23T09:00", "2019-05-23T09:30")])
    for i in range(3):
        add_pair_rule(store, EVT, "pin", f"ent:{i}", "exp:0")
    plan_event_meetings(store, EVT)
    with pytest.raises(InvalidInput, match="exp:0 has 3 meetings but is available in 1"):
        schedule_event(store, EVT)
    assert all(m.props["status"] == "proposed" for m in event_meetings(store, EVT))


def test_cli_end_to_end_on_a_sqlite_file(store, tmp_path, capsys):
    from duijie.api.cli import main

    store.close()
    db = str(tmp_path / "events.db")
    assert main(["--db", db, "event", "plan", EVT, "--simple-scores"]) == 0
    assert main(["--db", db, "event", "schedule", EVT, "--json"]) == 0
    ics = tmp_path / "a.ics"
    assert main(["--db", db, "event", "agenda", EVT, "--format", "ics", "--out", str(ics)]) == 0
    assert list(Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))
    capsys.readouterr()
    assert main(["--db", db, "event", "outcome", "mtg:none", "--held"]) == 3
    assert "成效记录：“mtg:none” 不是会谈" in capsys.readouterr().err  # in Chinese, as the output
    assert main(["--db", db, "event", "agenda", EVT, "--format", "csv",
                 "--participant", "ent:none"]) == 2
    assert "ent:none没有已排期的会谈" in capsys.readouterr().err


def test_every_event_command_has_an_example():
    from duijie.api.cli.commands.event_commands import event

    assert "Example:" in event.help
    for name, command in event.commands.items():
        assert "Example:" in (command.help or ""), name


def test_replay_of_the_xian_event(tmp_path):
    from duijie.api.cli.replay_text import render_replay
    from duijie.api.services.replay import plan_event
    from duijie.api.services.seeding import XIAN_EVENT, load_seed

    store = open_store(str(tmp_path / "seed.db"))
    load_seed(store)
    replay = plan_event(store, XIAN_EVENT, use_recommender=False)
    assert (replay.recorded["firms"], replay.recorded["published_cooperation"]) == (11, 8)
    assert replay.recorded["pairs_illustrative"] and replay.recorded["firms_planned"] == 11
    assert replay.plan.covered_firms == 11
    assert replay.invitations.invited and len(replay.invitations.invited) <= 12
    invited = set(replay.invitations.invited)
    assert {p["helper"] for p in replay.pairs} <= invited
    assert not replay.schedule.unplaced
    assert all(p["start"][:10] in ("2019-05-23", "2019-05-24") for p in replay.pairs)
    assert all(p["reasons"] for p in replay.pairs)
    cal = Calendar.from_ical(render_agenda(replay.agenda, replay.event, "ics"))
    assert len(list(cal.walk("VEVENT"))) == len(replay.pairs)
    text = render_replay(replay)
    assert "浙江企业 11 家，达成合作的企业 8 家" in text and "11/11 家参会企业" in text
    assert "示意数据（虚构）" in text
    again = plan_event(store, XIAN_EVENT, use_recommender=False)  # a re-run is stable
    assert [(p["firm"], p["helper"], p["start"]) for p in again.pairs] == [
        (p["firm"], p["helper"], p["start"]) for p in replay.pairs]
    store.close()


def test_no_show_is_replaced_by_a_free_alternate(store):
    from duijie.api.services.outcomes import replace_no_show

    add_participant(store, EVT, "ent:0", max_meetings=1)
    add_pair_rule(store, EVT, "forbid", "ent:1", "exp:1")  # keeps exp:1 free all day
    plan_event_meetings(store, EVT)
    schedule_event(store, EVT)
    mine = [m for m in event_meetings(store, EVT) if m.props["firm_id"] == "ent:0"]
    assert len(mine) == 1
    m = mine[0]
    other = "exp:1" if m.props["helper_id"] == "exp:0" else "exp:0"
    assert m.props["alternates"] == [other]
    new = replace_no_show(store, m.id)
    assert store.get_node(m.id).props["status"] == "no_show"
    assert new.props["helper_id"] == other and new.props["replaces"] == m.id
    assert (new.props["slot_id"], new.props["table"]) == (m.props["slot_id"], m.props["table"])
    assert new.props["status"] == "locked" and new.props["source"] == "alternate"
    assert {e.dst for e in store.find_edges("involves", src=new.id)} == {"ent:0", other,
                                                                        "need:0"}
    assert replace_no_show(store, new.id) is None  # no stand-in left: only marked no-show
    with pytest.raises(NotFound):
        replace_no_show(store, "mtg:none")


def test_pending_requests_are_reported_not_planned(store):
    add_pair_rule(store, EVT, "request", "ent:2", "exp:0", status="pending")
    plan = plan_event_meetings(store, EVT)
    assert ("ent:2", "exp:0") not in plan.pairs()
    assert any("await an answer" in d and "ent:2 → exp:0" in d for d in plan.diagnostics)


def test_pairs_that_met_before_the_cutoff_are_excluded(store):
    from duijie.api.services.events import update_event

    with store.batch() as b:
        b.upsert_edge(Edge("need:0", "met", "exp:0", {"date": "2019-01-10"}))
        b.upsert_edge(Edge("need:2", "met", "exp:2", {"date": "2019-06-01"}))
    update_event(store, EVT, met_before_cutoff="2019-05-01")
    plan = plan_event_meetings(store, EVT)
    assert ("ent:0", "exp:0") not in plan.pairs()
    assert ("ent:2", "exp:2") in plan.pairs()  # met after the cutoff: allowed again


def test_cli_create_with_quotas(tmp_path, capsys):
    from duijie.api.cli import main

    db = str(tmp_path / "q.db")
    assert main(["--db", db, "init"]) == 0  # event commands need an existing store
    assert main(["--db", db, "event", "create", "配额会", "--id", "evt:q", "--days",
                 "2019-05-23", "--tables", "A,B", "--institute-per-firm", "1",
                 "--one-per-organisation", "--met-before", "2019-01-01", "--json"]) == 0
    props = open_store(db).get_node("evt:q").props
    assert (props["institute_per_firm"], props["one_per_organisation"],
            props["met_before_cutoff"], props["tables"]) == (1, True, "2019-01-01", ["A", "B"])
    assert len(props["slots"]) == 6


def test_replan_after_a_no_show_keeps_the_record_and_frees_the_capacity(store):
    from duijie.api.services.outcomes import replace_no_show

    plan_event_meetings(store, EVT)
    schedule_event(store, EVT)
    m = next(m for m in event_meetings(store, EVT) if m.props["firm_id"] == "ent:2")
    replace_no_show(store, m.id)
    plan = plan_event_meetings(store, EVT)
    assert (m.props["firm_id"], m.props["helper_id"]) not in plan.pairs()
    assert store.get_node(m.id).props["status"] == "no_show"


def test_cli_agenda_in_the_participants_language(store, tmp_path, capsys):
    from duijie.api.cli import main

    add_participant(store, EVT, "exp:0", language="en")
    plan_event_meetings(store, EVT)
    schedule_event(store, EVT)
    store.close()
    db = str(tmp_path / "events.db")
    capsys.readouterr()
    assert main(["--db", db, "event", "agenda", EVT, "--format", "csv",
                 "--participant", "exp:0"]) == 0
    assert capsys.readouterr().out.startswith("\ufeffStart,End,Table")  # BOM for Excel
    assert main(["--db", db, "event", "agenda", EVT, "--format", "csv",
                 "--participant", "ent:0"]) == 0
    assert capsys.readouterr().out.startswith("\ufeff开始,结束,桌号")


def test_participant_updates_merge_and_unknown_ids_are_refused(store):
    from duijie.api.services.events import add_participants, load_setup

    add_participant(store, EVT, "exp:1", max_meetings=1,
                    availability=[("2019-05-23T09:00", "2019-05-23T10:00")])
    add_participant(store, EVT, "exp:1", language="en")
    entry = next(p for p in load_setup(store, EVT).participants if p["id"] == "exp:1")
    assert (entry["max_meetings"], entry["language"], len(entry["availability"])) == (1, "en", 1)
    before = store.get_node(EVT).props["participants"]
    with pytest.raises(NotFound, match="exp:nobody"):
        add_participants(store, EVT, ["exp:2", "exp:nobody"], max_meetings=5)
    assert store.get_node(EVT).props["participants"] == before
    with pytest.raises(InvalidInput, match="ends before it starts"):
        add_participant(store, EVT, "exp:2",
                        availability=[("2019-05-23T10:00", "2019-05-23T09:00")])
    with pytest.raises(InvalidInput, match="participants are Enterprise"):
        add_participant(store, EVT, "need:0")


def test_one_person_per_organisation_from_affiliations(store):
    from duijie.api.services.events import update_event

    plain = plan_event_meetings(store, EVT)
    assert {h for f, h in plain.pairs() if f == "ent:0"} == {"exp:0", "exp:1"}
    update_event(store, EVT, one_per_organisation=True)  # all three work at inst:xjtu
    plan = plan_event_meetings(store, EVT)
    assert plan.solver == "milp"
    assert len([h for f, h in plan.pairs() if f == "ent:0"]) == 1
    assert {f for f, _ in plan.pairs()} == {"ent:0", "ent:1", "ent:2"}
