"""What a trajectory remembers and shows: transitions, deadlines, notifications, payments, the view."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Recipient(StrEnum):
    """Whom a notification is for; resolved to a person's id when it is sent."""

    COACH = "coach"
    TEAM_LEAD = "team_lead"
    WAGE_VALUE_SPECIALIST = "wage_value_specialist"
    EMPLOYER = "employer"
    """The trajectory's current employer (``employer_id`` of the case)."""
    NEIGHBOURHOOD_TEAM = "neighbourhood_team"
    CLIENT_MANAGER = "client_manager"
    """The client manager Work & Income, who keeps the benefit (Amsterdam)."""
    YOUTH_TEAM = "youth_team"
    """The region's youth team (jongerenteam), the policy's ``youth_team_id`` (Rijk van Nijmegen's benefit check)."""


class TransitionRecord(BaseModel):
    """One accepted event in the state history."""

    at: datetime
    event: str
    from_state: str = Field(alias="from")
    to_state: str = Field(alias="to")
    actor: str
    client: str | None = Field(default=None, description="The API client that submitted it (None: not via the API).")

    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True, serialize_by_alias=True)


class NotificationRecord(BaseModel):
    """A notification that was handed to the channel, or that could not be and was raised to operations."""

    id: str
    kind: str
    recipient: str
    at: datetime
    due: datetime | None = None
    status: Literal["sent", "undeliverable"] = "sent"
    error: str | None = None
    stand_in_for: str | None = None
    """Set when ``recipient`` received it as stand-in for this absent person (the one it was meant for)."""


class PaymentRecord(BaseModel):
    """A payment order that was handed to the payments system (the view's copy of ``domain.payments.PaymentOrder``).

    Orders made before payments followed the facts have no ``amount_cents``, ``period_end``, ``due`` or ``rule``,
    and their ``period_start`` is the date they were ordered."""

    id: str
    kind: str
    payee: str
    amount: Decimal
    period_start: date
    at: datetime
    amount_cents: int | None = None
    period_end: date | None = None
    due: date | None = None
    rule: str | None = None


class Notify(BaseModel):
    """Deadline action: tell someone something is due or overdue."""

    type: Literal["notify"] = "notify"
    kind: str
    recipient: Recipient


class PaySupervisionFee(BaseModel):
    """Deadline action: order the periodic supervision fee (begeleidingsvergoeding) for the employer."""

    type: Literal["pay_supervision_fee"] = "pay_supervision_fee"
    amount: Decimal


class Pay(BaseModel):
    """Deadline action: order a payment of ``kind`` to the employer (e.g. a one-off job-coaching amount)."""

    type: Literal["pay"] = "pay"
    kind: str
    amount: Decimal


class PayStream(BaseModel):
    """Deadline action: order what payment stream ``key`` has earned since its last order (``workflows/payments.py``)."""

    type: Literal["pay_stream"] = "pay_stream"
    key: str


class SendEvent(BaseModel):
    """Deadline action: send an internal event to the route's machine (e.g. a birthday that changes the owner).

    Internal events are machine events that are not in the route's catalogue: backends cannot send them.
    The event is applied only if the machine allows it when the deadline fires.
    """

    type: Literal["send_event"] = "send_event"
    event: str


DeadlineAction = Notify | PaySupervisionFee | Pay | PayStream | SendEvent


class Escalation(BaseModel):
    """What follows when a deadline fires and nobody acted: a second deadline, later, for someone else."""

    name: str
    after: timedelta
    summary: str
    notify: Notify


class Deadline(BaseModel):
    """An open deadline of a trajectory. Deadlines are data; the workflow runs one timer for the earliest.

    ``scope`` names the states the deadline belongs to: leaving them clears it, so a deadline that was
    met never fires.
    """

    name: str
    due: datetime
    summary: str
    action: DeadlineAction = Field(discriminator="type")
    scope: tuple[str, ...]
    escalation: Escalation | None = None
    every_months: int | None = None
    anchor: datetime | None = None
    occurrence: int = 0
    private: bool = Field(
        default=False,
        description="Due date derived from personal data (a birthday): kept out of search attributes and details.",
    )
    paused_at: datetime | None = None
    """Set while the deadline's clock is stopped: a paused deadline never fires until it is resumed."""
    nominal: datetime | None = None
    """The moment the route's arithmetic gave (e.g. trial start + 6 weeks), when ``due`` was moved to the start
    of a working day (``domain.calendar``); ``None`` for deadlines armed before working days (their ``due`` is
    their nominal moment)."""
    moved: str | None = None
    """Why ``due`` lies on another date than ``nominal`` ("moved from Saturday 2027-04-24"), else ``None``."""

    @property
    def kind(self) -> str:
        """What is due, by name: the notification's kind, the payment's kind, or the internal event."""
        action = self.action
        if isinstance(action, SendEvent):
            return action.event
        if isinstance(action, PaySupervisionFee):
            return "supervision_fee"
        if isinstance(action, PayStream):
            return action.key
        return action.kind


class DueDeadline(BaseModel):
    """One open deadline as the view shows it: what is due, when, and why it is not on its nominal date."""

    name: str
    kind: str
    summary: str
    due: datetime
    nominal: datetime | None = None
    moved: str | None = None


class EventAccepted(BaseModel):
    """What the ``submit_event`` Update returns: the event it applied and where that left the trajectory.

    Not the whole view: an Update's result is stored in the workflow's history, and the view (the transitions,
    notifications and payments so far, the case) grows with every event, so each event recorded the trajectory
    again (issue 14). The ``view`` Query returns it; the HTTP API and the client helpers answer with it."""

    region: str
    trajectory_id: str
    event: str
    state: str
    closed: bool
    allowed_events: list[str]
    deadlines: dict[str, datetime]


class TrajectoryView(BaseModel):
    """What the ``view`` Query returns (and the HTTP API after an event)."""

    region: str
    trajectory_id: str
    state: str
    closed: bool
    coach_id: str
    match_attempts: int
    deadlines: dict[str, datetime]
    allowed_events: list[str]
    history: list[TransitionRecord]
    notifications: list[NotificationRecord]
    payments: list[PaymentRecord]
    case: dict[str, Any] = Field(description="The route's own facts (employer, contract dates, …).")
    due: list[DueDeadline] = Field(
        default_factory=list,
        description="The running deadlines, earliest first: kind, summary, due and why a due date moved "
        "(personal-data deadlines, such as a birthday, are left out).",
    )
