"""Events and meetings as a person reads them, with who may read what (the web's
event pages and `/api/events`).

Organisers read every event and meeting in their scope; an enterprise or an expert
reads only the events it takes part in and, of those, only its own meetings — with
no scores and no graph paths (`access.reasons_for`). Anything else answers "not
found", exactly as an id that does not exist, so that existence does not leak.

>>> from duijie.graph import open_store
>>> from duijie.api.services.access import Viewer
>>> store = open_store(":memory:")
>>> made = event_create(store, "对接会", event_id="evt:a", days=["2019-05-23"], tables="2")
>>> event_detail(store, "evt:a").slots[0]["start"]
'2019-05-23T09:00'
>>> event_detail(store, "evt:a", viewer=Viewer.enterprise("u", "ent:x"))
Traceback (most recent call last):
...
duijie.graph.errors.NotFound: event: 'evt:a' is not an event you can see
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from duijie.api.services import Result
from duijie.api.services.access import (
    SHOWN_TO_PARTIES,
    Viewer,
    can_read_meeting,
    in_scope,
    reasons_for,
)
from duijie.api.services.events import (
    EventList,
    EventSummary,
    display_names,
    event_create,
    event_list,
    event_meetings,
    slot_grid,
    table_names,
    update_event,
)
from duijie.api.services.invitations import Invited, event_invite
from duijie.api.services.outcomes import FollowUps, event_followups
from duijie.api.services.planning import Agenda, event_agenda
from duijie.graph.errors import InvalidInput, NotFound, at
from duijie.graph.model import Node
from duijie.graph.store import GraphStore
from duijie.graph.vocab import (
    DEFAULT_MAX_MEETINGS,
    DEFAULT_MIN_SCORE,
    EventStatus,
    OutcomeStage,
    values,
)
from duijie.matcher.agenda import AgendaItem

__all__ = ["event_create"]  # re-exported for the doctest above
OPERATOR = Viewer.operator()  # the command line: sees everything


def _regions(node: Node) -> set[str]:
    return {str(v) for v in (node.props.get("region"), node.props.get("place")) if v}


def _unseen(event_id: str) -> NotFound:
    return NotFound(key="events.not_your_event", value=event_id, where=at("where.event"))


def takes_part(node: Node, party_id: str | None) -> bool:
    """Is this party a participant of the event (its list, as invited)?"""
    return bool(party_id) and any(p["id"] == party_id
                                  for p in node.props.get("participants", []))


def readable_event(store: GraphStore, event_id: str, viewer: Viewer) -> Node:
    """The Event node if this viewer may read it; `NotFound` otherwise (an unknown id,
    another kind of node, an event out of scope or one the party is not part of)."""
    try:
        node = store.get_node(event_id)
    except NotFound:
        raise _unseen(event_id) from None
    if node.kind != "Event":
        raise _unseen(event_id)
    if viewer.is_staff:
        if not in_scope(viewer, _regions(node)):
            raise _unseen(event_id)
    elif not takes_part(node, viewer.party_id):
        raise _unseen(event_id)
    return node


def editable_event(store: GraphStore, event_id: str, viewer: Viewer) -> Node:
    """The Event node if this viewer may change it (staff in scope); else `NotFound`."""
    if not viewer.is_staff:
        raise _unseen(event_id)
    return readable_event(store, event_id, viewer)


def events_for(store: GraphStore, viewer: Viewer = OPERATOR) -> EventList:
    """`event_list` cut to what the viewer may read: staff their scope, a party the
    events it takes part in."""
    everything = event_list(store)
    nodes = store.get_nodes(e.id for e in everything.events)
    keep = [e for e in everything.events
            if (in_scope(viewer, _regions(nodes[e.id])) if viewer.is_staff
                else takes_part(nodes[e.id], viewer.party_id))]
    return EventList(keep)


@dataclass
class Participant(Result):
    id: str
    name: str
    kind: str
    side: str
    max_meetings: int
    language: str | None
    needs: list[dict[str, Any]]  # id, name, illustrative
    illustrative: bool  # invented demo data: the name carries 示意


@dataclass
class PairRule(Result):
    kind: str
    firm: str
    firm_name: str
    helper: str
    helper_name: str
    status: str
    by: str | None
    reason: str | None
    illustrative: bool  # a side is invented: its name carries 示意


@dataclass
class EventDetail(Result):
    """One event: its settings, grid, participants and pair rules (for staff; a party
    sees the event with empty participant and rule lists)."""

    id: str
    name: str
    place: str | None
    region: str | None
    event_type: str | None
    start_date: str | None
    end_date: str | None
    status: str
    language: str
    max_meetings_default: int
    min_score: float
    slots: list[dict[str, str]]
    tables: list[str]
    participants: list[Participant]
    pair_rules: list[PairRule]
    meetings: int
    has_record: bool  # firms recorded as taking part (`participated_in`) to invite
    recorded_firms: int = 0  # how many
    illustrative: bool = False  # the event itself is invented (示意)


def event_detail(store: GraphStore, event_id: str, *,
                 viewer: Viewer = OPERATOR) -> EventDetail:
    """The event as its planner page shows it."""
    node = readable_event(store, event_id, viewer)
    p = node.props
    participants: list[Participant] = []
    rules: list[PairRule] = []
    if viewer.is_staff:
        entries = list(p.get("participants", []))
        need_ids = [n for e in entries for n in e.get("needs", [])]
        rule_list = list(p.get("pair_rules", []))
        nodes = store.get_nodes([*(e["id"] for e in entries), *need_ids,
                                 *(r[k] for r in rule_list for k in ("firm", "helper"))])
        names = display_names(store, [*(e["id"] for e in entries), *need_ids,
                                      *(r[k] for r in rule_list for k in ("firm", "helper"))])
        default = p.get("max_meetings_default", DEFAULT_MAX_MEETINGS)
        for e in entries:
            n = nodes.get(e["id"])
            participants.append(Participant(
                e["id"], names[e["id"]], n.kind if n else "", e["side"],
                int(e.get("max_meetings", (n.props.get("max_meetings") if n else None)
                          or default)), e.get("language"),
                [{"id": x, "name": names[x],
                  "illustrative": bool(nodes.get(x) and nodes[x].illustrative)}
                 for x in e.get("needs", [])], bool(n and n.illustrative)))
        rules = [PairRule(str(r["kind"]), r["firm"], names[r["firm"]], r["helper"],
                          names[r["helper"]], str(r.get("status", "")), r.get("by"),
                          r.get("reason"), any(nodes[i].illustrative for i in
                                               (r["firm"], r["helper"]) if i in nodes))
                 for r in rule_list]
    links = store.find_edges("participated_in", dst=event_id, limit=10**5)
    firms = [i for i, k in store.kinds_of({e.src for e in links}).items() if k == "Enterprise"]
    return EventDetail(
        node.id, node.name, p.get("place"), p.get("region"), p.get("event_type"),
        p.get("start_date"), p.get("end_date"), p.get("status", EventStatus.PLANNED),
        p.get("language", "zh"), int(p.get("max_meetings_default", DEFAULT_MAX_MEETINGS)),
        float(p.get("min_score", DEFAULT_MIN_SCORE)), list(p.get("slots", [])),
        list(p.get("tables", [])), participants, rules, len(event_meetings(store, event_id)),
        bool(firms) and viewer.is_staff, len(firms) if viewer.is_staff else 0,
        node.illustrative)


def event_set_grid(store: GraphStore, event_id: str, *, days: Sequence[str],
                   day_start: str = "09:00", day_end: str = "12:00", slot_minutes: int = 30,
                   tables: str | int | Sequence[str] = 5, viewer: Viewer = OPERATOR
                   ) -> EventDetail:
    """Give the event a grid of slots over `days` and its tables (replacing the old grid;
    placed meetings keep their slot until the next schedule)."""
    editable_event(store, event_id, viewer)
    day_list = [d.strip() for d in days if d.strip()]
    if not day_list:
        raise InvalidInput(key="events.grid_no_day", where=at("where.grid"))
    slots = slot_grid(day_list, day_start, day_end, slot_minutes)
    if not slots:
        raise InvalidInput(key="events.grid_no_slot", params={
            "minutes": slot_minutes, "start": day_start, "end": day_end},
            where=at("where.grid"))
    table_list = table_names(tables)
    if not table_list:
        raise InvalidInput(key="events.grid_no_table", where=at("where.grid"))
    update_event(store, event_id, slots=slots, tables=table_list,
                 start_date=day_list[0], end_date=day_list[-1])
    return event_detail(store, event_id, viewer=viewer)


@dataclass
class MeetingView(Result):
    """One meeting as its reader may see it (no score for a firm or an expert)."""

    id: str
    name: str
    event_id: str
    event_name: str
    status: str
    source: str | None
    firm: str
    firm_name: str
    helper: str
    helper_name: str
    slot: str | None
    table: str | None
    start: str | None
    end: str | None
    score: float | None
    reasons: list[dict[str, Any]]  # structured (`matcher.reasons`), as the viewer may see
    needs: list[dict[str, str]]  # id, name
    outcomes: list[dict[str, Any]]  # id, stage, held, intent, ledger, ratings, value, at
    follow_ups: list[dict[str, Any]]  # action, owner, due, done
    illustrative: bool  # a side is invented: its name carries 示意


OUTCOME_FIELDS = ("stage", "held", "intent", "ledger", "rating_need_side",
                  "rating_helper_side", "contract_value_wan", "reason_code", "reason", "notes",
                  "recorded_at")


def _view(store: GraphStore, m: Node, event: Node, viewer: Viewer) -> MeetingView:
    p = m.props
    firm, helper = p.get("firm_id", ""), p.get("helper_id", "")
    need_ids = [e.dst for e in store.find_edges("involves", src=m.id, limit=10**4)
                if e.props.get("role") == "need"]
    needs = store.get_nodes(need_ids)
    if not viewer.is_staff and viewer.party_id != firm:  # an expert: no confidential need
        needs = {k: n for k, n in needs.items() if n.confidentiality != "confidential"}
    names = display_names(store, [firm, helper])
    sides = store.get_nodes([firm, helper])
    order = {stage: i for i, stage in enumerate(values(OutcomeStage))}
    outcomes = sorted((o for _, o in store.neighbours(m.id, "has_outcome", "out")),
                      key=lambda o: (order.get(o.props.get("stage"), 99),
                                     str(o.props.get("recorded_at", ""))))
    return MeetingView(
        m.id, m.name, event.id, event.shown_name, str(p.get("status", "")), p.get("source"),
        firm, names.get(firm, firm), helper, names.get(helper, helper), p.get("slot_id"),
        p.get("table"), p.get("start"), p.get("end"),
        p.get("score") if viewer.show_scores and viewer.is_staff else None,
        reasons_for(viewer, p.get("reasons", [])),
        [{"id": n, "name": needs[n].shown_name, "illustrative": needs[n].illustrative}
         for n in need_ids if n in needs],
        [{"id": o.id, **{k: o.props.get(k) for k in OUTCOME_FIELDS}} for o in outcomes],
        [dict(f) for f in p.get("follow_ups", [])],
        bool(p.get("illustrative")) or any(n.illustrative for n in sides.values()))


@dataclass
class MeetingList(Result):
    event_id: str | None
    meetings: list[MeetingView]


def meeting_list(store: GraphStore, event_id: str | None = None, *,
                 viewer: Viewer = OPERATOR) -> MeetingList:
    """The meetings of one event (or of every event the viewer may read), by start then
    name: staff all of them, a firm or an expert its own once published."""
    if event_id is not None:
        events = [readable_event(store, event_id, viewer)]
    else:
        listed = events_for(store, viewer).events
        events = list(store.get_nodes(e.id for e in listed).values())
    out = []
    for event in events:
        regions = _regions(event)
        for m in event_meetings(store, event.id):
            if can_read_meeting(viewer, m.props.get("firm_id"), m.props.get("helper_id"),
                                regions, str(m.props.get("status", ""))):
                out.append(_view(store, m, event, viewer))
    out.sort(key=lambda v: (v.start or "~", v.table or "", v.name))
    return MeetingList(event_id, out)


def meeting_detail(store: GraphStore, meeting_id: str, *,
                   viewer: Viewer = OPERATOR) -> MeetingView:
    """One meeting, or `NotFound` when it is not one the viewer may read."""
    unseen = NotFound(key="events.not_your_meeting", value=meeting_id,
                      where=at("where.meeting"))
    try:
        m = store.get_node(meeting_id)
    except NotFound:
        raise unseen from None
    if m.kind != "Meeting" or not m.props.get("event_id"):
        raise unseen
    try:
        event = readable_event(store, m.props["event_id"], viewer)
    except NotFound:
        raise unseen from None
    if not can_read_meeting(viewer, m.props.get("firm_id"), m.props.get("helper_id"),
                            _regions(event), str(m.props.get("status", ""))):
        raise unseen
    return _view(store, m, event, viewer)


def editable_meeting(store: GraphStore, meeting_id: str, viewer: Viewer) -> MeetingView:
    """A meeting staff may record on; `NotFound` for everyone else."""
    if not viewer.is_staff:
        raise NotFound(key="events.not_your_meeting", value=meeting_id,
                       where=at("where.meeting"))
    return meeting_detail(store, meeting_id, viewer=viewer)


def agenda_for(store: GraphStore, event_id: str, fmt: str = "html", *,
               participant: str | None = None, lang: str | None = None,
               viewer: Viewer = OPERATOR) -> Agenda:
    """`event_agenda` as this viewer may have it: staff any participant's or the whole
    programme; a firm or an expert only its own published meetings, without scores."""
    readable_event(store, event_id, viewer)
    if viewer.is_staff:
        return event_agenda(store, event_id, fmt, participant=participant, lang=lang)
    if participant not in (None, viewer.party_id):
        raise NotFound(key="events.not_your_participant", value=participant,
                       where=at("where.agenda"))
    status = {m.id: str(m.props.get("status", "")) for m in event_meetings(store, event_id)}

    def scrub(item: AgendaItem) -> AgendaItem | None:
        if status.get(item.meeting_id) not in SHOWN_TO_PARTIES:
            return None  # not published yet: still the organisers' draft
        return replace(item, score=None, reasons=tuple(reasons_for(viewer, item.reasons)))

    return event_agenda(store, event_id, fmt, participant=viewer.party_id, lang=lang,
                        scrub=scrub)


def summary_of(detail: EventDetail) -> EventSummary:
    """The list row of an event detail."""
    return EventSummary(detail.id, detail.name, detail.place, detail.start_date,
                        detail.end_date, detail.status, len(detail.participants),
                        detail.meetings, detail.recorded_firms, detail.illustrative)


def invite_for(store: GraphStore, event_id: str, participants: Sequence[str] = (), *,
               from_record: bool = False, viewer: Viewer = OPERATOR,
               **options: Any) -> Invited:
    """`event_invite` for staff; with `from_record`, the firms recorded as taking part
    (`participated_in`) come too and the event gets a default grid if it has none
    (`replay.prepare_replay`)."""
    editable_event(store, event_id, viewer)
    ids = list(participants)
    if from_record:
        from duijie.api.services.replay import prepare_replay

        firms, _ = prepare_replay(store, event_id)
        ids = list(dict.fromkeys([*firms, *ids]))
    if not ids:
        raise InvalidInput(key="events.nobody_to_invite", where=at("where.event"))
    return event_invite(store, event_id, ids, **options)


def follow_ups_for(store: GraphStore, *, event_id: str | None = None,
                   today: str | None = None, viewer: Viewer = OPERATOR) -> FollowUps:
    """Overdue follow-ups (`event_followups`) of the events this staff member may edit."""
    if event_id is not None:
        editable_event(store, event_id, viewer)
    elif not viewer.is_staff:
        raise NotFound(key="events.organisers_only", where=at("where.follow_ups"))
    result = event_followups(store, event_id=event_id, today=today)
    if not viewer.sees_everything:
        allowed = {e.id for e in events_for(store, viewer).events}
        result.follow_ups = [f for f in result.follow_ups if f["event_id"] in allowed]
    return result
