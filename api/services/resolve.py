"""Resolution and review: which stored organisation a name means, and the queue of
pairs resolution was unsure about, for an organiser to decide.

>>> from duijie.graph import open_store
>>> from duijie.graph.model import Node
>>> store = open_store(":memory:")
>>> with store.batch() as b:
...     b.upsert_node(Node("ent:hf", "Enterprise", {"name": "恒锋工具股份有限公司"}))
>>> found = resolve_name(store, "恒锋工具")
>>> [(c.node_id, c.decision) for c in found.candidates]
[('ent:hf', 'same')]
>>> sorted(found.to_dict())
['candidates', 'query']
>>> list_review_items(store).to_dict()
{'status': 'open', 'items': []}
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from duijie.api.services import Result
from duijie.api.services.access import Viewer, in_scope
from duijie.graph.errors import Forbidden, InvalidInput, NotFound, Said, Where, at
from duijie.graph.model import mark_quoted_names, shown_name
from duijie.graph.normalize import normalize_text
from duijie.graph.resolution import accept_review, reject_review, resolve
from duijie.graph.resolution_index import Candidate
from duijie.graph.store import GraphStore, ReviewItem
from duijie.graph.tabular import read_table

OPERATOR = Viewer.operator()  # the command line: sees everything
REVIEW_STATUSES = ("open", "accepted", "rejected")
"""The states of a review item; `list_review_items` also takes "all"."""


@dataclass
class ResolvedCandidate(Result):
    """A stored organisation a name may be (`graph.resolution_index.Candidate`) as a
    person reads it: an invented one named with its mark, in the reasons too."""

    node_id: str
    name: str
    kind: str | None
    score: float
    decision: str
    reasons: list[str]
    matched_name: str
    illustrative: bool  # invented demo data (named 示意)


def shown_candidates(store: GraphStore, found: list[Candidate]) -> list[ResolvedCandidate]:
    """Candidates with the names people read (`graph.model.mark_quoted_names`)."""
    nodes = store.get_nodes({c.node_id for c in found}) if found else {}
    out = []
    for c in found:
        node = nodes.get(c.node_id)
        mine = [node] if node is not None else []
        out.append(ResolvedCandidate(
            c.node_id, node.shown_name if node is not None else c.name, c.kind,
            round(c.score, 3), c.decision, [mark_quoted_names(r, mine) for r in c.reasons],
            c.matched_name, node is not None and node.illustrative))
    return out


@dataclass
class Resolution(Result):
    """The candidates for a name, best first, each with score, decision and reasons."""

    query: str
    candidates: list[ResolvedCandidate]


@dataclass
class ReviewEntry(Result):
    """One review item: the incoming record (id and name) and the stored organisation
    it may be (id and name; the name is None if that node is gone)."""

    id: str
    status: Literal["open", "accepted", "rejected"]
    kind: str
    score: float
    name: str
    incoming_id: str | None
    candidate_id: str
    candidate_name: str | None
    reasons: list[str]
    created_at: str
    decided_by: str | None
    decided_at: str | None
    illustrative: bool  # the stored organisation is invented demo data (named 示意)


@dataclass
class ReviewList(Result):
    status: str
    items: list[ReviewEntry]


def resolve_name(store: GraphStore, name: str, *, kind: str | None = None,
                 region: str | None = None, industry: str | None = None,
                 credit_code: str | None = None, k: int = 5) -> Resolution:
    """Which stored organisation does `name` mean? (`graph.resolution.resolve`)

    Raises `InvalidInput` for an empty name, a kind that is not an organisation's,
    or k below 1.
    """
    found = resolve(store, name, kind=kind, region=region, industry=industry,
                    credit_code=credit_code, k=k)
    return Resolution(name, shown_candidates(store, found))


@dataclass
class BatchAnswer(Result):
    """The answer for one row of a list of names: the best candidate (None when the
    name would be a new organisation), its decision and why."""

    row: int
    query: str
    decision: Literal["same", "part_of", "review", "different"]
    node_id: str | None
    name: str | None
    score: float
    reasons: list[str]
    illustrative: bool  # the organisation meant is invented demo data (named 示意)


_BATCH_COLUMNS = {"name": ("name", "企业名称", "机构名称", "单位名称", "公司名称", "名称", "企业",
                           "机构", "组织名称"),
                  "region": ("region", "所在地区", "所在地", "地区", "区域"),
                  "industry": ("industry", "所属行业", "行业"),
                  "credit_code": ("credit_code", "统一社会信用代码", "信用代码")}


def resolve_file(store: GraphStore, path: str | Path, *, kind: str | None = None,
                 sheet: str | None = None) -> Iterator[BatchAnswer]:
    """Resolve every name of a CSV/XLSX list, one answer a row, in file order.

    The file has a header naming its columns (名称/企业名称/name, and optionally
    地区/region, 行业/industry, 统一社会信用代码/credit_code), or no header at all: then
    every row's first cell is a name. Blank names are refused with their row.
    The file is read whole (within `graph.tabular`'s limits) before any answer.
    """
    table = read_table(path, sheet)
    headers = [normalize_text(h) for h in table.headers]
    columns = {field: next((i for i, h in enumerate(headers) if h in
                            {normalize_text(n) for n in names}), None)
               for field, names in _BATCH_COLUMNS.items()}
    rows = list(table.rows)
    if columns["name"] is None:  # a bare list: its first line is a name too
        first = rows[0][0] - 1 if rows else 2
        rows.insert(0, (first, list(table.headers)))
        columns = {"name": 0, "region": None, "industry": None, "credit_code": None}
    problems = [Said("resolve.row_no_name", row=number)
                for number, cells in rows if not _cell(cells, columns["name"])]
    if problems:
        raise InvalidInput(key="resolve.rows_without_name", params={"count": len(problems)},
                           where=Where(table.name), problems=problems)
    for number, cells in rows:
        name = _cell(cells, columns["name"])
        found = resolve(store, name, kind=kind, region=_cell(cells, columns["region"]),
                        industry=_cell(cells, columns["industry"]),
                        credit_code=_cell(cells, columns["credit_code"]), k=1)
        best = shown_candidates(store, found[:1])[0] if found else None
        if best is None or best.decision == "different":
            yield BatchAnswer(number, name, "different", None, None,
                              best.score if best else 0.0, best.reasons if best else [],
                              False)
        else:
            yield BatchAnswer(number, name, best.decision, best.node_id, best.name,
                              best.score, best.reasons, best.illustrative)


def _cell(cells: list, index: int | None) -> str | None:
    if index is None or index >= len(cells) or cells[index] is None:
        return None
    text = str(cells[index]).strip()
    return text or None


def _entries(store: GraphStore, items: list[ReviewItem]) -> list[ReviewEntry]:
    names = store.get_nodes({i.candidate_id for i in items}) if items else {}
    entries = []
    for i in items:
        stored = names.get(i.candidate_id)
        entries.append(ReviewEntry(
            i.id, i.status, i.kind, i.score, i.name, i.payload.get("id"), i.candidate_id,
            stored.shown_name if stored is not None else None,
            [mark_quoted_names(r, [stored] if stored else []) for r in i.reasons],
            i.created_at, i.decided_by, i.decided_at, stored is not None and stored.illustrative))
    return entries


def list_review_items(store: GraphStore, status: str = "open") -> ReviewList:
    """Review items of one status ("open", "accepted", "rejected") or "all"."""
    if status != "all" and status not in REVIEW_STATUSES:
        raise InvalidInput(key="resolve.not_review_status",
                           params={"statuses": [*REVIEW_STATUSES, "all"]}, value=status,
                           where=at("field.status"))
    items = store.list_reviews(None if status == "all" else status)
    return ReviewList(status, _entries(store, items))


def accept_review_item(store: GraphStore, item_id: str, user: str) -> ReviewEntry:
    """The pair is one organisation: merge the incoming node into the stored one (its
    name kept as an alias, its edges moved). `NotFound`/`Conflict` for an unknown or
    already decided item."""
    return _entries(store, [accept_review(store, item_id, user)])[0]


def reject_review_item(store: GraphStore, item_id: str, user: str) -> ReviewEntry:
    """The pair are different organisations; they will not be asked about again."""
    return _entries(store, [reject_review(store, item_id, user)])[0]


# -- the review queue as an organiser reads it ------------------------------------

REASON_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(pattern)) for code, pattern in (
        ("same_credit_code", r"^same credit code (?P<code>.+)$"),
        ("credit_codes_differ", r"^credit codes differ: (?P<a>.+) / (?P<b>.+)$"),
        ("same_core_name", r"^same core name (?P<a>.+)$"),
        ("no_distinctive_words",
         r"^names (?P<a>.+) / (?P<b>.+) have no distinctive words; characters (?P<chars>\d+%)$"),
        ("industry_words_only", r"^names (?P<a>.+) / (?P<b>.+) share only industry words$"),
        ("name_similarity",
         r"^names (?P<a>.+) / (?P<b>.+): characters (?P<chars>\d+%), pinyin (?P<pinyin>\d+%)$"),
        ("homophones", r"^(?P<a>.+) / (?P<b>.+) sound the same: homophones are only candidates$"),
        ("business_differs", r"^lines of business differ: (?P<a>.+) / (?P<b>.+)$"),
        ("numbers_differ", r"^numbers differ: (?P<a>.+) / (?P<b>.+)$"),
        ("same_full_name", r"^same full name$"),
        ("same_region", r"^same region: (?P<where>.+)$"),
        ("regions_differ", r"^regions differ: (?P<where>.+)$"),
        ("regions_compatible", r"^regions compatible: (?P<where>.+)$"),
        ("same_industry", r"^same industry: (?P<industry>.+)$"),
        ("industries_differ", r"^industries differ: (?P<a>.+) / (?P<b>.+)$"),
        ("same_legal_name", r"^same legal name$"),
        ("legal_names_differ", r"^legal names differ: (?P<a>.+) / (?P<b>.+)$"),
        ("name_only", r"^nothing but the name agrees"),
        ("repointed", r"^re-pointed: "),
        ("kinds_differ", r"^kinds of organisation differ: (?P<a>.+) / (?P<b>.+)$"),
        ("brackets_differ", r"^brackets differ: (?P<a>.+) / (?P<b>.+)$"),
        ("one_sided_bracket", r"^only one name says which: (?P<which>.+)$"),
        ("stem_homophones", r"^names (?P<a>.+) / (?P<b>.+) differ by one character that "
                            r"sounds the same: homophones are only candidates$"),
        ("part_of", r"^part of (?P<parent>.+?): (?P<part>.+)$"),
        ("has_part", r"^(?P<part>.+) is a unit of (?P<parent>.+)$"),
        ("abbreviation", r"^(?P<short>\S+) may abbreviate (?P<name>.+): (?P<reading>\S+)$"),
        ("ambiguous", r"^ambiguous: (?P<count>\d+) organisations match as well$"),
        ("closer_match", r"^a closer match exists: (?P<name>.+)$"),
        ("seed_record", r"^seed record (?P<name>.+) \((?P<id>[^)\s]+)\): the resolver says "
                        r"(?P<decision>\w+)$"),
    ))


@dataclass
class Evidence(Result):
    """One reason of resolution as data: a `code` (a message key's tail, for the pages'
    languages), the names and figures it quotes, and the English text as written.

    >>> evidence("names 大立 / 大力: characters 50%, pinyin 100%").to_dict()
    {'code': 'name_similarity', 'values': {'a': '大立', 'b': '大力', 'chars': '50%', \
'pinyin': '100%'}, 'text': 'names 大立 / 大力: characters 50%, pinyin 100%'}
    >>> evidence("something new").code
    'other'
    """

    code: str
    values: dict[str, str]
    text: str


def evidence(reason: str) -> Evidence:
    for code, pattern in REASON_PATTERNS:
        match = pattern.match(reason)
        if match:
            return Evidence(code, match.groupdict(), reason)
    return Evidence("other", {}, reason)


@dataclass
class OrganisationFacts(Result):
    """What an organiser compares of each side: the id, name and a few facts (None
    where the record has none)."""

    id: str | None
    name: str | None
    kind: str
    region: str | None
    industry: str | None
    credit_code: str | None
    aliases: list[str]
    illustrative: bool  # invented demo data (its name marked 示意)


@dataclass
class ReviewCase(Result):
    """An open (or decided) pair as the review queue shows it, with its evidence."""

    id: str
    status: Literal["open", "accepted", "rejected"]
    kind: str
    score: float
    incoming: OrganisationFacts
    candidate: OrganisationFacts
    evidence: list[Evidence]
    created_at: str
    decided_by: str | None
    decided_at: str | None


@dataclass
class ReviewQueue(Result):
    status: str
    total: int
    items: list[ReviewCase]


def _facts(node_id: str | None, props: dict, kind: str, aliases: list[str]) -> OrganisationFacts:
    return OrganisationFacts(node_id, shown_name(kind, props) if props.get("name") else None,
                             kind, props.get("region"), props.get("industry"),
                             props.get("credit_code"), list(aliases),
                             bool(props.get("illustrative")))


def _case(item: ReviewItem, stored: dict) -> ReviewCase:
    incoming_id = item.payload.get("id")
    node = stored.get(incoming_id) if incoming_id else None
    incoming = (_facts(node.id, node.props, node.kind, node.aliases) if node is not None else
                _facts(incoming_id, {"name": item.name, **item.payload.get("props", {})},
                       item.kind, item.payload.get("aliases", [])))
    cand = stored.get(item.candidate_id)
    candidate = (_facts(cand.id, cand.props, cand.kind, cand.aliases) if cand is not None
                 else _facts(item.candidate_id, {}, item.kind, []))
    named = [n for n in (node, cand) if n is not None]
    return ReviewCase(item.id, item.status, item.kind, item.score, incoming, candidate,
                      [evidence(mark_quoted_names(r, named)) for r in item.reasons],
                      item.created_at, item.decided_by, item.decided_at)


def _visible(viewer: Viewer, case: ReviewCase) -> bool:
    regions = {r for r in (case.incoming.region, case.candidate.region) if r}
    return viewer.is_staff and in_scope(viewer, regions)


def _check_staff(viewer: Viewer) -> None:
    if not viewer.is_staff:
        raise Forbidden(key="access.review_organiser", where=at("where.review"))


def review_queue(store: GraphStore, status: str = "open", *,
                 viewer: Viewer = OPERATOR) -> ReviewQueue:
    """The review items of one status (or "all") with both sides' facts and the evidence,
    in the viewer's scope. Only staff (organisers, the operator) may read it."""
    _check_staff(viewer)
    if status != "all" and status not in REVIEW_STATUSES:
        raise InvalidInput(key="resolve.not_review_status",
                           params={"statuses": [*REVIEW_STATUSES, "all"]}, value=status,
                           where=at("field.status"))
    items = store.list_reviews(None if status == "all" else status)
    ids = {i.candidate_id for i in items} | {str(i.payload.get("id")) for i in items
                                              if i.payload.get("id")}
    stored = store.get_nodes(ids) if ids else {}
    cases = [c for c in (_case(i, stored) for i in items) if _visible(viewer, c)]
    return ReviewQueue(status, len(cases), cases)


def _case_of(store: GraphStore, item_id: str, viewer: Viewer) -> ReviewCase:
    found = [c for c in review_queue(store, "all", viewer=viewer).items if c.id == item_id]
    if not found:
        raise NotFound(key="resolve.not_review_item", value=item_id, where=at("where.review"))
    return found[0]


def decide_review_item(store: GraphStore, item_id: str, accept: bool, *,
                       viewer: Viewer = OPERATOR) -> ReviewCase:
    """Accept (merge the pair into the stored organisation) or reject an item, as the
    viewer; `NotFound` for an item outside their scope, `Conflict` if already decided."""
    _check_staff(viewer)
    before = _case_of(store, item_id, viewer)
    user = viewer.user_id or "operator"
    decided = (accept_review(store, item_id, user) if accept
               else reject_review(store, item_id, user))
    stored = store.get_nodes({before.candidate.id or "", before.incoming.id or ""} - {""})
    case = _case(decided, stored)
    if accept and case.incoming.id not in stored:  # merged away: show it as it was
        case.incoming = before.incoming
    return case
