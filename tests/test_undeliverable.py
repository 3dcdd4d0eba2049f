"""A notification that still fails after its retries is recorded undeliverable and raised to operations."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path

from activities.audit import AuditLog
from activities.outbox import Outbox
from activities.webhook import WebhookChannel
from domain.policy import ALMERE
from service.config import WebhookSettings
from tests.cli_runner import run
from tests.receivers import webhook_server
from tests.scenario import OTHER_COACH, Trajectory, notifications
from worker import build_worker


async def test_a_notification_that_keeps_failing_is_recorded_undeliverable_and_raised(env, tmp_path: Path, capsys):
    """A webhook signed with the wrong secret is refused every time: the retries run out, nothing is lost."""
    audit = AuditLog(f"sqlite:///{tmp_path}/audit.db")
    outbox = Outbox(tmp_path / "outbox")
    with webhook_server("the-right-secret") as receiver:
        channel = WebhookChannel(WebhookSettings(url=receiver.url, secret="a-wrong-secret", timeout=2), outbox)
        async with build_worker(
            env.client, f"test-{uuid.uuid4()}", outbox=outbox.root, channel=channel, audit=audit
        ) as worker:
            t = await Trajectory.start(env, worker)
            await t.send("coach_reassigned", coach_id=OTHER_COACH)
            await t.sleep(timedelta(hours=4))  # past the whole backoff of the policy's attempts
            view = await t.view()
            await t.send("withdrawn", reason="end of test")
            await t.handle.result()

    assert receiver.rejected == ALMERE.notification_attempts and not receiver.received
    [record] = notifications(view, "trajectory_assigned")
    assert record.status == "undeliverable" and "401" in (record.error or "")

    marker = json.loads(outbox.path_for("undeliverable", record.id).read_text())
    assert marker["message"]["id"] == record.id and "401" in marker["error"]
    alert = json.loads(outbox.path_for("notifications", f"{record.id}:undeliverable").read_text())
    assert alert["recipient"] == "operations" and alert["kind"] == "notification_undeliverable"

    [row] = audit.by_result("undeliverable")
    assert row.workflow_id == t.handle.id and row.name == "trajectory_assigned" and "401" in row.detail
    assert not [
        r
        for r in audit.trail(t.handle.id)
        if r.kind == "notification" and r.result == "delivered" and r.name == "trajectory_assigned"
    ]

    listed = await run(capsys, "undeliverable", "--audit-url", f"sqlite:///{tmp_path}/audit.db", "--json")
    assert listed.code == 0 and [row["workflow_id"] for row in json.loads(listed.out)] == [t.handle.id]
