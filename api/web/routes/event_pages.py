"""The docking-event pages: the events list, the organiser's planner (grid, invitations
with their coverage, proposed pairs with scores and reasons, pin/forbid/request,
re-plan, the schedule grid by table and slot, publish, agenda downloads), a meeting's
page with outcome and follow-up recording, and "my meetings" for a firm or an expert.

They call the same use cases as `/api/events` and add no rules. A form posts, the use
case runs, the page is shown again (post/redirect/get); a problem a person can fix
comes back on the planner in their language with the use case's what-and-where.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from duijie.api.jobs import job_dict
from duijie.api.services.event_views import (
    editable_event,
    editable_meeting,
    event_detail,
    event_set_grid,
    events_for,
    invite_for,
    meeting_detail,
    meeting_list,
)
from duijie.api.services.events import event_rule
from duijie.api.services.outcomes import event_add_follow_up, event_outcome
from duijie.api.services.planning import event_publish, event_schedule
from duijie.api.web.deps import OrganiserSession, StoreDep, viewer_of
from duijie.api.web.event_models import InvitationIn
from duijie.api.web.pages import render, signed_in_page
from duijie.api.web.routes.events import event_job, start_invitations, start_plan
from duijie.api.web.routes.office_pages import refusal_in, refused_query
from duijie.api.web.routes.office_settings_pages import meeting_problems
from duijie.graph.accounts import Role
from duijie.graph.errors import Conflict, InvalidInput, NotFound, at
from duijie.graph.vocab import LedgerStep, OutcomeStage, PairRuleKind, ReasonCode, values

router = APIRouter(include_in_schema=False)

AGENDA_FORMATS = ("html", "csv", "xlsx", "ics")
HELPER_KINDS = ("Institute", "Expert")


def _back(event_id: str, **query: str) -> RedirectResponse:
    tail = f"?{urlencode(query)}" if query else ""
    return RedirectResponse(f"/events/{event_id}{tail}#{query.get('at', 'top')}",
                            status_code=303)


def _try(event_id: str, action: Callable[[], Any], done: str, at: str) -> RedirectResponse:
    """Run a use case for a planner form: back to the planner with `done`, or with the
    problem (a person can fix: bad input, a conflict, an unknown id)."""
    try:
        action()
    except (InvalidInput, Conflict, NotFound) as exc:
        return _back(event_id, **refused_query(exc), at=at)
    return _back(event_id, done=done, at=at)


def planner_event(event_id: str, store: StoreDep, session: OrganiserSession) -> None:
    """A planner form's event must be one this organiser may change: else the page
    answers 404 (as for an unknown event), never a redirect that names it."""
    editable_event(store, event_id, viewer_of(session))


def meeting_event(meeting_id: str, store: StoreDep, session: OrganiserSession) -> None:
    editable_meeting(store, meeting_id, viewer_of(session))


PLANNER = [Depends(planner_event)]
MEETING = [Depends(meeting_event)]


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(v).strip() for k, v in form.items() if isinstance(v, str)}


# ----------------------------------------------------------------------------- reading

@router.get("/events", response_class=HTMLResponse)
def events_page(request: Request, store: StoreDep) -> Response:
    session = signed_in_page(request)
    if isinstance(session, Response):
        return session
    events = events_for(store, viewer_of(session)).events
    # the latest first, as an organiser looks for the next or the last event; undated last
    dated = sorted((e for e in events if e.start_date), key=lambda e: e.start_date,
                   reverse=True)
    undated = [e for e in events if not e.start_date]
    return render(request, "events_list.html", session=session, events=dated + undated)


def _choices(store, detail) -> dict[str, list[dict[str, str]]]:
    """Whom an organiser may add, by kind, by name (not yet taking part)."""
    taking_part = {p.id for p in detail.participants}
    out = {}
    for kind in ("Enterprise", *HELPER_KINDS):
        nodes = sorted(store.find_nodes(kind, limit=10**5), key=lambda n: n.name)
        out[kind] = [{"id": n.id, "name": n.shown_name} for n in nodes
                     if n.id not in taking_part]
    return out


def _grid(detail, meetings) -> tuple[list[dict[str, Any]], int]:
    """Rows of the schedule grid, one per slot up to the last one used, a cell per table
    (the meeting or None), and how many free slots follow."""
    at = {(m.slot, m.table): m for m in meetings if m.slot and m.table}
    rows = [{"slot": s, "cells": [at.get((s["id"], table)) for table in detail.tables]}
            for s in detail.slots]
    used = [i for i, row in enumerate(rows) if any(row["cells"])]
    last = used[-1] + 1 if used else 0
    return rows[:last], len(rows) - last


@router.get("/events/{event_id}", response_class=HTMLResponse)
def planner_page(event_id: str, request: Request, store: StoreDep) -> Response:
    session = signed_in_page(request)
    if isinstance(session, Response):
        return session
    viewer = viewer_of(session)
    if not viewer.is_staff:
        return RedirectResponse(f"/meetings?event={event_id}", status_code=303)
    editable_event(store, event_id, viewer)
    detail = event_detail(store, event_id, viewer=viewer)
    meetings = meeting_list(store, event_id, viewer=viewer).meetings
    job = None
    if request.query_params.get("job"):
        try:
            found = request.app.state.jobs.get(request.query_params["job"])
        except NotFound:
            found = None
        job = job_dict(found) if found and found.subject == event_id else None
    grid, free_slots = _grid(detail, meetings)
    firms = [p for p in detail.participants if p.side == "firm"]
    helpers = [p for p in detail.participants if p.side == "helper"]
    days = sorted({s["start"][:10] for s in detail.slots}) or [
        d for d in (detail.start_date, detail.end_date) if d]
    return render(
        request, "event_planner.html", session=session, event=detail, meetings=meetings,
        firms=firms, helpers=helpers, choices=_choices(store, detail),
        grid=grid, free_slots=free_slots, unplaced=[m for m in meetings if not m.slot],
        scheduled=[m for m in meetings if m.status == "scheduled"],
        placed=[m for m in meetings if m.slot], job=job, days=", ".join(dict.fromkeys(days)),
        formats=AGENDA_FORMATS, refused=refusal_in(request),
        done=request.query_params.get("done"), rule_kinds=values(PairRuleKind))


# ----------------------------------------------------------------------------- planner forms

@router.post("/events/{event_id}/grid", dependencies=PLANNER)
async def grid_submit(event_id: str, request: Request, store: StoreDep,
                      session: OrganiserSession) -> Response:
    form = await _form(request)

    def apply() -> None:
        minutes = form.get("slot_minutes", "30")
        if not minutes.isdigit():
            raise InvalidInput(key="events.not_minutes", value=minutes,
                               where=at("where.grid").then("field.slot_minutes"))
        days = [d for d in form.get("days", "").replace("，", ",").split(",") if d.strip()]
        for d in days:  # a wrong day is the person's to fix, not a server error
            try:
                date.fromisoformat(d.strip())
            except ValueError:
                raise InvalidInput(key="dates.not_day", value=d.strip(),
                                   where=at("where.grid").then("field.days")) from None
        event_set_grid(store, event_id, days=days, day_start=form.get("day_start", "09:00"),
                       day_end=form.get("day_end", "12:00"), slot_minutes=int(minutes),
                       tables=form.get("tables", "5"), viewer=viewer_of(session))

    return _try(event_id, apply, "grid", "grid")


@router.post("/events/{event_id}/invite", dependencies=PLANNER)
async def invite_submit(event_id: str, request: Request, store: StoreDep,
                        session: OrganiserSession) -> Response:
    form = await _form(request)
    chosen = [form[k] for k in ("firm", "helper") if form.get(k)]
    return _try(event_id, lambda: invite_for(
        store, event_id, chosen, from_record=form.get("from_record") == "1",
        viewer=viewer_of(session)), "invited", "participants")


@router.post("/events/{event_id}/invitations", dependencies=PLANNER)
async def invitations_submit(event_id: str, request: Request, store: StoreDep,
                             session: OrganiserSession) -> Response:
    form = await _form(request)
    try:
        editable_event(store, event_id, viewer_of(session))
        budget = _number(form.get("budget"), "field.budget", True) or 0
        if not isinstance(budget, int):
            raise InvalidInput(key="events.not_number", value=form.get("budget"),
                               where=at("field.budget"))
        body = InvitationIn(budget=max(1, min(budget, 200)), region=form.get("region") or None)
        job = start_invitations(store, request.app.state.accounts, request.app.state.jobs,
                                event_id, session.user.id, body)
    except ValueError:  # the request model's own check (a region too long)
        return _back(event_id, **refused_query(InvalidInput(key="forms.not_saved")),
                     at="participants")
    except (InvalidInput, Conflict) as exc:
        return _back(event_id, **refused_query(exc), at="participants")
    return _back(event_id, job=job.id, at="job")


@router.post("/events/{event_id}/rules", dependencies=PLANNER)
async def rule_submit(event_id: str, request: Request, store: StoreDep,
                      session: OrganiserSession) -> Response:
    form = await _form(request)

    def apply() -> None:
        editable_event(store, event_id, viewer_of(session))
        rule = event_rule(store, event_id, form.get("kind", ""), form.get("firm", ""),
                          form.get("helper", ""), by=session.user.username)
        request.app.state.accounts.audit(session.user.id, f"rule_{rule.kind}", "Event",
                                         event_id, f"{rule.firm} × {rule.helper}")

    return _try(event_id, apply, "rule", "pairs")


@router.post("/events/{event_id}/plan", dependencies=PLANNER)
async def plan_submit(event_id: str, request: Request, store: StoreDep,
                      session: OrganiserSession) -> Response:
    try:
        editable_event(store, event_id, viewer_of(session))
        job = start_plan(store, request.app.state.accounts, request.app.state.jobs, event_id,
                         session.user.id)
    except (InvalidInput, Conflict) as exc:
        return _back(event_id, **refused_query(exc), at="pairs")
    return _back(event_id, job=job.id, at="job")


@router.get("/events/{event_id}/jobs/{job_id}", response_class=HTMLResponse)
def job_panel(event_id: str, job_id: str, request: Request, session: OrganiserSession
              ) -> Response:
    """The job's panel, polled by htmx; a finished plan reloads the planner."""
    job = event_job(request.app.state.store, request.app.state.jobs, job_id,
                    viewer_of(session))
    if job.subject != event_id:
        raise NotFound(key="events.not_event_job", value=job_id, where=at("where.job"))
    data = job_dict(job)
    response = render(request, "_event_job.html", session=session, job=data,
                      event_id=event_id)
    if data["status"] == "done" and data["kind"] == "plan":
        response.headers["HX-Redirect"] = f"/events/{event_id}?done=planned#pairs"
    return response


