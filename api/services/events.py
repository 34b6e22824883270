"""Docking events: their settings, participants and pair rules (`duijie event create/
invite/rule/list`).

An event's settings (slots, tables, participants with their limits, requests,
declines, pins, forbids) are properties of its Event node; each planned pair is a
Meeting node (`has_meeting` from the event, `involves` the firm, the helper and the
firm's needs). Planning and scheduling are in `api.services.planning`, invitations
in `api.services.invitations`, outcomes and follow-ups in `api.services.outcomes`.

>>> from duijie.graph import open_store
>>> from duijie.graph.model import Edge, Node
>>> from duijie.api.services.planning import plan_event_meetings, schedule_event
>>> store = open_store(":memory:")
>>> with store.batch() as b:
...     b.upsert_node(Node("topic:ir", "Topic", {"name": "红外"}))
...     b.upsert_node(Node("ent:a", "Enterprise", {"name": "甲公司"}))
...     b.upsert_node(Node("need:a", "Need", {"title": "红外降噪"}))
...     b.upsert_edge(Edge("ent:a", "submitted", "need:a"))
...     b.upsert_edge(Edge("need:a", "about_topic", "topic:ir"))
...     b.upsert_node(Node("exp:x", "Expert", {"name": "李教授"}))
...     b.upsert_edge(Edge("exp:x", "has_expertise", "topic:ir"))
>>> event = create_event(store, name="西安对接会", event_id="evt:demo",
...                      slots=slot_grid(["2019-05-23"], "09:00", "10:00", 30), tables=["T1"])
>>> [s["id"] for s in event.props["slots"]]
['2019-05-23T09:00', '2019-05-23T09:30']
>>> _ = add_participant(store, "evt:demo", "ent:a"); _ = add_participant(store, "evt:demo", "exp:x")
>>> plan_event_meetings(store, "evt:demo").pairs()
[('ent:a', 'exp:x')]
>>> [p.slot_id for p in schedule_event(store, "evt:demo").placements]
['2019-05-23T09:00']
>>> store.get_node("need:a").props["status"]
'matched'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from duijie.api.services import Result
from duijie.graph.errors import Conflict, InvalidInput, NotFound, StaleRevision, Where, at
from duijie.graph.model import Edge, Node, Provenance, new_id
from duijie.graph.refusals import kind_word
from duijie.graph.store import GraphStore, WriteBatch, edit_node
from duijie.graph.vocab import (
    DEFAULT_MAX_MEETINGS,
    DEFAULT_MIN_SCORE,
    NEED_PROGRESS,
    EventStatus,
    NeedStatus,
    PairRuleKind,
    RequestStatus,
)
from duijie.matcher.scheduling import Slot, validate_slots

FIRM_KINDS = ("Enterprise",)
HELPER_KINDS = ("Expert", "Institute")


@dataclass
class EventSetup:
    """Everything the planner needs about one event, read from the store."""

    node: Node
    participants: list[dict[str, Any]]
    rules: list[dict[str, Any]]
    nodes: dict[str, Node]  # participants' nodes

    @property
    def firms(self) -> list[str]:
        return [p["id"] for p in self.participants if p["side"] == "firm"]

    @property
    def helpers(self) -> list[str]:
        return [p["id"] for p in self.participants if p["side"] == "helper"]


def slot_grid(days: Iterable[str], start: str = "09:00", end: str = "12:00",
              minutes: int = 30) -> list[dict[str, str]]:
    """Back-to-back slots of `minutes` from `start` to `end` on each day.

    >>> [s["start"] for s in slot_grid(["2019-05-23"], "09:00", "10:00", 20)]
    ['2019-05-23T09:00', '2019-05-23T09:20', '2019-05-23T09:40']
    """
    if minutes <= 0:
        raise InvalidInput(key="events.more_than_zero", value=minutes,
                           where=at("field.slot_minutes"))
    out = []
    for day in days:
        t = datetime.fromisoformat(f"{day}T{start}")
        stop = datetime.fromisoformat(f"{day}T{end}")
        while t + timedelta(minutes=minutes) <= stop:
            u = t + timedelta(minutes=minutes)
            out.append({"id": f"{t:%Y-%m-%dT%H:%M}", "start": f"{t:%Y-%m-%dT%H:%M}",
                        "end": f"{u:%Y-%m-%dT%H:%M}"})
            t = u
    return out


def event_slots(props: Mapping[str, Any]) -> list[Slot]:
    """The event's slots as the scheduler takes them."""
    return [Slot(s["id"], parse_time(s["start"], at("where.slot", id=s["id"])),
                 parse_time(s["end"], at("where.slot", id=s["id"])))
            for s in props.get("slots", [])]


