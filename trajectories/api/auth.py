"""Who calls: a client of ``TRAJECTORIES_API_CLIENTS`` by its bearer token, or a local token; which scope
each route requires (:func:`requires`); failed sign-ins throttled per address."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from service import config
from trajectories.api.errors import Forbidden, TooManyRequests, Unauthorized
from trajectories.api_clients import (
    CLIENTS_VARIABLE,
    SCOPES,
    ApiClient,
    configured_clients,
    local_clients,
    matching_client,
)
from trajectories.signins import FailedSignIns

logger = logging.getLogger("trajectories.api")

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


_bearer = HTTPBearer(auto_error=False, description="A client's token (TRAJECTORIES_API_CLIENTS) or a local token.")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def authenticate(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> ApiClient:
    """Every API call: ``Authorization: Bearer <token>`` of a configured client. An address with too many
    failed sign-ins in the last minute gets 429 before its token is even looked at."""
    failures: FailedSignIns = request.app.state.failed_sign_ins
    address = client_address(request)
    if (wait := failures.retry_after(address)) is not None:
        raise TooManyRequests(f"too many invalid tokens from this address; try again in {wait} s", wait)
    if credentials is None:
        failures.failed(address)
        raise Unauthorized("missing bearer token: send 'Authorization: Bearer <token>'")
    client = matching_client(credentials.credentials, request.app.state.clients)
    if client is None:
        failures.failed(address)
        raise Unauthorized("invalid bearer token")
    request.state.api_client = client
    return client


Authenticated = Annotated[ApiClient, Depends(authenticate)]


def requires(scope: str) -> Any:
    """The dependency that declares a route's scope: ``dependencies=[requires("payments:read")]``.

    Every route names exactly one scope (``create_app`` refuses to build an app with a route that names
    none). A route with a ``{region}`` in its path also requires that region."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; scopes: {', '.join(SCOPES)}")

    def check_scope(request: Request, client: Authenticated) -> ApiClient:
        return allowed(request, client, scope)

    check_scope.required_scope = scope  # type: ignore[attr-defined]  # read by ``route_scope``
    return Depends(check_scope)


def allowed(request: Request, client: ApiClient, scope: str) -> ApiClient:
    """``client`` if it holds ``scope`` and serves the path's ``{region}`` (if any); else 403 naming which."""
    if not client.may(scope):
        raise Forbidden(f"client {client.name!r} lacks the scope {scope!r} this call needs", fields=[scope])
    region = request.path_params.get("region")
    if region is not None and not client.serves(region):
        raise Forbidden(f"client {client.name!r} may not act in region {region!r}", fields=[region])
    return client


def only_its_regions(caller: ApiClient, region: str | None) -> None:
    """A query over regions (``region=...``, none for all) by a client limited to some regions must name one of
    them: 403 ``Forbidden`` naming ``region`` otherwise."""
    if not caller.serves(region or "*"):
        raise Forbidden(
            f"client {caller.name!r} acts only in its regions ({', '.join(sorted(caller.regions))}): add region=...",
            fields=["region"],
        )


def declares(scope: str) -> Any:
    """For a route that checks its scope itself with :func:`authorise` (e.g. one that answers a page without a
    token and data with one): declares the scope so that ``create_app`` sees it; checks nothing."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; scopes: {', '.join(SCOPES)}")

    def declared() -> None:
        return None

    declared.required_scope = scope  # type: ignore[attr-defined]
    return Depends(declared)


def public(reason: str) -> Any:
    """For a route no API client calls, authorised otherwise (e.g. an agenda feed by its own feed token):
    declares that on purpose, so that ``create_app`` accepts it without a scope."""

    def unscoped() -> None:
        return None

    unscoped.required_scope = f"public: {reason}"  # type: ignore[attr-defined]
    return Depends(unscoped)


async def authorise(request: Request, scope: str) -> ApiClient:
    """The imperative form of :func:`requires`: authenticate the caller and check ``scope``."""
    return allowed(request, authenticate(request, await _bearer(request)), scope)


def route_scope(route: APIRoute) -> str | None:
    """The scope a route declared with :func:`requires`, or None."""
    for dependency in route.dependant.dependencies:
        if scope := getattr(dependency.call, "required_scope", None):
            return scope
    return None


def api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    """Every API route, also those of included routers (FastAPI keeps those as included-router entries)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (included := getattr(route, "original_router", None)) is not None:
            yield from api_routes(included.routes)


def check_route_scopes(routes: Iterable[Any]) -> None:
    """Deny by default: an API route that declares no scope stops the app from being built."""
    missing = [
        f"{sorted(route.methods or ())} {route.path}" for route in api_routes(routes) if route_scope(route) is None
    ]
    if missing:
        raise RuntimeError(
            f"API route(s) without a scope: {'; '.join(missing)}; add dependencies=[requires('<scope>')] "
            "(trajectories.api.auth)"
        )


def api_clients(tokens: list[str] | None, clients: list[ApiClient] | None) -> list[ApiClient]:
    """The clients the API accepts: ``clients`` (else ``TRAJECTORIES_API_CLIENTS``) plus the local tokens
    (``tokens``, else ``TRAJECTORIES_API_TOKENS`` / the token file), which get every scope and a warning."""
    clients = configured_clients() if clients is None else clients
    tokens = configured_tokens() if tokens is None else tokens
    if not clients and not tokens:
        raise NoTokensConfigured(
            f"no API client configured: set {CLIENTS_VARIABLE} (a TOML file of clients), or for local use "
            f"{TOKENS_VARIABLE} or {TOKEN_FILE_VARIABLE}"
        )
    local = local_clients(check_tokens(tokens)) if tokens else []
    if local:
        logger.warning(
            "%d local API token(s) with EVERY scope in EVERY region (%s / %s): for local use only; give each "
            "backend a client of its own in %s (`trajectories clients add`)",
            len(local), TOKENS_VARIABLE, TOKEN_FILE_VARIABLE, CLIENTS_VARIABLE,
        )  # fmt: skip
    return [*clients, *local]