@router.post("/events/{event_id}/schedule", dependencies=PLANNER)
async def schedule_submit(event_id: str, request: Request, store: StoreDep,
                          session: OrganiserSession) -> Response:
    def apply() -> None:
        editable_event(store, event_id, viewer_of(session))
        event_schedule(store, event_id)

    return _try(event_id, apply, "scheduled", "schedule")


@router.post("/events/{event_id}/publish", dependencies=PLANNER)
async def publish_submit(event_id: str, request: Request, store: StoreDep,
                         session: OrganiserSession) -> Response:
    def apply() -> None:
        editable_event(store, event_id, viewer_of(session))
        result = event_publish(store, event_id)
        request.app.state.accounts.audit(session.user.id, "publish", "Event", event_id,
                                         f"{result.published} meetings")

    return _try(event_id, apply, "published", "schedule")


# ----------------------------------------------------------------------------- meetings

@router.get("/meetings", response_class=HTMLResponse)
def my_meetings_page(request: Request, store: StoreDep, event: str | None = None
                     ) -> Response:
    session = signed_in_page(request)
    if isinstance(session, Response):
        return session
    viewer = viewer_of(session)
    listed = meeting_list(store, event, viewer=viewer) if event else meeting_list(
        store, viewer=viewer)
    return render(request, "my_meetings.html", session=session, meetings=listed.meetings,
                  staff=viewer.is_staff)