def parse_time(text: str, where: str | Where) -> datetime:
    """An ISO date-time, or `InvalidInput` naming `where`."""
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(key="events.not_date_time", value=text, where=where) from None


def get_event(store: GraphStore, event_id: str) -> Node:
    """The Event node, or `NotFound`/`InvalidInput` when the id is not an event."""
    node = store.get_node(event_id)
    if node.kind != "Event":
        raise InvalidInput(key="events.not_event", params={"kind": kind_word(node.kind)},
                           value=event_id,
                           where=at("where.event"))
    return node


def edit_event(store: GraphStore, event_id: str,
               change: Callable[[dict[str, Any]], dict[str, Any]]) -> Node:
    """Apply `change` (the event's props in, the new props out) so that two organisers
    editing one event at once lose neither's change: `graph.store.edit_node` re-reads
    and re-applies it when someone else wrote the event in between (so `change` must
    compute from the props it is given), and raises `StaleRevision` after its retries.
    Every edit of an event's settings, participants or rules goes through here."""
    get_event(store, event_id)
    return edit_node(store, event_id, lambda node: change(dict(node.props)),
                     replace_props=True)


def create_event(store: GraphStore, *, name: str, event_id: str | None = None,
                 slots: Sequence[Mapping[str, str]] = (), tables: Sequence[str] = (),
                 by: str = "organiser", **props: Any) -> Node:
    """Create an event with its slots and tables; other props as in `EventProps`.

    Raises `Conflict` if the id exists, `InvalidInput` for overlapping or
    zero-length slots.
    """
    event_id = event_id or new_id("Event", name, str(props.get("start_date", "")))
    try:
        store.get_node(event_id)
    except NotFound:
        pass
    else:
        raise Conflict(key="events.exists", value=event_id, where=at("where.create_event"))
    slot_list = [dict(s) for s in slots]
    node_props = {"name": name, **props, "slots": slot_list, "tables": list(tables)}
    validate_slots(event_slots(node_props)) if slot_list else None
    node = Node(event_id, "Event", node_props, provenance=[Provenance(source=f"user:{by}")])
    try:  # expect_rev=0: refused if someone created the id since the check above
        with store.batch() as batch:
            batch.upsert_node(node, replace_props=True, where=at("where.create_event"),
                              expect_rev=0)
    except StaleRevision:
        raise Conflict(key="events.exists", value=event_id,
                       where=at("where.create_event")) from None
    return store.get_node(event_id)


def update_event(store: GraphStore, event_id: str, **props: Any) -> Node:
    """Change an event's settings (slots are re-validated)."""
    def change(current: dict[str, Any]) -> dict[str, Any]:
        merged = {**current, **props}
        if props.get("slots"):
            validate_slots(event_slots(merged))
        return merged

    return edit_event(store, event_id, change)


def add_participant(store: GraphStore, event_id: str, participant_id: str, **options: Any
                    ) -> dict:
    """Add (or update) one firm or helper; see `add_participants`."""
    return add_participants(store, event_id, [participant_id], **options)[0]


def _windows(availability: Sequence[tuple[str, str]] | None, participant_ids: Sequence[str],
             event_id: str) -> list[dict[str, str]] | None:
    if availability is None:
        return None
    if not list(availability):
        raise InvalidInput(key="events.no_availability", value=list(participant_ids),
                           where=at("where.event"))
    windows = []
    for a, b in availability:
        if parse_time(b, at("field.availability")) <= parse_time(a, at("field.availability")):
            raise InvalidInput(key="events.window_backwards", value=f"{a} – {b}",
                               where=at("where.event").then("field.availability"))
        windows.append({"start": a, "end": b})
    return windows


