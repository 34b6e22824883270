"""Signing in and out: a session cookie (pages) or the token itself (scripts)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from duijie.api.services.accounts import log_in, log_out
from duijie.api.web.deps import SESSION_COOKIE, AccountsDep, CurrentSession

router = APIRouter(prefix="/api", tags=["session"])


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class UserPublic(BaseModel):
    id: str
    username: str
    display_name: str
    role: str
    party_id: str | None
    scope: str | None
    disabled: bool
    created_at: str


class SessionPublic(BaseModel):
    user: UserPublic
    csrf: str
    expires_at: str
    token: str | None = Field(None, description="Only in the answer to signing in: use it as "
                                                "`Authorization: Bearer` from scripts.")


@router.post("/session", response_model=SessionPublic)
def sign_in(credentials: Credentials, request: Request, response: Response,
            accounts: AccountsDep) -> SessionPublic:
    settings = request.app.state.settings
    login = log_in(accounts, credentials.username, credentials.password,
                   hours=settings.session_hours)
    response.set_cookie(SESSION_COOKIE, login.token, httponly=True, samesite="lax",
                        secure=settings.secure_cookies,
                        max_age=int(settings.session_hours * 3600), path="/")
    accounts.audit(login.user["id"], "sign_in")
    return SessionPublic(user=UserPublic(**login.user), csrf=login.csrf,
                         expires_at=login.expires_at, token=login.token)


@router.get("/session", response_model=SessionPublic)
def who_am_i(session: CurrentSession) -> SessionPublic:
    return SessionPublic(user=UserPublic(**session.user.to_dict()), csrf=session.csrf,
                         expires_at=session.expires_at)


@router.delete("/session", status_code=204)
def sign_out(session: CurrentSession, request: Request, response: Response,
             accounts: AccountsDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE) or request.headers.get(
        "authorization", "")[7:].strip()
    log_out(accounts, token)
    accounts.audit(session.user.id, "sign_out")
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.status_code = 204
    return response
