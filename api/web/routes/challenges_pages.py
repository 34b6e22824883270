"""The challenge-lists page (`/challenges`): themes as tables in the reader's language,
filtered by region and industry; the same use case as `/api/challenges`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from duijie.api.services import challenges
from duijie.api.web.deps import viewer_of
from duijie.api.web.pages import check_form_csrf, render, signed_in_page
from duijie.graph.accounts import Role
from duijie.graph.errors import NotFound
from duijie.graph.model import MAX_NAME

router = APIRouter(include_in_schema=False)


@router.get("/challenges")
def challenges_page(request: Request) -> Response:
    session = signed_in_page(request, Role.ORGANISER)
    if isinstance(session, Response):
        return session
    region = (request.query_params.get("region") or "").strip()[:MAX_NAME] or None
    industry = (request.query_params.get("industry") or "").strip()[:MAX_NAME] or None
    result, missing = None, None
    try:
        result = challenges.challenge_lists(request.app.state.store, region=region,
                                            industry=industry, suppliers=3,
                                            viewer=viewer_of(session)).to_dict()
    except NotFound:
        missing = region if region and not industry else industry or region
    return render(request, "challenges.html", session=session, result=result,
                  region=region or "", industry=industry or "", missing=missing,
                  may_recompute=not session.user.scope,
                  done=request.query_params.get("done") == "recomputed",
                  status_code=404 if missing else 200)


@router.post("/challenges/recompute")
async def recompute_page(request: Request) -> Response:
    session = signed_in_page(request, Role.ORGANISER)
    if isinstance(session, Response):
        return session
    form = await request.form()
    check_form_csrf(session, form.get("csrf_token"))
    challenges.recompute_challenges(request.app.state.store, viewer=viewer_of(session))
    return RedirectResponse("/challenges?done=recomputed", status_code=303)

