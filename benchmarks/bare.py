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
class BareEffects:
    """Side effects one step ran: activities and local activities."""

    activities: int = 0
    local_activities: int = 0


@dataclass
class BareTimer:
    """A timer that fired ``offset`` seconds after the start, and what ran when it did."""

    offset: float
    effects: BareEffects = field(default_factory=BareEffects)


@dataclass
class BarePlan:
    start: BareEffects = field(default_factory=BareEffects)
    timers: list[BareTimer] = field(default_factory=list)
    updates: list[BareEffects] = field(default_factory=list)
    stay_open: bool = False
    """Keep running after the last timer and Update (a trajectory that is still open)."""


@activity.defn(name="bare_effect")
async def bare_effect(payload: dict[str, Any]) -> None:
    """Does nothing: the baseline's side effect costs only what Temporal charges for an activity."""


async def _run(effects: BareEffects) -> None:
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
    """Sleeps to each planned timer and runs its effects; each Update runs its planned effects."""

    @workflow.init
    def __init__(self, plan: BarePlan) -> None:
        self.plan = plan
        self.updates_done = 0

    @workflow.run
    async def run(self, plan: BarePlan) -> None:
        begin = workflow.now()
        await _run(plan.start)
        for timer in plan.timers:
            delay = begin + timedelta(seconds=timer.offset) - workflow.now()
            await workflow.sleep(max(delay, timedelta(milliseconds=1)))
            await _run(timer.effects)
        await workflow.wait_condition(
            lambda: not plan.stay_open and self.updates_done >= len(plan.updates) and workflow.all_handlers_finished()
        )

    @workflow.update
    async def step(self, payload: dict[str, Any]) -> None:
        effects = self.plan.updates[self.updates_done] if self.updates_done < len(self.plan.updates) else BareEffects()
        self.updates_done += 1
        await _run(effects)


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
    """What a trajectory ran, in order: effects at the start, per fired timer and per accepted Update.

    Effects are attributed to the latest timer or Update before them (what triggered them)."""
    plan = BarePlan()
    begin = events[0].event_time.ToDatetime()
    current = plan.start
    for event in events:
        name = kind(event)
        if name == "timer_fired":
            timer = BareTimer(offset=(event.event_time.ToDatetime() - begin).total_seconds())
            plan.timers.append(timer)
            current = timer.effects
        elif name == "workflow_execution_update_accepted":
            current = BareEffects()
            plan.updates.append(current)
        elif name == "activity_task_scheduled":
            current.activities += 1
        elif is_local_activity(event):
            current.local_activities += 1
    return plan


def prefix_plan(plan: BarePlan, updates: int) -> BarePlan:
    """The first ``updates`` Updates of ``plan`` with no timers: a lifecycle driven without waiting."""
    return BarePlan(start=plan.start, timers=[], updates=plan.updates[:updates])


def waiting_plan(after: timedelta) -> BarePlan:
    """One timer ``after`` from the start, then open: a trajectory waiting on its first deadline."""
    return BarePlan(timers=[BareTimer(offset=after.total_seconds())], stay_open=True)
