"""The organiser's dashboard: needs by status and by region, overdue follow-ups,
upcoming (and recent) docking events — counted only over what the viewer may see.

A need's region is its own (``props.region``), else its firm's; an organiser with a
region scope counts the needs, follow-ups and events of that region only, and a
firm counts only its own needs (`api.services.access`).

>>> from duijie.graph import open_store
>>> from duijie.api.services.seeding import load_seed
>>> store = open_store(":memory:")
>>> _ = load_seed(store)
>>> board = dashboard(store, today="2019-05-01")
>>> board.needs_total, [e.name for e in board.upcoming_events][:1]
(120, ['赴杭州惠优科技、虹软股份走访交流'])
>>> sorted(board.to_dict())  # doctest: +NORMALIZE_WHITESPACE
['needs_by_region', 'needs_by_status', 'needs_total', 'overdue_follow_ups',
 'recent_events', 'scope', 'today', 'upcoming_events']
>>> scoped = dashboard(store, viewer=Viewer.organiser("u", "嘉兴"), today="2019-05-01")
>>> scoped.needs_total, sorted({r["region"] for r in scoped.to_dict()["needs_by_region"]})
(11, ['嘉兴', '嘉善县', '平湖市', '桐乡', '海盐'])
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from duijie.api.services import Result
from duijie.api.services.access import Viewer, in_scope
from duijie.api.services.needs import visible_needs
from duijie.api.services.outcomes import overdue_follow_ups
from duijie.graph.model import Node
from duijie.graph.store import GraphStore, iter_nodes
from duijie.graph.vocab import NeedStatus
from duijie.matcher.region_paths import normalise_place

OPERATOR = Viewer.operator()  # the command line: sees everything
UPCOMING_EVENTS = 10
RECENT_EVENTS = 5
OVERDUE_SHOWN = 20


@dataclass
class StatusCount(Result):
    status: str
    count: int


@dataclass
class RegionCount(Result):
    """`region` is the region as most of its records name it (the spellings of one place,
    绍兴市 and 绍兴, counted together); None for needs without one."""

    region: str | None
    count: int


@dataclass
class OverdueFollowUp(Result):
    meeting_id: str
    meeting: str
    event_id: str | None
    event: str | None
    action: str
    owner: str
    due: str
    days_overdue: int
    illustrative: bool  # the meeting is between invented records (named 示意)


@dataclass
class EventDate(Result):
    id: str
    name: str
    start_date: str | None
    end_date: str | None
    region: str | None
    status: str | None
    participants: int
    illustrative: bool


@dataclass
class Dashboard(Result):
    """What an organiser looks at first. Every status appears in `needs_by_status`
    (zero included); regions most needs first; `overdue_follow_ups` most overdue first
    (at most 20 shown); events nearest first."""

    today: str
    scope: str | None
    needs_total: int
    needs_by_status: list[StatusCount]
    needs_by_region: list[RegionCount]
    overdue_follow_ups: list[OverdueFollowUp]
    upcoming_events: list[EventDate]
    recent_events: list[EventDate]


def _event_date(node: Node) -> EventDate:
    props = node.props
    return EventDate(node.id, node.shown_name, props.get("start_date"), props.get("end_date"),
                     props.get("region"), props.get("status"),
                     len(props.get("participants", [])), node.illustrative)


def dashboard(store: GraphStore, *, viewer: Viewer = OPERATOR,
              today: str | None = None) -> Dashboard:
    """Needs by status and region, overdue follow-ups and events, in the viewer's scope.

    `today` (YYYY-MM-DD, default the real date) decides what is overdue and upcoming.
    """
    today = today or date.today().isoformat()
    firms = {n.id: n for n in iter_nodes(store, "Enterprise")}
    by_status: Counter[str] = Counter()
    by_region: Counter[str | None] = Counter()
    spellings: dict[str | None, Counter[str]] = {}
    for record in visible_needs(store, viewer):  # the same rule as every needs list
        need, firm = record.node, record.firm
        by_status[need.props.get("status") or NeedStatus.SUBMITTED] += 1
        region = need.props.get("region") or (firm.props.get("region") if firm else None)
        place = normalise_place(region) if region else None  # 柯桥区 and 柯桥: one place
        by_region[place] += 1
        spellings.setdefault(place, Counter())[region] += 1
    statuses = [StatusCount(s.value, by_status.get(s.value, 0)) for s in NeedStatus]
    regions = [RegionCount(_commonest(spellings[r]), c) for r, c in
               sorted(by_region.items(), key=lambda rc: (-rc[1], rc[0] is None, rc[0] or ""))]

    events = {n.id: n for n in iter_nodes(store, "Event")
              if viewer.is_staff and in_scope(viewer, _regions(n))}
    overdue = []
    for item in overdue_follow_ups(store, today):
        event = events.get(item["event_id"] or "")
        firm = firms.get(store.get_node(item["meeting_id"]).props.get("firm_id") or "")
        places = _regions(event) | (_regions(firm) if firm else set())
        if not viewer.is_staff or not in_scope(viewer, places):
            continue
        overdue.append(OverdueFollowUp(item["meeting_id"], item["meeting"], item["event_id"],
                                       event.shown_name if event else None, item["action"],
                                       item["owner"], item["due"], item["days_overdue"],
                                       item["illustrative"]))
    dated = sorted((e for e in events.values() if e.props.get("start_date")),
                   key=lambda e: (e.props["start_date"], e.id))
    upcoming = [e for e in dated if e.props.get("end_date", e.props["start_date"]) >= today]
    recent = [e for e in reversed(dated) if e.props.get("end_date",
                                                        e.props["start_date"]) < today]
    return Dashboard(today, viewer.scope, sum(by_status.values()), statuses, regions,
                     overdue[:OVERDUE_SHOWN],
                     [_event_date(e) for e in upcoming[:UPCOMING_EVENTS]],
                     [_event_date(e) for e in recent[:RECENT_EVENTS]])


def _commonest(spellings: Counter[str]) -> str | None:
    """The spelling most records give a place (the shorter on a tie): 柯桥区 × 6 and
    柯桥 × 1 are shown as 柯桥区."""
    return min(spellings, key=lambda s: (-spellings[s], len(s or ""), s or ""))


def _regions(node: Node | None) -> set[str]:
    if node is None:
        return set()
    return {r for r in (node.props.get("region"), node.props.get("place")) if r}
