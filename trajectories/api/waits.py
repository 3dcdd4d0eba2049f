"""Bounded waits: an event or a view waits a configurable time for a worker, then 503 ``WorkerUnavailable``.

An event that timed out must never be applied later. Temporal cannot withdraw an Update it has admitted, so
the API stamps each event with an expiry (:class:`domain.submission.Submission`, on Temporal's clock) and the
trajectory's validator refuses it once ``workflow.now()`` is past it: a worker that comes back later refuses
the event before it enters history. Before answering 503 the API asks once more for the Update's outcome; if
a worker is busy with the trajectory's workflow task right then (it may have taken the event before the
expiry), it waits for that task to end, up to Temporal's workflow task timeout. If the run that took the
event has continued as new meanwhile, Temporal no longer knows the Update, but the trajectory does (the
``applied`` query on the IDs it carries). So the answer is exact: the view (applied) or 503 (not applied,
never will be).

The Update ID is the caller's ``Idempotency-Key`` scoped to the client (``<client>.<key>``), else random: a
retry with the same key gets the first answer (Temporal deduplicates Update IDs within a run) and the event
is applied once.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio.api.enums.v1 import PendingWorkflowTaskState
from temporalio.client import (
    Client,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from domain.records import EventAccepted, TrajectoryView
from domain.submission import SUBMISSION_FIELD, Submission
from trajectories import client as trajectories_client
from trajectories.api.errors import Unavailable, Unprocessable
from workflows.contract import EVENT_EXPIRED, workflow_id_for

Clock = Callable[[], Awaitable[datetime]]

DEFAULT_WAIT = timedelta(seconds=10)
TASK_TIMEOUT = timedelta(seconds=10)
"""Temporal's default workflow task timeout: a worker that took the event finishes or loses its task in this."""
KEY_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,100}")


async def wall_clock() -> datetime:
    """Temporal's clock, as far as a production API can tell: the host's (NTP-synchronised) time."""
    return datetime.now(UTC)


def update_id(client_name: str, idempotency_key: str | None) -> str:
    """The Update ID: the key scoped to the client (two clients' keys never collide), else random (short: it
    shows in the audit trail's origin)."""
    if idempotency_key is None:
        return uuid.uuid4().hex
    return f"{client_name}.{checked_key(idempotency_key)}"


def checked_key(key: str) -> str:
    if not KEY_PATTERN.fullmatch(key):
        raise Unprocessable(
            "InvalidInput",
            "header 'Idempotency-Key': 1 to 100 letters, digits, '.', '_', ':' or '-' (e.g. a UUID)",
            fields=["Idempotency-Key"],
        )
    return key


def worker_unavailable(wait: timedelta) -> Unavailable:
    return Unavailable(
        "WorkerUnavailable",
        f"no worker took this call within {wait.total_seconds():g} s; it was not applied and will not be: retry",
    )


def is_expired(error: WorkflowUpdateFailedError) -> bool:
    return isinstance(error.cause, ApplicationError) and error.cause.type == EVENT_EXPIRED


async def submit_within(
    client: Client,
    region: str,
    trajectory_id: str,
    event: dict[str, Any],
    *,
    client_name: str,
    idempotency_key: str | None,
    wait: timedelta,
    clock: Clock,
) -> TrajectoryView:
    """Submit ``event`` as ``client_name``; its view, or 503 ``WorkerUnavailable`` after ``wait``."""
    if isinstance(event, dict) and SUBMISSION_FIELD in event:
        raise Unprocessable(
            "InvalidInput", f"field '{SUBMISSION_FIELD}': set by the API, not by a caller", fields=[SUBMISSION_FIELD]
        )
    identifier = update_id(client_name, idempotency_key)
    submission = Submission(client=client_name, expires_at=await clock() + wait)
    give_up = asyncio.get_running_loop().time() + wait.total_seconds()
    for attempt in range(2):
        try:
            async with asyncio.timeout_at(give_up):
                return await trajectories_client.submit_event(
                    client, region, trajectory_id, event, submission=submission, update_id=identifier
                )
        except WorkflowUpdateFailedError as error:
            # An earlier call with this key that expired was just refused (which frees the Update ID): this
            # call's own submission has not expired, so it is sent again, once.
            if is_expired(error) and attempt == 0 and idempotency_key is not None:
                continue
            if is_expired(error):
                raise worker_unavailable(wait) from None
            raise
        except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
            break
    view = await settled(client, workflow_id_for(region, trajectory_id), identifier)
    if view is None:
        raise worker_unavailable(wait)
    return view


async def settled(client: Client, workflow_id: str, identifier: str) -> TrajectoryView | None:
    """The view if the Update was applied after all; None if it was not and, being expired, never will be."""
    workflow = client.get_workflow_handle(workflow_id)
    handle = workflow.get_update_handle(identifier, result_type=EventAccepted)
    give_up = asyncio.get_running_loop().time() + TASK_TIMEOUT.total_seconds() + 2
    while True:
        try:
            async with asyncio.timeout(1.5):
                await handle.result(rpc_timeout=timedelta(seconds=1))
            return await workflow.query("view", result_type=TrajectoryView)
        except WorkflowUpdateFailedError as error:
            if is_expired(error):
                return None
            raise
        except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError, RPCError) as error:
            if isinstance(error, RPCError) and error.status not in (
                RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED, RPCStatusCode.NOT_FOUND,
            ):  # fmt: skip
                raise
            if (
                isinstance(error, RPCError)
                and error.status == RPCStatusCode.NOT_FOUND
                and await applied(workflow, identifier)
            ):
                return await workflow.query("view", result_type=TrajectoryView)
        if asyncio.get_running_loop().time() > give_up or not await worker_busy(client, workflow_id):
            return None


async def applied(workflow: WorkflowHandle[Any, Any], identifier: str) -> bool:
    """Whether the latest run carries ``identifier`` as applied: the run that took the Update continued as new,
    so the Update is unknown to the latest run's Temporal record but not to the trajectory."""
    try:
        return bool(await workflow.query("applied", identifier, result_type=bool))
    except (RPCError, WorkflowQueryFailedError):
        return False


async def worker_busy(client: Client, workflow_id: str) -> bool:
    """Whether a worker holds the trajectory's workflow task now (it may be applying the event)."""
    try:
        described = await trajectories_client.describe(client, workflow_id)
    except RPCError:
        return False
    pending = described.pending_workflow_task
    return described.HasField("pending_workflow_task") and (
        pending.state == PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED
    )
