"""What came of each meeting: outcomes in two stages, follow-ups, need status, learning edges.

Right after the event an outcome says held or no-show, each side's rating and
the intent (意向); check-ins at 1, 3, 6 and 12 months move along a fixed ledger
(no further contact → negotiating → letter of intent → signed → registered →
funded). The needs of the firm follow (submitted → matched → met → signed, or
not pursued), and a signed outcome adds `signed` (need → helper) and
`collaborated_with` (firm → helper) edges so the next ranking learns from it.
Every record is written in one batch: an error leaves nothing half-written.

>>> LEDGER.index("signed") > LEDGER.index("letter_of_intent")
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from duijie.api.services import Result
from duijie.api.services.events import advance_need, event_meetings, set_props
from duijie.graph.errors import InvalidInput, NotFound
from duijie.graph.errors import at as place  # `at` is a record's time here
from duijie.graph.model import Edge, Node, Provenance, meeting_props, new_id
from duijie.graph.refusals import kind_word
from duijie.graph.store import GraphStore, edit_node
from duijie.graph.vocab import (
    DONE_MEETINGS,
    LedgerStep,
    MatchReason,
    MeetingSource,
    MeetingStatus,
    NeedStatus,
    OutcomeStage,
    ReasonCode,
    values,
)
from duijie.matcher.reasons import reason

STAGES = values(OutcomeStage)
LEDGER = values(LedgerStep)
SIGNED = (LedgerStep.SIGNED, LedgerStep.REGISTERED, LedgerStep.FUNDED)
WAN_UNITS = ("万元", "万", "wan", "wan_yuan", "10k_cny")
REASON_CODES = values(ReasonCode)
MAX_CONTRACT_WAN = 10_000_000  # 1,000 亿元: anything larger is almost surely 元, not 万元


def _meeting(store: GraphStore, meeting_id: str) -> Node:
    try:
        node = store.get_node(meeting_id)
    except NotFound:
        raise NotFound(key="events.not_meeting", value=meeting_id,
                       where=place("where.outcome")) from None
    if node.kind != "Meeting":
        raise NotFound(key="events.kind_not_meeting", params={"kind": kind_word(node.kind)},
                       value=meeting_id, where=place("where.outcome"))
    return node


def check_contract_value(value: Any, unit: str = "万元") -> float:
    """A contract value in 万元, refusing other units, negatives and absurd sizes.

    >>> check_contract_value(120, "万元")
    120.0
    >>> check_contract_value(1_200_000, "元")
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: contract value: '元' is not 万元: give the value in 万元 \
(1,200,000 元 = 120.00 万元)
    """
    if unit not in WAN_UNITS:
        shown = ""
        if unit in ("元", "yuan", "cny", "CNY", "RMB"):
            try:
                shown = f" ({float(value):,.0f} 元 = {float(value) / 10_000:,.2f} 万元)"
            except (TypeError, ValueError):
                shown = ""
        raise InvalidInput(key="events.not_wan", params={"shown": shown}, value=unit,
                           where=place("field.contract_value"))
    try:
        amount = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(key="events.not_wan_number", value=value,
                           where=place("field.contract_value")) from None
    if math.isnan(amount) or amount < 0:
        raise InvalidInput(key="events.negative_wan", value=value,
                           where=place("field.contract_value"))
    if amount > MAX_CONTRACT_WAN:
        raise InvalidInput(key="events.too_many_wan", params={"most": f"{MAX_CONTRACT_WAN:,}"},
                           value=amount, where=place("field.contract_value"))
    return amount


def record_outcome(store: GraphStore, meeting_id: str, stage: str = "post_event", *,
                   held: bool | None = None, rating_need_side: int | None = None,
                   rating_helper_side: int | None = None, intent: bool | None = None,
                   ledger: str | None = None, contract_value: Any = None, unit: str = "万元",
                   reason_code: str | None = None, reason: str | None = None,
                   notes: str | None = None, by: str = "organiser",
                   at: str | None = None) -> Node:
    """Record one stage of a meeting's outcome and let the graph follow.

    Parameters
    ----------
    store : GraphStore
    meeting_id : str
    stage : an `OutcomeStage`
    held, rating_need_side, rating_helper_side, intent
        The post-event record (held is required there; ratings 1–5).
    ledger : one of LEDGER
        Required at the check-ins.
    contract_value, unit
        The contract value; only 万元 is accepted.
    reason_code, reason
        Why a pair was declined or dropped (one of REASON_CODES), and free text.

    Returns
    -------
    Node
        The Outcome node.

    Raises
    ------
    NotFound
        The meeting does not exist.
    InvalidInput
        An unknown stage, ledger step or reason, a missing `held` or `ledger`,
        a contract value in the wrong unit or negative.

    Examples
    --------
    >>> from duijie.graph import open_store
    >>> record_outcome(open_store(":memory:"), "mtg:none", held=True)
    Traceback (most recent call last):
    ...
    duijie.graph.errors.NotFound: outcome: 'mtg:none' is not a meeting: record outcomes for ...
    """
    meeting = _meeting(store, meeting_id)
    needs = [e.dst for e in store.find_edges("involves", src=meeting_id, limit=10**6)
             if e.props.get("role") == "need"]
    with store.batch() as batch:
        out_id = write_outcome(store, batch, meeting, needs, stage, held=held,
                               rating_need_side=rating_need_side,
                               rating_helper_side=rating_helper_side, intent=intent,
                               ledger=ledger, contract_value=contract_value, unit=unit,
                               reason_code=reason_code, reason=reason, notes=notes, by=by,
                               at=at)
    return store.get_node(out_id)


def write_outcome(store: GraphStore, batch: Any, meeting: Node, needs: list[str],
                  stage: str = "post_event", *, held: bool | None = None,
                  rating_need_side: int | None = None, rating_helper_side: int | None = None,
                  intent: bool | None = None, ledger: str | None = None,
                  contract_value: Any = None, unit: str = "万元",
                  reason_code: str | None = None, reason: str | None = None,
                  notes: str | None = None, by: str = "organiser", at: str | None = None
                  ) -> str:
    """`record_outcome` into a caller's batch (for many records at once); returns the
    Outcome id. `meeting` may be one written earlier in the same batch; `needs` are
    the needs it involves. Everything is checked before anything is added."""
    meeting_id = meeting.id
    where = place("where.outcome_of", meeting=meeting.shown_name)
    if stage not in STAGES:
        raise InvalidInput(key="events.not_stage", params={"stages": list(STAGES)},
                           value=stage, where=where)
    if stage == OutcomeStage.POST_EVENT and held is None:
        raise InvalidInput(key="events.needs_held", where=where)
    if stage != OutcomeStage.POST_EVENT and ledger is None:
        raise InvalidInput(key="events.needs_ledger", params={"steps": list(LEDGER)},
                           where=where.then("where.stage", stage=stage))
    if ledger is not None and ledger not in LEDGER:
        raise InvalidInput(key="events.not_ledger_step", params={"steps": list(LEDGER)},
                           value=ledger, where=where)
    if reason_code is not None and reason_code not in REASON_CODES:
        raise InvalidInput(key="events.not_reason", params={"reasons": list(REASON_CODES)},
                           value=reason_code, where=where)
    value = None if contract_value is None else check_contract_value(contract_value, unit)
    stage, ledger = str(stage), None if ledger is None else str(ledger)  # enums as stored
    at = at or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    props = {"name": f"{meeting.name} · {stage}", "stage": stage, "held": held,
             "rating_need_side": rating_need_side, "rating_helper_side": rating_helper_side,
             "intent": intent, "ledger": ledger, "contract_value_wan": value,
             "reason_code": reason_code, "reason": reason, "notes": notes, "recorded_at": at,
             "meeting_id": meeting_id,
             # named after its meeting, so invented with it (the mark is in the name)
             "illustrative": meeting.illustrative}
    props = {k: v for k, v in props.items() if v is not None}
    firm, helper = meeting.props.get("firm_id"), meeting.props.get("helper_id")
    event_id = meeting.props.get("event_id")
    out_id = new_id("Outcome", meeting_id, stage)
    day = at[:10]
    batch.upsert_node(Node(out_id, "Outcome", props, provenance=[Provenance(
        source=f"user:{by}", at=at)]), replace_props=True, where=f"outcome of {meeting_id}")
    batch.upsert_edge(Edge(meeting_id, "has_outcome", out_id))
    if stage == OutcomeStage.POST_EVENT:
        set_props(batch, meeting_id, "Meeting", {
            "status": (MeetingStatus.HELD if held else MeetingStatus.NO_SHOW).value})
    for need in needs:
        if held and stage == OutcomeStage.POST_EVENT:
            advance_need(store, batch, need, NeedStatus.MET)
            if helper:
                batch.upsert_edge(Edge(need, "met", helper, {
                    "date": day, "meeting_id": meeting_id, "source_event": event_id}))
        if ledger in SIGNED:
            advance_need(store, batch, need, NeedStatus.SIGNED)
            if helper:
                batch.upsert_edge(Edge(need, "signed", helper, {
                    "date": day, "meeting_id": meeting_id, "value_wan": value,
                    "source_event": event_id}))
        elif ledger == LedgerStep.NO_CONTACT or (stage == OutcomeStage.POST_EVENT
                                                 and intent is False):
            advance_need(store, batch, need, NeedStatus.NOT_PURSUED)
    if ledger in SIGNED and firm and helper:
        batch.upsert_edge(Edge(firm, "collaborated_with", helper, {
            "since": day, "meeting_id": meeting_id, "value_wan": value,
            "source_event": event_id, "result": ledger}))
    return out_id


LEARNED_EDGES = ("met", "signed", "collaborated_with")


def event_record(store: GraphStore, event_id: str
                 ) -> tuple[set[str], set[tuple[str, str, str]]]:
    """What a plan for `event_id` must not learn from: the event's own record.

    Nodes: the event, its meetings and their outcomes (so their `participated_in`,
    `has_meeting` and `involves` edges go too). Edges, as ``(src, kind, dst)``: the
    `met`, `signed` and `collaborated_with` edges recorded for the event (their
    ``source_event``, or a ``meeting_id`` of one of its meetings). Pass them to
    the recommender (``exclude_nodes``, ``exclude_edges``).

    >>> from duijie.graph import open_store
    >>> from duijie.api.services.seeding import XIAN_EVENT, load_seed
    >>> store = open_store(":memory:"); _ = load_seed(store)
    >>> nodes, edges = event_record(store, XIAN_EVENT)
    >>> sorted(nodes), sum(1 for e in edges if e[1] == "signed")
    (['evt:xian-docking-2019-05'], 5)
    """
    meetings = {m.id for m in event_meetings(store, event_id)}
    nodes = {event_id, *meetings}
    for mid in meetings:
        nodes |= {n.id for _, n in store.neighbours(mid, "has_outcome", "out")}
    edges = set()
    for kind in LEARNED_EDGES:
        for e in store.find_edges(kind, limit=10**7):
            if (e.props.get("source_event") == event_id
                    or e.props.get("meeting_id") in meetings):
                edges.add((e.src, e.kind, e.dst))
    return nodes, edges


def replace_no_show(store: GraphStore, meeting_id: str, by: str = "organiser") -> Node | None:
    """On the day: mark a meeting no-show and seat the firm's first free alternate instead.

    The alternates are the plan's ranked stand-ins; the first one that is a
    participant, has no meeting in that slot and does not already meet the firm
    gets a locked meeting at the same slot and table. Returns it, or None when
    no alternate is free (the meeting is still marked no-show). One batch.
    """
    meeting = _meeting(store, meeting_id)
    p = meeting.props
    if not p.get("slot_id"):
        raise InvalidInput(key="events.not_scheduled", value=meeting.shown_name,
                           where=place("where.no_show"))
    event_id = p["event_id"]
    others = [m for m in event_meetings(store, event_id) if m.id != meeting_id
              and m.props.get("status") not in DONE_MEETINGS]
    busy = {m.props.get("helper_id") for m in others if m.props.get("slot_id") == p["slot_id"]}
    meets = {m.props.get("helper_id") for m in others if m.props.get("firm_id") == p["firm_id"]}
    event = store.get_node(event_id)
    helpers = {x["id"] for x in event.props.get("participants", []) if x["side"] == "helper"}
    choice = next((h for h in p.get("alternates", [])
                   if h in helpers and h not in busy and h not in meets), None)
    new = None
    with store.batch() as batch:
        set_props(batch, meeting_id, "Meeting", {"status": MeetingStatus.NO_SHOW.value})
        if choice:
            names = store.get_nodes([p["firm_id"], choice])
            new = new_id("Meeting", event_id, p["firm_id"], choice)
            batch.upsert_node(Node(new, "Meeting", {
                **meeting_props(names[p["firm_id"]], names[choice]),
                "event_id": event_id, "status": MeetingStatus.LOCKED.value,
                "firm_id": p["firm_id"],
                "helper_id": choice, "slot_id": p["slot_id"], "table": p.get("table"),
                "start": p.get("start"), "end": p.get("end"),
                "source": MeetingSource.ALTERNATE.value,
                "replaces": meeting_id,
                "reasons": [reason(MatchReason.STAND_IN, {"meeting": meeting.name},
                                   {"meeting": meeting_id})]},
                provenance=[Provenance(source=f"user:{by}")]), replace_props=True)
            batch.upsert_edge(Edge(event_id, "has_meeting", new))
            batch.upsert_edge(Edge(new, "involves", p["firm_id"], {"role": "firm"}))
            batch.upsert_edge(Edge(new, "involves", choice, {"role": "helper"}))
            for e in store.find_edges("involves", src=meeting_id, limit=10**6):
                if e.props.get("role") == "need":
                    batch.upsert_edge(Edge(new, "involves", e.dst, {"role": "need"}))
    return store.get_node(new) if new else None


def add_follow_up(store: GraphStore, meeting_id: str, action: str, owner: str, due: str
                  ) -> dict[str, Any]:
    """Give a meeting a follow-up action with an owner and a due date (YYYY-MM-DD)."""
    meeting = _meeting(store, meeting_id)
    try:
        date.fromisoformat(due)
    except (TypeError, ValueError):
        raise InvalidInput(key="dates.not_date", value=due,
                           where=place("where.follow_up").then("field.due")) from None
    item = {"action": action, "owner": owner, "due": due, "done": False}
    # Two people adding follow-ups at once both keep theirs (see `edit_node`).
    edit_node(store, meeting.id, lambda node: {
        **node.props, "follow_ups": [*node.props.get("follow_ups", []), item]},
        replace_props=True)
    return item


def overdue_follow_ups(store: GraphStore, today: str | None = None,
                       event_id: str | None = None) -> list[dict[str, Any]]:
    """Open follow-ups past their due date, most overdue first."""
    today = today or date.today().isoformat()
    meetings = (event_meetings(store, event_id) if event_id
                else store.find_nodes("Meeting", limit=10**7))
    return overdue_in(meetings, today)


def overdue_in(meetings: Iterable[Node], today: str) -> list[dict[str, Any]]:
    """The open follow-ups of these meetings past their due date, most overdue first
    (for callers that have read the meetings already).

    >>> m = Node("meet:1", "Meeting", {"name": "甲 × 乙", "event_id": "evt:1", "follow_ups": [
    ...     {"action": "寄样品", "owner": "甲", "due": "2020-01-01", "done": False}]})
    >>> overdue_in([m], "2020-01-11")[0]["days_overdue"]
    10
    """
    out = []
    for m in meetings:
        for i, item in enumerate(m.props.get("follow_ups", [])):
            if not item.get("done") and item["due"] < today:
                days = (date.fromisoformat(today) - date.fromisoformat(item["due"])).days
                out.append({"meeting_id": m.id, "meeting": m.name, "index": i,
                            "illustrative": m.illustrative,
                            "event_id": m.props.get("event_id"), "action": item["action"],
                            "owner": item["owner"], "due": item["due"], "days_overdue": days})
    return sorted(out, key=lambda r: (-r["days_overdue"], r["meeting_id"], r["index"]))


def outcome_summary(store: GraphStore, event_id: str) -> dict[str, Any]:
    """Firms that met, firms that signed, contract value: the event's closed loop."""
    meetings = event_meetings(store, event_id)
    firms = {m.props.get("firm_id") for m in meetings}
    held, signed, value = set(), set(), 0.0
    for m in meetings:
        for _, out in store.neighbours(m.id, "has_outcome", "out"):
            if out.props.get("held"):
                held.add(m.props.get("firm_id"))
            if out.props.get("ledger") in SIGNED:
                signed.add(m.props.get("firm_id"))
                value += out.props.get("contract_value_wan", 0.0) or 0.0
    return {"event_id": event_id, "meetings": len(meetings), "firms": len(firms - {None}),
            "firms_met": len(held), "firms_signed": len(signed),
            "contract_value_wan": round(value, 2)}


