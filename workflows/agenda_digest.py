"""The weekly agenda digest: on Monday morning each coach is told what falls due in the week ahead.

Started by the Temporal Schedule ``agenda-digest`` (``trajectories.schedules``), never by a trajectory. It reads
the agenda through an activity (the records database is a side effect) and sends one notification per person
through the ordinary notification activity, with the same bounded retries as the provider-meeting reminder.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow

from workflows.effects import NOTIFICATION_RETRY, activity, send_or_report

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from activities.agenda import AgendaActivities, CoachWeek, WeekAhead
    from domain.agenda import digest_body
    from domain.messages import NotificationMessage


class DigestInput(BaseModel):
    days: int = 7


@workflow.defn(name="AgendaDigest")
class AgendaDigest:
    """Notify everyone with a deadline in the next ``days``; returns the notification ids."""

    @workflow.run
    async def run(self, input: DigestInput) -> list[str]:
        now = workflow.now()
        span = WeekAhead(start=now, end=now + timedelta(days=input.days))
        weeks: list[CoachWeek] = await activity(AgendaActivities.week_ahead, span, "read the week's agenda")
        messages = [self.message(week, now) for week in weeks]
        await asyncio.gather(*(self.send(message) for message in messages))
        return [message.id for message in messages]

    @staticmethod
    def message(week: CoachWeek, now: datetime) -> NotificationMessage:
        return NotificationMessage(
            id=f"{workflow.info().workflow_id}:{week.coach_id}",
            kind="weekly_agenda",
            recipient=week.coach_id,
            region="all",
            trajectory_id="agenda",
            workflow_id=workflow.info().workflow_id,
            subject=f"Your week: {len(week.items)} deadline(s)",
            body=digest_body(week.items),
            due=None,
            created_at=now,
        )

    async def send(self, message: NotificationMessage) -> None:
        await send_or_report(
            message, f"weekly agenda for {message.recipient}",
            f"report undeliverable: weekly agenda for {message.recipient}", retry_policy=NOTIFICATION_RETRY,
            stand_ins=False,
        )  # fmt: skip
