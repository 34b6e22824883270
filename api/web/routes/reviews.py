"""The review queue: pairs of organisation records that may be one, for an organiser
to accept (merge) or reject. JSON under `/api/reviews`, the page at `/reviews`.

Every route is the organisers' (others get 403 before any lookup, so an id tells
nothing); an organiser with a region scope sees the pairs of that region.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel

from duijie.api.services.resolve import ReviewCase, ReviewQueue, decide_review_item, review_queue
from duijie.api.web.deps import AccountsDep, OrganiserSession, StoreDep, viewer_of
from duijie.graph.vocab import kind_label

router = APIRouter(tags=["reviews"])

StatusFilter = Literal["open", "accepted", "rejected", "all"]


class Decision(BaseModel):
    decision: Literal["accept", "reject"]


@router.get("/api/reviews", response_model=ReviewQueue)
def list_reviews(store: StoreDep, session: OrganiserSession,
                 status: StatusFilter = "open") -> dict:
    """Review items of one status (default open) with both sides' facts and evidence."""
    return review_queue(store, status, viewer=viewer_of(session)).to_dict()


@router.post("/api/reviews/{item_id}/decision", response_model=ReviewCase)
def decide_review(item_id: str, body: Decision, store: StoreDep, accounts: AccountsDep,
                  session: OrganiserSession) -> dict:
    """Accept (the pair is one organisation: merge) or reject; 409 if decided already."""
    case = decide_review_item(store, item_id, body.decision == "accept",
                              viewer=viewer_of(session))
    accounts.audit(session.user.id, f"review_{body.decision}", "Review", item_id)
    return case.to_dict()


@router.get("/reviews", response_class=HTMLResponse, include_in_schema=False)
def reviews_page(request: Request, store: StoreDep, session: OrganiserSession,
                 status: StatusFilter = "open", decided: str | None = None,
                 outcome: str | None = None) -> HTMLResponse:
    from duijie.api.web.pages import language, render

    queue = review_queue(store, status, viewer=viewer_of(session))
    lang = language(request)
    # the notice names the pair just decided (it has left the open queue)
    decided_case = next((c for c in review_queue(store, "all", viewer=viewer_of(session)).items
                         if c.id == decided), None) if decided else None
    return render(request, "reviews.html", session=session, queue=queue, status=status,
                  kind_name=lambda kind: kind_label(kind, lang), decided_case=decided_case,
                  decided=decided, outcome=outcome if outcome in ("accept", "reject") else None)


@router.post("/reviews/{item_id}", include_in_schema=False)
def reviews_decide(item_id: str, store: StoreDep, accounts: AccountsDep,
                   session: OrganiserSession,
                   decision: Literal["accept", "reject"] = Form(...)) -> RedirectResponse:
    case = decide_review_item(store, item_id, decision == "accept", viewer=viewer_of(session))
    accounts.audit(session.user.id, f"review_{decision}", "Review", item_id)
    return RedirectResponse(f"/reviews?decided={case.id}&outcome={decision}",
                            status_code=303)
