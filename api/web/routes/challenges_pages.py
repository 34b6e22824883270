"""The challenge-lists page (`/challenges`): themes as tables in the reader's language,
filtered by region and industry; the same use case as `/api/challenges`. Clustering again
is a job: the page shows its stage and progress (htmx polls its panel every second), can
cancel it, and reloads with the new themes when it is done."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from duijie.api.jobs import job_dict
from duijie.api.services import challenges
from duijie.api.web.deps import viewer_of
from duijie.api.web.pages import render, signed_in_form, signed_in_page
from duijie.api.web.routes.challenges import (
    first_run_if_none,
    recompute_job,
    running_recompute,
    start_recompute,
)
from duijie.graph.accounts import Role
from duijie.graph.errors import Conflict, NotFound
from duijie.graph.model import MAX_NAME

router = APIRouter(include_in_schema=False)


def _place(request: Request) -> tuple[str | None, str | None]:
    region = (request.query_params.get("region") or "").strip()[:MAX_NAME] or None
    industry = (request.query_params.get("industry") or "").strip()[:MAX_NAME] or None
    return region, industry


def _query(region: str | None, industry: str | None, **more: str) -> str:
    values = {k: v for k, v in (("region", region), ("industry", industry), *more.items())
              if v}
    return "?" + urlencode(values) if values else ""


@router.get("/challenges")
def challenges_page(request: Request) -> Response:
    session = signed_in_page(request, Role.ORGANISER)
    if isinstance(session, Response):
        return session
    region, industry = _place(request)
    app = request.app.state
    job = first_run_if_none(app.store, app.accounts, app.jobs, session.user.id)
    result, missing = None, None
    try:
        result = challenges.challenge_lists(app.store, region=region, industry=industry,
                                            suppliers=3, viewer=viewer_of(session),
                                            run_if_none=False).to_dict()
    except NotFound as error:  # said as the CLI says it, with the close names
        missing = error
    return render(request, "challenges.html", session=session, result=result,
                  region=region or "", industry=industry or "", missing=missing,
                  may_recompute=not session.user.scope,
                  job=job_dict(job) if job is not None else None,
                  place=_query(region, industry),
                  done=request.query_params.get("done") or "",
                  status_code=404 if missing else 200)


@router.post("/challenges/recompute")
async def recompute_page(request: Request) -> Response:
    """Start a run (or, while one goes on, show that one) and go back to the page."""
    sent = await signed_in_form(request, Role.ORGANISER)
    if isinstance(sent, Response):
        return sent
    session, _ = sent
    app = request.app.state
    try:
        start_recompute(app.store, app.accounts, app.jobs, session.user.id,
                        viewer_of(session))
    except Conflict:
        if running_recompute(app.jobs) is None:  # it ended in between: start anew
            raise
    region, industry = _place(request)
    return RedirectResponse("/challenges" + _query(region, industry) + "#challenge-job",
                            status_code=303)


@router.get("/challenges/jobs/{job_id}")
def job_panel(job_id: str, request: Request) -> Response:
    """The run's panel, polled by htmx; a finished run reloads the page with its themes."""
    session = signed_in_page(request, Role.ORGANISER)
    if isinstance(session, Response):
        return session
    region, industry = _place(request)
    data = job_dict(recompute_job(request.app.state.jobs, job_id))
    response = render(request, "_challenge_job.html", session=session, job=data,
                      may_recompute=not session.user.scope, place=_query(region, industry))
    if data["status"] == "done":
        response.headers["HX-Redirect"] = "/challenges" + _query(
            region, industry, done="recomputed")
    return response


@router.post("/challenges/jobs/{job_id}/cancel")
async def cancel_page(job_id: str, request: Request) -> Response:
    """Stop the run (the stored themes stay as they were) and go back to the page."""
    sent = await signed_in_form(request, Role.ORGANISER)
    if isinstance(sent, Response):
        return sent
    session, _ = sent
    challenges.may_edit_themes(viewer_of(session))
    jobs = request.app.state.jobs
    recompute_job(jobs, job_id)
    stopped = jobs.cancel(job_id)
    region, industry = _place(request)
    return RedirectResponse("/challenges" + _query(region, industry, done=stopped.status),
                            status_code=303)
