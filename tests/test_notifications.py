"""Notifications reach the channel once, even when an activity is retried after delivering."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from activities.notifications import OutboxChannel
from activities.outbox import Outbox
from domain.messages import NotificationMessage
from tests.scenario import COACH, Trajectory, notifications
from worker import build_worker


def message(message_id: str = "trajectory-almere-x:n1") -> NotificationMessage:
    return NotificationMessage(
        id=message_id,
        kind="absence_reported",
        recipient=COACH,
        region="almere",
        trajectory_id="x",
        workflow_id="trajectory-almere-x",
        subject="s",
        body="b",
        created_at=datetime.now(UTC),
    )


async def test_outbox_writes_a_message_once(tmp_path: Path):
    channel = OutboxChannel(Outbox(tmp_path))
    assert await channel.deliver(message()) is True
    assert await channel.deliver(message()) is False
    files = list((tmp_path / "notifications").glob("*.json"))
    assert len(files) == 1 and json.loads(files[0].read_text())["kind"] == "absence_reported"


class DeliversThenCrashes(OutboxChannel):
    """Delivers, then fails before the activity can report success: the worst moment for a retry."""

    def __init__(self, outbox: Outbox):
        super().__init__(outbox)
        self.attempts = 0

    async def deliver(self, message: NotificationMessage) -> bool:
        self.attempts += 1
        delivered = await super().deliver(message)
        if self.attempts == 1:
            raise ConnectionError("lost the connection after delivering")
        return delivered


async def test_retried_notification_is_not_sent_twice(env, tmp_path: Path):
    channel = DeliversThenCrashes(Outbox(tmp_path))
    async with build_worker(env.client, f"test-{uuid.uuid4()}", outbox=tmp_path, channel=channel) as worker:
        t = await Trajectory.start(env, worker)
        await t.to_employed()
        await t.send("absence_reported", days_absent=1)
        await t.sleep(timedelta(seconds=5))
        view = await t.view()
        await t.send("withdrawn", reason="end of test")
        await t.handle.result()
    assert channel.attempts == 2, "the activity was retried"
    assert len(notifications(view, "absence_reported")) == 1
    assert len(list((tmp_path / "notifications").glob("*.json"))) == 1
