"""Docking events in the store: setup, plans, schedules, publishing.

The algorithms are pure (`matcher.assignment`, `matcher.scheduling`,
`matcher.agenda`); this module reads their plain inputs from the graph and
writes their results back, each multi-step write in one `WriteBatch`. An
event's settings (slots, tables, participants with their limits, requests,
declines, pins, forbids) are properties of its Event node; each planned pair is
a Meeting node (`has_meeting` from the event, `involves` the firm, the helper
and the firm's needs). Outcomes and follow-ups live in `graph.outcomes`.

>>> from duijie.graph import open_store
>>> from duijie.graph.model import Edge, Node
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

from duijie.graph.errors import Conflict, InvalidInput, NotFound
from duijie.graph.model import Edge, Node, Provenance, new_id
from duijie.graph.store import GraphStore
from duijie.matcher.agenda import AgendaItem, EventInfo
from duijie.matcher.assignment import MeetingPlan, Participant, PlanRules, plan_meetings
from duijie.matcher.scheduling import MeetingToPlace, Schedule, Slot, schedule, validate_slots

FIRM_KINDS = ("Enterprise",)
HELPER_KINDS = ("Expert", "Institute")
FIXED = ("locked", "published", "held")  # kept, slot and all, on a re-run
DONE = ("no_show", "cancelled")  # kept as records; the pair is not proposed again
REPLACEABLE = ("proposed", "scheduled")
NEED_ORDER = {"submitted": 0, "followed_up": 0, "matched": 1, "met": 2, "signed": 3}
DEFAULT_MAX_MEETINGS = 3
DEFAULT_MIN_SCORE = 0.3

Scorer = Callable[[GraphStore, Sequence[str], Sequence[str]],
                  Mapping[tuple[str, str], tuple[float, list[str]]]]


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
        raise InvalidInput("must be > 0", value=minutes, where="slot length in minutes")
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


def _slots(props: Mapping[str, Any]) -> list[Slot]:
    return [Slot(s["id"], _dt(s["start"], f"slot {s['id']}"), _dt(s["end"], f"slot {s['id']}"))
            for s in props.get("slots", [])]


def _dt(text: str, where: str) -> datetime:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput("is not an ISO date-time", value=text, where=where) from None


def _event(store: GraphStore, event_id: str) -> Node:
    node = store.get_node(event_id)
    if node.kind != "Event":
        raise InvalidInput(f"is a {node.kind}, not an Event", value=event_id, where="event")
    return node


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
        raise Conflict("already exists; pick another id or edit it", value=event_id,
                       where="create_event")
    slot_list = [dict(s) for s in slots]
    node_props = {"name": name, **props, "slots": slot_list, "tables": list(tables)}
    validate_slots(_slots(node_props)) if slot_list else None
    node = Node(event_id, "Event", node_props, provenance=[Provenance(source=f"user:{by}")])
    with store.batch() as batch:
        batch.upsert_node(node, replace_props=True, where="create_event")
    return store.get_node(event_id)


def update_event(store: GraphStore, event_id: str, **props: Any) -> Node:
    """Change an event's settings (slots are re-validated)."""
    node = _event(store, event_id)
    merged = {**node.props, **props}
    if props.get("slots"):
        validate_slots(_slots(merged))
    with store.batch() as batch:
        batch.upsert_node(Node(event_id, "Event", merged), replace_props=True)
    return store.get_node(event_id)


def add_participant(store: GraphStore, event_id: str, participant_id: str, **options: Any
                    ) -> dict:
    """Add (or update) one firm or helper; see `add_participants`."""
    return add_participants(store, event_id, [participant_id], **options)[0]


