"""Replay a seed event end to end (`plan_event`): invite, pair, schedule, agendas, outcome.

For the Xi'an trip of 23–24 May 2019 (11 firms, 8 reached cooperation) the
candidates are the Xi'an experts and institutes the seed lists; `plan_event`
gives the event slots over its dates if it has none, chooses whom to invite
for the firms' needs, plans fair pairs with scores and reasons, schedules them,
builds the agenda items and sets the plan beside the recorded outcome (the
seed's `signed` edges from that event). The lead hooks it into `duijie demo`.

Planning never learns from the event's own record: the graph side ignores the
event node, its meetings and the `met`/`signed`/`collaborated_with` edges
recorded for it (`graph.outcomes.event_record`), so "covered k/8 signed pairs"
is a fair figure. With ``record=True`` the recorded outcome is then written
through the real outcome path (`record_replay_outcome`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from duijie.graph.errors import NotFound
from duijie.graph.events import (
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
from duijie.graph.model import Edge, Node, new_id
from duijie.graph.outcomes import overdue_follow_ups, write_outcome
from duijie.graph.store import GraphStore
from duijie.matcher.agenda import AgendaItem, EventInfo
from duijie.matcher.assignment import MeetingPlan
from duijie.matcher.invitations import InvitationPlan
from duijie.matcher.scheduling import Schedule


@dataclass
class EventReplay:
    event: EventInfo
    invitations: InvitationPlan
    plan: MeetingPlan
    pairs: list[dict[str, Any]]  # firm, helper, names, score, reasons, slot, table
    schedule: Schedule
    agenda: list[AgendaItem]
    recorded: dict[str, Any] = field(default_factory=dict)
    invited: list[dict[str, Any]] = field(default_factory=list)  # id, name, kind, covers
    written: dict[str, Any] | None = None  # what `record=True` wrote


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
    """What the seed says came of the event: firms with a signed contract, and with whom."""
    signed = _record_edges(store, event_id, firms, "signed")
    met = _record_edges(store, event_id, firms, "met")
    node = store.get_node(event_id)
    return {"firms": len(firms), "firms_signed": len({f for f, _ in signed}),
            "published_firms": node.props.get("firms"),
            "published_cooperation": node.props.get("cooperation_reached"),
            "signed_pairs": sorted(signed), "met_pairs": sorted(met | signed)}


def record_replay_outcome(store: GraphStore, event_id: str, firms: list[str], *,
                          by: str = "replay", statuses: dict[str, str] | None = None
                          ) -> dict[str, Any]:
    """Write the seed's recorded outcome of an event through `graph.outcomes`, one batch.

    Each recorded pair (a `met` edge of the event) becomes a meeting (the planned
    one if the plan has that pair, else a locked one described as `RECORDED`) with a
    post-event outcome (held; no intent when the need's status says not pursued)
    on its `met` date, and for a `signed` edge a first check-in with ledger
    ``signed`` on its date: Outcome nodes, need statuses, `met`, `signed` and
    `collaborated_with` edges, as `record_outcome` writes them, for the needs the
    record names. Each meeting gets a follow-up (register the contract, or ask
    about the intent) due 30 days later. Ids and dates come from the record, so a
    second run writes the same again. `statuses` are the needs' statuses as
    recorded (read before planning, which reopens a not-pursued need as matched);
    the store's current ones if None.
    """
    met = _record_edges(store, event_id, firms, "met")
    signed = _record_edges(store, event_id, firms, "signed")
    event = store.get_node(event_id)
    owner = event.props.get("organiser") or "organiser"
    nodes = store.get_nodes({x for pair in met | signed for x in pair}
                            | {e.src for es in (met | signed).values() for e in es})
    written: dict[str, Any] = {"meetings": [], "outcomes": 0, "new_meetings": 0}
    with store.batch() as batch:
        for firm, helper in sorted(met | signed):
            mid = new_id("Meeting", event_id, firm, helper)
            try:
                meeting = store.get_node(mid)
            except NotFound:
                meeting = Node(mid, "Meeting", {
                    "name": f"{nodes[firm].name} × {nodes[helper].name}", "event_id": event_id,
                    "status": "held", "firm_id": firm, "helper_id": helper,
                    "source": "locked", "description": RECORDED,
                    "reasons": ["记录中的实际对接"]})
                batch.upsert_node(meeting, replace_props=True)
                batch.upsert_edge(Edge(event_id, "has_meeting", mid))
                batch.upsert_edge(Edge(mid, "involves", firm, {"role": "firm"}))
                batch.upsert_edge(Edge(mid, "involves", helper, {"role": "helper"}))
                written["new_meetings"] += 1
            met_edges = met.get((firm, helper), [])
            sign_edges = signed.get((firm, helper), [])
            needs = sorted({e.src for e in met_edges + sign_edges})
            for need in needs:
                batch.upsert_edge(Edge(mid, "involves", need, {"role": "need"}))
            day = min((str(e.props.get("date") or event.props.get("start_date"))
                       for e in met_edges + sign_edges), default=event.props["start_date"])
            dropped = not sign_edges and all(
                (statuses or {}).get(n, nodes[n].props.get("status")) == "not_pursued"
                for n in needs)
            write_outcome(store, batch, meeting, needs, "post_event", held=True,
                          intent=False if dropped else None, by=by,
                          reason_code="other" if dropped else None,
                          notes="按记录回放" + ("：未继续" if dropped else ""),
                          at=f"{day}T18:00:00Z")
            written["outcomes"] += 1
            follow = ("技术合同认定登记", "回访合作意向")[not sign_edges]
            due = date.fromisoformat(day) + timedelta(days=30)
            if sign_edges:
                sign_day = max(str(e.props.get("date") or day) for e in sign_edges)
                write_outcome(store, batch, meeting, needs, "m1", ledger="signed", by=by,
                              notes="按记录回放：签约", at=f"{sign_day}T18:00:00Z")
                written["outcomes"] += 1
                due = date.fromisoformat(sign_day) + timedelta(days=30)
            if not dropped:
                item = {"action": follow, "owner": owner, "due": due.isoformat(),
                        "done": False}
                kept = [f for f in meeting.props.get("follow_ups", [])
                        if (f["action"], f["due"]) != (item["action"], item["due"])]
                batch.upsert_node(Node(mid, "Meeting", {"follow_ups": [*kept, item]}))
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
        label = needs[need].props.get("tech_field") or needs[need].name
        for h in helpers:
            if h in fields and label not in fields[h]:
                fields[h].append(label)
    return [{"id": h, "name": nodes[h].name, "kind": nodes[h].kind, "covers": fields[h]}
            for h in invitations.invited if h in nodes]


def plan_event(store: GraphStore, event_id: str, *, budget: int = 12, tables: int = 6,
               use_recommender: bool = True, record: bool = False) -> EventReplay:
    """Plan a (seed) event end to end and set the plan beside its recorded outcome.

    Participants come from the event's `participated_in` edges (need side:
    firms; candidate side: experts and institutes to choose from). Writes the
    event's slots (09:00–12:00 and 14:00–17:00, 30 minutes, over its dates) and
    tables if it has none, the invited participants, the Meeting nodes and
    their placements; the needs keep the statuses they had (the event is past).
    Scores ignore the event's own record (see the module docstring). With
    `record`, the recorded outcome is then written as well
    (`record_replay_outcome`; `EventReplay.written` says what).

    Examples
    --------
    >>> from duijie.graph import open_store
    >>> from duijie.api.services.seeding import XIAN_EVENT, load_seed
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
                batch.upsert_node(Node(need, "Need", {"status": statuses[need]}))
    info, items = agenda_items(store, event_id)
    names = store.get_nodes({*firms, *candidates})
    pairs = []
    for m in event_meetings(store, event_id):
        p = m.props
        if p.get("description") == RECORDED:
            continue  # written by an earlier `record`, not planned
        pairs.append({"meeting_id": m.id, "firm": p["firm_id"], "helper": p["helper_id"],
                      "firm_name": names[p["firm_id"]].name,
                      "helper_name": names[p["helper_id"]].name, "score": p.get("score"),
                      "reasons": p.get("reasons", []), "start": p.get("start"),
                      "table": p.get("table")})
    pairs.sort(key=lambda r: (r["start"] or "~", r["table"] or "", r["firm"]))
    recorded = recorded_outcome(store, event_id, firms)
    planned = {(r["firm"], r["helper"]) for r in pairs}
    recorded["signed_pairs_planned"] = sum(1 for p in recorded["signed_pairs"] if p in planned)
    recorded["met_pairs_planned"] = sum(1 for p in recorded["met_pairs"] if p in planned)
    written = (record_replay_outcome(store, event_id, firms, statuses=statuses) if record
               else None)
    return EventReplay(info, invitations, plan, pairs, sched, items, recorded,
                       _covers(store, invitations), written)


