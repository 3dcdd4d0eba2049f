"""Issue 19, idempotency across continue-as-new: an event whose Update meets the run that is continuing as new is
answered normally and applied once, and an event retried with its Idempotency-Key after the run that applied it
continued as new is answered, not applied again (Temporal deduplicates Update IDs within a run only; the
trajectory carries the IDs it accepted, patch ``events-once-across-runs``). Real HTTP, the time-skipping test
server, a worker whose run is held at its continue-as-new (``tests/held.py``) so the race is not left to luck."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from domain.policy import override_policies
from domain.regions import policies
from tests.api_client import api, start
from tests.held import HeldContinueAsNew
from tests.scenario import OTHER_COACH, start_input, terminate_started
from trajectories.api.waits import settled
from trajectories.audit import read_trail, verify_trail
from trajectories.client import submit_event
from worker import build_worker

HISTORY_LIMIT = 40
"""Almere's ``history_events_before_continue_as_new`` here: a few events reach it (250 takes years)."""


@pytest.fixture
async def held(env, tmp_path) -> AsyncIterator[tuple[Any, HeldContinueAsNew, str]]:
    """A worker with a low continue-as-new threshold whose first continue-as-new waits for ``release()``."""
    override_policies({"almere": {"history_events_before_continue_as_new": HISTORY_LIMIT}}, policies())
    hold = HeldContinueAsNew()
    records = f"sqlite:///{tmp_path}/records.db"
    try:
        async with build_worker(
            env.client, f"race-{uuid.uuid4()}", outbox=tmp_path / "outbox", audit=records, interceptors=[hold]
        ) as worker:
            try:
                yield worker, hold, records
            finally:
                hold.release()
                await terminate_started(env.client)
    finally:
        override_policies({}, policies())  # process-wide: never leak into other tests


async def reassign(http: httpx.AsyncClient, location: str, key: str) -> httpx.Response:
    """``coach_reassigned`` with ``key`` as Idempotency-Key and as the actor (``backend:<key>``), so the view
    and the audit trail show which request each transition came from."""
    body = {"event": "coach_reassigned", "actor": f"backend:{key}", "coach_id": OTHER_COACH}
    return await http.post(f"{location}/events", json=body, headers={"Idempotency-Key": key})


async def runs_of(env, workflow_id: str) -> list[str]:
    """The run ids of a workflow, first to latest, following continue-as-new back from the latest run."""
    runs: list[str] = []
    handle = env.client.get_workflow_handle(workflow_id)
    while True:
        history = await handle.fetch_history()
        runs.insert(0, history.run_id)
        previous = history.events[0].workflow_execution_started_event_attributes.continued_execution_run_id
        if not previous:
            return runs
        handle = env.client.get_workflow_handle(workflow_id, run_id=previous)


async def test_an_event_racing_continue_as_new_and_a_retry_after_it_each_apply_once(env, held):
    worker, hold, records = held
    async with api(env.client, worker.task_queue) as http:
        response = await start(http, env.client, "almere", start_input())
        assert response.status_code == 201, response.text
        location, workflow_id = response.headers["location"], response.json()["workflow_id"]

        sent: list[str] = []  # keys whose events were answered 200
        while not hold.reached.is_set():  # events until the run reaches its threshold and continues as new
            assert len(sent) < 15, "never continued as new"
            key = f"event-{len(sent)}"
            answer = await reassign(http, location, key)
            assert answer.status_code == 200, answer.text
            sent.append(key)
            await asyncio.to_thread(hold.reached.wait, 1.0)

        # The run's last workflow task (the one that continues as new) is held: this Update reaches the server
        # while that task is in flight, so the run that received it does not take it.
        racing = asyncio.create_task(reassign(http, location, "racing"))
        await asyncio.sleep(0.5)
        hold.release()
        answer = await racing
        assert answer.status_code == 200, answer.text
        assert answer.json()["history"][-1]["actor"] == "backend:racing"

        for _ in range(100):  # the held run ends by continuing as new once it has taken what it took
            if len(await runs_of(env, workflow_id)) == 2:
                break
            await asyncio.sleep(0.1)
        # The answers to the last event before continue-as-new and to the racing one were lost: the backend
        # retries both with their keys, on the new run (the first was applied by the run before).
        for key in (sent[-1], "racing"):
            retried = await reassign(http, location, key)
            assert retried.status_code == 200, retried.text

        view = (await http.get(location)).json()

    applied = Counter(record["actor"] for record in view["history"] if record["event"] == "coach_reassigned")
    assert applied == Counter({f"backend:{key}": 1 for key in [*sent, "racing"]})
    trail = read_trail(workflow_id, records)
    audited = Counter(row.actor for row in trail if row.kind == "event" and row.name == "coach_reassigned")
    assert audited == applied
    assert verify_trail(workflow_id, records).intact
    assert len(await runs_of(env, workflow_id)) == 2  # it continued as new once (the retries added nothing)


async def test_the_api_knows_an_event_applied_by_a_run_that_continued_as_new(env, held):
    """The API's last check before a 503 (``settled``) asks the latest run, which does not know an Update the run
    before it took; the trajectory does (the ``applied`` query on the IDs it carries). So an event applied just
    before a continue-as-new is answered with the view, and one never sent is still "not applied"."""
    worker, hold, _ = held
    async with api(env.client, worker.task_queue) as http:
        response = await start(http, env.client, "almere", start_input())
        assert response.status_code == 201, response.text
        trajectory_id, workflow_id = response.json()["trajectory_id"], response.json()["workflow_id"]
    sent: list[str] = []
    while not hold.reached.is_set():
        assert len(sent) < 15, "never continued as new"
        sent.append(f"direct-{len(sent)}")
        event = {"event": "coach_reassigned", "actor": f"backend:{sent[-1]}", "coach_id": OTHER_COACH}
        await submit_event(env.client, "almere", trajectory_id, event, update_id=sent[-1])
        await asyncio.to_thread(hold.reached.wait, 1.0)
    hold.release()
    for _ in range(100):
        if len(await runs_of(env, workflow_id)) == 2:
            break
        await asyncio.sleep(0.1)
    assert len(await runs_of(env, workflow_id)) == 2

    view = await settled(env.client, workflow_id, sent[-1])
    assert view is not None
    assert view.history[-1].actor == f"backend:{sent[-1]}"
    assert await settled(env.client, workflow_id, "never-sent") is None
