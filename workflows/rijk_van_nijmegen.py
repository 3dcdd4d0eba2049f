"""Rijk van Nijmegen's trajectory workflow: the machine, its policy, and the deadlines each step arms."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from temporalio import workflow

from workflows.trajectory import TrajectoryInput, TrajectoryWorkflow

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from domain.dates import add_months, start_of_day
    from domain.payments import DateSpan, local_date
    from domain.records import Escalation, Notify, Recipient, TrajectoryView
    from domain.rijk_van_nijmegen import RIJK_VAN_NIJMEGEN, RIJK_VAN_NIJMEGEN_EVENTS, RijkVanNijmegenCase
    from domain.start import TrajectoryStart
    from statemachines.rijk_van_nijmegen import RijkVanNijmegenRoute

COACH, TEAM_LEAD = Recipient.COACH, Recipient.TEAM_LEAD
ARRANGEMENT = ("development", "paused")
"""The states a development arrangement's deadlines belong to: a pause keeps them, with their clock stopped."""
OPEN_STATES = tuple(str(state.id) for state in RijkVanNijmegenRoute.states if not state.final)

SEED_STEPS_PATCH = "rijk-van-nijmegen-seed-steps"
"""Issue 17: UWV's advice before sheltered work, wage-value measurements during a wage-value arrangement, the
school leaver's benefit check, and the evaluation escalated after ``evaluation_grace``. Asked once, when a
trajectory starts (``case.route_revision``): a trajectory keeps the route it started on, and so its history."""


