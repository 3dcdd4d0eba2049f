"""Notifications to coaches and team leads, through a pluggable channel."""

from __future__ import annotations

import logging
from typing import Protocol

from temporalio import activity

from activities.outbox import Outbox
from domain.messages import NotificationMessage

log = logging.getLogger(__name__)


class NotificationChannel(Protocol):
    """Delivers a message. Must be idempotent on ``message.id``: return False when it was delivered before."""

    async def deliver(self, message: NotificationMessage) -> bool: ...


class OutboxChannel:
    """The default channel: one JSON file per message in the outbox, and a log line."""

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


class NotificationActivities:
    """Activities that notify people; the channel is chosen when the worker is built."""

    def __init__(self, channel: NotificationChannel):
        self.channel = channel

    @activity.defn
    async def send_notification(self, message: NotificationMessage) -> bool:
        """Deliver ``message`` once; a retry after a delivered attempt is a no-op."""
        return await self.channel.deliver(message)
