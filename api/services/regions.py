"""Which regions a region lies in: the stored `part_of` edges, then the gazetteer.

>>> from duijie.graph import open_store
>>> ancestors_of(open_store(":memory:"), "绍兴市")
['绍兴', '浙江']
"""

from __future__ import annotations

from duijie.graph.places import place_path
from duijie.graph.store import GraphStore
from duijie.matcher.eligibility import normalise_place


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
