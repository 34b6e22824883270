"""The problem ledger's rules, as pure functions: routing, states, what a change may do.

A problem (a need of type 问题/政策/融资/人才, or one raised on a visit or at a
meeting) is routed to a department by rules held as data (problem type and region →
department, `config/problem_routing.toml`), gets a person and a due date, collects
dated steps, and is closed (销号) only with an answer the firm has seen. Its state is
derived from that record, never stored beside it, so the two cannot disagree.

>>> rules = load_routing()
>>> route = route_problem("financing", "济南", rules, region_ancestors={"济南": ["山东"]})
>>> route.department, route.due_days
('地方金融监管部门', 30)
>>> ledger_state({"department": "地方金融监管部门", "ledger": {"due": "2020-01-10"}},
...              today="2020-01-31").to_dict()
{'state': 'assigned', 'overdue_days': 21, 'escalated': True}
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from typing import Any

from duijie.graph.errors import InvalidInput, Where, at
from duijie.graph.vocab import PROBLEM_NEED_TYPES, NeedType, ProblemState, values
from duijie.matcher.region_paths import normalise_place, region_path

DEFAULT_ROUTING = "config/problem_routing.toml"
ANY = "*"


@dataclass(frozen=True)
class RoutingRule:
    """Problems of `need_type` in `region` go to `department`, due in `due_days`."""

    need_type: str
    region: str
    department: str
    due_days: int

    @property
    def label(self) -> str:
        return f"{self.need_type} @ {self.region} → {self.department}"


@dataclass(frozen=True)
class Routing:
    """The routing table and the ledger's clock: when overdue becomes escalated."""

    rules: tuple[RoutingRule, ...]
    escalate_after_days: int = 15
    default_due_days: int = 30


@dataclass(frozen=True)
class Route:
    department: str | None
    due_days: int
    rule: str | None  # the matching rule, as its label; None when none matched


@dataclass(frozen=True)
class LedgerState:
    state: str
    overdue_days: int  # 0 when not overdue (or closed)
    escalated: bool

    def to_dict(self) -> dict[str, Any]:
        return {"state": self.state, "overdue_days": self.overdue_days,
                "escalated": self.escalated}


def _day(value: date | str | None, where: Where) -> date:
    if value is None:
        return date.today()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:  # fromisoformat alone would take 20240101 and 2024-W01-1 too
        if len(text) != 10 or text[4] != "-" or text[7] != "-":
            raise ValueError("write it as YYYY-MM-DD")
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(key="dates.not_calendar_day", params={"reason": str(exc)},
                           value=value, where=where) from None


RULE_FIELDS = frozenset({"need_type", "region", "department", "due_days"})


def check_rule_fields(raw: Mapping[str, Any], where: Where) -> None:
    """Refuse a routing rule that names a field rules do not have.

    >>> check_rule_fields({"department": "x", "colour": "red"}, at("where.rule", n=1))
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: rule 1: ['colour'] unknown field(s)
    """
    extra = set(raw) - RULE_FIELDS
    if extra:
        raise InvalidInput(key="routing.unknown_fields", value=sorted(extra), where=where)


def check_problem_type(need_type: str, where: Where) -> str:
    """A rule's problem type, or `InvalidInput` naming the rule's field.

    >>> check_problem_type("talent", at("where.rule", n=1))
    'talent'
    """
    if need_type not in (*values(NeedType), ANY):
        raise InvalidInput(key="routing.not_problem_type", value=need_type,
                           where=where.then("field.need_type"))
    return need_type


