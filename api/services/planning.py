"""Planning an event: meeting pairs, slots and tables, publishing, agendas
(`duijie event plan/schedule/agenda`).

The algorithms are pure (`matcher.assignment`, `matcher.scheduling`,
`matcher.agenda`); this module reads their plain inputs from the store and writes
their results back, each multi-step write in one `WriteBatch`.

Recorded work is never lost by planning again: a meeting that was held, published,
locked, marked no-show or cancelled, or that has an outcome or a follow-up, is kept
as it is (status, slot, outcomes, follow-ups); a re-plan plans around it (its pair
is locked, or never proposed again when it did not take place). Only meetings that
are merely proposed or scheduled, with nothing recorded on them, are replaced.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from duijie.api.services import Result
from duijie.api.services.events import (
    EventSetup,
    advance_need,
    display_names,
    event_meetings,
    event_slots,
    firm_needs,
    get_event,
    invented_ids,
    load_setup,
    parse_time,
    set_props,
)
from duijie.api.services.scores import Scorer, recommender_scores, shared_topic_scores
from duijie.graph.errors import InvalidInput, at
from duijie.graph.model import Edge, Node, Provenance, meeting_props, new_id
from duijie.graph.store import GraphStore
from duijie.graph.vocab import (
    DEFAULT_MAX_MEETINGS,
    DEFAULT_MIN_SCORE,
    DONE_MEETINGS,
    REPLACEABLE_MEETINGS,
    EventStatus,
    MeetingStatus,
    NeedStatus,
    PairRuleKind,
    RequestStatus,
)
from duijie.matcher.agenda import (
    AgendaItem,
    EventInfo,
    agenda_for,
    nothing_scheduled,
    render_agenda,
)
from duijie.matcher.assignment import MeetingPlan, Participant, PlanRules, plan_meetings
from duijie.matcher.notes import note
from duijie.matcher.reasons import as_reason
from duijie.matcher.scheduling import MeetingToPlace, Schedule, schedule

ScoreMap = Mapping[tuple[str, str], tuple[float, list[str]]]


def _organisation(store: GraphStore, node: Node) -> str | None:
    if node.kind == "Institute":
        return node.id
    orgs = sorted(n.id for _, n in store.neighbours(node.id, "affiliated_with", "out"))
    return orgs[0] if orgs else node.props.get("affiliation")


def recorded_meetings(store: GraphStore, meetings: list[Node]) -> dict[str, Node]:
    """The meetings a re-plan must keep as they are: held, published, locked, no-show or
    cancelled, or with an outcome or a follow-up recorded on them."""
    kept = {}
    for m in meetings:
        if (m.props.get("status") not in REPLACEABLE_MEETINGS or m.props.get("follow_ups")
                or store.find_edges("has_outcome", src=m.id, limit=1)):
            kept[m.id] = m
    return kept


def planning_input(store: GraphStore, setup: EventSetup,
                   kept: Mapping[str, Node] | None = None
                   ) -> tuple[list[Participant], list[Participant], PlanRules]:
    """Participants and rules as the pure planner takes them; the `kept` meetings
    (default: `recorded_meetings`) lock their pair, or bar it when it did not happen."""
    props = setup.node.props
    default = props.get("max_meetings_default", DEFAULT_MAX_MEETINGS)
    firms, helpers = [], []
    for p in setup.participants:
        node = setup.nodes[p["id"]]
        cap = p.get("max_meetings", node.props.get("max_meetings", default))
        if p["side"] == "firm":
            firms.append(Participant(p["id"], cap, "firm", name=node.name))
        else:
            kind = "institute" if node.kind == "Institute" else "expert"
            helpers.append(Participant(p["id"], cap, kind, _organisation(store, node), node.name))
    rules = PlanRules(institute_per_firm=props.get("institute_per_firm", 0),
                      one_per_organisation=bool(props.get("one_per_organisation", False)))
    by_kind = {PairRuleKind.DECLINE: rules.declined, PairRuleKind.PIN: rules.pins,
               PairRuleKind.FORBID: rules.forbidden, PairRuleKind.MET_BEFORE: rules.met_before}
    for r in setup.rules:
        pair = (r["firm"], r["helper"])
        if r["kind"] == PairRuleKind.REQUEST:
            if r.get("status") == RequestStatus.ACCEPTED:
                rules.requests.add(pair)
            elif r.get("status") == RequestStatus.DECLINED:
                rules.declined.add(pair)
        else:
            by_kind[PairRuleKind(r["kind"])].add(pair)
    helper_ids = {h.id for h in helpers}
    cutoff = props.get("met_before_cutoff")
    if cutoff:
        for f in firms:
            for need in firm_needs(store, setup, f.id):
                for edge in store.find_edges("met", src=need, limit=10**6):
                    if edge.dst in helper_ids and str(edge.props.get("date", "")) < cutoff:
                        rules.met_before.add((f.id, edge.dst))
    if kept is None:
        kept = recorded_meetings(store, event_meetings(store, setup.node.id))
    firm_ids = {f.id for f in firms}
    for m in kept.values():
        pair = (m.props.get("firm_id"), m.props.get("helper_id"))
        if pair[0] not in firm_ids or pair[1] not in helper_ids:
            continue  # a record of someone no longer taking part: kept, not planned
        if m.props.get("status") in DONE_MEETINGS:
            rules.declined.add(pair)
        else:
            rules.locked.add(pair)
    return firms, helpers, rules


def plan_event_meetings(store: GraphStore, event_id: str, *, scorer: Scorer | None = None,
                        scores: ScoreMap | None = None, solver: str = "auto",
                        by: str = "planner", progress: Callable[[str], None] | None = None,
                        cancelled: Callable[[], bool] | None = None) -> MeetingPlan:
    """Plan the event's meetings and save them as provisional Meeting nodes.

    Scores come from `scores` if given, else from `scorer(store, firms, helpers)`,
    else `shared_topic_scores`. Recorded meetings (`recorded_meetings`) are kept
    untouched and planned around; earlier proposed or scheduled ones with nothing
    recorded are replaced. The firms' needs move from submitted to matched. All in
    one batch.
    """
    setup = load_setup(store, event_id)
    if not setup.firms or not setup.helpers:
        raise InvalidInput("needs firms and experts or institutes before planning; add them "
                           "with `duijie event invite`", where=f"event {event_id}")
    old = {m.id: m for m in event_meetings(store, event_id)}
    kept = recorded_meetings(store, list(old.values()))
    firms, helpers, rules = planning_input(store, setup, kept)
    if scores is None:
        scores = (scorer or shared_topic_scores)(store, setup.firms, setup.helpers)
    plan = plan_meetings(firms, helpers, {p: v[0] for p, v in scores.items()}, rules,
                         min_score=setup.node.props.get("min_score", DEFAULT_MIN_SCORE),
                         solver=solver, progress=progress,  # type: ignore[arg-type]
                         cancelled=cancelled)
    pending = [f"{r['firm']} → {r['helper']}" for r in setup.rules
               if r["kind"] == PairRuleKind.REQUEST and r.get("status") == RequestStatus.PENDING]
    if pending:
        plan.diagnostics.append(note("requests_pending", count=len(pending),
                                     pairs=", ".join(pending[:5])))
    kept_pairs = {(m.props.get("firm_id"), m.props.get("helper_id")) for m in kept.values()}
    new_ids = {new_id("Meeting", event_id, m.firm, m.helper): m for m in plan.meetings
               if (m.firm, m.helper) not in kept_pairs}
    with store.batch() as batch:
        for m in old.values():  # only what nothing was recorded on is replaced
            if m.id not in kept and m.id not in new_ids:
                batch.delete_node(m.id)
        for mid, pm in new_ids.items():
            if mid in kept:
                continue
            reasons = list(scores.get((pm.firm, pm.helper), (0.0, []))[1])[:20]
            stand_ins = [h for h, _ in plan.alternates.get(pm.firm, []) if h != pm.helper]
            batch.upsert_node(Node(mid, "Meeting", {
                **meeting_props(setup.nodes[pm.firm], setup.nodes[pm.helper]),
                "event_id": event_id, "status": MeetingStatus.PROPOSED.value,
                "score": pm.score, "reasons": reasons, "firm_id": pm.firm,
                "helper_id": pm.helper, "source": pm.source, "alternates": stand_ins},
                provenance=[Provenance(source=f"user:{by}")]), replace_props=True)
            batch.upsert_edge(Edge(event_id, "has_meeting", mid))
            batch.upsert_edge(Edge(mid, "involves", pm.firm, {"role": "firm"}))
            batch.upsert_edge(Edge(mid, "involves", pm.helper, {"role": "helper"}))
            for need in firm_needs(store, setup, pm.firm):
                batch.upsert_edge(Edge(mid, "involves", need, {"role": "need"}))
                advance_need(store, batch, need, NeedStatus.MATCHED)
    return plan


def schedule_event(store: GraphStore, event_id: str) -> Schedule:
    """Place the event's meetings in slots and tables and save the placements.

    Recorded meetings (locked, published, held, or with an outcome or follow-up)
    keep their slot and table; the rest are (re)placed. Raises `InvalidInput` for
    bad slots, no tables, no availability or more meetings than places, before
    anything is written.
    """
    setup = load_setup(store, event_id)
    props = setup.node.props
    # A meeting recorded as held without a slot (a replayed record) has no place to get.
    meetings = [m for m in event_meetings(store, event_id)
                if m.props.get("status") not in DONE_MEETINGS
                and not (m.props.get("status") == MeetingStatus.HELD
                         and not m.props.get("slot_id"))]
    if not meetings:
        raise InvalidInput("has no meetings to schedule: run `duijie event plan` first",
                           value=event_id, where="schedule")
    slots = event_slots(props)
    if not slots:
        raise InvalidInput("has no time slots: give slots when creating the event",
                           value=event_id, where="schedule")
    availability = {p["id"]: [(parse_time(w["start"], p["id"]), parse_time(w["end"], p["id"]))
                              for w in p["availability"]]
                    for p in setup.participants if p.get("availability") is not None}
    kept = recorded_meetings(store, meetings)
    fixed = {m.id: (m.props["slot_id"], m.props["table"]) for m in kept.values()
             if m.props.get("slot_id") and m.props.get("table")}
    todo = [MeetingToPlace(m.id, (m.props["firm_id"], m.props["helper_id"])) for m in meetings]
    result = schedule(todo, slots, props.get("tables", []), availability, fixed)
    by_id = {m.id: m for m in meetings}
    with store.batch() as batch:
        for p in result.placements:
            status = by_id[p.meeting_id].props.get("status")
            if status in REPLACEABLE_MEETINGS:
                status = MeetingStatus.SCHEDULED.value
            set_props(batch, p.meeting_id, "Meeting", {
                "slot_id": p.slot_id, "table": p.table, "status": status,
                "start": f"{p.start:%Y-%m-%dT%H:%M}", "end": f"{p.end:%Y-%m-%dT%H:%M}"})
        for mid in result.unplaced:  # a published or recorded meeting keeps its status
            if by_id[mid].props.get("status") in REPLACEABLE_MEETINGS:
                set_props(batch, mid, "Meeting", {"status": MeetingStatus.PROPOSED.value})
    return result


def publish_event(store: GraphStore, event_id: str) -> int:
    """Publish the schedule: scheduled meetings become published (kept on re-runs)."""
    event = get_event(store, event_id)
    meetings = [m for m in event_meetings(store, event_id)
                if m.props.get("status") == MeetingStatus.SCHEDULED]
    if not meetings:
        raise InvalidInput(key="events.nothing_to_publish", params={"event": event_id},
                           where=at("where.publish_of", event=event.shown_name))
    with store.batch() as batch:
        for m in meetings:
            set_props(batch, m.id, "Meeting", {"status": MeetingStatus.PUBLISHED.value})
        set_props(batch, event.id, "Event", {"status": EventStatus.PUBLISHED.value})
    return len(meetings)


def agenda_items(store: GraphStore, event_id: str) -> tuple[EventInfo, list[AgendaItem]]:
    """The event's placed meetings as agenda items (names resolved), for `render_agenda`."""
    event = get_event(store, event_id)
    meetings = [m for m in event_meetings(store, event_id)
                if m.props.get("start") and m.props.get("status") != MeetingStatus.CANCELLED]
    names = store.get_nodes({m.props[k] for m in meetings for k in ("firm_id", "helper_id")})
    items = [AgendaItem(m.id, parse_time(m.props["start"], m.id),
                        parse_time(m.props["end"], m.id), m.props.get("table", ""),
                        m.props["firm_id"], names[m.props["firm_id"]].name,
                        m.props["helper_id"], names[m.props["helper_id"]].name,
                        m.props.get("score"), tuple(m.props.get("reasons", [])),
                        bool(names[m.props["firm_id"]].props.get("illustrative")),
                        bool(names[m.props["helper_id"]].props.get("illustrative")))
             for m in meetings]
    return EventInfo(event.id, event.name, event.props.get("place")), items


