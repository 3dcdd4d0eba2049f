"""Listing trajectories through Temporal visibility for the API and CLI: the rows, the overdue report's grouping.

The filter and the query it builds live in :mod:`workflows.search` (the caseload activity uses them too).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from temporalio.client import Client, WorkflowExecution, WorkflowExecutionStatus

from workflows.contract import COACH_ID, MATCH_ATTEMPTS, NEXT_DEADLINE, NEXT_DEADLINE_KIND, REGION, TRAJECTORY_STATE
from workflows.search import REGIONS, STATES, Region, StateId, TrajectoryFilter

__all__ = [
    "REGIONS", "STATES", "Region", "StateId", "TrajectoryFilter", "TrajectorySummary", "filter_params",
    "group_overdue", "list_trajectories",
]  # fmt: skip


class TrajectorySummary(BaseModel):
    """One row of a listing: what visibility knows, no payloads decoded."""

    region: str
    trajectory_id: str
    workflow_id: str
    state: str | None
    coach_id: str | None
    match_attempts: int | None
    next_deadline: datetime | None
    next_deadline_kind: str | None = None
    """What is due at ``next_deadline`` (``NextDeadlineKind``; unset for runs from before it was published)."""
    status: str
    started_at: datetime | None

    @classmethod
    def from_execution(cls, execution: WorkflowExecution) -> TrajectorySummary:
        attributes = execution.typed_search_attributes
        region = attributes.get(REGION) or ""
        prefix = f"trajectory-{region}-"
        status = execution.status or WorkflowExecutionStatus.RUNNING
        return cls(
            region=region,
            trajectory_id=execution.id.removeprefix(prefix),
            workflow_id=execution.id,
            state=attributes.get(TRAJECTORY_STATE),
            coach_id=attributes.get(COACH_ID),
            match_attempts=attributes.get(MATCH_ATTEMPTS),
            next_deadline=attributes.get(NEXT_DEADLINE),
            next_deadline_kind=attributes.get(NEXT_DEADLINE_KIND),
            status=status.name.lower(),
            started_at=execution.start_time,
        )


async def list_trajectories(
    client: Client, trajectory_filter: TrajectoryFilter, *, now: datetime | None = None
) -> list[TrajectorySummary]:
    """The trajectories matching the filter, most recently started first, at most ``limit``."""
    query = trajectory_filter.query(now)
    found: list[TrajectorySummary] = []
    async for execution in client.list_workflows(query, limit=trajectory_filter.limit):
        found.append(TrajectorySummary.from_execution(execution))
    return found


def group_overdue(summaries: list[TrajectorySummary]) -> dict[str, dict[str, list[TrajectorySummary]]]:
    """Region → coach → trajectories, each list by deadline (oldest first): the overdue report's shape."""
    grouped: dict[str, dict[str, list[TrajectorySummary]]] = {}
    far_future = datetime.max.replace(tzinfo=UTC)
    for summary in sorted(summaries, key=lambda s: (s.region, s.coach_id or "", s.next_deadline or far_future)):
        grouped.setdefault(summary.region, {}).setdefault(summary.coach_id or "(none)", []).append(summary)
    return grouped


def filter_params(values: dict[str, Any]) -> dict[str, Any]:
    """Drop unset values, so a filter built from optional CLI/HTTP arguments keeps its defaults."""
    return {key: value for key, value in values.items() if value is not None}