def add_participants(store: GraphStore, event_id: str, participant_ids: Sequence[str], *,
                     max_meetings: int | None = None, language: str | None = None,
                     availability: Sequence[tuple[str, str]] | None = None,
                     needs: Sequence[str] | None = None, role: str | None = None
                     ) -> list[dict]:
    """Add (or update) firms and helpers: limits, availability windows, needs; one batch.

    The side follows the node's kind: an Enterprise is a firm, an Expert or
    Institute a helper. Options left as None keep what an earlier call set; a
    firm's needs default to the needs it submitted. An empty availability list
    is refused.
    """
    event = _event(store, event_id)
    nodes = store.get_nodes(participant_ids)
    missing = [p for p in participant_ids if p not in nodes]
    if missing:
        raise NotFound("are not nodes in this graph", value=missing, where=f"event {event_id}")
    windows = None
    if availability is not None:
        if not list(availability):
            raise InvalidInput("has no availability: give at least one window (start, end)",
                               value=list(participant_ids), where=f"event {event_id}")
        windows = []
        for a, b in availability:
            if _dt(b, "availability") <= _dt(a, "availability"):
                raise InvalidInput("availability window ends before it starts",
                                   value=f"{a} – {b}", where=f"event {event_id}")
            windows.append({"start": a, "end": b})
    current = {p["id"]: p for p in event.props.get("participants", [])}
    entries = []
    for pid in participant_ids:
        node = nodes[pid]
        if node.kind in FIRM_KINDS:
            side = "firm"
        elif node.kind in HELPER_KINDS:
            side = "helper"
        else:
            raise InvalidInput(f"is a {node.kind}; participants are Enterprise, Expert or "
                               "Institute", value=pid, where=f"event {event_id}")
        entry = {**current.get(pid, {}), "id": pid, "side": side}
        for key, value in (("max_meetings", max_meetings), ("language", language),
                           ("availability", windows)):
            if value is not None:
                entry[key] = value
        if needs is not None:
            entry["needs"] = list(needs)
        elif side == "firm" and "needs" not in entry:
            entry["needs"] = [n.id for _, n in store.neighbours(pid, "submitted", "out")]
        current[pid] = entry
        entries.append(entry)
    with store.batch() as batch:
        batch.upsert_node(Node(event_id, "Event",
                               {**event.props, "participants": list(current.values())}),
                          replace_props=True, where=f"event {event_id}")
        for e in entries:
            batch.upsert_edge(Edge(e["id"], "participated_in", event_id, {
                "role": role or ("need_side" if e["side"] == "firm" else "helper")}))
    return entries


def add_pair_rule(store: GraphStore, event_id: str, kind: str, firm: str, helper: str, *,
                  status: str = "accepted", by: str | None = None,
                  reason: str | None = None) -> dict:
    """Record a request (with its answer), decline, pin, forbid or met-before exclusion."""
    event = _event(store, event_id)
    sides = {p["id"]: p["side"] for p in event.props.get("participants", [])}
    if sides.get(firm) != "firm" or sides.get(helper) != "helper":
        raise InvalidInput(f"pair ({firm}, {helper}) must be a firm and a helper of the event; "
                           "add them with add_participant first", where=f"event {event_id}")
    rule = {"kind": kind, "firm": firm, "helper": helper, "status": status}
    rule |= {k: v for k, v in (("by", by), ("reason", reason)) if v}
    rules = [r for r in event.props.get("pair_rules", [])
             if (r["kind"], r["firm"], r["helper"]) != (kind, firm, helper)]
    with store.batch() as batch:
        batch.upsert_node(Node(event_id, "Event", {**event.props, "pair_rules": [*rules, rule]}),
                          replace_props=True, where=f"event {event_id}, pair rule")
    return rule


def load_setup(store: GraphStore, event_id: str) -> EventSetup:
    event = _event(store, event_id)
    participants = list(event.props.get("participants", []))
    nodes = store.get_nodes(p["id"] for p in participants)
    return EventSetup(event, participants, list(event.props.get("pair_rules", [])), nodes)


def event_meetings(store: GraphStore, event_id: str) -> list[Node]:
    """The event's Meeting nodes, by id."""
    return sorted((n for _, n in store.neighbours(event_id, "has_meeting", "out")),
                  key=lambda n: n.id)


def _organisation(store: GraphStore, node: Node) -> str | None:
    if node.kind == "Institute":
        return node.id
    orgs = sorted(n.id for _, n in store.neighbours(node.id, "affiliated_with", "out"))
    return orgs[0] if orgs else node.props.get("affiliation")


