"""Contacts officials make with firms (双向联系), and the duty report.

A contact is recorded on the official; the problems the firm raised on it enter the
ledger (`problems`), routed to their department, in the same write. The duty report
sets, per official, the firms assigned (`contact_plan`) beside the contacts made.
Officials themselves are kept by `officials`.

>>> from duijie.graph import open_store
>>> from duijie.graph.model import Node
>>> from duijie.api.services.officials import add_official
>>> store = open_store(":memory:")
>>> with store.batch() as b:
...     b.upsert_node(Node("ent:a", "Enterprise", {"name": "甲", "industry": "红外"}))
>>> o = add_official(store, name="王", department="技术处", capacity=5)
>>> record_contact(store, o.id, "ent:a", on="2024-03-01").on_duty
False
>>> [(r.name, r.contacts_made, r.last_contact) for r in contact_duty(store).officials]
[('王', 1, '2024-03-01')]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from duijie.api.services import Result
from duijie.api.services.needs import office_today
from duijie.api.services.officials import get_official, needs_capacity
from duijie.api.services.problems import ProblemView, add_problem, list_problems
from duijie.graph.errors import InvalidInput, NotFound, at
from duijie.graph.model import Node, validate_props
from duijie.graph.store import GraphStore, WriteBatch, iter_edges, iter_nodes
from duijie.matcher.problems import Routing


@dataclass
class ContactRecorded(Result):
    official_id: str
    official_name: str
    firm_id: str
    firm_name: str
    on: str
    on_duty: bool  # the firm is one this official is assigned to
    note: str | None
    problems: list[ProblemView] = field(default_factory=list)
    illustrative: bool = False  # the firm is invented demo data (its name marked 示意)


@dataclass
class DutyRow(Result):
    id: str
    name: str
    department: str
    capacity: int
    firms_assigned: int
    firms_contacted: int
    contacts_made: int
    last_contact: str | None
    problems_raised: int
    problems_open: int
    problems_closed: int


@dataclass
class DutyFirm(Result):
    id: str
    name: str
    last_contact: str | None
    contacts: int
    open_problems: int
    illustrative: bool  # invented demo data (its name marked 示意)


@dataclass
class DutyReport(Result):
    today: str
    officials: list[DutyRow]
    firms: list[DutyFirm]  # the firms of one official, when one was asked for
    needs_capacity: list[str] = field(default_factory=list)  # names, of officials at 0


def _firm(store: GraphStore, firm_id: str) -> Node:
    node = store.get_nodes([firm_id]).get(firm_id)
    if node is None or node.kind != "Enterprise":
        raise NotFound(key="contacts.not_enterprise", value=str(firm_id)[:80],
                       where=at("where.firm"))
    return node


def record_contact(store: GraphStore, official_id: str, firm_id: str, *, on: str | None = None,
                   note: str | None = None, problems: list[dict[str, Any]] = (),
                   routing: Routing | None = None, author: str = "operator"
                   ) -> ContactRecorded:
    """Record a contact an official made with a firm, and the problems the firm raised.

    Each problem (``{"title", "need_type", "text"}``) enters the ledger with
    ``raised_by`` the official, routed to its department; the contact and its
    problems are one write (the official's record is checked for a concurrent
    change), so a bad problem leaves no contact behind.
    """
    official = get_official(store, official_id)
    if needs_capacity(official):  # its record cannot be written back until it has one
        raise InvalidInput(key="contacts.no_capacity_record", params={"name": official.name},
                           where=at("where.official_named", name=official.name).then(
                               "field.capacity"))
    firm = _firm(store, firm_id)
    day = validate_props("Need", {"deadline": on or office_today()},
                         at("where.contact").then("field.on"), partial=True)["deadline"]
    batch = WriteBatch()
    views = [add_problem(store, firm_id=firm_id, title=p.get("title", ""), text=p.get("text"),
                         need_type=p.get("need_type", "problem"), opened_on=day,
                         raised_by=official_id, routing=routing, author=author, batch=batch)
             for p in problems]
    record = {"firm": firm_id, "on": day, "note": note, "problems": [v.id for v in views]}
    contacts = [*official.props.get("contacts", []), {k: v for k, v in record.items() if v}]
    contacts.sort(key=lambda c: c["on"])
    props = validate_props("Official", {**official.props, "contacts": contacts},
                           at("where.official_named", name=official.name).then("where.contact"))
    batch.upsert_node(Node(official.id, "Official", props, provenance=official.provenance,
                           confidentiality=official.confidentiality),
                      replace_props=True, expect_rev=official.rev, where="contact")
    store.apply(batch)
    on_duty = bool(store.find_edges("contact_for", src=official_id, dst=firm_id, limit=1))
    return ContactRecorded(official.id, official.shown_name, firm.id, firm.shown_name, day, on_duty,
                           note, views, firm.illustrative)


def contact_duty(store: GraphStore, *, official_id: str | None = None,
                 today: str | None = None) -> DutyReport:
    """Per official: firms assigned and contacted, contacts made, problems raised and their
    state; with `official_id`, that official's firms with their last contact."""
    today = today or office_today()
    officials = [get_official(store, official_id)] if official_id else list(
        iter_nodes(store, "Official"))
    assigned: dict[str, set[str]] = defaultdict(set)
    for e in iter_edges(store, "contact_for", page_size=5000):
        assigned[e.src].add(e.dst)
    problems = {p.id: p for p in list_problems(store, today=today).items}
    rows, firms = [], []
    for o in officials:
        contacts = o.props.get("contacts", [])
        raised = [problems[pid] for c in contacts for pid in c.get("problems", [])
                  if pid in problems]
        contacted = {c["firm"] for c in contacts}
        rows.append(DutyRow(o.id, o.shown_name, o.props["department"], o.props.get("capacity", 20),
                            len(assigned[o.id]), len(assigned[o.id] & contacted), len(contacts),
                            max((c["on"] for c in contacts), default=None), len(raised),
                            sum(1 for p in raised if p.state != "closed"),
                            sum(1 for p in raised if p.state == "closed")))
    if official_id:
        o = officials[0]
        contacts = o.props.get("contacts", [])
        nodes = store.get_nodes(assigned[o.id])
        names = {i: n.shown_name for i, n in nodes.items()}
        for fid in sorted(assigned[o.id], key=lambda i: names.get(i, i)):
            mine = [c for c in contacts if c["firm"] == fid]
            firms.append(DutyFirm(fid, names.get(fid, fid), max((c["on"] for c in mine),
                                                                default=None), len(mine),
                                  sum(1 for p in problems.values()
                                      if p.firm_id == fid and p.state != "closed"),
                                  fid in nodes and nodes[fid].illustrative))
    rows.sort(key=lambda r: (r.department, r.name))
    return DutyReport(today, rows, firms,
                      sorted(o.shown_name for o in officials if needs_capacity(o)))
