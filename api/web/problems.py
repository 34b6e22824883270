"""Errors as RFC 9457 problem details, mapped from Duijie's error classes in one place.

Routes raise `DuijieError`s (or let the use cases raise them); the handlers here turn
each into ``application/problem+json`` with the same what-and-where message as the
command line (in English; a keyed refusal also gives its ``key`` and ``params``, to word
it in another language), and a page's error shows it in the page's language.

>>> STATUS[NotFound], STATUS[Conflict]
(404, 409)
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from duijie.graph.errors import (
    BackendUnavailable,
    Conflict,
    DuijieError,
    Forbidden,
    InvalidInput,
    NotFitted,
    NotFound,
    Unauthorized,
)

STATUS: dict[type[DuijieError], int] = {
    InvalidInput: 422, NotFound: 404, Conflict: 409, BackendUnavailable: 503,
    Unauthorized: 401, Forbidden: 403, NotFitted: 503,
}
TITLES = {400: "Bad request", 401: "Not signed in", 403: "Not allowed", 404: "Not found",
          405: "Method not allowed", 409: "Conflict", 413: "Too large",
          415: "Unsupported media type", 422: "Invalid input", 500: "Internal error",
          503: "Unavailable"}
PROBLEM_JSON = "application/problem+json"


def problem(status: int, detail: str, *, instance: str | None = None,
            **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status,
            "detail": detail, **({"instance": instance} if instance else {}), **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def is_htmx(request: Request) -> bool:
    """A request htmx sent from a page (it swaps the answer into part of the page)."""
    return request.headers.get("hx-request") == "true"


def wants_html(request: Request) -> bool:
    """A page request (a browser asking for HTML outside /api, or htmx) gets HTML."""
    return not request.url.path.startswith("/api") and (
        is_htmx(request) or "text/html" in request.headers.get("accept", ""))


def html_problem(request: Request, status: int, detail: str | DuijieError):
    """The error page; for htmx, a short notice to swap in (htmx swaps no 4xx by
    default, so the notice is for pages that ask for it), and a page whose session
    ended is sent to sign in (``HX-Redirect``). A keyed refusal is worded in the page's
    language; any other detail is English, shown on English pages only."""
    from duijie.api.web.pages import language, render

    worded = detail.worded(language(request)) if isinstance(detail, DuijieError) else None
    detail = str(detail)

    if status == 401:
        from fastapi.responses import RedirectResponse, Response

        if is_htmx(request):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse("/login", status_code=303)
    key = {403: "forbidden", 404: "not_found"}.get(status, "error")
    if is_htmx(request):
        return render(request, "_problem.html", status_code=status, message_key=key,
                      detail=detail, worded=worded)
    return render(request, "error.html", status_code=status, message_key=key, detail=detail,
                  worded=worded)


def status_of(exc: DuijieError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def install(app: FastAPI) -> None:
    """Register the handlers on an app."""

    @app.exception_handler(DuijieError)
    async def duijie_error(request: Request, exc: DuijieError) -> JSONResponse:
        if wants_html(request):
            return html_problem(request, status_of(exc), exc)
        keyed = ({"key": exc.said.key, "params": exc.said.to_data()["params"]}
                 if exc.said is not None else {})
        return problem(status_of(exc), str(exc), instance=request.url.path,
                       where=exc.where, problems=exc.problems, **keyed)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}"
                    for e in exc.errors()]
        return problem(422, "; ".join(problems[:5]) or "invalid request",
                       instance=request.url.path, where="request", problems=problems[:100])

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if wants_html(request):
            return html_problem(request, exc.status_code, str(exc.detail))
        return problem(exc.status_code, str(exc.detail), instance=request.url.path)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:  # pragma: no cover
        return problem(500, "something went wrong on our side; it has been logged",
                       instance=request.url.path)
