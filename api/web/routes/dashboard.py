"""The organiser's dashboard: `GET /api/dashboard` and the organisers' home page."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from duijie.api.services.dashboard import Dashboard, dashboard
from duijie.api.web.deps import OrganiserSession, StoreDep, viewer_of
from duijie.graph.accounts import Session

router = APIRouter(tags=["dashboard"])


@router.get("/api/dashboard", response_model=Dashboard)
def dashboard_api(store: StoreDep, session: OrganiserSession,
                  today: Annotated[date | None, Query(description="YYYY-MM-DD")] = None
                  ) -> dict:
    """Needs by status and region, overdue follow-ups, upcoming and recent events, in the
    organiser's scope. `today` (YYYY-MM-DD) replaces the real date."""
    return dashboard(store, viewer=viewer_of(session),
                     today=today.isoformat() if today else None).to_dict()


def dashboard_page(request: Request, session: Session) -> HTMLResponse:
    """The organisers' home page (`/`)."""
    from duijie.api.web.pages import render

    board = dashboard(request.app.state.store, viewer=viewer_of(session))
    top = max((s.count for s in board.needs_by_status), default=0) or 1
    # statuses in the needs list's words, each a link to those needs
    return render(request, "dashboard.html", session=session, board=board, bar_scale=top)
