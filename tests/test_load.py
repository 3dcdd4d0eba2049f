"""Load: 1,000 trajectories started and driven through their events concurrently on the real dev server.

The worker runs in its own process (``python -m worker``), as in production. Driving is bounded (a semaphore
of ``CONCURRENCY`` trajectories at a time); completion is measured through visibility counts per state, not
by awaiting a thousand results. Afterwards every view is what its path prescribes, and no workflow task
failed. Loopback only, bounded in count and time. Marked ``load``: run by ``.ci/run`` as its own step
(``pytest -m load``), not by a plain ``pytest``.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from domain.records import TrajectoryView
from tests import amsterdam_steps
from tests.processes import WorkerProcess
from tests.scenario import Trajectory, start_input
from trajectories.client import start_trajectory

pytestmark = [pytest.mark.load, pytest.mark.timeout(900)]  # its own TIME_LIMIT for driving, plus start-up

TRAJECTORIES = 1_000
CONCURRENCY = 48
TIME_LIMIT = 300.0  # seconds for starting and driving all of them; the whole test stays within a few minutes


async def employed_in_almere(t: Trajectory) -> None:
    await t.to_employed()


async def advice_negative(t: Trajectory) -> None:
    """A negative advice, then the talk with the candidate that closes the trajectory (seed 003)."""
    await t.to_awaiting_advice()
    await t.send("advice_received", outcome="negative", actor="backend:uwv-gateway")
    await t.send("advice_talk_recorded", held_on=await t.today(), decision="close")


async def withdrawn(t: Trajectory) -> None:
    await t.send("observation_started")
    await t.send("withdrawn", reason="chose to stay in day activities")


async def employed_in_amsterdam(t: Trajectory) -> None:
    await amsterdam_steps.to_employed(t)


PATHS: list[tuple[str, Callable[[Trajectory], Awaitable[None]], str, bool]] = [
    # region, course, state it ends in, closed
    ("almere", employed_in_almere, "employed", False),
    ("almere", advice_negative, "closed_advice_negative", True),
    ("almere", withdrawn, "closed_withdrawn", True),
    ("amsterdam", employed_in_amsterdam, "employed", False),
]


async def count(client: Client, query: str) -> int:
    return (await client.count_workflows(query)).count


async def test_a_thousand_trajectories_driven_concurrently(dev_env: WorkflowEnvironment, tmp_path: Path) -> None:
    client = dev_env.client
    queue, outbox = f"load-{uuid.uuid4().hex[:8]}", tmp_path / "outbox"
    worker = WorkerProcess(client.service_client.config.target_host, queue, outbox)
    env = WorkflowEnvironment.from_client(client)
    slots = asyncio.Semaphore(CONCURRENCY)
    plan = [(f"load-{i:04d}-{uuid.uuid4().hex[:6]}", PATHS[i % len(PATHS)]) for i in range(TRAJECTORIES)]

    async def drive(trajectory_id: str, path: tuple[str, Callable[[Trajectory], Awaitable[None]], str, bool]) -> None:
        region, course, _, _ = path
        async with slots:
            start = start_input(trajectory_id)
            t = Trajectory(env, await start_trajectory(client, region, start, task_queue=queue))
            await course(t)

    worker.start()
    try:
        began = time.monotonic()
        await asyncio.wait_for(asyncio.gather(*(drive(tid, path) for tid, path in plan)), TIME_LIMIT)
        driven = time.monotonic() - began

        # Completion, measured through visibility (eventually consistent: poll until the counts settle).
        on_queue_query = f'TaskQueue = "{queue}"'
        expected = Counter(state for _, (_, _, state, _) in plan)
        closed = sum(1 for _, (_, _, _, is_closed) in plan if is_closed)
        deadline = time.monotonic() + 60
        while True:
            counts = {
                state: await count(client, f'{on_queue_query} AND TrajectoryState = "{state}"') for state in expected
            }
            completed = await count(client, f'{on_queue_query} AND ExecutionStatus = "Completed"')
            if counts == dict(expected) and completed == closed or time.monotonic() > deadline:
                break
            await asyncio.sleep(1)
        assert counts == dict(expected)
        assert completed == closed
        assert await count(client, on_queue_query) == TRAJECTORIES
        assert await count(client, f'{on_queue_query} AND ExecutionStatus = "Failed"') == 0

        # Every view is what its path prescribes, and no workflow task ever failed.
        async def check(trajectory_id: str, path: tuple[str, Any, str, bool]) -> None:
            region, _, state, is_closed = path
            async with slots:
                handle = client.get_workflow_handle(f"trajectory-{region}-{trajectory_id}", result_type=TrajectoryView)
                # A closed trajectory's result is its final view (read from history, no replay by the worker).
                view = await (handle.result() if is_closed else handle.query("view", result_type=TrajectoryView))
                assert (view.state, view.closed) == (state, is_closed), trajectory_id
                if region == "amsterdam":
                    assert [p.kind for p in view.payments] == ["job_coaching"], trajectory_id
                if path[1] is advice_negative:
                    assert [h.event for h in view.history[-2:]] == ["advice_received", "advice_talk_recorded"]
                failed = [
                    e
                    async for e in handle.fetch_history_events()
                    if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
                ]
                assert not failed, trajectory_id

        counted = time.monotonic() - began - driven
        await asyncio.gather(*(check(tid, path) for tid, path in plan))
        checked = time.monotonic() - began - driven - counted
        print(
            f"\n{TRAJECTORIES} trajectories driven in {driven:.1f}s ({CONCURRENCY} at a time), "
            f"counted in {counted:.1f}s, views and histories checked in {checked:.1f}s"
        )
    finally:
        worker.stop()
    assert "Failing workflow task" not in worker.log.read_text(errors="replace")
