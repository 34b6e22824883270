"""The analyst's report for organisers: `GET /api/analysis[/{event_id}]` (JSON) and the
pages `/analysis` (every event) and `/analysis/{event_id}`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from duijie.api.services.report import (
    RANK_EVENTS,
    AnalysisReport,
    all_events_report,
    event_report,
)
from duijie.api.web.deps import StoreDep, require_role, viewer_of
from duijie.graph.accounts import Role, Session
from duijie.graph.errors import Forbidden

router = APIRouter(tags=["analysis"])

READERS = (Role.ORGANISER, Role.ANALYST)
"""Organisers and analysts read the analysis (each in their scope); analysts never see a
confidential need's title or words (`report`)."""
ReaderSession = Annotated[Session, require_role(*READERS)]

Today = Annotated[date | None, Query(description="YYYY-MM-DD: count overdue follow-ups "
                                                 "from this date instead of today")]
RankEvents = Annotated[int | None, Query(ge=0, le=100_000, description=(
    "rank partners for the latest N events with a record (default: every one)"))]


@router.get("/api/analysis", response_model=AnalysisReport)
def all_events_api(store: StoreDep, session: ReaderSession, today: Today = None,
                   rank_events: RankEvents = RANK_EVENTS) -> dict:
    """Every event in the organiser's scope together: funnel, sign rate with its
    interval, firms, where partners ranked before their events, learning, overdue
    follow-ups, and findings (message keys with values)."""
    return all_events_report(store, today=today.isoformat() if today else None,
                             rank_events=rank_events, viewer=viewer_of(session)).to_dict()


@router.get("/api/analysis/{event_id}", response_model=AnalysisReport)
def event_api(event_id: str, store: StoreDep, session: ReaderSession,
              today: Today = None) -> dict:
    """One event's report (as `duijie report EVENT_ID --json`)."""
    return event_report(store, event_id, today=today.isoformat() if today else None,
                        viewer=viewer_of(session)).to_dict()


def _page(request: Request, make) -> HTMLResponse:
    from duijie.api.services.report_figures import report_figures
    from duijie.api.web.pages import language, page_session, render
    from duijie.api.web.report_html import translator

    session = page_session(request)
    if session is None:
        return RedirectResponse("/login", status_code=303)
    if session.user.role not in READERS:
        raise Forbidden("the analysis is for organisers and analysts", where="analysis")
    data = make(request.app.state.store, viewer_of(session)).to_dict()
    figures = report_figures(data, translator(language(request)))
    json_href = "/api/analysis" + ("" if data["scope"] == "all" else f"/{data['scope']}")
    return render(request, "analysis_report.html", session=session, report=data,
                  figures=figures, links=True, json_href=json_href)


@router.get("/analysis", include_in_schema=False)
def all_events_page(request: Request) -> HTMLResponse:
    """Every event's outcomes together, with links to each event's report."""
    return _page(request, lambda store, viewer: all_events_report(store, viewer=viewer))


@router.get("/analysis/{event_id}", include_in_schema=False)
def event_page(event_id: str, request: Request) -> HTMLResponse:
    """One event's report."""
    return _page(request, lambda store, viewer: event_report(store, event_id, viewer=viewer))
