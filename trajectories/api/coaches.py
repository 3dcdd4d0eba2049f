"""Endpoints about coaches rather than one trajectory: the caseload hand-over (and absences, see README)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status
from pydantic import BaseModel, ValidationError
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain.handover import HandoverId, HandoverProgress
from domain.identifiers import StaffId
from trajectories import handover
from trajectories.api.auth import require_token
from trajectories.api.errors import RESPONSES, Conflict, ErrorBody, NotFound, invalid_input
from trajectories.api.routes import TemporalClient

router = APIRouter(dependencies=[Depends(require_token)], responses=RESPONSES)

CoachIdPath = Annotated[StaffId, Path(description="The coach's staff id, e.g. coach-anna.")]


class HandoverStarted(BaseModel):
    handover_id: str
    workflow_id: str
    progress: str


@router.post(
    "/coaches/{coach_id}/handover",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Hand every open trajectory of a coach (optionally of one region or state) to another coach",
    responses={409: {"model": ErrorBody, "description": "HandoverAlreadyStarted: the handover_id was used before"}},
)
async def start_handover(
    coach_id: CoachIdPath, order: handover.HandoverOrder, client: TemporalClient, request: Request, response: Response
) -> HandoverStarted:
    """A durable workflow reassigns them one by one with their ordinary ``coach_reassigned`` event (each audited);
    follow it at the returned ``progress`` address."""
    try:
        handover_request = handover.request_for(coach_id, order)
    except ValidationError as error:
        raise invalid_input(list(error.errors(include_url=False))) from None
    try:
        handle = await handover.start_handover(client, handover_request, task_queue=request.app.state.task_queue)
    except WorkflowAlreadyStartedError:
        raise Conflict("HandoverAlreadyStarted", f"a hand-over with id {handover_request.handover_id!r} exists") from None
    location = request.url_for("handover_progress", handover_id=handover_request.handover_id).path
    response.headers["Location"] = location
    return HandoverStarted(handover_id=handover_request.handover_id, workflow_id=handle.id, progress=location)


@router.get("/handovers/{handover_id}", name="handover_progress", summary="A caseload hand-over's progress")
async def handover_progress(
    handover_id: Annotated[HandoverId, Path()], client: TemporalClient, request: Request
) -> HandoverProgress:
    try:
        return await handover.progress(client, handover_id, rpc_timeout=request.app.state.view_timeout)
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            raise NotFound("HandoverNotFound", f"no hand-over with id {handover_id!r}") from None
        raise
