"""Entity resolution for organisations (first cut: exact keys only).

`plan_organisation_writes` is the write-path hook importers and the seed loader
call: it maps incoming organisation records onto stored ones when they are the
same organisation, and returns review items for pairs an organiser must decide.
"""

from __future__ import annotations

from dataclasses import replace

from graph.model import ORGANISATION_KINDS, Node
from graph.normalize import organisation_keys
from graph.store import GraphStore, ReviewItem


def plan_organisation_writes(store: GraphStore, nodes: list[Node]
                             ) -> tuple[list[Node], list[ReviewItem]]:
    """Re-target incoming organisations at stored ones that are the same firm.

    Returns the nodes to write (ids possibly changed to the stored id, the
    incoming name kept as an alias) and the review items to queue.
    """
    out: list[Node] = []
    for node in nodes:
        if node.kind not in ORGANISATION_KINDS:
            out.append(node)
            continue
        match = None
        for key_type, key in organisation_keys(node.name, node.aliases,
                                               node.props.get("credit_code")):
            if key_type in ("credit", "core"):
                ids = [i for i in store.find_by_key(key_type, key) if i != node.id]
                if len(ids) == 1:
                    match = ids[0]
                    break
        if match is None:
            out.append(node)
        else:
            out.append(replace(node, id=match, aliases=[*node.aliases, node.name]))
    return out, []
