"""Oss's trajectory workflow: the Oss machine, its policy, and the deadlines each step arms."""

from __future__ import annotations

from datetime import date
from typing import Any

from temporalio import workflow
from temporalio.common import RawValue
from temporalio.exceptions import ApplicationError

from workflows.oss_deadlines import LADDER_STATES, OSS_DEADLINES
from workflows.trajectory import TrajectoryWorkflow

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from domain.dates import add_months, start_of_day
    from domain.oss import OSS, OSS_EVENTS, OssCase, Role
    from domain.records import Recipient, TrajectoryView
    from domain.start import AgeBand, TrajectoryStart
    from statemachines.oss import OssRoute, owner_role

COACH, TEAM_LEAD = Recipient.COACH, Recipient.TEAM_LEAD
DEADLINES = OSS_DEADLINES

SEED_STEPS_PATCH = "oss-seed-steps"
"""Issue 17: the youth consultant owns a young person's screening, nobody is closed for lack of capacity (a
re-screening date instead), a baseline and periodic steps on the participation ladder, a placement search after
a positive advice, UWV benefit told from municipal. Asked once, when a trajectory starts (``case.route_revision``):
a trajectory keeps the route it started on, and so its history."""


def age_on(birth_date: date, today: date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


@workflow.defn(name="OssTrajectory", failure_exception_types=[ValidationError])
class OssTrajectory(TrajectoryWorkflow):
    """One participant's route "Van Zorg naar Werk" in Oss (ID ``trajectory-oss-<trajectory_id>``)."""

    route_class = OssRoute
    case_class = OssCase
    case: OssCase  # the engine's case, as this route's model
    events = OSS_EVENTS
    policy = OSS
    deadline_table = DEADLINES

    @workflow.init
    def __init__(self, input: RawValue) -> None:
        super().__init__(input)
        if self.refusal is None:
            self.owner_before = self.coach_id

    @workflow.run
    async def run(self, input: RawValue) -> TrajectoryView:
        start = self.accept_start()  # a start that arrived in plain text ends here
        if isinstance(start, TrajectoryStart):
            self.open_trajectory()
        return await self.run_trajectory()

    @classmethod
    def reassignment(cls, case: dict[str, Any], coach_id: str, actor: str) -> dict[str, Any]:
        """Oss names its owners per role: the role that owns the trajectory now goes to ``coach_id``."""
        return {"event": "consultant_assigned", "actor": actor, "role": case["owner_role"], "staff_id": coach_id}

    def new_case(self, start: TrajectoryStart) -> OssCase:
        participant = start.participant
        if participant.birth_date is not None:
            young = age_on(participant.birth_date, workflow.now().date()) <= self.policy.youth_max_age
        else:
            young = participant.age_band != AgeBand.FROM_28
        entry_role = Role.ARBEIDSDESKUNDIGE if start.school_leaving_date else Role.WMO_CONSULTANT
        revision = 1 if workflow.patched(SEED_STEPS_PATCH) else 0
        source = (participant.benefit_source or "municipality") if participant.has_benefit else None
        case = OssCase(
            staff={**{str(r): s for r, s in self.policy.default_staff.items()}, entry_role.value: start.coach_id},
            young=young,
            municipal_benefit=participant.has_benefit and (revision == 0 or source == "municipality"),
            school_leaving_date=start.school_leaving_date,
            route_revision=revision,
            benefit_source=source if revision else None,
        )
        if revision and not start.school_leaving_date:  # the youth consultant owns a young person's screening
            case.owner_role = owner_role(self.policy, case).value
            case.coach_id = case.staff[case.owner_role]
        return case

    @property
    def seed_steps(self) -> bool:
        return self.case.route_revision >= 1

    def open_trajectory(self) -> None:
        """A fresh start: a VSO pupil goes to the follow-up, anyone else is screened; youth deadlines."""
        leaving = self.case.school_leaving_date
        if leaving is not None:
            latest = add_months(self.today, 12 * self.policy.vso_follow_up_years)
            if not self.today <= leaving <= latest:
                raise ApplicationError(
                    f"school_leaving_date must lie between today and {self.policy.vso_follow_up_years} years ahead",
                    type="InvalidStart",
                    non_retryable=True,
                )
            self.apply("vso_pupil_entered", None, actor="system:start")
        else:
            self.arm_screening()
            if self.coach_id != self.start.coach_id:
                self.notify("trajectory_assigned", COACH, summary=f"this trajectory is yours ({self.case.owner_role})")
        if self.case.young:
            self.arm_youth_evaluation(self.today)
            birth_date = self.start.participant.birth_date
            if birth_date is not None:
                birthday = start_of_day(add_months(birth_date, 12 * (self.policy.youth_max_age + 1)))
                self.arm(DEADLINES["turns_28"], at=birthday)

    # --- machine hooks: what each step arms. Names follow python-statemachine's conventions. ---------

    def arm_screening(self) -> None:
        self.arm(DEADLINES["screening"])

    def arm_youth_evaluation(self, last: date) -> None:
        every = self.policy.youth_evaluation_every_months
        at, summary = add_months(start_of_day(last), every), f"youth evaluation (every {every} months)"
        self.arm(DEADLINES["youth_evaluation"], at=at, summary=summary)

    def before_transition(self) -> None:
        self.owner_before = self.coach_id

    def after_transition(self) -> None:
        if self.coach_id != self.owner_before:
            self.notify("trajectory_assigned", COACH, summary=f"this trajectory is now yours ({self.case.owner_role})")
        if self.case.state in LADDER_STATES and "ladder_measurement" not in self.deadlines.open:
            every = self.policy.ladder_measurement_every_months
            summary = f"participation ladder measurement (every {every} months)"
            self.arm(DEADLINES["ladder_measurement"], at=add_months(start_of_day(self.today), every), summary=summary)

    def on_enter_vso_follow_up(self) -> None:
        leaving = start_of_day(self.case.school_leaving_date)
        self.arm(DEADLINES["vso_assessment"], at=leaving - self.policy.vso_assessment_notice)

    def on_enter_awaiting_advice(self) -> None:
        self.request_uwv_advice()  # the answer's deadline is the table's

    def on_enter_awaiting_rescreening(self) -> None:
        """No developable work capacity now: day activities, and a date to screen again (seed 001)."""
        due = add_months(start_of_day(self.today), self.policy.rescreening_after_months)
        self.case.rescreening_on = due.date()
        self.arm(DEADLINES["rescreening"], at=due)

    def after_rescreening_due(self) -> None:
        self.notify("rescreening_due", COACH, summary="screen again for developable work capacity")
        self.arm_screening()

    @property
    def paid_work_track(self) -> bool:
        """On the sheltered track the employer gets the supervision fee and, with hours and wage value, the wage-cost
        subsidy (seed 001), while in work: the table's payment streams (``workflows.oss_deadlines``)."""
        return self.case.work_track in self.policy.paid_work_tracks

    def on_enter_fallback_risk(self) -> None:
        self.notify(
            "fallback_meeting_needed",
            COACH,
            summary="convene employer, job coach, Wmo consultant and ambulant supervisor",
        )

    def on_enter_day_programme(self) -> None:
        summary = "paid work stopped: the municipality keeps responsibility; day programme and a plan back to work"
        self.notify("back_to_day_programme", COACH, summary=summary)
        self.notify("back_to_day_programme", TEAM_LEAD, summary=summary)

    def after_evaluation_recorded(self, payload: Any) -> None:
        self.deadlines.clear("youth_evaluation_escalation")
        self.arm_youth_evaluation(payload.evaluated_on)
        if payload.rescreen:
            self.arm_screening()
