"""The needs pages: "my needs" (an enterprise) or the needs list (organisers, experts),
the submit and edit form with live hints (htmx), and a need's page.

They call the same use cases as `/api/needs` (`api.services.needs`) and add no rules:
what a person may see or change is decided there. Problems a person can fix are shown
on the form in their language; the rest become the HTML error pages.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from duijie.api.services import needs as use
from duijie.api.services.directory import list_directory
from duijie.api.services.need_shares import share_need
from duijie.api.web.deps import CSRF_HEADER, viewer_of
from duijie.api.web.pages import (
    check_form_csrf,
    page_session,
    render,
    signed_in_form,
    signed_in_page,
)
from duijie.api.web.routes.needs import NeedFields
from duijie.api.web.routes.office_pages import shown as refusal_shown
from duijie.graph.accounts import Role, Session
from duijie.graph.errors import (
    Conflict,
    DuijieError,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthorized,
    at,
)
from duijie.graph.vocab import Confidentiality, NeedStatus, NeedType, values

router = APIRouter(include_in_schema=False)

FIELDS = ("title", "text", "description", "need_type", "trl", "budget_wan", "deadline",
          "priority", "region", "tech_field", "confidentiality")
PAGE_SIZE = 20
SORTS = {"-submitted_at": "needs_sort_newest", "deadline": "needs_sort_deadline",
         "priority": "needs_sort_priority", "title": "needs_sort_title"}
DONE = ("submitted", "saved", "withdrawn", "shared", "unshared")
FIELD_LABELS = {"title": "needs_field_title", "text": "needs_field_text",
                "description": "needs_field_description", "need_type": "needs_field_type",
                "trl": "needs_field_trl", "budget_wan": "needs_field_budget",
                "deadline": "needs_field_deadline", "priority": "needs_field_priority",
                "region": "needs_field_region", "tech_field": "needs_field_tech_field",
                "confidentiality": "needs_field_confidentiality", "firm_id": "needs_field_firm"}
CHOICES = {"need_types": values(NeedType), "statuses": values(NeedStatus),
           "levels": values(Confidentiality), "sorts": SORTS}


def _audit(request: Request, session: Session) -> use.Audit:
    accounts = request.app.state.accounts

    def audit(action: str, need_id: str | None, detail: str | None = None) -> None:
        accounts.audit(session.user.id, action, "Need", need_id, detail)

    return audit




def _form_values(form: Any) -> dict[str, str]:
    return {name: str(form.get(name) or "").strip() for name in FIELDS}


def _parse(raw: dict[str, str], *, clear_empty: bool) -> tuple[dict[str, Any], list[str]]:
    """Typed fields from a form's text, and the fields whose text is not acceptable.
    An empty box is "not given" on a new need and "clear it" on an edit."""
    data: dict[str, Any] = {k: (v or None) for k, v in raw.items()
                            if v or (clear_empty and k != "title")}
    try:
        model = NeedFields.model_validate(data)
    except ValidationError as exc:
        bad = sorted({str(e["loc"][0]) for e in exc.errors() if e.get("loc")})
        return {}, bad or ["title"]
    fields = model.model_dump(mode="json", exclude_unset=True)
    return fields, ([] if fields.get("title") else ["title"])


def _firm_choices(request: Request, session: Session) -> list[dict[str, str]]:
    if session.user.role is not Role.ORGANISER:
        return []
    firms = list_directory(request.app.state.store, "enterprises", limit=200,
                           viewer=viewer_of(session))
    return [{"id": e.id, "name": e.name, "region": e.region or ""} for e in firms.data]


def _form_page(request: Request, session: Session, *, values: dict[str, str],
               need: dict | None = None, firm_id: str = "", errors: list[str] = (),
               message: str | DuijieError | None = None, status_code: int = 200,
               submission_key: str | None = None) -> HTMLResponse:
    firm_name = None
    if session.user.role is Role.ENTERPRISE:
        firm = request.app.state.store.get_nodes([session.user.party_id]).get(
            session.user.party_id)
        firm_name = firm.shown_name if firm else None
    return render(request, "need_form.html", status_code=status_code, session=session,
                  values=values, need=need, firm_id=firm_id, firm_name=firm_name,
                  firms=_firm_choices(request, session), errors=list(errors),
                  field_labels=FIELD_LABELS, message=message, **CHOICES,
                  submission_key=submission_key or secrets.token_urlsafe(18))


@router.get("/needs", response_class=HTMLResponse)
def needs_page(request: Request) -> Response:
    session = signed_in_page(request)
    if not isinstance(session, Session):
        return session
    params = request.query_params
    chosen = {"status": params.get("status") if params.get("status") in CHOICES["statuses"]
              else None,
              "need_type": params.get("need_type") if params.get("need_type") in CHOICES[
                  "need_types"] else None,
              "confidentiality": params.get("confidentiality") if params.get(
                  "confidentiality") in CHOICES["levels"] else None,
              "region": (params.get("region") or "").strip()[:100] or None,
              "firm_id": (params.get("firm") or "").strip()[:200] or None,
              "q": (params.get("q") or "").strip()[:use.MAX_QUERY_CHARS] or None}
    sort = params.get("sort") if params.get("sort") in SORTS else "-submitted_at"
    page = int(params["page"]) if params.get("page", "").isdigit() else 1
    page = max(1, min(page, 10_000))
    query = use.NeedQuery(**chosen, sort=sort, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    found = use.list_needs(request.app.state.store, query, viewer=viewer_of(session),
                           audit=_audit(request, session))
    kept = {("firm" if k == "firm_id" else k): v
            for k, v in {**chosen, "sort": sort}.items() if v}

    def link(**change: Any) -> str:
        return "/needs?" + urlencode({**kept, **change})

    role = session.user.role
    title = {Role.ENTERPRISE: "needs_title_mine", Role.EXPERT: "needs_title_shared"}.get(
        role, "needs_title_all")
    return render(request, "needs_list.html", session=session, found=found.to_dict(),
                  filters=chosen, sort=sort, page=page, page_size=PAGE_SIZE, link=link,
                  heading=title, done=params.get("done") if params.get("done") in DONE
                  else None, can_submit=role is not Role.EXPERT, **CHOICES)


@router.get("/needs/new", response_class=HTMLResponse)
def new_need_page(request: Request) -> Response:
    session = signed_in_page(request)
    if not isinstance(session, Session):
        return session
    if session.user.role is Role.EXPERT:
        raise Forbidden(key="access.expert_no_needs", where=at("where.need"))
    region = ""
    if session.user.role is Role.ENTERPRISE:
        firm = request.app.state.store.get_nodes([session.user.party_id]).get(
            session.user.party_id)
        region = (firm.props.get("region") or "") if firm else ""
    values_ = {**dict.fromkeys(FIELDS, ""), "need_type": "technology", "priority": "3",
               "confidentiality": "public", "region": region}
    return _form_page(request, session, values=values_,
                      firm_id=request.query_params.get("firm", ""))


@router.post("/needs/new", response_class=HTMLResponse)
async def submit_need_page(request: Request) -> Response:
    sent = await signed_in_form(request)
    if isinstance(sent, Response):
        return sent
    session, form = sent
    raw = _form_values(form)
    firm_id = str(form.get("firm_id") or "").strip()[:200] or None
    key = str(form.get("submission_key") or "")[:64] or None
    again = {"values": raw, "firm_id": firm_id or "", "submission_key": key}
    fields, bad = _parse(raw, clear_empty=False)
    if bad:
        return _form_page(request, session, errors=bad, status_code=422, **again)
    try:
        need = use.submit_need(request.app.state.store, fields, firm_id=firm_id,
                               viewer=viewer_of(session), author=session.user.username,
                               submission_key=key, audit=_audit(request, session))
    except Conflict:
        return _form_page(request, session, message="needs_already_sent", status_code=409,
                          **again)
    except (InvalidInput, NotFound) as exc:  # a firm unknown or not yours: said at the field
        field = "firm_id" if exc.where == "firm_id" else None
        if isinstance(exc, NotFound) and field is None:
            raise
        return _form_page(request, session, errors=[field] if field else [],
                          message=None if field else refusal_shown(exc), status_code=422,
                          **again)
    return RedirectResponse(f"/needs/{need.id}?done=submitted", status_code=303)


@router.post("/needs/hints", response_class=HTMLResponse)
async def need_hints(request: Request) -> Response:
    """The live hints beside the form (htmx): similar needs the person may see, and
    what a broker will miss."""
    session = page_session(request)
    if session is None:  # problem details; htmx is sent to sign in (`problems`)
        raise Unauthorized(key="users.signed_out", where=at("where.session"))
    form = await request.form()
    check_form_csrf(session, request.headers.get(CSRF_HEADER) or form.get("csrf_token"))
    raw = _form_values(form)
    fields = {}
    for name, text in raw.items():  # each field alone: one bad box spoils no other hint
        try:
            fields.update(NeedFields.model_validate({name: text}).model_dump(
                mode="json", exclude_none=True) if text else {})
        except ValidationError:
            continue
    exclude = str(form.get("exclude") or "")[:200] or None
    similar = use.similar_to(request.app.state.store, raw["title"][:300], raw["text"][:5000],
                             viewer=viewer_of(session), exclude=exclude,
                             audit=_audit(request, session))
    check = use.check_need(fields)
    return render(request, "_need_hints.html", session=session, similar=similar.to_dict(),
                  check=check.to_dict(), typed=bool(raw["title"] or raw["text"]))


@router.get("/needs/{need_id}", response_class=HTMLResponse)
def need_page(request: Request, need_id: str) -> Response:
    session = signed_in_page(request)
    if not isinstance(session, Session):
        return session
    store, viewer = request.app.state.store, viewer_of(session)
    need = use.get_need(store, need_id[:200], viewer=viewer, audit=_audit(request, session))
    done = request.query_params.get("done")
    return render(request, "need_page.html", session=session, need=need.to_dict(),
                  done=done if done in DONE else None, message=None,
                  experts=_experts_to_share(store, need) if viewer.is_staff else [])


def _experts_to_share(store, need) -> list[dict[str, str]]:
    """Experts an organiser may share this need with, by name (a confidential need: none)."""
    if need.confidentiality == "confidential":
        return []
    shared = {e.id for e in need.shared_with}
    return sorted(({"id": n.id, "name": n.shown_name}
                   for n in store.find_nodes("Expert", limit=5000)
                   if n.id not in shared), key=lambda e: e["name"])


@router.post("/needs/{need_id}/shares", response_class=HTMLResponse)
async def share_need_page(request: Request, need_id: str) -> Response:
    """Share the need with the chosen expert, or take a share back (organisers)."""
    sent = await signed_in_form(request)
    if isinstance(sent, Response):
        return sent
    session, form = sent
    share = form.get("action") != "unshare"
    found = share_need(request.app.state.store, need_id[:200],
                       str(form.get("expert") or "")[:200], share=share,
                       viewer=viewer_of(session), audit=_audit(request, session))
    return RedirectResponse(f"/needs/{found.need_id}?done={'shared' if share else 'unshared'}",
                            status_code=303)


@router.get("/needs/{need_id}/edit", response_class=HTMLResponse)
def edit_need_page(request: Request, need_id: str) -> Response:
    session = signed_in_page(request)
    if not isinstance(session, Session):
        return session
    need = use.get_need(request.app.state.store, need_id[:200], viewer=viewer_of(session),
                        audit=_audit(request, session)).to_dict()
    if not need["can_edit"]:
        raise Forbidden(key="access.read_not_change", where=at("where.need"))
    values_ = {k: "" if need.get(k) is None else str(need[k]) for k in FIELDS}
    values_["budget_wan"] = _number(need.get("budget_wan"))
    return _form_page(request, session, values=values_, need=need)


def _number(value: Any) -> str:
    """A number as a person types it (80, not 80.0)."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


