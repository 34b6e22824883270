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

from dataclasses import dataclass
from typing import Literal

from duijie.api.services import Result
from duijie.graph.errors import InvalidInput
from duijie.graph.resolution import accept_review, reject_review, resolve
from duijie.graph.resolution_index import Candidate
from duijie.graph.store import GraphStore, ReviewItem

REVIEW_STATUSES = ("open", "accepted", "rejected")
"""The states of a review item; `list_review_items` also takes "all"."""


@dataclass
class Resolution(Result):
    """The candidates for a name, best first, each with score, decision and reasons."""

    query: str
    candidates: list[Candidate]


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
    return Resolution(name, found)


def _entries(store: GraphStore, items: list[ReviewItem]) -> list[ReviewEntry]:
    names = store.get_nodes({i.candidate_id for i in items}) if items else {}
    return [ReviewEntry(i.id, i.status, i.kind, i.score, i.name, i.payload.get("id"),
                        i.candidate_id,
                        names[i.candidate_id].name if i.candidate_id in names else None,
                        list(i.reasons), i.created_at, i.decided_by, i.decided_at)
            for i in items]


def list_review_items(store: GraphStore, status: str = "open") -> ReviewList:
    """Review items of one status ("open", "accepted", "rejected") or "all"."""
    if status != "all" and status not in REVIEW_STATUSES:
        raise InvalidInput(f"is not a review status ({', '.join(REVIEW_STATUSES)}, all)",
                           value=status, where="status")
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
