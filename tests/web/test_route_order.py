"""The web service tries its route modules in an order chosen for speed
(`app.route_modules`: the JSON API first). That is safe only while no request could
match routes of two modules: this checks every route's path, filled in, against every
route of the same method in the other modules (within a module the order is the
module's own, e.g. ``/api/problems/ledger.xlsx`` before ``/api/problems/{need_id}``)."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute

from duijie.api.web import pages
from duijie.api.web.app import route_modules


def served_routes() -> list[tuple[str, APIRoute]]:
    """(module, route) for every route of the service."""
    return [(module.__name__, r) for module in [*route_modules(), pages]
            for r in module.router.routes if isinstance(r, APIRoute)]


def filled(path: str) -> str:
    """A concrete path for a route's template: every parameter given a plain value."""
    return re.sub(r"\{(\w+)(?::(\w+))?\}",
                  lambda m: {"int": "7", "path": "a/b"}.get(m.group(2) or "", "x-1"), path)


def test_no_request_path_matches_routes_of_two_modules():
    routes = served_routes()
    assert len(routes) > 50  # the whole service, not an empty list
    clashes = []
    for module, route in routes:
        concrete = filled(route.path)
        assert route.path_regex.match(concrete), route.path
        for other_module, other in routes:
            if other_module != module and other.methods & route.methods \
                    and other.path_regex.match(concrete):
                clashes.append(f"{sorted(route.methods)} {route.path} ~ {other.path}")
    assert clashes == []


def test_the_api_is_tried_before_the_pages():
    prefixes = [module.router.prefix for module in route_modules()]
    first_page = next(i for i, p in enumerate(prefixes) if not p.startswith("/api"))
    assert all(not p.startswith("/api") for p in prefixes[first_page:])
    assert any(p.startswith("/api") for p in prefixes)