@workflow.defn(name="RijkVanNijmegenTrajectory", failure_exception_types=[ValidationError])
class RijkVanNijmegenTrajectory(TrajectoryWorkflow):
    """One participant's route "Op weg naar werk" (ID ``trajectory-rijk-van-nijmegen-<trajectory_id>``)."""

    route_class = RijkVanNijmegenRoute
    case_class = RijkVanNijmegenCase
    case: RijkVanNijmegenCase  # the engine's case, as this route's model
    events = RIJK_VAN_NIJMEGEN_EVENTS
    policy = RIJK_VAN_NIJMEGEN

    @workflow.init
    def __init__(self, input: TrajectoryInput) -> None:
        super().__init__(input)

    @workflow.run
    async def run(self, input: TrajectoryInput) -> TrajectoryView:
        return await self.run_trajectory()

    # submit_event (Update, with its validator) and view (Query) are the contract's, from TrajectoryWorkflow.

    def new_case(self, start: TrajectoryStart) -> RijkVanNijmegenCase:
        return RijkVanNijmegenCase(
            coach_id=start.coach_id, provider_id=start.provider_id, diploma_date=start.diploma_date,
            route_revision=1 if workflow.patched(SEED_STEPS_PATCH) else 0,
        )

    @property
    def seed_steps(self) -> bool:
        return self.case.route_revision >= 1

    # --- arming ----------------------------------------------------------------------------------------

    def arm_due(
        self, name: str, due: datetime, summary: str, kind: str, scope: tuple[str, ...], *, overdue: str | None = None,
        escalate_after: timedelta | None = None, every_months: int | None = None,
    ) -> None:
        """Tell the owner ``kind`` at ``due``; with ``overdue``, tell the team lead when nobody acted
        ``escalate_after`` (default the policy's ``escalation_after``) later."""
        escalation = None
        if overdue:
            escalation = Escalation(
                name=f"{name}_escalation", after=escalate_after or self.policy.escalation_after,
                summary=f"{summary}: overdue", notify=Notify(kind=overdue, recipient=TEAM_LEAD),
            )
        self.deadlines.arm(
            name, due, summary, Notify(kind=kind, recipient=COACH), scope, escalation=escalation,
            every_months=every_months,
        )

    def arm_coach_after(self, name: str, after: timedelta, summary: str, kind: str, scope: str, **kw: Any) -> None:
        """Like the engine's ``arm_after``, notifying the coach with ``kind`` (its own name: not an override)."""
        self.arm_due(name, workflow.now() + after, summary, kind, (scope,), **kw)

    # --- machine hooks: what each step arms. Names follow python-statemachine's conventions. ---------

    def on_enter_school_meeting(self) -> None:
        """The consultant joins the school meeting 6–12 months before the diploma."""
        diploma = start_of_day(self.case.diploma_date)
        policy = self.policy
        self.arm_due(
            "school_meeting_join", add_months(diploma, -policy.school_meeting_join_from_months),
            "join the school meeting", "school_meeting_join_due", ("school_meeting",),
        )
        self.arm_due(
            "school_meeting_join_latest", add_months(diploma, -policy.school_meeting_join_by_months),
            "school meeting joined at the latest", "school_meeting_join_overdue", ("school_meeting",),
            overdue="school_meeting_join_overdue",
        )
        if self.seed_steps:
            self.arm_due(
                "benefit_check", add_months(diploma, -policy.benefit_check_before_diploma_months),
                "youth team: can a benefit be applied for?", "benefit_check_due", OPEN_STATES,
                overdue="benefit_check_overdue",
            )

    def after_benefit_check_completed(self) -> None:
        self.deadlines.clear("benefit_check", "benefit_check_escalation")

    def on_enter_awaiting_case_meeting(self) -> None:
        self.arm_coach_after(
            "case_meeting", self.policy.case_meeting_within, "case meeting of three consultants",
            "case_meeting_due", "awaiting_case_meeting", overdue="case_meeting_overdue",
        )

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

    def on_enter_plan_of_approach(self) -> None:
        self.arm_coach_after(
            "plan_of_approach", self.policy.plan_of_approach_within, "plan of approach from provider and candidate",
            "plan_of_approach_due", "plan_of_approach", overdue="plan_of_approach_overdue",
        )

    def on_enter_plan_advice(self) -> None:
        self.arm_coach_after(
            "plan_advice", self.policy.plan_advice_within, "WerkBedrijf's advice on the plan of approach",
            "plan_advice_due", "plan_advice", overdue="plan_advice_overdue",
        )

    def after_plan_advised(self, payload: Any) -> None:
        if payload.advice != "agreed":
            self.notify("plan_revision_requested", COACH)
            return
        review = add_months(self.case.arrangement_start, self.policy.progress_review_after_months)
        if review < self.case.arrangement_end:
            self.arm_due("progress_review", review, "progress review of the arrangement", "progress_review_due", ARRANGEMENT)
        if self.seed_steps and self.case.development == "wage_value":
            every = self.policy.wage_value_measurement_every_months
            self.arm_due(
                "wage_value_measurement", add_months(self.case.arrangement_start, every),
                f"wage-value measurement (every {every} months)", "wage_value_measurement_due", ARRANGEMENT,
                every_months=every,
            )
        self.arm_arrangement_end()
        self.pay_development()

    def arm_arrangement_end(self) -> None:
        self.deadlines.clear("arrangement_end_escalation")
        self.arm_due(
            "arrangement_end", self.case.arrangement_end, f"{self.case.development} arrangement ends: evaluation",
            "evaluation_due", ARRANGEMENT, overdue="evaluation_overdue",
            escalate_after=self.policy.evaluation_grace if self.seed_steps else None,
        )

    def after_arrangement_paused(self) -> None:
        now = workflow.now()
        self.case.paused_since = now
        self.deadlines.pause("development", now)
        self.arm_coach_after("pause_review", self.policy.max_pause, "pause to be reviewed", "pause_review_due", "paused")

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
        """Sheltered work goes through UWV, as in the other routes: the advice is requested before placement;
        a missing answer goes to the owner, then the team lead."""
        self.await_uwv_advice()

    def after_advice_received(self, payload: Any) -> None:
        if payload.outcome != "positive":
            self.notify("uwv_advice_negative", COACH, summary="no sheltered work: back to the basic arrangement")

    def on_enter_seeking_work(self) -> None:
        self.arm_coach_after(
            "work_step", self.policy.placement_search_within, "trial place, learning workplace or contract",
            "work_step_due", "seeking_work", overdue="work_step_overdue",
        )

    def on_enter_one_leg_in_each(self) -> None:
        self.arm_coach_after(
            "work_step_review", self.policy.work_step_review_after, "is the step to work complete?",
            "work_step_review_due", "one_leg_in_each", overdue="work_step_review_overdue",
        )

    def on_enter_in_work(self) -> None:
        every = self.policy.job_coach_check_every_months
        self.deadlines.arm(
            "job_coach_check", add_months(workflow.now(), every), "job coach check-in",
            Notify(kind="job_coach_check_due", recipient=COACH), ("in_work",), every_months=every,
        )

    def after_work_step_completed(self) -> None:
        self.notify("trajectory_assigned", COACH, summary="the step to work is complete: job coaching is yours")

    def after_fell_back(self) -> None:
        self.notify("fallback_decision_needed", COACH, summary="fallback: decide the next step")
        self.arm_coach_after(
            "fallback_decision", self.policy.fallback_decision_within, "fallback decision",
            "fallback_decision_due", "fallback", overdue="fallback_decision_overdue",
        )

    def after_coach_reassigned(self) -> None:
        self.notify("trajectory_assigned", COACH, summary="this trajectory is now yours")