def planning_input(store: GraphStore, setup: EventSetup
                   ) -> tuple[list[Participant], list[Participant], PlanRules]:
    """Participants and rules as the pure planner takes them."""
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
    for r in setup.rules:
        pair = (r["firm"], r["helper"])
        if r["kind"] == "request":
            if r.get("status") == "accepted":
                rules.requests.add(pair)
            elif r.get("status") == "declined":
                rules.declined.add(pair)
        else:
            {"decline": rules.declined, "pin": rules.pins, "forbid": rules.forbidden,
             "met_before": rules.met_before}[r["kind"]].add(pair)
    cutoff = props.get("met_before_cutoff")
    if cutoff:
        helper_ids = {h.id for h in helpers}
        for f in firms:
            for need in _firm_needs(store, setup, f.id):
                for edge in store.find_edges("met", src=need, limit=10**6):
                    if edge.dst in helper_ids and str(edge.props.get("date", "")) < cutoff:
                        rules.met_before.add((f.id, edge.dst))
    for m in event_meetings(store, setup.node.id):
        pair = (m.props.get("firm_id"), m.props.get("helper_id"))
        if m.props.get("status") in FIXED and pair[0]:
            rules.locked.add(pair)
        elif m.props.get("status") in DONE and pair[0]:
            rules.declined.add(pair)
    return firms, helpers, rules


def _firm_needs(store: GraphStore, setup: EventSetup, firm: str) -> list[str]:
    for p in setup.participants:
        if p["id"] == firm and p.get("needs") is not None:
            return list(p["needs"])
    return [n.id for _, n in store.neighbours(firm, "submitted", "out")]


def shared_topic_scores(store: GraphStore, firms: Sequence[str], helpers: Sequence[str]
                        ) -> dict[tuple[str, str], tuple[float, list[str]]]:
    """A simple, clearly-named fallback scorer: topic overlap of needs and expertise.

    Score = |topics shared| / |topics of the firm's needs| (0 when the firm has
    none), plus 0.1 when both sit in the same region; reasons name the topics.
    The planner does not care where scores come from; `matcher.recommend`'s
    hybrid scores can be passed instead.
    """
    def topics(node_id: str, kinds: tuple[str, ...]) -> dict[str, str]:
        out = {}
        for kind in kinds:
            for _, t in store.neighbours(node_id, kind, "out"):
                out[t.id] = t.name
        return out

    firm_topics = {}
    for f in firms:
        acc: dict[str, str] = {}
        for _, need in store.neighbours(f, "submitted", "out"):
            acc |= topics(need.id, ("about_topic",))
        firm_topics[f] = acc | topics(f, ("has_expertise",))
    helper_topics = {h: topics(h, ("has_expertise",)) for h in helpers}
    nodes = store.get_nodes([*firms, *helpers])
    out = {}
    for f in firms:
        for h in helpers:
            shared = sorted(set(firm_topics[f]) & set(helper_topics[h]))
            score = len(shared) / len(firm_topics[f]) if firm_topics[f] else 0.0
            reasons = [f"共同主题: {firm_topics[f][t]}" for t in shared]
            region = nodes[f].props.get("region")
            if region and region == nodes[h].props.get("region"):
                score += 0.1
                reasons.append(f"同一地区: {region}")
            out[(f, h)] = (round(min(score, 1.0), 6), reasons)
    return out


