"""``trajectories export``: today's open trajectories as a forecast can start them again.

For each open trajectory: its region, its start input and the events it accepted, decoded from its history
with the payload keys (so the file holds what the histories hold: pseudonymous references and the facts the
routes need, never a name or BSN; it is written owner-only all the same). A run that continued as new keeps
its earlier events in its previous runs: such a trajectory is exported with ``continued: true`` and the
forecast leaves it out (and says so), rather than start it from half its history.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from trajectories.listing import TrajectoryFilter, TrajectorySummary


async def open_trajectories(client: Client, region: str | None = None) -> list[dict[str, Any]]:
    """Every open trajectory (of ``region``), however many: the listing's query, without its page limit."""
    query = TrajectoryFilter(region=region, open=True).query(datetime.now(UTC))
    exported = []
    async for execution in client.list_workflows(query):
        row = TrajectorySummary.from_execution(execution)
        handle = client.get_workflow_handle(row.workflow_id)
        start: dict[str, Any] | None = None
        events: list[dict[str, Any]] = []
        continued = False
        async for event in handle.fetch_history_events():
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
                attributes = event.workflow_execution_started_event_attributes
                (value,) = await client.data_converter.decode(attributes.input.payloads)
                continued = bool(attributes.continued_execution_run_id)
                start = value.get("start", value) if isinstance(value, dict) else value
            elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
                request = event.workflow_execution_update_accepted_event_attributes.accepted_request
                if request.input.name == "submit_event":
                    (value,) = await client.data_converter.decode(request.input.args.payloads)
                    events.append(value)
        exported.append({"region": row.region, "workflow_id": row.workflow_id, "continued": continued,
                         "start": start, "events": events})  # fmt: skip
    return exported


def write_private(path: Path, text: str) -> None:
    """Owner-only (0600): the file holds the trajectories' inputs."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
