"""One projection write per workflow task: its rows in one transaction, exactly once however often it is retried."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from temporalio.testing import ActivityEnvironment

import activities.projection
from activities.audit import AuditLog
from activities.projection import ProjectionActivities, part_writer, write_projection
from domain.messages import AuditEntry
from domain.projection import Projection
from tests.scenario import OTHER_COACH, Trajectory
from worker import build_worker


def entry(n: int, workflow_id: str = "trajectory-almere-x") -> AuditEntry:
    return AuditEntry(
        key=f"{workflow_id}:event{n}", workflow_id=workflow_id, kind="event", name="observation_started",
        actor="coach-anna", result="accepted", origin="update submit_event u-1",
        at=datetime(2027, 1, 4, 9, n, tzinfo=UTC), detail="referred -> observation",
    )  # fmt: skip


def projection(*entries: AuditEntry, key: str = "trajectory-almere-x:run:projection1") -> Projection:
    return Projection(workflow_id="trajectory-almere-x", key=key, audit=list(entries))


async def test_a_retried_projection_writes_its_rows_once(tmp_path: Path):
    log = AuditLog(f"sqlite:///{tmp_path}/records.db")
    environment, project = ActivityEnvironment(), ProjectionActivities(log.records).project
    first = await environment.run(project, projection(entry(1), entry(2)))
    again = await environment.run(project, projection(entry(1), entry(2)))
    assert first.written == {"audit": 2} and again.written == {"audit": 0}
    assert [row.key for row in log.trail("trajectory-almere-x")] == [
        "trajectory-almere-x:event1",
        "trajectory-almere-x:event2",
    ]


def test_a_projection_is_one_transaction(tmp_path: Path):
    """A part that fails leaves none of the projection's rows behind: the retry writes them all."""
    log = AuditLog(f"sqlite:///{tmp_path}/records.db")
    registered = dict(activities.projection.PART_WRITERS)

    @part_writer("audit")
    def failing(connection, projection, entries):
        registered["audit"](connection, projection, entries)
        raise RuntimeError("the database went away after the first rows")

    try:
        with pytest.raises(RuntimeError):
            write_projection(log.records, projection(entry(1)))
    finally:
        activities.projection.PART_WRITERS.update(registered)
    assert log.trail("trajectory-almere-x") == []
    assert write_projection(log.records, projection(entry(1))).written == {"audit": 1}


def test_parts_are_what_holds_something_and_unknown_parts_are_refused():
    assert projection().empty and projection().parts() == {}
    filled = projection()
    filled.add("audit", entry(1))
    assert filled.parts() == {"audit": [entry(1)]} and not filled.empty
    with pytest.raises(ValueError, match="unknown projection part 'ledger'"):
        filled.add("ledger", entry(1))
    with pytest.raises(ValueError, match="Projection has no part 'ledger'"):
        part_writer("ledger")(lambda *_: 0)


async def scheduled_activities(handle) -> list[tuple[str, int]]:
    """Each activity's type and the workflow task that scheduled it: regular ones, and local ones (their marker,
    whose ``data`` names the type in plain JSON)."""
    found = []
    async for event in handle.fetch_history_events():
        if event.HasField("activity_task_scheduled_event_attributes"):
            attributes = event.activity_task_scheduled_event_attributes
            found.append((attributes.activity_type.name, attributes.workflow_task_completed_event_id))
        elif event.HasField("marker_recorded_event_attributes"):
            marker = event.marker_recorded_event_attributes
            if marker.marker_name == "core_local_activity":
                data = json.loads(marker.details["data"].payloads[0].data)
                found.append((data["activity_type"], marker.workflow_task_completed_event_id))
    return found


WRITES = ("project", "order_and_project", "order_and_try_project")
"""The projection write's activities: ``project``; since ``one-write-per-task`` the regular one after an Update's
reply and the local one of a task no Update waits for (the start, a deadline)."""


async def run_course(env, tmp_path: Path) -> tuple[str, object]:
    url = f"sqlite:///{tmp_path}/records.db"
    async with build_worker(env.client, f"test-{uuid.uuid4()}", outbox=tmp_path / "outbox", audit=url) as worker:
        t = await Trajectory.start(env, worker)
        for event, fields in [
            ("observation_started", {}),
            ("coach_reassigned", {"coach_id": OTHER_COACH}),
            ("withdrawn", {"reason": "moved"}),
        ]:
            await t.settle()  # the previous write is done: this event's row is not held for the next write
            await t.send(event, **fields)
        await t.handle.result()
    return url, t.handle


EXPECTED_EVENTS = [
    ("observation_started", "referred -> observation"),
    ("coach_reassigned", "observation -> observation"),
    ("withdrawn", "observation -> closed_withdrawn"),
]


async def test_each_workflow_task_writes_its_rows_with_one_activity(env, tmp_path: Path):
    """The start and three accepted events, each in its own workflow task: never more than one ``project``
    activity per workflow task, and no per-event audit activity."""
    url, handle = await run_course(env, tmp_path)
    scheduled = await scheduled_activities(handle)
    writes = [task for name, task in scheduled if name in WRITES]
    assert len(writes) >= 4 and len(writes) == len(set(writes)), "one write per workflow task that made rows"
    assert [name for name, _ in scheduled if name in WRITES] == ["order_and_try_project", *["order_and_project"] * 3]
    assert not {name for name, _ in scheduled} & {"record_event", "send_notification", "report_undeliverable"}
    trail = AuditLog(url).trail(handle.id)
    assert [(row.name, row.detail) for row in trail if row.kind == "event"] == EXPECTED_EVENTS


async def test_a_write_retried_after_its_commit_leaves_each_row_once(
    env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The first write fails after its rows are in (a connection lost after the commit); Temporal retries it
    with the same projection, and every row is there once. Rows made while a write is retried wait and go
    with the next write, in order."""
    attempts: list[str] = []
    write = activities.projection.write_projection

    def flaky(records, projection):
        summary = write(records, projection)
        attempts.append(projection.key)
        if len(attempts) == 1:
            raise ConnectionError("connection lost after commit")
        return summary

    monkeypatch.setattr(activities.projection, "write_projection", flaky)
    url, handle = await run_course(env, tmp_path)
    assert attempts[0] == attempts[1], "the failed write was retried with the same projection"
    writes = [name for name, _ in await scheduled_activities(handle) if name in WRITES]
    assert len(writes) == len(attempts) - 1
    trail = AuditLog(url).trail(handle.id)
    assert [(row.name, row.detail) for row in trail if row.kind == "event"] == EXPECTED_EVENTS
