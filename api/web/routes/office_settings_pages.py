"""The office's forms beside its pages: a problem raised at a meeting (on the meeting's
page) or on a visit (on the firm's page), a firm's programme applications, an
official's capacity, department and fields, and the routing table (分办规则 `/routing`).

Each calls the same use case as its JSON route (`office_admin`). A refusal is shown in
the reader's language from its message key and values (`graph/refusals.toml`, the
CLI's words too), never the use case's English text; nothing is written.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from duijie.api.services import contacts, firms, officials, problems, routing
from duijie.api.web.deps import viewer_of
from duijie.api.web.pages import render, signed_in_form, signed_in_page
from duijie.api.web.routes.office_pages import (
    _form,
    back_to,
    refusal_in,
    refused_query,
)
from duijie.api.web.routes.office_pages import shown as shown_refusal
from duijie.graph.accounts import Role, Session
from duijie.graph.errors import Conflict, DuijieError, InvalidInput, NotFound, Said, Where, at
from duijie.graph.vocab import PROBLEM_NEED_TYPES, NeedType, values

router = APIRouter(include_in_schema=False)

RULE_TYPES = ("*", *values(NeedType))
BLANK_RULES = 3  # empty rows under the table, for new rules

def bad_rule(error: DuijieError) -> int | None:
    """The number of the routing rule a refusal names (to mark its row), if any.

    >>> bad_rule(InvalidInput(key="routing.needs_department",
    ...                       where=at("where.routing_table").then("where.rule", n=2)))
    2
    """
    parts = error.where.parts if isinstance(error.where, Where) else ()
    return next((p.params["n"] for p in parts if isinstance(p, Said) and p.key == "where.rule"),
                None)


def _refused(error: DuijieError) -> dict[str, str]:
    """A refusal as the query of the page the form goes back to."""
    return refused_query(error)


# -- a problem raised at a meeting ------------------------------------------------------

@router.post("/meetings/{meeting_id}/problems")
async def meeting_problem_page(request: Request, meeting_id: str) -> Response:
    sent = await signed_in_form(request, Role.ORGANISER)
    if isinstance(sent, Response):
        return sent
    session, form = sent
    v = _form(form, "title", "need_type", "text")
    back = f"/meetings/{quote(meeting_id)}"
    try:
        problems.raise_in_meeting(request.app.state.store, meeting_id, title=v["title"] or "",
                                  need_type=v["need_type"] or "problem", text=v["text"],
                                  author=session.user.username, viewer=viewer_of(session))
    except InvalidInput as error:  # its own name: the outcome form's refusal is apart
        return back_to(back, "raised-problems", **refused_query(error, "raised_refused"))
    return back_to(back, "raised-problems", raised="1")


def meeting_problems(request: Request, store: Any, session: Session,
                     meeting_id: str) -> dict[str, Any]:
    """What the meeting page's problem section shows: the problems raised there."""
    if session.user.role is not Role.ORGANISER:
        return {"raised": None}
    found = problems.list_problems(store, raised_in=meeting_id, viewer=viewer_of(session))
    q = request.query_params
    return {"raised": found.to_dict()["items"], "raised_types": list(PROBLEM_NEED_TYPES),
            "raised_done": q.get("raised") == "1",
            "raised_refused": refusal_in(request, "raised_refused")}


# -- a firm's page: a visit, a programme ------------------------------------------------

def _firm_back(firm_id: str, anchor: str, **query: str) -> RedirectResponse:
    return back_to(f"/firms/{quote(firm_id)}", anchor, **query)


@router.post("/firms/{firm_id}/visit")
async def firm_visit_page(request: Request, firm_id: str) -> Response:
    """A visit (走访) to the firm: the contact, and the problem it raised, in one write."""
    sent = await signed_in_form(request, Role.ORGANISER)
    if isinstance(sent, Response):
        return sent
    session, form = sent
    store = request.app.state.store
    firms.firm_profile(store, firm_id, viewer=viewer_of(session))  # in scope, or 404
    v = _form(form, "official_id", "on", "note", "title", "need_type", "text")
    raised = [{"title": v["title"], "need_type": v["need_type"] or "problem",
               "text": v["text"]}] if v["title"] else []
    try:
        contacts.record_contact(store, v["official_id"] or "", firm_id, on=v["on"],
                                note=v["note"], problems=raised, author=session.user.username)
    except (InvalidInput, NotFound) as error:
        return _firm_back(firm_id, "visit", **_refused(error))
    return _firm_back(firm_id, "problems", done="visit")


@router.post("/firms/{firm_id}/programmes")
async def firm_programme_page(request: Request, firm_id: str) -> Response:
    sent = await signed_in_form(request, Role.ORGANISER)
    if isinstance(sent, Response):
        return sent
    session, form = sent
    v = _form(form, "programme_id", "status", "on")
    try:
        firms.record_programme(request.app.state.store, firm_id, v["programme_id"] or "",
                               status=v["status"] or "applied", on=v["on"],
                               author=session.user.username, viewer=viewer_of(session))
    except InvalidInput as error:
        return _firm_back(firm_id, "programme-form", **_refused(error))
    except NotFound as error:
        if error.where and "firm" in error.where:
            raise
        return _firm_back(firm_id, "programme-form", **_refused(error))
    return _firm_back(firm_id, "programmes", done="programme")


