"""Which payload keys the trajectories' histories still need, and when an old key can be dropped.

Every encrypted payload names its key id (metadata ``encryption-key-id``, see ``service.encryption``).
A key is needed as long as a history that holds a payload encrypted with it can still be read: the current
run of an open trajectory (its views, its replay after a worker restart), and closed runs (including runs
that continued as new) until Temporal's retention removes them. So a key can be dropped once no open run
uses it and the last closed run that uses it is past the namespace's retention. Dropping it earlier makes
views fail and replays fail workflow tasks.

Reads histories only (no payload is decrypted): the key ids are in each payload's metadata, in clear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client, WorkflowExecutionStatus

from service.encryption import KEY_ID_METADATA
from workflows import WORKFLOWS

_KEY_ID = re.compile(rb"\x0a" + bytes([len(KEY_ID_METADATA)]) + KEY_ID_METADATA.encode() + rb"\x12([\x01-\x7f])")
"""A metadata map entry ``encryption-key-id`` → value in a serialised payload (ids are at most 64 bytes, so
the value's length is a one-byte varint)."""


def key_ids_in(serialised: bytes) -> set[str]:
    """The key ids named by the payloads in serialised protobuf (a history, an event)."""
    found = set()
    for match in _KEY_ID.finditer(serialised):
        start = match.end()
        found.add(serialised[start : start + match.group(1)[0]].decode(errors="replace"))
    return found


@dataclass
class KeyUse:
    """Where one key id is still used."""

    key_id: str
    configured: bool = False
    current: bool = False
    open_runs: list[str] = field(default_factory=list)
    last_closed: datetime | None = None
    closed_runs: int = 0

    def droppable_after(self, retention: timedelta) -> datetime | None:
        """When the key may go: None while an open run uses it (or it is the current key); the moment the
        last closed run that uses it leaves retention (or ``datetime.min`` when nothing uses it)."""
        if self.open_runs or self.current:
            return None
        if self.last_closed is None:
            return datetime.min
        return self.last_closed + retention

    def verdict(self, retention: timedelta, now: datetime) -> str:
        after = self.droppable_after(retention)
        if self.current:
            return "no: it encrypts new payloads"
        if after is None:
            return f"no: {len(self.open_runs)} open trajectory run(s) use it"  # until they close or continue as new
        if after == datetime.min or after <= now:
            return "yes, now: no kept history uses it"
        return f"after {after:%Y-%m-%d %H:%M} UTC (closed {self.last_closed:%Y-%m-%d} + retention)"


@dataclass
class KeyStatus:
    retention: timedelta
    uses: list[KeyUse]
    open_runs: int
    closed_runs: int


def trajectory_query() -> str:
    types = ", ".join(f'"{workflow.__name__}"' for workflow in WORKFLOWS.values())
    return f"WorkflowType IN ({types})"


async def retention(client: Client) -> timedelta:
    described = await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace=client.namespace))
    return described.config.workflow_execution_retention_ttl.ToTimedelta()


async def history_bytes(client: Client, workflow_id: str, run_id: str) -> bytes:
    history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
    return b"".join(event.SerializeToString() for event in history.events)


async def key_status(client: Client, configured: Iterable[str] = (), narrower: str | None = None) -> KeyStatus:
    """Scan every trajectory run Temporal still keeps (open and closed within retention); ``narrower``: a
    visibility clause ANDed to the query (e.g. one task queue)."""
    configured = list(configured)
    uses: dict[str, KeyUse] = {
        key_id: KeyUse(key_id, configured=True, current=index == 0) for index, key_id in enumerate(configured)
    }
    open_runs = closed_runs = 0
    query = trajectory_query() + (f" AND {narrower}" if narrower else "")
    async for execution in client.list_workflows(query):
        ids = key_ids_in(await history_bytes(client, execution.id, execution.run_id))
        is_open = execution.status == WorkflowExecutionStatus.RUNNING
        open_runs += is_open
        closed_runs += not is_open
        for key_id in ids:
            use = uses.setdefault(key_id, KeyUse(key_id))
            if is_open:
                use.open_runs.append(execution.id)
            else:
                use.closed_runs += 1
                closed = execution.close_time
                if closed is not None and (use.last_closed is None or closed > use.last_closed):
                    use.last_closed = closed
    return KeyStatus(await retention(client), list(uses.values()), open_runs, closed_runs)
