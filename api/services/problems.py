"""The problem ledger (问题台账), closed loop: 梳理问题 → 责任落实 → 协调推进 → 跟踪反馈 → 销号.

A problem is a Need of type 问题/政策/融资/人才 (or one raised on a visit or at a
meeting) with a ledger record: the responsible department (routed by rules held as
data, `matcher.problems`), a person, a due date, dated steps, the answer and the
day the firm saw it. Every change is one write of the need (`edit_node`, so two
people never lose each other's steps); a refused change writes nothing.

>>> from duijie.graph import open_store
>>> from duijie.graph.model import Node
>>> store = open_store(":memory:")
>>> with store.batch() as b:
...     b.upsert_node(Node("ent:a", "Enterprise", {"name": "甲公司", "region": "济南"}))
>>> p = add_problem(store, firm_id="ent:a", title="流动资金贷款难", need_type="financing",
...                 opened_on="2019-12-02")
>>> p.department, p.due, p.state
('地方金融监管部门', '2020-01-01', 'assigned')
>>> close_problem(store, p.id, answer="已推介至合作银行")
Traceback (most recent call last):
...
duijie.graph.errors.InvalidInput: problem 流动资金贷款难: closing needs the day the firm \
saw the answer: a problem is closed only with the firm's knowledge
"""

from __future__ import annotations

import io
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal
from urllib.parse import quote

from duijie.api.services import Result
from duijie.api.services.access import Viewer, can_edit_need
from duijie.api.services.needs import (
    OPERATOR,
    NeedRecord,
    _facts,
    firm_not_found,
    need_record,
    office_today,
    visible_needs,
)
from duijie.api.services.regions import ancestor_map
from duijie.api.services.routing import stored_routing
from duijie.graph.accounts import Role
from duijie.graph.cells import safe_cell
from duijie.graph.errors import Forbidden, InvalidInput, NotFound, Said, Where, at
from duijie.graph.model import Edge, Node, Provenance, new_id, validate_props
from duijie.graph.store import GraphStore, WriteBatch, edit_node, utc_now
from duijie.graph.vocab import PROBLEM_NEED_TYPES, NeedStatus, ProblemState, problem_label
from duijie.matcher.problems import (
    Routing,
    check_close,
    check_step_date,
    due_date,
    is_problem,
    ledger_state,
    route_problem,
)

LEDGER_COLUMNS = ("序号", "企业", "问题", "责任单位", "办理情况", "状态")
"""The columns of a department's ledger, as offices lay it out."""