# ----------------------------------------------------------------------------- use cases

@dataclass
class OutcomeRecorded(Result):
    """`duijie event outcome`: the Outcome node (as `Node.to_dict`), its meeting with
    names, and the statuses the meeting's needs have now."""

    id: str
    kind: str
    props: dict[str, Any]
    aliases: list[str]
    confidentiality: str
    provenance: list[dict[str, Any]]
    meeting: dict[str, Any]  # id, name, status, firm, firm_name, helper, helper_name
    need_status: dict[str, str]


def _meeting_summary(store: GraphStore, meeting: Node) -> dict[str, Any]:
    p = meeting.props
    ids = [i for i in (p.get("firm_id"), p.get("helper_id")) if i]
    nodes = store.get_nodes(ids)
    name = {i: nodes[i].shown_name if i in nodes else i for i in ids}
    return {"id": meeting.id, "name": meeting.name, "event_id": p.get("event_id"),
            "illustrative": meeting.illustrative or any(n.illustrative for n in nodes.values()),
            "status": p.get("status"), "firm": p.get("firm_id"),
            "firm_name": name.get(p.get("firm_id")), "helper": p.get("helper_id"),
            "helper_name": name.get(p.get("helper_id")), "slot": p.get("slot_id"),
            "table": p.get("table"), "start": p.get("start")}


