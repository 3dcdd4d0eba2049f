"""The bare twin: bare Temporal doing what a trajectory did, the baseline every figure is compared with.

:class:`BareLifecycle` runs the Updates, timers and activities a trajectory ran (read from the trajectory's own
history by :func:`plan_from_history`) and nothing else: no state machine, no view, no search attributes, no
current details. It is a fair twin (issue 14):

- its Update **replies first**, as ``submit_event`` does: the handler starts and cancels the step's timers and
  queues its activities, returns, and the main loop runs the activities after the reply;
- the reply is as large as the trajectory's (the view it returned, in the recorded history), and each activity
  gets an input as large as the trajectory's;
- each activity does the **same kind of I/O** (:class:`BareActivities`): the projection's rows become one fsynced
  SQLite transaction (WAL, like the records database), an outbox write one fsynced file (``activities.outbox``,
  the very code the trajectory's notifications and payments use). A plan with ``io=False`` is the *no-I/O twin*:
  its activities return at once, which shows what the I/O costs on both sides;
- its worker has the same cache size and sandbox as the trajectories' (:func:`bare_worker`).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from temporalio import activity, workflow
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client
from temporalio.worker import Worker

with workflow.unsafe.imports_passed_through():  # the activities' I/O, never used by the workflow itself
    import sqlite3
    import threading

    from activities.outbox import Outbox

EFFECT_TIMEOUT = timedelta(seconds=30)
LOCAL_ACTIVITY_MARKER = "core_local_activity"
RECORDS_ACTIVITIES = frozenset({"project", "record_event"})
"""Activities of the trajectory that write the records database; every other one writes a file (the outbox)."""
LOCAL_INPUT_BYTES = 700
"""A local activity's input is not in the history; its outbox record (a notification, a payment order) is about
this large as JSON."""


@dataclass
class BareEffect:
    """One activity the trajectory ran: its type, whether local, and how many bytes its input took."""

    name: str
    local: bool = False
    size: int = LOCAL_INPUT_BYTES


@dataclass
class BareStep:
    """What the trajectory did at one point (its start, an Update, a timer firing): the activities it ran, what it
    did to its one timer (cancel it; start one that fires ``timer_after`` seconds later) and, for an Update, how
    large its reply was. ``fired_at``: for a timer's step, seconds after the start that the timer fired."""

    effects: list[BareEffect] = field(default_factory=list)
    cancel_timer: bool = False
    timer_after: float | None = None
    reply_size: int = 0
    fired_at: float | None = None


@dataclass
class BarePlan:
    start: BareStep = field(default_factory=BareStep)
    timers: list[BareStep] = field(default_factory=list)
    """What runs each time the timer fires, in order."""
    updates: list[BareStep] = field(default_factory=list)
    repeat: BareStep | None = None
    """What every Update past ``updates`` does (the same event sent again and again); none: nothing."""
    stay_open: bool = False
    """Keep running after the last timer and Update (a trajectory that is still open)."""
    io: bool = True
    """Activities do their fsynced write (the fair twin); ``False``: the no-I/O twin."""
    timer_epoch: datetime | None = None
    """When set, the timers after the last Update fire at the very moments the trajectory's did (``timer_epoch``
    is the moment its start stands for, plus each timer step's ``fired_at``), not a duration after the step that
    armed them: a trajectory's deadlines are dates, so many trajectories driven over some real seconds still fall
    due at one moment, and so must their twins (the fees figure)."""


class BareRow(BaseModel):
    """The input of a twin's activity: a stable key (idempotent writes, like the trajectory's), where the
    trajectory's activity wrote (``records`` or the outbox), and a body as large as the trajectory's input."""

    key: str
    name: str
    body: str


