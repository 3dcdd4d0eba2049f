"""The engine every region's trajectory workflow shares.

A trajectory drives its region's state machine with events from the ``submit_event`` Update, keeps its
deadlines as data and one timer for the earliest, runs side effects through activities, keeps the
search attributes and current details current, and continues as new before its history grows large.
Region workflows add only what differs: their machine, events, policy and the hooks that arm deadlines.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from temporalio import workflow
from temporalio.common import RawValue, RetryPolicy, SearchAttributePair, TypedSearchAttributes
from temporalio.exceptions import ActivityError, ApplicationError

from workflows.deadlines import DeadlineBook
from workflows.payments import PAYMENT_CORRECTIONS_PATCH, PAYMENT_STREAMS_PATCH, PaymentBook
from workflows.visibility import (
    COACH_ID,
    MATCH_ATTEMPTS,
    NEXT_DEADLINE,
    NEXT_DEADLINE_KIND,
    REGION,
    TRAJECTORY_STATE,
)

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel, ValidationError

    from activities.audit import AuditActivities
    from activities.notifications import UNDELIVERABLE, NotificationActivities
    from activities.payments import PaymentActivities
    from activities.projection import ProjectionActivities
    from activities.uwv import UwvActivities
    from domain.agenda import AgendaEntry, AgendaSnapshot
    from domain.agenda import uid_for as agenda_uid
    from domain.continuation import TrajectoryContinuation, TrajectoryInput, TrajectorySnapshot
    from domain.events import EventBase, EventCatalog, EventContext, EventRejected
    from domain.facts import REFERRED, transition_fact
    from domain.messages import (
        AuditEntry,
        NotificationMessage,
        PaymentOrder,
        UndeliverableNotice,
        UwvAdviceRequest,
        delivered_entry,
        notification_audit_entry,
    )
    from domain.payments import local_date
    from domain.policy import WORKING_DAYS_PATCH, RegionPolicy, effective_policy
    from domain.projection import Projection
    from domain.records import (
        Deadline,
        Escalation,
        NotificationRecord,
        Notify,
        Pay,
        PaymentRecord,
        PayStream,
        PaySupervisionFee,
        Recipient,
        SendEvent,
        TrajectoryView,
        TransitionRecord,
    )
    from domain.start import TrajectoryStart
    from domain.submission import SUBMISSION_FIELD, Submission, was_encrypted
    from statemachines.route import Route

ACTIVITY_TIMEOUT = timedelta(seconds=30)
ACTIVITY_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=5))

TRAJECTORY_CLOSED = "TrajectoryClosed"
"""The validator's error type for an event sent to a closed trajectory that has not completed yet."""
EVENT_NOT_ENCRYPTED = "EventNotEncrypted"
"""The validator's error type for an event that arrived in plain text (not through the encryption codec)."""
EVENT_EXPIRED = "EventExpired"
"""The validator's error type for an event a worker took after its :class:`Submission` expired."""

UNDELIVERABLE_PATCH = "notification-undeliverable"
"""Notifications get a bounded retry policy; one that still fails is recorded undeliverable and reported."""
AUDIT_EVENTS_PATCH = "audit-events"
"""Every accepted event is written to the audit trail by its own (short) activity."""
AUDIT_AFTER_REPLY_PATCH = "audit-events-after-reply"
"""An accepted event's audit row is written by a regular activity: a local one holds the workflow task, and with
it the Update's reply, until the row is in the database (the round trip went from about 1.1x to 1.9x a bare
Update; see BENCHMARKS.md). Temporal keeps the scheduled activity, so the row is written even if the worker
or the database is down when the event is accepted."""

PROJECTION_PATCH = "projection"
"""What a workflow task adds to the records database (an accepted event's audit row, and whatever else a part of
``domain.projection.Projection`` holds) is written by ONE regular ``project`` activity per workflow task, after
the Update's reply, instead of one activity per row. One write is in flight at a time, so rows reach the
database in the order they were made; the main loop goes on meanwhile (deadlines fire while the database is
down), and waits for the last write before the run closes or continues as new. Runs that started before keep
their per-event audit activity (asked once, at the start of the run)."""

STAND_INS_PATCH = "stand-ins"
"""Notifications go through ``deliver_notification``, which sends to the stand-in while the recipient is absent
(the roster in the records database, read when sending) and returns who received it, which the view records.
Runs from before keep ``send_notification`` (recipient as addressed) for the notifications they had."""