@router.get("/meetings/{meeting_id}", response_class=HTMLResponse)
def meeting_page(meeting_id: str, request: Request, store: StoreDep) -> Response:
    session = signed_in_page(request)
    if isinstance(session, Response):
        return session
    viewer = viewer_of(session)
    meeting = meeting_detail(store, meeting_id, viewer=viewer)
    return render(request, "event_meeting.html", session=session, meeting=meeting,
                  staff=session.user.role is Role.ORGANISER, stages=values(OutcomeStage),
                  ledger=values(LedgerStep), reason_codes=values(ReasonCode),
                  refused=refusal_in(request),
                  done=request.query_params.get("done"),
                  **meeting_problems(request, store, session, meeting_id))


def _meeting_back(meeting_id: str, **query: str) -> RedirectResponse:
    return RedirectResponse(f"/meetings/{meeting_id}?{urlencode(query)}", status_code=303)


def _flag(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _number(value: str | None, field: str, whole: bool = False) -> int | float | None:
    """A number from a form's field (`field`, its refusal key's `field.` part); a rating
    is whole."""
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise InvalidInput(key="events.not_number", value=value, where=at(field)) from None
    return int(number) if number.is_integer() and whole else number


@router.post("/meetings/{meeting_id}/outcome", dependencies=MEETING)
async def outcome_submit(meeting_id: str, request: Request, store: StoreDep,
                         session: OrganiserSession) -> Response:
    form = await _form(request)
    try:
        editable_meeting(store, meeting_id, viewer_of(session))
        result = event_outcome(
            store, meeting_id, form.get("stage") or OutcomeStage.POST_EVENT,
            held=_flag(form.get("held")), intent=_flag(form.get("intent")),
            rating_need_side=_number(form.get("rating_need_side"), "field.rating_firm", True),
            rating_helper_side=_number(form.get("rating_helper_side"), "field.rating_helper",
                                       True),
            ledger=form.get("ledger") or None,
            contract_value=_number(form.get("contract_value"), "field.contract_value"),
            reason_code=form.get("reason_code") or None, notes=form.get("notes") or None,
            by=session.user.username)
    except (InvalidInput, Conflict) as exc:
        return _meeting_back(meeting_id, **refused_query(exc))
    request.app.state.accounts.audit(session.user.id, "record_outcome", "Outcome", result.id,
                                     f"{meeting_id} {result.props.get('stage')}")
    return _meeting_back(meeting_id, done="outcome")


@router.post("/meetings/{meeting_id}/follow-up", dependencies=MEETING)
async def follow_up_submit(meeting_id: str, request: Request, store: StoreDep,
                           session: OrganiserSession) -> Response:
    form = await _form(request)
    try:
        editable_meeting(store, meeting_id, viewer_of(session))
        if not form.get("action") or not form.get("owner"):
            raise InvalidInput(key="events.follow_up_blank", where=at("where.follow_up"))
        event_add_follow_up(store, meeting_id, form["action"], form["owner"],
                            form.get("due", ""))
    except (InvalidInput, Conflict) as exc:
        return _meeting_back(meeting_id, **refused_query(exc))
    request.app.state.accounts.audit(session.user.id, "add_follow_up", "Meeting", meeting_id,
                                     form["action"])
    return _meeting_back(meeting_id, done="follow_up")
