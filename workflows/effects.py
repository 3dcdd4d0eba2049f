"""The effects gateway: every side effect a workflow asks for, as an activity with the project's options.

One place for the activity options (timeouts, retries, the bounded notification retry), for sending a
notification that may turn out undeliverable (shared by the trajectories, the provider-meeting reminder and the
agenda digest), and for the effects a trajectory queues from its hooks and deadlines: notify, pay, ask UWV, audit.
Each effect is keyed on a stable id (``<workflow id>:<prefix><sequence>``), so an activity that is retried writes
once. What runs how is decided by the engine's versions (``workflows.patches``), never changed for a running run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

from workflows.patches import AUDIT_AFTER_REPLY_PATCH, PROJECTION_PATCH, STAND_INS_PATCH, UNDELIVERABLE_PATCH

with workflow.unsafe.imports_passed_through():
    from activities.audit import AuditActivities
    from activities.notifications import UNDELIVERABLE, NotificationActivities
    from activities.payments import PaymentActivities
    from activities.uwv import UwvActivities
    from domain.messages import (
        AuditEntry,
        NotificationMessage,
        PaymentOrder,
        UndeliverableNotice,
        UwvAdviceRequest,
        delivered_entry,
        notification_audit_entry,
    )
    from domain.policy import RegionPolicy
    from domain.records import NotificationRecord, PaymentRecord, Recipient

if TYPE_CHECKING:
    from workflows.state import Engine

ACTIVITY_TIMEOUT = timedelta(seconds=30)
ACTIVITY_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=5))


def notification_retry(policy: RegionPolicy | None = None) -> RetryPolicy:
    """A notification is retried ``policy.notification_attempts`` times (the defaults without a region), not for ever."""
    fields = RegionPolicy.model_fields
    return RetryPolicy(
        initial_interval=timedelta(seconds=1),
        maximum_interval=policy.notification_retry_max_interval if policy else fields["notification_retry_max_interval"].default,
        maximum_attempts=policy.notification_attempts if policy else fields["notification_attempts"].default,
    )  # fmt: skip


NOTIFICATION_RETRY = notification_retry()
"""The default notification retry, for workflows outside a region (reminders, the agenda digest)."""


def activity(
    method: Callable[..., Any], argument: Any, summary: str, *, retry_policy: RetryPolicy = ACTIVITY_RETRY,
    local: bool = False,
) -> Any:  # fmt: skip
    """Run ``method(argument)`` as an activity with the project's timeout; ``local``: as a local activity.

    A local activity's retries wait in the worker only up to a second; longer backoffs are workflow timers,
    so an hour of retrying a failing channel holds no worker slot (and time-skipping tests skip it)."""
    if local:
        return workflow.execute_local_activity_method(
            method, argument, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=retry_policy,
            local_retry_threshold=timedelta(seconds=1), summary=summary,
        )  # fmt: skip
    return workflow.execute_activity_method(
        method, argument, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=retry_policy, summary=summary
    )


@dataclass
class Sent:
    """What became of a notification: delivered (to a stand-in, when ``delivery`` says so) or undeliverable."""

    delivery: Any = None
    error: str | None = None
    entry: AuditEntry | None = None
    """Its audit row, for the caller's projection write (``projected-deliveries``)."""


async def send_or_report(
    message: NotificationMessage, summary: str, undeliverable_summary: str, *, retry_policy: RetryPolicy,
    stand_ins: bool, local: bool = False,
) -> Sent:  # fmt: skip
    """Send ``message`` with a bounded retry (through ``deliver_notification``, which knows stand-ins, when
    ``stand_ins``); one that still fails is reported to operations and returned with its error."""
    send = NotificationActivities.deliver_notification if stand_ins else NotificationActivities.send_notification
    try:
        delivery = await activity(send, message, summary, retry_policy=retry_policy, local=local)
        return Sent(delivery=delivery if stand_ins else None)
    except (ActivityError, ApplicationError) as failure:
        # An ActivityError wraps the cause; a local activity whose last retry followed a timer backoff
        # raises its ApplicationError directly.
        error = str(failure.cause or failure) if isinstance(failure, ActivityError) else str(failure)
        notice = UndeliverableNotice(message=message, error=error, noticed_at=workflow.now())
        await activity(NotificationActivities.report_undeliverable, notice, undeliverable_summary, local=local)
        return Sent(error=error)


