"""Needs: list, read, submit, edit and withdraw, with hints while one is typed.

Every use case takes the `viewer` (`api.services.access`): an enterprise sees and
edits only its own firm's needs, an organiser those in their scope, an expert only
the non-confidential needs shared with them (a meeting or a met/signed edge). A need
the viewer may not see is "not found" whatever the reason, and it is left out of
every list, count and hint before anything is counted.

Reads and changes are written to the audit log through the `audit` callable the
caller passes (`audit(action, need_id, detail)`; the web passes one bound to the
signed-in account, the command line none). Lists and hints write one entry naming
the needs they showed.

>>> from duijie.graph.sqlite_store import SqliteStore
>>> store = SqliteStore(":memory:")
>>> with store.batch() as b:
...     b.upsert_node(Node("ent:a", "Enterprise", {"name": "甲公司", "region": "嘉兴"}))
...     b.upsert_node(Node("ent:b", "Enterprise", {"name": "乙公司"}))
>>> firm_a = Viewer.enterprise("usr:1", "ent:a")
>>> need = submit_need(store, {"title": "红外探测器降噪", "confidentiality": "confidential"},
...                    viewer=firm_a, author="alice", submission_key="k1")
>>> need.firm_name, need.status, need.rev
('甲公司', 'submitted', 1)
>>> list_needs(store, viewer=Viewer.enterprise("usr:2", "ent:b")).count
0
>>> edit_need(store, need.id, {"trl": 4}, rev=1, viewer=firm_a, author="alice").trl
4
>>> edit_need(store, need.id, {"trl": 5}, rev=1, viewer=firm_a, author="alice")
Traceback (most recent call last):
...
duijie.graph.errors.StaleRevision: need 红外探测器降噪: was changed by someone else since it was \
read (revision 1, now 2): reload and try again
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from duijie.api.services import Result
from duijie.api.services.access import NeedFacts, Viewer, can_edit_need, can_read_need
from duijie.graph.accounts import Role
from duijie.graph.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    StaleRevision,
    Where,
    at,
)
from duijie.graph.model import Edge, Node, Provenance, new_id, validate_props
from duijie.graph.normalize import normalize_text
from duijie.graph.store import GraphStore, WriteBatch, iter_edges, iter_nodes, utc_now
from duijie.graph.vocab import Confidentiality, NeedStatus, values
from duijie.matcher.need_hints import Gap, completeness, similar_needs

OPERATOR = Viewer.operator()  # the command line: sees everything
Audit = Callable[[str, str | None, str | None], None]
"""`audit(action, need_id, detail)`: action is read, list, hint, create, update, withdraw."""

OFFICE_TZ = ZoneInfo("Asia/Shanghai")
EDITABLE = ("title", "text", "description", "need_type", "trl", "budget_wan", "deadline",
            "priority", "region", "tech_field", "confidentiality")
"""What a person may set on a need (status moves through the workflow, not the form)."""
SORTS = ("submitted_at", "priority", "deadline", "title", "status", "budget_wan", "trl")
MAX_LIMIT = 200
MAX_QUERY_CHARS = 200


def office_today() -> str:
    return datetime.now(OFFICE_TZ).date().isoformat()


def _no_audit(action: str, need_id: str | None, detail: str | None = None) -> None:
    return None


# -- who may see which need ---------------------------------------------------------

@dataclass(frozen=True)
class NeedRecord:
    """A need with its firm and the facts the access rules read."""

    node: Node
    firm: Node | None
    facts: NeedFacts


def _facts(need: Node, firm: Node | None, shared: Iterable[str] = ()) -> NeedFacts:
    regions = {r for r in (need.props.get("region"), firm and firm.props.get("region")) if r}
    return NeedFacts(need.id, firm.id if firm else None, need.confidentiality,
                     frozenset(regions), frozenset(shared))


def _shared_with_expert(store: GraphStore, expert_id: str) -> set[str]:
    """Needs of meetings the expert takes part in, needs met or signed with them, and
    needs an organiser shared with them (`api.services.need_shares`)."""
    needs = {e.src for kind in ("met", "signed") for e in store.find_edges(
        kind, dst=expert_id, limit=10**6)}
    needs.update(n.id for n in iter_nodes(store, "Need")
                 if expert_id in (n.props.get("shared_with") or ()))
    for meeting in store.find_edges("involves", dst=expert_id, limit=10**6):
        needs.update(e.dst for e in store.find_edges("involves", src=meeting.src, limit=10**6)
                     if e.dst.startswith("need:"))
    return needs


def visible_needs(store: GraphStore, viewer: Viewer = OPERATOR) -> list[NeedRecord]:
    """Every need this viewer may read, with its firm, in id order.

    Other use cases (dashboards, recommendations) can filter by it too."""
    if viewer.role is Role.ENTERPRISE:
        own = [n for _, n in store.neighbours(viewer.party_id or "", "submitted", "out")
               if n.kind == "Need"] if viewer.party_id else []
        firm = store.get_nodes([viewer.party_id]).get(viewer.party_id) if own else None
        records = [NeedRecord(n, firm, _facts(n, firm)) for n in own]
    else:
        if viewer.role is Role.EXPERT:
            shared = _shared_with_expert(store, viewer.party_id or "")
            needs = list(store.get_nodes(shared).values())
        else:
            shared, needs = set(), list(iter_nodes(store, "Need"))
        owners = {e.dst: e.src for e in iter_edges(store, "submitted")}
        firms = store.get_nodes({owners[n.id] for n in needs if n.id in owners})
        records = []
        for need in needs:
            firm = firms.get(owners.get(need.id, ""))
            records.append(NeedRecord(need, firm, _facts(
                need, firm, [viewer.party_id] if need.id in shared else [])))
    return sorted((r for r in records if r.node.kind == "Need" and can_read_need(viewer, r.facts)),
                  key=lambda r: r.node.id)


def need_record(store: GraphStore, need_id: str, viewer: Viewer = OPERATOR
                ) -> NeedRecord:
    """One need, if this viewer may read it; else `NotFound`, the same for a need that
    does not exist and one they may not see."""
    missing = NotFound(key="ledger.not_your_need", value=str(need_id)[:80],
                       where=at("where.need"))
    node = store.get_nodes([need_id]).get(need_id)
    if node is None or node.kind != "Need":
        raise missing
    owner = next((e.src for e in store.find_edges("submitted", dst=need_id, limit=1)), None)
    firm = store.get_nodes([owner]).get(owner) if owner else None
    shared = ()
    if viewer.role is Role.EXPERT and need_id in _shared_with_expert(store, viewer.party_id or ""):
        shared = (viewer.party_id,)
    record = NeedRecord(node, firm, _facts(node, firm, shared))
    if not can_read_need(viewer, record.facts):
        raise missing
    return record


# -- results --------------------------------------------------------------------------

@dataclass
class NeedSummary(Result):
    id: str
    title: str
    need_type: str
    status: str
    confidentiality: str
    priority: int
    region: str | None
    trl: int | None
    budget_wan: float | None
    deadline: str | None
    submitted_at: str | None
    firm_id: str | None
    firm_name: str | None  # as read: an invented firm's name carries its mark (示意)
    rev: int
    illustrative: bool = False  # the need or its firm is invented demo data
    firm_illustrative: bool = False
    # the need itself is invented: pages mark its title 示意 (the title is the field a
    # client edits, so it is kept as stored)
    title_illustrative: bool = False
    firm_region: str | None = None  # where the firm is: a list shows it for a need without one

    @classmethod
    def of(cls, record: NeedRecord) -> NeedSummary:
        p = record.node.props
        return cls(record.node.id, p.get("title", record.node.id),
                   p.get("need_type", "technology"), p.get("status", NeedStatus.SUBMITTED),
                   record.node.confidentiality, p.get("priority", 3), p.get("region"),
                   p.get("trl"), p.get("budget_wan"), p.get("deadline"),
                   p.get("submitted_at"), record.firm.id if record.firm else None,
                   record.firm.shown_name if record.firm else None, record.node.rev,
                   record.node.illustrative or bool(record.firm and record.firm.illustrative),
                   bool(record.firm and record.firm.illustrative), record.node.illustrative,
                   record.firm.props.get("region") if record.firm else None)


@dataclass
class Named(Result):
    id: str
    name: str  # as read: an invented record's name carries its mark (示意)
    illustrative: bool = False

    @classmethod
    def of(cls, node: Node) -> Named:
        return cls(node.id, node.shown_name, node.illustrative)


@dataclass
class NeedDetail(NeedSummary):
    text: str | None = None
    description: str | None = None
    tech_field: str | None = None
    department: str | None = None
    resolution: str | None = None
    topics: list[Named] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    can_edit: bool = False
    shared_with: list[Named] = field(default_factory=list)  # organisers only

    @classmethod
    def of_record(cls, store: GraphStore, record: NeedRecord, viewer: Viewer) -> NeedDetail:
        p = record.node.props
        topics = [Named.of(n) for _, n in store.neighbours(
            record.node.id, "about_topic", "out")]
        shared = p.get("shared_with") or [] if viewer.is_staff else []
        experts = store.get_nodes(shared) if shared else {}
        return cls(**vars(NeedSummary.of(record)), text=p.get("text"),
                   description=p.get("description"), tech_field=p.get("tech_field"),
                   department=p.get("department"), resolution=p.get("resolution"),
                   topics=sorted(topics, key=lambda t: t.id),
                   gaps=completeness(p, today=office_today()),
                   can_edit=can_edit_need(viewer, record.facts),
                   shared_with=[Named.of(experts[e]) for e in shared if e in experts])


@dataclass
class NeedList(Result):
    data: list[NeedSummary]
    count: int
    offset: int
    limit: int
    by_status: dict[str, int]


@dataclass
class SimilarHint(Result):
    id: str
    title: str
    status: str
    firm_id: str | None
    firm_name: str | None
    score: float
    terms: list[str]
    illustrative: bool  # the need (or its firm) is invented demo data: its title is marked


@dataclass
class SimilarNeeds(Result):
    data: list[SimilarHint]
    count: int


@dataclass
class NeedCheck(Result):
    complete: bool
    gaps: list[Gap]


# -- reading ----------------------------------------------------------------------------

@dataclass(frozen=True)
class NeedQuery:
    """Filters, order and page of a needs list (every filter optional)."""

    status: str | None = None
    need_type: str | None = None
    region: str | None = None
    firm_id: str | None = None
    confidentiality: str | None = None
    q: str | None = None
    sort: str = "-submitted_at"
    offset: int = 0
    limit: int = 50

    def check(self) -> NeedQuery:
        if self.sort.lstrip("-") not in SORTS:
            raise InvalidInput(key="lists.not_sort_desc", params={"sorts": list(SORTS)},
                               value=self.sort, where=at("field.sort"))
        if self.status and self.status not in values(NeedStatus):
            raise InvalidInput(key="lists.not_need_status", value=self.status,
                               where=at("field.status"))
        if not 0 <= self.offset <= 10**6 or not 1 <= self.limit <= MAX_LIMIT:
            raise InvalidInput(key="lists.offset_limit", params={"most": MAX_LIMIT},
                               value=(self.offset, self.limit), where=at("where.page"))
        if self.q and len(self.q) > MAX_QUERY_CHARS:
            raise InvalidInput(key="routing.too_long", params={"most": MAX_QUERY_CHARS},
                               value=self.q[:40], where=at("field.q"))
        return self


def _matches(record: NeedRecord, query: NeedQuery, words: list[str]) -> bool:
    p = record.node.props
    if query.need_type and p.get("need_type") != query.need_type:
        return False
    if query.firm_id and (record.firm is None or record.firm.id != query.firm_id):
        return False
    if query.confidentiality and record.node.confidentiality != query.confidentiality:
        return False
    if query.region and not any(query.region in r for r in record.facts.regions):
        return False
    if words:
        haystack = normalize_text(" ".join(str(x) for x in (
            p.get("title"), p.get("text"), p.get("description"), p.get("tech_field"),
            record.firm.name if record.firm else "") if x))
        return all(w in haystack for w in words)
    return True


def _sort_key(name: str):
    def key(summary: NeedSummary):
        value = getattr(summary, name)
        return (value is None, value if value is not None else 0, summary.id)
    return key


def list_needs(store: GraphStore, query: NeedQuery | None = None, *,
               viewer: Viewer = OPERATOR, audit: Audit | None = None) -> NeedList:
    """A page of the needs this viewer may see that pass the filters, and their count."""
    query = (query or NeedQuery()).check()
    words = [w for w in map(normalize_text, (query.q or "").split()) if w]
    chosen = [r for r in visible_needs(store, viewer) if _matches(r, query, words)]
    by_status = Counter(r.node.props.get("status", NeedStatus.SUBMITTED) for r in chosen)
    rows = [NeedSummary.of(r) for r in chosen
            if not query.status or r.node.props.get("status") == query.status]
    name = query.sort.lstrip("-")
    descending = query.sort.startswith("-")
    present = sorted((s for s in rows if getattr(s, name) is not None), key=_sort_key(name),
                     reverse=descending)
    rows = present + sorted((s for s in rows if getattr(s, name) is None), key=lambda s: s.id)
    page = rows[query.offset:query.offset + query.limit]
    (audit or _no_audit)("list", None, " ".join(s.id for s in page) or None)
    return NeedList(page, len(rows), query.offset, query.limit,
                    {s: by_status.get(s, 0) for s in values(NeedStatus)})


def get_need(store: GraphStore, need_id: str, *, viewer: Viewer = OPERATOR,
             audit: Audit | None = None) -> NeedDetail:
    """One need with its gaps, if the viewer may see it (else `NotFound`)."""
    record = need_record(store, need_id, viewer)
    (audit or _no_audit)("read", need_id, None)
    return NeedDetail.of_record(store, record, viewer)


def similar_to(store: GraphStore, title: str, text: str = "", *,
               viewer: Viewer = OPERATOR, exclude: str | None = None, k: int = 5,
               audit: Audit | None = None) -> SimilarNeeds:
    """Needs like the one being typed, among those the viewer may see only."""
    if len(title) + len(text) > 25_000:
        raise InvalidInput(key="needs.too_long_to_compare", params={"most": 25_000},
                           value=len(title) + len(text), where=at("where.similar_needs"))
    records = {r.node.id: r for r in visible_needs(store, viewer)}
    hits = similar_needs(title, text, [
        {"id": i, "title": r.node.props.get("title", ""), "text": r.node.props.get("text", "")}
        for i, r in records.items()], k=max(1, min(k, 20)), exclude=[exclude] if exclude else ())
    data = []
    for h in hits:
        need, firm = records[h.id].node, records[h.id].firm
        data.append(SimilarHint(h.id, need.shown_name, need.props.get(
            "status", NeedStatus.SUBMITTED), firm.id if firm else None,
            firm.shown_name if firm else None, h.score, list(h.terms),
            need.illustrative or bool(firm and firm.illustrative)))
    if data:
        (audit or _no_audit)("hint", None, " ".join(h.id for h in data))
    return SimilarNeeds(data, len(data))


def check_need(fields: Mapping[str, Any], *, today: str | None = None) -> NeedCheck:
    """What a broker will miss in a need as typed (no store: nothing is read)."""
    gaps = completeness({k: v for k, v in fields.items() if v not in (None, "")},
                        today=today or office_today())
    return NeedCheck(not gaps, gaps)


# -- writing ------------------------------------------------------------------------

def _split(fields: Mapping[str, Any], where: Where) -> tuple[dict[str, Any], str | None]:
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise InvalidInput(key="needs.not_editable", params={"fields": list(EDITABLE)},
                           value=unknown, where=where)
    props = {k: v for k, v in fields.items() if k != "confidentiality"}
    level = fields.get("confidentiality")
    if level is not None and level not in values(Confidentiality):
        raise InvalidInput(key="needs.not_confidentiality",
                           params={"levels": values(Confidentiality)}, value=level,
                           where=where.then("field.confidentiality"))
    return props, level


def _region_edges(store: GraphStore, batch: WriteBatch, need_id: str, region: str | None,
                  provenance: Provenance) -> None:
    """Point the need at its Region node (when the name is one known region)."""
    for edge in store.find_edges("located_in", src=need_id, limit=100):
        batch.delete_edge(edge.id)
    if region:
        found = store.find_nodes("Region", where={"name": region}, limit=2)
        if len(found) == 1:
            batch.upsert_edge(Edge(need_id, "located_in", found[0].id,
                                   provenance=[provenance]))


def _firm_for(store: GraphStore, viewer: Viewer, firm_id: str | None) -> Node:
    if viewer.role is Role.EXPERT:
        raise Forbidden(key="access.expert_no_needs", where=at("where.need"))
    if viewer.role is Role.ENTERPRISE:
        if firm_id and firm_id != viewer.party_id:
            raise Forbidden(key="access.own_firm_only", where=at("field.firm_id"))
        firm_id = viewer.party_id
    if not firm_id:
        raise InvalidInput(key="needs.firm_required", where=at("field.firm_id"))
    firm = store.get_nodes([firm_id]).get(firm_id)
    if firm is None or firm.kind != "Enterprise":
        raise firm_not_found(firm_id)
    return firm


def firm_not_found(firm_id: str) -> NotFound:
    """The one answer for a firm that is unknown or outside the asker's sight (404), so
    the answer never tells which: a role that may never act for another firm is told
    so instead (403), whatever the firm.

    >>> str(firm_not_found("ent:x"))
    "firm_id: 'ent:x' is not a firm you can open"
    """
    return NotFound(key="ledger.not_your_firm", value=str(firm_id)[:80],
                    where=at("field.firm_id"))


def submit_need(store: GraphStore, fields: Mapping[str, Any], *, firm_id: str | None = None,
                viewer: Viewer = OPERATOR, author: str = "operator",
                submission_key: str | None = None, audit: Audit | None = None) -> NeedDetail:
    """A new need of a firm, with its `submitted` edge, in one batch.

    An enterprise submits for its own firm; an organiser for any firm in scope.
    `submission_key` (a form's one-time key) makes a form sent twice a `Conflict`
    instead of a second need."""
    props, level = _split(fields, at("where.need"))
    firm = _firm_for(store, viewer, firm_id)
    key = submission_key or secrets.token_hex(12)
    need_id = new_id("Need", firm.id, key)
    props = validate_props("Need", {**props, "status": NeedStatus.SUBMITTED,
                                    "submitted_at": office_today()}, at("where.need"))
    level = level or Confidentiality.PUBLIC
    if not can_edit_need(viewer, _facts(Node(need_id, "Need", props, confidentiality=level),
                                        firm)):
        raise firm_not_found(firm.id)
    provenance = Provenance(source=f"user:{author}", user=author, at=utc_now())
    batch = WriteBatch()
    batch.upsert_node(Node(need_id, "Need", props, provenance=[provenance],
                           confidentiality=level), expect_rev=0, where="need")
    batch.upsert_edge(Edge(firm.id, "submitted", need_id, provenance=[provenance]))
    _region_edges(store, batch, need_id, props.get("region"), provenance)
    try:
        store.apply(batch)
    except StaleRevision:
        raise Conflict(key="needs.already_sent", where=at("where.need")) from None
    (audit or _no_audit)("create", need_id, None)
    return NeedDetail.of_record(store, need_record(store, need_id, viewer), viewer)


def _write(store: GraphStore, record: NeedRecord, props: dict[str, Any], level: str,
           rev: int, author: str) -> None:
    node = record.node
    provenance = Provenance(source=f"user:{author}", user=author, at=utc_now())
    batch = WriteBatch()
    batch.upsert_node(Node(node.id, "Need", props, list(node.aliases), [provenance],
                           confidentiality=level), replace_props=True, expect_rev=rev,
                      where="edit")
    if props.get("region") != node.props.get("region"):
        _region_edges(store, batch, node.id, props.get("region"), provenance)
    try:
        store.apply(batch)
    except StaleRevision as stale:  # said by the need's title, not its id
        raise StaleRevision(node.id, expected=rev, actual=stale.actual,
                            where=_named(node)) from None


def _named(need: Node) -> Where:
    return at("where.need_named", title=need.shown_name)


def edit_need(store: GraphStore, need_id: str, changes: Mapping[str, Any], *, rev: int,
              viewer: Viewer = OPERATOR, author: str = "operator",
              audit: Audit | None = None) -> NeedDetail:
    """Change some fields of a need (None clears one) if nobody wrote it since it was
    read at `rev`; else `Conflict` and nothing is written."""
    record = need_record(store, need_id, viewer)
    if not can_edit_need(viewer, record.facts):
        raise Forbidden(key="access.read_not_change", where=at("where.need"))
    props, level = _split(changes, _named(record.node))
    merged = {k: v for k, v in {**record.node.props, **props}.items() if v is not None}
    if not merged.get("title"):
        raise InvalidInput(key="needs.title_required",
                           where=_named(record.node).then("field.title"))
    merged = validate_props("Need", merged, _named(record.node))
    _write(store, record, merged, level or record.node.confidentiality, rev, author)
    (audit or _no_audit)("update", need_id, ",".join(sorted(changes)) or None)
    return NeedDetail.of_record(store, need_record(store, need_id, viewer), viewer)


def withdraw_need(store: GraphStore, need_id: str, *, rev: int | None = None,
                  viewer: Viewer = OPERATOR, author: str = "operator",
                  audit: Audit | None = None) -> NeedDetail:
    """Close a need (status not_pursued): it stays on record, out of matching."""
    record = need_record(store, need_id, viewer)
    if not can_edit_need(viewer, record.facts):
        raise Forbidden(key="access.read_not_close", where=at("where.need"))
    props = {**record.node.props, "status": NeedStatus.NOT_PURSUED.value}
    _write(store, record, props, record.node.confidentiality,
           record.node.rev if rev is None else rev, author)
    (audit or _no_audit)("withdraw", need_id, None)
    return NeedDetail.of_record(store, need_record(store, need_id, viewer), viewer)
