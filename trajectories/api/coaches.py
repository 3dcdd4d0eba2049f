"""Endpoints about coaches rather than one trajectory: absences with their stand-ins, and the caseload hand-over."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status
from pydantic import BaseModel, ValidationError
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain.absences import Absence, AbsenceRefused, AbsenceRequest
from domain.handover import HandoverId, HandoverProgress
from domain.identifiers import StaffId
from trajectories import absences, handover
from trajectories.api.auth import Authenticated, only_its_regions, requires
from trajectories.api.errors import RESPONSES, Conflict, ErrorBody, NotFound, Unprocessable, invalid_input
from trajectories.api.routes import TemporalClient

router = APIRouter(dependencies=[requires("coaches:manage")], responses=RESPONSES)
"""Every route here needs the scope ``coaches:manage`` (declared once, for the router)."""

CoachIdPath = Annotated[StaffId, Path(description="The coach's staff id, e.g. coach-anna.")]


AbsenceIdPath = Annotated[str, Path(pattern=r"^abs-[a-f0-9]{12}$", description="The id the roster gave the absence.")]


class AbsenceList(BaseModel):
    coach_id: str
    absences: list[Absence]


@router.post(
    "/coaches/{coach_id}/absences",
    status_code=status.HTTP_201_CREATED,
    summary="Register an absence: from its first to its last day the coach's notifications reach the stand-in",
    responses={
        422: {
            "model": ErrorBody,
            "description": "InvalidInput: `to` before `from`, the stand-in is the coach, "
            "no stand-in and no default, or it overlaps another absence (`from`, `to`)",
        }
    },
)
def add_absence(coach_id: CoachIdPath, absence: AbsenceRequest, request: Request, response: Response) -> Absence:
    """Days in Europe/Amsterdam, ``to`` included. Without ``stand_in``: the region policy's default stand-in
    (Almere's two advisors stand in for each other). Ownership of the trajectories does not change."""
    try:
        added = absences.add(coach_id, absence, url=request.app.state.audit_url)
    except AbsenceRefused as refused:
        raise Unprocessable("InvalidInput", refused.message, fields=refused.fields) from None
    response.headers["Location"] = request.url_for("absences", coach_id=coach_id).path
    return added


@router.get("/coaches/{coach_id}/absences", name="absences", summary="A coach's absences, by first day")
def list_absences(coach_id: CoachIdPath, request: Request, include_cancelled: bool = False) -> AbsenceList:
    rows = absences.listed(coach_id, include_cancelled=include_cancelled, url=request.app.state.audit_url)
    return AbsenceList(coach_id=coach_id, absences=rows)


@router.delete("/coaches/{coach_id}/absences/{absence_id}", summary="Cancel an absence (it stays on record)")
def cancel_absence(coach_id: CoachIdPath, absence_id: AbsenceIdPath, request: Request) -> Absence:
    cancelled = absences.cancel(coach_id, absence_id, url=request.app.state.audit_url)
    if cancelled is None:
        raise NotFound("AbsenceNotFound", f"{coach_id} has no absence {absence_id!r}")
    return cancelled


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
    coach_id: CoachIdPath,
    order: handover.HandoverOrder,
    client: TemporalClient,
    caller: Authenticated,
    request: Request,
    response: Response,
) -> HandoverStarted:
    """A durable workflow reassigns them one by one with their ordinary ``coach_reassigned`` event (each audited);
    follow it at the returned ``progress`` address. A client limited to some regions hands over in one of them
    (``region``): 403 ``Forbidden`` otherwise."""
    only_its_regions(caller, order.region)
    try:
        handover_request = handover.request_for(coach_id, order, client=caller.name)
    except ValidationError as error:
        raise invalid_input([dict(item) for item in error.errors(include_url=False)]) from None
    try:
        handle = await handover.start_handover(client, handover_request, task_queue=request.app.state.task_queue)
    except WorkflowAlreadyStartedError:
        raise Conflict(
            "HandoverAlreadyStarted", f"a hand-over with id {handover_request.handover_id!r} exists"
        ) from None
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
