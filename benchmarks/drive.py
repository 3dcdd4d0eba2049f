"""Starting trajectories and their bare twins, and driving both through a lifecycle's steps."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from benchmarks.bare import BareLifecycle, BareNoOp, BarePlan, bare_effect
from benchmarks.lifecycles import Employed, Lifecycle, Send, Step, Wait, start_input
from trajectories.client import start_trajectory
from worker import build_worker, workflow_runner


class Clock:
    """Real time (the dev server): waiting is skipped, today is today."""

    async def today(self) -> date:
        return datetime.now(UTC).date()

    async def wait(self, duration: timedelta) -> None:
        return None


class SkippedClock(Clock):
    """The time-skipping server's virtual clock, read once after each wait (not before every event)."""

    def __init__(self, env: WorkflowEnvironment):
        self.env = env
        self.known: date | None = None

    async def today(self) -> date:
        if self.known is None:
            self.known = (await self.env.get_current_time()).date()
        return self.known

    async def wait(self, duration: timedelta) -> None:
        self.known = None
        await self.env.sleep(duration)


class Pair:
    """A worker for trajectories and one for the bare baseline, each on its own task queue."""

    def __init__(self, client: Client, outbox: Path):
        suffix = uuid.uuid4().hex[:8]
        self.client = client
        self.queue = f"bench-trajectories-{suffix}"
        self.bare_queue = f"bench-bare-{suffix}"
        self.workers = [
            build_worker(client, self.queue, outbox=outbox),
            Worker(
                client, task_queue=self.bare_queue, workflows=[BareLifecycle, BareNoOp], activities=[bare_effect],
                workflow_runner=workflow_runner(),
            ),
        ]  # fmt: skip

    async def __aenter__(self) -> Pair:
        for worker in self.workers:
            await worker.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        for worker in reversed(self.workers):
            await worker.__aexit__(*exc)

    async def start_trajectory(self, lifecycle: Lifecycle, trajectory_id: str | None = None) -> WorkflowHandle:
        start = start_input(trajectory_id or f"bench-{uuid.uuid4().hex[:16]}", lifecycle)
        return await start_trajectory(self.client, lifecycle.region, start, task_queue=self.queue)

    async def start_bare(self, plan: BarePlan) -> WorkflowHandle:
        return await self.client.start_workflow(
            BareLifecycle.run, plan, id=f"bare-{uuid.uuid4().hex[:16]}", task_queue=self.bare_queue
        )


async def send(handle: WorkflowHandle, step: Send, today: date) -> None:
    """A trajectory gets the event through ``submit_event``; a bare twin gets the same payload, ignored."""
    name = "step" if handle.id.startswith("bare-") else "submit_event"
    await handle.execute_update(name, step.payload(today))


async def drive(handles: Sequence[WorkflowHandle], steps: Sequence[Step], clock: Clock, *, parallel: int = 50) -> None:
    """Run ``steps`` on every handle: each event to all of them (at most ``parallel`` at a time), then wait."""
    limit = asyncio.Semaphore(parallel)

    async def one(handle: WorkflowHandle, step: Send, today: date) -> None:
        async with limit:
            await send(handle, step, today)

    for step in steps:
        if isinstance(step, Send):
            today = await clock.today()
            await asyncio.gather(*(one(handle, step, today) for handle in handles))
        elif isinstance(step, Wait):
            await clock.wait(step.duration)
        elif isinstance(step, Employed):
            continue