async def deliver_projected(
    message: NotificationMessage, summary: str, undeliverable_summary: str, *, retry_policy: RetryPolicy,
    local: bool = False,
) -> Sent:  # fmt: skip
    """Since ``projected-deliveries``: deliver ``message`` (to the stand-in during an absence) with a bounded retry,
    or alert operations; the audit row comes back for the caller's projection write instead of being written by
    the activity (a records database that is down delays the row, never the delivery)."""
    try:
        receipt = await activity(
            NotificationActivities.deliver_only, message, summary, retry_policy=retry_policy, local=local
        )
        return Sent(delivery=receipt, entry=delivered_entry(message, receipt))
    except (ActivityError, ApplicationError) as failure:
        error = str(failure.cause or failure) if isinstance(failure, ActivityError) else str(failure)
        notice = UndeliverableNotice(message=message, error=error, noticed_at=workflow.now())
        channel = await activity(NotificationActivities.alert_undeliverable, notice, undeliverable_summary, local=local)
        entry = notification_audit_entry(
            message, key=f"{message.id}:{UNDELIVERABLE}", result=UNDELIVERABLE, origin=f"channel:{channel}",
            at=workflow.now(), detail=error,
        )  # fmt: skip
        return Sent(error=error, entry=entry)


def payment_record(order: PaymentOrder) -> PaymentRecord:
    """The view's record of an order the payments system has."""
    return PaymentRecord(
        id=order.id, kind=order.kind, payee=order.payee, amount=order.amount, period_start=order.period_start,
        at=order.ordered_at, amount_cents=order.amount_cents, period_end=order.period_end, due=order.due,
        rule=order.rule,
    )  # fmt: skip


@dataclass
class Effect:
    """A side effect queued by a transition or a deadline, run by the main loop."""

    run: Callable[[], Any]
    done: Callable[[], None]


