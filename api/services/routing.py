"""The routing table the office keeps (分办规则): problem type × region → department.

It lives in the graph as one `RoutingTable` node so organisers edit it on the web:
a save replaces the whole table in one write, checked against the revision the
editor read (a stale edit is refused, nothing written). Until one is saved, the
packaged table (`matcher/config/problem_routing.toml`) applies. The departments a
rule or an official may name are the table's declared departments, the ones its
rules name and the officials' own: anything else is an unknown department, refused
by name (a typo would route problems to nobody).

>>> from duijie.graph import open_store
>>> store = open_store(":memory:")
>>> table = routing_table(store)
>>> table.source, table.rev, "地方金融监管部门" in table.departments
('packaged', 0, True)
>>> saved = save_routing(store, rules=[
...     {"need_type": "*", "region": "*", "department": "企业服务办公室", "due_days": 20},
...     {"need_type": "financing", "region": "浙江", "department": "省金融办"}],
...     departments=["企业服务办公室", "省金融办"], rev=0)
>>> saved.source, saved.rev, stored_routing(store).rules[1].department
('stored', 1, '省金融办')
>>> save_routing(store, rules=[{"department": "省经信厅"}], departments=["企业服务办公室"],
...              rev=1)
Traceback (most recent call last):
...
duijie.graph.errors.InvalidInput: routing table, rule 1, department: '省经信厅' is not a \
known department (known: 企业服务办公室): add it to the departments first
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from duijie.api.services import Result
from duijie.api.services.access import Viewer
from duijie.graph.accounts import Role
from duijie.graph.errors import Forbidden, InvalidInput, Where, at
from duijie.graph.model import MAX_NAME, Node, Provenance
from duijie.graph.store import GraphStore, WriteBatch, iter_nodes, utc_now
from duijie.matcher.problems import (
    ANY,
    Routing,
    RoutingRule,
    check_problem_type,
    check_rule_fields,
    load_routing,
)

ROUTING_ID = "route:problems"
WHERE = at("where.routing_table")


@dataclass
class RuleView(Result):
    need_type: str
    region: str
    department: str
    due_days: int


@dataclass
class RoutingTableView(Result):
    """The table as organisers edit it: `rev` 0 while the packaged table applies."""

    source: str  # "packaged" or "stored"
    rev: int
    rules: list[RuleView]
    departments: list[str]  # every department a rule or an official may name
    escalate_after_days: int
    default_due_days: int


def _routing_of(props: Mapping[str, Any]) -> Routing:
    rules = tuple(RoutingRule(r.get("need_type", ANY), r.get("region", ANY), r["department"],
                              r.get("due_days", 30)) for r in props.get("rules", []))
    return Routing(rules, props.get("escalate_after_days", 15),
                   props.get("default_due_days", 30))


def _stored(store: GraphStore) -> Node | None:
    node = store.get_nodes([ROUTING_ID]).get(ROUTING_ID)
    return node if node is not None and node.kind == "RoutingTable" else None


def stored_routing(store: GraphStore) -> Routing:
    """The routing the ledger uses: the organisers' saved table, else the packaged one."""
    node = _stored(store)
    return _routing_of(node.props) if node is not None else load_routing()


def official_departments(store: GraphStore) -> set[str]:
    return {str(n.props.get("department")) for n in iter_nodes(store, "Official")
            if n.props.get("department")}


def known_departments(store: GraphStore) -> list[str]:
    """The departments a rule or an official may name (sorted)."""
    node = _stored(store)
    declared = node.props.get("departments", []) if node is not None else []
    routing = stored_routing(store)
    return sorted({*declared, *(r.department for r in routing.rules),
                   *official_departments(store)})


def routing_table(store: GraphStore) -> RoutingTableView:
    """The routing table in force, with its revision and the known departments."""
    node = _stored(store)
    routing = stored_routing(store)
    return RoutingTableView(
        "stored" if node is not None else "packaged", node.rev if node is not None else 0,
        [RuleView(r.need_type, r.region, r.department, r.due_days) for r in routing.rules],
        known_departments(store), routing.escalate_after_days, routing.default_due_days)


