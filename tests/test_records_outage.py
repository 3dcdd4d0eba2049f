"""A records database that is down delays the audit rows, never the work: a notification delivered meanwhile stays
delivered (it used to turn "undeliverable" when its own audit write kept failing), deadlines still fire, and
every row is written once the database is back, its chain intact."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from activities.audit import AuditLog
from activities.outbox import Outbox
from tests.postgres import PostgresCluster, cluster
from tests.scenario import OTHER_COACH, Trajectory, notifications
from trajectories.audit import verify_trail
from worker import build_worker


@pytest.fixture
def own_postgres() -> Iterator[PostgresCluster]:
    """A cluster of this test's own: it is stopped mid-test, which the session's shared one must never be."""
    yield from cluster()


async def test_a_notification_delivered_while_the_database_is_down_stays_delivered(
    env, tmp_path: Path, own_postgres: PostgresCluster
):
    url = own_postgres.database()
    outbox = Outbox(tmp_path / "outbox")
    async with build_worker(env.client, f"test-{uuid.uuid4()}", outbox=outbox.root, audit=url) as worker:
        t = await Trajectory.start(env, worker)
        await t.settle()
        own_postgres.stop()
        await t.send("coach_reassigned", coach_id=OTHER_COACH)  # notifies the new coach
        await t.sleep(timedelta(hours=4))  # past every attempt a failing notification gets
        view = await t.view()
        [assigned] = [n for n in notifications(view, "trajectory_assigned") if n.recipient == OTHER_COACH]
        assert assigned.status == "sent" and outbox.has("notifications", assigned.id)
        assert not outbox.records("undeliverable")

        own_postgres.start()
        keys = {f"{t.handle.id}:event1", assigned.id}
        for _ in range(300):  # the projection's retry (backoff up to 5 minutes, skipped) writes the waiting rows
            await t.sleep(timedelta(minutes=1))
            if keys <= {row.key for row in AuditLog(url).trail(t.handle.id)}:
                break
            await asyncio.sleep(0.05)
        await t.send("withdrawn", reason="end of test")
        await t.handle.result()

    trail = AuditLog(url).trail(t.handle.id)
    delivered = [row for row in trail if row.key == assigned.id]
    assert [(row.result, row.origin) for row in delivered] == [("delivered", "channel:outbox")]
    assert [row.name for row in trail if row.kind == "event"] == ["coach_reassigned", "withdrawn"]
    assert len({row.key for row in trail}) == len(trail) and verify_trail(t.handle.id, url).intact