def side_of(node: Node, event_id: str) -> str:
    """"firm" for an Enterprise, "helper" for an Expert or Institute."""
    if node.kind in FIRM_KINDS:
        return "firm"
    if node.kind in HELPER_KINDS:
        return "helper"
    raise InvalidInput(key="events.not_participant_kind", params={"kind": kind_word(node.kind)},
                       value=node.shown_name, where=at("where.event"))


def add_participants(store: GraphStore, event_id: str, participant_ids: Sequence[str], *,
                     max_meetings: int | None = None, language: str | None = None,
                     availability: Sequence[tuple[str, str]] | None = None,
                     needs: Sequence[str] | None = None, role: str | None = None
                     ) -> list[dict]:
    """Add (or update) firms and helpers: limits, availability windows, needs.

    The side follows the node's kind: an Enterprise is a firm, an Expert or
    Institute a helper. Options left as None keep what an earlier call set; a
    firm's needs default to the needs it submitted. An empty availability list
    is refused. The event's participant list is edited safely against other
    writers (`edit_event`); the `participated_in` edges follow in a second batch
    (upserts: calling again repairs a failure in between).
    """
    get_event(store, event_id)
    nodes = store.get_nodes(participant_ids)
    missing = [p for p in participant_ids if p not in nodes]
    if missing:
        raise NotFound(key="events.not_nodes", value=missing, where=at("where.event"))
    windows = _windows(availability, participant_ids, event_id)
    sides = {pid: side_of(nodes[pid], event_id) for pid in participant_ids}
    submitted = {pid: [n.id for _, n in store.neighbours(pid, "submitted", "out")]
                 for pid in participant_ids if sides[pid] == "firm"}
    entries: list[dict] = []

    def change(props: dict[str, Any]) -> dict[str, Any]:
        current = {p["id"]: p for p in props.get("participants", [])}
        entries.clear()
        for pid in participant_ids:
            entry = {**current.get(pid, {}), "id": pid, "side": sides[pid]}
            for key, value in (("max_meetings", max_meetings), ("language", language),
                               ("availability", windows)):
                if value is not None:
                    entry[key] = value
            if needs is not None:
                entry["needs"] = list(needs)
            elif sides[pid] == "firm" and "needs" not in entry:
                entry["needs"] = submitted[pid]
            current[pid] = entry
            entries.append(entry)
        return {**props, "participants": list(current.values())}

    edit_event(store, event_id, change)
    with store.batch() as batch:
        for e in entries:
            batch.upsert_edge(Edge(e["id"], "participated_in", event_id, {
                "role": role or ("need_side" if e["side"] == "firm" else "helper")}))
    return entries


def add_pair_rule(store: GraphStore, event_id: str, kind: str, firm: str, helper: str, *,
                  status: str = RequestStatus.ACCEPTED, by: str | None = None,
                  reason: str | None = None) -> dict:
    """Record a request (with its answer), decline, pin, forbid or met-before exclusion."""
    if kind not in set(PairRuleKind):
        raise InvalidInput(key="events.not_pair_rule", params={"kinds": list(PairRuleKind)},
                           value=kind, where=at("where.event"))
    rule = {"kind": str(kind), "firm": firm, "helper": helper, "status": str(status)}
    rule |= {k: v for k, v in (("by", by), ("reason", reason)) if v}
    names = display_names(store, [firm, helper])

    def change(props: dict[str, Any]) -> dict[str, Any]:
        sides = {p["id"]: p["side"] for p in props.get("participants", [])}
        if sides.get(firm) != "firm" or sides.get(helper) != "helper":
            raise InvalidInput(key="events.pair_not_sides", params={
                "firm": names.get(firm, firm), "helper": names.get(helper, helper)},
                where=at("where.event"))
        rules = [r for r in props.get("pair_rules", [])
                 if (r["kind"], r["firm"], r["helper"]) != (kind, firm, helper)]
        return {**props, "pair_rules": [*rules, rule]}

    edit_event(store, event_id, change)
    return rule


