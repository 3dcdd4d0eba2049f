"""Almere's trajectory workflow: the Almere machine, its policy, and the deadlines each step arms."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RawValue

from workflows.almere_deadlines import ALMERE_DEADLINES
from workflows.employment import EmploymentSchedule
from workflows.trajectory import TrajectoryWorkflow

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from domain.almere import ALMERE_EVENTS, AlmereCase
    from domain.dates import add_months, start_of_day
    from domain.payments import DateSpan
    from domain.policy import ALMERE
    from domain.records import Recipient, TrajectoryView
    from domain.start import ReferralSource, TrajectoryStart
    from statemachines.almere import AlmereRoute

COACH, TEAM_LEAD = Recipient.COACH, Recipient.TEAM_LEAD
NEIGHBOURHOOD_TEAM = Recipient.NEIGHBOURHOOD_TEAM

ALMERE_STEPS_PATCH = "almere-seed-steps"
"""Issue 16's steps from the seeds: a trial before the advice, a talk after every advice, the pre-consultation,
the re-examination, absence follow-up, the neighbourhood team, school leavers, the build-up to 28 hours, and
escalations to the other advisor. Runs that started before keep the route they started with."""

ALMERE_HOURS_BUILD_UP_PATCH = "almere-hours-build-up"
"""The build-up to 28 hours is re-checked for as long as it lasts: ``hours_recheck`` recurs every
``hours_recheck_every`` after it fell due (before, it fell due once and only ``hours_recorded`` armed it again), and
the hours ``observation_completed`` records count like ``hours_recorded`` (28, or an exception with a reason, ends
the re-check). Asked only when a re-check falls due or meets ``observation_completed``, so other runs record no
marker; runs from before keep the single re-check."""

DEADLINES = ALMERE_DEADLINES


@workflow.defn(name="AlmereTrajectory", failure_exception_types=[ValidationError])
class AlmereTrajectory(TrajectoryWorkflow):
    """One participant's route to sheltered work in Almere (ID ``trajectory-almere-<trajectory_id>``)."""

    route_class = AlmereRoute
    case_class = AlmereCase
    case: AlmereCase  # the engine's case, as this route's model
    events = ALMERE_EVENTS
    policy = ALMERE
    deadline_table = DEADLINES

    @workflow.init
    def __init__(self, input: RawValue) -> None:
        super().__init__(input)
        if self.refusal is None:
            self.employment = EmploymentSchedule(self)

    @workflow.run
    async def run(self, input: RawValue) -> TrajectoryView:
        start = self.accept_start()  # a start that arrived in plain text ends here
        steps = self.patched(ALMERE_STEPS_PATCH)
        self.route.seed_steps = self.escalation_by_policy = steps
        if steps and isinstance(start, TrajectoryStart):
            self.arm_school_leaver_meeting(start)
            self.recheck_hours(start.participant.hours_per_week)
        return await self.run_trajectory()

    def run_started(self) -> None:
        # Runs from before payments followed the facts accepted a contract without a wage value; on replay their
        # handler must accept it again.
        self.case.wage_value_before_contract = self.payment_streams

    def new_case(self, start: TrajectoryStart) -> AlmereCase:
        return AlmereCase(coach_id=start.coach_id, provider_id=start.provider_id)

    @property
    def seed_steps(self) -> bool:
        """Issue 16's steps apply to this run (patch ``almere-seed-steps``)."""
        return self.route.seed_steps

    # --- machine hooks: what the table cannot say. Names follow python-statemachine's conventions. ---------

    def on_enter_observation(self, payload: Any) -> None:
        weeks = payload.period_weeks
        period = timedelta(weeks=weeks) if weeks else self.policy.observation_period
        self.arm(
            DEADLINES["observation_end"], at=workflow.now() + period, summary=f"observation ({period.days // 7} weeks)"
        )

    def arm_school_leaver_meeting(self, start: TrajectoryStart) -> None:
        """A VSO/Pro pupil is discussed well before leaving school: a meeting a policy number of months ahead."""
        if start.referral_source != ReferralSource.VSO_PRO_SCHOOL or start.school_leaving_date is None:
            return
        months = self.policy.school_leaver_meeting_months_before
        due = max(add_months(start_of_day(start.school_leaving_date), -months), workflow.now())
        summary = f"discuss the school leaver ({months} months before leaving school)"
        self.arm(DEADLINES["school_leaver_meeting"], at=due, summary=summary)

    def recheck_hours(self, hours: float) -> None:
        """Under the policy's hours without an exception: the build-up is re-checked after a while."""
        if hours >= self.policy.min_hours_per_week or self.case.hours_exception_reason:
            self.clear(DEADLINES["hours_recheck"])
            return
        summary = f"re-check hours ({hours:g} of {self.policy.min_hours_per_week:g} a week)"
        self.arm(DEADLINES["hours_recheck"], summary=summary)

    def after_hours_recorded(self, payload: Any) -> None:
        self.recheck_hours(payload.hours_per_week)

    def fire_due(self, now: datetime) -> None:
        """What fell due, then the build-up's next re-check while it lasts (patch ``almere-hours-build-up``)."""
        recheck = self.deadlines.open.get("hours_recheck")
        super().fire_due(now)
        if recheck is None or recheck.paused_at is not None or recheck.due > now or self.route.closed:
            return
        if "hours_recheck" not in self.deadlines.open and self.patched(ALMERE_HOURS_BUILD_UP_PATCH):
            hours = self.case.hours_per_week
            self.recheck_hours(self.start.participant.hours_per_week if hours is None else hours)

    def after_observation_completed(self, payload: Any) -> None:
        """The observation's hours count as recorded hours (the build-up to 28 goes on while the advice is out)."""
        if self.route.closed or "hours_recheck" not in self.deadlines.open:
            return
        if self.patched(ALMERE_HOURS_BUILD_UP_PATCH):
            self.case.hours_per_week = payload.hours_per_week
            self.recheck_hours(payload.hours_per_week)

    def await_uwv_advice(self) -> None:
        """Request UWV's advice; runs from before issue 16 keep its answer's deadline in ``awaiting_advice``."""
        self.request_uwv_advice()
        self.arm(DEADLINES["uwv_advice"], scope=None if self.seed_steps else ("awaiting_advice",))

    def on_enter_awaiting_advice(self) -> None:
        self.await_uwv_advice()

    def after_advice_received(self, payload: Any) -> None:
        if not self.seed_steps:
            return
        self.clear(DEADLINES["uwv_advice"])
        decides = payload.outcome == "negative"
        if decides and self.route.state_id == "trial":
            self.notify(
                "advice_negative_in_trial", COACH, summary="advice negative during the trial: decide in the talk"
            )
        summary = f"talk with the candidate after the {payload.outcome} advice" + (": decide" if decides else "")
        self.arm(DEADLINES["advice_talk"], summary=summary)

    def after_advice_talk_recorded(self, payload: Any) -> None:
        if payload.decision == "reapply" and self.route.state_id == "trial":
            self.await_uwv_advice()

    def on_enter_trial(self, payload: Any) -> None:
        begin = start_of_day(payload.start_date)
        self.arm(DEADLINES["wage_value_assessment"], at=begin + self.policy.wage_value_assessment_after)
        self.arm_trial_end(begin + self.policy.trial_length)

    def arm_trial_end(self, due: datetime) -> None:
        weeks = (due - start_of_day(self.case.trial_start)).days // 7
        self.arm(DEADLINES["trial_end"], at=due, summary=f"{weeks}-week trial")

    def after_trial_extended(self) -> None:
        self.deadlines.clear("trial_decision")
        extended = timedelta(weeks=self.case.trial_weeks_extended)
        self.arm_trial_end(start_of_day(self.case.trial_start) + self.policy.trial_length + extended)

    def after_trial_failed(self) -> None:
        if self.route.closed:
            self.notify("back_to_day_activities", COACH, summary=self.case.closing_reason or "")
            self.notify("back_to_day_activities", TEAM_LEAD, summary=self.case.closing_reason or "")
        else:
            attempts = f"trial {self.case.failed_trials} of {self.policy.max_match_attempts} failed: seek another place"
            self.notify("rematch_needed", COACH, summary=attempts)

    def on_enter_employed(self, payload: Any, event: str = "contract_signed") -> None:
        if event != "contract_signed":
            return  # renewed after the contract ended: after_contract_renewed arms what follows
        if not self.payment_streams:
            self.employment.start(payload.start_date, payload.end_date)
            return
        self.employment.start(payload.start_date, payload.end_date, paid=False)
        self.expire_contract_after(payload.end_date)  # the fees and the wage-cost subsidy: the table's streams

    def expire_contract_after(self, end: date) -> None:
        """The day after an unrenewed contract's last day the trajectory leaves ``employed`` (fees stop) and the
        coach must decide: renew, permanent or end."""
        self.arm(DEADLINES["contract_expiry"], at=start_of_day(end + timedelta(days=1)))

    def after_contract_renewed(self, payload: Any) -> None:
        self.employment.contract_until(payload.end_date)
        if self.payment_streams:
            self.expire_contract_after(payload.end_date)
            for key in ("supervision_fee", "wage_cost_subsidy"):
                self.money.set_end(key, payload.end_date)

    def after_permanent_contract_signed(self) -> None:
        if self.payment_streams:
            for key in ("supervision_fee", "wage_cost_subsidy"):
                self.money.set_end(key, None)

    def on_enter_contract_ended(self) -> None:
        summary = f"the contract ended on {self.case.contract_end} without renewal: renew, make permanent or end"
        self.notify("contract_ended_unrenewed", COACH, summary=summary)

    def after_travel_costs_claimed(self, payload: Any) -> None:
        period = DateSpan(start=payload.period_start, end=payload.period_end)
        key = f"travel_costs:{self.state.next_sequence()}"
        self.money.order_once(key, "travel_costs", f"participant:{self.start.participant_ref}", period,
                              cents=payload.amount_cents)  # fmt: skip

    def after_visit_recorded(self, payload: Any) -> None:
        self.employment.visit_from(payload.visited_on)

    def after_absence_reported(self, payload: Any) -> None:
        self.notify("absence_reported", COACH, summary=f"absence of {payload.days_absent} day(s) reported")
        if not self.seed_steps:
            return
        if self.case.absence_since is None:  # the first day of this absence; later reports extend it
            self.case.absence_since = self.today - timedelta(days=payload.days_absent - 1)
        if "long_absence" not in self.deadlines.open and self.case.absence_since is not None:
            due = max(start_of_day(self.case.absence_since) + self.policy.long_absence_after, workflow.now())
            self.arm(DEADLINES["long_absence"], at=due)

    def after_neighbourhood_team_referred(self) -> None:
        """The text names no problem (notifications leave the system); the team asks the advisor, who knows it."""
        summary = f"referral from the sheltered-work route: please contact advisor {self.coach_id}"
        self.notify("neighbourhood_team_referral", NEIGHBOURHOOD_TEAM, summary=summary)

    def after_reexamination_requested(self) -> None:
        """Filed with UWV like the advice; its answer is chased like the advice's."""
        self.request_uwv_advice(kind="reexamination")  # its answer's deadline is the table's

    def after_coach_reassigned(self) -> None:
        self.notify("trajectory_assigned", COACH, summary="this trajectory is now yours")
