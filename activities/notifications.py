"""Notifications to coaches and team leads, through a pluggable channel.

The channel is chosen by configuration (``activities.channels.channel_from_config``): the outbox (default),
SMTP e-mail or a signed webhook. Whatever the channel, each delivery gets an audit row, and a notification that
still fails after its retries is reported to operations. Since the ``projected-deliveries`` patch the workflow
writes those rows in its projection (``deliver_only``, ``alert_undeliverable`` only deliver and alert): a records
database that is down delays the row, never turns a delivered notification into an undeliverable one. Runs
from before use ``deliver_notification``/``send_notification`` and ``report_undeliverable``, which write the row
inside the activity.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Protocol

from temporalio import activity

from activities.audit import AuditLog
from activities.outbox import Outbox
from domain.absences import Absence, stand_in_note
from domain.messages import (
    DeliveryReceipt,
    NotificationDelivery,
    NotificationMessage,
    NotificationReceipt,
    UndeliverableNotice,
    notification_audit_entry,
)

log = logging.getLogger(__name__)

UNDELIVERABLE = "undeliverable"
"""The outbox folder, audit result and notification kind operations look for."""


class StandIns(Protocol):
    """The roster of absences (``records.absences.Roster``): whose absence covers a moment, with its stand-in."""

    def absence_covering(self, staff_id: str, moment: datetime) -> Absence | None: ...


class NotificationChannel(Protocol):
    """Delivers a message. Must be idempotent on ``message.id``: return False when it was delivered before."""

    async def deliver(self, message: NotificationMessage) -> bool: ...


class OutboxChannel:
    """The default channel: one JSON file per message in the outbox, and a log line."""

    name = "outbox"

    def __init__(self, outbox: Outbox):
        self.outbox = outbox

    async def deliver(self, message: NotificationMessage) -> bool:
        written = self.outbox.put("notifications", message.id, message)
        # Log ids and kinds only: never personal data.
        log.info(
            "notification %s %s to %s for %s (%s)",
            message.id,
            message.kind,
            message.recipient,
            message.workflow_id,
            "written" if written else "already delivered",
        )
        return written


class DeliveryLedger:
    """What an external channel has delivered, kept in the outbox (``delivered/<id>.json``).

    An e-mail relay or a webhook receiver cannot be asked "did you get this already?", so the ledger is
    checked before sending and written after: a retry after a successful send sends nothing. The message
    also carries the id to the receiver (``Message-ID``, ``Idempotency-Key``) for the one window the ledger
    cannot close (a crash between the send and the ledger write).
    """

    def __init__(self, outbox: Outbox, channel: str):
        self.outbox = outbox
        self.channel = channel

    def delivered(self, message: NotificationMessage) -> bool:
        return self.outbox.has("delivered", message.id)

    def record(self, message: NotificationMessage) -> None:
        receipt = DeliveryReceipt(id=message.id, channel=self.channel, delivered_at=datetime.now(UTC))
        self.outbox.put("delivered", message.id, receipt)


class NotificationActivities:
    """Activities that notify people; the channel is chosen when the worker is built."""

    def __init__(
        self,
        channel: NotificationChannel,
        *,
        outbox: Outbox | None = None,
        audit: AuditLog | None = None,
        operations: str = "operations",
        stand_ins: StandIns | None = None,
    ):
        self.channel = channel
        self.outbox = outbox
        self.audit = audit
        self.operations = operations
        self.stand_ins = stand_ins

    @property
    def channel_name(self) -> str:
        return str(getattr(self.channel, "name", type(self.channel).__name__))

    @activity.defn
    async def send_notification(self, message: NotificationMessage) -> bool:
        """Deliver ``message`` once; a retry after a delivered attempt is a no-op. Audited in the same activity."""
        delivered = await self.channel.deliver(message)
        await self._audit(message, message.id, "delivered", f"channel:{self.channel_name}")
        return delivered

    @activity.defn
    async def deliver_notification(self, message: NotificationMessage) -> NotificationDelivery:
        """Deliver ``message`` to whoever receives it now (:meth:`receiver`) and write its audit row (runs from
        before ``projected-deliveries``: a records database that is down fails this after the delivery)."""
        message = await self.receiver(message)
        delivered = await self.channel.deliver(message)
        stand_in = f"stand-in for {message.stand_in_for}" if message.stand_in_for else ""
        await self._audit(message, message.id, "delivered", f"channel:{self.channel_name}", stand_in)
        return NotificationDelivery(recipient=message.recipient, stand_in_for=message.stand_in_for, delivered=delivered)

    @activity.defn
    async def deliver_only(self, message: NotificationMessage) -> NotificationReceipt:
        """Deliver ``message`` to whoever receives it now (:meth:`receiver`) and say to whom, through which channel,
        when. Writes no audit row: the workflow writes it in its projection, so once the channel has the message
        it stays delivered, whatever the records database does (``projected-deliveries``)."""
        message = await self.receiver(message)
        delivered = await self.channel.deliver(message)
        return NotificationReceipt(
            recipient=message.recipient, stand_in_for=message.stand_in_for, delivered=delivered,
            channel=self.channel_name, delivered_at=datetime.now(UTC),
        )  # fmt: skip

    async def receiver(self, message: NotificationMessage) -> NotificationMessage:
        """``message`` as it goes out: to the recipient, or during their absence to their stand-in, with a line
        saying for whom. The roster is read here, when sending, so an absence registered or cancelled later
        applies without touching any trajectory. The absence that counts is the one covering the moment the
        notification was raised (``created_at``), so every retry of it goes to the same person. A roster that
        cannot be read (the records database is down) fails the attempt before anything is sent: it is retried,
        rather than sent to someone who may be away."""
        absence = None
        if self.stand_ins is not None:
            absence = await asyncio.to_thread(self.stand_ins.absence_covering, message.recipient, message.created_at)
        if absence is None:
            return message
        return message.model_copy(
            update={
                "recipient": absence.stand_in,
                "stand_in_for": message.recipient,
                "subject": f"[stand-in for {message.recipient}] {message.subject}",
                "body": f"{stand_in_note(absence)}\n\n{message.body}",
            }
        )

    @activity.defn
    async def report_undeliverable(self, notice: UndeliverableNotice) -> None:
        """Raise a notification that failed after its retries (:meth:`raise_alarm`) and write its audit row."""
        await self.raise_alarm(notice)
        message = notice.message
        await self._audit(
            message, f"{message.id}:{UNDELIVERABLE}", UNDELIVERABLE, f"channel:{self.channel_name}", notice.error
        )

    @activity.defn
    async def alert_undeliverable(self, notice: UndeliverableNotice) -> str:
        """Raise a notification that failed after its retries (:meth:`raise_alarm`) and return the failing
        channel's name; the workflow writes the audit row (``projected-deliveries``)."""
        await self.raise_alarm(notice)
        return self.channel_name

    async def raise_alarm(self, notice: UndeliverableNotice) -> None:
        """A marker file and an operations message. The operations message goes through the outbox, never the
        failing channel."""
        message = notice.message
        if self.outbox is not None:
            self.outbox.put(UNDELIVERABLE, message.id, notice)
            alert = NotificationMessage(
                id=f"{message.id}:{UNDELIVERABLE}",
                kind=f"notification_{UNDELIVERABLE}",
                recipient=self.operations,
                region=message.region,
                trajectory_id=message.trajectory_id,
                workflow_id=message.workflow_id,
                subject=f"[{message.region}] undeliverable notification {message.id}",
                body=f"{message.kind} for {message.recipient} could not be delivered: {notice.error}",
                due=message.due,
                created_at=notice.noticed_at,
            )
            await OutboxChannel(self.outbox).deliver(alert)
        log.warning(
            "notification %s %s to %s is undeliverable: %s", message.id, message.kind, message.recipient, notice.error
        )

    async def _audit(self, message: NotificationMessage, key: str, result: str, origin: str, detail: str = "") -> None:
        if self.audit is None:
            return
        entry = notification_audit_entry(
            message, key=key, result=result, origin=origin, at=datetime.now(UTC), detail=detail
        )
        await self.audit.write_async(entry)