def load_setup(store: GraphStore, event_id: str) -> EventSetup:
    event = get_event(store, event_id)
    participants = list(event.props.get("participants", []))
    nodes = store.get_nodes(p["id"] for p in participants)
    return EventSetup(event, participants, list(event.props.get("pair_rules", [])), nodes)


def event_meetings(store: GraphStore, event_id: str) -> list[Node]:
    """The event's Meeting nodes, by id."""
    return sorted((n for _, n in store.neighbours(event_id, "has_meeting", "out")),
                  key=lambda n: n.id)


def firm_needs(store: GraphStore, setup: EventSetup, firm: str) -> list[str]:
    """The needs a firm brings to the event (as invited, else all it submitted)."""
    for p in setup.participants:
        if p["id"] == firm and p.get("needs") is not None:
            return list(p["needs"])
    return [n.id for _, n in store.neighbours(firm, "submitted", "out")]


def set_props(batch: WriteBatch, node_id: str, kind: str,
              changes: Mapping[str, Any]) -> None:
    """Change some props of a node inside `batch`, keeping every other prop it has
    (a partial upsert: the store merges it over the stored record)."""
    batch.upsert_node(Node(node_id, kind, dict(changes)))


def advance_need(store: GraphStore, batch: Any, need_id: str, status: str) -> None:
    """Move a need forward (submitted → matched → met → signed); never backwards.

    `not_pursued` applies unless the need is already signed. A need recorded as not
    pursued stays so when a plan proposes it again (planning never undoes what was
    recorded); a meeting held or a signing recorded afterwards moves it on.
    """
    node = batch.nodes.get(need_id) or store.get_node(need_id)
    current = node.props.get("status", NeedStatus.SUBMITTED)
    if status == NeedStatus.NOT_PURSUED:
        if current == NeedStatus.SIGNED:
            return
    elif current == NeedStatus.NOT_PURSUED:
        if status == NeedStatus.MATCHED:
            return
    elif NEED_PROGRESS.get(status, 0) <= NEED_PROGRESS.get(current, 0):
        return
    set_props(batch, need_id, "Need", {"status": str(status)})


# ----------------------------------------------------------------------------- use cases

@dataclass
class EventSummary(Result):
    id: str
    name: str
    place: str | None
    start_date: str | None
    end_date: str | None
    status: str
    participants: int
    meetings: int
    recorded_firms: int = 0  # firms the record says took part (`participated_in`)
    illustrative: bool = False  # invented demo data (its name marked 示意)


@dataclass
class EventList(Result):
    """`duijie event list`: every event, by start date."""

    events: list[EventSummary]


def event_list(store: GraphStore) -> EventList:
    """Events with dates, place, status, the number of participants and meetings, and
    the firms recorded as taking part (a past event's record: 11 for the Xi'an trip).

    >>> from duijie.graph import open_store
    >>> from duijie.api.services.seeding import XIAN_EVENT, load_seed
    >>> store = open_store(":memory:"); _ = load_seed(store)
    >>> [e.recorded_firms for e in event_list(store).events if e.id == XIAN_EVENT]
    [11]
    """
    nodes = sorted(store.find_nodes("Event", limit=10**6),
                   key=lambda n: (n.props.get("start_date", ""), n.id))
    return EventList([EventSummary(
        n.id, n.name, n.props.get("place"), n.props.get("start_date"), n.props.get("end_date"),
        n.props.get("status", EventStatus.PLANNED), len(n.props.get("participants", [])),
        len(event_meetings(store, n.id)), recorded_firms(store, n.id), n.illustrative)
        for n in nodes])


def recorded_firms(store: GraphStore, event_id: str) -> int:
    """How many firms the record says took part in an event (`participated_in` edges)."""
    links = store.find_edges("participated_in", dst=event_id, limit=10**6)
    return sum(1 for k in store.kinds_of({e.src for e in links}).values() if k == "Enterprise")


@dataclass
class EventCreated(Result):
    """`duijie event create`: the new Event node (as `Node.to_dict`) and its grid."""

    id: str
    kind: str
    props: dict[str, Any]
    aliases: list[str]
    confidentiality: str
    provenance: list[dict[str, Any]]
    slots: int
    tables: list[str]


