"""Calendar arithmetic the routes need and ``timedelta`` lacks."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timezone
from typing import TypeVar

D = TypeVar("D", date, datetime)


def add_months(value: D, months: int) -> D:
    """``value`` plus whole calendar months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month_index = value.month - 1 + months
    year, month = value.year + month_index // 12, month_index % 12 + 1
    day = min(value.day, calendar.monthrange(year, month)[1])
    return value.replace(year=year, month=month, day=day)


def start_of_day(value: date) -> datetime:
    """Midnight UTC at the start of ``value``: deadlines on a date fire when that day begins."""
    return datetime.combine(value, time.min, tzinfo=timezone.utc)
