"""Replay a seed event end to end (`duijie event replay`): invite, pair, schedule,
agendas, and the plan beside the recorded outcome.

For the Xi'an trip of 23–24 May 2019 (11 firms, 8 reached cooperation) the
candidates are the (invented) Xi'an experts and institutes of the seed; `plan_event`
gives the event slots over its dates if it has none, chooses whom to invite
for the firms' needs, plans fair pairs with scores and reasons, schedules them,
builds the agenda items and sets the plan beside what can be compared with the
record: the firms covered against the 11 that went, and the published 8-of-11.
The seed's met/signed pairs of that event are illustrative (the documents do not
say who met whom); `recorded["pairs_illustrative"]` says so and the text says it
plainly.

Planning never learns from the event's own record: the graph side ignores the
event node, its meetings and the `met`/`signed`/`collaborated_with` edges
recorded for it (`api.services.outcomes.event_record`), so "covered k/8 signed
pairs" is a fair figure.

A replay never deletes a record. Without ``record`` it works on an in-memory copy
of the store and writes nothing; with ``record=True`` it plans in the store (a
re-plan keeps every held, published or recorded meeting, see
`api.services.planning`) and writes the recorded outcome through the outcome path
(`record_replay_outcome`), adding or updating, never replacing an outcome that is
already there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from duijie.api.services import Result, plain
from duijie.api.services.events import (
    add_participants,
    event_meetings,
    load_setup,
    set_props,
    slot_grid,
    update_event,
)
from duijie.api.services.invitations import invitation_plan
from duijie.api.services.outcomes import overdue_follow_ups, write_outcome
from duijie.api.services.planning import agenda_items, plan_event_meetings, schedule_event
from duijie.api.services.scores import firm_scores, need_scores
from duijie.graph import open_store
from duijie.graph.copy import copy_graph
from duijie.graph.errors import InvalidInput, NotFound
from duijie.graph.model import Edge, Node, meeting_props, new_id
from duijie.graph.store import GraphStore
from duijie.graph.vocab import (
    DEFAULT_MAX_MEETINGS,
    LedgerStep,
    MatchReason,
    MeetingSource,
    MeetingStatus,
    NeedStatus,
    OutcomeStage,
    ReasonCode,
)
from duijie.matcher.agenda import AgendaItem, EventInfo
from duijie.matcher.assignment import MeetingPlan
from duijie.matcher.invitations import InvitationPlan
from duijie.matcher.reasons import as_reason, reason
from duijie.matcher.scheduling import Schedule

INVENTED_OWNER = "经办人（示意）"  # who owns an invented meeting's follow-up


@dataclass
class EventReplay(Result):
    """What `plan_event` gives: the invitations, the plan and its schedule and agenda,
    the plan beside the record, and what ``record=True`` wrote (None otherwise)."""

    event: EventInfo
    invitations: InvitationPlan
    plan: MeetingPlan
    pairs: list[dict[str, Any]]  # firm, helper, names, score, reasons, slot, table
    schedule: Schedule
    agenda: list[AgendaItem]
    recorded: dict[str, Any] = field(default_factory=dict)
    invited: list[dict[str, Any]] = field(default_factory=list)  # id, name, kind, covers
    written: dict[str, Any] | None = None  # what `record=True` wrote
    names: dict[str, str] = field(default_factory=dict)  # id -> name, meetings too

    def to_dict(self) -> dict[str, Any]:
        """The JSON of `duijie event replay --json` and of the web."""
        return {"event": plain(self.event), "invited": plain(self.invited),
                "pairs": plain(self.pairs), "unassigned": dict(self.plan.unassigned),
                "unplaced": dict(self.schedule.unplaced), "recorded": plain(self.recorded),
                "written": plain(self.written),
                "invitations": self.invitations.to_dict(self.names),
                "plan": self.plan.to_dict(self.names),
                "schedule": self.schedule.to_dict(self.names), "agenda": plain(self.agenda)}


def _days(start: str, end: str) -> list[str]:
    d0, d1 = date.fromisoformat(start), date.fromisoformat(end)
    return [(d0 + timedelta(days=i)).isoformat() for i in range((d1 - d0).days + 1)]


RECORDED = "按记录回放的实际会谈"  # the description of a meeting only the record has


def _record_edges(store: GraphStore, event_id: str, firms: list[str], kind: str
                  ) -> dict[tuple[str, str], list[Edge]]:
    """The event's recorded `met` or `signed` edges (need → helper), by (firm, helper)."""
    out: dict[tuple[str, str], list[Edge]] = {}
    for firm in firms:
        for _, need in store.neighbours(firm, "submitted", "out"):
            for e in store.find_edges(kind, src=need.id, limit=10**6):
                if e.props.get("source_event") == event_id:
                    out.setdefault((firm, e.dst), []).append(e)
    return out


