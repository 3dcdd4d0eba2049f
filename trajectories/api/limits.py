"""Request limits, checked before a body reaches a route (and so before anything reaches Temporal).

Temporal refuses payloads over 2 MB by failing the workflow task that carries them, and a body nested
hundreds deep or holding an unpaired surrogate broke the JSON encoder with a plain-text 500. So every body
is held to:

* at most :data:`MAX_BODY_BYTES` (64 KiB) → 413 ``PayloadTooLarge``;
* valid UTF-8 without unpaired surrogates (``"\\ud800"``) → else 422 ``InvalidUnicode`` naming the field;
* JSON nested at most :data:`MAX_DEPTH` (32) deep → else 422 ``TooDeeplyNested``.

Malformed JSON passes through to FastAPI's own validation (a typed ``InvalidInput``).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trajectories.api.errors import ApiError, PayloadTooLarge, Unprocessable

MAX_BODY_BYTES = 64 * 1024
MAX_DEPTH = 32


def nesting_depth(text: str) -> int:
    """The deepest ``[``/``{`` nesting of a JSON text, without parsing it (a parser recurses: a deep enough
    body would exhaust the stack before any check could run)."""
    depth = deepest = 0
    in_string = escaped = False
    for character in text:
        if in_string:
            if escaped:
                escaped = False
            elif character == "\\":
                escaped = True
            elif character == '"':
                in_string = False
        elif character == '"':
            in_string = True
        elif character in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in "]}":
            depth -= 1
    return deepest


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= character <= "\udfff" for character in text)


def surrogate_field(value: Any, path: str = "") -> str | None:
    """The dotted path of the first key or string holding an unpaired surrogate, or None."""
    if isinstance(value, str):
        return (path or "(body)") if _has_surrogate(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if _has_surrogate(key):
                return path or "(body)"
            if found := surrogate_field(item, here):
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            if found := surrogate_field(item, f"{path}.{index}" if path else str(index)):
                return found
    return None


def check_json_body(body: bytes) -> ApiError | None:
    """The limit ``body`` breaks, or None. Not-JSON is left to the route's validation."""
    if len(body) > MAX_BODY_BYTES:
        return too_large(len(body))
    if not body:
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        return Unprocessable("InvalidUnicode", f"the body is not valid UTF-8 (byte {error.start})", fields=["(body)"])
    if (depth := nesting_depth(text)) > MAX_DEPTH:
        return Unprocessable(
            "TooDeeplyNested", f"the body is nested {depth} deep; at most {MAX_DEPTH} is accepted", fields=["(body)"]
        )
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if (field := surrogate_field(value)) is not None:
        return Unprocessable(
            "InvalidUnicode", f"field '{field}': holds an unpaired surrogate (not valid Unicode)", fields=[field]
        )
    return None


def too_large(size: int | None = None) -> PayloadTooLarge:
    told = f" ({size} bytes)" if size is not None else ""
    return PayloadTooLarge(f"the body is larger than {MAX_BODY_BYTES // 1024} KiB{told}")


class RequestLimits:
    """ASGI middleware: reads a request's body (never more than the limit + 1 byte), checks it, and hands
    the same bytes on; refuses with the typed JSON error body instead."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in {"POST", "PUT", "PATCH"}:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            await self.refuse(too_large(int(declared)), send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                await self.refuse(too_large(), send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if (problem := check_json_body(body)) is not None:
            await self.refuse(problem, send)
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    @staticmethod
    async def refuse(error: ApiError, send: Send) -> None:
        content = json.dumps(error.body.model_dump(exclude_none=True)).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(content)).encode())]
        headers += [(name.lower().encode(), value.encode()) for name, value in (error.headers or {}).items()]
        await send({"type": "http.response.start", "status": error.status_code, "headers": headers})
        await send({"type": "http.response.body", "body": content})