def need_scores(store: GraphStore, need_ids: Sequence[str], candidates: Sequence[str], *,
                use_recommender: bool = True, k: int = 200, exclude_event: str | None = None
                ) -> dict[tuple[str, str], tuple[float, list[str]]]:
    """Need → candidate scores with reasons: `matcher.service.Recommender` (hybrid text +
    graph), or topic overlap when `use_recommender` is False.

    With `exclude_event`, the graph side ignores that event's own record
    (`graph.outcomes.event_record`): planning an event never ranks or explains
    through the event, its meetings or the outcomes recorded for it. Only the
    candidates are scored and explained (at most `k` per need and kind)."""
    cands = set(candidates)
    kinds = store.kinds_of(candidates)
    out: dict[tuple[str, str], tuple[float, list[str]]] = {}
    if use_recommender:
        from duijie.graph.outcomes import event_record
        from duijie.matcher.service import Recommender

        nodes, edges = event_record(store, exclude_event) if exclude_event else ((), ())
        rec = Recommender(store, exclude_nodes=nodes, exclude_edges=edges)
        wanted = sorted({"expert" if kinds[c] == "Expert" else "institute" for c in cands})
        for need in need_ids:
            for kind in wanted:
                result = rec.recommend(need, kind=kind, k=k, available_only=False,
                                       within=cands)
                for item in result.items:
                    if item.id in cands:
                        out[(need, item.id)] = (round(min(1.0, max(0.0, item.score)), 6),
                                                item.reasons()[:5])
        return out
    names = {}
    cand_topics: dict[str, set[str]] = {}
    for c in candidates:
        cand_topics[c] = set()
        for _, t in store.neighbours(c, "has_expertise", "out"):
            cand_topics[c].add(t.id)
            names[t.id] = t.name
    for need in need_ids:
        topics = {}
        for _, t in store.neighbours(need, "about_topic", "out"):
            topics[t.id] = t.name
        for c in candidates:
            shared = sorted(set(topics) & cand_topics[c])
            if shared:
                out[(need, c)] = (round(len(shared) / len(topics), 6),
                                  [f"共同主题: {topics[t]}" for t in shared])
    return out


def recommender_scores(store: GraphStore, firms: Sequence[str], helpers: Sequence[str], *,
                       exclude_event: str | None = None
                       ) -> dict[tuple[str, str], tuple[float, list[str]]]:
    """Firm → helper scores: the best hybrid score over the firm's needs (a `Scorer`;
    bind `exclude_event` with `functools.partial` when planning that event)."""
    needs = {f: [n.id for _, n in store.neighbours(f, "submitted", "out")] for f in firms}
    per_need = need_scores(store, [n for ns in needs.values() for n in ns], helpers,
                           exclude_event=exclude_event)
    return firm_scores(needs, helpers, per_need)


def firm_scores(needs: Mapping[str, Sequence[str]], helpers: Sequence[str],
                per_need: Mapping[tuple[str, str], tuple[float, list[str]]]
                ) -> dict[tuple[str, str], tuple[float, list[str]]]:
    """Firm → helper: the best of the firm's needs' scores (with that need's reasons)."""
    out: dict[tuple[str, str], tuple[float, list[str]]] = {}
    for f, ns in needs.items():
        for n in ns:
            for h in helpers:
                got = per_need.get((n, h))
                if got and got[0] > out.get((f, h), (-1.0, []))[0]:
                    out[(f, h)] = got
    return out


def plan_event_meetings(store: GraphStore, event_id: str, *, scorer: Scorer | None = None,
                        scores: Mapping[tuple[str, str], tuple[float, list[str]]] | None = None,
                        solver: str = "auto", by: str = "planner",
                        progress: Callable[[str], None] | None = None,
                        cancelled: Callable[[], bool] | None = None) -> MeetingPlan:
    """Plan the event's meetings and save them as provisional Meeting nodes.

    Scores come from `scores` if given, else from `scorer(store, firms, helpers)`,
    else `shared_topic_scores`. Locked, published and held meetings are kept
    (as locked pairs); earlier proposed or scheduled ones are replaced. The
    firms' needs move from submitted to matched. All in one batch.
    """
    setup = load_setup(store, event_id)
    if not setup.firms or not setup.helpers:
        raise InvalidInput("needs firms and experts or institutes before planning; add them "
                           "with `duijie event invite`", where=f"event {event_id}")
    firms, helpers, rules = planning_input(store, setup)
    if scores is None:
        scores = (scorer or shared_topic_scores)(store, setup.firms, setup.helpers)
    plan = plan_meetings(firms, helpers, {p: v[0] for p, v in scores.items()}, rules,
                         min_score=setup.node.props.get("min_score", DEFAULT_MIN_SCORE),
                         solver=solver, progress=progress,  # type: ignore[arg-type]
                         cancelled=cancelled)
    pending = [f"{r['firm']} → {r['helper']}" for r in setup.rules
               if r["kind"] == "request" and r.get("status") == "pending"]
    if pending:
        plan.diagnostics.append(f"{len(pending)} request(s) still await an answer and were not "
                                f"planned: {', '.join(pending[:5])}")
    old = {m.id: m for m in event_meetings(store, event_id)}
    new_ids = {new_id("Meeting", event_id, m.firm, m.helper): m for m in plan.meetings}
    with store.batch() as batch:
        for m in old.values():  # a re-run replaces what was only proposed or scheduled
            if m.props.get("status") in REPLACEABLE and m.id not in new_ids:
                batch.delete_node(m.id)
        for mid, pm in new_ids.items():
            if mid in old and old[mid].props.get("status") not in REPLACEABLE:
                continue
            reasons = list(scores.get((pm.firm, pm.helper), (0.0, []))[1])[:20]
            stand_ins = [h for h, _ in plan.alternates.get(pm.firm, []) if h != pm.helper]
            batch.upsert_node(Node(mid, "Meeting", {
                "name": f"{setup.nodes[pm.firm].name} × {setup.nodes[pm.helper].name}",
                "event_id": event_id, "status": "proposed", "score": pm.score,
                "reasons": reasons, "firm_id": pm.firm, "helper_id": pm.helper,
                "source": pm.source, "alternates": stand_ins},
                provenance=[Provenance(source=f"user:{by}")]), replace_props=True)
            batch.upsert_edge(Edge(event_id, "has_meeting", mid))
            batch.upsert_edge(Edge(mid, "involves", pm.firm, {"role": "firm"}))
            batch.upsert_edge(Edge(mid, "involves", pm.helper, {"role": "helper"}))
            for need in _firm_needs(store, setup, pm.firm):
                batch.upsert_edge(Edge(mid, "involves", need, {"role": "need"}))
                advance_need(store, batch, need, "matched")
    return plan