def recorded_outcome(store: GraphStore, event_id: str, firms: list[str]) -> dict[str, Any]:
    """What the store records of the event: the published figures (with qualifier and
    quote), the firms taking part, and the pairs recorded as met or signed there.

    `pairs_illustrative` says whether any recorded pair is invented demo data (the
    seed's Xi'an pairs all are: the documents give only "11 firms, 8 reached
    cooperation", not who met whom), so a reader never takes them for the record.
    """
    signed = _record_edges(store, event_id, firms, "signed")
    met = _record_edges(store, event_id, firms, "met")
    node = store.get_node(event_id)
    pair_edges = [e for es in (met | signed).values() for e in es]
    return {"firms": len(firms), "firms_signed": len({f for f, _ in signed}),
            "published_firms": node.props.get("firms"),
            "published_cooperation": node.props.get("cooperation_reached"),
            "published_figures": list(node.props.get("figures", [])),
            "pairs_illustrative": any(e.props.get("illustrative") for e in pair_edges),
            "signed_pairs": sorted(signed), "met_pairs": sorted(met | signed)}


def record_replay_outcome(store: GraphStore, event_id: str, firms: list[str], *,
                          by: str = "replay", statuses: dict[str, str] | None = None
                          ) -> dict[str, Any]:
    """Write the seed's recorded outcome of an event through the outcome path, one batch.

    Each recorded pair (a `met` edge of the event) becomes a meeting (the planned
    one if the plan has that pair, else a held one described as `RECORDED`) with a
    post-event outcome (held; no intent when the need's status says not pursued)
    on its `met` date, and for a `signed` edge a first check-in with ledger
    ``signed`` on its date: Outcome nodes, need statuses, `met`, `signed` and
    `collaborated_with` edges, as `record_outcome` writes them, for the needs the
    record names. Each meeting gets a follow-up (register the contract, or ask
    about the intent) due 30 days later. Ids and dates come from the record, so a
    second run writes the same again. An outcome already recorded for a meeting
    and stage (by hand, or by an earlier run) is kept as it is, and so are the
    meeting's other follow-ups: nothing is deleted or replaced. `statuses` are the
    needs' statuses as recorded (read before planning, which reopens a not-pursued
    need as matched); the store's current ones if None.
    """
    met = _record_edges(store, event_id, firms, "met")
    signed = _record_edges(store, event_id, firms, "signed")
    event = store.get_node(event_id)
    owner = event.props.get("organiser") or "organiser"
    nodes = store.get_nodes({x for pair in met | signed for x in pair}
                            | {e.src for es in (met | signed).values() for e in es})
    written: dict[str, Any] = {"meetings": [], "outcomes": 0, "new_meetings": 0,
                               "kept_outcomes": 0}
    with store.batch() as batch:
        for firm, helper in sorted(met | signed):
            mid = new_id("Meeting", event_id, firm, helper)
            try:
                meeting = store.get_node(mid)
            except NotFound:
                meeting = Node(mid, "Meeting", {
                    **meeting_props(nodes[firm], nodes[helper]), "event_id": event_id,
                    "status": MeetingStatus.HELD.value, "firm_id": firm, "helper_id": helper,
                    "source": MeetingSource.LOCKED.value, "description": RECORDED,
                    "reasons": [reason(MatchReason.RECORDED_MEETING)]})
                batch.upsert_node(meeting, replace_props=True)
                batch.upsert_edge(Edge(event_id, "has_meeting", mid))
                batch.upsert_edge(Edge(mid, "involves", firm, {"role": "firm"}))
                batch.upsert_edge(Edge(mid, "involves", helper, {"role": "helper"}))
                written["new_meetings"] += 1
            stages = {o.props.get("stage") for _, o in store.neighbours(mid, "has_outcome", "out")}
            met_edges = met.get((firm, helper), [])
            sign_edges = signed.get((firm, helper), [])
            needs = sorted({e.src for e in met_edges + sign_edges})
            for need in needs:
                batch.upsert_edge(Edge(mid, "involves", need, {"role": "need"}))
            day = min((str(e.props.get("date") or event.props.get("start_date"))
                       for e in met_edges + sign_edges), default=event.props["start_date"])
            dropped = not sign_edges and all(
                (statuses or {}).get(n, nodes[n].props.get("status")) == NeedStatus.NOT_PURSUED
                for n in needs)
            if OutcomeStage.POST_EVENT in stages:
                written["kept_outcomes"] += 1
            else:
                write_outcome(store, batch, meeting, needs, OutcomeStage.POST_EVENT, held=True,
                              intent=False if dropped else None, by=by,
                              reason_code=ReasonCode.OTHER if dropped else None,
                              notes="按记录回放" + ("：未继续" if dropped else ""),
                              at=f"{day}T18:00:00Z")
                written["outcomes"] += 1
            follow = ("技术合同认定登记", "回访合作意向")[not sign_edges]
            due = date.fromisoformat(day) + timedelta(days=30)
            if sign_edges:
                sign_day = max(str(e.props.get("date") or day) for e in sign_edges)
                if OutcomeStage.M1 in stages:
                    written["kept_outcomes"] += 1
                else:
                    write_outcome(store, batch, meeting, needs, OutcomeStage.M1,
                                  ledger=LedgerStep.SIGNED, by=by, notes="按记录回放：签约",
                                  at=f"{sign_day}T18:00:00Z")
                    written["outcomes"] += 1
                due = date.fromisoformat(sign_day) + timedelta(days=30)
            if not dropped:
                # an invented meeting's follow-up is never said to be a real office's task
                item = {"action": follow, "owner": INVENTED_OWNER if meeting.illustrative
                        else owner, "due": due.isoformat(), "done": False}
                have = [f for f in meeting.props.get("follow_ups", [])]
                if not any((f["action"], f["due"]) == (item["action"], item["due"])
                           for f in have):
                    set_props(batch, mid, "Meeting", {"follow_ups": [*have, item]})
            written["meetings"].append(mid)
    status = {n.id: n.props.get("status") for n in store.get_nodes(
        {e.src for es in (met | signed).values() for e in es}).values()}
    written["need_status"] = dict(sorted(status.items()))
    written["follow_ups"] = overdue_follow_ups(store, event_id=event_id)
    return written


