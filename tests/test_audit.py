"""The audit trail: idempotent writes, rows for events and notifications of a real run, reading back."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from temporalio.testing import ActivityEnvironment

from activities.audit import AuditActivities, AuditLog
from domain.messages import AuditEntry
from tests.scenario import OTHER_COACH, Trajectory
from trajectories.audit import read_trail
from worker import build_worker


def entry(key: str = "trajectory-almere-x:event1", **overrides) -> AuditEntry:
    fields = dict(
        key=key,
        workflow_id="trajectory-almere-x",
        kind="event",
        name="observation_started",
        actor="coach-anna",
        result="accepted",
        origin="update submit_event u-1",
        at=datetime(2027, 1, 4, 9, tzinfo=UTC),
        detail="referred -> observation",
    )
    return AuditEntry(**{**fields, **overrides})


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(f"sqlite:///{tmp_path}/var/audit.db")


def test_writing_the_same_row_twice_keeps_one(audit: AuditLog):
    assert audit.write(entry()) is True
    assert audit.write(entry(result="something else")) is False
    assert audit.trail("trajectory-almere-x") == [entry()]


async def test_a_retried_activity_writes_one_row(audit: AuditLog):
    activities = AuditActivities(audit)
    environment = ActivityEnvironment()
    assert await environment.run(activities.record_event, entry()) is True
    assert await environment.run(activities.record_event, entry()) is False  # the retry
    assert len(audit.trail("trajectory-almere-x")) == 1


def test_the_trail_is_per_trajectory_and_in_time_order(audit: AuditLog):
    later = entry("trajectory-almere-x:event2", name="observation_completed", at=datetime(2027, 2, 1, tzinfo=UTC))
    audit.write(later)
    audit.write(entry())
    audit.write(entry("trajectory-almere-y:event1", workflow_id="trajectory-almere-y"))
    assert [row.key for row in audit.trail("trajectory-almere-x")] == [
        "trajectory-almere-x:event1",
        "trajectory-almere-x:event2",
    ]


async def test_a_run_writes_a_row_per_accepted_event_and_notification(
    env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    url = f"sqlite:///{tmp_path}/audit.db"
    async with build_worker(env.client, f"test-{uuid.uuid4()}", outbox=tmp_path / "outbox", audit=url) as worker:
        t = await Trajectory.start(env, worker)
        await t.send("observation_started", note="asked to start on Mondays")
        await t.send("coach_reassigned", coach_id=OTHER_COACH)
        view = await t.view()
        await t.sleep_until(view.deadlines["observation_end"])
        await t.send("withdrawn", actor="backend:municipality", reason="moved away")
        view = await t.handle.result()

    monkeypatch.setenv("TRAJECTORIES_AUDIT_URL", url)
    trail = read_trail(t.handle.id)
    events = [row for row in trail if row.kind == "event"]
    assert [(row.name, row.actor, row.detail) for row in events] == [
        ("observation_started", "coach-anna", "referred -> observation"),
        ("coach_reassigned", "coach-anna", "observation -> observation"),
        ("withdrawn", "backend:municipality", "observation -> closed_withdrawn"),
    ]
    assert all(row.result == "accepted" and row.origin.startswith("update submit_event ") for row in events)
    assert [row.at for row in events] == [record.at for record in view.history]

    sent = [row for row in trail if row.kind == "notification"]
    assert sorted(row.key for row in sent) == sorted(n.id for n in view.notifications)
    assert {row.name for row in sent} == {"trajectory_assigned", "observation_decision_due"}
    assert all(row.result == "delivered" and row.origin == "channel:outbox" for row in sent)
    assert not any("Mondays" in row.model_dump_json() or "moved away" in row.model_dump_json() for row in trail), (
        "notes and reasons (possibly personal) stay out of the audit trail"
    )
    assert read_trail("trajectory-almere-never-started") == []