def advance_need(store: GraphStore, batch: Any, need_id: str, status: str) -> None:
    """Move a need forward (submitted → matched → met → signed); never backwards.

    `not_pursued` applies unless the need is already signed.
    """
    node = batch.nodes.get(need_id) or store.get_node(need_id)
    current = node.props.get("status", "submitted")
    if status == "not_pursued":
        if current == "signed":
            return
    elif NEED_ORDER.get(status, 0) <= NEED_ORDER.get(current, 0) and current != "not_pursued":
        return
    batch.upsert_node(Node(need_id, "Need", {"status": status}))


def schedule_event(store: GraphStore, event_id: str) -> Schedule:
    """Place the event's meetings in slots and tables and save the placements.

    Locked and published meetings keep their slot and table; the rest are
    (re)placed. Raises `InvalidInput` for bad slots, no tables, no availability
    or more meetings than places, before anything is written.
    """
    setup = load_setup(store, event_id)
    props = setup.node.props
    # A meeting recorded as held without a slot (a replayed record) has no place to get.
    meetings = [m for m in event_meetings(store, event_id)
                if m.props.get("status") not in ("cancelled", "no_show")
                and not (m.props.get("status") == "held" and not m.props.get("slot_id"))]
    if not meetings:
        raise InvalidInput("has no meetings to schedule: run `duijie event plan` first",
                           value=event_id, where="schedule")
    slots = _slots(props)
    if not slots:
        raise InvalidInput("has no time slots: give slots when creating the event",
                           value=event_id, where="schedule")
    availability = {p["id"]: [(_dt(w["start"], p["id"]), _dt(w["end"], p["id"]))
                              for w in p["availability"]]
                    for p in setup.participants if p.get("availability") is not None}
    fixed = {m.id: (m.props["slot_id"], m.props["table"]) for m in meetings
             if m.props.get("status") in FIXED and m.props.get("slot_id")
             and m.props.get("table")}
    todo = [MeetingToPlace(m.id, (m.props["firm_id"], m.props["helper_id"])) for m in meetings]
    result = schedule(todo, slots, props.get("tables", []), availability, fixed)
    by_id = {m.id: m for m in meetings}
    with store.batch() as batch:
        for p in result.placements:
            m = by_id[p.meeting_id]
            status = m.props["status"] if p.fixed else "scheduled"
            batch.upsert_node(Node(m.id, "Meeting", {
                "slot_id": p.slot_id, "table": p.table, "status": status,
                "start": f"{p.start:%Y-%m-%dT%H:%M}", "end": f"{p.end:%Y-%m-%dT%H:%M}"}))
        for mid in result.unplaced:
            batch.upsert_node(Node(mid, "Meeting", {"status": "proposed"}))
    return result


