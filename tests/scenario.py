"""Helpers that drive trajectories through their steps in tests, in the contract's JSON.

:class:`Trajectory` works for every region; its ``to_*`` shortcuts are Almere's steps.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.records import EventAccepted, TrajectoryView
from trajectories.client import start_trajectory


def working_due(nominal: datetime, deadline: str = "", policy: Any = None) -> datetime:
    """Where a deadline whose arithmetic gives ``nominal`` falls due under ``policy``'s working days (Almere's by
    default): 08:30 in Amsterdam on its working day (``domain.calendar``, tested on its own in test_calendar.py
    and test_working_days.py), or ``nominal`` itself for a policy without working days."""
    from domain.policy import ALMERE

    calendar = (policy or ALMERE).working_days
    return calendar.due(deadline, nominal)[0] if calendar else nominal


def first_day(after: date, fits: Any, within: int = 60) -> date:
    """The first day after ``after`` (within ``within`` days) for which ``fits(day)`` holds: tests and recordings
    pick, from today's virtual date, a start whose deadlines land on a weekend or a holiday."""
    return next(after + timedelta(days=n) for n in range(1, within) if fits(after + timedelta(days=n)))


def ordered_ahead(day: date, policy: Any) -> bool:
    """``day`` is a Sunday whose payment, under ``policy``'s working days, is ordered on the Friday before (two
    days ahead: the Saturday it covers has not yet passed)."""
    due = working_due(datetime.combine(day, datetime.min.time(), tzinfo=UTC), "payment:x", policy)
    return day.weekday() == 6 and due.date() == day - timedelta(days=2)


def due_by(payments: list, moment: datetime) -> list:
    """The orders of ``payments`` due by ``moment``'s date in Amsterdam. Since patch ``payments-ordered-ahead`` a
    stream orders its periods ahead, at a wake-up the trajectory has anyway, each with the due date and period it
    always had; before, each was ordered on its due day. Corrections are due the day of the event that made them."""
    from domain.payments import local_date

    return [p for p in payments if p.due <= local_date(moment)]


def paid_days(payments: list) -> dict[date, int]:
    """How many times each day is paid, net of corrections (a negative order takes its days back, a positive
    correction pays them again): every day of a stream's life exactly once is ``{day: 1, ...}``."""
    count: dict[date, int] = {}
    for p in payments:
        day = p.period_start
        while day <= p.period_end:
            count[day] = count.get(day, 0) + (-1 if p.amount_cents < 0 else 1)
            day += timedelta(days=1)
    return {day: n for day, n in sorted(count.items()) if n}


def every_day(first: date, last: date) -> dict[date, int]:
    """``{day: 1}`` for every day from ``first`` to ``last``: what :func:`paid_days` gives for a gapless stream."""
    return {first + timedelta(days=n): 1 for n in range((last - first).days + 1)}


COACH = "coach-anna"
OTHER_COACH = "coach-bram"
TEAM_LEAD = "almere-advisor-1"
"""Almere escalates to the other advisor (policy `escalation_to`); a coach outside the pair, as here, to the first."""


def start_input(trajectory_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "trajectory_id": trajectory_id or f"t-{uuid.uuid4().hex[:12]}",
        "participant_ref": "ref-7f3a9c",
        "participant": {"has_benefit": True, "age_band": "18_to_27", "hours_per_week": 32},
        "referral_source": "day_activities_provider",
        "coach_id": COACH,
        "provider_id": "provider-de-schoor",
    }
    payload.update(overrides)
    return payload


async def start_in_plain_text(
    client: Client, task_queue: str, trajectory_id: str | None = None, **overrides: Any
) -> WorkflowHandle[Any, Any]:
    """What a client without the payload key can do: start Almere's trajectory straight on Temporal, its input
    in plain text (``overrides`` as in :func:`start_input`). The handle reads through that plain client."""
    from temporalio.contrib.pydantic import pydantic_data_converter

    from workflows.contract import workflow_id_for

    plain = Client(client.service_client, namespace=client.namespace, data_converter=pydantic_data_converter)
    start = start_input(trajectory_id, **overrides)
    return await plain.start_workflow(
        "AlmereTrajectory", start, id=workflow_id_for("almere", start["trajectory_id"]), task_queue=task_queue
    )


STARTED: list[WorkflowHandle[Any, Any]] = []
"""Handles started by tests; terminated when their worker stops, so time skipping never waits on them."""


async def activities_in_flight(handle: WorkflowHandle[Any, Any]) -> int:
    """How many of the workflow's activities are scheduled and not yet closed, read from its history."""
    open_ids: set[int] = set()
    async for event in handle.fetch_history_events():
        kind = event.WhichOneof("attributes")
        if kind == "activity_task_scheduled_event_attributes":
            open_ids.add(event.event_id)
        elif kind and kind.startswith("activity_task_") and kind != "activity_task_started_event_attributes":
            open_ids.discard(getattr(event, kind).scheduled_event_id)
    return len(open_ids)


async def settle(handle: WorkflowHandle[Any, Any], attempts: int = 200) -> None:
    """Wait until the workflow is idle: no activity in flight and its last workflow task completed.

    Accepted events and fired deadlines run activities (notifications, audit rows) after the Update has
    returned; tests that compare histories or views wait for them here.
    """
    for _ in range(attempts):
        task_open, closed, in_flight = False, False, set()
        async for event in handle.fetch_history_events():
            kind = event.WhichOneof("attributes") or ""
            if kind == "activity_task_scheduled_event_attributes":
                in_flight.add(event.event_id)
            elif kind.startswith("activity_task_") and kind != "activity_task_started_event_attributes":
                in_flight.discard(getattr(event, kind).scheduled_event_id)
            elif kind == "workflow_task_scheduled_event_attributes":
                task_open = True
            elif kind in TASK_ENDED:
                task_open = False
            elif kind.startswith("workflow_execution_") and kind in CLOSED:
                closed = True
        if closed or not (in_flight or task_open):
            return
        await asyncio.sleep(0.02)


