"""The calls backends make: start a trajectory, submit an event, read the view (``connect`` comes from
:mod:`service.connection`, re-exported here for the front-ends)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import uuid
from datetime import timedelta
from typing import Any

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import WorkflowExecutionStatus
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest, DescribeWorkflowExecutionResponse
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from domain.records import EventAccepted, TrajectoryView
from domain.start import TrajectoryStart
from domain.submission import SUBMISSION_FIELD, Submission
from service import config
from service.connection import connect as connect  # re-exported: the front-ends' one import
from workflows import WORKFLOWS
from workflows.contract import TRAJECTORY_CLOSED, initial_search_attributes, workflow_id_for

logger = logging.getLogger(__name__)

CONTINUED_RUN_ATTEMPTS = 3
"""Tries of one event while the trajectory keeps continuing as new under it (once is rare)."""

IDEMPOTENCY_MEMO = "idempotency-key"
"""The memo field (encrypted like every payload) that holds the hash of a start's idempotency key."""


async def start_trajectory(
    client: Client,
    region: str,
    start: TrajectoryStart | dict[str, Any],
    *,
    task_queue: str | None = None,
    idempotency_key: str | None = None,
) -> WorkflowHandle[Any, TrajectoryView]:
    """Start ``region``'s trajectory; refused (``WorkflowAlreadyStartedError``) if the id was ever used.
    ``idempotency_key`` (already scoped to the caller) is kept, hashed, in the memo: :func:`started_with_key`
    tells a retried start from a second one."""
    start = TrajectoryStart.model_validate(start)  # invalid input never reaches Temporal
    workflow_class = WORKFLOWS[region]
    return await client.start_workflow(
        workflow_class.run,
        start,
        id=workflow_id_for(region, start.trajectory_id),
        task_queue=task_queue or config.task_queue(),
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        search_attributes=initial_search_attributes(region, start, workflow_class.route_class.initial_state.id),
        memo={IDEMPOTENCY_MEMO: key_digest(idempotency_key)} if idempotency_key else None,
        static_summary=f"{region} trajectory {start.trajectory_id} · coach {start.coach_id} · "
        f"participant {start.participant_ref}",
    )


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def started_with_key(client: Client, workflow_id: str, idempotency_key: str) -> str | None:
    """The run id of the trajectory ``workflow_id`` if the start that made it carried ``idempotency_key``."""
    described = await describe(client, workflow_id)
    stored = described.workflow_execution_info.memo.fields.get(IDEMPOTENCY_MEMO)
    if stored is None:
        return None
    (digest,) = await client.data_converter.decode([stored], [str])
    if not hmac.compare_digest(str(digest), key_digest(idempotency_key)):
        return None
    return described.workflow_execution_info.execution.run_id


def handle_for(client: Client, region: str, trajectory_id: str) -> WorkflowHandle[Any, TrajectoryView]:
    return client.get_workflow_handle(workflow_id_for(region, trajectory_id), result_type=TrajectoryView)


class TrajectoryClosed(Exception):
    """An event for a trajectory that has ended: it accepts no events any more."""


async def submit_event(
    client: Client,
    region: str,
    trajectory_id: str,
    event: dict[str, Any],
    *,
    submission: Submission | None = None,
    update_id: str | None = None,
) -> TrajectoryView:
    """Send one domain event and return the view after it; raises ``WorkflowUpdateFailedError`` with the reason
    if it is rejected, :class:`TrajectoryClosed` if the trajectory has ended, ``RPCError`` NOT_FOUND if it never
    existed. ``submission``: the caller and expiry the API adds; ``update_id``: the Update ID (an idempotency key:
    a retried call with the same id applies the event once, also after the trajectory continued as new: it
    remembers the ids it accepted). Without one, a random id is chosen here, so that the call's own retry on a
    continued run (below) cannot apply the event twice either. The Update answers with :class:`EventAccepted`,
    not the view (its result is stored in the history); the view is the ``view`` Query's."""
    await send_event(client, region, trajectory_id, event, submission=submission, update_id=update_id)
    return await handle_for(client, region, trajectory_id).query("view", result_type=TrajectoryView)


async def send_event(
    client: Client,
    region: str,
    trajectory_id: str,
    event: dict[str, Any],
    *,
    submission: Submission | None = None,
    update_id: str | None = None,
) -> EventAccepted:
    """:func:`submit_event` without reading the view afterwards (a Query: a workflow task of its own), for
    callers that only need the event accepted, such as a forecast's thousands of made-up events."""
    handle = handle_for(client, region, trajectory_id)
    if submission is not None:
        event = {**event, SUBMISSION_FIELD: submission.model_dump(mode="json")}
    update_id = update_id or uuid.uuid4().hex
    closed = TrajectoryClosed(f"trajectory {trajectory_id} of {region} is closed: it accepts no events")
    for attempt in range(1, CONTINUED_RUN_ATTEMPTS + 1):
        try:
            return await handle.execute_update("submit_event", event, id=update_id, result_type=EventAccepted)
        except WorkflowUpdateFailedError as error:
            cause = error.cause
            if isinstance(cause, ApplicationError) and cause.type == TRAJECTORY_CLOSED:  # closed, still finishing
                raise closed from None
            raise
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            # Temporal says NOT_FOUND for a closed workflow, and for an Update that raced the run's end: when that
            # run continued as new, the trajectory's latest run is open and takes the Update (the same id). This
            # raises if it never existed. The raw call decodes no search attributes (the test server's Datetime
            # values break the SDK's describe()).
            latest = await describe(client, handle.id)
            if latest.workflow_execution_info.status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING:
                raise closed from None
            if attempt == CONTINUED_RUN_ATTEMPTS:
                raise
            logger.info("an event for %s met a run that continued as new; sent to its latest run", handle.id)
    raise AssertionError("unreachable")


async def describe(client: Client, workflow_id: str) -> DescribeWorkflowExecutionResponse:
    """The raw describe call (the SDK's ``describe()`` decodes search attributes, which the test server's
    Datetime values break)."""
    return await client.workflow_service.describe_workflow_execution(
        DescribeWorkflowExecutionRequest(
            namespace=client.namespace, execution=WorkflowExecution(workflow_id=workflow_id)
        )
    )


async def view(
    client: Client, region: str, trajectory_id: str, *, rpc_timeout: timedelta | None = None
) -> TrajectoryView:
    """The ``view`` Query. A worker answers it; without one Temporal waits (about 30 s) unless ``rpc_timeout``."""
    return await handle_for(client, region, trajectory_id).query(
        "view", result_type=TrajectoryView, rpc_timeout=rpc_timeout
    )
