"""Bearer tokens: configured outside the repository, compared in constant time."""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from trajectories import config
from trajectories.api.errors import Unauthorized

TOKENS_VARIABLE = "TRAJECTORIES_API_TOKENS"
TOKEN_FILE_VARIABLE = "TRAJECTORIES_API_TOKEN_FILE"
MIN_TOKEN_LENGTH = 16


class NoTokensConfigured(RuntimeError):
    """The API never runs open: without a token nobody could call it, or everybody could."""


def read_token_file(path: Path) -> list[str]:
    """One token per line; blank lines and ``#`` comments are skipped."""
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def configured_tokens() -> list[str]:
    """Tokens from ``TRAJECTORIES_API_TOKENS`` (comma separated) and the file ``TRAJECTORIES_API_TOKEN_FILE``."""
    tokens = [token.strip() for token in os.environ.get(TOKENS_VARIABLE, "").split(",") if token.strip()]
    if file := os.environ.get(TOKEN_FILE_VARIABLE):
        tokens += read_token_file(Path(file))
    return tokens


def check_tokens(tokens: list[str]) -> list[str]:
    if not tokens:
        raise NoTokensConfigured(f"no API token configured: set {TOKENS_VARIABLE} or {TOKEN_FILE_VARIABLE}")
    short = [index for index, token in enumerate(tokens, 1) if len(token) < MIN_TOKEN_LENGTH]
    if short:
        raise NoTokensConfigured(f"API tokens must have at least {MIN_TOKEN_LENGTH} characters (token #{short[0]})")
    return tokens


def default_token_file() -> Path:
    return config.state_dir() / "api-token"


def ensure_local_token(path: Path | None = None) -> Path:
    """For the run command without configured tokens: the token in ``var/api-token``, made once (mode 0600)."""
    path = path or default_token_file()
    if path.exists() and read_token_file(path):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(32) + "\n")
    return path


_bearer = HTTPBearer(auto_error=False, description="A token from TRAJECTORIES_API_TOKENS or the token file.")


def require_token(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> None:
    """Every API call: ``Authorization: Bearer <token>``; each configured token is compared in constant time."""
    if credentials is None:
        raise Unauthorized("missing bearer token: send 'Authorization: Bearer <token>'")
    offered = credentials.credentials.encode()
    matches = [hmac.compare_digest(offered, token.encode()) for token in request.app.state.tokens]
    if not any(matches):
        raise Unauthorized("invalid bearer token")