# ----------------------------------------------------------------------------- use cases

@dataclass
class PlanResult(Result):
    """`duijie event plan`: the plan, each meeting with its id, names and reasons, and
    the recorded meetings it kept and planned around."""

    event_id: str
    event_name: str
    plan: MeetingPlan
    meeting_ids: dict[tuple[str, str], str]
    reasons: dict[tuple[str, str], list[dict[str, Any]]]
    kept: list[str]
    names: dict[str, str] = field(default_factory=dict)
    invented: frozenset[str] = frozenset()  # ids of invented records (`invented_ids`)

    def to_dict(self) -> dict[str, Any]:
        data = self.plan.to_dict(self.names)
        for m in data["meetings"]:
            pair = (m["firm"], m["helper"])
            m["meeting_id"] = self.meeting_ids.get(pair)
            m["reasons"] = list(self.reasons.get(pair, []))
            m["illustrative"] = bool(set(pair) & self.invented)
        return {"event_id": self.event_id, "event_name": self.event_name, **data,
                "kept": list(self.kept)}


def event_plan(store: GraphStore, event_id: str, *, use_recommender: bool = True,
               solver: str = "auto", exclude_own_record: bool = True,
               progress: Callable[[str], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> PlanResult:
    """Plan fair meeting pairs for an event, keeping every recorded meeting.

    Scores come from the hybrid recommender (or shared topics when
    `use_recommender` is False) and ignore the event's own record (its node,
    meetings, outcomes, met/signed edges) unless `exclude_own_record` is False.
    """
    if use_recommender:
        exclude = event_id if exclude_own_record else None

        def scorer(s: GraphStore, firms, helpers):
            return recommender_scores(s, firms, helpers, exclude_event=exclude)
    else:
        scorer = shared_topic_scores
    before = sorted(recorded_meetings(store, event_meetings(store, event_id)))
    plan = plan_event_meetings(store, event_id, scorer=scorer, solver=solver,
                               progress=progress, cancelled=cancelled)
    meetings = event_meetings(store, event_id)
    by_pair = {(m.props.get("firm_id"), m.props.get("helper_id")): m for m in meetings}
    ids = [i for m in plan.meetings for i in (m.firm, m.helper)]
    ids += [*plan.unassigned, *(h for alts in plan.alternates.values() for h, _ in alts)]
    return PlanResult(event_id, get_event(store, event_id).name, plan,
                      {p: m.id for p, m in by_pair.items()},
                      {p: [as_reason(r) for r in m.props.get("reasons", [])]
                       for p, m in by_pair.items()},
                      before, display_names(store, ids), invented_ids(store, ids))


@dataclass
class ScheduleResult(Result):
    """`duijie event schedule`: placements with the meetings' names, what could not be
    placed and why, idle gaps, and how many meetings were published."""

    event_id: str
    schedule: Schedule
    published: int
    names: dict[str, str]
    pairs: dict[str, tuple[str, str]]  # meeting id -> (firm id, helper id)
    invented: frozenset[str] = frozenset()  # ids of invented records (`invented_ids`)

    def to_dict(self) -> dict[str, Any]:
        data = self.schedule.to_dict(self.names)
        for p in data["placements"]:
            firm, helper = self.pairs.get(p["meeting"], (None, None))
            p |= {"firm": firm, "firm_name": self.names.get(firm or ""),
                  "helper": helper, "helper_name": self.names.get(helper or ""),
                  "illustrative": bool({firm, helper} & self.invented)}
        return {"event_id": self.event_id, **data, "published": self.published}


def event_schedule(store: GraphStore, event_id: str, *, publish: bool = False
                   ) -> ScheduleResult:
    """Put the planned meetings into slots and tables; with `publish`, publish them."""
    result = schedule_event(store, event_id)
    published = event_publish(store, event_id).published if publish else 0
    meetings = store.get_nodes([*(p.meeting_id for p in result.placements), *result.unplaced])
    pairs = {mid: (m.props.get("firm_id", ""), m.props.get("helper_id", ""))
             for mid, m in meetings.items()}
    names = {mid: m.name for mid, m in meetings.items()}
    sides = [i for pair in pairs.values() for i in pair]
    names |= display_names(store, sides)
    return ScheduleResult(event_id, result, published, names, pairs,
                          invented_ids(store, sides))


@dataclass
class Published(Result):
    event_id: str
    published: int


def event_publish(store: GraphStore, event_id: str) -> Published:
    """Publish the schedule: scheduled meetings become published (kept by re-plans)."""
    return Published(event_id, publish_event(store, event_id))


@dataclass
class Agenda(Result):
    """`duijie event agenda`: the rendered agenda and a file name to save it under: of
    names (the event's, the participant's), and an ASCII one of ids for programs that
    take no other (an HTTP download's plain ``filename``)."""

    event_id: str
    format: str
    participant: str | None
    lang: str
    file_name: str
    media_type: str
    content: str | bytes
    ascii_file_name: str = ""

    @property
    def binary(self) -> bool:
        return isinstance(self.content, bytes) and self.format == "xlsx"

    def to_dict(self) -> dict[str, Any]:
        data = {f: getattr(self, f) for f in ("event_id", "format", "participant", "lang",
                                              "file_name", "ascii_file_name", "media_type")}
        if isinstance(self.content, bytes):
            if self.binary:
                return {**data, "encoding": "base64",
                        "content": base64.b64encode(self.content).decode("ascii")}
            return {**data, "encoding": "utf-8", "content": self.content.decode("utf-8")}
        return {**data, "encoding": "utf-8", "content": self.content}


MEDIA_TYPES = {"csv": "text/csv", "html": "text/html", "ics": "text/calendar",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def event_agenda(store: GraphStore, event_id: str, fmt: str = "html", *,
                 participant: str | None = None, lang: str | None = None,
                 scrub: Callable[[AgendaItem], AgendaItem | None] | None = None) -> Agenda:
    """Render an agenda (one participant's, or the whole programme) as CSV, XLSX,
    iCalendar or HTML, in `lang`, else the participant's language, else the event's.
    `scrub` rewrites each item first, or leaves it out (None): what a firm may not read."""
    info, items = agenda_items(store, event_id)
    if scrub is not None:
        items = [kept for kept in map(scrub, items) if kept is not None]
    props = get_event(store, event_id).props
    own = next((p.get("language") for p in props.get("participants", [])
                if p["id"] == participant), None)
    lang = lang or (own if own in ("zh", "en") else None) or props.get("language", "zh")
    who = (store.get_nodes([participant]).get(participant) if participant else None)
    if not agenda_for(items, participant):  # refused naming the participant, not its id
        raise nothing_scheduled(info, who.shown_name if who else participant)
    data = render_agenda(items, info, fmt, participant=participant, lang=lang)
    whole = "全部日程" if lang == "zh" else "programme"
    name = agenda_file_name(props.get("name") or event_id, who.name if who else whole, fmt)
    ascii_stem = re.sub(r"[^A-Za-z0-9.-]+", "-", f"{event_id}-{participant or 'all'}")
    return Agenda(event_id, fmt, participant, lang, name, MEDIA_TYPES[fmt], data,
                  f"{ascii_stem.strip('-') or 'agenda'}.{fmt}")


def agenda_file_name(event: str, who: str, fmt: str) -> str:
    """A file name of names, safe on every system: no path or reserved characters.

    >>> agenda_file_name("西安精准对接会 2019/05", "浙江大立科技", "ics")
    '西安精准对接会-2019-05-浙江大立科技.ics'
    """
    stem = re.sub(r'[\s\\/:*?"<>|\x00-\x1f]+', "-", f"{event} {who}").strip("-. ")
    return f"{stem[:120] or 'agenda'}.{fmt}"