def event_outcome(store: GraphStore, meeting_id: str, stage: str = OutcomeStage.POST_EVENT, *,
                  held: bool | None = None, rating_need_side: int | None = None,
                  rating_helper_side: int | None = None, intent: bool | None = None,
                  ledger: str | None = None, contract_value: Any = None, unit: str = "万元",
                  reason_code: str | None = None, reason: str | None = None,
                  notes: str | None = None, by: str = "organiser") -> OutcomeRecorded:
    """Record one stage of a meeting's outcome (see `record_outcome`)."""
    node = record_outcome(store, meeting_id, stage, held=held,
                          rating_need_side=rating_need_side,
                          rating_helper_side=rating_helper_side, intent=intent, ledger=ledger,
                          contract_value=contract_value, unit=unit, reason_code=reason_code,
                          reason=reason, notes=notes, by=by)
    needs = [e.dst for e in store.find_edges("involves", src=meeting_id, limit=10**6)
             if e.props.get("role") == "need"]
    status = {n.id: n.props.get("status", NeedStatus.SUBMITTED.value)
              for n in store.get_nodes(needs).values()}
    return OutcomeRecorded(**node.to_dict(),
                           meeting=_meeting_summary(store, store.get_node(meeting_id)),
                           need_status=dict(sorted(status.items())))


