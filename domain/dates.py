"""Calendar arithmetic the routes need and ``timedelta`` lacks."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time
from typing import Annotated, TypeVar

from pydantic import Field

D = TypeVar("D", date, datetime)


def add_months(value: D, months: int) -> D:
    """``value`` plus whole calendar months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month_index = value.month - 1 + months
    year, month = value.year + month_index // 12, month_index % 12 + 1
    day = min(value.day, calendar.monthrange(year, month)[1])
    return value.replace(year=year, month=month, day=day)


def start_of_day(value: date) -> datetime:
    """Midnight UTC at the start of ``value``: deadlines on a date fire when that day begins."""
    return datetime.combine(value, time.min, tzinfo=UTC)


EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2100, 12, 31)

CalendarDate = Annotated[
    date, Field(ge=EARLIEST_DATE, le=LATEST_DATE, description="A date between 1900-01-01 and 2100-12-31.")
]
"""A date a route can compute with: decades of deadline arithmetic around it stay inside Python's calendar
(year 1 … 9999), so an absurd date is refused by name instead of failing a workflow task later."""
