"""The provider meeting (every 8 weeks, WerkBedrijf and its fixed group of providers): a reminder workflow.

Started by the Temporal Schedule that ``trajectories.schedules.ensure_schedules`` keeps, never by a loop in
a trajectory. It notifies WerkBedrijf's consultants through the notification activity; since
``notification-undeliverable``, a reminder that still fails after its retries is reported to operations; since
``projected-deliveries``, the reminders' audit rows are written by one projection write after they went out.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow

from workflows.effects import NOTIFICATION_RETRY, activity, deliver_projected, send_or_report
from workflows.patches import PROJECTED_DELIVERIES_PATCH, STAND_INS_PATCH, UNDELIVERABLE_PATCH

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from activities.notifications import NotificationActivities
    from activities.projection import ProjectionActivities
    from domain.messages import AuditEntry, NotificationMessage
    from domain.projection import Projection


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
        bounded = workflow.patched(UNDELIVERABLE_PATCH)
        if bounded and workflow.patched(PROJECTED_DELIVERIES_PATCH):
            # The reminders' audit rows in one projection write after they went out: a records database that
            # is down delays the rows, never the reminders (and never makes one "undeliverable").
            entries = await asyncio.gather(*(self.deliver(message) for message in messages))
            projection = Projection(workflow_id=info.workflow_id, key=f"{info.workflow_id}:{info.run_id}:projection1",
                                    audit=entries)  # fmt: skip
            await activity(ProjectionActivities.project, projection, f"records: {len(entries)} audit")
        else:
            await asyncio.gather(*(self.remind(message, bounded) for message in messages))
        return [message.id for message in messages]

    async def deliver(self, message: NotificationMessage) -> AuditEntry:
        """Deliver one reminder (to the stand-in during an absence) with bounded retries, or raise it to
        operations; its audit row, to be written."""
        sent = await deliver_projected(
            message, f"notify {message.recipient}: provider meeting",
            f"report undeliverable: provider meeting for {message.recipient}", retry_policy=NOTIFICATION_RETRY,
        )  # fmt: skip
        assert sent.entry is not None
        return sent.entry

    async def remind(self, message: NotificationMessage, bounded: bool) -> None:
        """Runs from before ``projected-deliveries``: the notification activity writes the audit row."""
        summary = f"notify {message.recipient}: provider meeting"
        if not bounded:  # runs from before the patch retry without limit
            await activity(NotificationActivities.send_notification, message, summary)
            return
        # Since ``stand-ins``: a consultant's reminder reaches their stand-in during an absence. The trajectories'
        # default notification retry: a reminder is not retried for ever either.
        await send_or_report(
            message, summary, f"report undeliverable: provider meeting for {message.recipient}",
            retry_policy=NOTIFICATION_RETRY, stand_ins=workflow.patched(STAND_INS_PATCH),
        )  # fmt: skip