PROJECTED_DELIVERIES_PATCH = "projected-deliveries"
"""A notification's audit row (delivered, or undeliverable) goes into the projection write instead of being
written inside the notification activity: before, a records database that was down failed the activity after
the channel had delivered, and its bounded retries ran out as "undeliverable". The activity now only delivers
(``deliver_only``, ``alert_undeliverable``) and the row waits in the projection until the database is back.
Needs :data:`PROJECTION_PATCH` (and takes the ``stand-ins`` recipient); decided once, at the start of a run."""

OUTCOME_FACTS_PATCH = "outcome-facts"
"""Every trajectory writes its milestones (its start, then each accepted transition) to the records database as
outcome facts (``domain.facts``), in the same projection write as its audit rows, so the figures outlive
Temporal's retention. Needs :data:`PROJECTION_PATCH`; decided once, at the start of a run."""

LOCAL_EFFECTS_PATCH = "local-effects"
"""Notifications and payment orders run as local activities: one marker event each, in the workflow task
that queued them, instead of three events and a further workflow task per activity (a steady year of
employment went from about 60 events to about 30; see BENCHMARKS.md). Runs that started before this
change keep regular activities to their end (``workflow.patched`` is asked once, at the start of a run)."""

# WORKING_DAYS_PATCH ("working-days", in domain.policy): deadlines fall due at the start of a working day in
# Europe/Amsterdam, off weekends and Dutch public holidays (``policy.working_days``, computed by the deadline book);
# runs from before keep midnight-UTC and exact-interval deadlines to their end. Asked once, when the run is
# constructed, before the first hook arms a deadline; a region whose working days came later (``policy
# .working_days_patch``, e.g. ``working-days-every-route``) asks its own patch too.

NEXT_DEADLINE_KIND_PATCH = "next-deadline-kind"
"""``NextDeadlineKind`` says what is due at ``NextDeadline``; it goes into the upsert that moves
``NextDeadline`` (or that changes another attribute) only when it changed, so it adds no upsert of its own
(a quarterly fee whose successor is again a fee changes the date, not the kind)."""

AGENDA_PATCH = "agenda"
"""The trajectory's open deadlines go to the agenda in the records database (``domain.agenda``): a snapshot in
the task's one projection write whenever they (or the coach) changed. Needs :data:`PROJECTION_PATCH`."""

LEGACY_CONTINUE_AS_NEW_AFTER = 500
"""History length at which runs from before :data:`LOCAL_EFFECTS_PATCH` continue as new, as they always did;
newer runs, with histories half as long per year, use the policy's (smaller) threshold."""


@dataclass
class _Effect:
    """A side effect queued by a transition or a deadline, run by the main loop."""

    run: Callable[[], Any]
    done: Callable[[], None]


def workflow_id_for(region: str, trajectory_id: str) -> str:
    """The contract's workflow ID: ``trajectory-<region>-<trajectory_id>``."""
    return f"trajectory-{region}-{trajectory_id}"


