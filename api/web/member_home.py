"""The home page of a firm's or an expert's account: what is theirs at a glance.

The same use cases as their own pages (`list_needs`, `meeting_list`, `list_problems`),
so a count here is the count the linked page shows; an organiser's home is the dashboard
and an analyst's the analysis.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from duijie.api.services.event_views import meeting_list
from duijie.api.services.needs import NeedQuery, list_needs
from duijie.api.services.problems import list_problems
from duijie.api.web.deps import viewer_of
from duijie.graph.accounts import Role, Session

RECENT = 5  # needs and meetings listed; the rest is one link away


def member_home(request: Request, session: Session) -> HTMLResponse:
    """`/` for an enterprise or expert account: needs by status, the newest needs, the
    published meetings, and (a firm) its problems still open."""
    from duijie.api.web.pages import render
    from duijie.api.web.routes.needs_pages import _audit

    store, viewer = request.app.state.store, viewer_of(session)
    needs = list_needs(store, NeedQuery(limit=RECENT), viewer=viewer,
                       audit=_audit(request, session))
    meetings = meeting_list(store, viewer=viewer).meetings
    firm = session.user.role is Role.ENTERPRISE
    problems = list_problems(store, firm_id=viewer.party_id, viewer=viewer) if firm else None
    open_problems = problems and sum(1 for p in problems.items if p.state != "closed")
    return render(request, "home.html", session=session, needs=needs, firm=firm,
                  meetings=meetings[:RECENT], meetings_count=len(meetings),
                  open_problems=open_problems or 0,
                  problems_count=problems.count if problems else 0)
