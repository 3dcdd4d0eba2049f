"""Reads are audit rows too (BIO 8.15 logging): who read which trajectory's view, audit trail, ledger or
figures, when, from where, with what result.

Each row carries BIO 8.15's fields in the audit trail's columns: *actie* (``kind`` "read", ``name`` what was
read), *object* (``workflow_id``), *resultaat* (``result``), *oorsprong* (``origin``: the API, the method
and path, the caller's address), *actor* and ``client`` (the authenticated client), *tijdstempel* (``at``).
The API writes it itself, keyed by a fresh id, after the read succeeded.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from fastapi import Request

from activities.audit import AuditLog
from domain.messages import AuditEntry
from trajectories.api.auth import client_address
from trajectories.api_clients import ApiClient


def read_entry(request: Request, caller: ApiClient, what: str, workflow_id: str, result: str = "read") -> AuditEntry:
    return AuditEntry(
        key=f"{workflow_id}:read:{uuid.uuid4()}",
        workflow_id=workflow_id,
        kind="read",
        name=what,
        actor=caller.name,
        client=caller.name,
        result=result,
        origin=f"api {request.method} {request.url.path} from {client_address(request)}",
        at=datetime.now(UTC),
    )


def audit_log(request: Request) -> AuditLog:
    """The app's one audit log (opened on first use)."""
    state = request.app.state
    if getattr(state, "audit_log", None) is None:
        state.audit_log = AuditLog(state.audit_url)
    return state.audit_log


def record_sync(request: Request, caller: ApiClient, what: str, workflow_id: str) -> None:
    audit_log(request).write(read_entry(request, caller, what, workflow_id))


async def record(request: Request, caller: ApiClient, what: str, workflow_id: str) -> None:
    await asyncio.to_thread(record_sync, request, caller, what, workflow_id)
