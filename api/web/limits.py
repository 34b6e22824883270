"""Bodies are bounded before they are read: a pure ASGI middleware.

A declared ``Content-Length`` over the limit is answered 413 at once; a body sent
in chunks is counted as it arrives and cut off at the limit. Upload routes (path
prefix ``/api/imports``, and the page form at ``/imports``) get the larger upload limit.
"""

from __future__ import annotations

import json

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
            return await _too_large(send, limit, scope["path"])
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except BodyTooLarge:
            await _too_large(send, limit, scope["path"])


class BodyTooLarge(Exception):
    pass


async def _too_large(send, limit: int, path: str) -> None:
    body = json.dumps({"type": "about:blank", "title": "Too large", "status": 413,
                       "detail": f"the request body is larger than {limit:,} bytes",
                       "instance": path}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