class BareActivities:
    """The twin's side effects, in ``root``: a SQLite file like the records database and an outbox."""

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.outbox = Outbox(self.root / "outbox")
        self.database = self.root / "records.db"
        self.local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self.local, "connection", None)
        if connection is None:  # one per thread, kept, as SQLAlchemy's pool keeps the records database's
            connection = sqlite3.connect(self.database, timeout=30, isolation_level=None)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("CREATE TABLE IF NOT EXISTS rows (key TEXT PRIMARY KEY, name TEXT, body TEXT)")
            self.local.connection = connection
        return connection

    def _insert(self, row: BareRow) -> bool:
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")  # the write lock first, as the records database takes it
        try:
            written = connection.execute(
                "INSERT OR IGNORE INTO rows (key, name, body) VALUES (?, ?, ?)", (row.key, row.name, row.body)
            ).rowcount
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return bool(written)

    @activity.defn(name="bare_write")
    async def write(self, row: BareRow) -> bool:
        """The fair twin's effect: the records database's kind of write in a thread (as ``project`` does), or an
        outbox file written inline (as ``order_payment`` and ``send_notification`` do)."""
        if row.name in RECORDS_ACTIVITIES:
            return await asyncio.to_thread(self._insert, row)
        return self.outbox.put(f"bare-{row.name}", row.key, row)

    @activity.defn(name="bare_effect")
    async def nothing(self, row: BareRow) -> bool:
        """The no-I/O twin's effect: costs only what Temporal charges for an activity with this input."""
        return True

    def written(self, name: str) -> int:
        """Outbox files the twin wrote for the trajectory's activity ``name`` (e.g. ``order_payment``)."""
        return len(self.outbox.records(f"bare-{name}"))


@workflow.defn(name="BareLifecycle")
class BareLifecycle:
    """Replays a trajectory's plan: the same Updates answered with as many bytes, the same timer started and
    cancelled at the same points, each step's activities run after the reply, with inputs as large."""

    @workflow.init
    def __init__(self, plan: BarePlan) -> None:
        self.plan = plan
        self.updates_done = 0
        self.timers_done = 0
        self.writes = 0
        self.pending: list[BareStep] = []
        self.timer: asyncio.Task[None] | None = None

    @workflow.run
    async def run(self, plan: BarePlan) -> None:
        self._arm(plan.start)
        self.pending.append(plan.start)
        while True:
            if self.pending:
                batch, self.pending = self.pending, []
                await asyncio.gather(*(self._effect(effect) for step in batch for effect in step.effects))
                continue
            if self._done():
                return
            await workflow.wait_condition(lambda: bool(self.pending) or self._done())

    def _done(self) -> bool:
        # Ends with the last Update, like the trajectory it copies (which closes on its last event); it does not
        # wait for planned timers, so a timer that races an Update differently here can never keep it open.
        return (
            not self.plan.stay_open
            and self.updates_done >= len(self.plan.updates)
            and not self.pending
            and workflow.all_handlers_finished()
        )

    @workflow.update
    def step(self, payload: dict[str, Any]) -> str:
        """Replies at once with as many bytes as the trajectory's view; the activities run after the reply."""
        if self.updates_done < len(self.plan.updates):
            planned = self.plan.updates[self.updates_done]
        else:
            planned = self.plan.repeat or BareStep()
        self.updates_done += 1
        self._arm(planned)
        self.pending.append(planned)
        return "x" * planned.reply_size

    def _arm(self, planned: BareStep) -> None:
        if planned.cancel_timer and self.timer is not None and not self.timer.done():
            self.timer.cancel()
        if planned.timer_after is not None:
            self.timer = asyncio.create_task(self._timer(self._after(planned.timer_after)))

    def _after(self, planned: float) -> float:
        """Seconds until the next timer fires: as planned, or, once every planned Update is done, at the
        trajectory's moment (``timer_epoch``). Not before: while Updates still come, a timer aimed at a moment
        that the drive's real seconds have already passed would fire at once, where the trajectory's was
        re-armed by the Update, and the twin's timers would count one ahead of the trajectory's from there."""
        epoch, index = self.plan.timer_epoch, self.timers_done
        fired_at = self.plan.timers[index].fired_at if index < len(self.plan.timers) else None
        if epoch is None or fired_at is None or self.updates_done < len(self.plan.updates):
            return planned
        return (epoch + timedelta(seconds=fired_at) - workflow.now()).total_seconds()

    async def _timer(self, after: float) -> None:
        try:
            await workflow.sleep(max(timedelta(seconds=after), timedelta(milliseconds=1)))
        except asyncio.CancelledError:
            return
        planned = self.plan.timers[self.timers_done] if self.timers_done < len(self.plan.timers) else BareStep()
        self.timers_done += 1
        self._arm(planned)
        self.pending.append(planned)

    async def _effect(self, effect: BareEffect) -> None:
        self.writes += 1
        info = workflow.info()
        row = BareRow(key=f"{info.workflow_id}:{info.run_id}:{self.writes}", name=effect.name, body="x" * effect.size)
        name = "bare_write" if self.plan.io else "bare_effect"
        if effect.local:
            await workflow.execute_local_activity(name, row, start_to_close_timeout=EFFECT_TIMEOUT)
        else:
            await workflow.execute_activity(name, row, start_to_close_timeout=EFFECT_TIMEOUT)


