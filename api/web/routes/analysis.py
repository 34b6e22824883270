"""The analyst's report for organisers: `GET /api/analysis[/{event_id}]` (JSON) and the
pages `/analysis` (every event) and `/analysis/{event_id}`."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from duijie.api.jobs import SharedJobs, job_dict
from duijie.api.services.access import Viewer
from duijie.api.services.kept_reports import kept_figures, kept_report
from duijie.api.services.learning_runs import LearningRun, learn_ranking
from duijie.api.services.report import RANK_EVENTS, AnalysisReport
from duijie.api.web.deps import JobsDep, OrganiserSession, StoreDep, require_role, viewer_of
from duijie.api.web.event_models import JobFields
from duijie.graph.accounts import Role, Session
from duijie.graph.errors import Conflict, Forbidden, at
from duijie.graph.job_table import JobRow
from duijie.graph.store import GraphStore

router = APIRouter(tags=["analysis"])

READERS = (Role.ORGANISER, Role.ANALYST)
"""Organisers and analysts read the analysis (each in their scope); analysts never see a
confidential need's title or words (`report`)."""
ReaderSession = Annotated[Session, require_role(*READERS)]

Today = Annotated[date | None, Query(description="YYYY-MM-DD: count overdue follow-ups "
                                                 "from this date instead of today")]
RankEvents = Annotated[int | None, Query(ge=0, le=100_000, description=(
    "rank partners for the latest N events with a record (default: every one)"))]


LEARN = "learn"
LEARN_SUBJECT = "outcomes"  # one learning run at a time, in any worker
JobId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[0-9a-f]+$")]


class LearningJobOut(JobFields):
    result: LearningRun | None


def start_learning(store: GraphStore, jobs: SharedJobs, user_id: str | None,
                   viewer: Viewer) -> JobRow:
    """Learn the ranking as a job (`learning_runs.learn_ranking`); `Forbidden` for an
    organiser of one region (the model serves the whole office), `Conflict` while a run
    goes on in any worker."""
    if viewer.scope:
        raise Forbidden(key="access.learning_starts", where=at("where.learning"))
    return jobs.start(lambda progress, cancelled: learn_ranking(
        store, progress=progress, cancelled=cancelled), kind=LEARN, subject=LEARN_SUBJECT,
        name="learn ranking", owner=user_id)


def running_learning(jobs: SharedJobs) -> JobRow | None:
    """The learning run going on now (or the last one), in any worker."""
    return jobs.latest(LEARN)


def learning_job(jobs: SharedJobs, job_id: str) -> JobRow:
    return jobs.get_of_kind(job_id, LEARN, what="a learning job")


@router.post("/api/analysis/learn", response_model=LearningJobOut, status_code=202)
def learn(store: StoreDep, session: OrganiserSession, jobs: JobsDep) -> dict[str, Any]:
    """Learn the ranking from the recorded outcomes as a job (202 at once; 409 while one
    runs). Recommendations keep using the last learned model (or the hybrid ranking,
    saying so) until it ends, and never wait for it."""
    return job_dict(start_learning(store, jobs, session.user.id, viewer_of(session)))


@router.get("/api/analysis/learn/{job_id}", response_model=LearningJobOut)
def learning_state(job_id: JobId, session: OrganiserSession, jobs: JobsDep) -> dict[str, Any]:
    """A learning job's stage, progress (done of total) and, once done, its result."""
    return job_dict(learning_job(jobs, job_id))


@router.delete("/api/analysis/learn/{job_id}", response_model=LearningJobOut)
def cancel_learning(job_id: JobId, session: OrganiserSession, jobs: JobsDep
                    ) -> dict[str, Any]:
    """Cancel a learning job (the last kept model stays); a finished one answers as it
    ended."""
    if viewer_of(session).scope:
        raise Forbidden(key="access.learning_cancels", where=at("where.learning"))
    learning_job(jobs, job_id)
    return job_dict(jobs.cancel(job_id))


@router.get("/api/analysis", response_model=AnalysisReport)
def all_events_api(store: StoreDep, session: ReaderSession, today: Today = None,
                   rank_events: RankEvents = RANK_EVENTS) -> dict:
    """Every event in the organiser's scope together: funnel, sign rate with its
    interval, firms, where partners ranked before their events, learning, overdue
    follow-ups, and findings (message keys with values)."""
    return kept_report(store, today=today.isoformat() if today else None,
                       rank_events=rank_events, viewer=viewer_of(session))


@router.get("/api/analysis/{event_id}", response_model=AnalysisReport)
def event_api(event_id: str, store: StoreDep, session: ReaderSession,
              today: Today = None) -> dict:
    """One event's report (as `duijie report EVENT_ID --json`)."""
    return kept_report(store, event_id, today=today.isoformat() if today else None,
                       viewer=viewer_of(session))


def _page(request: Request, event_id: str | None) -> HTMLResponse:
    """The report page (every event's with None), its report and figures kept per graph
    version, reader and language (`kept_reports`)."""
    from duijie.api.web.pages import language, page_session, render
    from duijie.api.web.report_html import translator

    session = page_session(request)
    if session is None:
        return RedirectResponse("/login", status_code=303)
    if session.user.role not in READERS:
        raise Forbidden(key="access.analysis_staff", where=at("where.analysis"))
    store, viewer, lang = request.app.state.store, viewer_of(session), language(request)
    data = kept_report(store, event_id, viewer=viewer)
    figures = kept_figures(store, event_id, data, lang, translator(lang), viewer=viewer)
    json_href = "/api/analysis" + ("" if data["scope"] == "all" else f"/{data['scope']}")
    may_learn = session.user.role == Role.ORGANISER and not session.user.scope
    job = running_learning(request.app.state.jobs) if may_learn else None
    return render(request, "analysis_report.html", session=session, report=data,
                  figures=figures, links=True, json_href=json_href, may_learn=may_learn,
                  learning_job=job_dict(job) if job is not None else None)


@router.post("/analysis/learn", include_in_schema=False)
async def learn_page(request: Request) -> Response:
    """Start a learning run (or, while one goes on, show that one) and go back."""
    from duijie.api.web.pages import signed_in_form

    sent = await signed_in_form(request, Role.ORGANISER)
    if isinstance(sent, Response):
        return sent
    session, _ = sent
    app = request.app.state
    with contextlib.suppress(Conflict):  # one runs already: the page shows it
        start_learning(app.store, app.jobs, session.user.id, viewer_of(session))
    return RedirectResponse("/analysis#learning", status_code=303)


@router.get("/analysis", include_in_schema=False)
def all_events_page(request: Request) -> HTMLResponse:
    """Every event's outcomes together, with links to each event's report."""
    return _page(request, None)


@router.get("/analysis/{event_id}", include_in_schema=False)
def event_page(event_id: str, request: Request) -> HTMLResponse:
    """One event's report."""
    return _page(request, event_id)
