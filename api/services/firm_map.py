"""A firm's own map (企业自己的创新地图): its needs, the experts and institutes that can serve
them, and the meetings (会谈) and signings (签约) it has had with them, drawn as the
innovation map draws an industry (`innovation_map.draw`, the same scores and links).

It holds one firm and nothing of any other: the firm's needs only (as this viewer may
read them), suppliers only (experts and institutes), and links among those only; a
meeting or a collaboration with another firm is left out. The firm's own account and
the organisers in its scope open it; anyone else, as for an unknown id, gets
`NotFound` (an enterprise probing another firm's id learns nothing).

>>> from duijie.graph import open_store
>>> from duijie.api.services.access import Viewer
>>> from duijie.api.services.seeding import load_seed
>>> store = open_store(":memory:"); _ = load_seed(store)
>>> firm = "ent:haoting-furniture"
>>> mine = firm_map(store, firm, viewer=Viewer.enterprise("u1", firm))
>>> [n.id for n in mine.nodes if n.kind == "Enterprise"], mine.counts["needs"] >= 1
(['ent:haoting-furniture'], True)
>>> firm_map(store, "ent:xinyun-wood", viewer=Viewer.enterprise("u1", firm))
Traceback (most recent call last):
duijie.graph.errors.NotFound: firm: 'ent:xinyun-wood' is not an enterprise you can open
"""

from __future__ import annotations

from duijie.api.services.access import Viewer, in_scope
from duijie.api.services.innovation_map import MAPS, InnovationMap, draw
from duijie.api.services.needs import OPERATOR
from duijie.graph.accounts import Role
from duijie.graph.errors import InvalidInput, NotFound, at
from duijie.graph.store import GraphStore
from duijie.matcher.innovation_map import DEFAULT_STRONG


def firm_map(store: GraphStore, firm_id: str, *, strong: float = DEFAULT_STRONG,
             per_need: int = 3, viewer: Viewer = OPERATOR) -> InnovationMap:
    """The map of one firm: its needs, who can serve them, whom it met and signed with.

    Raises `NotFound` for an unknown firm and for a viewer who may not open it (another
    firm's account, an expert, an organiser out of scope); `InvalidInput` for `strong`
    outside [0, 1] or `per_need` outside 1-50.
    """
    missing = NotFound(key="ledger.not_your_enterprise", value=str(firm_id)[:80],
                       where=at("where.firm"))
    firm = store.get_nodes([firm_id]).get(firm_id)
    if firm is None or firm.kind != "Enterprise":
        raise missing
    if viewer.role is Role.ENTERPRISE:
        if viewer.party_id != firm_id:
            raise missing
    elif not viewer.is_staff or not in_scope(viewer, [firm.props.get("region") or ""]):
        raise missing
    if not 0 <= strong <= 1:
        raise InvalidInput(key="map.between", params={"least": 0, "most": 1}, value=strong,
                           where=at("field.strong"))
    if not 1 <= per_need <= 50:
        raise InvalidInput(key="map.between", params={"least": 1, "most": 50},
                           value=per_need, where=at("field.per_need"))
    # Kept per store version like the industry maps; the key names who asks, since an
    # organiser and the firm may read different needs of it.
    key = ("firm", firm_id, strong, per_need, viewer.role, viewer.party_id, viewer.scope)
    return MAPS.answer(store, key, lambda: draw(store, {firm_id: firm}, strong=strong,
                                                per_need=per_need, viewer=viewer))
