"""Where a place lies: a region and every region it lies in, as normalised names.

Programme eligibility asks whether a firm's place is on a programme's region's path
(a Keqiao firm meets a 柯桥 or 浙江 rule); problem routing and contact duty ask how near.

>>> region_path("绍兴市柯桥区")
['绍兴市柯桥', '柯桥', '绍兴', '浙江']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from duijie.graph.places import PLACE_SUFFIXES, find_places, place_path

_PLACE_SUFFIX = re.compile(f"({'|'.join(PLACE_SUFFIXES)})$")


def normalise_place(name: str) -> str:
    """A place name without its administrative suffix (浙江省 → 浙江, 绍兴市 → 绍兴).

    >>> normalise_place("浙江省"), normalise_place("西安市"), normalise_place("北京")
    ('浙江', '西安', '北京')
    """
    name = name.strip()
    short = _PLACE_SUFFIX.sub("", name)
    return short if len(short) >= 2 else name


def region_path(region: str, region_ancestors: Mapping[str, Iterable[str]] | None = None
                ) -> list[str]:
    """A region and every region it lies in, nearest first, as normalised names.

    The graph's ``part_of`` hierarchy (`region_ancestors`, each region's containing
    regions nearest first) and the gazetteer of `graph.places` both count, and a
    compound name counts as its places, the most specific first (绍兴市柯桥区 is
    柯桥, in 绍兴, in 浙江). Programme eligibility asks whether a place is on it;
    problem routing asks how near.

    >>> region_path("绍兴市柯桥区")
    ['绍兴市柯桥', '柯桥', '绍兴', '浙江']
    >>> region_path("高新区", {"高新区": ["西安市"]})
    ['高新', '西安', '陕西']
    """
    ancestors = region_ancestors or {}
    out: list[str] = []
    level = [region, *reversed(find_places(region))]
    while level:
        after: list[str] = []
        for place in level:
            key = normalise_place(place)
            if key in out:
                continue
            out.append(key)
            after.extend(ancestors.get(place, ()))
            if key != place:
                after.extend(ancestors.get(key, ()))
            after.extend(reversed((place_path(key) or ())[:-1]))
        level = after
    return out


def region_chain(region: str, region_ancestors: Mapping[str, Iterable[str]] | None = None
                 ) -> set[str]:
    """The places of `region_path` as a set: is a place on the region's path?

    >>> sorted(region_chain("绍兴市柯桥区"))
    ['柯桥', '浙江', '绍兴', '绍兴市柯桥']
    """
    return set(region_path(region, region_ancestors))



def places_wanted(expected: Any) -> set[str]:
    """The normalised places a rule's value names (one place or a list).

    >>> sorted(places_wanted(["浙江省", "西安市"])), places_wanted("柯桥区")
    (['浙江', '西安'], {'柯桥'})
    """
    values = expected if isinstance(expected, list | tuple | set | frozenset) else [expected]
    return {normalise_place(str(v)) for v in values}
