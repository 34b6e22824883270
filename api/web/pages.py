"""Server-rendered pages (Jinja2): the shared look, language and sign-in.

Pages call the same use cases as the JSON routes; they add no rules of their own.
Every page is rendered with `render(request, name, **context)`, which adds the
language, the `t()` translator, the signed-in user and the CSRF token.
"""

from __future__ import annotations

import secrets
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from starlette.datastructures import FormData

from duijie.api.services.accounts import log_in, log_out
from duijie.api.web.deps import SESSION_COOKIE, AccountsDep, analyst_may_open
from duijie.api.web.eligibility_words import TEMPLATE_FUNCTIONS
from duijie.api.web.i18n import moment, pick_language, translate
from duijie.api.web.source_words import TEMPLATE_FUNCTIONS as SOURCE_FUNCTIONS
from duijie.graph.accounts import Role, Session
from duijie.graph.errors import DuijieError, Forbidden, Refusal, Unauthorized, at
from duijie.graph.vocab import illustrative_mark
from duijie.matcher.reasons import render_reason

ILLUSTRATIVE_ZH = illustrative_mark(True, "zh")

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")


@pass_context
def _marks_in_page_language(context: Any, value: Any) -> Any:
    """Every value a page prints: a name the use cases marked 示意 (an invented record,
    `graph.model.shown_name`) is marked in the page's own language."""
    if isinstance(value, str) and context.get("lang") == "en" and ILLUSTRATIVE_ZH in value:
        return value.replace(ILLUSTRATIVE_ZH, illustrative_mark(True, "en"))
    return value


templates.env.finalize = _marks_in_page_language
templates.env.filters["moment"] = moment  # a stored timestamp, to the minute
templates.env.globals.update(TEMPLATE_FUNCTIONS)  # programme conditions, in the page's words
templates.env.globals.update(SOURCE_FUNCTIONS)  # where a fact came from, in its words
LOGIN_CSRF_COOKIE = "duijie_login_csrf"
LANG_COOKIE = "duijie_lang"

router = APIRouter(include_in_schema=False)


@cache
def navigation() -> dict[str, list[dict[str, str]]]:
    """The header links by role (`api/web/nav.toml`)."""
    return tomllib.loads((HERE / "nav.toml").read_text("utf-8"))


def language(request: Request) -> str:
    return pick_language(request.query_params.get("lang") or request.cookies.get(LANG_COOKIE))


def page_session(request: Request) -> Session | None:
    """The signed-in session of a page request, or None (pages redirect to sign in);
    `Forbidden` for an analyst outside the analysis pages (`deps.analyst_may_open`)."""
    session = _signed_in(request)
    if session is not None and not analyst_may_open(session, request):
        raise Forbidden(key="users.analyst_only", where=at("field.role"))
    return session


def signed_in_page(request: Request, *roles: Role) -> Session | RedirectResponse:
    """A page's session, or the redirect to sign in; `Forbidden` when `roles` are given
    and the account's is not one of them (pages return the redirect as it is)."""
    session = page_session(request)
    if session is None:
        return RedirectResponse("/login", status_code=303)
    if roles and session.user.role not in roles:
        raise Forbidden(key="users.organisers_page", where=at("where.page"))
    return session


def check_form_csrf(session: Session, sent: Any) -> None:
    """`Forbidden` unless a page's form sent its session's CSRF token."""
    if not sent or not secrets.compare_digest(str(sent), session.csrf):
        raise Forbidden(key="users.stale_form", where=at("field.csrf"))


async def signed_in_form(request: Request, *roles: Role
                         ) -> RedirectResponse | tuple[Session, FormData]:
    """A page form's post, checked: its session and the form, or the redirect to sign in
    when signed out; `Forbidden` when `roles` are given and the account's is not one of
    them, or when the form lacks the session's CSRF token. Every page form starts so:

        sent = await signed_in_form(request, Role.ORGANISER)
        if isinstance(sent, Response):
            return sent
        session, form = sent
    """
    session = signed_in_page(request, *roles)
    if isinstance(session, RedirectResponse):
        return session
    form = await request.form()
    check_form_csrf(session, form.get("csrf_token"))
    return session, form


def worded(key: Any, lang: str, **values: Any) -> str:
    """A page's words: a catalog key (``t('sign_in')``), or a refusal a use case raised
    (``t(error)``: worded from its message key, `graph/refusals.toml`).

    >>> from duijie.graph.errors import NotFound, at
    >>> worded(NotFound(key="contacts.not_official", value="off:x",
    ...                 where=at("where.official")), "zh")
    '联系干部：“off:x” 不是联系干部'
    >>> worded("sign_in", "en")
    'Sign in'
    """
    if isinstance(key, DuijieError | Refusal):
        return key.text(lang)
    return translate(key, lang, **values)


def _signed_in(request: Request) -> Session | None:
    from duijie.api.services.accounts import current_session

    try:
        return current_session(request.app.state.accounts, request.cookies.get(SESSION_COOKIE))
    except Unauthorized:
        return None


def render(request: Request, name: str, status_code: int = 200, **context: Any
           ) -> HTMLResponse:
    lang = language(request)
    session = context.pop("session", None) or _signed_in(request)
    response = templates.TemplateResponse(request, name, {
        "lang": lang, "t": lambda key, **values: worded(key, lang, **values),
        "reason": lambda stored: render_reason(stored, lang),  # a structured reason, read
        "session": session, "path": request.url.path,
        "nav": navigation().get(session.user.role.value, []) if session else [],
        "user": session.user if session else None, "csrf": session.csrf if session else "",
        **context}, status_code=status_code)
    if request.query_params.get("lang") in ("zh", "en"):
        response.set_cookie(LANG_COOKIE, lang, samesite="lax", max_age=365 * 86400)
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    session = page_session(request)
    if session is None:
        return RedirectResponse("/login", status_code=303)
    if session.user.role is Role.ORGANISER:
        from duijie.api.web.routes.dashboard import dashboard_page

        return dashboard_page(request, session)
    if session.user.role is Role.ANALYST:
        return RedirectResponse("/analysis", status_code=303)
    from duijie.api.web.member_home import member_home

    return member_home(request, session)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, error: str | None = None) -> HTMLResponse:
    token = secrets.token_urlsafe(24)  # double-submit: the form and a cookie must agree
    response = render(request, "login.html", login_csrf=token, error=error)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        max_age=3600)
    return response


@router.post("/login", response_class=HTMLResponse)
def login_submit(request: Request, accounts: AccountsDep, username: str = Form(...),
                 password: str = Form(...), login_csrf: str = Form("")) -> HTMLResponse:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not login_csrf or not secrets.compare_digest(login_csrf, cookie):
        return login_page(request, error="stale_form")
    settings = request.app.state.settings
    try:
        login = log_in(accounts, username, password, hours=settings.session_hours)
    except Unauthorized:
        response = login_page(request, error="wrong_login")
        response.status_code = 401
        return response
    accounts.audit(login.user["id"], "sign_in")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, login.token, httponly=True, samesite="lax",
                        secure=settings.secure_cookies,
                        max_age=int(settings.session_hours * 3600), path="/")
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout_submit(request: Request, accounts: AccountsDep,
                  csrf_token: str = Form("")) -> RedirectResponse:
    session = page_session(request)
    if session is not None and secrets.compare_digest(csrf_token, session.csrf):
        log_out(accounts, request.cookies.get(SESSION_COOKIE, ""))
        accounts.audit(session.user.id, "sign_out")
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
