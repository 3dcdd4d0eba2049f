"""Bare Temporal: the baseline every figure is compared with.

:class:`BareLifecycle` runs exactly the timers, activities and Updates a trajectory ran (read from the
trajectory's own history by :func:`plan_from_history`) and nothing else: no state machine, no view, no
search attributes, no current details. :class:`BareNoOp` is a workflow whose Update does nothing, for the
round trip.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from temporalio import activity, workflow
from temporalio.api.history.v1 import HistoryEvent

EFFECT_TIMEOUT = timedelta(seconds=30)
LOCAL_ACTIVITY_MARKER = "core_local_activity"


@dataclass
class BareStep:
    """What the trajectory did at one point (its start, an Update, a timer firing): the effects it ran and
    what it did to its one timer (cancel it, start one that fires ``timer_fires_at`` seconds after the start)."""

    activities: int = 0
    local_activities: int = 0
    cancel_timer: bool = False
    timer_fires_at: float | None = None


@dataclass
class BarePlan:
    start: BareStep = field(default_factory=BareStep)
    timers: list[BareStep] = field(default_factory=list)
    """What runs each time the timer fires, in order."""
    updates: list[BareStep] = field(default_factory=list)
    stay_open: bool = False
    """Keep running after the last timer and Update (a trajectory that is still open)."""


@activity.defn(name="bare_effect")
async def bare_effect(payload: dict[str, Any]) -> None:
    """Does nothing: the baseline's side effect costs only what Temporal charges for an activity."""


async def _run(effects: BareStep) -> None:
    calls = [
        workflow.execute_activity(bare_effect, {}, start_to_close_timeout=EFFECT_TIMEOUT)
        for _ in range(effects.activities)
    ] + [
        workflow.execute_local_activity(bare_effect, {}, start_to_close_timeout=EFFECT_TIMEOUT)
        for _ in range(effects.local_activities)
    ]
    if calls:
        await asyncio.gather(*calls)


@workflow.defn(name="BareLifecycle")
class BareLifecycle:
    """Replays a trajectory's plan: the same effects, the same timer started and cancelled at the same points,
    each Update and each fired timer doing what the trajectory's did."""

    @workflow.init
    def __init__(self, plan: BarePlan) -> None:
        self.plan = plan
        self.updates_done = 0
        self.timers_done = 0
        self.timer: asyncio.Task[None] | None = None
        self.begin = workflow.now()

    @workflow.run
    async def run(self, plan: BarePlan) -> None:
        await self._step(plan.start)
        # Ends with the last Update, like the trajectory it copies (which closes on its last event); it does not
        # wait for planned timers, so a timer that races an Update differently here can never keep it open.
        await workflow.wait_condition(
            lambda: not plan.stay_open and self.updates_done >= len(plan.updates) and workflow.all_handlers_finished()
        )

    @workflow.update
    async def step(self, payload: dict[str, Any]) -> None:
        planned = self.plan.updates[self.updates_done] if self.updates_done < len(self.plan.updates) else BareStep()
        self.updates_done += 1
        await self._step(planned)

    async def _step(self, planned: BareStep) -> None:
        if planned.cancel_timer and self.timer is not None and not self.timer.done():
            self.timer.cancel()
        if planned.timer_fires_at is not None:
            self.timer = asyncio.create_task(self._timer(planned.timer_fires_at))
        await _run(planned)

    async def _timer(self, fires_at: float) -> None:
        delay = self.begin + timedelta(seconds=fires_at) - workflow.now()
        try:
            await workflow.sleep(max(delay, timedelta(milliseconds=1)))
        except asyncio.CancelledError:
            return
        planned = self.plan.timers[self.timers_done] if self.timers_done < len(self.plan.timers) else BareStep()
        self.timers_done += 1
        await self._step(planned)


@workflow.defn(name="BareNoOp")
class BareNoOp:
    """Waits until told to finish; its Update returns at once."""

    def __init__(self) -> None:
        self.finished = False

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: self.finished)

    @workflow.update
    def touch(self, payload: dict[str, Any]) -> None:
        return None

    @workflow.signal
    def finish(self) -> None:
        self.finished = True


def kind(event: HistoryEvent) -> str:
    return (event.WhichOneof("attributes") or "").removesuffix("_event_attributes")


def is_local_activity(event: HistoryEvent) -> bool:
    return kind(event) == "marker_recorded" and event.marker_recorded_event_attributes.marker_name == LOCAL_ACTIVITY_MARKER


def plan_from_history(events: list[HistoryEvent]) -> BarePlan:
    """What a trajectory ran, in order: at its start, per fired timer and per accepted Update, the effects
    and what happened to its timer. Each is attributed to the latest timer or Update before it."""
    plan = BarePlan()
    begin = events[0].event_time.ToDatetime()
    current = plan.start
    for event in events:
        name = kind(event)
        if name == "timer_fired":
            current = BareStep()
            plan.timers.append(current)
        elif name == "workflow_execution_update_accepted":
            current = BareStep()
            plan.updates.append(current)
        elif name == "activity_task_scheduled":
            current.activities += 1
        elif is_local_activity(event):
            current.local_activities += 1
        elif name == "timer_canceled":
            current.cancel_timer = True
        elif name == "timer_started":
            fires = event.event_time.ToDatetime() + event.timer_started_event_attributes.start_to_fire_timeout.ToTimedelta()
            current.timer_fires_at = (fires - begin).total_seconds()
    return plan


def prefix_plan(plan: BarePlan, updates: int) -> BarePlan:
    """The first ``updates`` Updates of ``plan``, no timer firing: a lifecycle driven without waiting."""
    return BarePlan(start=plan.start, timers=[], updates=plan.updates[:updates])


def waiting_plan(after: timedelta) -> BarePlan:
    """One timer ``after`` from the start, then open: a trajectory waiting on its first deadline."""
    return BarePlan(start=BareStep(timer_fires_at=after.total_seconds()), stay_open=True)
