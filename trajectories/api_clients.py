"""API clients with scopes: who may call which routes for which regions.

``TRAJECTORIES_API_CLIENTS`` names a TOML file, one ``[[clients]]`` table per backend::

    [[clients]]
    name = "almere-backend"
    token_sha256 = "9f86d081..."          # SHA-256 (hex) of the bearer token, never the token
    regions = ["almere"]                   # or ["*"] for every region
    scopes = ["trajectories:read", "trajectories:start", "events:submit"]

``trajectories clients add NAME --scope ... --region ...`` appends a client and prints its token once. The
token's hash is all the file holds, so a leaked file grants nothing. The client's name is what the audit
trail and the history record as the caller (beside the actor the caller claims).

``TRAJECTORIES_API_TOKENS`` / ``TRAJECTORIES_API_TOKEN_FILE`` (and ``var/api-token`` of the run command) stay
for local use: such a token is a client with every scope in every region, and the API warns at startup.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from service import config

CLIENTS_VARIABLE = "TRAJECTORIES_API_CLIENTS"

SCOPES: tuple[str, ...] = (
    "trajectories:read",
    "trajectories:start",
    "events:submit",
    "audit:read",
    "payments:read",
    "figures:read",
    "coaches:manage",
    "operations",
)
"""Every scope a route may require (``trajectories.api.auth.requires``); a client holds a subset."""

ALL_REGIONS = "*"
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,62}")
_SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")
MIN_TOKEN_LENGTH = 16


class ClientConfigurationError(ValueError):
    """The clients file is malformed; the message names the client and the field (never a token)."""


@dataclass(frozen=True)
class ApiClient:
    """One caller of the API. ``regions`` holds :data:`ALL_REGIONS` for every region."""

    name: str
    token_sha256: str
    scopes: frozenset[str]
    regions: frozenset[str]
    local: bool = False

    def may(self, scope: str) -> bool:
        return scope in self.scopes

    def serves(self, region: str) -> bool:
        return ALL_REGIONS in self.regions or region in self.regions


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_client(
    name: str, token_sha256: str, scopes: Iterable[str], regions: Iterable[str], known_regions: Sequence[str]
) -> ApiClient:
    """An :class:`ApiClient`, or :class:`ClientConfigurationError` naming what is wrong."""
    if not NAME_PATTERN.fullmatch(name):
        raise ClientConfigurationError(
            f"client {name!r}: name must be 2-63 lower-case letters, digits, '.', '_', '-' (it is recorded in the audit trail)"
        )
    if not _SHA256_PATTERN.fullmatch(token_sha256):
        raise ClientConfigurationError(f"client {name!r}: token_sha256 must be 64 lower-case hex digits")
    scopes, regions = list(scopes), list(regions)
    if unknown := sorted(set(scopes) - set(SCOPES)):
        raise ClientConfigurationError(
            f"client {name!r}: unknown scope(s) {', '.join(unknown)}; scopes: {', '.join(SCOPES)}"
        )
    if unknown := sorted(set(regions) - {*known_regions, ALL_REGIONS}):
        raise ClientConfigurationError(
            f"client {name!r}: unknown region(s) {', '.join(unknown)}; regions: {', '.join(known_regions)} or '*'"
        )
    if not scopes or not regions:
        raise ClientConfigurationError(f"client {name!r}: needs at least one scope and one region")
    return ApiClient(name, token_sha256, frozenset(scopes), frozenset(regions))


def known_regions() -> list[str]:
    from workflows import WORKFLOWS  # the routes are the regions; imported late (workflows import much)

    return list(WORKFLOWS)


def parse_clients(text: str, source: str, regions: Sequence[str] | None = None) -> list[ApiClient]:
    """The ``[[clients]]`` of a TOML document."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ClientConfigurationError(f"{source}: not valid TOML: {error}") from None
    regions = list(regions) if regions is not None else known_regions()
    clients: list[ApiClient] = []
    for position, table in enumerate(document.get("clients", []), 1):
        if not isinstance(table, dict) or set(table) != {"name", "token_sha256", "scopes", "regions"}:
            raise ClientConfigurationError(
                f"{source}: client #{position} must have exactly name, token_sha256, scopes and regions"
            )
        client = check_client(table["name"], table["token_sha256"], table["scopes"], table["regions"], regions)
        if any(other.name == client.name for other in clients):
            raise ClientConfigurationError(f"{source}: client name {client.name!r} appears twice")
        clients.append(client)
    return clients


def clients_file() -> Path:
    """``TRAJECTORIES_API_CLIENTS``, else ``var/api-clients.toml``."""
    return Path(os.environ.get(CLIENTS_VARIABLE) or config.state_dir() / "api-clients.toml")


def configured_clients() -> list[ApiClient]:
    """The clients of ``TRAJECTORIES_API_CLIENTS`` (an error if it is set and missing), else of the default
    file if it exists, else none."""
    path = clients_file()
    if not path.exists():
        if os.environ.get(CLIENTS_VARIABLE):
            raise ClientConfigurationError(f"{CLIENTS_VARIABLE}: no such file {path}")
        return []
    return parse_clients(path.read_text(encoding="utf-8"), str(path))


def local_clients(tokens: Sequence[str]) -> list[ApiClient]:
    """Tokens from ``TRAJECTORIES_API_TOKENS`` or a token file: for local use, every scope, every region."""
    return [
        ApiClient(f"local-token-{number}", token_hash(token), frozenset(SCOPES), frozenset({ALL_REGIONS}), local=True)
        for number, token in enumerate(tokens, 1)
    ]


def matching_client(token: str, clients: Sequence[ApiClient]) -> ApiClient | None:
    """The client whose token hash equals the offered token's, compared in constant time with every one."""
    offered = token_hash(token).encode()
    found = None
    for client in clients:
        if hmac.compare_digest(offered, client.token_sha256.encode()):
            found = client
    return found


def render(client: ApiClient) -> str:
    """One ``[[clients]]`` table (JSON strings and arrays are valid TOML)."""
    return (
        "\n[[clients]]\n"
        f"name = {json.dumps(client.name)}\n"
        f"token_sha256 = {json.dumps(client.token_sha256)}\n"
        f"regions = {json.dumps(sorted(client.regions))}\n"
        f"scopes = {json.dumps([scope for scope in SCOPES if scope in client.scopes])}\n"
    )


def add_client(path: Path, name: str, scopes: Sequence[str], regions: Sequence[str]) -> str:
    """Append a client to ``path`` (created 0600) and return its new token, which is stored nowhere."""
    existing = parse_clients(path.read_text(encoding="utf-8"), str(path)) if path.exists() else []
    token = secrets.token_urlsafe(32)
    client = check_client(name, token_hash(token), scopes, regions, known_regions())
    if any(other.name == name for other in existing):
        raise ClientConfigurationError(f"{path}: a client named {name!r} exists already")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        config.create_private_file(
            path, "# API clients (trajectories clients add): SHA-256 of each token, never the token\n"
        )
    with path.open("a", encoding="utf-8") as file:
        file.write(render(client))
    return token