@router.post("/needs/{need_id}/edit", response_class=HTMLResponse)
async def save_need_page(request: Request, need_id: str) -> Response:
    sent = await signed_in_form(request)
    if isinstance(sent, Response):
        return sent
    session, form = sent
    store, viewer = request.app.state.store, viewer_of(session)
    need = use.get_need(store, need_id[:200], viewer=viewer).to_dict()
    raw = _form_values(form)
    rev = str(form.get("rev") or "")
    fields, bad = _parse(raw, clear_empty=True)
    if not rev.isdigit():
        bad.append("rev")
    shown = {**need, "rev": int(rev) if rev.isdigit() else need["rev"]}
    if bad:
        return _form_page(request, session, values=raw, need=shown, errors=bad,
                          status_code=422)
    try:
        use.edit_need(store, need["id"], fields, rev=int(rev), viewer=viewer,
                      author=session.user.username, audit=_audit(request, session))
    except Conflict:
        return _form_page(request, session, values=raw, need=shown,
                          message="needs_stale_edit", status_code=409)
    except InvalidInput as exc:  # keyed: what and where, in the page's language
        return _form_page(request, session, values=raw, need=shown,
                          message=refusal_shown(exc), status_code=422)
    return RedirectResponse(f"/needs/{need['id']}?done=saved", status_code=303)


@router.post("/needs/{need_id}/withdraw", response_class=HTMLResponse)
async def withdraw_need_page(request: Request, need_id: str) -> Response:
    sent = await signed_in_form(request)
    if isinstance(sent, Response):
        return sent
    session, form = sent
    rev = str(form.get("rev") or "")
    store, viewer = request.app.state.store, viewer_of(session)
    try:
        need = use.withdraw_need(store, need_id[:200], rev=int(rev) if rev.isdigit() else None,
                                 viewer=viewer, author=session.user.username,
                                 audit=_audit(request, session))
    except Conflict:
        need = use.get_need(store, need_id[:200], viewer=viewer)
        return render(request, "need_page.html", status_code=409, session=session,
                      need=need.to_dict(), done=None, message="needs_stale_edit")
    return RedirectResponse(f"/needs/{need.id}?done=withdrawn", status_code=303)
