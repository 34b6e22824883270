"""Sharing a need with an expert: an organiser lets one expert read one need (before
any meeting brings them together), and takes it back. Both are audited.

The shares are the need's `shared_with` ids; `needs.visible_needs` reads them, so the
expert then finds the need in their list, and loses it when it is unshared. A
confidential need (机密) is never shared: it reaches only its firm and the organisers.

>>> from duijie.graph import open_store
>>> from duijie.graph.model import Edge, Node
>>> from duijie.api.services.needs import visible_needs
>>> store = open_store(":memory:")
>>> with store.batch() as b:
...     b.upsert_node(Node("ent:a", "Enterprise", {"name": "甲公司"}))
...     b.upsert_node(Node("need:1", "Need", {"title": "红外探测器降噪"}))
...     b.upsert_node(Node("exp:x", "Expert", {"name": "王工"}))
...     b.upsert_edge(Edge("ent:a", "submitted", "need:1"))
>>> office, expert = Viewer.organiser("usr:1"), Viewer.expert("usr:2", "exp:x")
>>> [e.name for e in share_need(store, "need:1", "exp:x", viewer=office).experts]
['王工']
>>> [r.node.id for r in visible_needs(store, expert)]
['need:1']
>>> share_need(store, "need:1", "exp:x", share=False, viewer=office).experts
[]
>>> visible_needs(store, expert)
[]
"""

from __future__ import annotations

from dataclasses import dataclass

from duijie.api.services import Result
from duijie.api.services.access import Viewer
from duijie.api.services.needs import OPERATOR, Audit, Named, need_record
from duijie.graph.errors import Forbidden, InvalidInput, NotFound, at
from duijie.graph.model import Node
from duijie.graph.store import GraphStore, edit_node


@dataclass
class NeedShares(Result):
    """The experts a need is shared with, by name."""

    need_id: str
    need_title: str
    experts: list[Named]


def share_need(store: GraphStore, need_id: str, expert_id: str, *, share: bool = True,
               viewer: Viewer = OPERATOR, audit: Audit | None = None) -> NeedShares:
    """Share a need with an expert (or, with `share=False`, take the share back).

    Organisers only (`Forbidden` for others); a need out of their scope is `NotFound`
    as an unknown one; an unknown expert is `NotFound`; a confidential need is
    `InvalidInput`. Sharing twice or unsharing what is not shared changes nothing."""
    if not viewer.is_staff:
        raise Forbidden(key="access.share_organiser", where=at("where.share"))
    record = need_record(store, need_id, viewer)
    expert = store.get_nodes([expert_id]).get(expert_id)
    if expert is None or expert.kind != "Expert":
        raise NotFound("is not an expert", value=expert_id[:80], where="share")
    if share and record.facts.confidential:
        raise InvalidInput("is confidential (机密): it is seen only by its firm and the "
                           "organisers, never shared with an expert", value=need_id,
                           where="share")

    def change(node: Node) -> dict[str, list[str]]:
        current = [e for e in node.props.get("shared_with") or [] if e != expert_id]
        return {"shared_with": [*current, expert_id] if share else current}

    node = edit_node(store, need_id, change)
    if audit is not None:
        audit("share" if share else "unshare", need_id, expert_id)
    ids = node.props.get("shared_with") or []
    experts = store.get_nodes(ids) if ids else {}
    return NeedShares(need_id, node.props.get("title") or node.name,
                      [Named.of(experts[e]) for e in ids if e in experts])