def bare_worker(client: Client, task_queue: str, root: Path | str, *, cache: int) -> Worker:
    """The twins' worker: the trajectories' sandbox (``worker.workflow_runner``), cache size and workflow task
    slots (``TRAJECTORIES_WORKFLOW_TASK_SLOTS``)."""
    from service import config
    from worker import workflow_runner

    activities = BareActivities(root)
    return Worker(
        client, task_queue=task_queue, workflows=[BareLifecycle], activities=[activities.write, activities.nothing],
        workflow_runner=workflow_runner(), max_cached_workflows=cache,
        max_concurrent_workflow_tasks=config.workflow_task_slots(),
    )  # fmt: skip


def kind(event: HistoryEvent) -> str:
    return (event.WhichOneof("attributes") or "").removesuffix("_event_attributes")


def is_local_activity(event: HistoryEvent) -> bool:
    return (
        kind(event) == "marker_recorded" and event.marker_recorded_event_attributes.marker_name == LOCAL_ACTIVITY_MARKER
    )


def _local_activity_type(event: HistoryEvent) -> str:
    """The type of a local activity, from its marker's ``data`` (plain JSON written by the SDK, not encrypted)."""
    for payload in event.marker_recorded_event_attributes.details["data"].payloads:
        try:
            return str(json.loads(payload.data).get("activity_type", "local"))
        except ValueError:
            continue
    return "local"


def plan_from_history(events: list[HistoryEvent]) -> BarePlan:
    """What a trajectory ran, in order: at its start, per fired timer and per accepted Update, the activities (with
    their input sizes), what happened to its timer and how large each Update's reply was. Each is attributed to
    the latest timer or Update before it."""
    plan = BarePlan()
    begin = events[0].event_time.ToDatetime()
    current = plan.start
    by_update: dict[str, BareStep] = {}
    for event in events:
        name = kind(event)
        if name == "timer_fired":
            current = BareStep(fired_at=(event.event_time.ToDatetime() - begin).total_seconds())
            plan.timers.append(current)
        elif name == "workflow_execution_update_accepted":
            current = BareStep()
            plan.updates.append(current)
            by_update[event.workflow_execution_update_accepted_event_attributes.accepted_request.meta.update_id] = (
                current
            )
        elif name == "workflow_execution_update_completed":
            attributes = event.workflow_execution_update_completed_event_attributes
            step = by_update.get(attributes.meta.update_id)
            if step is not None:
                step.reply_size = sum(len(p.data) for p in attributes.outcome.success.payloads)
        elif name == "activity_task_scheduled":
            attributes = event.activity_task_scheduled_event_attributes
            size = sum(len(p.data) for p in attributes.input.payloads)
            current.effects.append(BareEffect(name=attributes.activity_type.name, size=size))
        elif is_local_activity(event):
            current.effects.append(BareEffect(name=_local_activity_type(event), local=True))
        elif name in ("timer_canceled", "workflow_execution_continued_as_new"):
            current.cancel_timer = True  # a run that continues as new leaves its timer behind: the next arms anew
        elif name == "timer_started":
            current.timer_after = (
                event.timer_started_event_attributes.start_to_fire_timeout.ToTimedelta().total_seconds()
            )
    return plan


def prefix_plan(plan: BarePlan, updates: int, *, repeat: BareStep | None = None) -> BarePlan:
    """The first ``updates`` Updates of ``plan``, no timer firing: a lifecycle driven without waiting. With
    ``repeat``: it stays open and answers every further Update with that step."""
    return BarePlan(
        start=plan.start, timers=[], updates=plan.updates[:updates], repeat=repeat, stay_open=repeat is not None
    )


def open_plan(plan: BarePlan) -> BarePlan:
    """``plan``'s start only, then open: a trajectory just started, waiting on its first deadline."""
    return BarePlan(start=plan.start, stay_open=True)