STATES = tuple(s.value for s in ProblemState)
ProblemType = Literal["problem", "policy", "financing", "talent"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class ProblemStepView(Result):
    on: str
    text: str
    by: str | None


@dataclass
class Source(Result):
    source: str
    quote: str | None


@dataclass
class ProblemView(Result):
    """One ledger entry, with names beside ids."""

    id: str
    title: str  # as read: an invented problem's title carries its mark (示意)
    text: str | None
    need_type: str
    firm_id: str | None
    firm_name: str | None
    region: str | None
    department: str | None
    person_id: str | None
    person_name: str | None
    opened_on: str | None
    due: str | None
    state: str
    overdue_days: int
    escalated: bool
    escalated_to: str | None
    steps: list[ProblemStepView]
    answer: str | None
    answered_on: str | None
    firm_seen_on: str | None
    closed_on: str | None
    raised_in_id: str | None
    raised_in_name: str | None
    raised_by_id: str | None
    raised_by_name: str | None
    routed_by: str | None
    sources: list[Source]
    rev: int
    illustrative: bool  # the problem or its firm is invented (示意)

    @classmethod
    def of(cls, record: NeedRecord, names: dict[str, str], today: str,
           escalate_after_days: int) -> ProblemView:
        node, p = record.node, record.node.props
        ledger = p.get("ledger") or {}
        st = ledger_state(p, today, escalate_after_days=escalate_after_days)
        person, raised_in, raised_by = (ledger.get("person"), ledger.get("raised_in"),
                                        ledger.get("raised_by"))
        return cls(
            node.id, node.shown_name, p.get("text"), p.get("need_type", "problem"),
            record.firm.id if record.firm else None,
            record.firm.shown_name if record.firm else None,
            p.get("region") or (record.firm.props.get("region") if record.firm else None),
            p.get("department"), person if person in names else None,
            names.get(person, person), ledger.get("opened_on") or p.get("submitted_at"),
            ledger.get("due"), st.state, st.overdue_days, st.escalated,
            ledger.get("escalated_to"),
            [ProblemStepView(s["on"], s["text"], s.get("by")) for s in ledger.get("steps", [])],
            p.get("resolution"), ledger.get("answered_on"), ledger.get("firm_seen_on"),
            ledger.get("closed_on"), raised_in, names.get(raised_in) if raised_in else None,
            raised_by, names.get(raised_by) if raised_by else None, ledger.get("routed_by"),
            [Source(pr.source, pr.quote) for pr in node.provenance], node.rev,
            node.illustrative or bool(record.firm and record.firm.illustrative))


@dataclass
class ProblemList(Result):
    today: str
    department: str | None
    count: int
    by_state: dict[str, int]
    overdue: int
    escalated: int
    departments: list[str]
    items: list[ProblemView] = field(default_factory=list)


def _names(store: GraphStore, records: list[NeedRecord]) -> dict[str, str]:
    ids = set()
    for r in records:
        ledger = r.node.props.get("ledger") or {}
        ids |= {ledger.get(k) for k in ("person", "raised_in", "raised_by")} - {None}
    nodes = store.get_nodes(ids)
    names = {i: n.shown_name for i, n in nodes.items()}
    meetings = [n for n in nodes.values() if n.kind == "Meeting" and not n.props.get("name")]
    if meetings:  # a meeting is read as "event · firm × helper", never as its id
        parties = store.get_nodes({m.props.get(k) for m in meetings
                                   for k in ("event_id", "firm_id", "helper_id")} - {None})
        for m in meetings:
            event, firm, helper = (parties.get(m.props.get(k)) for k in (
                "event_id", "firm_id", "helper_id"))
            names[m.id] = (f"{event.shown_name} · " if event else "") + " × ".join(
                p.shown_name for p in (firm, helper) if p is not None) or m.id
    return names


def _view(store: GraphStore, need_id: str, viewer: Viewer, routing: Routing | None = None,
          today: str | None = None) -> ProblemView:
    record = need_record(store, need_id, viewer)
    routing = routing or stored_routing(store)
    return ProblemView.of(record, _names(store, [record]), today or office_today(),
                          routing.escalate_after_days)


_ACTIONS = {"assign": at("where.problem_assign"), "step": at("where.problem_step"),
            "close": at("where.problem_close")}


def _named(record: NeedRecord) -> Where:
    """Where a refusal about one problem happened: the problem, by its title."""
    return at("where.problem_named", title=record.node.shown_name)


def _problem(store: GraphStore, need_id: str, viewer: Viewer, action: str) -> NeedRecord:
    """The need, if it is a problem this viewer may change; else NotFound/Forbidden."""
    record = need_record(store, need_id, viewer)
    if not is_problem(record.node.props):
        raise InvalidInput(key="ledger.not_a_problem", params={
            "types": list(PROBLEM_NEED_TYPES)}, value=need_id, where=_ACTIONS[action])
    if viewer.role is not None and viewer.role is not Role.ORGANISER:
        raise Forbidden(key="ledger.office_changes", where=_ACTIONS[action])
    if not can_edit_need(viewer, record.facts):
        raise NotFound(key="ledger.not_your_need", value=need_id, where=at("where.need"))
    return record


def _person(store: GraphStore, person: str | None, where: Where) -> str | None:
    """An Official's id as given, checked; any other text is a person's name."""
    if not person:
        return None
    person = person.strip()
    if person.startswith("off:"):
        node = store.get_nodes([person]).get(person)
        if node is None or node.kind != "Official":
            raise InvalidInput(key="ledger.not_official_here", value=person, where=where)
    return person


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(value: str | None, where: Where) -> str | None:
    """A day as YYYY-MM-DD that exists on the calendar; `InvalidInput` naming the field.

    >>> _day("2024-02-29", at("where.problem").then("field.due"))
    '2024-02-29'
    >>> _day("2024-13-01", at("where.problem").then("field.opened_on"))
    Traceback (most recent call last):
    duijie.graph.errors.InvalidInput: problem, opened_on: '2024-13-01' is not a day on the calendar (month must be in 1..12)
    """  # noqa: E501
    if value is None:
        return None
    text = str(value).strip()
    if not ISO_DAY.fullmatch(text):
        raise InvalidInput(key="dates.not_day", value=value, where=where)
    try:
        date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(key="dates.not_calendar_day", params={"reason": str(exc)},
                           value=value, where=where) from None
    return text


def add_problem(store: GraphStore, *, firm_id: str, title: str, text: str | None = None,
                need_type: str = "problem", region: str | None = None,
                opened_on: str | None = None, department: str | None = None,
                person: str | None = None, due: str | None = None,
                raised_in: str | None = None, raised_by: str | None = None,
                routing: Routing | None = None, author: str = "operator",
                viewer: Viewer = OPERATOR, batch: WriteBatch | None = None) -> ProblemView:
    """Record a firm's problem in the ledger, routed to a department by the rules.

    A department given by hand wins over the rules; the due date is the rule's
    `due_days` after opening unless given. With `batch`, the writes join the
    caller's batch (a contact visit that raises several problems is one write) and
    the view is of the problem as it will be.
    """
    where = at("where.problem")
    if need_type not in PROBLEM_NEED_TYPES:
        raise InvalidInput(key="ledger.not_problem_type", params={
            "types": list(PROBLEM_NEED_TYPES)}, value=need_type,
            where=where.then("field.need_type"))
    if viewer.role is not None and viewer.role is not Role.ORGANISER:
        raise Forbidden(key="ledger.office_records", where=where)
    firm = store.get_nodes([firm_id]).get(firm_id)
    if firm is None or firm.kind != "Enterprise":
        raise firm_not_found(firm_id)
    opened = _day(opened_on, where.then("field.opened_on")) or office_today()
    routing = routing or stored_routing(store)
    region = region or firm.props.get("region")
    if not can_edit_need(viewer, _facts(Node("need:new", "Need", {"region": region}), firm)):
        raise firm_not_found(firm_id)  # outside the organiser's region: as if unknown
    route = route_problem(need_type, region, routing,
                          region_ancestors=ancestor_map(store, [region]))
    for value, ok, kind, field_at in (
            (raised_in, ("Event", "Meeting"), "kinds.event_or_meeting", "field.raised_in"),
            (raised_by, ("Official",), "kinds.official", "field.raised_by")):
        if value:
            node = store.get_nodes([value]).get(value)
            if node is None or node.kind not in ok:
                raise InvalidInput(key="ledger.not_stored", params={"kind": Said(kind)},
                                   value=value, where=where.then(field_at))
            if node.kind == "Meeting" and node.props.get("firm_id") != firm.id:
                raise InvalidInput(key="ledger.other_firms_meeting", params={
                    "firm": firm.name}, value=value, where=where.then(field_at))
    due = _day(due, where.then("field.due")) or due_date(opened, route.due_days)
    if due < opened:
        raise InvalidInput(key="ledger.before_opened", params={"day": opened}, value=due,
                           where=where.then("field.due"))
    ledger = {"opened_on": opened, "due": due, "person": _person(store, person, where),
              "raised_in": raised_in, "raised_by": raised_by,
              "routed_by": None if department else route.rule}
    props = validate_props("Need", {
        "title": title, "text": text, "need_type": need_type, "region": region,
        "status": NeedStatus.SUBMITTED.value, "submitted_at": opened,
        "department": department or route.department,
        "ledger": {k: v for k, v in ledger.items() if v is not None}}, where)
    need_id = new_id("Need", firm.id, "problem", secrets.token_hex(8))
    provenance = Provenance(source=f"user:{author}", user=author, at=utc_now())
    node = Node(need_id, "Need", props, provenance=[provenance])
    own = batch if batch is not None else WriteBatch()
    own.upsert_node(node, expect_rev=0, where=where)
    own.upsert_edge(Edge(firm.id, "submitted", need_id, provenance=[provenance]))
    if batch is None:
        store.apply(own)
        return _view(store, need_id, viewer, routing)
    record = NeedRecord(node, firm, _facts(node, firm))
    return ProblemView.of(record, _names(store, [record]), office_today(),
                          routing.escalate_after_days)


def raise_in_meeting(store: GraphStore, meeting_id: str, *, title: str,
                     need_type: str = "problem", text: str | None = None,
                     opened_on: str | None = None, author: str = "operator",
                     viewer: Viewer = OPERATOR) -> ProblemView:
    """A problem the firm raised at a docking meeting: the meeting's firm, routed by the
    rules, opened on the meeting's day (or today, if the meeting is still ahead).

    Only staff who may record on the meeting raise one (anyone else: not found).
    """
    from duijie.api.services.event_views import editable_meeting

    meeting = editable_meeting(store, meeting_id, viewer)
    if not meeting.firm:
        raise InvalidInput(key="ledger.meeting_without_firm", value=meeting_id,
                           where=at("where.problem").then("field.raised_in"))
    day = (meeting.start or "")[:10] or None
    if opened_on is None and day is not None:
        opened_on = min(day, office_today())
    return add_problem(store, firm_id=meeting.firm, title=title, text=text,
                       need_type=need_type, opened_on=opened_on, raised_in=meeting_id,
                       author=author, viewer=viewer)


def _edit_ledger(store: GraphStore, record: NeedRecord, change) -> None:
    """Apply `change(props) -> props to set` to the stored need, re-reading on a race."""
    def apply(node: Node) -> dict[str, Any]:
        if not is_problem(node.props):  # pragma: no cover - checked before, kept for races
            raise InvalidInput(key="ledger.not_problem", value=node.id,
                               where=at("where.problem"))
        return change(node.props)
    edit_node(store, record.node.id, apply)


def assign_problem(store: GraphStore, need_id: str, *, department: str | None = None,
                   person: str | None = None, due: str | None = None,
                   escalate_to: str | None = None, on: str | None = None,
                   viewer: Viewer = OPERATOR) -> ProblemView:
    """Give a problem its responsible department, person or due date, or escalate it."""
    record = _problem(store, need_id, viewer, "assign")
    where = _named(record)
    if not any((department, person, due, escalate_to)):
        raise InvalidInput(key="ledger.nothing_to_assign", where=where)
    person = _person(store, person, where.then("field.person"))
    due = _day(due, where.then("field.due"))
    day = _day(on, where.then("field.on")) or office_today()

    def change(props: dict[str, Any]) -> dict[str, Any]:
        ledger = dict(props.get("ledger") or {})
        if ledger.get("closed_on"):
            raise InvalidInput(key="ledger.closed_not_reassigned", params={
                "day": ledger["closed_on"]}, where=where)
        opened = ledger.get("opened_on")
        if due and opened and due < opened:
            raise InvalidInput(key="ledger.before_opened", params={"day": opened}, value=due,
                               where=where.then("field.due"))
        if escalate_to and opened and day < opened:
            raise InvalidInput(key="ledger.before_opened", params={"day": opened}, value=day,
                               where=where.then("field.on"))
        out: dict[str, Any] = {}
        if department:
            out["department"] = department.strip()
            ledger["routed_by"] = None
        if person:
            ledger["person"] = person
        if due:
            ledger["due"] = due
        if escalate_to:
            ledger["escalated_to"], ledger["escalated_on"] = escalate_to.strip(), day
        out["ledger"] = {k: v for k, v in ledger.items() if v is not None}
        return out

    _edit_ledger(store, record, change)
    return _view(store, need_id, viewer)


def add_step(store: GraphStore, need_id: str, *, text: str, on: str | None = None,
             by: str | None = None, answer: str | None = None,
             viewer: Viewer = OPERATOR) -> ProblemView:
    """Record a dated step (协调推进); with `answer`, the step gives the firm its answer."""
    record = _problem(store, need_id, viewer, "step")
    where = _named(record)
    if not (text or "").strip():
        raise InvalidInput(key="ledger.step_needs_text", where=where)
    day = on or office_today()

    def change(props: dict[str, Any]) -> dict[str, Any]:
        ledger = dict(props.get("ledger") or {})
        checked = check_step_date(day, ledger, where)
        step = {"on": checked, "text": text.strip(), **({"by": by} if by else {})}
        ledger["steps"] = sorted([*ledger.get("steps", []), step], key=lambda s: s["on"])
        out: dict[str, Any] = {"ledger": ledger}
        if answer and answer.strip():
            out["resolution"] = answer.strip()
            ledger["answered_on"] = checked
        return out

    _edit_ledger(store, record, change)
    return _view(store, need_id, viewer)


def close_problem(store: GraphStore, need_id: str, *, answer: str | None = None,
                  seen: str | None = None, closed_on: str | None = None,
                  viewer: Viewer = OPERATOR) -> ProblemView:
    """Close a problem (销号): only with an answer recorded and the day the firm saw it."""
    record = _problem(store, need_id, viewer, "close")
    where = _named(record)
    check_close(record.node.props, answer, seen, closed_on, where)  # refuse before writing
    _edit_ledger(store, record, lambda props: check_close(props, answer, seen, closed_on,
                                                          where))
    return _view(store, need_id, viewer)


def get_problem(store: GraphStore, need_id: str, *, today: str | None = None,
                viewer: Viewer = OPERATOR) -> ProblemView:
    """One ledger entry, if this viewer may read it (else NotFound, as an unknown id)."""
    record = need_record(store, need_id, viewer)
    if not is_problem(record.node.props):
        raise NotFound(key="ledger.not_in_ledger", value=need_id, where=at("where.problem"))
    return _view(store, need_id, viewer, today=today)


def list_problems(store: GraphStore, *, department: str | None = None,
                  state: str | None = None, overdue: bool = False, escalated: bool = False,
                  firm_id: str | None = None, today: str | None = None,
                  routing: Routing | None = None, raised_in: str | None = None,
                  viewer: Viewer = OPERATOR) -> ProblemList:
    """The ledger, or a department's part of it: filtered by state, overdue, escalated,
    the firm, the meeting or event it was raised in.

    An enterprise sees its own problems only (the state and answer, not who else
    has problems); most overdue first, then by due date.
    """
    if state is not None and state not in STATES:
        raise InvalidInput(key="ledger.not_state", params={"states": list(STATES)},
                           value=state, where=at("where.problem_list").then("field.state"))
    today = _day(today, at("where.problem_list").then("field.today")) or office_today()
    routing = routing or stored_routing(store)
    records = [r for r in visible_needs(store, viewer) if is_problem(r.node.props)]
    if firm_id:
        records = [r for r in records if r.firm is not None and r.firm.id == firm_id]
    if raised_in:
        records = [r for r in records
                   if (r.node.props.get("ledger") or {}).get("raised_in") == raised_in]
    departments = sorted({r.node.props["department"] for r in records
                          if r.node.props.get("department")})
    if department:
        records = [r for r in records if r.node.props.get("department") == department]
    names = _names(store, records)
    views = [ProblemView.of(r, names, today, routing.escalate_after_days) for r in records]
    if state:
        views = [v for v in views if v.state == state]
    if overdue:
        views = [v for v in views if v.overdue_days > 0 and v.state != "closed"]
    if escalated:
        views = [v for v in views if v.escalated and v.state != "closed"]
    views.sort(key=lambda v: (v.state == "closed", -v.overdue_days, v.due or "9999",
                              v.firm_name or "", v.title))
    return ProblemList(today, department, len(views), dict(Counter(v.state for v in views)),
                       sum(1 for v in views if v.overdue_days > 0),
                       sum(1 for v in views if v.escalated), departments, views)


def ledger_rows(problems: ProblemList, lang: str = "zh") -> list[list[str]]:
    """The ledger as the offices' table: 序号, 企业, 问题, 责任单位, 办理情况, 状态."""
    rows = []
    for number, p in enumerate(problems.items, start=1):
        done = [f"{s.on} {s.text}" for s in p.steps]
        if p.answer:
            done.append(f"答复（{p.answered_on or '日期未记录'}）：{p.answer}" if lang == "zh"
                        else f"answer ({p.answered_on or 'date not recorded'}): {p.answer}")
        status = problem_label(p.state, lang)
        notes = []  # what the office chases: days overdue, and an escalation (升级督办)
        if p.overdue_days and p.state != "closed":
            notes.append(f"逾期{p.overdue_days}天" if lang == "zh"
                         else f"{p.overdue_days} days overdue")
        if p.escalated and p.state != "closed":
            to = p.escalated_to
            notes.append((f"已升级至{to}" if to else "已升级") if lang == "zh"
                         else (f"escalated to {to}" if to else "escalated"))
        if notes:
            status += f"（{'，'.join(notes)}）" if lang == "zh" else f" ({'; '.join(notes)})"
        rows.append([str(number), p.firm_name or "", p.title,
                     p.department or "", "\n".join(done), status])
    return rows


def ledger_filename(problems: ProblemList) -> str:
    """A Content-Disposition header for the ledger's XLSX (UTF-8 name, RFC 6266).

    >>> from urllib.parse import unquote
    >>> header = ledger_filename(ProblemList("2020-01-01", "金融处", 0, {}, 0, 0, []))
    >>> unquote(header.split("UTF-8''")[1])
    '金融处-问题台账-2020-01-01.xlsx'
    """
    name = f"{problems.department or '全部'}-问题台账-{problems.today}.xlsx"
    return (f"attachment; filename=ledger-{problems.today}.xlsx; "
            f"filename*=UTF-8''{quote(name, safe='')}")


def ledger_workbook(problems: ProblemList) -> bytes:
    """A department's ledger as an XLSX file (every cell text, formula-safe)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "问题台账"
    title = f"{problems.department or '全部责任单位'} 问题台账（截至 {problems.today}）"
    sheet.append([safe_cell(title)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(LEDGER_COLUMNS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in ledger_rows(problems):
        sheet.append([safe_cell(v) for v in row])
    for column, width in zip("ABCDEF", (6, 28, 40, 24, 60, 14), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
