"""Which regions a region lies in: the stored `part_of` edges, then the gazetteer.

>>> from duijie.graph import open_store
>>> ancestors_of(open_store(":memory:"), "绍兴市")
['绍兴', '浙江']
"""

from __future__ import annotations

from collections.abc import Iterable

from duijie.graph.errors import NotFound, Where, at
from duijie.graph.model import Node
from duijie.graph.places import place_path
from duijie.graph.store import GraphStore, iter_nodes
from duijie.matcher.recommend import close_names
from duijie.matcher.region_paths import normalise_place


def ancestors_of(store: GraphStore, region: str | None) -> list[str]:
    """The region's own short name, then the regions containing it, nearest first."""
    if not region:
        return []
    short = normalise_place(region)
    out = [short]
    for node in store.find_nodes("Region", where={"name": region}, limit=5) + (
            store.find_nodes("Region", where={"name": short}, limit=5) if short != region
            else []):
        todo, seen = [node.id], {node.id}
        while todo:
            for _, parent in store.neighbours(todo.pop(0), "part_of", "out"):
                if parent.kind == "Region" and parent.id not in seen:
                    seen.add(parent.id)
                    todo.append(parent.id)
                    out.append(normalise_place(parent.name))
    path = place_path(short)
    if path:
        out += [normalise_place(p) for p in reversed(path[:-1])]
    return list(dict.fromkeys(out))


def ancestor_map(store: GraphStore, regions: list[str | None]) -> dict[str, list[str]]:
    """`{region: [regions it lies in, nearest first]}` for the matcher's functions."""
    return {r: ancestors_of(store, r)[1:] for r in set(regions) if r}


def firm_ids_in(store: GraphStore, region: str | None, industry: str | None,
                firms: Iterable[Node] | None = None) -> set[str] | None:
    """Ids of the firms in `region` (or a region within it) and of `industry` (None: no
    filter given). A place or industry with no firms is `NotFound`, naming close ones.
    `firms` are the enterprises to choose from (default: every one stored).

    >>> from duijie.graph import open_store
    >>> from duijie.api.services.seeding import load_seed
    >>> store = open_store(":memory:"); _ = load_seed(store)
    >>> "ent:ailaiyi" in firm_ids_in(store, "浙江", "纺织印染")
    True
    """
    if region is None and industry is None:
        return None
    firms = list(iter_nodes(store, "Enterprise", page_size=5000) if firms is None else firms)
    kept = firms
    if region is not None:
        wanted = normalise_place(region.strip())
        above = ancestor_map(store, [f.props.get("region") for f in firms])
        kept = [f for f in kept if f.props.get("region") and (
            normalise_place(f.props["region"]) == wanted
            or wanted in above.get(f.props["region"], []))]
        if not kept:
            known = sorted({f.props["region"] for f in firms if f.props.get("region")})
            raise NotFound(key="map.no_firms", value=region[:80],
                           where=_close("region", region, known))
    if industry is not None:
        in_region = kept
        kept = [f for f in kept if (f.props.get("industry") or "") == industry.strip()]
        if not kept:
            known = sorted({f.props["industry"] for f in in_region if f.props.get("industry")})
            raise NotFound(key="map.no_firms_in_region" if region else "map.no_firms",
                           value=industry[:80], where=_close("industry", industry, known))
    return {f.id for f in kept}


def _close(what: str, value: str, known: list[str]) -> Where:
    """Where: the region or industry, with the names close to what was typed."""
    close = close_names(value, known)
    if what == "region":
        return at("where.region_close", close=close) if close else at("where.region")
    return at("where.industry_close", close=close) if close else at("where.industry")
