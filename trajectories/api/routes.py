"""Every HTTP endpoint, in one router: start, submit an event, view, list. Thin: the work is in
``trajectories.client`` and ``trajectories.listing``, which the CLI uses too."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request, Response, status
from pydantic import BaseModel
from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain.identifiers import OrganisationId, TrajectoryId
from domain.messages import AuditEntry
from domain.records import TrajectoryView
from domain.start import TrajectoryStart
from trajectories import client as trajectories_client
from trajectories.api import reads, waits
from trajectories.api.auth import Authenticated, authenticate, only_its_regions, requires
from trajectories.api.errors import RESPONSES, ErrorBody, NotFound
from trajectories.audit import read_trail
from trajectories.commitments import CommitmentChange, ProviderCommitments, read_commitments, set_commitment
from trajectories.listing import REGIONS, STATES, TrajectoryFilter, TrajectorySummary, list_trajectories
from trajectories.payments import PaymentFilter, PaymentLedger, read_ledger, to_csv
from trajectories.payments import totals as ledger_totals
from workflows import WORKFLOWS
from workflows.contract import workflow_id_for

router = APIRouter(dependencies=[Depends(authenticate)], responses=RESPONSES)
"""Every route declares its scope with ``dependencies=[requires("<scope>")]`` (``trajectories.api_clients.SCOPES``);
``create_app`` refuses a route that declares none. A ``{region}`` in the path is checked against the client's
regions by the same dependency."""

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Makes a retry safe: the same key (per client) returns the first call's answer; applied once.",
    ),
]


def temporal(request: Request) -> Client:
    """The one Temporal client the app connected at startup."""
    return request.app.state.client


def known_region(
    region: Annotated[str, Path(description="Region of the route.", examples=list(REGIONS))],
) -> str:
    if region not in WORKFLOWS:
        raise NotFound("RegionNotFound", f"unknown region {region!r}; regions: {', '.join(REGIONS)}")
    return region


TemporalClient = Annotated[Client, Depends(temporal)]
KnownRegion = Annotated[str, Depends(known_region)]
TrajectoryIdPath = Annotated[TrajectoryId, Path(description="The id the caller chose at the start.")]


class RegionInfo(BaseModel):
    region: str
    workflow_type: str
    states: list[str]
    events: list[str]


class TrajectoryStarted(BaseModel):
    region: str
    trajectory_id: str
    workflow_id: str
    run_id: str | None
    view: str


class AuditTrail(BaseModel):
    workflow_id: str
    entries: list[AuditEntry]


class TrajectoryList(BaseModel):
    query: str
    trajectories: list[TrajectorySummary]


EVENT_EXAMPLE = {"event": "observation_started", "actor": "coach-anna", "provider_id": "provider-de-schoor"}


@router.get("/regions", summary="The regions, their states and events", dependencies=[requires("trajectories:read")])
async def regions() -> list[RegionInfo]:
    return [
        RegionInfo(
            region=region, workflow_type=workflow.__name__, states=list(STATES[region]), events=workflow.events.names
        )
        for region, workflow in WORKFLOWS.items()
    ]


@router.post(
    "/regions/{region}/trajectories",
    status_code=status.HTTP_201_CREATED,
    summary="Start a trajectory",
    dependencies=[requires("trajectories:start")],
    responses={409: {"model": ErrorBody, "description": "TrajectoryAlreadyStarted: the id was used before"}},
)
async def start(
    region: KnownRegion,
    start: TrajectoryStart,
    client: TemporalClient,
    caller: Authenticated,
    request: Request,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> TrajectoryStarted:
    """With ``Idempotency-Key``: a retried start (same client, same key) answers 201 with the first start's
    run instead of 409."""
    key = waits.update_id(caller.name, idempotency_key) if idempotency_key is not None else None
    workflow_id = workflow_id_for(region, start.trajectory_id)
    try:
        handle = await trajectories_client.start_trajectory(
            client, region, start, task_queue=request.app.state.task_queue, idempotency_key=key
        )
        run_id = handle.result_run_id
    except WorkflowAlreadyStartedError:
        if key is None or (run_id := await trajectories_client.started_with_key(client, workflow_id, key)) is None:
            raise
    location = request.url_for("view", region=region, trajectory_id=start.trajectory_id).path
    response.headers["Location"] = location
    return TrajectoryStarted(
        region=region, trajectory_id=start.trajectory_id, workflow_id=workflow_id, run_id=run_id, view=location
    )


@router.post(
    "/regions/{region}/trajectories/{trajectory_id}/events",
    summary="Submit an event; returns the trajectory's view",
    dependencies=[requires("events:submit")],
    responses={
        409: {
            "model": ErrorBody,
            "description": "EventNotAllowed: not allowed now, `allowed_events` lists what is; TrajectoryClosed",
        },
        422: {"model": ErrorBody, "description": "EventInvalid (`fields`), EventUnknown, or malformed JSON"},
    },
)
async def submit_event(
    region: KnownRegion,
    trajectory_id: TrajectoryIdPath,
    event: Annotated[dict[str, Any], Body(examples=[EVENT_EXAMPLE])],
    client: TemporalClient,
    caller: Authenticated,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> TrajectoryView:
    """The event waits at most the API's wait (default 10 s) for a worker, then 503 ``WorkerUnavailable``
    with ``Retry-After``; such an event is never applied later. The authenticated client is recorded in the
    history record and the audit row beside the ``actor`` the event names."""
    return await waits.submit_within(
        client, region, trajectory_id, event, client_name=caller.name, idempotency_key=idempotency_key,
        wait=request.app.state.view_timeout, clock=request.app.state.clock,
    )  # fmt: skip


@router.get(
    "/regions/{region}/trajectories/{trajectory_id}",
    name="view",
    summary="A trajectory's view",
    dependencies=[requires("trajectories:read")],
)
async def view(
    region: KnownRegion,
    trajectory_id: TrajectoryIdPath,
    client: TemporalClient,
    caller: Authenticated,
    request: Request,
) -> TrajectoryView:
    """Waits at most the API's wait (default 10 s) for a worker to answer, then 503 ``WorkerUnavailable``."""
    wait = request.app.state.view_timeout
    try:
        answer = await trajectories_client.view(client, region, trajectory_id, rpc_timeout=wait)
    except RPCError as error:
        if error.status not in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED):
            raise
        raise waits.worker_unavailable(wait) from None
    await reads.record(request, caller, "view", workflow_id_for(region, trajectory_id))
    return answer


