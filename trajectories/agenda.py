"""The coaches' agenda, read from the records database: for the API, the CLI, the .ics feed and the digest.

The rows are written by the workflows' projection (``records.agenda``); this module reads them for a window
of dates in Europe/Amsterdam, renders the iCalendar feed, and issues and revokes the feed tokens.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.agenda import AgendaItem
from domain.identifiers import StaffId
from records import agenda as agenda_rows
from records import open_records
from service import config

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
LONGEST_WINDOW = timedelta(days=366)
DEFAULT_WINDOW = timedelta(days=28)
FEED_PAST, FEED_AHEAD = timedelta(days=31), timedelta(days=366)
"""The .ics feed holds the deadlines from a month back to a year ahead."""


class AgendaWindow(BaseModel):
    """Which days of the agenda: ``from`` and ``to`` are dates in Europe/Amsterdam, both inclusive, at most a
    year apart; ``from`` defaults to today, ``to`` to four weeks after ``from``."""

    model_config = ConfigDict(populate_by_name=True)

    start: date | None = Field(
        default=None, alias="from", description="First day (YYYY-MM-DD, Europe/Amsterdam); default today."
    )
    end: date | None = Field(
        default=None, alias="to", description="Last day (YYYY-MM-DD), at most a year after `from`."
    )

    @model_validator(mode="after")
    def within_a_year(self) -> AgendaWindow:
        if self.start is not None and self.end is not None:
            if self.end < self.start:
                raise ValueError("field 'to': must not lie before 'from'")
            if self.end - self.start >= LONGEST_WINDOW:
                raise ValueError("field 'to': the window may span at most a year (366 days) from 'from'")
        return self

    def bounds(self, today: date | None = None) -> tuple[date, date]:
        start = self.start or today or datetime.now(AMSTERDAM).date()
        return start, self.end or start + DEFAULT_WINDOW

    def moments(self, today: date | None = None) -> tuple[datetime, datetime]:
        """The window as UTC moments: ``[from 00:00, the day after to 00:00)`` in Amsterdam."""
        start, end = self.bounds(today)
        return _midnight(start), _midnight(end + timedelta(days=1))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=AMSTERDAM).astimezone(UTC)


def read(coach_id: StaffId, window: AgendaWindow, url: str | None = None) -> list[AgendaItem]:
    """The deadlines of ``coach_id``'s trajectories (and those ``coach_id`` is told of) due in ``window``."""
    start, end = window.moments()
    with open_records(url or config.records_url()).read() as connection:
        return agenda_rows.read_agenda(connection, coach_id, start, end)


def issue_feed_token(coach_id: StaffId, url: str | None = None) -> str:
    with open_records(url or config.records_url()).write() as connection:
        return agenda_rows.issue_feed_token(connection, coach_id)


def revoke_feed_tokens(coach_id: StaffId, url: str | None = None) -> int:
    with open_records(url or config.records_url()).write() as connection:
        return agenda_rows.revoke_feed_tokens(connection, coach_id)


def feed(coach_id: StaffId, token: str, url: str | None = None, now: datetime | None = None) -> bytes | None:
    """The .ics feed of ``coach_id``, or ``None`` when ``token`` is not a live feed token of that coach."""
    records = open_records(url or config.records_url())
    moment = now or datetime.now(UTC)
    with records.read() as connection:
        if not agenda_rows.feed_token_valid(connection, coach_id, token):
            return None
        items = agenda_rows.read_agenda(connection, coach_id, moment - FEED_PAST, moment + FEED_AHEAD)
    return to_ics(coach_id, items, moment)


def to_ics(coach_id: str, items: list[AgendaItem], stamp: datetime) -> bytes:
    """One VEVENT per deadline, UID stable per trajectory and deadline (a moved deadline moves in the calendar),
    a quarter of an hour from the moment it falls due. Ids and kinds only: no personal data in the feed."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//trajectories//agenda//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Agenda {coach_id}")
    for item in items:
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due)
        event.add("dtend", item.due + timedelta(minutes=15))
        event.add("summary", f"{item.kind.replace('_', ' ')}: {item.region} {item.trajectory_id}")
        lines = [item.summary, f"deadline {item.deadline}"] + ([item.moved] if item.moved else [])
        event.add("description", "\n".join(lines))
        calendar.add_component(event)
    return calendar.to_ical()
