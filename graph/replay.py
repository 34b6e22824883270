"""Replay a seed event end to end (`plan_event`): invite, pair, schedule, agendas, outcome.

For the Xi'an trip of 23–24 May 2019 (11 firms, 8 reached cooperation) the
candidates are the Xi'an experts and institutes the seed lists; `plan_event`
gives the event slots over its dates if it has none, chooses whom to invite
for the firms' needs, plans fair pairs with scores and reasons, schedules them,
builds the agenda items and sets the plan beside the recorded outcome (the
seed's `signed` edges from that event). The lead hooks it into `duijie demo`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.events import (
    add_participants,
    agenda_items,
    event_meetings,
    firm_scores,
    invitation_plan,
    load_setup,
    need_scores,
    plan_event_meetings,
    schedule_event,
    slot_grid,
    update_event,
)
from graph.store import GraphStore
from matcher.agenda import AgendaItem, EventInfo
from matcher.assignment import MeetingPlan
from matcher.invitations import InvitationPlan
from matcher.scheduling import Schedule


@dataclass
class EventReplay:
    event: EventInfo
    invitations: InvitationPlan
    plan: MeetingPlan
    pairs: list[dict[str, Any]]  # firm, helper, names, score, reasons, slot, table
    schedule: Schedule
    agenda: list[AgendaItem]
    recorded: dict[str, Any] = field(default_factory=dict)


def _days(start: str, end: str) -> list[str]:
    from datetime import date, timedelta

    d0, d1 = date.fromisoformat(start), date.fromisoformat(end)
    return [(d0 + timedelta(days=i)).isoformat() for i in range((d1 - d0).days + 1)]


def recorded_outcome(store: GraphStore, event_id: str, firms: list[str]) -> dict[str, Any]:
    """What the seed says came of the event: firms with a signed contract, and with whom."""
    signed: dict[str, set[str]] = {}
    for firm in firms:
        for _, need in store.neighbours(firm, "submitted", "out"):
            for e in store.find_edges("signed", src=need.id, limit=10**6):
                if e.props.get("source_event") == event_id:
                    signed.setdefault(firm, set()).add(e.dst)
    node = store.get_node(event_id)
    return {"firms": len(firms), "firms_signed": len(signed),
            "published_firms": node.props.get("firms"),
            "published_cooperation": node.props.get("cooperation_reached"),
            "signed_pairs": sorted((f, h) for f, hs in signed.items() for h in hs)}


def plan_event(store: GraphStore, event_id: str, *, budget: int = 12, tables: int = 6,
               use_recommender: bool = True) -> EventReplay:
    """Plan a (seed) event end to end and set the plan beside its recorded outcome.

    Participants come from the event's `participated_in` edges (need side:
    firms; candidate side: experts and institutes to choose from). Writes the
    event's slots (09:00–12:00 and 14:00–17:00, 30 minutes, over its dates) and
    tables if it has none, the invited participants, the Meeting nodes and
    their placements.

    Examples
    --------
    >>> from graph import open_store
    >>> from graph.seed import XIAN_EVENT, load_seed
    >>> store = open_store(":memory:")
    >>> _ = load_seed(store)
    >>> replay = plan_event(store, XIAN_EVENT, use_recommender=False)
    >>> replay.recorded["firms"], replay.recorded["firms_signed"]
    (11, 8)
    >>> replay.plan.covered_firms == replay.recorded["firms"]
    True
    """
    event = store.get_node(event_id)
    if not event.props.get("slots"):
        days = _days(event.props["start_date"], event.props.get("end_date")
                     or event.props["start_date"])
        slots = slot_grid(days, "09:00", "12:00", 30) + slot_grid(days, "14:00", "17:00", 30)
        update_event(store, event_id, slots=sorted(slots, key=lambda s: s["start"]),
                     tables=[f"T{i + 1}" for i in range(tables)],
                     max_meetings_default=event.props.get("max_meetings_default", 3))
    links = store.find_edges("participated_in", dst=event_id, limit=10**6)
    kinds = store.kinds_of(e.src for e in links)
    firms = sorted(e.src for e in links if kinds.get(e.src) == "Enterprise")
    candidates = sorted(e.src for e in links if kinds.get(e.src) in ("Expert", "Institute"))
    known = {p["id"] for p in load_setup(store, event_id).participants}
    if [f for f in firms if f not in known]:
        add_participants(store, event_id, [f for f in firms if f not in known], role="need_side")
    setup = load_setup(store, event_id)
    needs = {f: list(p.get("needs", [])) for f in firms for p in setup.participants
             if p["id"] == f}
    helpers = sorted(set(candidates) | set(setup.helpers))
    per_need = need_scores(store, [n for ns in needs.values() for n in ns], helpers,
                           use_recommender=use_recommender)  # scored once, used twice
    invitations = invitation_plan(store, event_id, budget, candidates=candidates,
                                  scores=per_need)
    plan = plan_event_meetings(store, event_id, scores=firm_scores(needs, helpers, per_need))
    sched = schedule_event(store, event_id)
    info, items = agenda_items(store, event_id)
    names = store.get_nodes({*firms, *candidates})
    pairs = []
    for m in event_meetings(store, event_id):
        p = m.props
        pairs.append({"meeting_id": m.id, "firm": p["firm_id"], "helper": p["helper_id"],
                      "firm_name": names[p["firm_id"]].name,
                      "helper_name": names[p["helper_id"]].name, "score": p.get("score"),
                      "reasons": p.get("reasons", []), "start": p.get("start"),
                      "table": p.get("table")})
    pairs.sort(key=lambda r: (r["start"] or "~", r["table"] or "", r["firm"]))
    recorded = recorded_outcome(store, event_id, firms)
    planned = {(r["firm"], r["helper"]) for r in pairs}
    recorded["signed_pairs_planned"] = sum(1 for p in recorded["signed_pairs"] if p in planned)
    return EventReplay(info, invitations, plan, pairs, sched, items, recorded)


def render_replay(replay: EventReplay) -> str:
    """The replay as text: invitations, pairs with scores and reasons, outcome."""
    r = replay
    lines = [f"{r.event.name}（{r.event.place or ''}）",
             f"邀请 {len(r.invitations.invited)} 位专家/机构，覆盖需求权重 "
             f"{r.invitations.covered_weight:g}/{r.invitations.total_weight:g}"]
    for p in r.pairs:
        when = (p["start"] or "未排期").replace("T", " ")
        lines.append(f"  {when} {p['table'] or '-':<4} {p['firm_name']} × {p['helper_name']}"
                     f"  {p['score'] or 0:.2f}  {'；'.join(p['reasons'][:2])}")
    for pid, why in r.plan.unassigned.items():
        lines.append(f"  未安排 {pid}: {why}")
    rec = r.recorded
    lines.append(f"实际结果：{rec['firms']} 家企业中 {rec['firms_signed']} 家签约"
                 f"（公开数字 {rec['published_cooperation']}/{rec['published_firms']}）；"
                 f"本方案覆盖了 {rec['signed_pairs_planned']}/{len(rec['signed_pairs'])} "
                 "个实际签约对")
    return "\n".join(lines)
