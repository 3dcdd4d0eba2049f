"""Reading the agenda for the weekly digest: the one side effect the digest workflow needs."""

from __future__ import annotations

import asyncio
from datetime import datetime

from pydantic import BaseModel, Field
from temporalio import activity

from domain.agenda import AgendaItem
from records import Records
from records import agenda as agenda_rows


class WeekAhead(BaseModel):
    """The window the digest covers."""

    start: datetime
    end: datetime


class CoachWeek(BaseModel):
    """One person's deadlines in the window: their trajectories' and the escalations they are told of."""

    coach_id: str
    items: list[AgendaItem] = Field(default_factory=list)


class AgendaActivities:
    def __init__(self, records: Records):
        self.records = records

    def _read(self, window: WeekAhead) -> list[CoachWeek]:
        with self.records.read() as connection:
            people = agenda_rows.people_with_deadlines(connection, window.start, window.end)
            return [
                CoachWeek(coach_id=person, items=agenda_rows.read_agenda(connection, person, window.start, window.end))
                for person in people
            ]

    @activity.defn
    async def week_ahead(self, window: WeekAhead) -> list[CoachWeek]:
        """Everyone with a deadline due in ``window``, with those deadlines, earliest first."""
        return await asyncio.to_thread(self._read, window)
