"""Rijk van Nijmegen's trajectory workflow: the machine, its policy, and the deadlines each step arms."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RawValue

from workflows.rijk_van_nijmegen_deadlines import RIJK_VAN_NIJMEGEN_DEADLINES
from workflows.trajectory import TrajectoryWorkflow

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from domain.dates import add_months, start_of_day
    from domain.payments import DateSpan, local_date
    from domain.records import Recipient, TrajectoryView
    from domain.rijk_van_nijmegen import RIJK_VAN_NIJMEGEN, RIJK_VAN_NIJMEGEN_EVENTS, RijkVanNijmegenCase
    from domain.start import TrajectoryStart
    from statemachines.rijk_van_nijmegen import RijkVanNijmegenRoute

COACH = Recipient.COACH
DEADLINES = RIJK_VAN_NIJMEGEN_DEADLINES

SEED_STEPS_PATCH = "rijk-van-nijmegen-seed-steps"
"""Issue 17: UWV's advice before sheltered work, wage-value measurements during a wage-value arrangement, the
school leaver's benefit check, and the evaluation escalated after ``evaluation_grace``. Asked once, when a
trajectory starts (``case.route_revision``): a trajectory keeps the route it started on, and so its history."""

YOUTH_TEAM_PATCH = "rijk-van-nijmegen-youth-team"
"""Issue 17: the school leaver's benefit check falls due with the youth team ("Een consulent van het jongerenteam
kijkt mee of een uitkering kan worden aangevraagd", seed 001), not with the trajectory's owner (``route_revision``
2; asked at the start after the seed steps)."""


def route_revision() -> int:
    """0: the route before issue 17; 1: its seed steps; 2: the benefit check with the youth team."""
    if not workflow.patched(SEED_STEPS_PATCH):
        return 0
    return 2 if workflow.patched(YOUTH_TEAM_PATCH) else 1


@workflow.defn(name="RijkVanNijmegenTrajectory", failure_exception_types=[ValidationError])
class RijkVanNijmegenTrajectory(TrajectoryWorkflow):
    """One participant's route "Op weg naar werk" (ID ``trajectory-rijk-van-nijmegen-<trajectory_id>``)."""

    route_class = RijkVanNijmegenRoute
    case_class = RijkVanNijmegenCase
    case: RijkVanNijmegenCase  # the engine's case, as this route's model
    events = RIJK_VAN_NIJMEGEN_EVENTS
    policy = RIJK_VAN_NIJMEGEN
    deadline_table = DEADLINES

    @workflow.init
    def __init__(self, input: RawValue) -> None:
        super().__init__(input)

    @workflow.run
    async def run(self, input: RawValue) -> TrajectoryView:
        self.accept_start()  # a start that arrived in plain text ends here
        return await self.run_trajectory()

    # submit_event (Update, with its validator) and view (Query) are the contract's, from TrajectoryWorkflow.

    def new_case(self, start: TrajectoryStart) -> RijkVanNijmegenCase:
        return RijkVanNijmegenCase(
            coach_id=start.coach_id,
            provider_id=start.provider_id,
            diploma_date=start.diploma_date,
            route_revision=route_revision(),
        )

    @property
    def seed_steps(self) -> bool:
        return self.case.route_revision >= 1

    # --- machine hooks: what each step arms. Names follow python-statemachine's conventions. ---------

    def on_enter_school_meeting(self) -> None:
        """The consultant joins the school meeting 6–12 months before the diploma."""
        diploma = start_of_day(self.case.diploma_date)
        policy = self.policy
        self.arm(DEADLINES["school_meeting_join"], at=add_months(diploma, -policy.school_meeting_join_from_months))
        self.arm(DEADLINES["school_meeting_join_latest"], at=add_months(diploma, -policy.school_meeting_join_by_months))
        check = DEADLINES["benefit_check"]
        if self.case.route_revision < 2:  # runs from before: the owner was told
            check = replace(check, recipient=COACH)
        self.arm(check, at=add_months(diploma, -policy.benefit_check_before_diploma_months))

    def after_case_meeting_held(self, payload: Any) -> None:
        self.notify(f"indication_{payload.decision}", COACH, summary=f"arrangement: {payload.arrangement or 'none'}")
        if payload.decision == "granted" and self.case.basic_since is None:
            self.case.basic_since = self.local_today

    # --- money: the basic arrangement per reported half-day, the development arrangement per day ---------

    @property
    def provider(self) -> str:
        return str(self.case.provider_id or "unknown-provider")

    def after_attendance_reported(self, payload: Any) -> None:
        """The month's half-days × €8.50 to the provider, ordered at once for that month."""
        month = payload.month
        last = add_months(month, 1) - timedelta(days=1)
        if payload.half_days:
            self.money.order_once(f"basic_arrangement:{month.isoformat()[:7]}", "basic_arrangement", self.provider,
                                  DateSpan(start=month, end=last), quantity=payload.half_days)  # fmt: skip

    @property
    def development_key(self) -> str:
        return f"development_arrangement:{self.case.arrangement_attempts}"

    def development_last_day(self) -> date:
        return local_date(self.case.arrangement_end) - timedelta(days=1)

    def pay_development(self) -> None:
        """A development arrangement is paid from its start to its (planned, moved) end, not while paused; a
        retry or a follow-up is a new stream: anew from its own start."""
        if self.payment_streams:
            self.money.start(
                self.development_key, "development_arrangement", self.provider, self.case.arrangement_start.date(),
                end=self.development_last_day(), runs_in=("development",), paused_in=("paused",),
            )  # fmt: skip

    def after_plan_advised(self, payload: Any) -> None:
        if payload.advice != "agreed":
            self.notify("plan_revision_requested", COACH)
            return
        review = add_months(self.case.arrangement_start, self.policy.progress_review_after_months)
        if review < self.case.arrangement_end:
            self.arm(DEADLINES["progress_review"], at=review)
        if self.case.development == "wage_value":
            every = self.policy.wage_value_measurement_every_months
            self.arm(
                DEADLINES["wage_value_measurement"], at=add_months(self.case.arrangement_start, every),
                summary=f"wage-value measurement (every {every} months)",
            )  # fmt: skip
        self.arm_arrangement_end()
        self.pay_development()

    def arm_arrangement_end(self) -> None:
        self.deadlines.clear("arrangement_end_escalation")
        rule = DEADLINES["arrangement_end"]
        if not self.seed_steps:  # runs from before: the evaluation escalated like any other step
            rule = replace(rule, escalate=replace(rule.escalate, after="escalation_after"))
        summary = f"{self.case.development} arrangement ends: evaluation"
        self.arm(rule, at=self.case.arrangement_end, summary=summary)

    def after_arrangement_paused(self) -> None:
        now = workflow.now()
        self.case.paused_since = now
        self.deadlines.pause("development", now)

    def after_arrangement_resumed(self) -> None:
        now = workflow.now()
        paused = now - (self.case.paused_since or now)
        self.deadlines.resume("development", now)
        self.case.paused_total += paused
        self.case.arrangement_end += paused
        self.case.paused_since = None
        self.money.set_end(self.development_key, self.development_last_day())

    def after_arrangement_adjusted(self) -> None:
        review = self.deadlines.open.get("progress_review")
        if review is not None and review.due >= self.case.arrangement_end:
            self.deadlines.clear("progress_review")  # the evaluation comes first
        self.arm_arrangement_end()
        self.money.set_end(self.development_key, self.development_last_day())

    def on_enter_awaiting_advice(self) -> None:
        """Sheltered work goes through UWV, as in the other routes: the advice is requested before placement (its
        answer's deadline is the table's)."""
        self.request_uwv_advice()

    def after_advice_received(self, payload: Any) -> None:
        if payload.outcome != "positive":
            self.notify("uwv_advice_negative", COACH, summary="no sheltered work: back to the basic arrangement")

    def after_work_step_completed(self) -> None:
        self.notify("trajectory_assigned", COACH, summary="the step to work is complete: job coaching is yours")

    def after_fell_back(self) -> None:
        self.notify("fallback_decision_needed", COACH, summary="fallback: decide the next step")

    def after_coach_reassigned(self) -> None:
        self.notify("trajectory_assigned", COACH, summary="this trajectory is now yours")
