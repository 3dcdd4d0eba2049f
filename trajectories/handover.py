"""Starting a caseload hand-over and reading its progress: the calls the API and the CLI share."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from domain.handover import HandoverId, HandoverInput, HandoverProgress, HandoverRequest, handover_workflow_id
from domain.identifiers import StaffId
from service import config
from trajectories.listing import STATES, Region, StateId
from workflows.caseload_handover import CaseloadHandover


class HandoverOrder(BaseModel):
    """The body of ``POST /coaches/{coach_id}/handover``: to whom, by whom, and optionally which trajectories."""

    model_config = ConfigDict(extra="forbid")

    to_coach: StaffId = Field(description="The coach who takes the trajectories over.")
    actor: StaffId = Field(description="Who orders the hand-over (the actor of each coach_reassigned event).")
    region: Region | None = Field(default=None, description="Only trajectories of this region.")
    state: StateId | None = Field(default=None, description="Only trajectories in this state.")
    handover_id: HandoverId | None = Field(default=None, description="Default: generated.")

    @field_validator("state")
    @classmethod
    def _state_of_region(cls, state: str | None, info: ValidationInfo) -> str | None:
        region = info.data.get("region")
        if state is not None and region is not None and state not in STATES[region]:
            raise ValueError(f"{region} has no state {state!r}; its states: {', '.join(STATES[region])}")
        return state


def request_for(from_coach: str, order: HandoverOrder, *, client: str | None = None) -> HandoverRequest:
    """The workflow's request (``client``: the API client that ordered it); raises pydantic's ValidationError
    (``to_coach``) when both coaches are the same."""
    return HandoverRequest(
        handover_id=order.handover_id or f"h-{uuid.uuid4().hex[:12]}",
        from_coach=from_coach,
        to_coach=order.to_coach,
        actor=order.actor,
        region=order.region,
        state=order.state,
        client=client,
    )


async def start_handover(
    client: Client, request: HandoverRequest, *, task_queue: str | None = None
) -> WorkflowHandle[Any, HandoverProgress]:
    """Start the hand-over; refused (``WorkflowAlreadyStartedError``) if its id was used before."""
    scope = " ".join(f"{k} {v}" for k, v in (("region", request.region), ("state", request.state)) if v)
    return await client.start_workflow(
        CaseloadHandover.run,
        HandoverInput(request=request),
        id=handover_workflow_id(request.handover_id),
        task_queue=task_queue or config.task_queue(),
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        static_summary=f"caseload hand-over {request.from_coach} → {request.to_coach}"
        + (f" ({scope})" if scope else ""),
    )


async def progress(client: Client, handover_id: str, *, rpc_timeout: timedelta | None = None) -> HandoverProgress:
    """The ``progress`` Query (answered by a worker, during and after the hand-over)."""
    handle = client.get_workflow_handle(handover_workflow_id(handover_id))
    return await handle.query("progress", result_type=HandoverProgress, rpc_timeout=rpc_timeout)
