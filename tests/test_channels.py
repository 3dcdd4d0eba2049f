"""Notification channels against real receivers on loopback: SMTP (aiosmtpd) and a signed webhook."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from activities.channels import channel_from_config
from activities.notifications import OutboxChannel
from activities.outbox import Outbox
from activities.smtp import SmtpChannel
from activities.webhook import WebhookChannel, WebhookDeliveryFailed, payload_for, sign, verify
from domain.messages import NotificationMessage
from service.config import SmtpSettings, WebhookSettings
from tests.receivers import smtp_server, webhook_server
from tests.scenario import COACH, Trajectory
from worker import build_worker

DUE = datetime(2027, 3, 1, tzinfo=UTC)


def message(due: datetime | None = DUE, message_id: str = "trajectory-almere-x:n7") -> NotificationMessage:
    return NotificationMessage(
        id=message_id,
        kind="trial_end_due",
        recipient=COACH,
        region="almere",
        trajectory_id="x",
        workflow_id="trajectory-almere-x",
        subject="[almere] trial end due: trajectory x",
        body="8-week trial — due 2027-03-01. State: trial.",
        due=due,
        created_at=datetime(2027, 2, 1, tzinfo=UTC),
    )


def calendar_event(ics: bytes):
    events = Calendar.from_ical(ics).walk("VEVENT")
    assert len(events) == 1
    return events[0]


async def test_smtp_sends_one_mail_with_a_calendar_attachment(tmp_path: Path):
    with smtp_server() as (inbox, port):
        settings = SmtpSettings(
            host="127.0.0.1", port=port, sender="noreply@gemeente.example", to_template="{recipient}@coaches.example"
        )
        channel = SmtpChannel(settings, Outbox(tmp_path))
        assert await channel.deliver(message()) is True
        assert await channel.deliver(message()) is False, "a retry after delivery sends nothing"
    assert len(inbox.messages) == 1
    mail = inbox.messages[0]
    assert mail["To"] == "coach-anna@coaches.example"
    assert mail["Message-ID"] == "<trajectory-almere-x.n7@trajectories>"
    assert "due 2027-03-01" in mail.get_body(("plain",)).get_content()
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content_type() == "text/calendar" and attachment.get_filename() == "due.ics"
    event = calendar_event(attachment.get_content().encode())
    assert event.decoded("dtstart") == DUE.date()
    assert str(event["uid"]) == "trajectory-almere-x:n7@trajectories"


async def test_smtp_mail_without_due_date_has_no_attachment(tmp_path: Path):
    with smtp_server() as (inbox, port):
        await SmtpChannel(SmtpSettings(host="127.0.0.1", port=port), Outbox(tmp_path)).deliver(message(due=None))
    assert len(inbox.messages) == 1 and not list(inbox.messages[0].iter_attachments())


async def test_smtp_unreachable_raises_so_the_activity_retries(tmp_path: Path):
    from trajectories.local_server import free_port

    channel = SmtpChannel(SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2), Outbox(tmp_path))
    with pytest.raises(Exception):  # noqa: B017 (whatever the SMTP client raises: the activity retries)
        await channel.deliver(message())
    assert not Outbox(tmp_path).has("delivered", message().id), "nothing is recorded as delivered"


async def test_webhook_posts_once_signed_with_idempotency_key_and_calendar(tmp_path: Path):
    with webhook_server("s3cret") as receiver:
        channel = WebhookChannel(WebhookSettings(url=receiver.url, secret="s3cret"), Outbox(tmp_path))
        assert await channel.deliver(message()) is True
        assert await channel.deliver(message()) is False
    assert receiver.rejected == 0 and len(receiver.received) == 1
    [request] = receiver.received
    assert request["headers"]["Idempotency-Key"] == "trajectory-almere-x:n7"
    assert request["body"]["kind"] == "trial_end_due" and request["body"]["workflow_id"] == "trajectory-almere-x"
    assert calendar_event(request["body"]["calendar"].encode()).decoded("dtstart") == DUE.date()


async def test_webhook_with_wrong_secret_is_refused_and_raises(tmp_path: Path):
    with webhook_server("the-right-one") as receiver:
        channel = WebhookChannel(WebhookSettings(url=receiver.url, secret="a-wrong-one"), Outbox(tmp_path))
        with pytest.raises(WebhookDeliveryFailed, match="401"):
            await channel.deliver(message())
    assert receiver.rejected == 1 and not receiver.received


def test_signature_verification_rejects_tampering_and_old_timestamps():
    body = payload_for(message())
    signature = sign("k", 1_800_000_000, body)
    assert verify("k", "1800000000", signature, body, now=1_800_000_010)
    assert not verify("k", "1800000000", signature, body + b" ", now=1_800_000_010)
    assert not verify("other", "1800000000", signature, body, now=1_800_000_010)
    assert not verify("k", "1800000000", signature, body, now=1_800_001_000), "older than the tolerance"
    assert not verify("k", "not-a-time", signature, body)


def test_channel_is_chosen_by_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    box = Outbox(tmp_path)
    monkeypatch.delenv("TRAJECTORIES_NOTIFY_CHANNEL", raising=False)
    assert isinstance(channel_from_config(box), OutboxChannel)
    monkeypatch.setenv("TRAJECTORIES_NOTIFY_CHANNEL", "smtp")
    monkeypatch.setenv("TRAJECTORIES_SMTP_HOST", "mail.example")
    monkeypatch.setenv("TRAJECTORIES_SMTP_PORT", "2525")
    chosen = channel_from_config(box)
    assert isinstance(chosen, SmtpChannel) and chosen.settings.port == 2525
    monkeypatch.setenv("TRAJECTORIES_NOTIFY_CHANNEL", "webhook")
    with pytest.raises(ValueError, match="TRAJECTORIES_WEBHOOK_SECRET"):
        channel_from_config(box)
    monkeypatch.setenv("TRAJECTORIES_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    monkeypatch.setenv("TRAJECTORIES_WEBHOOK_SECRET", "s")
    assert isinstance(channel_from_config(box), WebhookChannel)
    monkeypatch.setenv("TRAJECTORIES_NOTIFY_CHANNEL", "pigeon")
    with pytest.raises(ValueError, match="outbox, smtp or webhook"):
        channel_from_config(box)


async def test_a_deadline_reaches_the_coach_by_mail_with_its_calendar_entry(env, tmp_path: Path):
    """End to end on the time-skipping server: the observation deadline fires and the coach gets an e-mail."""
    with smtp_server() as (inbox, port):
        channel = SmtpChannel(SmtpSettings(host="127.0.0.1", port=port), Outbox(tmp_path))
        async with build_worker(env.client, f"test-{uuid.uuid4()}", outbox=tmp_path, channel=channel) as worker:
            t = await Trajectory.start(env, worker)
            view = await t.send("observation_started")
            due = view.deadlines["observation_end"]
            await t.sleep_until(due)
            view = await t.view()
            await t.send("withdrawn", reason="end of test")
            await t.handle.result()
    [sent] = [n for n in view.notifications if n.due == due]
    [mail] = [m for m in inbox.messages if m["Message-ID"] == f"<{sent.id.replace(':', '.')}@trajectories>"]
    [attachment] = list(mail.iter_attachments())
    assert calendar_event(attachment.get_content().encode()).decoded("dtstart") == due.date()
