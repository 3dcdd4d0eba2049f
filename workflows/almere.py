"""Almere's trajectory workflow: the Almere machine, its policy, and the deadlines each step arms."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow

from workflows.deadlines import DeadlineBook
from workflows.employment import EmploymentSchedule
from workflows.trajectory import TrajectoryInput, TrajectoryWorkflow

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from domain.almere import ALMERE_EVENTS, AlmereCase
    from domain.dates import start_of_day
    from domain.policy import ALMERE
    from domain.records import Escalation, Notify, Recipient, TrajectoryView
    from domain.start import TrajectoryStart
    from statemachines.almere import AlmereRoute

COACH, TEAM_LEAD = Recipient.COACH, Recipient.TEAM_LEAD


@workflow.defn(name="AlmereTrajectory", failure_exception_types=[ValidationError])
class AlmereTrajectory(TrajectoryWorkflow):
    """One participant's route to sheltered work in Almere (ID ``trajectory-almere-<trajectory_id>``)."""

    route_class = AlmereRoute
    case_class = AlmereCase
    case: AlmereCase  # the engine's case, as this route's model
    events = ALMERE_EVENTS
    policy = ALMERE

    @workflow.init
    def __init__(self, input: TrajectoryInput) -> None:
        super().__init__(input)
        self.employment = EmploymentSchedule(self.deadlines, self.policy)

    @workflow.run
    async def run(self, input: TrajectoryInput) -> TrajectoryView:
        return await self.run_trajectory()

    def new_case(self, start: TrajectoryStart) -> AlmereCase:
        return AlmereCase(coach_id=start.coach_id, provider_id=start.provider_id)

    # --- machine hooks: what each step arms. Names follow python-statemachine's conventions. ---------

    @property
    def book(self) -> DeadlineBook:
        return self.deadlines

    def on_enter_observation(self, payload: Any) -> None:
        weeks = payload.period_weeks
        period = timedelta(weeks=weeks) if weeks else self.policy.observation_period
        self.arm_after(
            "observation_end", period, f"observation ({period.days // 7} weeks)",
            Notify(kind="observation_decision_due", recipient=COACH), "observation",
        )

    def on_enter_awaiting_advice(self) -> None:
        self.await_uwv_advice()

    def on_enter_seeking_placement(self) -> None:
        self.arm_after(
            "placement_search", self.policy.placement_search_within, "trial placement to start",
            Notify(kind="placement_overdue", recipient=COACH), "seeking_placement",
            escalation=Escalation(
                name="placement_escalation", after=self.policy.placement_escalation_after,
                summary="still no trial placement", notify=Notify(kind="placement_overdue", recipient=TEAM_LEAD),
            ),
        )

    def on_enter_trial(self, payload: Any) -> None:
        begin = start_of_day(payload.start_date)
        self.book.arm(
            "wage_value_assessment", begin + self.policy.wage_value_assessment_after, "wage-value assessment (week 6)",
            Notify(kind="wage_value_assessment_due", recipient=COACH), ("trial",),
        )
        self.arm_trial_end(begin + self.policy.trial_length)

    def arm_trial_end(self, due: datetime) -> None:
        weeks = (due - start_of_day(self.case.trial_start)).days // 7
        self.book.arm(
            "trial_end", due, f"{weeks}-week trial", Notify(kind="trial_decision_due", recipient=COACH), ("trial",),
            escalation=Escalation(
                name="trial_decision", after=self.policy.trial_decision_grace,
                summary="trial decision overdue", notify=Notify(kind="trial_decision_overdue", recipient=TEAM_LEAD),
            ),
        )

    def after_wage_value_assessed(self) -> None:
        self.book.clear("wage_value_assessment")

    def after_trial_extended(self) -> None:
        self.book.clear("trial_decision")
        extended = timedelta(weeks=self.case.trial_weeks_extended)
        self.arm_trial_end(start_of_day(self.case.trial_start) + self.policy.trial_length + extended)

    def after_trial_failed(self) -> None:
        if self.route.closed:
            self.notify("back_to_day_activities", COACH, summary=self.case.closing_reason or "")
            self.notify("back_to_day_activities", TEAM_LEAD, summary=self.case.closing_reason or "")
        else:
            attempts = f"trial {self.case.failed_trials} of {self.policy.max_match_attempts} failed: seek another place"
            self.notify("rematch_needed", COACH, summary=attempts)

    def on_enter_employed(self, payload: Any) -> None:
        self.employment.start(payload.start_date, payload.end_date)

    def after_contract_renewed(self, payload: Any) -> None:
        self.employment.contract_until(payload.end_date)

    def after_visit_recorded(self, payload: Any) -> None:
        self.employment.visit_from(payload.visited_on)

    def after_absence_reported(self, payload: Any) -> None:
        self.notify("absence_reported", COACH, summary=f"absence of {payload.days_absent} day(s) reported")

    def after_coach_reassigned(self) -> None:
        self.notify("trajectory_assigned", COACH, summary="this trajectory is now yours")
