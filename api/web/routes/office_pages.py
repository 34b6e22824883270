"""The office's pages: the problem ledger and one problem (assign, step, close), a firm's
profile, pushing a programme, contact duty (plan, officials, record a contact).

They call the same use cases as `/api/problems`, `/api/firms`, `/api/contacts`; a
refusal from a use case is shown on the page in the reader's language, worded from its
message key (`graph/refusals.toml`, as the CLI words it), and a page nobody may open is
the usual HTML error page.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from duijie.api.services import contact_plan, contacts, firms, officials, problems
from duijie.api.services.routing import known_departments
from duijie.api.web.deps import viewer_of
from duijie.api.web.pages import render, signed_in_form, signed_in_page
from duijie.graph.accounts import Role, Session
from duijie.graph.errors import DuijieError, InvalidInput, NotFound, Refusal, at
from duijie.graph.store import iter_nodes
from duijie.graph.vocab import PROBLEM_NEED_TYPES

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 100

_MOST_QUERY = 4000  # characters of a refusal carried in a page's address


def shown(error: DuijieError) -> DuijieError:
    """The refusal a page shows: the error itself when it is keyed, else (a third
    party's words) that the input was not accepted."""
    if error.worded("en") is not None:
        return error
    return InvalidInput(key="forms.not_saved")


def refused_query(error: DuijieError, name: str = "refused") -> dict[str, str]:
    """A refusal as the query of the page a form goes back to: its key, values and
    where, worded again there in the reader's language (`refusal_in`); `name` tells one
    form's refusal from another's on the same page.

    >>> refused_query(InvalidInput(key="ledger.no_answer"))["refused"]
    '{"said":{"key":"ledger.no_answer","params":{}},"value":null,"where":[],"problems":[]}'
    """
    data = shown(error).to_data()
    return {name: json.dumps(data, ensure_ascii=False, separators=(",", ":"))}


def refusal_in(request: Request, name: str = "refused") -> Refusal | None:
    """The refusal a page's address carries, or None (none, or not one Duijie wrote)."""
    text = request.query_params.get(name) or ""
    if not text or len(text) > _MOST_QUERY:
        return None
    try:
        return Refusal.from_data(json.loads(text))
    except ValueError:
        return None



def _form(form: Any, *names: str) -> dict[str, str | None]:
    return {n: (str(form.get(n) or "").strip() or None) for n in names}


def back_to(path: str, anchor: str = "", **query: str) -> RedirectResponse:
    """The 303 back to a page after its form: ``path?query#anchor``.

    >>> back_to("/firms/ent:a", "visit", done="visit").headers["location"]
    '/firms/ent:a?done=visit#visit'
    """
    return RedirectResponse(f"{path}?{urlencode(query)}" + (f"#{anchor}" if anchor else ""),
                            status_code=303)


# -- the problem ledger -----------------------------------------------------------------

def _firm_id(store: Any, text: str | None) -> str:
    """A firm's id from what an organiser typed: its id, or its exact name."""
    text = (text or "").strip()
    if not text:
        return ""
    if text.startswith("ent:"):
        return text
    found = store.find_nodes("Enterprise", where={"name": text}, limit=2)
    return found[0].id if len(found) == 1 else text


@router.post("/problems/new")
async def new_problem_page(request: Request) -> Response:
    sent = await signed_in_form(request, Role.ORGANISER)
    if isinstance(sent, Response):
        return sent
    session, form = sent
    values = _form(form, "firm", "title", "need_type", "opened_on", "text")
    store = request.app.state.store
    if not values["firm"]:
        return back_to("/problems", **refused_query(InvalidInput(
            key="contacts.choose_firm", where=at("where.problem").then("field.firm"))))
    try:
        made = problems.add_problem(
            store, firm_id=_firm_id(store, values["firm"]), title=values["title"] or "",
            text=values["text"], need_type=values["need_type"] or "problem",
            opened_on=values["opened_on"], viewer=viewer_of(session),
            author=session.user.username)
    except (NotFound, InvalidInput) as error:  # a firm unknown or outside the organiser's
        return back_to("/problems", **refused_query(error))  # region: the same answer
    return back_to(f"/problems/{quote(made.id)}", done="added")


@router.get("/problems")
def problems_page(request: Request) -> Response:
    session = signed_in_page(request, Role.ORGANISER, Role.ENTERPRISE)
    if isinstance(session, Response):
        return session
    q = request.query_params
    state = q.get("state") if q.get("state") in problems.STATES else None
    department = (q.get("department") or "").strip()[:300] or None
    store = request.app.state.store
    viewer = viewer_of(session)
    found = problems.list_problems(store, department=department, state=state,
                                   overdue=q.get("overdue") == "1",
                                   escalated=q.get("escalated") == "1", viewer=viewer)
    everything = problems.list_problems(store, department=department, viewer=viewer)
    try:
        page = max(1, int(q.get("page") or 1))
    except ValueError:
        page = 1
    shown = found.to_dict()
    first = (page - 1) * PAGE_SIZE
    shown["items"] = shown["items"][first:first + PAGE_SIZE]
    xlsx = "/api/problems/ledger.xlsx" + (f"?department={quote(department)}" if department
                                          else "")
    base = {k: v for k, v in q.items() if k != "page"}
    return render(request, "office_problems.html", session=session, found=shown, page=page,
                  first=first, pages=-(-found.count // PAGE_SIZE),
                  page_link=lambda n: "/problems?" + urlencode({**base, "page": n}),
                  everything=everything.to_dict(), states=problems.STATES, state=state,
                  department=department, overdue=q.get("overdue") == "1",
                  escalated=q.get("escalated") == "1", xlsx=xlsx,
                  types=[t.value for t in PROBLEM_NEED_TYPES],
                  refused=refusal_in(request))


def _problem_page(request: Request, session: Session, need_id: str, *,
                  message: DuijieError | None = None, status_code: int = 200) -> Response:
    store = request.app.state.store
    view = problems.get_problem(store, need_id, viewer=viewer_of(session))
    on_duty = officials.list_officials(store) if session.user.role is Role.ORGANISER else []
    return render(request, "office_problem.html", status_code=status_code, session=session,
                  p=view.to_dict(), officials=on_duty, message=message,
                  done=request.query_params.get("done"))


@router.get("/problems/{need_id}")
def problem_page(request: Request, need_id: str) -> Response:
    session = signed_in_page(request, Role.ORGANISER, Role.ENTERPRISE)
    if isinstance(session, Response):
        return session
    return _problem_page(request, session, need_id)


@router.post("/problems/{need_id}/{action}")
async def problem_action(request: Request, need_id: str, action: str) -> Response:
    sent = await signed_in_form(request, Role.ORGANISER)
    if isinstance(sent, Response):
        return sent
    session, form = sent
    store, viewer = request.app.state.store, viewer_of(session)
    try:
        if action == "assign":
            problems.assign_problem(store, need_id, viewer=viewer, **_form(
                form, "department", "person", "due", "escalate_to"))
        elif action == "step":
            values = _form(form, "text", "on", "answer")
            problems.add_step(store, need_id, text=values["text"] or "", on=values["on"],
                              answer=values["answer"], by=session.user.display_name
                              or session.user.username, viewer=viewer)
        elif action == "close":
            problems.close_problem(store, need_id, viewer=viewer,
                                   **_form(form, "answer", "seen"))
        else:
            raise NotFound(key="ledger.not_action", value=action, where=at("where.page"))
    except InvalidInput as error:
        return _problem_page(request, session, need_id, message=shown(error),
                             status_code=422)
    return back_to(f"/problems/{quote(need_id)}", done=action)


# -- firms and programmes ---------------------------------------------------------------

@router.get("/firm")
def my_firm_page(request: Request) -> Response:
    """An enterprise's own profile."""
    session = signed_in_page(request, Role.ENTERPRISE)
    if isinstance(session, Response):
        return session
    query = f"?{request.url.query}" if request.url.query else ""  # keeps ?lang=en
    return RedirectResponse(f"/firms/{quote(session.user.party_id or '-')}{query}",
                            status_code=303)


@router.get("/firms/{firm_id}")
def firm_page(request: Request, firm_id: str) -> Response:
    session = signed_in_page(request, Role.ORGANISER, Role.ENTERPRISE)
    if isinstance(session, Response):
        return session
    store = request.app.state.store
    profile = firms.firm_profile(store, firm_id, viewer=viewer_of(session))
    office = session.user.role is Role.ORGANISER
    q = request.query_params
    return render(request, "office_firm.html", session=session, f=profile.to_dict(),
                  office=office, officials=officials.list_officials(store) if office else [],
                  programmes=sorted(((n.id, n.shown_name)
                                     for n in iter_nodes(store, "Programme")),
                                    key=lambda p: p[1]) if office else [],
                  types=[t.value for t in PROBLEM_NEED_TYPES], done=q.get("done"),
                  refused=refusal_in(request))


@router.get("/push")
def push_page(request: Request) -> Response:
    session = signed_in_page(request, Role.ORGANISER)
    if isinstance(session, Response):
        return session
    store = request.app.state.store
    programmes = sorted(((n.id, n.shown_name) for n in iter_nodes(store, "Programme")),
                        key=lambda p: p[1])
    chosen = request.query_params.get("programme") or None
    result, message = None, None
    if chosen:
        try:
            result = firms.push_programme(store, chosen, viewer=viewer_of(session)).to_dict()
        except InvalidInput as error:
            message = shown(error)
    return render(request, "office_push.html", session=session, programmes=programmes,
                  chosen=chosen, result=result, message=message,
                  status_code=422 if message else 200)


# -- contact duty -----------------------------------------------------------------------

def _contacts_page(request: Request, session: Session, *, plan: Any = None,
                   message: DuijieError | None = None, status_code: int = 200) -> Response:
    store = request.app.state.store
    report = contacts.contact_duty(store)
    return render(request, "office_contacts.html", status_code=status_code, session=session,
                  report=report.to_dict(), plan=plan,
                  message=message or refusal_in(request),  # the add form's, carried back
                  done=request.query_params.get("done"), departments=known_departments(store))


@router.get("/contacts")
def contacts_page(request: Request) -> Response:
    session = signed_in_page(request, Role.ORGANISER)
    if isinstance(session, Response):
        return session
    return _contacts_page(request, session)


@router.post("/contacts/plan")
async def contacts_plan(request: Request) -> Response:
    sent = await signed_in_form(request, Role.ORGANISER)
    if isinstance(sent, Response):
        return sent
    session, form = sent
    try:
        plan = contact_plan.plan_contacts(request.app.state.store,
                                          fresh=form.get("fresh") == "1",
                                          author=session.user.username)
    except InvalidInput as error:
        return _contacts_page(request, session, message=shown(error), status_code=422)
    return _contacts_page(request, session, plan=plan.to_dict())


def _official_page(request: Request, session: Session, official_id: str, *,
                   message: DuijieError | None = None, status_code: int = 200) -> Response:
    store = request.app.state.store
    report = contacts.contact_duty(store, official_id=official_id)
    official = officials.OfficialView.of(officials.get_official(store, official_id))
    q = request.query_params
    return render(request, "office_official.html", status_code=status_code, session=session,
                  o=official.to_dict(), report=report.to_dict(), message=message,
                  types=[t.value for t in PROBLEM_NEED_TYPES], done=q.get("done"),
                  departments=known_departments(store),
                  refused=refusal_in(request))


@router.get("/contacts/{official_id}")
def official_page(request: Request, official_id: str) -> Response:
    session = signed_in_page(request, Role.ORGANISER)
    if isinstance(session, Response):
        return session
    return _official_page(request, session, official_id)


@router.post("/contacts/{official_id}/record")
async def record_contact_page(request: Request, official_id: str) -> Response:
    sent = await signed_in_form(request, Role.ORGANISER)
    if isinstance(sent, Response):
        return sent
    session, form = sent
    values = _form(form, "firm_id", "on", "note", "problem", "need_type")
    raised = [{"title": values["problem"], "need_type": values["need_type"] or "problem"}
              ] if values["problem"] else []
    try:
        contacts.record_contact(request.app.state.store, official_id, values["firm_id"] or "",
                                on=values["on"], note=values["note"], problems=raised,
                                author=session.user.username)
    except (InvalidInput, NotFound) as error:
        return _official_page(request, session, official_id, message=shown(error),
                              status_code=422)
    return back_to(f"/contacts/{quote(official_id)}", done="recorded")