KIND_LABEL = {"Institute": "院所", "Expert": "专家"}
STATUS_LABEL = {"signed": "签约", "met": "已对接", "not_pursued": "未继续", "matched": "已匹配"}


def _short_reasons(reasons: list[str], terms: int = 3) -> str:
    """The 2–3 best reasons on one line: a few matched terms and the best path.

    >>> _short_reasons(["文本匹配：红外探测、读出电路、噪声、像元", "图谱关联：红外探测 → 西电",
    ...                 "图谱关联：大立 → 李教授 → 西电"])
    '红外探测、读出电路、噪声 ｜ 红外探测 → 西电'
    >>> _short_reasons(["共同主题: 红外", "同一地区: 西安", "另一条"])
    '共同主题: 红外；同一地区: 西安'
    """
    text = next((r for r in reasons if r.startswith("文本匹配：")), None)
    path = next((r for r in reasons if r.startswith("图谱关联：")), None)
    parts = []
    if text:
        parts.append("、".join(text.removeprefix("文本匹配：").split("、")[:terms]))
    if path:
        parts.append(path.removeprefix("图谱关联："))
    return " ｜ ".join(parts) if parts else "；".join(reasons[:2])


def render_replay(replay: EventReplay) -> str:
    """The replay for an organiser: whom to invite and why, the day-by-day schedule
    with each pair's score and best reasons, and the plan beside the record.

    About 3 + invited + 2 × meetings + days lines (under 80 for the Xi'an trip).

    >>> from duijie.graph import open_store
    >>> from duijie.api.services.seeding import XIAN_EVENT, load_seed
    >>> store = open_store(":memory:")
    >>> _ = load_seed(store)
    >>> text = render_replay(plan_event(store, XIAN_EVENT, use_recommender=False))
    >>> print(text.splitlines()[0])
    赴西安精准对接“三服务”活动 · 西安 · 2019-05-23 – 2019-05-23
    >>> len(text.splitlines()) < 80
    True
    """
    r = replay
    days = sorted({p["start"][:10] for p in r.pairs if p["start"]})
    span = f" · {days[0]} – {days[-1]}" if days else ""
    lines = [f"{r.event.name} · {r.event.place or ''}{span}",
             f"邀请 {len(r.invitations.invited)} 位专家/机构（覆盖需求权重 "
             f"{r.invitations.covered_weight:g}/{r.invitations.total_weight:g}）："]
    for c in r.invited:
        covers = "、".join(c["covers"]) or "（未强覆盖任何需求）"
        lines.append(f"  {c['name']} [{KIND_LABEL.get(c['kind'], c['kind'])}]：{covers}")
    tables = sorted({p["table"] for p in r.pairs if p["table"]})
    lines.append(f"日程（{len(r.pairs)} 场会谈，{len(tables)} 张桌；得分 0–1，"
                 "理由：匹配词 ｜ 图谱路径）：")
    day = None
    for p in r.pairs:
        when = p["start"] or ""
        if when[:10] != day:
            day = when[:10]
            label = f"{int(day[5:7])}月{int(day[8:10])}日" if day else "未排期"
            lines.append(f" {label}")
        lines.append(f"  {when[11:16] or '--:--'} {p['table'] or '-':<3} {p['firm_name']} × "
                     f"{p['helper_name']}  {p['score'] or 0:.2f}")
        lines.append(f"        {_short_reasons(p['reasons'])}")
    for pid, why in r.plan.unassigned.items():
        lines.append(f"  未安排 {pid}：{why}")
    rec = r.recorded
    lines.append(f"实际结果：{rec['firms']} 家企业中 {rec['firms_signed']} 家签约"
                 f"（公开数字 {rec['published_cooperation']}/{rec['published_firms']}）；"
                 f"本方案安排了 {rec['signed_pairs_planned']}/{len(rec['signed_pairs'])} "
                 f"个实际签约对、{rec.get('met_pairs_planned', 0)}/"
                 f"{len(rec.get('met_pairs', []))} 个实际会谈对（评分未使用该活动的记录）")
    if r.written is not None:
        counts: dict[str, int] = {}
        for s in r.written["need_status"].values():
            counts[s] = counts.get(s, 0) + 1
        shown = " · ".join(f"{STATUS_LABEL.get(s, s)} {n}" for s, n in sorted(counts.items()))
        follow = r.written["follow_ups"]
        lines.append(f"已记录结果：{len(r.written['meetings'])} 场会谈、"
                     f"{r.written['outcomes']} 条结果；需求状态 {shown}；"
                     f"逾期待跟进 {len(follow)} 项（duijie event followups --event "
                     f"{r.event.id}）")
    return "\n".join(lines)