def publish_event(store: GraphStore, event_id: str) -> int:
    """Publish the schedule: scheduled meetings become published (kept on re-runs)."""
    event = _event(store, event_id)
    meetings = [m for m in event_meetings(store, event_id) if m.props.get("status") == "scheduled"]
    if not meetings:
        raise InvalidInput("has no scheduled meetings to publish: run `duijie event schedule` "
                           "first", value=event_id, where="publish")
    with store.batch() as batch:
        for m in meetings:
            batch.upsert_node(Node(m.id, "Meeting", {"status": "published"}))
        batch.upsert_node(Node(event.id, "Event", {"status": "published"}))
    return len(meetings)


def agenda_items(store: GraphStore, event_id: str) -> tuple[EventInfo, list[AgendaItem]]:
    """The event's placed meetings as agenda items (names resolved), for `render_agenda`."""
    event = _event(store, event_id)
    meetings = [m for m in event_meetings(store, event_id)
                if m.props.get("start") and m.props.get("status") != "cancelled"]
    names = store.get_nodes({m.props[k] for m in meetings for k in ("firm_id", "helper_id")})
    items = [AgendaItem(m.id, _dt(m.props["start"], m.id), _dt(m.props["end"], m.id),
                        m.props.get("table", ""), m.props["firm_id"],
                        names[m.props["firm_id"]].name, m.props["helper_id"],
                        names[m.props["helper_id"]].name, m.props.get("score"),
                        tuple(m.props.get("reasons", [])))
             for m in meetings]
    return EventInfo(event.id, event.name, event.props.get("place")), items


def list_events(store: GraphStore) -> list[Node]:
    return sorted(store.find_nodes("Event", limit=10**6),
                  key=lambda n: (n.props.get("start_date", ""), n.id))


def invitation_plan(store: GraphStore, event_id: str, k: int, *, region: str | None = None,
                    strong: float = 0.6, use_recommender: bool = True,
                    candidates: Sequence[str] | None = None, add: bool = True,
                    scores: Mapping[tuple[str, str], tuple[float, list[str]]] | None = None):
    """Choose up to `k` experts/institutes for the event's firms' needs and add them.

    Candidates are every Expert and Institute (in `region`, by property or
    `located_in`, when given: the institutes of a travel destination) unless
    listed; helpers already in the event count as invited. Needs weigh their
    priority. Returns the `InvitationPlan`.
    """
    from duijie.matcher.invitations import plan_invitations

    setup = load_setup(store, event_id)
    needs = [n for f in setup.firms for n in _firm_needs(store, setup, f)]
    if not needs:
        raise InvalidInput("has no firms with needs: invite firms first", value=event_id,
                           where="invitation planning")
    if candidates is None:
        pool = [n for kind in HELPER_KINDS for n in store.find_nodes(kind, limit=10**6)]
        if region:
            pool = [n for n in pool if region in (n.props.get("region") or "")
                    or any(region in r.name for _, r in store.neighbours(n.id, "located_in",
                                                                         "out"))]
        candidates = sorted({n.id for n in pool} | set(setup.helpers))
    if not candidates:
        raise InvalidInput(f"no experts or institutes{' in ' + region if region else ''} "
                           "to invite: widen --candidates-region", where="invitation planning")
    need_nodes = store.get_nodes(needs)
    weights = {n: float(need_nodes[n].props.get("priority", 3)) for n in needs}
    if scores is None:
        scores = need_scores(store, needs, candidates, use_recommender=use_recommender,
                             exclude_event=event_id)
    plan = plan_invitations(weights, {p: v[0] for p, v in scores.items()}, k, strong=strong,
                            invited=[h for h in setup.helpers if h in candidates])
    if add:
        new = [c for c in plan.invited if c not in setup.helpers]
        if new:
            add_participants(store, event_id, new)
        event = _event(store, event_id)
        invited = list(dict.fromkeys([*event.props.get("invited", []), *new]))
        with store.batch() as batch:
            batch.upsert_node(Node(event_id, "Event", {"invited": invited}))
    return plan