@dataclass
class NoShow(Result):
    """`duijie event no-show`: the meeting marked no-show and the stand-in meeting (as
    `Node.to_dict`), or None when no alternate was free."""

    meeting: dict[str, Any]
    replacement: dict[str, Any] | None
    replacement_meeting: dict[str, Any] | None


def event_no_show(store: GraphStore, meeting_id: str, *, by: str = "organiser") -> NoShow:
    """Mark a meeting no-show and seat the firm's first free alternate in its slot."""
    new = replace_no_show(store, meeting_id, by=by)
    return NoShow(_meeting_summary(store, store.get_node(meeting_id)),
                  new.to_dict() if new else None,
                  _meeting_summary(store, new) if new else None)


@dataclass
class FollowUps(Result):
    """`duijie event followups`: open follow-ups past their due date, most overdue first."""

    today: str
    event_id: str | None
    follow_ups: list[dict[str, Any]]


def event_followups(store: GraphStore, *, event_id: str | None = None,
                    today: str | None = None) -> FollowUps:
    """Overdue follow-ups (of one event, or all), as of `today` (default: today)."""
    today = today or date.today().isoformat()
    return FollowUps(today, event_id, overdue_follow_ups(store, today, event_id))


@dataclass
class FollowUpAdded(Result):
    """`duijie event followups --add`: the follow-up as stored, and its meeting."""

    action: str
    owner: str
    due: str
    done: bool
    meeting: dict[str, Any]


def event_add_follow_up(store: GraphStore, meeting_id: str, action: str, owner: str,
                        due: str) -> FollowUpAdded:
    """Give a meeting a follow-up action with an owner and a due date (YYYY-MM-DD)."""
    item = add_follow_up(store, meeting_id, action, owner, due)
    return FollowUpAdded(item["action"], item["owner"], item["due"], item["done"],
                         _meeting_summary(store, store.get_node(meeting_id)))