# -- an official ------------------------------------------------------------------------

def _split(text: str | None) -> list[str]:
    return [p for p in re.split(r"[,，、;；\n]+", text or "") if p.strip()]


@router.post("/contacts/officials")
async def official_add_page(request: Request) -> Response:
    """The add form of 联系服务: an official on duty (capacity 1 or more, as the edit form)."""
    sent = await signed_in_form(request, Role.ORGANISER)
    if isinstance(sent, Response):
        return sent
    session, form = sent
    v = _form(form, "name", "department", "capacity", "fields", "regions", "title")
    where = at("where.official_named", name=v["name"] or "")
    if not v["name"] or not v["department"]:
        return back_to("/contacts", "add-official", **_refused(InvalidInput(
            key="contacts.official_blank", where=at("where.official"))))
    try:
        capacity = int(v["capacity"] or 20)
    except ValueError:
        return back_to("/contacts", "add-official", **_refused(InvalidInput(
            key="contacts.not_whole_firms", value=v["capacity"],
            where=where.then("field.capacity"))))
    try:
        added = officials.add_official(
            request.app.state.store, name=v["name"], department=v["department"],
            capacity=capacity, fields=_split(v["fields"]), regions=_split(v["regions"]),
            title=v["title"] or None, author=session.user.username)
    except InvalidInput as error:
        return back_to("/contacts", "add-official", **_refused(error))
    return back_to(f"/contacts/{quote(added.id)}", "edit-official", done="edited")


@router.post("/contacts/{official_id}/edit")
async def official_edit_page(request: Request, official_id: str) -> Response:
    sent = await signed_in_form(request, Role.ORGANISER)
    if isinstance(sent, Response):
        return sent
    session, form = sent
    v = _form(form, "department", "capacity", "fields", "regions", "title", "rev")
    back = f"/contacts/{quote(official_id)}"
    try:
        capacity = int(v["capacity"]) if v["capacity"] is not None else None
        rev = int(v["rev"] or -1)
    except ValueError:
        return back_to(back, "edit-official", **_refused(InvalidInput(
            key="contacts.not_whole_firms", value=v["capacity"],
            where=at("where.official").then("field.capacity"))))
    try:
        officials.update_official(
            request.app.state.store, official_id, rev=max(rev, 0), department=v["department"],
            capacity=capacity, fields=_split(v["fields"]), regions=_split(v["regions"]),
            title=v["title"] or "", author=session.user.username)
    except (InvalidInput, Conflict) as error:
        return back_to(back, "edit-official", **_refused(error))
    return back_to(back, "edit-official", done="edited")


# -- the routing table ------------------------------------------------------------------

def _routing_page(request: Request, session: Session, *, rows: list[dict] | None = None,
                  sent: dict[str, Any] | None = None, message: DuijieError | None = None,
                  status_code: int = 200) -> Response:
    table = routing.routing_table(request.app.state.store).to_dict()
    shown = dict(table, **(sent or {}))
    rows = rows if rows is not None else table["rules"]
    blank = {"need_type": "*", "region": "", "department": "", "due_days": ""}
    return render(request, "office_routing.html", status_code=status_code, session=session,
                  table=table, shown=shown, rows=[*rows, *([blank] * BLANK_RULES)],
                  types=RULE_TYPES, message=message,
                  bad_rule=bad_rule(message) if message is not None else None,
                  may_edit=session.user.role is Role.ORGANISER and not session.user.scope,
                  done=request.query_params.get("done") == "saved")


@router.get("/routing")
def routing_page(request: Request) -> Response:
    session = signed_in_page(request, Role.ORGANISER)
    if isinstance(session, Response):
        return session
    return _routing_page(request, session)


@router.post("/routing")
async def routing_save_page(request: Request) -> Response:
    sent = await signed_in_form(request, Role.ORGANISER)
    if isinstance(sent, Response):
        return sent
    session, form = sent
    columns = [form.getlist(name) for name in ("need_type", "region", "department",
                                               "due_days")]
    rows = [{"need_type": t, "region": r, "department": d, "due_days": n}
            for t, r, d, n in zip(*columns, strict=False)]
    rows = [r for r in rows if str(r["department"]).strip() or str(r["region"]).strip()]
    v = _form(form, "departments", "escalate_after_days", "default_due_days", "rev")
    departments = [d.strip() for d in (v["departments"] or "").splitlines() if d.strip()]
    try:
        routing.save_routing(
            request.app.state.store, rules=rows, departments=departments,
            escalate_after_days=v["escalate_after_days"] or 15,
            default_due_days=v["default_due_days"] or 30, rev=int(v["rev"] or 0),
            author=session.user.username, viewer=viewer_of(session))
    except (InvalidInput, Conflict, ValueError) as error:
        message = shown_refusal(error) if isinstance(error, DuijieError) else InvalidInput(
            key="forms.not_saved")
        if isinstance(error, Conflict):  # show what is stored now, to redo the change on
            return _routing_page(request, session, message=message, status_code=409)
        sent = {"departments": departments, "escalate_after_days": v["escalate_after_days"],
                "default_due_days": v["default_due_days"]}
        return _routing_page(request, session, rows=rows, sent=sent, message=message,
                             status_code=422)
    return back_to("/routing", done="saved")
