"""The signed-webhook channel: each notification POSTed as JSON, signed with HMAC-SHA256 over timestamp and body.

Receivers verify with :func:`verify` (or the same three lines in their own language): the signature is
``sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>`` in ``X-Trajectories-Signature``, the Unix time in
``X-Trajectories-Timestamp`` (refuse old ones against replays), and ``Idempotency-Key`` is the notification id.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time

import httpx

from activities.calendar import ics_for
from activities.notifications import DeliveryLedger
from activities.outbox import Outbox
from domain.messages import NotificationMessage
from service.config import WebhookSettings

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Trajectories-Signature"
TIMESTAMP_HEADER = "X-Trajectories-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(
    secret: str, timestamp: str, signature: str, body: bytes, *, tolerance: float = 300, now: float | None = None
) -> bool:
    """Whether ``signature`` is ours for ``body`` and ``timestamp`` is within ``tolerance`` seconds of now."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - sent) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature or "")


def payload_for(message: NotificationMessage) -> bytes:
    """The JSON body: the message, plus the iCalendar text under ``calendar`` when something is due."""
    calendar = ics_for(message)
    document = {**message.model_dump(mode="json"), "calendar": calendar.decode("utf-8") if calendar else None}
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode("utf-8")


class WebhookDeliveryFailed(Exception):
    """The receiver answered with a non-2xx status; the activity's retry policy tries again."""


class WebhookChannel:
    """POSTs to the configured URL with httpx; the outbox ledger makes a retried activity send nothing twice."""

    name = "webhook"

    def __init__(self, settings: WebhookSettings, outbox: Outbox):
        self.settings = settings
        self.ledger = DeliveryLedger(outbox, self.name)

    async def deliver(self, message: NotificationMessage) -> bool:
        if self.ledger.delivered(message):
            return False
        body = payload_for(message)
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(self.settings.secret, timestamp, body),
            IDEMPOTENCY_HEADER: message.id,
        }
        async with httpx.AsyncClient(timeout=self.settings.timeout) as client:
            response = await client.post(self.settings.url, content=body, headers=headers)
        if not response.is_success:
            raise WebhookDeliveryFailed(f"webhook answered {response.status_code} for {message.id}")
        self.ledger.record(message)
        log.info("notification %s %s posted for %s", message.id, message.kind, message.recipient)
        return True
