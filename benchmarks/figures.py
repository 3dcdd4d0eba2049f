"""Counting what a history costs: events, workflow tasks, activities, timers, Updates, upserts."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHandle

from benchmarks.bare import is_local_activity, kind


@dataclass
class HistoryFigures:
    events: int
    workflow_tasks: int
    activities: int
    local_activities: int
    timers: int
    timers_canceled: int
    updates: int
    upserts: int
    markers: int
    runs: int

    @classmethod
    def of(cls, events: list[HistoryEvent]) -> HistoryFigures:
        kinds = Counter(kind(event) for event in events)
        local = sum(1 for event in events if is_local_activity(event))
        return cls(
            events=len(events),
            workflow_tasks=kinds["workflow_task_completed"],
            activities=kinds["activity_task_scheduled"] + local,
            local_activities=local,
            timers=kinds["timer_started"],
            timers_canceled=kinds["timer_canceled"],
            updates=kinds["workflow_execution_update_accepted"],
            upserts=kinds["upsert_workflow_search_attributes"],
            markers=kinds["marker_recorded"] - local,
            runs=1 + kinds["workflow_execution_continued_as_new"],
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


async def history(handle: WorkflowHandle) -> list[HistoryEvent]:
    """Every event of the workflow ``handle`` started: its first run and each run it continued as new into (a
    trajectory continues as new at ``history_events_before_continue_as_new``, within a long lifecycle)."""
    run_id = handle.first_execution_run_id or handle.result_run_id or handle.run_id
    client = handle._client  # the SDK's handle has no public client; the same client reads each run
    events: list[HistoryEvent] = []
    while True:
        run = client.get_workflow_handle(handle.id, run_id=run_id)
        batch = [event async for event in run.fetch_history_events()]
        events += batch
        if not batch or kind(batch[-1]) != "workflow_execution_continued_as_new":
            return events
        run_id = batch[-1].workflow_execution_continued_as_new_event_attributes.new_execution_run_id


def within(events: list[HistoryEvent], begin: datetime, end: datetime) -> list[HistoryEvent]:
    """Events recorded in ``[begin, end)`` (naive UTC datetimes, as protobuf timestamps give them)."""
    return [event for event in events if begin <= event.event_time.ToDatetime() < end]
