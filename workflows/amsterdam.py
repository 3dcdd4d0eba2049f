"""Amsterdam's trajectory workflow: the Amsterdam machine, its policy, and the deadlines each step arms."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction
from typing import Any

from temporalio import workflow
from temporalio.common import RawValue

from workflows.amsterdam_deadlines import AMSTERDAM_DEADLINES, IN_WORK, OPEN_STATES
from workflows.employment import EmploymentSchedule
from workflows.trajectory import TrajectoryWorkflow

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from domain.amsterdam import AMSTERDAM, AMSTERDAM_EVENTS, AmsterdamCase, FallbackOutcome
    from domain.dates import add_months, start_of_day
    from domain.payments import DateSpan
    from domain.records import Recipient, TrajectoryView
    from domain.start import TrajectoryStart
    from statemachines.amsterdam import AmsterdamRoute

COACH, TEAM_LEAD, SPECIALIST = Recipient.COACH, Recipient.TEAM_LEAD, Recipient.WAGE_VALUE_SPECIALIST

DEADLINES = AMSTERDAM_DEADLINES


AMSTERDAM_STEPS_PATCH = "amsterdam-seed-steps"
"""Issue 16's steps: the follow-up period of a durable placement (completing the transition no longer closes) and
the client manager told when work starts, changes and stops. Runs that started before keep the route they started
with."""

CLIENT_MANAGER = Recipient.CLIENT_MANAGER

BEFORE_WORK = ("intake", "preparing", "internship", "awaiting_advice", "seeking_work")
PAID_WHILE = tuple(state for state in OPEN_STATES if state not in BEFORE_WORK)
"""Employer payments run in every open state from employment on (employed, fallback review, the follow-up of a
durable placement, …) and stop when the trajectory closes or goes back to seeking work."""


@workflow.defn(name="AmsterdamTrajectory", failure_exception_types=[ValidationError])
class AmsterdamTrajectory(TrajectoryWorkflow):
    """One participant's route from day activities into work in Amsterdam (ID ``trajectory-amsterdam-<id>``)."""

    route_class = AmsterdamRoute
    case_class = AmsterdamCase
    case: AmsterdamCase  # the engine's case, as this route's model
    events = AMSTERDAM_EVENTS
    policy = AMSTERDAM
    deadline_table = DEADLINES

    @workflow.init
    def __init__(self, input: RawValue) -> None:
        super().__init__(input)
        if self.refusal is None:
            self.employment = EmploymentSchedule(self, employed=IN_WORK)

    @workflow.run
    async def run(self, input: RawValue) -> TrajectoryView:
        start = self.accept_start()  # a start that arrived in plain text ends here
        self.route.seed_steps = self.patched(AMSTERDAM_STEPS_PATCH)
        if isinstance(start, TrajectoryStart):
            self.start_check_ins()
        return await self.run_trajectory()

    def new_case(self, start: TrajectoryStart) -> AmsterdamCase:
        return AmsterdamCase(coach_id=start.coach_id, provider_id=start.provider_id)

    def start_check_ins(self) -> None:
        """The consultant keeps a finger on the pulse: a check-in every quarter until the trajectory closes."""
        self.arm(DEADLINES["check_in"])

    # --- machine hooks: what each step arms. Names follow python-statemachine's conventions. ---------

    def on_enter_internship(self, payload: Any) -> None:
        months = self.case.internship_months
        if self.payment_streams:  # the internship company is paid per month of internship (a default amount)
            last_day = add_months(payload.start_date, months) - timedelta(days=1)
            self.money.start("internship", "internship", payload.host, payload.start_date,
                             runs_in=("internship",), end=last_day)  # fmt: skip
        at = add_months(start_of_day(payload.start_date), months)
        self.arm(DEADLINES["internship_end"], at=at, summary=f"learning-work internship ({months} months)")

    def on_enter_awaiting_advice(self) -> None:
        self.request_uwv_advice()  # its answer's deadline is the table's
        if self.case.wage_value_percent is not None:
            return
        self.notify("wage_value_assessment_requested", SPECIALIST, summary="wage-value assessment requested")
        self.arm(DEADLINES["wage_value_assessment"])

    def after_advice_received(self, payload: Any) -> None:
        if payload.outcome == "negative":
            self.notify(
                "outflow_rechoice_needed", COACH, summary="sheltered-work advice negative: choose the outflow again"
            )

    def tell_client_manager(self, kind: str, summary: str) -> None:
        """The client manager Work & Income keeps the benefit, so hears of every change in work (seed 001)."""
        if self.route.seed_steps:
            self.notify(kind, CLIENT_MANAGER, summary=summary)

    def after_work_split_changed(self, payload: Any) -> None:
        hours = f", {payload.hours_per_week:g} hours a week" if payload.hours_per_week is not None else ""
        self.tell_client_manager(
            "work_hours_changed",
            f"from {payload.since}: {payload.employer_days} day(s) at the employer, "
            f"{payload.day_activities_days} in day activities{hours}",
        )

    def after_contract_renewed(self, payload: Any) -> None:
        if payload.end_date is None:
            self.deadlines.clear("contract_renewal", "contract_end")
        else:
            self.employment.contract_until(payload.end_date)
        for key in ("supervision_fee", "wage_cost_subsidy"):  # payments run to the renewed end (or open-ended)
            self.money.set_end(key, payload.end_date)

    def after_placement_completed(self) -> None:
        """The transition is complete: the follow-up period starts; closing is the consultant's decision after it."""
        if self.route.state_id != "follow_up":
            return
        months = self.policy.follow_up_months
        self.case.transition_completed_on = self.today
        self.case.follow_up_until = add_months(self.today, months)
        summary = f"follow-up period ({months} months) over"
        self.arm(DEADLINES["follow_up_end"], at=start_of_day(self.case.follow_up_until), summary=summary)

    def after_withdrawn(self, source: Any) -> None:
        if source.id in IN_WORK:
            self.tell_client_manager("work_stopped", "the participant withdrew")

    def after_employment_started(self, payload: Any) -> None:
        self.tell_client_manager(
            "work_started", f"work starts {payload.start_date}, {payload.hours_per_week:g} hours a week"
        )
        if self.payment_streams:
            self.employment.start(payload.start_date, payload.end_date, paid=False)
            self.pay_employer(payload)
            return
        kind = self.policy.one_off_payment_kind
        self.employment.start(
            payload.start_date,
            payload.end_date,
            paid=self.case.outflow in self.policy.paid_outflows,
            one_off_paid=any(p.kind == kind for p in self.payments) or kind in self.deadlines.open,
        )

    def pay_employer(self, payload: Any) -> None:
        """Supervision for the contract hours (in full for 36), €2,500 job coaching once in the first year, and the
        wage-cost subsidy (not for Wajong): from the start to the contract's end, while in work."""
        policy, case, employer = self.policy, self.case, str(payload.employer_id)
        if case.outflow in policy.paid_outflows:
            hours = Fraction(str(min(payload.hours_per_week, policy.supervision_contract_hours)))
            scale = hours / Fraction(str(policy.supervision_contract_hours))
            self.money.start("supervision_fee", "supervision_fee", employer, payload.start_date, runs_in=PAID_WHILE,
                             end=payload.end_date, scale=str(scale))  # fmt: skip
            if not any(p.kind == "job_coaching" for p in self.payments):
                first_year = DateSpan(
                    start=payload.start_date, end=add_months(payload.start_date, 12) - timedelta(days=1)
                )
                self.money.order_once("job_coaching", "job_coaching", employer, first_year)
        if (
            case.outflow in policy.wage_cost_subsidy_outflows
            and case.wage_value_percent is not None
            and not case.wajong
        ):
            self.money.start(
                "wage_cost_subsidy", "wage_cost_subsidy", employer, payload.start_date, runs_in=PAID_WHILE,
                end=payload.end_date, hours_per_week=payload.hours_per_week, wage_value_percent=case.wage_value_percent,
            )  # fmt: skip

    def on_enter_fallback_review(self, payload: Any) -> None:
        self.notify("fallback_decision_needed", COACH, summary="work at risk: decide on the fallback")

    def after_fallback_decided(self, payload: Any) -> None:
        if payload.outcome != FallbackOutcome.STAY_IN_WORK:
            self.tell_client_manager("work_stopped", f"fallback decided: {payload.outcome.value.replace('_', ' ')}")
        if payload.outcome == FallbackOutcome.BACK_TO_DAY_ACTIVITIES:
            self.notify("back_to_day_activities", COACH, summary="fallback decided: back to day activities")
            self.notify("back_to_day_activities", TEAM_LEAD, summary="fallback decided: back to day activities")

    def after_coach_reassigned(self) -> None:
        self.notify("trajectory_assigned", COACH, summary="this trajectory is now yours")
