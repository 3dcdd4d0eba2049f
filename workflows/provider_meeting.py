"""The provider meeting (every 8 weeks, WerkBedrijf and its fixed group of providers): a reminder workflow.

Started by the Temporal Schedule that ``trajectories.schedules.ensure_schedules`` keeps, never by a loop in
a trajectory. It notifies WerkBedrijf's consultants through the notification activity.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow

from workflows.trajectory import ACTIVITY_RETRY, ACTIVITY_TIMEOUT

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from activities.notifications import NotificationActivities
    from domain.messages import NotificationMessage


class ProviderMeetingInput(BaseModel):
    """Whom to remind; identifiers only."""

    region: str
    consultant_ids: list[str]
    every: timedelta


@workflow.defn(name="ProviderMeetingReminder")
class ProviderMeetingReminder:
    """Notify each consultant that the provider meeting is due; returns the notification ids."""

    @workflow.run
    async def run(self, input: ProviderMeetingInput) -> list[str]:
        info, now = workflow.info(), workflow.now()
        messages = [
            NotificationMessage(
                id=f"{info.workflow_id}:{consultant}",
                kind="provider_meeting_due",
                recipient=consultant,
                region=input.region,
                trajectory_id="provider-meeting",
                workflow_id=info.workflow_id,
                subject=f"[{input.region}] provider meeting due",
                body=f"The meeting with the fixed group of providers is due (every {input.every.days // 7} weeks).",
                due=now,
                created_at=now,
            )
            for consultant in input.consultant_ids
        ]
        await asyncio.gather(
            *(
                workflow.execute_activity_method(
                    NotificationActivities.send_notification,
                    message,
                    start_to_close_timeout=ACTIVITY_TIMEOUT,
                    retry_policy=ACTIVITY_RETRY,
                    summary=f"notify {message.recipient}: provider meeting",
                )
                for message in messages
            )
        )
        return [message.id for message in messages]
