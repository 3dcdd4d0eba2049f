"""The security commands: ``clients add`` (an API client and its token, shown once) and ``keys status``."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from temporalio.client import Client

from service import encryption
from trajectories.api_clients import ALL_REGIONS, SCOPES, ClientConfigurationError, add_client, clients_file
from trajectories.keys import key_status


class ClientsError(Exception):
    """A refused ``clients`` command (exit code 2, like other invalid input)."""


async def clients_command(args: argparse.Namespace, client: Client | None, out: Console) -> None:
    """Add an API client: its token's SHA-256 goes into the clients file, the token is printed once."""
    path = Path(args.file) if args.file else clients_file()
    try:
        token = add_client(path, args.name, args.scope, args.region)
    except ClientConfigurationError as error:
        raise ClientsError(str(error)) from None
    out.print(f"client {args.name!r} added to {path}", highlight=False)
    out.print("its token (shown only now; the file holds its SHA-256): ", end="", highlight=False)
    print(token, flush=True)  # plain stdout: no wrapping or markup at any width


async def keys_command(args: argparse.Namespace, client: Client | None, out: Console) -> None:
    """Which payload keys the histories Temporal keeps still use, and when each may be dropped."""
    assert client is not None
    configured = [key.id for key in encryption.configured_keys()]
    status = await key_status(client, configured)
    now = datetime.now(UTC)
    if args.json:
        rows = [
            {"key_id": use.key_id, "configured": use.configured, "encrypts": use.current,
             "open_runs": len(use.open_runs), "closed_runs": use.closed_runs,
             "last_closed": use.last_closed.isoformat() if use.last_closed else None,
             "can_be_dropped": use.verdict(status.retention, now)}
            for use in status.uses
        ]  # fmt: skip
        print(json.dumps({"retention_days": status.retention.days, "keys": rows}, indent=2), flush=True)
        return
    out.print(
        f"Payload keys in {status.open_runs} open and {status.closed_runs} closed trajectory runs", highlight=False
    )
    out.print(f"(closed runs are kept {status.retention.days} days: the namespace's retention)", highlight=False)
    for use in status.uses:
        role = "configured, encrypts" if use.current else "configured" if use.configured else "NOT CONFIGURED"
        out.print(f"\n{use.key_id}  ({role})", highlight=False)
        out.print(f"  open runs {len(use.open_runs)}, closed runs {use.closed_runs}", highlight=False)
        out.print(f"  can be dropped: {use.verdict(status.retention, now)}", highlight=False, soft_wrap=False)


def add_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    """Register the commands with the CLI's ``command(name, function, help)``."""
    sub = command("clients", clients_command, "manage API clients: `clients add NAME --scope ... --region ...`")
    sub.add_argument("action", choices=["add"], help="add: a new client and its token (printed once)")
    sub.add_argument(
        "name", metavar="NAME", help="the client's name, recorded in the audit trail (e.g. almere-backend)"
    )
    sub.add_argument("--scope", action="append", required=True, choices=SCOPES, help="repeat for each scope")
    sub.add_argument("--region", action="append", required=True, help=f"a region, or '{ALL_REGIONS}'; repeat for each")
    sub.add_argument(
        "--file", default=None, help="the clients file (default: TRAJECTORIES_API_CLIENTS or var/api-clients.toml)"
    )
    sub.set_defaults(temporal=False)

    sub = command("keys", keys_command, "payload keys: `keys status` lists what open trajectories still use")
    sub.add_argument("action", choices=["status"], help="status: key ids in use and when each old key can be dropped")
    sub.add_argument("--json", action="store_true", help="print JSON instead of text")


def failure(error: Exception) -> tuple[str, str] | None:
    """(error type, message) for this module's errors, else None."""
    if isinstance(error, ClientsError):
        return "InvalidInput", str(error)
    return None


__all__: list[Any] = ["add_commands", "failure"]
