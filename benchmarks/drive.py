"""Starting trajectories and their bare twins, and driving both through a lifecycle's steps."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio.client import Client, WorkflowHandle

from benchmarks.bare import BareLifecycle, BarePlan, bare_worker
from benchmarks.lifecycles import Employed, Lifecycle, Send, Step, Wait, start_input
from benchmarks.servers import TimeSkippingServer
from benchmarks.worker_process import WorkerProcess
from service import config
from trajectories.client import start_trajectory
from worker import build_worker


class Clock:
    """Real time (the dev server): waiting is skipped, today is today."""

    async def today(self) -> date:
        return datetime.now(UTC).date()

    async def wait(self, duration: timedelta) -> None:
        return None


class SkippedClock(Clock):
    """The time-skipping server's virtual clock, read once after each wait (not before every event)."""

    def __init__(self, env: TimeSkippingServer):
        self.env = env
        self.known: date | None = None

    async def today(self) -> date:
        if self.known is None:
            self.known = (await self.env.get_current_time()).date()
        return self.known

    async def wait(self, duration: timedelta) -> None:
        self.known = None
        await self.env.sleep(duration)


def bare_root() -> Path:
    """Where the twins keep their records database and outbox: in the run's temporary state directory."""
    return config.state_dir() / "bare"


class Starter:
    """Starting trajectories and twins on the two task queues of a pair of workers (in process or not)."""

    client: Client
    queue: str
    bare_queue: str

    async def start_trajectory(self, lifecycle: Lifecycle, trajectory_id: str | None = None) -> WorkflowHandle:
        start = start_input(trajectory_id or f"bench-{uuid.uuid4().hex[:16]}", lifecycle)
        return await start_trajectory(self.client, lifecycle.region, start, task_queue=self.queue)

    async def start_bare(self, plan: BarePlan, twin_id: str | None = None) -> WorkflowHandle:
        return await self.client.start_workflow(
            BareLifecycle.run, plan, id=twin_id or f"bare-{uuid.uuid4().hex[:16]}", task_queue=self.bare_queue
        )


class Pair(Starter):
    """A worker for trajectories and one for their twins, in this process, each on its own task queue, with the
    same cache size (``TRAJECTORIES_WORKFLOW_CACHE``): for the time-skipping server."""

    def __init__(self, client: Client):
        suffix = uuid.uuid4().hex[:8]
        self.client = client
        self.queue = f"bench-trajectories-{suffix}"
        self.bare_queue = f"bench-bare-{suffix}"
        self.workers = [
            build_worker(client, self.queue),
            bare_worker(client, self.bare_queue, bare_root(), cache=config.workflow_cache_size()),
        ]

    async def __aenter__(self) -> Pair:
        for worker in self.workers:
            await worker.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        for worker in reversed(self.workers):
            await worker.__aexit__(*exc)


class ProcessPair(Starter):
    """Trajectory workers (``workers`` of them, on one task queue) and a twins' worker, each in its own process,
    so the CPU of each is read apart from the client's and the server's: for the dev server."""

    def __init__(self, client: Client, address: str, *, workers: int = 1):
        suffix = uuid.uuid4().hex[:8]
        self.client = client
        self.address = address
        self.queue = f"bench-trajectories-{suffix}"
        self.bare_queue = f"bench-bare-{suffix}"
        self.count = workers
        self.trajectory_workers: list[WorkerProcess] = []
        self.bare_workers: list[WorkerProcess] = []

    async def __aenter__(self) -> ProcessPair:
        try:
            await self.add_workers(self.count)
        except BaseException:
            await self.__aexit__()
            raise
        return self

    async def add_workers(self, count: int = 1) -> None:
        """``count`` more worker processes on each side, polling the same task queues."""
        started = []
        for _ in range(count):
            started.append(WorkerProcess(self.address, self.queue, "trajectories"))
            started.append(WorkerProcess(self.address, self.bare_queue, "bare"))
        for process in started:
            (self.trajectory_workers if process.kind == "trajectories" else self.bare_workers).append(process)
        for process in started:
            await process.ready()

    async def __aexit__(self, *exc: Any) -> None:
        for process in [*self.trajectory_workers, *self.bare_workers]:
            process.stop()


async def update(handle: WorkflowHandle, payload: dict[str, Any]) -> None:
    """A trajectory gets the event through ``submit_event``; a twin gets the same payload through its ``step``."""
    await handle.execute_update("step" if handle.id.startswith("bare-") else "submit_event", payload)


async def send(handle: WorkflowHandle, step: Send, today: date) -> None:
    await update(handle, step.payload(today))


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
