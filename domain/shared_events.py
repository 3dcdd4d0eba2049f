"""Events that several routes share, with the same fields and meaning. A route lists them in its catalogue."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from domain.events import EventBase
from domain.identifiers import Reason, StaffId


class AdviceReceived(EventBase):
    """UWV's sheltered-work advice (advies beschut werk) arrived; what follows depends on the route."""

    event: Literal["advice_received"]
    outcome: Literal["positive", "negative"]
    uwv_reference: str | None = Field(default=None, max_length=64)


class WageValueAssessed(EventBase):
    """The wage-value assessment (loonwaardemeting): measured productivity, which sets the wage-cost subsidy."""

    event: Literal["wage_value_assessed"]
    wage_value_percent: int = Field(ge=0, le=100)


class CoachReassigned(EventBase):
    """The trajectory is handed to another coach or consultant (e.g. a colleague during holidays)."""

    event: Literal["coach_reassigned"]
    coach_id: StaffId


class Withdrawn(EventBase):
    """The participant withdraws: a step to work is a choice."""

    event: Literal["withdrawn"]
    reason: Reason
