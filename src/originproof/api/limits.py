"""A cap on request bodies outside the upload route: a JSON body is small, and a route's
parameters are parsed before its auth dependency runs, so an oversized body is refused here."""
from __future__ import annotations

import json

MAX_JSON_BODY = 256 * 1024


class BodyCap:
    def __init__(self, app, upload_paths: tuple[str, ...] = (), limit: int = MAX_JSON_BODY):
        self.app, self.upload_paths, self.limit = app, upload_paths, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] in self.upload_paths:
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            return await _too_large(send)
        seen = 0

        async def capped():
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge()
            return msg
        try:
            await self.app(scope, capped, send)
        except _TooLarge:
            await _too_large(send)


class _TooLarge(Exception):
    pass


async def _too_large(send) -> None:
    body = json.dumps({"error": "too_large", "message": {"zh": "请求体过大", "en": "Request body too large"}}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
