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
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

from workflows.trajectory import (
    ACTIVITY_RETRY,
    ACTIVITY_TIMEOUT,
    PROJECTED_DELIVERIES_PATCH,
    STAND_INS_PATCH,
    UNDELIVERABLE_PATCH,
)

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from activities.notifications import UNDELIVERABLE, NotificationActivities
    from activities.projection import ProjectionActivities
    from domain.messages import (
        AuditEntry,
        NotificationMessage,
        UndeliverableNotice,
        delivered_entry,
        notification_audit_entry,
    )
    from domain.policy import RegionPolicy
    from domain.projection import Projection

NOTIFICATION_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=RegionPolicy.model_fields["notification_retry_max_interval"].default,
    maximum_attempts=RegionPolicy.model_fields["notification_attempts"].default,
)
"""The trajectories' default notification retry: a reminder is not retried for ever either."""


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
            await workflow.execute_activity_method(
                ProjectionActivities.project,
                Projection(workflow_id=info.workflow_id, key=f"{info.workflow_id}:{info.run_id}:projection1", audit=entries),
                start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY, summary=f"records: {len(entries)} audit",
            )  # fmt: skip
        else:
            await asyncio.gather(*(self.remind(message, bounded) for message in messages))
        return [message.id for message in messages]

    async def deliver(self, message: NotificationMessage) -> AuditEntry:
        """Deliver one reminder (to the stand-in during an absence) with bounded retries, or raise it to
        operations; its audit row, to be written."""
        try:
            receipt = await workflow.execute_activity_method(
                NotificationActivities.deliver_only, message,
                start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=NOTIFICATION_RETRY,
                summary=f"notify {message.recipient}: provider meeting",
            )  # fmt: skip
            return delivered_entry(message, receipt)
        except ActivityError as failure:
            error = str(failure.cause or failure)
            notice = UndeliverableNotice(message=message, error=error, noticed_at=workflow.now())
            channel = await workflow.execute_activity_method(
                NotificationActivities.alert_undeliverable, notice,
                start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY,
                summary=f"report undeliverable: provider meeting for {message.recipient}",
            )  # fmt: skip
            return notification_audit_entry(
                message, key=f"{message.id}:{UNDELIVERABLE}", result=UNDELIVERABLE, origin=f"channel:{channel}",
                at=workflow.now(), detail=error,
            )  # fmt: skip

    async def remind(self, message: NotificationMessage, bounded: bool) -> None:
        """Runs from before :data:`PROJECTED_DELIVERIES_PATCH`: the notification activity writes the audit row."""
        summary = f"notify {message.recipient}: provider meeting"
        if not bounded:  # runs from before the patch retry without limit
            await workflow.execute_activity_method(
                NotificationActivities.send_notification, message,
                start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY, summary=summary,
            )  # fmt: skip
            return
        # Since ``stand-ins``: a consultant's reminder reaches their stand-in during an absence.
        send = (
            NotificationActivities.deliver_notification
            if workflow.patched(STAND_INS_PATCH)
            else NotificationActivities.send_notification
        )
        try:
            await workflow.execute_activity_method(
                send, message, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=NOTIFICATION_RETRY, summary=summary,
            )  # fmt: skip
        except ActivityError as failure:
            notice = UndeliverableNotice(message=message, error=str(failure.cause or failure), noticed_at=workflow.now())
            await workflow.execute_activity_method(
                NotificationActivities.report_undeliverable, notice,
                start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY,
                summary=f"report undeliverable: provider meeting for {message.recipient}",
            )  # fmt: skip
