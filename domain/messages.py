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


class NotificationReceipt(NotificationDelivery):
    """What ``deliver_only`` did: also through which channel and when, for the audit row the workflow writes."""

    channel: str
    delivered_at: datetime


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


def notification_audit_entry(
    message: NotificationMessage, *, key: str, result: str, origin: str, at: datetime, detail: str = ""
) -> AuditEntry:
    """The audit row of a notification's delivery (``key`` = its id) or of its being undeliverable: the
    recipient's id (the stand-in's, if one received it), never the message's text."""
    return AuditEntry(
        key=key,
        workflow_id=message.workflow_id,
        kind="notification",
        name=message.kind,
        actor="system",
        result=result,
        origin=origin,
        at=at,
        detail=f"to {message.recipient}" + (f"; {detail}" if detail else ""),
    )


def delivered_entry(message: NotificationMessage, delivery: NotificationReceipt) -> AuditEntry:
    """The audit row of ``message`` delivered as ``delivery`` says (``deliver_only``), written by the workflow."""
    received = message.model_copy(update={"recipient": delivery.recipient})
    stand_in = f"stand-in for {delivery.stand_in_for}" if delivery.stand_in_for else ""
    return notification_audit_entry(
        received, key=message.id, result="delivered", origin=f"channel:{delivery.channel}", at=delivery.delivered_at,
        detail=stand_in,
    )  # fmt: skip
