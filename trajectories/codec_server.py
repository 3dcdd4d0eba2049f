"""The remote codec server: lets the Temporal Web UI (and the ``temporal`` CLI) show decrypted payloads to
authorised staff; the keys never leave this process.

Temporal's remote codec protocol: ``POST .../encode`` and ``POST .../decode`` take and return ``Payloads``
as protobuf JSON, and only the last path segment decides which. Browsers call it cross-origin, so CORS
(Starlette's middleware) answers for the configured Web UI origins only, with credentials. Every
encode/decode needs authorisation:

* ``Authorization: Bearer <token>`` with a configured token (``TRAJECTORIES_CODEC_TOKENS``), as the CLI
  sends it (``--codec-endpoint ... --codec-auth "Bearer <token>"``);
* or a session cookie, for the Web UI. The UI can only pass *its own* login (OIDC) token, and only to an
  HTTPS endpoint ("Pass the user access token"), so staff sign in once at ``/login`` with their codec token,
  then in the UI's codec settings choose "Use my browser setting", type this server's endpoint and turn on
  "Include cross-origin credentials" (the cluster-level setting offers no credentials toggle). The cookie is
  ``HttpOnly``, ``SameSite=Strict`` and holds a random session id, never the token, so the UI must be opened
  under the same site as the endpoint (``localhost``; from ``127.0.0.1`` the browser withholds the cookie).

Each decode is logged at DEBUG only (browsing the UI decodes constantly); sign-ins are logged at INFO and
refusals at WARNING, naming the caller as ``token #n``, never the token or the content.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads

from service import config
from service.encryption import EncryptionCodec, PayloadDecryptionError
from trajectories.signins import FailedSignIns

logger = logging.getLogger(__name__)

SESSION_COOKIE = "trajectories_codec_session"
SESSION_SECONDS = 8 * 3600
MIN_TOKEN_LENGTH = 16
BEARER = HTTPBearer(auto_error=False)


class Sessions:
    """Random session ids with an expiry, in memory: a restart signs everyone out."""

    def __init__(self, seconds: int = SESSION_SECONDS) -> None:
        self.seconds = seconds
        self._open: dict[str, tuple[float, str]] = {}  # session id -> (expiry, who signed in)

    def open(self, who: str) -> str:
        session = secrets.token_urlsafe(32)
        self._open[session] = (time.monotonic() + self.seconds, who)
        return session

    def who(self, session: str | None) -> str | None:
        """Who signed in with this session, or None if it is unknown or expired."""
        expiry, who = self._open.get(session or "", (0.0, ""))
        if expiry < time.monotonic():
            self._open.pop(session or "", None)
            return None
        return who


def configured_tokens() -> list[str]:
    """``TRAJECTORIES_CODEC_TOKENS`` (comma-separated), else the token file (default ``var/codec-tokens``)."""
    text = os.environ.get(config.CODEC_TOKENS_VARIABLE)
    if not text and config.codec_tokens_file().exists():
        text = config.codec_tokens_file().read_text(encoding="utf-8")
    lines = (line.partition("#")[0] for line in (text or "").splitlines())
    return [token.strip() for line in lines for token in line.split(",") if token.strip()]


def ensure_dev_token(path: Path | None = None) -> tuple[Path, bool]:
    """Create a random dev token file once (0600); returns its path and whether it was created."""
    path = path or config.codec_tokens_file()
    if path.exists():
        return path, False
    text = "# bearer token(s) for the local codec server, one per line\n" + secrets.token_urlsafe(32) + "\n"
    return path, config.create_private_file(path, text)


def matching_token(presented: str, tokens: Sequence[str]) -> int | None:
    """The 1-based number of the configured token ``presented`` equals (compared in constant time with
    every one), or None. The number names the caller in the access log without revealing the token."""
    found = None
    for number, token in enumerate(tokens, 1):
        if hmac.compare_digest(presented.encode(), token.encode()):
            found = number
    return found


def create_app(
    codec: EncryptionCodec,
    tokens: Sequence[str],
    ui_origins: Sequence[str],
    failed_sign_ins: FailedSignIns | None = None,
) -> FastAPI:
    """The codec server. ``tokens`` must not be empty (no anonymous decoding); ``ui_origins`` are the Web
    UI origins (scheme://host:port) whose browsers may call it. ``failed_sign_ins``: the throttle of
    ``/login`` (too many invalid tokens from one address within a minute → 429 with ``Retry-After``)."""
    tokens = [token for token in tokens if token]
    if not tokens:
        raise ValueError(f"the codec server needs at least one bearer token ({config.CODEC_TOKENS_VARIABLE})")
    if any(len(token) < MIN_TOKEN_LENGTH for token in tokens):
        raise ValueError(f"codec server tokens must have at least {MIN_TOKEN_LENGTH} characters")
    sessions = Sessions()
    failures = failed_sign_ins or FailedSignIns()

    def authorised(
        request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]
    ) -> None:
        """Sets ``request.state.caller`` ("token #2", "session of token #2") for the access log."""
        number = matching_token(credentials.credentials, tokens) if credentials is not None else None
        if number is not None:
            request.state.caller = f"token #{number}"
            return
        signed_in = sessions.who(request.cookies.get(SESSION_COOKIE))
        if signed_in is not None:
            request.state.caller = f"session of {signed_in}"
            return
        logger.warning("%s %s refused: no valid bearer token or codec session (origin %s)", request.method,
                       request.url.path, request.headers.get("origin", "-"))  # fmt: skip
        raise HTTPException(401, "a bearer token or a codec session is required", {"WWW-Authenticate": "Bearer"})

    app = FastAPI(title="trajectories codec server", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=[origin.rstrip("/") for origin in ui_origins],
        allow_credentials=True,
        allow_methods=["POST"],
        allow_headers=["content-type", "x-namespace", "authorization"],
        max_age=600,
    )

    # the protocol: only the last path segment counts, so the server may sit under any prefix
    @app.post("/encode", dependencies=[Depends(authorised)])
    @app.post("/{prefix:path}/encode", dependencies=[Depends(authorised)], include_in_schema=False)
    async def encode(request: Request) -> Response:
        return await convert(request, "encode")

    @app.post("/decode", dependencies=[Depends(authorised)])
    @app.post("/{prefix:path}/decode", dependencies=[Depends(authorised)], include_in_schema=False)
    async def decode(request: Request) -> Response:
        return await convert(request, "decode")

    async def convert(request: Request, operation: str) -> Response:
        try:
            payloads = json_format.Parse(await request.body(), Payloads())
        except json_format.ParseError as error:
            raise HTTPException(400, f"the body must be Payloads as protobuf JSON: {error}") from None
        try:
            converted = await getattr(codec, operation)(payloads.payloads)
        except PayloadDecryptionError as error:
            logger.warning("%s refused for %s: %s", operation, request.state.caller, error)
            raise HTTPException(422, str(error)) from None
        # who decrypted how much, where (never payload content); DEBUG: the UI decodes on every page
        logger.debug("%s %d payload(s) in namespace %s for %s", operation, len(converted),
                    request.headers.get("x-namespace", "-"), request.state.caller)  # fmt: skip
        return Response(json_format.MessageToJson(Payloads(payloads=converted)), media_type="application/json")

    def page(request: Request, message: str) -> str:
        return LOGIN_PAGE.format(message=message, endpoint=str(request.base_url).rstrip("/"),
                                 ui=(list(ui_origins) or ["the Web UI"])[0])  # fmt: skip

    @app.get("/login", response_class=HTMLResponse)
    async def login_form(request: Request) -> str:
        return page(request, "")

    @app.post("/login", response_class=HTMLResponse)
    async def login(request: Request) -> HTMLResponse:
        address = request.client.host if request.client else "unknown"
        if (wait := failures.retry_after(address)) is not None:
            logger.warning("codec sign-in refused: too many failures from one address")
            message = f"<p role='alert'>Too many invalid tokens: try again in {wait} seconds.</p>"
            return HTMLResponse(page(request, message), 429, headers={"Retry-After": str(wait)})
        token = parse_qs((await request.body()).decode(errors="replace")).get("token", [""])[0].strip()
        number = matching_token(token, tokens) if token else None
        if number is None:
            failures.failed(address)
            logger.warning("codec sign-in refused: the token is not valid")
            return HTMLResponse(page(request, "<p role='alert'>That token is not valid.</p>"), 401)
        response = HTMLResponse(page(request, f"<p role='status'>Signed in for {SESSION_SECONDS // 3600} hours: "
                                              "reload the Web UI.</p>"))  # fmt: skip
        response.set_cookie(
            SESSION_COOKIE, sessions.open(f"token #{number}"), max_age=SESSION_SECONDS, httponly=True,
            samesite="strict", path="/",
        )  # fmt: skip
        logger.info("codec session opened for token #%d", number)
        return response

    return app


LOGIN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Trajectories codec server</title></head>
<body>
<h1>Decode trajectories in the Temporal Web UI</h1>
{message}
<form method="post" action="/login">
<label>Codec token <input type="password" name="token" autocomplete="off" required></label>
<button type="submit">Sign in</button>
</form>
<p>Then open the Web UI at <a href="{ui}">{ui}</a> (the same host name as this page), open its codec
server settings (the data-encoder icon in the top bar), choose "Use my browser setting and ignore
Cluster-level setting", type <code>{endpoint}</code> as the endpoint, turn on "Include cross-origin
credentials" and apply.</p>
</body></html>
"""
