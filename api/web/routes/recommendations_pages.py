"""A need's matches: what an enterprise sees of its need's candidates (names and plain
reasons, no scores), and the ranked candidates with scores an organiser works from.

It calls `api.services.recommendations` with the signed-in viewer and adds no rules:
which candidates, paths and scores a person may see is decided there.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from duijie.api.services import needs as needs_use
from duijie.api.services import recommendations as use
from duijie.api.web.deps import viewer_of
from duijie.api.web.pages import page_session, render
from duijie.graph.accounts import Role
from duijie.graph.errors import Forbidden, at

router = APIRouter(include_in_schema=False)

KINDS = ("expert", "institute", "programme")
SHOWN = 10


@router.get("/needs/{need_id}/matches", response_class=HTMLResponse)
def need_matches_page(request: Request, need_id: str) -> Response:
    session = page_session(request)
    if session is None:
        return RedirectResponse("/login", status_code=303)
    if session.user.role is Role.EXPERT:
        raise Forbidden(key="access.expert_no_matches", where=at("field.role"))
    kind = request.query_params.get("kind")
    kind = kind if kind in KINDS else "expert"
    store, viewer = request.app.state.store, viewer_of(session)
    def audit(action: str, need: str | None, detail: str | None = None) -> None:
        request.app.state.accounts.audit(session.user.id, action, "Need", need, detail)

    need = needs_use.get_need(store, need_id[:200], viewer=viewer, audit=audit).to_dict()
    found = use.recommend_for_need(store, need["id"], kind=kind, k=SHOWN, viewer=viewer,
                                   audit=audit)
    return render(request, "need_matches.html", session=session, need=need, kind=kind,
                  kinds=KINDS, found=found.to_dict(), scored=found.show_scores)