def _covers(store: GraphStore, invitations: InvitationPlan) -> list[dict[str, Any]]:
    """Each invited expert/institute with the fields of the needs it covers strongly."""
    needs = store.get_nodes({n for n in invitations.covered})
    nodes = store.get_nodes(invitations.invited)
    fields: dict[str, list[str]] = {h: [] for h in invitations.invited}
    for need, helpers in invitations.covered.items():
        label = needs[need].props.get("tech_field") or needs[need].shown_name
        for h in helpers:
            if h in fields and label not in fields[h]:
                fields[h].append(label)
    return [{"id": h, "name": nodes[h].shown_name, "kind": nodes[h].kind, "covers": fields[h],
             "illustrative": bool(nodes[h].props.get("illustrative"))}
            for h in invitations.invited if h in nodes]


def prepare_replay(store: GraphStore, event_id: str, *, tables: int = 6
                   ) -> tuple[list[str], list[str]]:
    """Make a (seed) event plannable: slots (09:00–12:00 and 14:00–17:00, 30 minutes,
    over its dates) and tables if it has none, and the firms of its `participated_in`
    edges as participants. Returns the firms and the candidate experts and institutes.
    """
    event = store.get_node(event_id)
    if not event.props.get("slots"):
        if not event.props.get("start_date"):  # slots are laid over its dates
            raise InvalidInput("has no date and no slots to plan meetings in (its record "
                               "gives none)", value=event_id, where="event")
        days = _days(event.props["start_date"], event.props.get("end_date")
                     or event.props["start_date"])
        slots = slot_grid(days, "09:00", "12:00", 30) + slot_grid(days, "14:00", "17:00", 30)
        update_event(store, event_id, slots=sorted(slots, key=lambda s: s["start"]),
                     tables=[f"T{i + 1}" for i in range(tables)],
                     max_meetings_default=event.props.get("max_meetings_default",
                                                          DEFAULT_MAX_MEETINGS))
    links = store.find_edges("participated_in", dst=event_id, limit=10**6)
    kinds = store.kinds_of(e.src for e in links)
    firms = sorted(e.src for e in links if kinds.get(e.src) == "Enterprise")
    candidates = sorted(e.src for e in links if kinds.get(e.src) in ("Expert", "Institute"))
    known = {p["id"] for p in load_setup(store, event_id).participants}
    if [f for f in firms if f not in known]:
        add_participants(store, event_id, [f for f in firms if f not in known], role="need_side")
    return firms, candidates


