"""Inputs of the side-effect activities. They carry pseudonymous references only."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from domain.payments import PaymentOrder

__all__ = ["PaymentOrder"]  # one payment model for every region: domain/payments.py


class NotificationMessage(BaseModel):
    """A timed message for a coach or team lead. ``id`` is stable across retries: channels deduplicate on it."""

    id: str
    kind: str
    recipient: str
    region: str
    trajectory_id: str
    workflow_id: str
    subject: str
    body: str
    due: datetime | None = None
    created_at: datetime
    stand_in_for: str | None = None
    """Set when ``recipient`` receives this as stand-in for this (absent) person: the notification was meant for them."""


class NotificationDelivery(BaseModel):
    """What ``deliver_notification`` did: who actually received the message (the stand-in during an absence)."""

    recipient: str
    stand_in_for: str | None = None
    delivered: bool
    """False when the channel had delivered it before (a retry)."""


class UwvAdviceRequest(BaseModel):
    """A request for UWV's sheltered-work advice, filed by the municipality together with the candidate."""

    id: str
    kind: str = "sheltered_work_advice"
    """``sheltered_work_advice``, or ``reexamination`` (herkeuring) for onward to regular work."""
    region: str
    trajectory_id: str
    participant_ref: str
    requested_by: str
    requested_at: datetime


class DeliveryReceipt(BaseModel):
    """Kept in the outbox when a channel other than the outbox delivered a message: the ledger of what was sent."""

    id: str
    channel: str
    delivered_at: datetime


class UndeliverableNotice(BaseModel):
    """A notification that still failed after its retries: raised to operations, never dropped silently."""

    message: NotificationMessage
    error: str
    noticed_at: datetime


class AuditEntry(BaseModel):
    """One row of the audit trail: who did what on which trajectory, with what result, from where, when.

    Pseudonymous only: the workflow id and actor ids, never event notes or payloads. ``key`` is unique, so a
    retried activity writes the row once.
    """

    key: str
    workflow_id: str
    kind: str  # "event" or "notification"
    name: str  # the event's or the notification's kind
    actor: str
    result: str
    origin: str
    at: datetime
    detail: str = ""
    client: str = ""  # the authenticated API client (BIO 8.15 "oorsprong" names it too); "" for the worker's own
