"""Officials who keep contact with firms (双向联系): their records, added, edited, listed.

An official is a node of kind Official (department, fields, regions, capacity: how
many firms they keep contact with). `contact_plan` gives them firms; `contacts`
records the contacts they make.

>>> from duijie.graph import open_store
>>> store = open_store(":memory:")
>>> add_official(store, name="王", department="技术处", fields=["红外"], capacity=5).capacity
5
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from duijie.api.services import Result
from duijie.graph.errors import InvalidInput, NotFound, Where, at
from duijie.graph.model import Node, Provenance, new_id, validate_props
from duijie.graph.store import GraphStore, WriteBatch, iter_nodes, utc_now


@dataclass
class OfficialView(Result):
    id: str
    name: str
    department: str
    title: str | None
    fields: list[str]
    regions: list[str]
    capacity: int
    rev: int
    needs_capacity: bool = False  # stored with capacity 0 (before 1 or more was required)

    @classmethod
    def of(cls, node: Node) -> OfficialView:
        p = node.props
        return cls(node.id, node.shown_name, p["department"], p.get("title"), p.get("fields", []),
                   p.get("regions", []), p.get("capacity", 20), node.rev,
                   needs_capacity(node))


def needs_capacity(node: Node) -> bool:
    """True for an official stored without a usable capacity: a store written before
    capacities had to be 1 or more may hold 0. Such an official is read and listed as
    needing one, and left out of the plan, instead of breaking contact duty.

    >>> needs_capacity(Node("off:x", "Official", {"name": "休假", "capacity": 0}))
    True
    >>> needs_capacity(Node("off:y", "Official", {"name": "王"}))  # the default, 20
    False
    """
    capacity = node.props.get("capacity", 20)
    return isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1


def get_official(store: GraphStore, official_id: str) -> Node:
    """The stored official `official_id` (`NotFound` if it is not one).

    >>> from duijie.graph import open_store
    >>> get_official(open_store(":memory:"), "off:x")
    Traceback (most recent call last):
    ...
    duijie.graph.errors.NotFound: official: 'off:x' is not an official
    """
    node = store.get_nodes([official_id]).get(official_id)
    if node is None or node.kind != "Official":
        raise NotFound(key="contacts.not_official", value=str(official_id)[:80],
                       where=at("where.official"))
    return node


def add_official(store: GraphStore, *, name: str, department: str, fields: list[str] = (),
                 regions: list[str] = (), capacity: int = 20, title: str | None = None,
                 official_id: str | None = None, author: str = "operator") -> OfficialView:
    """Add (or update, by id) an official who keeps contact with firms.

    A capacity of 0 is refused, as on an edit and in the plan: an official on duty keeps
    contact with at least one firm. Nothing is written on a refusal.

    >>> from duijie.graph import open_store
    >>> store = open_store(":memory:")
    >>> add_official(store, name="休假", department="综合处", capacity=0)
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: official 休假, capacity: 休假 has capacity 0: an \
official on duty keeps contact with at least one firm; give 1 or more
    >>> store.find_nodes("Official")
    []
    """
    _check_capacity(capacity, name, at("where.official_named", name=name))
    props = validate_props("Official", {
        "name": name, "department": department, "fields": list(fields),
        "regions": list(regions), "capacity": capacity, "title": title},
        at("where.official_named", name=name))
    official_id = official_id or new_id("Official", department, name)
    with store.batch() as batch:
        batch.upsert_node(Node(official_id, "Official", {k: v for k, v in props.items()
                                                         if v is not None},
                               provenance=[Provenance(source=f"user:{author}", at=utc_now())]),
                          where="official")
    return OfficialView.of(store.get_node(official_id))


def _check_capacity(capacity: Any, name: str, where: Where) -> None:
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 0:
        raise InvalidInput(key="contacts.not_whole_firms", value=capacity,
                           where=where.then("field.capacity"))
    if capacity == 0:
        raise InvalidInput(key="contacts.zero_capacity", params={"name": name},
                           where=where.then("field.capacity"))


def update_official(store: GraphStore, official_id: str, *, rev: int,
                    department: str | None = None, capacity: int | None = None,
                    fields: list[str] | None = None, regions: list[str] | None = None,
                    title: str | None = None, author: str = "operator") -> OfficialView:
    """Change an official's department, capacity, fields, regions or title, if the record
    is still at revision `rev` (else `Conflict`: someone changed it since it was read).

    A capacity of 0 is refused (an official on duty keeps contact with at least one
    firm), and so is a department the routing table does not know (a typo would give
    the official no problems to answer for). Nothing is written on a refusal.

    >>> from duijie.graph import open_store
    >>> store = open_store(":memory:")
    >>> o = add_official(store, name="王", department="企业服务办公室", capacity=5)
    >>> update_official(store, o.id, rev=o.rev, capacity=8, fields=["红外"]).capacity
    8
    >>> update_official(store, o.id, rev=o.rev + 1, department="不存在的处")
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: official 王, department: '不存在的处' is not a known \
department: choose one of the routing table's departments or add it there first
    """
    from duijie.api.services.routing import known_departments

    node = get_official(store, official_id)
    where = at("where.official_named", name=node.name)
    changes: dict[str, Any] = {}
    if capacity is not None:
        _check_capacity(capacity, node.name, where)
        changes["capacity"] = capacity
    elif needs_capacity(node):
        raise InvalidInput(key="contacts.no_capacity_edit", params={"name": node.name},
                           where=where.then("field.capacity"))
    if department is not None and department.strip() != node.props.get("department"):
        department = department.strip()
        if department not in known_departments(store):
            raise InvalidInput(key="contacts.unknown_department", value=department,
                               where=where.then("field.department"))
        changes["department"] = department
    for key, value in (("fields", fields), ("regions", regions)):
        if value is not None:
            changes[key] = list(dict.fromkeys(v.strip() for v in value if v and v.strip()))
    if title is not None:
        changes["title"] = title.strip() or None
    if not changes:
        raise InvalidInput(key="contacts.nothing_to_change", where=where)
    props = validate_props("Official", {**node.props, **changes}, where)
    batch = WriteBatch()
    batch.upsert_node(Node(node.id, "Official", {k: v for k, v in props.items()
                                                 if v is not None},
                           provenance=[Provenance(source=f"user:{author}", at=utc_now())]),
                      replace_props=True, expect_rev=rev, where=where)
    store.apply(batch)
    return OfficialView.of(store.get_node(official_id))


@dataclass
class OfficialList(Result):
    officials: list[OfficialView]
    count: int


def list_officials(store: GraphStore) -> list[OfficialView]:
    return sorted((OfficialView.of(n) for n in iter_nodes(store, "Official")),
                  key=lambda o: (o.department, o.name, o.id))


def official_list(store: GraphStore) -> OfficialList:
    """Every official, by department and name."""
    rows = list_officials(store)
    return OfficialList(rows, len(rows))
