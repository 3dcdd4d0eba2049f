"""A records database that is down delays the records, never the work: a notification the channel has delivered
stays delivered (it used to turn "undeliverable" when its own audit write kept failing, issue 19), and its
audit row is written once the database is back, the chain intact.

A real PostgreSQL cluster of the test's own is stopped (``pg_ctl -m immediate``, as a crash would) right after
the channel delivered, then started again.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from activities.audit import AuditLog
from activities.notifications import OutboxChannel
from activities.outbox import Outbox
from domain.messages import NotificationMessage
from tests.postgres import PostgresCluster, cluster
from tests.scenario import COACH, OTHER_COACH, Trajectory, notifications
from trajectories.audit import verify_trail
from worker import build_worker


@pytest.fixture
def own_postgres() -> Iterator[PostgresCluster]:
    """A cluster of this test's own: it is stopped mid-test, which the session's shared one must never be."""
    yield from cluster()


class OutageAfterDelivery(OutboxChannel):
    """The outbox channel, whose first delivery is followed at once by the records database going down."""

    def __init__(self, outbox: Outbox, database: PostgresCluster):
        super().__init__(outbox)
        self.database = database
        self.down = False

    async def deliver(self, message: NotificationMessage) -> bool:
        delivered = await super().deliver(message)
        if not self.down:
            self.down = True
            await asyncio.to_thread(self.database.stop)
        return delivered


async def rows_written(t: Trajectory, url: str, keys: set[str]) -> None:
    """Skip time until ``keys`` are in the audit trail (the projection's retries back off up to 5 minutes)."""
    for _ in range(300):
        await t.sleep(timedelta(minutes=1))
        if keys <= {row.key for row in AuditLog(url).trail(t.handle.id)}:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"rows {sorted(keys)} never written")


async def test_a_delivered_notification_stays_delivered_while_the_records_database_is_down(
    env, tmp_path: Path, own_postgres: PostgresCluster
) -> None:
    url = own_postgres.database()
    outbox = Outbox(tmp_path / "outbox")
    channel = OutageAfterDelivery(outbox, own_postgres)
    async with build_worker(
        env.client, f"test-{uuid.uuid4()}", outbox=outbox.root, channel=channel, audit=url
    ) as worker:
        t = await Trajectory.start(env, worker)
        await t.settle()
        await t.send("coach_reassigned", coach_id=OTHER_COACH)  # notifies the new coach; the database goes down
        await t.sleep(timedelta(hours=5))  # past the 15 attempts (about 4 hours) a failing notification gets
        [assigned] = notifications(await t.view(), "trajectory_assigned")
        assert channel.down and assigned.recipient == OTHER_COACH
        assert assigned.status == "sent" and outbox.has("notifications", assigned.id)
        assert not outbox.records("undeliverable")

        # While the roster of absences cannot be read, the next notification waits: it is neither sent to someone
        # who may be away nor given up on within the outage.
        await t.send("coach_reassigned", coach_id=COACH)
        await t.sleep(timedelta(minutes=30))
        assert not notifications(await t.view(), "trajectory_assigned")[1:]
        assert not outbox.records("undeliverable")

        own_postgres.start()
        await rows_written(t, url, {f"{t.handle.id}:event1", f"{t.handle.id}:event2", assigned.id})
        [_, reassigned] = notifications(await t.view(), "trajectory_assigned")
        assert (reassigned.recipient, reassigned.status) == (COACH, "sent")
        await rows_written(t, url, {reassigned.id})
        await t.send("withdrawn", reason="end of test")
        await t.handle.result()

    trail = AuditLog(url).trail(t.handle.id)
    assert [(row.key, row.result, row.origin, row.detail) for row in trail if row.kind == "notification"] == [
        (assigned.id, "delivered", "channel:outbox", f"to {OTHER_COACH}"),
        (reassigned.id, "delivered", "channel:outbox", f"to {COACH}"),
    ]
    assert [row.name for row in trail if row.kind == "event"] == ["coach_reassigned", "coach_reassigned", "withdrawn"]
    assert not outbox.records("undeliverable")
    assert len({row.key for row in trail}) == len(trail) and verify_trail(t.handle.id, url).intact