@router.get(
    "/trajectories",
    summary="List trajectories through Temporal visibility",
    dependencies=[requires("trajectories:read")],
)
async def trajectories(
    client: TemporalClient, caller: Authenticated, trajectory_filter: Annotated[TrajectoryFilter, Query()]
) -> TrajectoryList:
    """Filter by region, state, coach, open/closed; ``overdue=true`` keeps the open ones whose next deadline
    lies before ``as_of`` (default: now). A client limited to some regions must name one of them."""
    only_its_regions(caller, trajectory_filter.region)
    now = datetime.now(UTC)  # one moment for the query shown and the query run
    rows = await list_trajectories(client, trajectory_filter, now=now)
    return TrajectoryList(query=trajectory_filter.query(now), trajectories=rows)


@router.get(
    "/regions/{region}/trajectories/{trajectory_id}/audit",
    summary="A trajectory's audit trail: accepted events and notifications, kept beyond Temporal's retention",
    dependencies=[requires("audit:read")],
)
def audit(region: KnownRegion, trajectory_id: TrajectoryIdPath, caller: Authenticated, request: Request) -> AuditTrail:
    """Read from the audit database (``TRAJECTORIES_AUDIT_URL``), not from Temporal: it answers for trajectories
    whose history Temporal no longer keeps. Empty for an id that never had an audited event. The read itself
    is an audit row (written after the trail was read, so it shows in the next read)."""
    workflow_id = workflow_id_for(region, trajectory_id)
    trail = AuditTrail(workflow_id=workflow_id, entries=read_trail(workflow_id, request.app.state.audit_url))
    reads.record_sync(request, caller, "audit", workflow_id)
    return trail


@router.get(
    "/payments",
    summary="The payment ledger: every payment order, with totals per payee and per quarter (cents)",
    dependencies=[requires("payments:read")],
)
def payments(selection: Annotated[PaymentFilter, Query()], caller: Authenticated, request: Request) -> PaymentLedger:
    """Read from the records database, not from Temporal: it answers beyond Temporal's retention. ``from`` and
    ``to`` bound the due date (both included); totals are per payee and per quarter of the due date. A client
    limited to some regions names one (``region``); the read is an audit row."""
    only_its_regions(caller, selection.region)
    orders = read_ledger(selection, request.app.state.audit_url)
    reads.record_sync(request, caller, "payments", f"payments:{selection.region or 'all'}")
    return PaymentLedger(payments=orders, totals=ledger_totals(orders))


@router.get(
    "/payments.csv",
    summary="The payment ledger as CSV (one row per order; amounts in cents and euros)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
    dependencies=[requires("payments:read")],
)
def payments_csv(selection: Annotated[PaymentFilter, Query()], caller: Authenticated, request: Request) -> Response:
    only_its_regions(caller, selection.region)
    orders = read_ledger(selection, request.app.state.audit_url)
    reads.record_sync(request, caller, "payments.csv", f"payments:{selection.region or 'all'}")
    return Response(
        to_csv(orders), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="payments.csv"'},
    )  # fmt: skip


ProviderIdPath = Annotated[OrganisationId, Path(description="The day-activities provider's organisation id.")]


@router.put(
    "/providers/{provider_id}/commitments",
    summary="Set a provider's commitment for a year (Meewerken-plus); earlier values stay in the history",
    dependencies=[requires("operations")],
)
def put_commitment(provider_id: ProviderIdPath, change: CommitmentChange, request: Request) -> ProviderCommitments:
    """For operations: the number of trajectories the provider signs up for in ``year``. Each call is recorded
    (who, when, why); the latest per year is current."""
    return set_commitment(provider_id, change, request.app.state.audit_url)


@router.get(
    "/providers/{provider_id}/commitments",
    summary="A provider's commitments per year, with their history",
    dependencies=[requires("figures:read")],
)
def get_commitments(provider_id: ProviderIdPath, request: Request) -> ProviderCommitments:
    return read_commitments(provider_id, request.app.state.audit_url)
