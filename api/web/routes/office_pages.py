"""The office's pages: the problem ledger and one problem (assign, step, close), a firm's
profile, pushing a programme, contact duty (plan, officials, record a contact).

They call the same use cases as `/api/problems`, `/api/firms`, `/api/contacts`; a
refusal from a use case is shown on the page in the reader's language, and a
page nobody may open is the usual HTML error page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from duijie.api.services import contact_plan, contacts, firms, officials, problems
from duijie.api.services.routing import known_departments
from duijie.api.web.deps import viewer_of
from duijie.api.web.pages import render, signed_in_form, signed_in_page
from duijie.graph.accounts import Role, Session
from duijie.graph.errors import InvalidInput, NotFound
from duijie.graph.store import iter_nodes
from duijie.graph.vocab import PROBLEM_NEED_TYPES

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 100

REFUSALS = (  # words of a use case's refusal -> the message shown (office.toml)
    ("before the problem was opened", "office_err_before_opened"),
    ("closing needs a recorded answer", "office_err_no_answer"),
    ("the day the firm saw the answer", "office_err_no_seen"),
    ("before the firm saw the answer", "office_err_close_before_seen"),
    ("takes no more steps", "office_err_closed"),
    ("already closed", "office_err_closed"),
    ("not reassigned", "office_err_closed"),
    ("says nothing to change", "office_err_nothing"),
    ("not an official", "office_err_no_official"),
    ("has capacity 0", "office_err_zero_capacity"),
    ("before recording contacts", "office_err_needs_capacity"),
    ("fewer than the", "office_err_capacity"),
    ("there are no officials", "office_err_no_officials"),
    ("no eligibility rules", "office_err_no_rules"),
    ("is not a date", "office_err_date"),
)


def refusal_key(error: InvalidInput) -> str:
    """The message key for a refusal, so the page speaks the reader's language."""
    text = str(error)
    return next((key for words, key in REFUSALS if words in text), "office_err_invalid")




def _form(form: Any, *names: str) -> dict[str, str | None]:
    return {n: (str(form.get(n) or "").strip() or None) for n in names}


def back_to(path: str, anchor: str = "", **query: str) -> RedirectResponse:
    """The 303 back to a page after its form: ``path?query#anchor``.

    >>> back_to("/firms/ent:a", "visit", refused="ledger_err_date").headers["location"]
    '/firms/ent:a?refused=ledger_err_date#visit'
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
    try:
        made = problems.add_problem(
            store, firm_id=_firm_id(store, values["firm"]), title=values["title"] or "",
            text=values["text"], need_type=values["need_type"] or "problem",
            opened_on=values["opened_on"], viewer=viewer_of(session),
            author=session.user.username)
    except NotFound:  # a firm unknown or outside the organiser's region: the same answer
        return back_to("/problems", refused="office_err_unknown_firm")
    except InvalidInput as error:
        key = "office_err_unknown_firm" if "enterprise" in str(error) else refusal_key(error)
        return back_to("/problems", refused=key)
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
                  refused=q.get("refused") if (q.get("refused") or "").startswith("office_err_")
                  else None)


def _problem_page(request: Request, session: Session, need_id: str, *, message: str | None = None,
                  status_code: int = 200) -> Response:
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
            raise NotFound("is not an action on a problem", value=action, where="page")
    except InvalidInput as error:
        return _problem_page(request, session, need_id, message=refusal_key(error),
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
                  refused=q.get("refused") if (q.get("refused") or "").startswith(
                      "ledger_err_") else None)


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
            message = refusal_key(error)
    return render(request, "office_push.html", session=session, programmes=programmes,
                  chosen=chosen, result=result, message=message,
                  status_code=422 if message else 200)


# -- contact duty -----------------------------------------------------------------------

def _contacts_page(request: Request, session: Session, *, plan: Any = None,
                   message: str | None = None, status_code: int = 200) -> Response:
    store = request.app.state.store
    report = contacts.contact_duty(store)
    refused = request.query_params.get("refused") or ""  # the add form's refusal, as a key
    return render(request, "office_contacts.html", status_code=status_code, session=session,
                  report=report.to_dict(), plan=plan,
                  message=message or (refused if refused.startswith("ledger_err_") else None),
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
        return _contacts_page(request, session, message=refusal_key(error), status_code=422)
    return _contacts_page(request, session, plan=plan.to_dict())


def _official_page(request: Request, session: Session, official_id: str, *,
                   message: str | None = None, status_code: int = 200) -> Response:
    store = request.app.state.store
    report = contacts.contact_duty(store, official_id=official_id)
    official = officials.OfficialView.of(officials.get_official(store, official_id))
    q = request.query_params
    return render(request, "office_official.html", status_code=status_code, session=session,
                  o=official.to_dict(), report=report.to_dict(), message=message,
                  types=[t.value for t in PROBLEM_NEED_TYPES], done=q.get("done"),
                  departments=known_departments(store),
                  refused=q.get("refused") if (q.get("refused") or "").startswith(
                      "ledger_err_") else None, refused_value=(q.get("value") or "")[:300])


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
        key = refusal_key(error) if isinstance(error, InvalidInput) else "office_err_no_firm"
        return _official_page(request, session, official_id, message=key, status_code=422)
    return back_to(f"/contacts/{quote(official_id)}", done="recorded")