TASK_ENDED = {f"workflow_task_{end}_event_attributes" for end in ("completed", "failed", "timed_out")}
CLOSED = {
    f"workflow_execution_{end}_event_attributes"
    for end in ("completed", "failed", "terminated", "continued_as_new", "canceled", "timed_out")
}


async def terminate_started(client: Client) -> None:
    """Terminate every trajectory tests started and that is still open.

    First let in-flight activities and workflow tasks finish (:func:`settle`): the time-skipping server keeps
    time locked for an activity or workflow task of a terminated workflow until its timeout, which would stall
    the next test.
    """
    while STARTED:
        started = STARTED.pop()
        handle = client.get_workflow_handle(started.id)  # the latest run, after continue-as-new too
        try:
            await settle(handle)
            await handle.terminate("test finished")
        except Exception:  # already closed, or started on another test server
            pass


class Trajectory:
    """One trajectory under test: start it, send events, read its view, let time pass."""

    def __init__(self, env: WorkflowEnvironment, handle: WorkflowHandle[Any, TrajectoryView]):
        self.env = env
        self.handle = handle

    @classmethod
    async def start(
        cls, env: WorkflowEnvironment, worker: Worker, *, region: str = "almere", **overrides: Any
    ) -> Trajectory:
        """Start a trajectory of ``region`` with a valid start input; ``overrides`` replace its fields."""
        handle = await start_trajectory(env.client, region, start_input(**overrides), task_queue=worker.task_queue)
        STARTED.append(handle)
        trajectory = cls(env, handle)
        await trajectory.view()  # the first workflow task has run
        return trajectory

    @property
    def client(self) -> Client:
        return self.env.client

    async def send(self, event: str, actor: str = COACH, **fields: Any) -> TrajectoryView:
        payload = {"event": event, "actor": actor, **{k: _json(v) for k, v in fields.items()}}
        accepted = await self.handle.execute_update("submit_event", payload, result_type=EventAccepted)
        self.last_view = await self.view()
        assert (accepted.event, accepted.state, accepted.closed) == (event, self.last_view.state, self.last_view.closed)
        assert accepted.allowed_events == self.last_view.allowed_events
        return self.last_view

    async def view(self) -> TrajectoryView:
        return await self.handle.query("view", result_type=TrajectoryView)

    async def now(self) -> datetime:
        return await self.env.get_current_time()

    async def today(self) -> date:
        return (await self.now()).date()

    async def sleep(self, duration: timedelta) -> None:
        await self.env.sleep(duration)

    async def sleep_until(self, moment: datetime, *, plus: timedelta = timedelta(minutes=1)) -> None:
        """Skip virtual time to just past ``moment``, then let the worker finish what fired."""
        remaining = moment + plus - await self.now()
        if remaining > timedelta(0):
            await self.env.sleep(remaining)
        await self.env.sleep(timedelta(seconds=1))
        await self.settle()

    async def settle(self) -> None:
        """Wait until what was sent or fired has run its activities (see :func:`settle`)."""
        await settle(self.handle)

    # --- the route's steps, with valid data ---------------------------------------------------------

    async def to_awaiting_advice(self) -> TrajectoryView:
        await self.send("observation_started")
        return await self.send("observation_completed", potential=True, motivated=True, hours_per_week=32)

    async def to_seeking_placement(self) -> TrajectoryView:
        await self.to_awaiting_advice()
        return await self.send("advice_received", outcome="positive", actor="backend:uwv-gateway")

    async def start_trial(self, employer: str = "employer-jungle") -> TrajectoryView:
        return await self.send("trial_started", employer_id=employer, start_date=await self.today())

    async def to_trial(self) -> TrajectoryView:
        await self.to_seeking_placement()
        return await self.start_trial()

    async def sign_contract(self, *, hours: float = 32, months: int = 12) -> TrajectoryView:
        """Sign a contract from today; the wage value is assessed first (55 %) when it was not yet."""
        last = getattr(self, "last_view", None) or await self.view()  # the last Update's view: no extra query
        if last.case.get("wage_value_percent") is None:
            await self.send("wage_value_assessed", wage_value_percent=55)
        begin = await self.today()
        end = begin.replace(year=begin.year + months // 12) + timedelta(days=1)
        return await self.send("contract_signed", start_date=begin, end_date=end, hours_per_week=hours)

    async def to_employed(self) -> TrajectoryView:
        await self.to_trial()
        return await self.sign_contract()


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def notifications(view: TrajectoryView, kind: str) -> list[Any]:
    return [n for n in view.notifications if n.kind == kind]


def sent(view: TrajectoryView, kind: str) -> list[tuple[str, datetime | None]]:
    """Recipient and due moment of every ``kind`` notification in ``view``."""
    return [(n.recipient, n.due) for n in notifications(view, kind)]


async def assert_fired_at(t: Trajectory, kind: str, recipient: str, due: datetime) -> None:
    """Nothing before ``due``; exactly one notification right after it, sent at ``due``."""
    await t.sleep_until(due - timedelta(minutes=2), plus=timedelta(0))
    assert (recipient, due) not in sent(await t.view(), kind), f"{kind} fired early"
    await t.sleep_until(due)
    view = await t.view()
    assert sent(view, kind).count((recipient, due)) == 1, f"{kind} to {recipient} at {due}: {sent(view, kind)}"
    fired = [n for n in notifications(view, kind) if n.recipient == recipient and n.due == due][0]
    assert timedelta(0) <= fired.at - due < timedelta(minutes=1)
