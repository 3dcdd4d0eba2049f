"""Absences and stand-ins (afwezigheid en vervanging): who receives a coach's notifications while they are away.

An absence covers whole days in Europe/Amsterdam, ``from`` up to and including ``to``: from the start of the
first day to the start of the day after the last, whatever the UTC offset is then. A notification raised in
that window reaches the stand-in, saying for whom; ownership of the trajectories stays with the coach.
Pure: the roster itself lives in the records database (``records/absences.py``).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from domain.identifiers import StaffId

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def start_of_day(day: date) -> datetime:
    """The moment ``day`` begins in Europe/Amsterdam (aware; 23:00 or 22:00 UTC the day before)."""
    return datetime.combine(day, time(0), AMSTERDAM)


class AbsenceRequest(BaseModel):
    """The body of ``POST /coaches/{coach_id}/absences``: the first and last day away, and who stands in."""

    model_config = ConfigDict(extra="forbid", validate_by_name=True, validate_by_alias=True, serialize_by_alias=True)

    first_day: date = Field(alias="from", description="First day away (Europe/Amsterdam).")
    last_day: date = Field(alias="to", description="Last day away, included.")
    stand_in: StaffId | None = Field(
        default=None, description="Who receives the notifications; default: the region policy's default stand-in."
    )

    @field_validator("last_day")
    @classmethod
    def _not_before_first(cls, last_day: date, info: ValidationInfo) -> date:
        first_day = info.data.get("first_day")
        if first_day is not None and last_day < first_day:
            raise ValueError(f"the absence ends ({last_day}) before it starts ({first_day})")
        return last_day


class Absence(BaseModel):
    """One absence on the roster. ``cancelled_at`` set: it no longer counts (kept for the record)."""

    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True, serialize_by_alias=True)

    id: str
    coach_id: str
    first_day: date = Field(alias="from")
    last_day: date = Field(alias="to")
    stand_in: str
    created_at: datetime
    cancelled_at: datetime | None = None

    @property
    def starts_at(self) -> datetime:
        return start_of_day(self.first_day)

    @property
    def ends_at(self) -> datetime:
        """The start of the day after the last: the first moment the coach is back."""
        return start_of_day(self.last_day + timedelta(days=1))

    def covers(self, moment: datetime) -> bool:
        return self.cancelled_at is None and self.starts_at <= moment < self.ends_at

    def overlaps(self, first_day: date, last_day: date) -> bool:
        return self.cancelled_at is None and self.first_day <= last_day and first_day <= self.last_day


def stand_in_problem(coach_id: str, stand_in: str) -> str | None:
    """Why ``stand_in`` cannot stand in for ``coach_id``, or None."""
    if stand_in == coach_id:
        return "the stand-in must be another person than the absent coach"
    return None


def stand_in_note(absence: Absence) -> str:
    """What the stand-in reads above the message: for whom, and until when (staff ids only)."""
    return f"You receive this as stand-in for {absence.coach_id}, absent {absence.first_day} to {absence.last_day}."


class AbsenceRefused(ValueError):
    """An absence that cannot be put on the roster; ``fields`` names the request's offending fields."""

    def __init__(self, message: str, fields: list[str]):
        super().__init__(message)
        self.message, self.fields = message, fields
