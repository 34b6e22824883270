"""What routes depend on, as `Annotated` aliases: the store, the accounts, the session.

A request is signed in by the ``duijie_session`` cookie (pages) or an
``Authorization: Bearer`` token (scripts). A cookie-signed write must also carry the
session's CSRF token (header ``X-CSRF-Token`` or form field ``csrf_token``); a bearer
token is not sent by browsers on their own, so it needs none.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from duijie.api.jobs import SharedJobs
from duijie.api.services.access import Viewer
from duijie.api.services.accounts import current_session
from duijie.graph.accounts import AccountStore, Role, Session
from duijie.graph.errors import Forbidden, Unauthorized, at
from duijie.graph.refusals import role_word
from duijie.graph.store import GraphStore

SESSION_COOKIE = "duijie_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


# Cheap dependencies are coroutines: a plain `def` would cost a hop to the thread pool
# on every request.
async def get_store(request: Request) -> GraphStore:
    return request.app.state.store


async def get_accounts(request: Request) -> AccountStore:
    return request.app.state.accounts


async def get_jobs(request: Request) -> SharedJobs:
    return request.app.state.jobs


StoreDep = Annotated[GraphStore, Depends(get_store)]
AccountsDep = Annotated[AccountStore, Depends(get_accounts)]
JobsDep = Annotated[SharedJobs, Depends(get_jobs)]  # shared by every worker process


def _token(request: Request) -> tuple[str | None, bool]:
    """(token, came from a cookie)."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip(), False
    return request.cookies.get(SESSION_COOKIE), True


async def get_session(request: Request) -> Session:
    token, by_cookie = _token(request)
    session = current_session(request.app.state.accounts, token)
    if by_cookie and request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER)
        if sent is None and request.headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")):
            sent = (await request.form()).get("csrf_token")
        if not sent or not hmac.compare_digest(str(sent), session.csrf):
            raise Forbidden(key="users.stale_form", where=at("field.csrf"))
    if not analyst_may_open(session, request):
        raise Forbidden(key="users.analyst_only", where=at("field.role"))
    request.state.session = session
    return session


ANALYST_PATHS = ("/api/analysis", "/analysis")
"""What an analyst reads (GET only); besides these only signing in and out and "/"."""


def analyst_may_open(session: Session, request: Request) -> bool:
    """Everyone but an analyst; an analyst only the analysis pages and reports (read),
    its session (read, sign out) and the home page (which sends it to the analysis)."""
    if session.user.role is not Role.ANALYST:
        return True
    path, method = request.url.path, request.method
    if path in ("/api/session", "/logout") or (path == "/" and method in SAFE_METHODS):
        return True
    return method in SAFE_METHODS and any(path == p or path.startswith(p + "/")
                                          for p in ANALYST_PATHS)


CurrentSession = Annotated[Session, Depends(get_session)]


def require_role(*roles: Role):
    """A dependency that lets only these roles through."""

    async def check(session: CurrentSession) -> Session:
        if session.user.role not in roles:
            raise Forbidden(key="users.needs_role", params={
                "roles": [role_word(r.value) for r in roles]}, where=at("field.role"))
        return session

    return Depends(check)


OrganiserSession = Annotated[Session, require_role(Role.ORGANISER)]


def viewer_of(session: Session) -> Viewer:
    """The use cases' `Viewer` for a signed-in account."""
    user = session.user
    if user.role is Role.ORGANISER:
        return Viewer.organiser(user.id, user.scope)
    if user.role is Role.ENTERPRISE:
        return Viewer.enterprise(user.id, user.party_id or "")
    if user.role is Role.ANALYST:
        return Viewer.analyst(user.id, user.scope)
    return Viewer.expert(user.id, user.party_id or "")


async def get_viewer(session: CurrentSession) -> Viewer:
    return viewer_of(session)


ViewerDep = Annotated[Viewer, Depends(get_viewer)]

__all__ = ["AccountsDep", "CurrentSession", "JobsDep", "OrganiserSession", "StoreDep",
           "Unauthorized", "ViewerDep"]
