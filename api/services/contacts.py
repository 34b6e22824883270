"""Contact duty (双向联系): officials, their firms by fit, the contacts they make.

Officials are nodes of kind Official (department, fields, regions, capacity). The
plan gives every firm one official (`matcher.contact_duty` on the events'
assignment engine) and stores it as `contact_for` edges, keeping the pairs of an
earlier plan unless asked to start afresh. A contact is recorded on the
official; the problems the firm raised on it enter the ledger (`problems`), routed
to their department, in the same write.

>>> from duijie.graph import open_store
>>> from duijie.graph.model import Node
>>> store = open_store(":memory:")
>>> with store.batch() as b:
...     b.upsert_node(Node("ent:a", "Enterprise", {"name": "甲", "industry": "红外"}))
>>> _ = add_official(store, name="王", department="技术处", fields=["红外"], capacity=5)
>>> plan = plan_contacts(store)
>>> [(a.firm_name, a.official_name, a.reasons) for a in plan.assignments]
[('甲', '王', [{'code': 'field', 'value': '红外'}])]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from duijie.api.services import Result
from duijie.api.services.needs import office_today
from duijie.api.services.problems import ProblemView, add_problem, list_problems
from duijie.api.services.regions import ancestor_map
from duijie.graph.errors import InvalidInput, NotFound
from duijie.graph.model import Edge, Node, Provenance, new_id, validate_props
from duijie.graph.store import GraphStore, WriteBatch, iter_edges, iter_nodes, utc_now
from duijie.matcher.contact_duty import Firm, Official, assign_contacts, reason_text
from duijie.matcher.problems import Routing, is_problem, ledger_state


@dataclass
class OfficialView(Result):
    id: str
    name: str
    department: str
    title: str | None
    fields: list[str]
    regions: list[str]
    capacity: int
    rev: int
    needs_capacity: bool = False  # stored with capacity 0 (before 1 or more was required)

    @classmethod
    def of(cls, node: Node) -> OfficialView:
        p = node.props
        return cls(node.id, node.name, p["department"], p.get("title"), p.get("fields", []),
                   p.get("regions", []), p.get("capacity", 20), node.rev,
                   needs_capacity(node))


def needs_capacity(node: Node) -> bool:
    """True for an official stored without a usable capacity: a store written before
    capacities had to be 1 or more may hold 0. Such an official is read and listed as
    needing one, and left out of the plan, instead of breaking contact duty.

    >>> needs_capacity(Node("off:x", "Official", {"name": "休假", "capacity": 0}))
    True
    >>> needs_capacity(Node("off:y", "Official", {"name": "王"}))  # the default, 20
    False
    """
    capacity = node.props.get("capacity", 20)
    return isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1


@dataclass
class NeedsCapacity(Result):
    """An official left out of the plan until given a capacity."""

    id: str
    name: str
    department: str
    firms_before: int  # the firms they held, now given to others (0 if none)


@dataclass
class ContactAssignment(Result):
    firm_id: str
    firm_name: str
    official_id: str
    official_name: str
    department: str
    score: float
    reasons: list[dict[str, str]]  # {"code": field|department|region|capacity, "value"}
    source: str
    illustrative: bool  # the firm is invented demo data (its name marked 示意)


@dataclass
class OfficialLoad(Result):
    id: str
    name: str
    department: str
    capacity: int
    assigned: int


@dataclass
class ContactPlanResult(Result):
    firms: int
    officials: int
    covered_by_fit: int
    by_capacity: int
    kept: int
    total_score: float
    assignments: list[ContactAssignment]
    load: list[OfficialLoad]
    unassigned: list[str]
    diagnostics: list[str]
    needs_capacity: list[NeedsCapacity] = field(default_factory=list)


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


def _official(store: GraphStore, official_id: str) -> Node:
    node = store.get_nodes([official_id]).get(official_id)
    if node is None or node.kind != "Official":
        raise NotFound("is not an official", value=str(official_id)[:80], where="official")
    return node


def _firm(store: GraphStore, firm_id: str) -> Node:
    node = store.get_nodes([firm_id]).get(firm_id)
    if node is None or node.kind != "Enterprise":
        raise NotFound("is not an enterprise", value=str(firm_id)[:80], where="firm")
    return node


def add_official(store: GraphStore, *, name: str, department: str, fields: list[str] = (),
                 regions: list[str] = (), capacity: int = 20, title: str | None = None,
                 official_id: str | None = None, author: str = "operator") -> OfficialView:
    """Add (or update, by id) an official who keeps contact with firms.

    A capacity of 0 is refused, as on an edit and in the plan: an official on duty keeps
    contact with at least one firm. Nothing is written on a refusal.

    >>> from duijie.graph import open_store
    >>> store = open_store(":memory:")
    >>> add_official(store, name="休假", department="综合处", capacity=0)
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: official 休假, capacity: 休假 has capacity 0: an \
official on duty keeps contact with at least one firm; give 1 or more
    >>> store.find_nodes("Official")
    []
    """
    _check_capacity(capacity, name, f"official {name}")
    props = validate_props("Official", {
        "name": name, "department": department, "fields": list(fields),
        "regions": list(regions), "capacity": capacity, "title": title}, "official")
    official_id = official_id or new_id("Official", department, name)
    with store.batch() as batch:
        batch.upsert_node(Node(official_id, "Official", {k: v for k, v in props.items()
                                                         if v is not None},
                               provenance=[Provenance(source=f"user:{author}", at=utc_now())]),
                          where="official")
    return OfficialView.of(store.get_node(official_id))


def _check_capacity(capacity: Any, name: str, where: str) -> None:
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 0:
        raise InvalidInput("must be a whole number of firms", value=capacity,
                           where=f"{where}, capacity")
    if capacity == 0:
        raise InvalidInput(f"{name} has capacity 0: an official on duty keeps "
                           "contact with at least one firm; give 1 or more",
                           where=f"{where}, capacity")


def update_official(store: GraphStore, official_id: str, *, rev: int,
                    department: str | None = None, capacity: int | None = None,
                    fields: list[str] | None = None, regions: list[str] | None = None,
                    title: str | None = None, author: str = "operator") -> OfficialView:
    """Change an official's department, capacity, fields, regions or title, if the record
    is still at revision `rev` (else `Conflict`: someone changed it since it was read).

    A capacity of 0 is refused (an official on duty keeps contact with at least one
    firm), and so is a department the routing table does not know (a typo would give
    the official no problems to answer for). Nothing is written on a refusal.

    >>> from duijie.graph import open_store
    >>> store = open_store(":memory:")
    >>> o = add_official(store, name="王", department="企业服务办公室", capacity=5)
    >>> update_official(store, o.id, rev=o.rev, capacity=8, fields=["红外"]).capacity
    8
    >>> update_official(store, o.id, rev=o.rev + 1, department="不存在的处")
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: official 王, department: '不存在的处' is not a known \
department: choose one of the routing table's departments or add it there first
    """
    from duijie.api.services.routing import known_departments

    node = _official(store, official_id)
    where = f"official {node.name}"
    changes: dict[str, Any] = {}
    if capacity is not None:
        _check_capacity(capacity, node.name, where)
        changes["capacity"] = capacity
    elif needs_capacity(node):
        raise InvalidInput(f"{node.name} has no capacity yet (0, stored before capacities "
                           "were required): give one (1 or more) in this edit",
                           where=f"{where}, capacity")
    if department is not None and department.strip() != node.props.get("department"):
        department = department.strip()
        if department not in known_departments(store):
            raise InvalidInput("is not a known department: choose one of the routing table's "
                               "departments or add it there first", value=department,
                               where=f"{where}, department")
        changes["department"] = department
    for key, value in (("fields", fields), ("regions", regions)):
        if value is not None:
            changes[key] = list(dict.fromkeys(v.strip() for v in value if v and v.strip()))
    if title is not None:
        changes["title"] = title.strip() or None
    if not changes:
        raise InvalidInput("says nothing to change: give a department, capacity, fields, "
                           "regions or title", where=where)
    props = validate_props("Official", {**node.props, **changes}, where)
    batch = WriteBatch()
    batch.upsert_node(Node(node.id, "Official", {k: v for k, v in props.items()
                                                 if v is not None},
                           provenance=[Provenance(source=f"user:{author}", at=utc_now())]),
                      replace_props=True, expect_rev=rev, where=where)
    store.apply(batch)
    return OfficialView.of(store.get_node(official_id))


@dataclass
class OfficialList(Result):
    officials: list[OfficialView]
    count: int


def list_officials(store: GraphStore) -> list[OfficialView]:
    return sorted((OfficialView.of(n) for n in iter_nodes(store, "Official")),
                  key=lambda o: (o.department, o.name, o.id))


def official_list(store: GraphStore) -> OfficialList:
    """Every official, by department and name."""
    rows = list_officials(store)
    return OfficialList(rows, len(rows))


def _firm_facts(store: GraphStore, firms: list[Node]) -> list[Firm]:
    """Each firm's terms (industry, its needs' topics), region chain, problem departments."""
    wanted = {f.id for f in firms}
    needs_of: dict[str, list[str]] = defaultdict(list)
    for e in iter_edges(store, "submitted", page_size=5000):
        if e.src in wanted:
            needs_of[e.src].append(e.dst)
    need_ids = {n for ns in needs_of.values() for n in ns}
    topics_of: dict[str, list[str]] = defaultdict(list)
    for e in iter_edges(store, "about_topic", page_size=5000):
        if e.src in need_ids:
            topics_of[e.src].append(e.dst)
    topic_names = {i: n.name for i, n in store.get_nodes(
        {t for ts in topics_of.values() for t in ts}).items()}
    needs = store.get_nodes(need_ids)
    ancestors = ancestor_map(store, [f.props.get("region") for f in firms])
    out = []
    for f in firms:
        terms = [f.props["industry"]] if f.props.get("industry") else []
        departments = []
        for nid in needs_of.get(f.id, []):
            terms += [topic_names[t] for t in topics_of.get(nid, []) if t in topic_names]
            need = needs.get(nid)
            if need is not None and is_problem(need.props) and need.props.get("department") \
                    and ledger_state(need.props).state != "closed":
                departments.append(need.props["department"])
        region = f.props.get("region")
        chain = (region, *ancestors.get(region, [])) if region else ()
        out.append(Firm(f.id, f.name, tuple(dict.fromkeys(terms)), chain,
                        tuple(dict.fromkeys(departments))))
    return out


def plan_contacts(store: GraphStore, *, firm_ids: list[str] | None = None, fresh: bool = False,
                  fair: bool = False, author: str = "operator") -> ContactPlanResult:
    """Give every firm (or those named) one official, by fit under capacity, and store it.

    Pairs of an earlier plan are kept unless `fresh`. One write: the new
    `contact_for` edges and the removal of replaced ones; a refusal writes nothing.
    """
    everyone = list(iter_nodes(store, "Official"))
    officials = [o for o in everyone if not needs_capacity(o)]
    left_out = [o for o in everyone if needs_capacity(o)]
    if firm_ids is None:
        firms = list(iter_nodes(store, "Enterprise", page_size=5000))
    else:
        found = store.get_nodes(firm_ids)
        missing = [f for f in firm_ids if f not in found or found[f].kind != "Enterprise"]
        if missing:
            raise InvalidInput("are not enterprises in this graph", value=missing[:5],
                               where="contact plan, firms")
        firms = [found[f] for f in dict.fromkeys(firm_ids)]
    if not firms:
        raise InvalidInput("there are no firms to assign", where="contact plan")
    firm_set = {f.id for f in firms}
    existing = [e for e in iter_edges(store, "contact_for", page_size=5000) if e.dst in firm_set]
    on_duty = {o.id for o in officials}
    keep = set() if fresh else {(e.dst, e.src) for e in existing if e.src in on_duty}
    try:
        plan = assign_contacts(_firm_facts(store, firms), [
            Official(o.id, o.name, o.props["department"], tuple(o.props.get("fields", [])),
                     tuple(o.props.get("regions", [])), o.props.get("capacity", 20))
            for o in officials], keep=keep, fair=fair)
    except InvalidInput as refused:
        if not left_out:
            raise
        raise InvalidInput(refused.message, where=refused.where, problems=[
            *refused.problems, *(_left_out_line(o) for o in left_out)]) from None
    chosen = {(a.official, a.firm) for a in plan.assignments}
    today = office_today()
    batch = WriteBatch()
    for e in existing:
        if (e.src, e.dst) not in chosen:
            batch.delete_edge(e.id)
    provenance = Provenance(source=f"user:{author}", at=utc_now())
    for a in plan.assignments:
        if a.source != "kept":
            batch.upsert_edge(Edge(a.official, "contact_for", a.firm, {
                "score": a.score, "since": today,
                "note": "；".join(reason_text(c, v) for c, v in a.reasons)[:300]},
                provenance=[provenance]))
    if len(batch):
        store.apply(batch)
    onames = {o.id: o for o in officials}
    by_id = {f.id: f for f in firms}
    rows = [ContactAssignment(a.firm, by_id[a.firm].shown_name, a.official,
                              onames[a.official].name, onames[a.official].props["department"],
                              a.score, [{"code": c, "value": v} for c, v in a.reasons],
                              a.source, by_id[a.firm].illustrative)
            for a in plan.assignments]
    load = [OfficialLoad(o.id, o.name, o.props["department"], o.props.get("capacity", 20),
                         plan.load.get(o.id, 0)) for o in officials]
    held = defaultdict(int)
    for e in existing:
        held[e.src] += 1
    return ContactPlanResult(len(firms), len(officials), plan.covered_by_fit,
                             sum(1 for a in plan.assignments if a.source == "capacity"),
                             sum(1 for a in plan.assignments if a.source == "kept"),
                             plan.total_score, rows, load, plan.unassigned, plan.diagnostics,
                             [NeedsCapacity(o.id, o.name, o.props["department"], held[o.id])
                              for o in sorted(left_out, key=lambda o: o.name)])


def _left_out_line(official: Node) -> str:
    return (f"official {official.name} ({official.id}) has no capacity (0, stored before "
            "capacities were required) and was left out: give them one with official edit "
            "--capacity")


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
    official = _official(store, official_id)
    if needs_capacity(official):  # its record cannot be written back until it has one
        raise InvalidInput(f"{official.name} has no capacity yet (0, stored before capacities "
                           "were required): give one (1 or more) with official edit before "
                           "recording contacts", where=f"official {official.name}, capacity")
    firm = _firm(store, firm_id)
    day = validate_props("Need", {"deadline": on or office_today()}, "contact, on",
                         partial=True)["deadline"]
    batch = WriteBatch()
    views = [add_problem(store, firm_id=firm_id, title=p.get("title", ""), text=p.get("text"),
                         need_type=p.get("need_type", "problem"), opened_on=day,
                         raised_by=official_id, routing=routing, author=author, batch=batch)
             for p in problems]
    record = {"firm": firm_id, "on": day, "note": note, "problems": [v.id for v in views]}
    contacts = [*official.props.get("contacts", []), {k: v for k, v in record.items() if v}]
    contacts.sort(key=lambda c: c["on"])
    props = validate_props("Official", {**official.props, "contacts": contacts},
                           f"contact of {official_id}")
    batch.upsert_node(Node(official.id, "Official", props, provenance=official.provenance,
                           confidentiality=official.confidentiality),
                      replace_props=True, expect_rev=official.rev, where="contact")
    store.apply(batch)
    on_duty = bool(store.find_edges("contact_for", src=official_id, dst=firm_id, limit=1))
    return ContactRecorded(official.id, official.name, firm.id, firm.shown_name, day, on_duty,
                           note, views, firm.illustrative)


def contact_duty(store: GraphStore, *, official_id: str | None = None,
                 today: str | None = None) -> DutyReport:
    """Per official: firms assigned and contacted, contacts made, problems raised and their
    state; with `official_id`, that official's firms with their last contact."""
    today = today or office_today()
    officials = [_official(store, official_id)] if official_id else list(
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
        rows.append(DutyRow(o.id, o.name, o.props["department"], o.props.get("capacity", 20),
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
                      sorted(o.name for o in officials if needs_capacity(o)))
