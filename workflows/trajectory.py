"""The engine every region's trajectory workflow shares: the event loop, the handlers and the state.

A trajectory drives its region's state machine with events from the ``submit_event`` Update, keeps its
deadlines as data (``workflows.deadlines``) and one timer for the earliest, and continues as new before its
history grows large. Its state is one object (``workflows.state``). What it does to the world is the effects
gateway's (``workflows.effects``, ``workflows.projection``); what operations see is ``workflows.visibility``;
the names backends rely on are ``workflows.contract``; the versions it runs under are ``workflows.patches``.
Region workflows add only what differs: their machine, events, policy and the hooks that arm deadlines.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any, ClassVar

from temporalio import workflow
from temporalio.common import RawValue
from temporalio.exceptions import ApplicationError

from workflows.admission import TrajectoryAdmission
from workflows.arming import TrajectoryDeadlines
from workflows.contract import (
    workflow_id_for,
)
from workflows.deadlines import DeadlineBook
from workflows.effects import Effect, TrajectoryEffects
from workflows.patches import (
    AUDIT_EVENTS_PATCH,
    ONCE_ACROSS_RUNS_PATCH,
    PatchMemory,
    RunPatches,
)
from workflows.payments import PaymentBook
from workflows.projection import TrajectoryProjection
from workflows.state import StateField, TrajectoryState
from workflows.visibility import TrajectoryVisibility

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from domain.case import TrajectoryCase
    from domain.continuation import TrajectoryContinuation, TrajectoryInput
    from domain.events import EventBase, EventCatalog, EventRejected
    from domain.facts import REFERRED
    from domain.payments import local_date
    from domain.policy import WORKING_DAYS_PATCH, RegionPolicy, effective_policy
    from domain.records import (
        EventAccepted,
        TrajectoryView,
        TransitionRecord,
    )
    from domain.start import TrajectoryStart
    from domain.submission import SUBMISSION_FIELD, Submission
    from statemachines.route import Route

__all__ = ["TrajectoryInput", "TrajectoryWorkflow"]


class TrajectoryWorkflow(
    TrajectoryAdmission, TrajectoryDeadlines, TrajectoryEffects, TrajectoryProjection, TrajectoryVisibility
):
    """Base of the region workflows; not registered itself."""

    route_class: ClassVar[type[Route]]
    case_class: ClassVar[type[TrajectoryCase]]
    events: ClassVar[EventCatalog]
    policy: RegionPolicy  # the region's, on the class; each run's own (test overrides applied) on the instance

    # The trajectory's state is one object; these read its fields (``self.case`` is ``self.state.case``).
    case = StateField()
    deadlines = StateField()
    history = StateField()
    notifications = StateField()
    payments = StateField()

    def __init__(self, raw: RawValue) -> None:
        # Taken raw (region workflows' ``@workflow.init`` and ``@workflow.run`` too) so that the run sees
        # whether its input arrived encrypted, as the Update validator does for events.
        self.refusal = self.start_refusal(raw)
        self.input: TrajectoryInput | None = None
        """The decoded start or continuation; ``None`` when the start is refused (nothing else is built)."""
        if self.refusal is not None:
            return
        input: TrajectoryInput = workflow.payload_converter().from_payload(raw.payload, TrajectoryInput)  # type: ignore[call-overload]
        self.input = input
        # The region's policy, unless this worker process runs with test overrides (``domain.policy``).
        self.policy = effective_policy(type(self).policy)
        self.patch_memory = PatchMemory.of(input.patched if isinstance(input, TrajectoryContinuation) else None)
        if isinstance(input, TrajectoryContinuation):
            self.start = input.start
            self.state = TrajectoryState.resume(input.snapshot, self.case_class, self.working_days())
        else:
            self.start = input
            case = self.new_case(input)
            self.state = TrajectoryState(case=case, deadlines=DeadlineBook({}, self.working_days()))
        self.money = PaymentBook(self, self.state.streams)
        self.patches = RunPatches()  # decided at the start of the run; until then, as before every patch
        self.escalation_by_policy = False  # region workflows set it from their patch at the start of a run
        self.effects: list[Effect] = []
        self.visible: dict[str, Any] = {}
        # The workflow listens from construction on, so hooks of the initial activation (and of eventless
        # transitions it takes) arm their deadlines too.
        self.route = self.route_class(self.case, self.policy, listeners=[self])

    def working_days(self) -> Any:
        """The calendar deadlines fall due on: the policy's working days, once this run has the region's patch
        for them (Almere's since ``working-days``, the other routes' since ``working-days-every-route``)."""
        on_working_days = self.patched(WORKING_DAYS_PATCH) and self.patched(self.policy.working_days_patch)
        return self.policy.working_days if on_working_days else None

    def patched(self, name: str) -> bool:
        """Whether this run has patch ``name``: asked once per run, unless the run it continued from carried it
        (``workflows.patches.PatchMemory``). Region workflows ask their own patches through it too."""
        return self.patch_memory.patched(name)

    # --- what region workflows provide -------------------------------------------------------------

    def run_started(self) -> None:
        """Called once a run knows which patches it runs under (e.g. to switch on a newer validation)."""

    def new_case(self, start: TrajectoryStart) -> TrajectoryCase:
        """The route's case model at the start of a trajectory."""
        raise NotImplementedError

    # --- Temporal handlers. The contract's Update and Query are declared here, once, and inherited;
    # ``@workflow.run`` must be declared on each region's class, which is the ``@workflow.defn``. ----

    @workflow.update
    def submit_event(self, payload: RawValue) -> EventAccepted:
        """Apply a domain event ``{"event": ..., ..., "actor": ...}``; returns what it applied and the state,
        allowed events and deadlines it left (the whole view is the ``view`` Query's: see :class:`EventAccepted`).

        Taken raw so that the validator sees whether it arrived encrypted, and so that any JSON reaches it,
        which refuses a non-object as ``EventInvalid`` (a ``dict`` hint would let the data converter refuse
        it with a bare pydantic message). The API adds a ``submission`` field (who submitted it and until
        when, :class:`Submission`); callers of the Update without it record no client."""
        if self.accepted_before() and workflow.patched(ONCE_ACROSS_RUNS_PATCH):
            # a retry of an event an earlier run applied: answered, not applied a second time
            event, _ = self.unwrap(payload)
            return self.accepted(str(event.get("event")) if isinstance(event, dict) else "")
        event, submission = self.unwrap(payload)
        answer = self.accept_event(event, submission)
        self.remember_update()
        return answer

    @submit_event.validator
    def check_event(self, payload: RawValue) -> None:
        if self.refusal is not None:  # a refused start, ending
            raise self.refusal
        if (refusal := self.event_refusal(payload)) is not None:
            raise refusal
        if self.accepted_before():
            return
        try:
            event, submission = self.unwrap(payload)
        except ValidationError as error:
            raise self.rejection(
                EventRejected("invalid", f"invalid submission: {error.errors()[0]['msg']}", fields=[SUBMISSION_FIELD])
            ) from None
        self.validate_event(event, submission)

    @workflow.query(name="view")
    def current_view(self) -> TrajectoryView:
        if self.refusal is not None:
            raise self.refusal
        return self.view()

    @workflow.query(name="applied")
    def applied(self, update_id: str) -> bool:
        """Whether this trajectory applied the Update with this ID, in this run or one it continued from (the
        IDs it carries, patch ``events-once-across-runs``). The API asks it before answering 503: Temporal
        knows an Update's outcome only in the run that took it. A query adds nothing to history."""
        return update_id in self.state.update_ids

    @property
    def payment_streams(self) -> bool:
        """Payments follow the facts in this run (patch ``payment-streams``)."""
        return self.patches.payment_streams

    async def run_trajectory(self) -> TrajectoryView:
        """The main loop: run effects, fire due deadlines, wait for the next deadline or event."""
        expected_id = workflow_id_for(self.policy.region, self.start.trajectory_id)
        if workflow.info().workflow_id != expected_id:
            raise ApplicationError(f"workflow ID must be {expected_id!r}", type="InvalidWorkflowId", non_retryable=True)
        self.visible = {pair.key.name: pair.value for pair in workflow.info().typed_search_attributes.search_attributes}
        self.patches = RunPatches.decide(self.patched)
        self.money.corrections = self.patches.payment_corrections
        if self.patches.record_facts and workflow.info().continued_run_id is None:
            self.project_fact(REFERRED, None, None)
        self.run_started()
        while True:
            self.publish()
            self.project_agenda()
            if self.patches.task_writes:
                if await self.settle_task():  # effects, then the task's one write (workflows.projection)
                    continue
            else:
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
                    continuation = TrajectoryContinuation(
                        start=self.start, snapshot=self.state.snapshot(), patched=self.patch_memory.to_carry()
                    )
                    workflow.continue_as_new(continuation)
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

    def accept_event(self, payload: Any, submission: Submission | None = None) -> EventAccepted:
        """Update handler: drive the machine with the event; deadlines and effects follow from its hooks."""
        try:
            event = self.parse(payload)
        except EventRejected as rejected:  # only if state changed between validation and handling
            raise self.rejection(rejected) from None
        self.apply(event.name, event, event.actor, client=submission.client if submission else None)
        self.publish()  # state, coach and attempts are searchable at once, even when no timer changes
        return self.accepted(event.name)

    def accepted(self, name: str) -> EventAccepted:
        """The Update's answer: event ``name`` and where the trajectory stands now."""
        return EventAccepted(
            region=self.policy.region,
            trajectory_id=self.start.trajectory_id,
            event=name,
            state=self.route.state_id,
            closed=self.route.closed,
            allowed_events=self.allowed_events(),
            deadlines=self.deadlines.as_dict(),
        )

    def apply(self, name: str, payload: EventBase | None, actor: str, client: str | None = None) -> None:
        """Send ``name`` to the machine, arm and clear what its table says, drop deadlines of the states left, and
        record the transition (with the API client that submitted it, beside the actor it claims)."""
        source = self.route.state_id
        self.route.send(name, payload=payload)
        target = self.route.state_id
        self.follow_table(name, entered=target if target != source else None, payload=payload)
        self.deadlines.keep_in_scope(target)
        if self.payment_streams:
            self.money.follow(target)
        self.history.append(
            TransitionRecord(
                at=workflow.now(), event=name, from_state=source, to_state=target, actor=actor, client=client
            )
        )
        if self.patched(AUDIT_EVENTS_PATCH):
            self.audit_event(name, source, target, actor, client)
        if self.patches.record_facts:
            self.project_fact(name, payload, source)

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
        return self.case.coach_id

    @property
    def match_attempts(self) -> int:
        return int(getattr(self.case, "match_attempts", 0))
