"""Working days (*werkdagen*) in Europe/Amsterdam: when a deadline given in days, weeks or months falls due.

A deadline falls due at the start of the working day (policy time, e.g. 08:30 in Amsterdam) on the date it
lands on; a Saturday, a Sunday or a Dutch public holiday moves it to the next working day, or, where the
policy says so for that deadline (a payment must be out before a weekend, not after), to the previous one.

Pure: no I/O and no clock. The public holidays come from the ``holidays`` package's Netherlands calendar,
which computes them (Easter and the days that hang on it, King's Day on the 26th when the 27th is a Sunday);
its English names are computed once, at import, for every year a route can reach, so the workflow sandbox
(``domain`` is passed through) never reads a translation file inside a workflow task.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from pydantic import BaseModel, ConfigDict, Field

SATURDAY, SUNDAY = 5, 6


class Roll(StrEnum):
    """Where a deadline on a non-working day goes."""

    NEXT = "next"
    PREVIOUS = "previous"


class WorkingDays(BaseModel):
    """A region's working-day calendar: policy data (``RegionPolicy.working_days``)."""

    model_config = ConfigDict(frozen=True)

    timezone: str = "Europe/Amsterdam"
    day_starts: time = Field(default=time(8, 30), description="Local time at which a working day's deadlines fall due.")
    country: str = "NL"
    roll: dict[str, Roll] = Field(
        default_factory=dict,
        description="Deadline name → where it goes from a non-working day; ``<family>:*`` names every deadline "
        "``<family>:<key>`` (e.g. ``payment:*``: every payment stream); deadlines not named go to the next.",
    )

    def roll_of(self, name: str) -> Roll:
        """Where deadline ``name`` goes from a non-working day: its own entry, its family's, else the next."""
        if name in self.roll:
            return self.roll[name]
        family, colon, _ = name.partition(":")
        return self.roll.get(f"{family}:*", Roll.NEXT) if colon else Roll.NEXT

    def due(self, name: str, nominal: datetime) -> tuple[datetime, str | None]:
        """When deadline ``name``, nominally at ``nominal``, falls due, and why it moved from its date
        (``None`` when it stayed on its date)."""
        return working_moment(nominal, self, self.roll_of(name))


@lru_cache(maxsize=16)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


_zone(WorkingDays().timezone)  # read the zone's rules now, at import, not in a workflow task


YEARS = range(1900, 2111)
"""The years whose holidays are computed when this module is imported (in about 0.1 s), outside any workflow:
``holidays`` reads its translations with ``gettext``, which the workflow sandbox refuses."""


@lru_cache(maxsize=8)
def _holidays_of(country: str) -> dict[date, str]:
    return dict(holidays.country_holidays(country, years=YEARS, language="en_US"))


_holidays_of(WorkingDays().country)


def _holidays(country: str, year: int) -> dict[date, str]:
    """The public holidays computed at import; for a year outside :data:`YEARS` none, so only weekends close a
    day: such a year comes only from an input at a calendar edge (a diploma in 1900, a re-screening in 2128),
    whose deadline must still be placed without failing a workflow task."""
    return _holidays_of(country) if year in YEARS else {}


def local_time(moment: datetime, zone: str = "Europe/Amsterdam") -> datetime:
    """``moment`` in ``zone`` (the zone's rules read once per process, usable inside a workflow)."""
    return moment.astimezone(_zone(zone))


def closed_because(day: date, calendar: WorkingDays) -> str | None:
    """Why ``day`` is no working day (``"Saturday"``, ``"King's Day"``, …), or ``None`` when it is one."""
    holiday = _holidays(calendar.country, day.year).get(day)
    if holiday:
        return holiday
    if day.weekday() in (SATURDAY, SUNDAY):
        return day.strftime("%A")
    return None


def working_day(day: date, calendar: WorkingDays, roll: Roll = Roll.NEXT) -> tuple[date, str | None]:
    """``day`` itself when it is a working day, else the nearest one in ``roll``'s direction, with the reason
    the first day was skipped (e.g. ``"Saturday 2027-04-24"``)."""
    reason = closed_because(day, calendar)
    if reason is None:
        return day, None
    step = timedelta(days=1 if roll == Roll.NEXT else -1)
    moved = day + step
    while closed_because(moved, calendar) is not None:
        moved += step
    return moved, f"{reason} {day.isoformat()}"


def working_moment(nominal: datetime, calendar: WorkingDays, roll: Roll = Roll.NEXT) -> tuple[datetime, str | None]:
    """The start of the working day (``calendar.day_starts`` local time) of ``nominal``'s local date, moved
    off weekends and holidays; returned in UTC, with the reason it moved (``None`` if it kept its date).

    Summer time does not move the hour: 08:30 is 08:30 in Amsterdam in January and in July."""
    zone = _zone(calendar.timezone)
    local_date = nominal.astimezone(zone).date()
    day, reason = working_day(local_date, calendar, roll)
    start = datetime.combine(day, calendar.day_starts, tzinfo=zone)
    return start.astimezone(UTC), (f"moved from {reason}" if reason else None)