class TrajectoryWorkflow:
    """Base of the region workflows; not registered itself."""

    route_class: ClassVar[type[Route]]
    case_class: ClassVar[type[BaseModel]]
    events: ClassVar[EventCatalog]
    policy: RegionPolicy  # the region's, on the class; each run's own (test overrides applied) on the instance

    def __init__(self, input: TrajectoryInput) -> None:
        # The region's policy, unless this worker process runs with test overrides (``domain.policy``).
        self.policy = effective_policy(type(self).policy)
        if isinstance(input, TrajectoryContinuation):
            start, resumed = input.start, input.snapshot
            case = self.case_class.model_validate(resumed.case)
        else:
            start = input
            case = self.new_case(start)
            resumed = TrajectorySnapshot(case={}, deadlines={}, history=[], notifications=[], payments=[], sequence=0)
        self.start = start
        self.case = case
        on_working_days = workflow.patched(WORKING_DAYS_PATCH) and workflow.patched(self.policy.working_days_patch)
        calendar = self.policy.working_days if on_working_days else None
        self.deadlines = DeadlineBook(resumed.deadlines, calendar)
        self.history = list(resumed.history)
        self.notifications = list(resumed.notifications)
        self.payments = list(resumed.payments)
        self.sequence = resumed.sequence
        self.money = PaymentBook(self, resumed.streams)
        self.payment_streams = False  # decided at the start of the run (PAYMENT_STREAMS_PATCH)
        self.effects: list[_Effect] = []
        self.local_effects = False  # decided at the start of the run (LOCAL_EFFECTS_PATCH)
        self.publish_kind = False  # decided at the start of the run (NEXT_DEADLINE_KIND_PATCH)
        self.record_agenda = False  # decided at the start of the run (AGENDA_PATCH)
        self.agenda_projected: AgendaSnapshot | None = None
        self.escalation_by_policy = False  # region workflows set it from their patch at the start of a run
        self.record_facts = False  # decided at the start of the run (OUTCOME_FACTS_PATCH)
        self.projected_deliveries = False  # decided at the start of the run (PROJECTED_DELIVERIES_PATCH)
        self.projection: Projection | None = None  # this workflow task's rows, not yet handed to an activity
        self.projection_writes = 0
        self.projection_in_flight: asyncio.Task[None] | None = None
        self.visible: dict[str, Any] = {}
        # The workflow listens from construction on, so hooks of the initial activation (and of eventless
        # transitions it takes) arm their deadlines too.
        self.route = self.route_class(case, self.policy, listeners=[self])

    # --- what region workflows provide -------------------------------------------------------------

    def run_started(self) -> None:
        """Called once a run knows which patches it runs under (e.g. to switch on a newer validation)."""

    def new_case(self, start: TrajectoryStart) -> BaseModel:
        """The route's case model at the start of a trajectory."""
        raise NotImplementedError

    # --- Temporal handlers. The contract's Update and Query are declared here, once, and inherited;
    # ``@workflow.run`` must be declared on each region's class, which is the ``@workflow.defn``. ----

    @workflow.update
    def submit_event(self, payload: RawValue) -> TrajectoryView:
        """Apply a domain event ``{"event": ..., ..., "actor": ...}`` and return the view.

        Taken raw so that the validator sees whether it arrived encrypted, and so that any JSON reaches it,
        which refuses a non-object as ``EventInvalid`` (a ``dict`` hint would let the data converter refuse
        it with a bare pydantic message). The API adds a ``submission`` field (who submitted it and until
        when, :class:`Submission`); callers of the Update without it record no client."""
        event, submission = self.unwrap(payload)
        return self.accept_event(event, submission)

    @submit_event.validator
    def check_event(self, payload: RawValue) -> None:
        if not was_encrypted(payload.payload):
            raise ApplicationError(
                "the event was not encrypted with a payload key this worker knows: it was not applied (use a "
                "client with the trajectories' data converter)",
                {"reason": "not_encrypted", "allowed_events": [], "fields": []},
                type=EVENT_NOT_ENCRYPTED,
                non_retryable=True,
            )
        try:
            event, submission = self.unwrap(payload)
        except ValidationError as error:
            raise self.rejection(
                EventRejected("invalid", f"invalid submission: {error.errors()[0]['msg']}", fields=[SUBMISSION_FIELD])
            ) from None
        self.validate_event(event, submission)

    @staticmethod
    def unwrap(payload: RawValue) -> tuple[Any, Submission | None]:
        """The event as JSON values (the catalogue decides what it is) and the API's submission, if any."""
        value = workflow.payload_converter().from_payload(payload.payload)
        if not isinstance(value, dict) or SUBMISSION_FIELD not in value:
            return value, None
        event = dict(value)
        return event, Submission.model_validate(event.pop(SUBMISSION_FIELD))

    @workflow.query(name="view")
    def current_view(self) -> TrajectoryView:
        return self.view()

    async def run_trajectory(self) -> TrajectoryView:
        """The main loop: run effects, fire due deadlines, wait for the next deadline or event."""
        expected_id = workflow_id_for(self.policy.region, self.start.trajectory_id)
        if workflow.info().workflow_id != expected_id:
            raise ApplicationError(f"workflow ID must be {expected_id!r}", type="InvalidWorkflowId", non_retryable=True)
        self.visible = {
            pair.key.name: pair.value for pair in workflow.info().typed_search_attributes.search_attributes
        }
        self.local_effects = workflow.patched(LOCAL_EFFECTS_PATCH)
        self.publish_kind = workflow.patched(NEXT_DEADLINE_KIND_PATCH)
        workflow.patched(PROJECTION_PATCH)  # decided for the whole run now; audit_event asks again (memoised)
        self.record_facts = workflow.patched(PROJECTION_PATCH) and workflow.patched(OUTCOME_FACTS_PATCH)
        if self.record_facts and workflow.info().continued_run_id is None:
            self.project_fact(REFERRED, None, None)
        self.record_agenda = workflow.patched(PROJECTION_PATCH) and workflow.patched(AGENDA_PATCH)
        self.payment_streams = workflow.patched(PAYMENT_STREAMS_PATCH)
        self.money.corrections = self.payment_streams and workflow.patched(PAYMENT_CORRECTIONS_PATCH)
        self.projected_deliveries = workflow.patched(PROJECTION_PATCH) and workflow.patched(PROJECTED_DELIVERIES_PATCH)
        self.run_started()
        while True:
            self.publish()
            self.project_agenda()
            self.flush_projection()
            if self.effects:
                batch, self.effects = self.effects, []
                await asyncio.gather(*(self.execute(effect) for effect in batch))
                continue
            if self.route.closed:
                await workflow.wait_condition(self.settled)
                if not self.effects and self.projection is None:
                    return self.view()
                continue
            if self.continue_as_new_due():
                await workflow.wait_condition(self.settled)
                if not self.effects and self.projection is None:
                    workflow.continue_as_new(TrajectoryContinuation(start=self.start, snapshot=self.snapshot()))
                continue
            await self.wait_for_next_deadline()

    def settled(self) -> bool:
        """No handler running and no projection write in flight: the run may close or continue as new."""
        return workflow.all_handlers_finished() and self.projection_in_flight is None

    async def wait_for_next_deadline(self) -> None:
        upcoming = self.deadlines.next()
        now = workflow.now()
        if upcoming is not None and upcoming.due <= now:
            self.fire_due(now)
            return
        armed = upcoming.due if upcoming else None
        try:
            await workflow.wait_condition(
                lambda: bool(self.effects) or self.projection_due() or self.route.closed or self.next_due() != armed,
                timeout=(upcoming.due - now) if upcoming else None,
                timeout_summary=upcoming.summary if upcoming else None,
            )
        except TimeoutError:  # asyncio.TimeoutError is this since Python 3.11
            self.fire_due(workflow.now())

    def validate_event(self, payload: Any, submission: Submission | None = None) -> None:
        """Update validator: reject unknown, not-allowed and invalid events before they enter history.

        A closed trajectory may still be finishing its last activities (an audit row, a notification): it
        refuses every event as ``TrajectoryClosed``, as it will once it has completed."""
        if self.route.closed:
            raise ApplicationError(
                "the trajectory is closed: no event is allowed",
                {"reason": "closed", "allowed_events": [], "fields": []},
                type=TRAJECTORY_CLOSED,
                non_retryable=True,
            )
        if submission is not None and submission.expires_at is not None and workflow.now() > submission.expires_at:
            raise ApplicationError(
                f"the event expired at {submission.expires_at.isoformat()} before a worker took it; it was not applied",
                {"reason": "expired", "allowed_events": self.allowed_events(), "fields": []},
                type=EVENT_EXPIRED,
                non_retryable=True,
            )
        try:
            self.parse(payload)
        except EventRejected as rejected:
            raise self.rejection(rejected) from None

    def accept_event(self, payload: Any, submission: Submission | None = None) -> TrajectoryView:
        """Update handler: drive the machine with the event; deadlines and effects follow from its hooks."""
        try:
            event = self.parse(payload)
        except EventRejected as rejected:  # only if state changed between validation and handling
            raise self.rejection(rejected) from None
        self.apply(event.name, event, event.actor, client=submission.client if submission else None)
        self.publish()  # state, coach and attempts are searchable at once, even when no timer changes
        return self.view()

    def apply(self, name: str, payload: EventBase | None, actor: str, client: str | None = None) -> None:
        """Send ``name`` to the machine, drop deadlines of the states left, and record the transition (with the
        API client that submitted it, beside the actor it claims)."""
        source = self.route.state_id
        self.route.send(name, payload=payload)
        target = self.route.state_id
        self.deadlines.keep_in_scope(target)
        if self.payment_streams:
            self.money.follow(target)
        self.history.append(
            TransitionRecord(
                at=workflow.now(), event=name, from_state=source, to_state=target, actor=actor, client=client
            )
        )
        if workflow.patched(AUDIT_EVENTS_PATCH):
            self.audit_event(name, source, target, actor, client)
        if self.record_facts:
            self.project_fact(name, payload, source)

    def project_fact(self, event: str, payload: EventBase | None, source: str | None) -> None:
        """The outcome fact of the start (``source`` ``None``) or of the transition just recorded."""
        workflow_id = workflow.info().workflow_id
        fact = transition_fact(
            key=f"{workflow_id}:fact{len(self.history)}", workflow_id=workflow_id, region=self.policy.region,
            trajectory_id=self.start.trajectory_id, at=workflow.now(), event=event, payload=payload, case=self.case,
            from_state=source, to_state=self.route.state_id, closed=self.route.closed,
            source=self.start.referral_source.value if source is None else None,
        )  # fmt: skip
        if source is None:  # the start: the provider is the start input's
            fact = fact.model_copy(update={"provider_id": fact.provider_id or self.start.provider_id})
        self.project("facts", fact)

    def view(self) -> TrajectoryView:
        return TrajectoryView(
            region=self.policy.region,
            trajectory_id=self.start.trajectory_id,
            state=self.route.state_id,
            closed=self.route.closed,
            coach_id=self.coach_id,
            match_attempts=self.match_attempts,
            deadlines=self.deadlines.as_dict(),
            allowed_events=self.allowed_events(),
            history=self.history,
            notifications=self.notifications,
            payments=self.payments,
            case=self.case.model_dump(mode="json", exclude={"state"}),
            due=self.deadlines.due_list(),
        )

    # --- events ---------------------------------------------------------------------------------------

    @classmethod
    def reassignment(cls, case: dict[str, Any], coach_id: str, actor: str) -> dict[str, Any]:
        """The route's ordinary event that hands a trajectory (its view's ``case``) to ``coach_id``; the caseload
        hand-over (``activities/caseload.py``) sends it. Pure: no workflow state, no Temporal calls."""
        return {"event": "coach_reassigned", "actor": actor, "coach_id": coach_id}

    def allowed_events(self) -> list[str]:
        """Events a backend may send now: the machine's, less internal events (not in the catalogue)."""
        return [name for name in self.route.allowed_now() if name in self.events.models]

    def parse(self, payload: Any) -> EventBase:
        context = EventContext(today=self.today, policy=self.policy, case=self.case)
        return self.events.parse(payload, self.allowed_events(), context)

    @staticmethod
    def rejection(rejected: EventRejected) -> ApplicationError:
        return ApplicationError(
            rejected.message,
            {"reason": rejected.reason, "allowed_events": rejected.allowed, "fields": rejected.fields},
            type=f"Event{rejected.reason.title().replace('_', '')}",
            non_retryable=True,
        )

    # --- deadlines --------------------------------------------------------------------------------------

    def next_due(self) -> datetime | None:
        upcoming = self.deadlines.next()
        return upcoming.due if upcoming else None

    def fire_due(self, now: datetime) -> None:
        for deadline in self.deadlines.pop_due(now):
            action = deadline.action
            # A payment's period starts on its nominal date, also when the order goes out on the working day before.
            period_start = (deadline.nominal or deadline.due).date()
            if isinstance(action, Notify):
                self.notify(action.kind, action.recipient, due=deadline.due, summary=deadline.summary)
            elif isinstance(action, PaySupervisionFee):
                self.pay("supervision_fee", action.amount, period_start=period_start)
            elif isinstance(action, Pay):
                self.pay(action.kind, action.amount, period_start=period_start)
            elif isinstance(action, PayStream):
                self.money.fire(action.key)
            elif isinstance(action, SendEvent) and action.event in self.route.allowed_now():
                self.apply(action.event, None, actor="system:deadline")

    def arm_after(
        self, name: str, after: timedelta, summary: str, notify: Notify, scope: str | tuple[str, ...], **kw: Any
    ) -> None:
        """Arm deadline ``name`` ``after`` from now, belonging to state ``scope`` (or to each of several)."""
        self.deadlines.arm(name, workflow.now() + after, summary, notify, (scope,) if isinstance(scope, str) else scope, **kw)

    def await_uwv_advice(self, scope: str | tuple[str, ...] = "awaiting_advice") -> None:
        """Request UWV's sheltered-work advice; a missing answer goes to the coach, then the team lead."""
        self.request_uwv_advice()
        self.arm_after(
            "uwv_advice", self.policy.uwv_answer_within, "UWV advice answer",
            Notify(kind="uwv_advice_overdue", recipient=Recipient.COACH), scope,
            escalation=Escalation(
                name="uwv_advice_escalation", after=self.policy.uwv_escalation_after,
                summary="UWV advice still missing",
                notify=Notify(kind="uwv_advice_overdue", recipient=Recipient.TEAM_LEAD),
            ),
        )

    # --- effects ----------------------------------------------------------------------------------------

    def next_id(self, prefix: str) -> str:
        self.sequence += 1
        return f"{workflow.info().workflow_id}:{prefix}{self.sequence}"

    def recipient_id(self, recipient: Recipient) -> str:
        """The coach of this trajectory, its employer, or the policy's ``<recipient>_id`` (``team_lead_id``, …).

        Escalations (``TEAM_LEAD``) go where the policy's ``escalation_to`` says, once the region's workflow
        allows it (:attr:`escalation_by_policy`, set from its patch)."""
        if recipient == Recipient.COACH:
            return self.coach_id
        if recipient == Recipient.EMPLOYER:
            return str(getattr(self.case, "employer_id", None) or "unknown-employer")
        if recipient == Recipient.TEAM_LEAD and self.escalation_by_policy and self.policy.escalation_to == "other_advisor":
            others = [advisor for advisor in self.policy.advisor_ids if advisor != self.coach_id]
            return others[0] if others else self.policy.team_lead_id
        return str(getattr(self.policy, f"{recipient.value}_id"))

    def notify(self, kind: str, recipient: Recipient, *, due: datetime | None = None, summary: str = "") -> None:
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
        self.effects.append(_Effect(run=lambda: self.deliver(message, record), done=lambda: None))

    async def deliver(self, message: NotificationMessage, record: NotificationRecord) -> None:
        """Send ``message``; since :data:`UNDELIVERABLE_PATCH`, after ``policy.notification_attempts`` failed
        tries it is recorded undeliverable and reported to operations instead of being retried for ever."""
        summary = f"notify {message.recipient}: {message.kind}"
        if not workflow.patched(UNDELIVERABLE_PATCH):
            await self.short_activity(NotificationActivities.send_notification, message, summary)
            self.notifications.append(record)
            return
        bounded = RetryPolicy(
            initial_interval=timedelta(seconds=1),
            maximum_interval=self.policy.notification_retry_max_interval,
            maximum_attempts=self.policy.notification_attempts,
        )
        try:
            if self.projected_deliveries:
                receipt = await self.short_activity(
                    NotificationActivities.deliver_only, message, summary, retry_policy=bounded
                )
                record = record.model_copy(update={"recipient": receipt.recipient, "stand_in_for": receipt.stand_in_for})
                self.project_audit(delivered_entry(message, receipt))
            elif workflow.patched(STAND_INS_PATCH):
                delivery = await self.short_activity(
                    NotificationActivities.deliver_notification, message, summary, retry_policy=bounded
                )
                record = record.model_copy(update={"recipient": delivery.recipient, "stand_in_for": delivery.stand_in_for})
            else:
                await self.short_activity(NotificationActivities.send_notification, message, summary, retry_policy=bounded)
        except (ActivityError, ApplicationError) as failure:
            # An ActivityError wraps the cause; a local activity whose last retry followed a timer backoff
            # raises its ApplicationError directly.
            error = str(failure.cause or failure) if isinstance(failure, ActivityError) else str(failure)
            record = record.model_copy(update={"status": "undeliverable", "error": error})
            notice = UndeliverableNotice(message=message, error=error, noticed_at=workflow.now())
            report = f"report undeliverable: {message.kind} for {message.recipient}"
            if self.projected_deliveries:
                channel = await self.short_activity(NotificationActivities.alert_undeliverable, notice, report)
                self.project_audit(
                    notification_audit_entry(
                        message, key=f"{message.id}:{UNDELIVERABLE}", result=UNDELIVERABLE, origin=f"channel:{channel}",
                        at=workflow.now(), detail=error,
                    )
                )  # fmt: skip
            else:
                await self.short_activity(NotificationActivities.report_undeliverable, notice, report)
        self.notifications.append(record)

    def audit_event(self, name: str, source: str, target: str, actor: str, client: str | None = None) -> None:
        """Queue the audit row of an accepted event: ids and states only, never the event's notes."""
        workflow_id = workflow.info().workflow_id
        update = workflow.current_update_info()
        entry = AuditEntry(
            key=f"{workflow_id}:event{len(self.history)}",
            workflow_id=workflow_id,
            kind="event",
            name=name,
            actor=actor,
            client=client or "",
            result="accepted",
            origin=f"update {update.name} {update.id}" if update else actor,
            at=workflow.now(),
            detail=f"{source} -> {target}",
        )
        if workflow.patched(PROJECTION_PATCH):
            self.project_audit(entry)
            return
        summary = f"audit {name} by {actor}"
        after_reply = workflow.patched(AUDIT_AFTER_REPLY_PATCH)
        self.effects.append(
            _Effect(
                run=lambda: (
                    workflow.execute_activity_method(
                        AuditActivities.record_event, entry, start_to_close_timeout=ACTIVITY_TIMEOUT,
                        retry_policy=ACTIVITY_RETRY, summary=summary,
                    )  # fmt: skip
                    if after_reply
                    else self.short_activity(AuditActivities.record_event, entry, summary)
                ),
                done=lambda: None,
            )
        )

    # --- the projection: this workflow task's rows for the records database (PROJECTION_PATCH) -------------

    def project(self, part: str, item: Any) -> None:
        """Add ``item`` to part ``part`` of this workflow task's projection (a field of ``Projection``: a list
        part gains the item, a single-valued part is replaced); the main loop writes it after the task."""
        if self.projection is None:
            self.projection_writes += 1
            info = workflow.info()
            self.projection = Projection(
                workflow_id=info.workflow_id, key=f"{info.workflow_id}:{info.run_id}:projection{self.projection_writes}"
            )
        self.projection.add(part, item)

    def project_agenda(self) -> None:
        """Project the open deadlines when they (or the coach) changed since the last snapshot."""
        if not self.record_agenda:
            return
        info = workflow.info()
        snapshot = AgendaSnapshot(
            workflow_id=info.workflow_id,
            region=self.policy.region,
            trajectory_id=self.start.trajectory_id,
            coach_id=self.coach_id,
            entries=[
                AgendaEntry(
                    uid=agenda_uid(info.workflow_id, d.name), deadline=d.name, kind=d.kind, summary=d.summary,
                    due=d.due, moved=d.moved,
                    recipient=self.recipient_id(d.action.recipient) if isinstance(d.action, Notify) else None,
                )  # fmt: skip
                for d in self.deadlines.running()
                if not d.private
            ],
        )
        if snapshot != self.agenda_projected:
            self.project("agenda", snapshot)
            self.agenda_projected = snapshot

    def project_audit(self, entry: AuditEntry) -> None:
        self.project("audit", entry)

    def projection_due(self) -> bool:
        return self.projection is not None and self.projection_in_flight is None

    def flush_projection(self) -> None:
        """Hand the collected rows to one ``project`` activity, unless one is still writing: they wait for it."""
        if not self.projection_due():
            return
        projection, self.projection = self.projection, None
        assert projection is not None  # projection_due() said so
        summary = f"records: {', '.join(f'{len(v) if isinstance(v, list) else 1} {k}' for k, v in projection.parts().items())}"

        async def write() -> None:
            try:
                await workflow.execute_activity_method(
                    ProjectionActivities.project, projection, start_to_close_timeout=ACTIVITY_TIMEOUT,
                    retry_policy=ACTIVITY_RETRY, summary=summary,
                )  # fmt: skip
            finally:
                self.projection_in_flight = None

        self.projection_in_flight = asyncio.create_task(write())

    def pay(self, kind: str, amount: Any, *, period_start: date) -> None:
        """Queue a payment order to the current employer."""
        payee = str(getattr(self.case, "employer_id", None) or "unknown-employer")
        order = PaymentOrder(
            id=self.next_id("p"),
            kind=kind,
            region=self.policy.region,
            trajectory_id=self.start.trajectory_id,
            payee=payee,
            amount=amount,
            period_start=period_start,
            ordered_at=workflow.now(),
        )
        record = PaymentRecord(
            id=order.id, kind=kind, payee=payee, amount=amount, period_start=period_start, at=workflow.now()
        )
        self.effects.append(
            _Effect(
                run=lambda: self.short_activity(PaymentActivities.order_payment, order, f"{kind} {amount} to {payee}"),
                done=lambda: self.payments.append(record),
            )
        )

    def order_payment(self, order: PaymentOrder) -> None:
        """Queue a payment order made by the payment book; it is in the view once the payments system has it."""
        record = PaymentRecord(
            id=order.id, kind=order.kind, payee=order.payee, amount=order.amount, period_start=order.period_start,
            at=order.ordered_at, amount_cents=order.amount_cents, period_end=order.period_end, due=order.due,
            rule=order.rule,
        )  # fmt: skip
        summary = f"{order.kind} {order.amount} to {order.payee}"
        if workflow.patched(PROJECTION_PATCH):
            self.project("payments", order)  # the ledger row, in this workflow task's one projection write
        self.effects.append(
            _Effect(
                run=lambda: self.short_activity(PaymentActivities.order_payment, order, summary),
                done=lambda: self.payments.append(record),
            )
        )

    def request_uwv_advice(self, kind: str = "sheltered_work_advice") -> None:
        """File a request with UWV: the sheltered-work advice, or (``reexamination``) a re-examination."""
        request = UwvAdviceRequest(
            id=self.next_id("uwv"),
            kind=kind,
            region=self.policy.region,
            trajectory_id=self.start.trajectory_id,
            participant_ref=self.start.participant_ref,
            requested_by=self.coach_id,
            requested_at=workflow.now(),
        )
        self.effects.append(
            _Effect(
                run=lambda: workflow.execute_activity_method(
                    UwvActivities.request_sheltered_work_advice,
                    request,
                    start_to_close_timeout=ACTIVITY_TIMEOUT,
                    retry_policy=ACTIVITY_RETRY,
                    summary="request UWV sheltered-work advice" if kind == "sheltered_work_advice" else f"request UWV {kind}",
                ),
                done=lambda: None,
            )
        )

    def short_activity(
        self, method: Callable[..., Any], argument: Any, summary: str, *, retry_policy: RetryPolicy = ACTIVITY_RETRY
    ) -> Any:
        """A short, idempotent effect (an outbox write, an e-mail or webhook call, an audit row, all keyed on a
        stable id): a local activity on the new path, a regular one for runs from before :data:`LOCAL_EFFECTS_PATCH`.

        A local activity's retries wait in the worker only up to a second; longer backoffs are workflow timers,
        so an hour of retrying a failing channel holds no worker slot (and time-skipping tests skip it)."""
        if self.local_effects:
            return workflow.execute_local_activity_method(
                method, argument, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=retry_policy,
                local_retry_threshold=timedelta(seconds=1), summary=summary,
            )  # fmt: skip
        return workflow.execute_activity_method(
            method, argument, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=retry_policy, summary=summary
        )

    async def execute(self, effect: _Effect) -> None:
        await effect.run()
        effect.done()

    # --- visibility and continue-as-new -------------------------------------------------------------

    def publish(self) -> None:
        """Upsert the search attributes that changed, and refresh the UI's current details."""
        upcoming = self.deadlines.next_public()
        wanted: list[SearchAttributePair[Any]] = [
            SearchAttributePair(REGION, self.policy.region),
            SearchAttributePair(TRAJECTORY_STATE, self.route.state_id),
            SearchAttributePair(COACH_ID, self.coach_id),
            SearchAttributePair(MATCH_ATTEMPTS, self.match_attempts),
        ]
        updates = [pair.key.value_set(pair.value) for pair in wanted if self.visible.get(pair.key.name) != pair.value]
        if upcoming is not None and self.visible.get(NEXT_DEADLINE.name) != upcoming.due:
            updates.append(NEXT_DEADLINE.value_set(upcoming.due))
        elif upcoming is None and self.visible.get(NEXT_DEADLINE.name) is not None:
            updates.append(NEXT_DEADLINE.value_unset())
        kind = upcoming.kind if upcoming else None
        if self.publish_kind and self.visible.get(NEXT_DEADLINE_KIND.name) != kind:
            updates.append(NEXT_DEADLINE_KIND.value_set(kind) if kind else NEXT_DEADLINE_KIND.value_unset())
        if updates:
            workflow.upsert_search_attributes(updates)
            for pair in wanted:
                self.visible[pair.key.name] = pair.value
            self.visible[NEXT_DEADLINE.name] = upcoming.due if upcoming else None
            if self.publish_kind:
                self.visible[NEXT_DEADLINE_KIND.name] = kind
        workflow.set_current_details(self.details(upcoming))

    def details(self, upcoming: Deadline | None) -> str:
        lines = [
            f"**{self.policy.region}** trajectory `{self.start.trajectory_id}` — state **{self.route.state_id}**",
            f"coach `{self.coach_id}` · match attempts {self.match_attempts}",
        ]
        if upcoming is not None:
            lines.append(f"next deadline: {upcoming.summary} on {upcoming.due:%Y-%m-%d %H:%M} UTC")
            if upcoming.moved:
                lines.append(f"({upcoming.moved})")
        undeliverable = sum(1 for n in self.notifications if n.status == "undeliverable")
        if undeliverable:
            lines.append(f"⚠ {undeliverable} undeliverable notification(s): see the view and the audit trail")
        return "\n\n".join(lines)

    @property
    def continue_as_new_after(self) -> int:
        if self.local_effects:
            return self.policy.history_events_before_continue_as_new
        return LEGACY_CONTINUE_AS_NEW_AFTER

    def continue_as_new_due(self) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() >= self.continue_as_new_after
        )

    def snapshot(self) -> TrajectorySnapshot:
        return TrajectorySnapshot(
            case=self.case.model_dump(mode="json"),
            deadlines=self.deadlines.open,
            history=self.history,
            notifications=self.notifications,
            payments=self.payments,
            sequence=self.sequence,
            streams=self.money.streams,
        )

    # --- facts every route has ------------------------------------------------------------------------

    @property
    def today(self) -> date:
        return workflow.now().date()

    @property
    def local_today(self) -> date:
        """Today in Europe/Amsterdam: the date payments count in."""
        return local_date(workflow.now())

    @property
    def coach_id(self) -> str:
        return str(getattr(self.case, "coach_id", self.start.coach_id))

    @property
    def match_attempts(self) -> int:
        return int(getattr(self.case, "match_attempts", 0))


def initial_search_attributes(region: str, start: TrajectoryStart, state: str) -> TypedSearchAttributes:
    """What a starter sets at once, so the UI can filter a trajectory before its first workflow task."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(REGION, region),
            SearchAttributePair(TRAJECTORY_STATE, state),
            SearchAttributePair(COACH_ID, start.coach_id),
            SearchAttributePair(MATCH_ATTEMPTS, 0),
        ]
    )