def _whole_days(value: Any, where: Where, least: int) -> int:
    try:
        days = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise InvalidInput(key="routing.not_whole_days", value=value, where=where) from None
    if isinstance(value, bool) or not least <= days <= 3650:
        raise InvalidInput(key="routing.days_between", params={"least": least},
                           value=value, where=where)
    return days


def _clean_text(value: Any, where: Where) -> str:
    text = str(value or "").strip()
    if len(text) > MAX_NAME:
        raise InvalidInput(key="routing.too_long", params={"most": MAX_NAME},
                           value=text[:40] + "…", where=where)
    return text


def check_rules(rules: Iterable[Mapping[str, Any]], known: set[str]) -> list[dict[str, Any]]:
    """The rules as stored, or the first problem with one, named by rule and field.

    >>> check_rules([{"need_type": "talent", "region": "*", "department": "人社厅"},
    ...              {"need_type": "talent", "region": "*", "department": "人社厅"}],
    ...             {"人社厅"})
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: routing table, rule 2: repeats rule 1 (talent @ *): \
one rule per problem type and region
    """
    out: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, raw in enumerate(rules, start=1):
        where = WHERE.then("where.rule", n=number)
        if not isinstance(raw, Mapping):
            raise InvalidInput(key="routing.not_rule_table", where=where)
        check_rule_fields(raw, where)
        need_type = check_problem_type(
            _clean_text(raw.get("need_type"), where.then("field.need_type")) or ANY, where)
        region = _clean_text(raw.get("region"), where.then("field.region")) or ANY
        department = _clean_text(raw.get("department"), where.then("field.department"))
        if not department:
            raise InvalidInput(key="routing.needs_department", where=where)
        if department not in known:
            raise InvalidInput(key="routing.unknown_department", params={
                "known": "、".join(sorted(known))}, value=department,
                where=where.then("field.department"))
        due = raw.get("due_days")
        due_days = 30 if due in (None, "") else _whole_days(
            due, where.then("field.due_days"), 1)
        key = (need_type, region)
        if key in seen:
            raise InvalidInput(key="routing.repeats_rule", params={
                "rule": seen[key], "type": need_type, "region": region}, where=where)
        seen[key] = number
        out.append({"need_type": need_type, "region": region, "department": department,
                    "due_days": due_days})
    if not out:
        raise InvalidInput(key="routing.no_rules", where=WHERE)
    return out


def save_routing(store: GraphStore, *, rules: Iterable[Mapping[str, Any]],
                 departments: Iterable[str] = (), escalate_after_days: Any = 15,
                 default_due_days: Any = 30, rev: int, author: str = "operator",
                 viewer: Viewer | None = None) -> RoutingTableView:
    """Replace the routing table, all or nothing, if it is still at revision `rev`.

    `departments` declares the office's departments; a rule may name those and the
    officials' departments. An organiser with a region scope may not change it
    (it routes every region's problems).
    """
    if viewer is not None and viewer.role is not None and (
            viewer.role is not Role.ORGANISER or viewer.scope):
        raise Forbidden(key="routing.unscoped_only", where=WHERE)
    declared = list(dict.fromkeys(
        d for d in (_clean_text(x, WHERE.then("field.departments")) for x in departments)
        if d))
    known = {*declared, *official_departments(store)}
    if not declared:  # nothing declared: the rules declare their own departments
        known |= {_clean_text(r.get("department"), WHERE) for r in rules
                  if isinstance(r, Mapping)} - {""}
    checked = check_rules(rules, known)
    escalate = _whole_days(escalate_after_days, WHERE.then("field.escalate_after_days"), 0)
    default_due = _whole_days(default_due_days, WHERE.then("field.default_due_days"), 1)
    batch = WriteBatch()
    batch.upsert_node(Node(ROUTING_ID, "RoutingTable", {
        "name": "问题分办规则", "rules": checked, "departments": declared,
        "escalate_after_days": escalate, "default_due_days": default_due},
        provenance=[Provenance(source=f"user:{author}", user=author, at=utc_now())]),
        replace_props=True, expect_rev=rev, where=WHERE)
    store.apply(batch)
    return routing_table(store)
