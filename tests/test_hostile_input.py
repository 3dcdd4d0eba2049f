"""Hostile input: random and malformed starts and events, thrown at pydantic and at the ``submit_event`` Update.

Every input, at the Update and over the HTTP API, is either accepted or refused with a clear error (``EventUnknown``, ``EventNotAllowed`` listing the
allowed events, ``EventInvalid`` naming the fields; a start by pydantic naming the field), and no workflow task
ever fails or gets stuck: after each example the history holds no ``WorkflowTaskFailed`` and ``view`` answers.
Example counts are bounded so the suite stays fast; the recorded main paths are walked with every event name
probed in every state they pass.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from temporalio.api.enums.v1 import EventType
from temporalio.client import (
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.almere import AlmereCase
from domain.amsterdam import AmsterdamCase
from domain.events import EventContext, EventRejected
from domain.oss import OssCase
from domain.records import TrajectoryView
from domain.rijk_van_nijmegen import RijkVanNijmegenCase
from domain.start import TrajectoryStart
from tests import hostile
from tests.api_client import api
from tests.conftest import encrypting_converter
from tests.recordings import load_all
from tests.scenario import CLOSED, COACH, STARTED, Trajectory, settle, start_input, terminate_started
from trajectories import search_attributes
from trajectories.client import start_trajectory
from trajectories.local_server import packaged_binary
from worker import build_worker
from workflows import WORKFLOWS

TODAY = date.today()  # the time-skipping server starts at the real time
REGIONS = sorted(WORKFLOWS)
HOSTILE = settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
REFUSALS = {"EventUnknown", "EventNotAllowed", "EventInvalid"}


@pytest.fixture(scope="module")
async def hostile_worker(env: WorkflowEnvironment, tmp_path_factory) -> AsyncIterator[Worker]:
    """One worker for the module: Hypothesis runs many examples per test, function fixtures would be shared anyway."""
    outbox = tmp_path_factory.mktemp("outbox")
    async with build_worker(env.client, f"hostile-{uuid.uuid4()}", outbox=outbox) as running:
        try:
            yield running
        finally:
            await terminate_started(env.client)


async def healthy(handle: WorkflowHandle[Any, Any]) -> TrajectoryView:
    """The trajectory answers ``view`` and no workflow task of it ever failed or timed out."""
    view = await handle.query("view", result_type=TrajectoryView)
    failed = [
        event
        async for event in handle.fetch_history_events()
        if event.event_type in (EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED, EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT)
    ]
    assert not failed, f"workflow task failed: {failed[0]}"
    return view


async def view_of(t: Trajectory) -> TrajectoryView:
    """The view; a query the time-skipping server loses right after a run continued as new is asked again
    (it answers the second time; a workflow task that failed would show in :func:`healthy` instead)."""
    for attempt in range(3):
        try:
            return await t.handle.query("view", result_type=TrajectoryView, rpc_timeout=timedelta(seconds=10))
        except RPCError as error:
            if error.status not in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED) or attempt == 2:
                raise
    raise AssertionError("unreachable")


def assert_clear_refusal(cause: BaseException | None, before: TrajectoryView, payload: Any) -> None:
    """A refusal names what is wrong: the fields, or the events allowed now."""
    assert isinstance(cause, ApplicationError), f"refused without an ApplicationError: {cause!r}"
    assert cause.type in REFUSALS, f"unexpected refusal type {cause.type}: {cause.message[:300]}"
    assert len(cause.message) < 5_000, "a refusal must not echo huge input back"
    details = cause.details[0]
    if cause.type == "EventNotAllowed":
        assert details["allowed_events"] == before.allowed_events
        assert "allowed events" in cause.message
        assert payload["event"] not in before.allowed_events
    elif cause.type == "EventUnknown":
        assert "unknown event" in cause.message and details["fields"] == ["event"]
    else:
        assert details["fields"], "EventInvalid must name at least one field"
        for field in details["fields"]:
            assert f"'{field}'" in cause.message or field == "event"


async def submit(t: Trajectory, payload: Any, before: TrajectoryView | None = None) -> TrajectoryView | None:
    """Send ``payload`` as it is (not necessarily a JSON object); the view if accepted, else None after checks.
    ``before``: the view just before, if the caller has it."""
    before = before or await view_of(t)
    try:
        await t.handle.execute_update("submit_event", payload)
    except WorkflowUpdateFailedError as failure:
        assert_clear_refusal(failure.cause, before, payload)
        return None
    assert isinstance(payload, dict) and payload["event"] in before.allowed_events
    return await view_of(t)


# --- starts ---------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile.starts(TODAY))
def test_start_input_is_accepted_or_refused_naming_the_field(payload: dict[str, Any]) -> None:
    try:
        TrajectoryStart.model_validate(payload)
    except ValidationError as error:
        for item in error.errors():
            assert item["loc"], "every error names a field"
            assert str(item["loc"][0]) in str(error)


def as_json(payload: Any) -> dict[str, Any]:
    """The request body as a client in any language might send it: Python's json writes inf and nan as
    ``Infinity``/``NaN`` (httpx's ``json=`` refuses them before anything is sent)."""
    return {"content": json.dumps(payload), "headers": {"Content-Type": "application/json"}}


@HOSTILE
@given(region=st.sampled_from(REGIONS), payload=hostile.starts(TODAY))
async def test_start_reaches_no_workflow_unless_valid_and_a_valid_one_runs(
    env: WorkflowEnvironment, hostile_worker: Worker, region: str, payload: dict[str, Any]
) -> None:
    payload = payload | {"trajectory_id": f"h-{uuid.uuid4().hex[:12]}"}  # unique, so a valid start can start
    try:
        TrajectoryStart.model_validate(payload)
    except ValidationError:
        with pytest.raises(ValidationError):
            await start_trajectory(env.client, region, payload, task_queue=hostile_worker.task_queue)
        return
    await started_cleanly(env, hostile_worker, region, payload)


async def started_cleanly(env: WorkflowEnvironment, worker: Worker, region: str, payload: dict[str, Any]) -> None:
    """A start the model accepts runs, or (if the route refuses it, e.g. a school date too far ahead) fails the
    workflow at once with a clear error; its workflow task never fails."""
    handle = await start_trajectory(env.client, region, payload, task_queue=worker.task_queue)
    STARTED.append(handle)
    try:
        await healthy(handle)
    except WorkflowQueryFailedError:
        described = await handle.describe()
        assert described.status == WorkflowExecutionStatus.FAILED, described.status
    task_failures = [
        e async for e in handle.fetch_history_events() if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    ]
    assert not task_failures, task_failures[0]


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("edge", ["1900-01-01", "2100-12-31"])
async def test_calendar_edges_in_a_start_never_fail_a_workflow_task(env, hostile_worker, region, edge):
    """Routes compute decades ahead of start dates (turning 28, a diploma's school meeting): at the edges of the
    allowed range that arithmetic must still work."""
    participant = {"has_benefit": True, "birth_date": edge, "hours_per_week": 30}
    for dates in ({}, {"school_leaving_date": edge}, {"diploma_date": edge}):
        payload = start_input(f"edge-{uuid.uuid4().hex[:10]}", participant=participant, **dates)
        await started_cleanly(env, hostile_worker, region, payload)


def test_oversized_start_fields_are_refused_by_name() -> None:
    cases = {
        "trajectory_id": "t" * 65,
        "participant_ref": "ref-" + "x" * 100,
        "coach_id": "coach-" + "x" * 100,
        "provider_id": "provider-" + "x" * 100,
    }
    for field, value in cases.items():
        with pytest.raises(ValidationError) as error:
            TrajectoryStart.model_validate(start_input(**{field: value}))
        assert field in str(error.value) and "at most 64" in str(error.value)
    for field, value in {
        "birth_date": "1850-01-01",
        "school_leaving_date": "9999-12-31",
        "diploma_date": "0001-01-01",
    }.items():
        overrides = (
            {"participant": {"has_benefit": True, "birth_date": value, "hours_per_week": 30}}
            if field == "birth_date"
            else {field: value}
        )
        with pytest.raises(ValidationError) as error:
            TrajectoryStart.model_validate(start_input(**overrides))
        assert field in str(error.value)


# --- events ---------------------------------------------------------------------------------------------


@HOSTILE
@given(data=st.data())
@pytest.mark.parametrize("region", REGIONS)
async def test_hostile_events_are_accepted_or_refused_clearly(
    env: WorkflowEnvironment, hostile_worker: Worker, region: str, data: st.DataObject
) -> None:
    catalog = WORKFLOWS[region].events
    t = await Trajectory.start(env, hostile_worker, region=region)
    payloads = data.draw(st.lists(hostile.events(catalog, TODAY), min_size=1, max_size=6), label="events")
    for payload in payloads:
        await submit(t, payload)
        if (await healthy(t.handle)).closed:
            break  # a closed trajectory takes no Update at all: the server refuses it before our code runs


async def probe_every_event(t: Trajectory, actor: str) -> TrajectoryView:
    """Throw every event name of the route at ``t`` in its current state; none may change anything."""
    before = await view_of(t)
    for name in WORKFLOWS[before.region].events.names:
        if name in before.allowed_events:
            # Allowed now: with an unknown field it must be refused naming that field.
            assert await submit(t, {"event": name, "actor": actor, "unexpected_field": "x" * 1_000}, before) is None
        else:
            assert await submit(t, {"event": name, "actor": actor}, before) is None
    assert await submit(t, {"event": "x" * 1_000, "actor": actor}, before) is None
    assert (await view_of(t)).history == before.history, "a refused event leaves no trace"
    return before


async def idle_latest_run(t: Trajectory) -> None:
    """Point ``t`` at the trajectory's latest run once that run is idle: no workflow task or activity in flight.

    The time-skipping server writes refused Updates to history (the dev server does not), so the probes can make
    a trajectory continue as new, and a step's effects and projection write run after its Update returned. A
    probe that reaches a run while the task that continues it as new is in flight gets a workflow task of its
    own for that run; its completion is refused ("workflow execution already completed") and the test server
    keeps time locked for the orphaned task, so the next skip of time outlasts its RPC deadline (seen under
    load, on main as on the security branch). Probing an idle run keeps that race, which is the test server's,
    out of the test; the states probed are the same."""
    for _ in range(100):
        t.handle = t.client.get_workflow_handle(t.handle.id, result_type=TrajectoryView)
        await settle(t.handle)
        kinds = {event.WhichOneof("attributes") async for event in t.handle.fetch_history_events()}
        if not kinds & CLOSED:
            return
        # it closed or continued as new meanwhile: the handle now names its successor, if any
        if "workflow_execution_continued_as_new_event_attributes" not in kinds:
            return
    raise AssertionError(f"{t.handle.id} never came to rest")


@asynccontextmanager
async def own_clock(outbox: Path) -> AsyncIterator[tuple[WorkflowEnvironment, Worker]]:
    """A time-skipping server and worker of their own: paths skip years, and the module's clock would pass
    the last calendar date a start may carry (2100-12-31) if they all ran on one."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=encrypting_converter(), test_server_existing_path=packaged_binary("temporal-test-server")
    )
    try:
        await search_attributes.register(env.client)
        async with build_worker(env.client, f"hostile-{uuid.uuid4()}", outbox=outbox) as worker:
            try:
                yield env, worker
            finally:
                await terminate_started(env.client)
    finally:
        await env.shutdown()


@pytest.mark.slow  # about a minute alone (every route's paths, each on a server of its own): .ci/run's second step
async def test_every_event_name_in_every_state_of_the_recorded_paths(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The recorded main paths of every route, with every event name probed before each of their steps."""
    probed: set[tuple[str, str]] = set()
    plain_send = Trajectory.send

    async def send_probing(t: Trajectory, event: str, actor: str = COACH, **fields: Any) -> TrajectoryView:
        await idle_latest_run(t)
        before = await probe_every_event(t, actor)
        probed.add((before.region, before.state))
        return await plain_send(t, event, actor, **fields)

    monkeypatch.setattr(Trajectory, "send", send_probing)
    for scenario in load_all().values():
        if getattr(scenario, "own_worker", False):  # runs on a worker of its own, not the hostile one
            continue
        async with own_clock(tmp_path / "outbox") as (env, worker):
            handle = await scenario(env, worker)
            STARTED.append(handle)
            latest = env.client.get_workflow_handle(handle.id)
            if handle.id.startswith("trajectory-"):
                await healthy(latest)
            failed = EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
            assert not [e async for e in latest.fetch_history_events() if e.event_type == failed]
    assert {region for region, _ in probed} == set(REGIONS)
    assert len(probed) >= 30, sorted(probed)


# --- size limits of the domain models ------------------------------------------------------------------

CASES = {
    "almere": AlmereCase(coach_id=COACH, state="employed", contract_end=TODAY + timedelta(days=300)),
    "amsterdam": AmsterdamCase(coach_id=COACH, provider_id="provider-pantar"),
    "oss": OssCase(staff={"wmo_consultant": COACH}, young=False, municipal_benefit=True),
    "rijk-van-nijmegen": RijkVanNijmegenCase(coach_id=COACH),
}
TOO_MANY = 13  # more items than any list field takes


@pytest.mark.parametrize(
    ("region", "payload", "field"),
    [
        ("almere", {"event": "withdrawn", "reason": "moved away", "note": "x" * 1001}, "note"),
        ("almere", {"event": "withdrawn", "reason": "x" * 501}, "reason"),
        ("almere", {"event": "withdrawn", "reason": "moved away", "actor": "coach-" + "x" * 64}, "actor"),
        ("almere", {"event": "trial_extended", "weeks": 10**30}, "weeks"),
        ("almere", {"event": "contract_renewed", "end_date": "9999-12-31"}, "end_date"),
        ("almere", {"event": "advice_received", "outcome": "positive", "uwv_reference": "U" * 65}, "uwv_reference"),
        (
            "amsterdam",
            {"event": "joint_decision_recorded", "parties": ["participant"] * TOO_MANY, "step_to_work": True},
            "parties",
        ),
        ("amsterdam", {"event": "internship_started", "host": "x" * 65, "start_date": TODAY.isoformat()}, "host"),
        (
            "amsterdam",
            {"event": "internship_started", "host": "pantar", "start_date": TODAY.isoformat(), "months": 10**9},
            "months",
        ),
        ("oss", {"event": "plan_recorded", "goals": ["find work"] * TOO_MANY}, "goals"),
        ("oss", {"event": "plan_recorded", "goals": ["x" * 201]}, "goals.0"),
        (
            "oss",
            {"event": "fallback_meeting_held", "held_on": TODAY.isoformat(), "attendees": ["employer"] * TOO_MANY},
            "attendees",
        ),
        (
            "rijk-van-nijmegen",
            {"event": "case_meeting_held", "consultants": [f"c-{i}" for i in range(TOO_MANY)], "decision": "refused"},
            "consultants",
        ),
        ("rijk-van-nijmegen", {"event": "plan_advised", "advice": "agreed", "start_date": "9999-12-31"}, "start_date"),
        (
            "rijk-van-nijmegen",
            {"event": "plan_advised", "advice": "agreed", "start_date": TODAY.isoformat(), "months": 10**9},
            "months",
        ),
        (
            "rijk-van-nijmegen",
            {
                "event": "plan_submitted",
                "provider_id": "p-1",
                "learning_goals": ["learn"] * 21,
                "competences": ["x" * 600],
            },
            "learning_goals",
        ),
    ],
)
def test_free_text_lists_numbers_and_dates_have_limits(region: str, payload: dict[str, Any], field: str) -> None:
    workflow = WORKFLOWS[region]
    context = EventContext(today=TODAY, policy=workflow.policy, case=CASES[region])
    with pytest.raises(EventRejected) as rejected:
        workflow.events.parse({"actor": COACH} | payload, [payload["event"]], context)
    assert rejected.value.reason == "invalid"
    assert field in rejected.value.fields and f"field '{field}'" in rejected.value.message
    assert len(rejected.value.message) < 2_000, "the refusal does not echo the oversized input"


def test_an_absurd_event_name_is_refused_without_echoing_it() -> None:
    context = EventContext(today=TODAY, policy=WORKFLOWS["almere"].policy, case=CASES["almere"])
    for name in ("x" * 100_000, ["a", "list"], {"a": "dict"}, None, 17):
        with pytest.raises(EventRejected) as rejected:
            WORKFLOWS["almere"].events.parse({"event": name, "actor": COACH}, ["withdrawn"], context)
        assert rejected.value.reason == "unknown" and len(rejected.value.message) < 1_000


# --- the HTTP API ---------------------------------------------------------------------------------------

API_ERRORS = {
    409: {"EventNotAllowed", "TrajectoryClosed"},
    413: {"PayloadTooLarge"},  # bodies over 64 KiB (a mutation's 100 000-character strings) never reach Temporal
    422: {"EventInvalid", "EventUnknown", "InvalidInput", "InvalidUnicode", "TooDeeplyNested"},
}


@pytest.fixture(scope="module")
async def http(env: WorkflowEnvironment, hostile_worker: Worker) -> AsyncIterator[httpx.AsyncClient]:
    async with api(env.client, hostile_worker.task_queue) as client:
        yield client


def assert_clear_api_error(response: httpx.Response) -> dict[str, Any]:
    """A refusal over HTTP: 409 or 422 with a typed body naming the fields or the allowed events; never a 500."""
    assert response.status_code in API_ERRORS, f"{response.status_code}: {response.text[:500]}"
    body = response.json()
    assert body["error"] in API_ERRORS[response.status_code], body
    assert len(response.text) < 20_000, "a refusal must not echo huge input back"
    if body["error"] in ("EventInvalid", "InvalidInput"):
        assert body["fields"] and all(f"'{field}'" in body["message"] for field in body["fields"]), body
    if body["error"] == "EventNotAllowed":
        assert "allowed events" in body["message"] and isinstance(body["allowed_events"], list)
    return body


@HOSTILE
@given(region=st.sampled_from(REGIONS), payload=hostile.starts(TODAY))
async def test_api_start_is_created_or_refused_naming_the_field(
    env: WorkflowEnvironment, http: httpx.AsyncClient, region: str, payload: Any
) -> None:
    if isinstance(payload.get("trajectory_id"), str):
        payload = payload | {"trajectory_id": f"api-{uuid.uuid4().hex[:12]}"}  # unique, so a valid start can start
    response = await http.post(f"/regions/{region}/trajectories", **as_json(payload))
    if response.status_code == 201:
        handle = env.client.get_workflow_handle(response.json()["workflow_id"])
        STARTED.append(handle)
        await healthy(handle)
        return
    body = assert_clear_api_error(response)
    assert body["error"] in ("InvalidInput", "PayloadTooLarge", "InvalidUnicode", "TooDeeplyNested")
    if isinstance(payload.get("trajectory_id"), str):
        with pytest.raises(RPCError):  # refused before any workflow started
            await env.client.get_workflow_handle(f"trajectory-{region}-{payload['trajectory_id']}").describe()


@HOSTILE
@given(data=st.data())
@pytest.mark.parametrize("region", REGIONS)
async def test_api_events_are_accepted_or_refused_clearly(
    env: WorkflowEnvironment, hostile_worker: Worker, http: httpx.AsyncClient, region: str, data: st.DataObject
) -> None:
    t = await Trajectory.start(env, hostile_worker, region=region)
    url = f"/regions/{region}/trajectories/{t.handle.id.removeprefix(f'trajectory-{region}-')}"
    for payload in data.draw(st.lists(hostile.events(WORKFLOWS[region].events, TODAY), min_size=1, max_size=5)):
        response = await http.post(f"{url}/events", **as_json(payload))
        if response.status_code != 200:
            assert_clear_api_error(response)
        view = await http.get(url)
        assert view.status_code == 200, view.text
    await healthy(t.handle)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b'{"event": ',
        b"[1, 2, 3]",
        b'"observation_started"',
        b"null",
        b'{"event": "x"}' * 10_000,
        b'{"event": "withdrawn", "actor": Infinity, "reason": NaN, "trajectory_id": -Infinity}',
    ],
)
async def test_api_malformed_bodies_are_422(env, hostile_worker, http: httpx.AsyncClient, body: bytes) -> None:
    t = await Trajectory.start(env, hostile_worker, region="almere")
    url = f"/regions/almere/trajectories/{t.handle.id.removeprefix('trajectory-almere-')}"
    for path in (f"{url}/events", "/regions/almere/trajectories"):
        response = await http.post(path, content=body, headers={"Content-Type": "application/json"})
        expected = (
            (413, "PayloadTooLarge")
            if len(body) > 64 * 1024
            else (422, ("InvalidInput", "EventInvalid", "InvalidJson"))
        )
        assert response.status_code == expected[0], (path, response.status_code, response.text[:300])
        assert response.json()["error"] in expected[1]
    assert (await healthy(t.handle)).history == []
