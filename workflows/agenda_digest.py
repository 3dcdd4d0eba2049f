"""The weekly agenda digest: on Monday morning each coach is told what falls due in the week ahead.

Started by the Temporal Schedule ``agenda-digest`` (``trajectories.schedules``), never by a trajectory. It reads
the agenda through an activity (the records database is a side effect) and sends one notification per person
through the ordinary notification activity, with the same bounded retries as the provider-meeting reminder.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

from workflows.provider_meeting import NOTIFICATION_RETRY
from workflows.trajectory import ACTIVITY_RETRY, ACTIVITY_TIMEOUT

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from activities.agenda import AgendaActivities, CoachWeek, WeekAhead
    from activities.notifications import NotificationActivities
    from domain.agenda import digest_body
    from domain.messages import NotificationMessage, UndeliverableNotice

class DigestInput(BaseModel):
    days: int = 7


@workflow.defn(name="AgendaDigest")
class AgendaDigest:
    """Notify everyone with a deadline in the next ``days``; returns the notification ids."""

    @workflow.run
    async def run(self, input: DigestInput) -> list[str]:
        now = workflow.now()
        weeks: list[CoachWeek] = await workflow.execute_activity_method(
            AgendaActivities.week_ahead, WeekAhead(start=now, end=now + timedelta(days=input.days)),
            start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY, summary="read the week's agenda",
        )  # fmt: skip
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
        try:
            await workflow.execute_activity_method(
                NotificationActivities.send_notification, message, start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=NOTIFICATION_RETRY, summary=f"weekly agenda for {message.recipient}",
            )  # fmt: skip
        except ActivityError as failure:
            notice = UndeliverableNotice(message=message, error=str(failure.cause or failure), noticed_at=workflow.now())
            await workflow.execute_activity_method(
                NotificationActivities.report_undeliverable, notice, start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=ACTIVITY_RETRY, summary=f"report undeliverable: weekly agenda for {message.recipient}",
            )  # fmt: skip
