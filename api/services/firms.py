"""A firm's profile (精准画像) and pushing a programme to the firms that qualify (服务找企业).

The profile gathers what the graph knows of one firm: what it is (with where each
fact came from), its technology needs and their status, its meetings and outcomes, its
problems in the ledger (each once, with its ledger state), and the programmes it
qualifies for now or with one condition changed, ranked by value. The push lists every
firm that qualifies for a programme and neither holds it nor has applied.

>>> from duijie.graph import open_store
>>> from duijie.api.services.seeding import load_seed
>>> store = open_store(":memory:"); _ = load_seed(store)
>>> push = push_programme(store, "prog:high-tech-enterprise", today="2024-01-01")
>>> push.holders > 0 and all(f.id not in push.held_by for f in push.firms)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from duijie.api.services import Result
from duijie.api.services.access import Viewer, in_scope
from duijie.api.services.needs import OPERATOR, office_today, visible_needs
from duijie.api.services.problems import ProblemView, list_problems
from duijie.api.services.regions import ancestor_map
from duijie.graph.accounts import Role
from duijie.graph.errors import Forbidden, InvalidInput, NotFound, at
from duijie.graph.model import Edge, Node, Provenance, shown_name
from duijie.graph.store import GraphStore, WriteBatch, iter_nodes, utc_now
from duijie.matcher.eligibility import DataToCheck, data_to_check, evaluate_eligibility
from duijie.matcher.problems import is_problem
from duijie.matcher.programme_conditions import TO_CHECK, states_conditions
from duijie.matcher.programme_push import Offer, programmes_for_firm
from duijie.matcher.programme_push import push_programme as push_list

PROFILE_FIELDS = ("legal_name", "region", "industry", "revenue_wan", "employees",
                  "rd_ratio_pct", "flags", "founded_year", "listed", "group", "website",
                  "description")


@dataclass
class Fact(Result):
    field: str
    value: Any


@dataclass
class Named(Result):
    id: str
    name: str
    illustrative: bool = False


@dataclass
class FirmNeed(Result):
    id: str
    title: str
    need_type: str
    status: str
    illustrative: bool


@dataclass
class FirmMeeting(Result):
    id: str
    event_id: str | None
    event_name: str | None
    helper_id: str | None
    helper_name: str | None
    status: str
    start: str | None
    outcomes: list[dict]
    illustrative: bool  # the event or the partner is invented (示意)


@dataclass
class FirmDataToCheck(Result):
    """A fact the firm has not given that would decide programmes it may qualify for
    (so the office knows what to ask: 研发投入占比, 是否为高新技术企业)."""

    field: str
    flag: str | None
    text: str
    text_en: str
    programmes: list[Named]


@dataclass
class FirmProfile(Result):
    id: str
    name: str
    facts: list[Fact]
    sources: list[dict]
    illustrative: bool
    needs: list[FirmNeed]
    meetings: list[FirmMeeting]
    problems: list[ProblemView]
    programmes_held: list[Named]
    programmes_applied: list[Named]
    programmes_now: list[Offer]
    programmes_near: list[Offer]
    today: str
    data_to_check: list[FirmDataToCheck] = field(default_factory=list)
    # programmes of the firm's area with no conditions recorded (申报条件未录入): named, so
    # their silence in the lists above is not read as "not eligible" nor "eligible"
    programmes_without_rules: list[Named] = field(default_factory=list)


@dataclass
class PushedFirm(Result):
    id: str
    name: str
    region: str | None
    industry: str | None
    missing: list[str] = field(default_factory=list)  # data the firm has not given
    illustrative: bool = False
    to_check: list[str] = field(default_factory=list)  # published criteria to check by hand


@dataclass
class PushResult(Result):
    programme_id: str
    programme_name: str
    illustrative: bool
    verdict_illustrative: bool  # who qualifies rests on an invented threshold (示意)
    today: str
    checked: int
    holders: int
    applied: int
    count: int
    firms: list[PushedFirm]
    to_check: list[PushedFirm]
    held_by: list[str]


def _programme(store: GraphStore, programme_id: str) -> Node:
    node = store.get_nodes([programme_id]).get(programme_id)
    if node is None or node.kind != "Programme":
        raise NotFound(key="programmes.not_programme", value=programme_id[:80],
                       where=at("where.programme"))
    return node


def _edges_to(store: GraphStore, kind: str, dst: str) -> set[str]:
    return {e.src for e in store.find_edges(kind, dst=dst, limit=10**7)}


def push_programme(store: GraphStore, programme_id: str, *, today: str | None = None,
                   viewer: Viewer = OPERATOR) -> PushResult:
    """Every firm that qualifies for the programme now and neither holds it nor applied.

    Firms whose data leaves a condition unchecked are listed apart (`to_check`),
    with the data to ask for. An organiser with a region scope sees firms of
    that region only.
    """
    programme = _programme(store, programme_id)
    today = today or office_today()
    holders = _edges_to(store, "awarded", programme_id)
    applied = _edges_to(store, "applied_for", programme_id)
    # the firms' properties only (one indexed read), not whole nodes
    props_of = {firm_id: props for firm_id, props in store.node_props("Enterprise")
                if in_scope(viewer, [props.get("region") or ""])}
    ancestors = ancestor_map(store, [p.get("region") for p in props_of.values()])
    result = push_list(programme_id, programme.props, props_of.items(),
                       holders=holders, applied=applied, today=date.fromisoformat(today),
                       region_ancestors=ancestors)

    def shown(firm_id: str, missing: list[str] | None = None) -> PushedFirm:
        p = props_of[firm_id]
        missing = missing or []
        return PushedFirm(firm_id, shown_name("Enterprise", p, firm_id), p.get("region"),
                          p.get("industry"), [m for m in missing if m not in TO_CHECK],
                          bool(p.get("illustrative")), [m for m in missing if m in TO_CHECK])

    eligible = sorted((shown(f) for f in result.eligible), key=lambda f: (f.region or "", f.name))
    to_check = [shown(f, missing) for f, missing in result.unknown]
    flag = programme.props.get("grants_flag")
    held_by = sorted(f for f, p in props_of.items() if f in holders
                     or (flag and flag in (p.get("flags") or [])))
    invented = programme.illustrative or any(
        rule.get("illustrative") for rule in programme.props.get("rules") or [])
    return PushResult(programme_id, programme.shown_name, programme.illustrative, invented,
                      today, result.checked, result.holders,
                      result.applied, len(eligible), eligible, to_check, held_by)


def firm_profile(store: GraphStore, firm_id: str, *, today: str | None = None,
                 viewer: Viewer = OPERATOR) -> FirmProfile:
    """What the office knows of one firm, and the programmes it could apply for.

    An enterprise account sees its own profile only (another firm answers "not
    found", as an unknown id does); organisers see firms in their scope.
    """
    missing = NotFound(key="ledger.not_your_enterprise", value=str(firm_id)[:80],
                       where=at("where.firm"))
    firm = store.get_nodes([firm_id]).get(firm_id)
    if firm is None or firm.kind != "Enterprise":
        raise missing
    if viewer.role is Role.ENTERPRISE and viewer.party_id != firm_id:
        raise missing
    if viewer.role is Role.EXPERT or not in_scope(viewer, [firm.props.get("region") or ""]):
        raise missing
    today = today or office_today()
    p = firm.props
    facts = [Fact(k, p[k]) for k in PROFILE_FIELDS if p.get(k) not in (None, "", [])]
    sources = [pr.to_dict() for pr in firm.provenance]
    needs = [FirmNeed(r.node.id, r.node.shown_name,
                      r.node.props.get("need_type", "technology"),
                      r.node.props.get("status", "submitted"), r.node.illustrative)
             for r in visible_needs(store, viewer) if r.firm is not None and r.firm.id == firm_id
             and not is_problem(r.node.props)]  # a problem is listed once: with its ledger state
    meetings = _meetings(store, firm_id, viewer)
    problems = list_problems(store, firm_id=firm_id, today=today, viewer=viewer).items
    held_ids = {e.dst for e in store.find_edges("awarded", src=firm_id, limit=10_000)}
    applied_ids = {e.dst for e in store.find_edges("applied_for", src=firm_id, limit=10_000)}
    programmes = {n.id: n for n in iter_nodes(store, "Programme")}
    open_to_it = {pid: n.props for pid, n in programmes.items() if pid not in applied_ids}
    ancestors = ancestor_map(store, [p.get("region")])
    offers = programmes_for_firm(p, open_to_it, today=today, held=held_ids,
                                 region_ancestors=ancestors)
    named = lambda ids: sorted((Named(i, programmes[i].shown_name,  # noqa: E731
                                      programmes[i].illustrative)
                                for i in ids if i in programmes), key=lambda n: n.name)
    unruled = [pid for pid, props in open_to_it.items() if pid not in held_ids
               and not states_conditions(props) and evaluate_eligibility(
                   p, props, today, region_ancestors=ancestors).status != "not_eligible"]
    return FirmProfile(firm.id, firm.shown_name, facts, sources, firm.illustrative, needs,
                       meetings, problems, named(held_ids), named(applied_ids), offers.now,
                       offers.near, today, [
                           FirmDataToCheck(d.field, d.flag, d.text_zh, d.text_en,
                                           named(d.programmes))
                           for d in _data_to_check(p, open_to_it, held_ids, today, ancestors)],
                       named(unruled))


def _data_to_check(firm: dict, programmes: dict, held: set[str], today: str,
                   ancestors: dict) -> list[DataToCheck]:
    """What the firm would need to give for the programmes its data cannot decide (the
    ones `programmes_for_firm` offers as neither now nor one condition away)."""
    results = {}
    for pid, programme in programmes.items():
        flag = programme.get("grants_flag")
        if pid in held or not states_conditions(programme) or (
                flag and flag in (firm.get("flags") or [])):
            continue
        results[pid] = evaluate_eligibility(firm, programme, today,
                                            region_ancestors=ancestors)
    return data_to_check(results)


ProgrammeStatus = Literal["applied", "holds", "none"]
PROGRAMME_STATUSES = ("applied", "holds", "none")
"""A firm's standing with a programme: applied for it, holds it, or neither (a record
entered by mistake, or an application withdrawn)."""


@dataclass
class ProgrammeStanding(Result):
    firm_id: str
    firm_name: str
    programme_id: str
    programme_name: str
    status: str  # applied | holds | none
    on: str | None
    applied: bool
    holds: bool
    illustrative: bool  # the firm or the programme is invented demo data (named 示意)


def record_programme(store: GraphStore, firm_id: str, programme_id: str, *,
                     status: str = "applied", on: str | None = None,
                     author: str = "operator", viewer: Viewer = OPERATOR) -> ProgrammeStanding:
    """Record that a firm applied for a programme or holds it (or neither), so a push
    never offers it to that firm again. One write; organisers in scope only.

    >>> from duijie.graph import open_store
    >>> from duijie.api.services.seeding import load_seed
    >>> store = open_store(":memory:"); _ = load_seed(store)
    >>> before = push_programme(store, "prog:example-rd-reward", today="2024-01-01")
    >>> firm = before.firms[0].id
    >>> record_programme(store, firm, "prog:example-rd-reward", on="2024-03-01").applied
    True
    >>> firm in {f.id for f in push_programme(store, "prog:example-rd-reward",
    ...                                       today="2024-01-01").firms}
    False
    """
    where = at("where.programme_status")
    if status not in PROGRAMME_STATUSES:
        raise InvalidInput(key="programmes.not_status", params={
            "statuses": list(PROGRAMME_STATUSES)}, value=status,
            where=where.then("field.status"))
    if viewer.role is not None and viewer.role is not Role.ORGANISER:
        raise Forbidden(key="programmes.office_records", where=where)
    firm = store.get_nodes([firm_id]).get(firm_id)
    if firm is None or firm.kind != "Enterprise" or not in_scope(
            viewer, [firm.props.get("region") or ""]):
        raise NotFound(key="ledger.not_your_enterprise", value=str(firm_id)[:80],
                       where=where.then("field.firm"))
    programme = _programme(store, programme_id)
    day = None
    if on:
        try:
            day = date.fromisoformat(str(on).strip()).isoformat()
        except ValueError:
            raise InvalidInput(key="dates.not_date", value=str(on)[:40],
                               where=where.then("field.on")) from None
    applied = store.find_edges("applied_for", src=firm_id, dst=programme_id, limit=1)
    held = store.find_edges("awarded", src=firm_id, dst=programme_id, limit=1)
    provenance = [Provenance(source=f"user:{author}", user=author, at=utc_now())]
    props = {"date": day} if day else {}
    batch = WriteBatch()
    if status == "applied":
        batch.upsert_edge(Edge(firm_id, "applied_for", programme_id, {**props,
                               "status": "applied"}, provenance=provenance), where=where)
    elif status == "holds":
        batch.upsert_edge(Edge(firm_id, "awarded", programme_id, props,
                               provenance=provenance), where=where)
    else:
        for edge in (*applied, *held):
            batch.delete_edge(edge.id)
    if len(batch):
        store.apply(batch)
    now_applied = bool(store.find_edges("applied_for", src=firm_id, dst=programme_id, limit=1))
    now_held = bool(store.find_edges("awarded", src=firm_id, dst=programme_id, limit=1))
    return ProgrammeStanding(firm.id, firm.shown_name, programme.id, programme.shown_name,
                             "holds" if now_held else "applied" if now_applied else "none",
                             day, now_applied, now_held,
                             firm.illustrative or programme.illustrative)


def _meetings(store: GraphStore, firm_id: str, viewer: Viewer) -> list[FirmMeeting]:
    from duijie.api.services.access import can_read_meeting

    meeting_ids = [e.src for e in store.find_edges("involves", dst=firm_id, limit=10_000)]
    meetings = store.get_nodes(meeting_ids)
    others = {m.props.get(k) for m in meetings.values() for k in ("event_id", "helper_id")}
    others = store.get_nodes(others - {None})
    names = {i: n.shown_name for i, n in others.items()}
    out = []
    for mid in sorted(meetings):
        m = meetings[mid].props
        if not can_read_meeting(viewer, m.get("firm_id"), m.get("helper_id"),
                                status=m.get("status", "proposed")):
            continue
        outcomes = [{"stage": o.props.get("stage"), "held": o.props.get("held"),
                     "ledger": o.props.get("ledger"),
                     "contract_value_wan": o.props.get("contract_value_wan")}
                    for _, o in store.neighbours(mid, "has_outcome", "out")]
        out.append(FirmMeeting(mid, m.get("event_id"), names.get(m.get("event_id")),
                               m.get("helper_id"), names.get(m.get("helper_id")),
                               m.get("status", "proposed"), m.get("start"),
                               sorted(outcomes, key=lambda o: o["stage"] or ""),
                               any(others[i].illustrative for i in (m.get("event_id"),
                                   m.get("helper_id")) if i in others)))
    return sorted(out, key=lambda x: (x.start or "", x.id))