def table_names(tables: str | int | Sequence[str]) -> list[str]:
    """A number of tables (T1…Tn), or their names, comma-separated or listed.

    >>> table_names("3"), table_names("A, B")
    (['T1', 'T2', 'T3'], ['A', 'B'])
    """
    if isinstance(tables, int) or (isinstance(tables, str) and tables.strip().isdigit()):
        return [f"T{i + 1}" for i in range(int(tables))]
    if isinstance(tables, str):
        tables = tables.split(",")
    return [t.strip() for t in tables if t.strip()]


def event_create(store: GraphStore, name: str, *, event_id: str | None = None,
                 days: Sequence[str] = (), day_start: str = "09:00", day_end: str = "12:00",
                 slot_minutes: int = 30, tables: str | int | Sequence[str] = 5,
                 max_meetings: int = DEFAULT_MAX_MEETINGS, min_score: float = DEFAULT_MIN_SCORE,
                 institute_per_firm: int = 0, one_per_organisation: bool = False,
                 met_before_cutoff: str | None = None, place: str | None = None,
                 region: str | None = None, event_type: str = "other",
                 organiser: str | None = None, language: str = "zh") -> EventCreated:
    """Create an event with a grid of slots over `days` and its tables.

    >>> from duijie.graph import open_store
    >>> made = event_create(open_store(":memory:"), "对接会", event_id="evt:a",
    ...                     days=["2019-05-23"], tables="2")
    >>> made.slots, made.tables
    (6, ['T1', 'T2'])
    """
    day_list = [d.strip() for d in days if d.strip()]
    table_list = table_names(tables)
    props = {k: v for k, v in {
        "place": place, "region": region, "event_type": event_type, "organiser": organiser,
        "start_date": day_list[0] if day_list else None,
        "end_date": day_list[-1] if day_list else None, "language": language,
        "max_meetings_default": max_meetings, "min_score": min_score,
        "institute_per_firm": institute_per_firm or None,
        "one_per_organisation": one_per_organisation or None,
        "met_before_cutoff": met_before_cutoff}.items() if v is not None}
    node = create_event(store, name=name, event_id=event_id,
                        slots=slot_grid(day_list, day_start, day_end, slot_minutes),
                        tables=table_list, **props)
    return EventCreated(**node.to_dict(), slots=len(node.props.get("slots", [])),
                        tables=table_list)


@dataclass
class RuleRecorded(Result):
    """`duijie event rule`: the rule as stored, with the pair's names."""

    event_id: str
    kind: str
    firm: str
    firm_name: str
    helper: str
    helper_name: str
    status: str
    by: str | None
    reason: str | None
    illustrative: bool  # either side is invented demo data (its name marked 示意)


def event_rule(store: GraphStore, event_id: str, kind: str, firm: str, helper: str, *,
               status: str = RequestStatus.ACCEPTED, by: str | None = None,
               reason: str | None = None) -> RuleRecorded:
    """Record a request, decline, pin, forbid or met-before exclusion for one pair."""
    rule = add_pair_rule(store, event_id, kind, firm, helper, status=status, by=by,
                         reason=reason)
    names = display_names(store, [firm, helper])
    return RuleRecorded(event_id, rule["kind"], firm, names[firm], helper, names[helper],
                        rule["status"], rule.get("by"), rule.get("reason"),
                        bool(invented_ids(store, [firm, helper])))


def display_names(store: GraphStore, node_ids: Iterable[str]) -> dict[str, str]:
    """Names to show for ids (an invented record marked 示意, `Node.shown_name`); an id
    that is not stored shows as itself."""
    ids = list(dict.fromkeys(i for i in node_ids if i))
    nodes = store.get_nodes(ids)
    return {i: nodes[i].shown_name if i in nodes else i for i in ids}


def invented_ids(store: GraphStore, node_ids: Iterable[str]) -> frozenset[str]:
    """The ids among these of records invented for the demo (`Node.illustrative`): a JSON
    record naming one says `illustrative: true`."""
    nodes = store.get_nodes(list(dict.fromkeys(i for i in node_ids if i)))
    return frozenset(i for i, node in nodes.items() if node.illustrative)