def parse_routing(text: str, source: str | None = None) -> Routing:
    """A routing table from TOML text (the layout of ``problem_routing.toml``).

    >>> parse_routing('[[rule]]\\nneed_type = "talent"\\nregion = "*"\\ndepartment = "人社厅"\\n'
    ...               ).rules[0].due_days
    30
    >>> parse_routing('[[rule]]\\nneed_type = "loan"\\nregion = "*"\\ndepartment = "x"\\n')
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: routing rules, rule 1, need_type: 'loan' is not a \
problem type (problem, policy, financing, talent, technology or *)
    """
    source_at = Where(source) if source else at("where.routing_rules")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(key="routing.not_toml", params={"reason": str(exc)},
                           where=source_at) from None
    unknown = set(data) - {"rule", "escalate_after_days", "default_due_days"}
    if unknown:
        raise InvalidInput(key="routing.unknown_settings", value=sorted(unknown),
                           where=source_at)
    default_due = data.get("default_due_days", 30)
    escalate = data.get("escalate_after_days", 15)
    for field_at, value in (("field.default_due_days", default_due),
                            ("field.escalate_after_days", escalate)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise InvalidInput(key="routing.days_at_least", params={"least": 0}, value=value,
                               where=source_at.then(field_at))
    rules = []
    for i, raw in enumerate(data.get("rule") or [], start=1):
        where = source_at.then("where.rule", n=i)
        if not isinstance(raw, dict):
            raise InvalidInput(key="routing.not_table", where=where)
        check_rule_fields(raw, where)
        need_type = check_problem_type(raw.get("need_type", ANY), where)
        department = str(raw.get("department") or "").strip()
        if not department:
            raise InvalidInput(key="routing.needs_department", where=where)
        due = raw.get("due_days", default_due)
        if not isinstance(due, int) or isinstance(due, bool) or due < 1:
            raise InvalidInput(key="routing.days_at_least", params={"least": 1}, value=due,
                               where=where.then("field.due_days"))
        rules.append(RoutingRule(need_type, str(raw.get("region") or ANY).strip(),
                                 department, due))
    return Routing(tuple(rules), escalate, default_due)


def load_routing(text: str | None = None) -> Routing:
    """The packaged routing table, or the one in `text`."""
    if text is None:
        text = resources.files("duijie.matcher").joinpath(DEFAULT_ROUTING).read_text("utf-8")
        return parse_routing(text, DEFAULT_ROUTING)
    return parse_routing(text)


def route_problem(need_type: str, region: str | None, routing: Routing, *,
                  region_ancestors: Mapping[str, Iterable[str]] | None = None) -> Route:
    """The department a problem goes to: the most specific matching rule.

    A rule naming the type beats one with "*"; among those, a rule for the region
    itself beats one for a region it lies in (nearest first, through the graph's
    hierarchy and the gazetteer: `region_paths.region_path`, the same path programme
    eligibility reads), which beats "*". Ties keep the table's order.

    >>> table = parse_routing('[[rule]]\\nregion = "浙江"\\ndepartment = "省厅"\\n'
    ...                       '[[rule]]\\nregion = "绍兴"\\ndepartment = "市局"\\n')
    >>> route_problem("problem", "绍兴市", table).department
    '市局'
    >>> route_problem("problem", "北京", table).department is None
    True
    >>> route_problem("problem", "柯桥区", table).department  # the gazetteer: 柯桥 in 绍兴
    '市局'
    """
    chain = region_path(region, region_ancestors) if region else []
    best: tuple[tuple[int, int, int], RoutingRule] | None = None
    for order, rule in enumerate(routing.rules):
        if rule.need_type not in (ANY, need_type):
            continue
        if rule.region == ANY:
            distance = len(chain) + 1
        else:
            wanted = normalise_place(rule.region)
            if wanted not in chain:
                continue
            distance = chain.index(wanted)
        key = (0 if rule.need_type != ANY else 1, distance, order)
        if best is None or key < best[0]:
            best = (key, rule)
    if best is None:
        return Route(None, routing.default_due_days, None)
    return Route(best[1].department, best[1].due_days, best[1].label)


def is_problem(props: Mapping[str, Any]) -> bool:
    """A need is a problem when its type is one, or it carries a ledger record.

    >>> is_problem({"need_type": "talent"}), is_problem({"need_type": "technology"})
    (True, False)
    """
    return props.get("need_type") in PROBLEM_NEED_TYPES or bool(props.get("ledger"))


def ledger_state(props: Mapping[str, Any], today: date | str | None = None, *,
                 escalate_after_days: int = 15) -> LedgerState:
    """Where a problem stands, from its need's props (``department``, ``resolution``,
    ``ledger``), and how many days it is overdue.

    Escalated: overdue by more than `escalate_after_days`, or escalated by hand
    (``ledger.escalated_on``) and still open.

    >>> ledger_state({"resolution": "已说明", "ledger": {"answered_on": "2019-06-01",
    ...               "firm_seen_on": "2019-06-02", "closed_on": "2019-06-02"}}).state
    'closed'
    """
    ledger = props.get("ledger") or {}
    today = _day(today, at("field.today"))
    if ledger.get("closed_on"):
        return LedgerState(ProblemState.CLOSED.value, 0, False)
    if props.get("resolution"):  # an answer is recorded (its date may be unknown)
        state = ProblemState.ANSWERED
    elif ledger.get("steps"):
        state = ProblemState.IN_PROGRESS
    elif props.get("department"):
        state = ProblemState.ASSIGNED
    else:
        state = ProblemState.UNASSIGNED
    overdue = 0
    if ledger.get("due"):
        overdue = max(0, (today - date.fromisoformat(ledger["due"])).days)
    escalated = overdue > escalate_after_days or bool(ledger.get("escalated_on"))
    return LedgerState(state.value, overdue, escalated)


def due_date(opened_on: date | str, due_days: int) -> str:
    """The due date `due_days` after opening.

    >>> due_date("2019-12-20", 30)
    '2020-01-19'
    """
    return (_day(opened_on, at("field.opened_on")) + timedelta(days=due_days)).isoformat()


def check_step_date(on: date | str, ledger: Mapping[str, Any], where: Where) -> str:
    """A step's date as ISO text; refused before the problem was opened or after closing.

    >>> check_step_date("2019-05-01", {"opened_on": "2019-05-20"},
    ...                 at("where.problem_named", title="贷款难"))
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: problem 贷款难, step date: '2019-05-01' is before \
the problem was opened (2019-05-20)
    """
    day = _day(on, where.then("field.step_date")).isoformat()
    opened = ledger.get("opened_on")
    if opened and day < opened:
        raise InvalidInput(key="ledger.before_opened", params={"day": opened}, value=day,
                           where=where.then("field.step_date"))
    if ledger.get("closed_on"):
        raise InvalidInput(key="ledger.closed_no_steps", params={"day": ledger["closed_on"]},
                           where=where)
    return day


def check_close(props: Mapping[str, Any], answer: str | None, firm_seen_on: str | None,
                closed_on: date | str | None, where: Where) -> dict[str, Any]:
    """The props that close a problem (销号), or a clear refusal.

    Closing needs an answer (given now, or recorded before) and the day the firm saw
    it; neither may predate the opening, and the close cannot predate the firm
    seeing the answer.

    >>> check_close({"ledger": {}}, None, "2019-06-01", "2019-06-02",
    ...             at("where.problem_named", title="贷款难"))
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: problem 贷款难: closing needs a recorded answer: \
give the answer the firm received
    """
    ledger = dict(props.get("ledger") or {})
    if ledger.get("closed_on"):
        raise InvalidInput(key="ledger.already_closed", params={"day": ledger["closed_on"]},
                           where=where)
    text = (answer or "").strip() or props.get("resolution")
    if not text:
        raise InvalidInput(key="ledger.no_answer", where=where)
    if not firm_seen_on:
        raise InvalidInput(key="ledger.no_seen", where=where)
    seen = _day(firm_seen_on, where.then("field.seen"))
    closed = _day(closed_on, where.then("field.closed")) if closed_on else seen
    opened = ledger.get("opened_on")
    if opened and seen.isoformat() < opened:
        raise InvalidInput(key="ledger.before_opened", params={"day": opened},
                           value=seen.isoformat(), where=where.then("field.seen"))
    if closed < seen:
        raise InvalidInput(key="ledger.before_seen", params={"day": seen.isoformat()},
                           value=closed.isoformat(), where=where.then("field.closed"))
    if answer and answer.strip() != props.get("resolution"):
        ledger["answered_on"] = seen.isoformat()  # a new answer: given by the time it was seen
    # else: an answer recorded before keeps its date, unknown if it had none
    ledger.update(firm_seen_on=seen.isoformat(), closed_on=closed.isoformat())
    return {"resolution": text, "ledger": ledger}
