"""The contact plan (双向联系): every firm given one official by fit under capacity.

The plan uses `matcher.contact_duty` on the events' assignment engine and is stored
as `contact_for` edges, keeping the pairs of an earlier plan unless asked to start
afresh. An official stored without a capacity is left out and named.

>>> from duijie.graph import open_store
>>> from duijie.graph.model import Node
>>> from duijie.api.services.officials import add_official
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

from duijie.api.services import Result
from duijie.api.services.needs import office_today
from duijie.api.services.officials import needs_capacity
from duijie.api.services.regions import ancestor_map
from duijie.graph.errors import InvalidInput, Said, at
from duijie.graph.model import Edge, Node, Provenance
from duijie.graph.store import GraphStore, WriteBatch, iter_edges, iter_nodes, utc_now
from duijie.matcher.contact_duty import Firm, Official, assign_contacts, reason_text
from duijie.matcher.problems import is_problem, ledger_state


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
            raise InvalidInput(key="contacts.not_enterprises", value=missing[:5],
                               where=at("where.contact_plan").then("field.firms"))
        firms = [found[f] for f in dict.fromkeys(firm_ids)]
    if not firms:
        raise InvalidInput(key="contacts.no_firms", where=at("where.contact_plan"))
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
        raise InvalidInput(refused.said or refused.message, where=refused.where, problems=[
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
                              onames[a.official].shown_name, onames[a.official].props["department"],
                              a.score, [{"code": c, "value": v} for c, v in a.reasons],
                              a.source, by_id[a.firm].illustrative)
            for a in plan.assignments]
    load = [OfficialLoad(o.id, o.shown_name, o.props["department"], o.props.get("capacity", 20),
                         plan.load.get(o.id, 0)) for o in officials]
    held = defaultdict(int)
    for e in existing:
        held[e.src] += 1
    return ContactPlanResult(len(firms), len(officials), plan.covered_by_fit,
                             sum(1 for a in plan.assignments if a.source == "capacity"),
                             sum(1 for a in plan.assignments if a.source == "kept"),
                             plan.total_score, rows, load, plan.unassigned, plan.diagnostics,
                             [NeedsCapacity(o.id, o.shown_name, o.props["department"], held[o.id])
                              for o in sorted(left_out, key=lambda o: o.name)])


def _left_out_line(official: Node) -> Said:
    return Said("contacts.left_out", name=official.name, id=official.id)
