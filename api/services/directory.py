"""Read-only lists of who is in the graph: enterprises, experts, institutes, programmes.

Helpers (experts, institutes) and programmes are listed to every signed-in role;
enterprises are firm data: an organiser sees those of their scope, an enterprise
only its own firm, an expert the firms they have meetings with. A confidential
record is listed to staff only.

>>> from duijie.graph.sqlite_store import SqliteStore
>>> store = SqliteStore(":memory:")
>>> with store.batch() as b:
...     b.upsert_node(Node("ent:a", "Enterprise", {"name": "甲公司", "region": "嘉兴"}))
...     b.upsert_node(Node("ent:b", "Enterprise", {"name": "乙公司", "region": "西安"}))
>>> [e.name for e in list_directory(store, "enterprises").data]
['乙公司', '甲公司']
>>> list_directory(store, "enterprises", viewer=Viewer.enterprise("u", "ent:a")).count
1
>>> list_directory(store, "enterprises", viewer=Viewer.organiser("u", "西安")).data[0].name
'乙公司'
"""

from __future__ import annotations

from dataclasses import dataclass

from duijie.api.services import Result
from duijie.api.services.access import Viewer, in_scope
from duijie.graph.accounts import Role
from duijie.graph.errors import InvalidInput
from duijie.graph.model import Node
from duijie.graph.normalize import normalize_text
from duijie.graph.store import GraphStore, iter_nodes
from duijie.graph.vocab import Confidentiality

OPERATOR = Viewer.operator()  # the command line: sees everything
KINDS = {"enterprises": "Enterprise", "experts": "Expert", "institutes": "Institute",
         "programmes": "Programme"}
SORTS = ("name", "region", "category")
MAX_LIMIT = 200
SUMMARY_CHARS = 160


def shown_affiliations(store: GraphStore, experts: list[Node]) -> dict[str, str]:
    """Each expert's affiliation as a person reads it: when it names an organisation of
    the graph (by its normalised name) that is invented, with its mark.

    >>> from duijie.graph import open_store
    >>> store = open_store(":memory:")
    >>> with store.batch() as b:
    ...     b.upsert_node(Node("inst:x", "Institute", {"name": "示例所", "illustrative": True}))
    >>> shown_affiliations(store, [Node("exp:a", "Expert", {"name": "甲",
    ...                                  "affiliation": "示例所"})])
    {'exp:a': '示例所（示意）'}
    """
    out = {}
    for expert in experts:
        text = expert.props.get("affiliation")
        if not text:
            continue
        ids = store.find_by_key("norm", normalize_text(text))
        named = store.get_nodes(ids[:1]).get(ids[0]) if len(ids) == 1 else None
        out[expert.id] = named.shown_name if named is not None and named.illustrative else text
    return out


@dataclass
class DirectoryEntry(Result):
    id: str
    kind: str
    name: str
    region: str | None
    category: str | None  # industry, institute type, an expert's title, a programme's level
    affiliation: str | None  # an expert's institute or firm; a programme's department
    summary: str | None
    illustrative: bool

    @classmethod
    def of(cls, node: Node) -> DirectoryEntry:
        p = node.props
        category = {"Enterprise": p.get("industry"), "Institute": p.get("institute_type"),
                    "Expert": p.get("title"), "Programme": p.get("level")}.get(node.kind)
        affiliation = p.get("affiliation") if node.kind == "Expert" else (
            p.get("department") if node.kind == "Programme" else None)
        region = p.get("region") or (", ".join(p.get("regions", [])) or None)
        text = (p.get("description") or p.get("benefit") or "").strip()
        summary = text[:SUMMARY_CHARS] + ("…" if len(text) > SUMMARY_CHARS else "") or None
        return cls(node.id, node.kind, node.shown_name, region, category, affiliation, summary,
                   bool(p.get("illustrative")))


@dataclass
class Directory(Result):
    data: list[DirectoryEntry]
    count: int
    offset: int
    limit: int


def _firms_met(store: GraphStore, expert_id: str) -> set[str]:
    firms: set[str] = set()
    for meeting in store.find_edges("involves", dst=expert_id, limit=10**6):
        firms.update(e.dst for e in store.find_edges("involves", src=meeting.src, limit=10**6)
                     if e.dst.startswith("ent:"))
    return firms


def _visible(store: GraphStore, kind: str, viewer: Viewer) -> list[Node]:
    if kind == "Enterprise" and viewer.role is Role.ENTERPRISE:
        nodes = list(store.get_nodes([viewer.party_id] if viewer.party_id else []).values())
    elif kind == "Enterprise" and viewer.role is Role.EXPERT:
        nodes = list(store.get_nodes(_firms_met(store, viewer.party_id or "")).values())
    else:
        nodes = list(iter_nodes(store, kind))
    if kind == "Enterprise" and viewer.role is Role.ORGANISER:
        nodes = [n for n in nodes if in_scope(viewer, [n.props.get("region") or ""])]
    if not viewer.is_staff:
        nodes = [n for n in nodes if n.confidentiality != Confidentiality.CONFIDENTIAL]
    return [n for n in nodes if n.kind == kind]


def list_directory(store: GraphStore, what: str, *, q: str | None = None,
                   region: str | None = None, category: str | None = None,
                   sort: str = "name", offset: int = 0, limit: int = 50,
                   viewer: Viewer = OPERATOR) -> Directory:
    """A page of `what` (enterprises, experts, institutes, programmes) the viewer may see,
    filtered by words in the name, aliases or description, region and category."""
    if what not in KINDS:
        raise InvalidInput(f"is not a directory (one of {', '.join(KINDS)})", value=what,
                           where="directory")
    if sort.lstrip("-") not in SORTS:
        raise InvalidInput(f"is not a sort order (one of {', '.join(SORTS)})", value=sort,
                           where="sort")
    if not 0 <= offset <= 10**6 or not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"offset 0..1000000 and limit 1..{MAX_LIMIT}",
                           value=(offset, limit), where="page")
    if q and len(q) > 200:
        raise InvalidInput("is longer than 200 characters", value=q[:40], where="q")
    words = [w for w in map(normalize_text, (q or "").split()) if w]
    entries = []
    for node in _visible(store, KINDS[what], viewer):
        entry = DirectoryEntry.of(node)
        if region and region not in (entry.region or ""):
            continue
        if category and category != entry.category:
            continue
        if words:
            haystack = normalize_text(" ".join([node.name, *node.aliases, entry.summary or "",
                                                entry.affiliation or ""]))
            if not all(w in haystack for w in words):
                continue
        entries.append(entry)
    name = sort.lstrip("-")
    entries.sort(key=lambda e: (getattr(e, name) is None, getattr(e, name) or "", e.id),
                 reverse=sort.startswith("-"))
    page = entries[offset:offset + limit]
    if what == "experts":
        shown = shown_affiliations(store, list(store.get_nodes([e.id for e in page]).values()))
        for entry in page:
            entry.affiliation = shown.get(entry.id, entry.affiliation)
    return Directory(page, len(entries), offset, limit)
