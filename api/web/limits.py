"""Bodies are bounded before they are read: a pure ASGI middleware.

A declared ``Content-Length`` over the limit is answered 413 at once; a body sent
in chunks is counted as it arrives and cut off at the limit. Upload routes (path
prefix ``/api/imports``, and the page form at ``/imports``) get the larger upload limit.

The answer is a problem detail for the API, and the error page in the page's own
language for a page (a browser's form asks for HTML): the middleware answers before
routing, so it decides which from the path and the Accept header, as the error
handlers do (`problems.wants_html`).
"""

from __future__ import annotations

import json

from starlette.requests import Request

UPLOAD_PREFIXES = ("/api/imports", "/imports")


class BodyLimit:
    def __init__(self, app, *, max_body: int, max_upload: int):
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = (self.max_upload if scope["path"].startswith(UPLOAD_PREFIXES)
                 else self.max_body)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await _too_large(scope, receive, send, limit)
        seen = 0
        over = False

        async def counted():
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    over = True
                    raise BodyTooLarge
            return message

        async def unless_over(message):
            # The body parser may turn BodyTooLarge into its own 400: answer 413 instead.
            if over:
                if message["type"] == "http.response.start":
                    await _too_large(scope, receive, send, limit)
                return
            await send(message)

        try:
            await self.app(scope, counted, unless_over)
        except BodyTooLarge:
            await _too_large(scope, receive, send, limit)


class BodyTooLarge(Exception):
    pass


async def _too_large(scope, receive, send, limit: int) -> None:
    from duijie.api.web.problems import wants_html

    request = Request(scope, receive)
    if wants_html(request):
        from duijie.api.web.pages import render

        # A page's form: the error page in the page's language, saying the limit.
        megabytes = f"{limit / 2**20:g}"
        page = render(request, "error.html", status_code=413, message_key="too_large",
                      message_values={"megabytes": megabytes},
                      detail=f"the request body is larger than {limit:,} bytes")
        return await page(scope, receive, send)
    body = json.dumps({"type": "about:blank", "title": "Too large", "status": 413,
                       "detail": f"the request body is larger than {limit:,} bytes",
                       "instance": scope["path"]}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