class TrajectoryEffects:
    """The effects a trajectory's hooks and deadlines queue; mixed into the engine, whose state they read."""

    def next_id(self: Engine, prefix: str) -> str:
        return f"{workflow.info().workflow_id}:{prefix}{self.state.next_sequence()}"

    def recipient_id(self: Engine, recipient: Recipient) -> str:
        """The coach of this trajectory, its employer, or the policy's ``<recipient>_id`` (``team_lead_id``, …).

        Escalations (``TEAM_LEAD``) go where the policy's ``escalation_to`` says, once the region's workflow
        allows it (:attr:`escalation_by_policy`, set from its patch)."""
        if recipient == Recipient.COACH:
            return self.coach_id
        if recipient == Recipient.EMPLOYER:
            return self.case.employer_id or "unknown-employer"
        if (
            recipient == Recipient.TEAM_LEAD
            and self.escalation_by_policy
            and self.policy.escalation_to == "other_advisor"
        ):
            others = [advisor for advisor in self.policy.advisor_ids if advisor != self.coach_id]
            return others[0] if others else self.policy.team_lead_id
        return str(getattr(self.policy, f"{recipient.value}_id"))

    def short_activity(
        self: Engine, method: Callable[..., Any], argument: Any, summary: str, *,
        retry_policy: RetryPolicy = ACTIVITY_RETRY,
    ) -> Any:  # fmt: skip
        """A short, idempotent effect (an outbox write, an e-mail or webhook call, an audit row, all keyed on a
        stable id): a local activity on the new path, a regular one for runs from before ``local-effects``."""
        return activity(method, argument, summary, retry_policy=retry_policy, local=self.patches.local_effects)

    def queue(self: Engine, run: Callable[[], Any], done: Callable[[], None] = lambda: None) -> None:
        self.effects.append(Effect(run=run, done=done))

    def notify(
        self: Engine, kind: str, recipient: Recipient, *, due: datetime | None = None, summary: str = ""
    ) -> None:
        """Queue a notification; it is recorded in the view once the channel has it."""
        message = NotificationMessage(
            id=self.next_id("n"),
            kind=kind,
            recipient=self.recipient_id(recipient),
            region=self.policy.region,
            trajectory_id=self.start.trajectory_id,
            workflow_id=workflow.info().workflow_id,
            subject=f"[{self.policy.region}] {kind.replace('_', ' ')}: trajectory {self.start.trajectory_id}",
            body=(summary or kind.replace("_", " "))
            + (f" — due {due:%Y-%m-%d}" if due else "")
            + f". State: {self.route.state_id}.",
            due=due,
            created_at=workflow.now(),
        )
        record = NotificationRecord(id=message.id, kind=kind, recipient=message.recipient, at=workflow.now(), due=due)
        self.queue(lambda: self.deliver(message, record))

    async def deliver(self: Engine, message: NotificationMessage, record: NotificationRecord) -> None:
        """Send ``message``; since ``notification-undeliverable``, after ``policy.notification_attempts`` failed
        tries it is recorded undeliverable and reported to operations instead of being retried for ever."""
        summary = f"notify {message.recipient}: {message.kind}"
        if not self.patched(UNDELIVERABLE_PATCH):
            await self.short_activity(NotificationActivities.send_notification, message, summary)
            self.notifications.append(record)
            return
        report = f"report undeliverable: {message.kind} for {message.recipient}"
        retry, local = notification_retry(self.policy), self.patches.local_effects
        if self.patches.projected_deliveries:
            sent = await deliver_projected(message, summary, report, retry_policy=retry, local=local)
        else:
            stand_ins = self.patched(STAND_INS_PATCH)
            sent = await send_or_report(message, summary, report, retry_policy=retry, stand_ins=stand_ins, local=local)
        if sent.error is not None:
            record = record.model_copy(update={"status": "undeliverable", "error": sent.error})
        elif sent.delivery is not None:
            update = {"recipient": sent.delivery.recipient, "stand_in_for": sent.delivery.stand_in_for}
            record = record.model_copy(update=update)
        if sent.entry is not None:
            self.project("audit", sent.entry)
        self.notifications.append(record)

    def audit_event(self: Engine, name: str, source: str, target: str, actor: str, client: str | None = None) -> None:
        """Queue the audit row of an accepted event: ids and states only, never the event's notes."""
        workflow_id = workflow.info().workflow_id
        update = workflow.current_update_info()
        entry = AuditEntry(
            key=f"{workflow_id}:event{len(self.history)}", workflow_id=workflow_id, kind="event", name=name,
            actor=actor, client=client or "", result="accepted",
            origin=f"update {update.name} {update.id}" if update else actor, at=workflow.now(),
            detail=f"{source} -> {target}",
        )  # fmt: skip
        if self.patched(PROJECTION_PATCH):
            self.project("audit", entry)
            return
        summary = f"audit {name} by {actor}"
        after_reply = self.patched(AUDIT_AFTER_REPLY_PATCH)
        self.queue(
            lambda: (
                activity(AuditActivities.record_event, entry, summary)
                if after_reply
                else self.short_activity(AuditActivities.record_event, entry, summary)
            )
        )

    def pay(self: Engine, kind: str, amount: Any, *, period_start: date) -> None:
        """Queue a payment order to the current employer (runs from before ``payment-streams``)."""
        payee = self.case.employer_id or "unknown-employer"
        order = PaymentOrder(
            id=self.next_id("p"), kind=kind, region=self.policy.region, trajectory_id=self.start.trajectory_id,
            payee=payee, amount=amount, period_start=period_start, ordered_at=workflow.now(),
        )  # fmt: skip
        record = PaymentRecord(
            id=order.id, kind=kind, payee=payee, amount=amount, period_start=period_start, at=workflow.now()
        )
        self.queue(
            lambda: self.short_activity(PaymentActivities.order_payment, order, f"{kind} {amount} to {payee}"),
            lambda: self.payments.append(record),
        )

    def order_payment(self: Engine, order: PaymentOrder) -> None:
        """Queue a payment order made by the payment book; it is in the view once the payments system has it.

        Since ``one-write-per-task`` the ledger row is the order: the task's one write hands it to the payments
        system (``workflows.projection``), so nothing is queued here."""
        if self.patched(PROJECTION_PATCH):
            self.project("payments", order)  # the ledger row, in this workflow task's one projection write
        if self.patches.task_writes:
            return
        record = payment_record(order)
        self.queue(lambda: self.order_alone(order), lambda: self.payments.append(record))

    def order_alone(self: Engine, order: PaymentOrder) -> Any:
        """Hand one order to the payments system by its own (local) activity."""
        summary = f"{order.kind} {order.amount} to {order.payee}"
        return self.short_activity(PaymentActivities.order_payment, order, summary)

    def request_uwv_advice(self: Engine, kind: str = "sheltered_work_advice") -> None:
        """File a request with UWV: the sheltered-work advice, or (``reexamination``) a re-examination."""
        request = UwvAdviceRequest(
            id=self.next_id("uwv"), kind=kind, region=self.policy.region, trajectory_id=self.start.trajectory_id,
            participant_ref=self.start.participant_ref, requested_by=self.coach_id, requested_at=workflow.now(),
        )  # fmt: skip
        summary = "request UWV sheltered-work advice" if kind == "sheltered_work_advice" else f"request UWV {kind}"
        self.queue(lambda: activity(UwvActivities.request_sheltered_work_advice, request, summary))

    async def execute(self, effect: Effect) -> None:
        await effect.run()
        effect.done()