def plan_event(store: GraphStore, event_id: str, *, budget: int = 12, tables: int = 6,
               use_recommender: bool = True, record: bool = False) -> EventReplay:
    """Plan a (seed) event end to end and set the plan beside its recorded outcome.

    Participants come from the event's `participated_in` edges (need side:
    firms; candidate side: experts and institutes to choose from); see
    `prepare_replay`. Then: whom to invite, the meeting pairs, their placements
    and the agenda; the needs keep the statuses they had (the event is past).
    Scores ignore the event's own record (see the module docstring).

    Without `record` all of this happens on an in-memory copy of the store: the
    store is not written. With `record` the plan is written into the store (a
    re-plan keeps every recorded meeting) and then the recorded outcome
    (`record_replay_outcome`; `EventReplay.written` says what).

    Examples
    --------
    >>> from duijie.graph import open_store
    >>> from duijie.api.services.seeding import XIAN_EVENT, load_seed
    >>> store = open_store(":memory:")
    >>> _ = load_seed(store)
    >>> counts = store.counts()
    >>> replay = plan_event(store, XIAN_EVENT, use_recommender=False)
    >>> replay.recorded["firms"], replay.recorded["published_cooperation"]
    (11, 8)
    >>> replay.recorded["pairs_illustrative"]  # the record says 8 of 11, not who with whom
    True
    >>> replay.plan.covered_firms == replay.recorded["firms"], store.counts() == counts
    (True, True)
    """
    if record:
        return _replay(store, event_id, budget=budget, tables=tables,
                       use_recommender=use_recommender, record=True)
    scratch = open_store(":memory:")
    try:
        copy_graph(store, scratch)
        return _replay(scratch, event_id, budget=budget, tables=tables,
                       use_recommender=use_recommender, record=False)
    finally:
        scratch.close()


def _replay(store: GraphStore, event_id: str, *, budget: int, tables: int,
            use_recommender: bool, record: bool) -> EventReplay:
    store.get_node(event_id)  # NotFound before anything is written
    firms, candidates = prepare_replay(store, event_id, tables=tables)
    setup = load_setup(store, event_id)
    needs = {f: list(p.get("needs", [])) for f in firms for p in setup.participants
             if p["id"] == f}
    helpers = sorted(set(candidates) | set(setup.helpers))
    # The event is past: its needs keep their recorded statuses (planning would move
    # them to matched, reopening a dropped one), put back after planning.
    statuses = {n.id: n.props.get("status") for n in store.get_nodes(
        [n for ns in needs.values() for n in ns]).values()}
    per_need = need_scores(store, [n for ns in needs.values() for n in ns], helpers,
                           use_recommender=use_recommender,  # scored once, used twice
                           exclude_event=event_id)
    # `budget` is the whole invitation list: helpers invited by an earlier run count
    # against it, so planning the event again gives the same plan.
    already = [h for h in setup.helpers if h in candidates]
    invitations = invitation_plan(store, event_id, max(0, budget - len(already)),
                                  candidates=candidates, scores=per_need)
    plan = plan_event_meetings(store, event_id, scores=firm_scores(needs, helpers, per_need))
    sched = schedule_event(store, event_id)
    with store.batch() as batch:
        for need, node in store.get_nodes(statuses).items():
            if node.props.get("status") != statuses[need] and statuses[need]:
                set_props(batch, need, "Need", {"status": statuses[need]})
    info, items = agenda_items(store, event_id)
    meetings = event_meetings(store, event_id)
    names = store.get_nodes({*firms, *candidates, *(m.props["helper_id"] for m in meetings)})
    pairs = []
    for m in meetings:
        p = m.props
        if p.get("description") == RECORDED:
            continue  # written by an earlier `record`, not planned
        firm, helper = names[p["firm_id"]], names[p["helper_id"]]
        pairs.append({"meeting_id": m.id, "firm": firm.id, "helper": helper.id,
                      "firm_name": firm.shown_name, "helper_name": helper.shown_name,
                      "score": p.get("score"), "illustrative": m.illustrative
                      or firm.illustrative or helper.illustrative,
                      "firm_illustrative": firm.illustrative,
                      "helper_illustrative": helper.illustrative,
                      "reasons": [as_reason(r) for r in p.get("reasons", [])],
                      "start": p.get("start"),
                      "table": p.get("table")})
    pairs.sort(key=lambda r: (r["start"] or "~", r["table"] or "", r["firm"]))
    recorded = recorded_outcome(store, event_id, firms)
    planned = {(r["firm"], r["helper"]) for r in pairs}
    recorded["firms_planned"] = len({r["firm"] for r in pairs})
    recorded["signed_pairs_planned"] = sum(1 for p in recorded["signed_pairs"] if p in planned)
    recorded["met_pairs_planned"] = sum(1 for p in recorded["met_pairs"] if p in planned)
    written = (record_replay_outcome(store, event_id, firms, statuses=statuses) if record
               else None)
    display = {i: n.shown_name for i, n in names.items()} | {m.id: m.name for m in meetings}
    need_ids = [*invitations.covered, *invitations.uncovered]
    display |= {n.id: n.shown_name for n in store.get_nodes(need_ids).values()}
    return EventReplay(info, invitations, plan, pairs, sched, items, recorded,
                       _covers(store, invitations), written, display)


def event_replay(store: GraphStore, event_id: str, *, budget: int = 12,
                 use_recommender: bool = True, record: bool = False) -> EventReplay:
    """`duijie event replay`: plan a seed event end to end beside its record (on a copy
    of the store unless `record`); see `plan_event`."""
    return plan_event(store, event_id, budget=budget, use_recommender=use_recommender,
                      record=record)
