"""Oss's events, case facts and policy: "Van Zorg naar Werk" (ROUTES.md, Oss; seed 001, pages "Oss").

Every application for day activities is screened for developable work capacity; with capacity follows a
voluntary trajectory with a personal plan. Who owns it depends on the person and on the step: see
:class:`OssPolicy`'s owner tables and ``OssRoute.owner_role``.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    Field,
    StringConstraints,
    ValidationInfo,
    model_validator,
)

from domain.calendar import WorkingDays
from domain.case import TrajectoryCase
from domain.events import EventBase, EventCatalog, RecentDate, StartDate, context_of
from domain.identifiers import OrganisationId, Reason, StaffId
from domain.payments import PaymentRule
from domain.policy import WORKING_DAYS, WORKING_DAYS_EVERY_ROUTE_PATCH, RegionPolicy
from domain.rates import OSS_PAYMENTS
from domain.shared_events import AdviceReceived, Withdrawn


class Role(StrEnum):
    """The people who can own (regie) an Oss trajectory."""

    WMO_CONSULTANT = "wmo_consultant"
    WORK_CONSULTANT = "work_consultant"
    YOUTH_CONSULTANT = "youth_consultant"
    ARBEIDSDESKUNDIGE = "arbeidsdeskundige"


class WorkTrack(StrEnum):
    """The kind of paid work a trajectory steps towards."""

    SHELTERED_WORK = "sheltered_work"
    BANENAFSPRAAK = "banenafspraak"


class OssPolicy(RegionPolicy):
    """Oss: "screen for work capacity at once". Lengths marked *default* in ROUTES.md, and owners, as data."""

    region: str = "oss"
    team_lead_id: str = "oss-team-lead"
    screening_within: timedelta = timedelta(weeks=4)
    screening_escalation_after: timedelta = timedelta(weeks=2)
    plan_within: timedelta = timedelta(weeks=6)
    plan_escalation_after: timedelta = timedelta(weeks=2)
    youth_max_age: int = 27
    youth_evaluation_every_months: int = 6
    youth_evaluation_escalation_after: timedelta = timedelta(weeks=4)
    vso_follow_up_years: int = 3
    vso_assessment_notice: timedelta = timedelta(weeks=6)
    fallback_meeting_within: timedelta = timedelta(weeks=2)
    fallback_meeting_escalation_after: timedelta = timedelta(weeks=1)
    placement_search_within: timedelta = timedelta(weeks=8)
    """After a positive advice the arbeidsdeskundige follows the candidate until placed (our default)."""
    placement_search_escalation_after: timedelta = timedelta(weeks=2)
    ladder_measurement_every_months: int = 6
    """The participation ladder is the outcome measure: a baseline at screening, then a step this often (our default)."""
    rescreening_after_months: int = 24
    """No developable work capacity now: screened again this much later (our default; seed 001's pilot screened
    everyone with a day-activities indication, also long-stayers)."""
    ladder_steps: tuple[str, ...] = (
        "isolated",
        "social contacts outside the home",
        "taking part in organised activities",
        "unpaid work",
        "paid work with support",
        "paid work",
    )
    default_staff: dict[Role, str] = {
        Role.WMO_CONSULTANT: "oss-wmo-team",
        Role.WORK_CONSULTANT: "oss-team-werk",
        Role.YOUTH_CONSULTANT: "oss-youth-team",
        Role.ARBEIDSDESKUNDIGE: "oss-arbeidsdeskundigen",
    }
    """Team queues that own a trajectory until a person of that role is named (start or ``consultant_assigned``)."""
    owner_by_state: dict[str, Role] = {
        "screening": Role.WMO_CONSULTANT,
        "awaiting_rescreening": Role.WMO_CONSULTANT,
        "vso_follow_up": Role.ARBEIDSDESKUNDIGE,
        "awaiting_advice": Role.ARBEIDSDESKUNDIGE,
    }
    youth_regie_states: tuple[str, ...] = ("screening", "awaiting_rescreening")
    """States where the youth consultant owns a young person's trajectory with a municipal benefit although
    ``owner_by_state`` names another role: "ook als er geen arbeidsvermogen wordt vermoed" (seed 001)."""
    owner_by_work_track: dict[WorkTrack, Role] = {
        WorkTrack.SHELTERED_WORK: Role.ARBEIDSDESKUNDIGE,
        WorkTrack.BANENAFSPRAAK: Role.WORK_CONSULTANT,
    }
    young_with_benefit_owner: Role = Role.YOUTH_CONSULTANT
    default_owner: Role = Role.WORK_CONSULTANT
    payment_rules: dict[str, PaymentRule] = Field(default_factory=lambda: dict(OSS_PAYMENTS))
    paid_work_tracks: tuple[WorkTrack, ...] = (WorkTrack.SHELTERED_WORK,)
    """Work tracks whose employer gets the supervision fee and the wage-cost subsidy (seed 001: sheltered work)."""
    working_days: WorkingDays | None = WORKING_DAYS
    working_days_patch: str = WORKING_DAYS_EVERY_ROUTE_PATCH


OSS = OssPolicy()

Goal = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]


class ScreeningCompleted(EventBase):
    """The Wmo consultant and an arbeidsdeskundige screened for developable work capacity."""

    event: Literal["screening_completed"]
    capacity: bool
    reason: Reason = Field(description="Why (no) developable work capacity: recorded either way.")
    arbeidsdeskundige_id: StaffId | None = Field(
        default=None, description="Who screened with the Wmo consultant; required with a UWV benefit."
    )
    ladder_step: int | None = Field(
        default=None,
        ge=1,
        le=6,
        description="The baseline step on the participation ladder (required since revision 1).",
    )
    screened_on: RecentDate | None = Field(default=None, description="The baseline's date; today if absent.")

    @model_validator(mode="before")
    @classmethod
    def _screened_today_by_default(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict) and data.get("screened_on") is None:
            data = {**data, "screened_on": context_of(info).today}
        return data

    @model_validator(mode="after")
    def _revision_requirements(self, info: ValidationInfo) -> ScreeningCompleted:
        case = context_of(info).case
        if getattr(case, "route_revision", 0) >= 1:
            if self.ladder_step is None:
                raise ValueError("ladder_step (the baseline on the participation ladder, 1–6) is required")
            if case.benefit_source == "uwv" and self.arbeidsdeskundige_id is None:
                raise ValueError(
                    "arbeidsdeskundige_id is required: with a UWV benefit the arbeidsdeskundige is involved"
                )
        return self


class VsoAssessed(EventBase):
    """End of the last school year: the arbeidsdeskundige chooses the provision."""

    event: Literal["vso_assessed"]
    outcome: Literal["regular_work", "banenafspraak", "sheltered_work", "day_activities", "van_zorg_naar_werk"]
    reason: Reason


class PlanRecorded(EventBase):
    """The personal plan with goals, drawn up with the participant (and the provider's supervisor, if any)."""

    event: Literal["plan_recorded"]
    goals: list[Goal] = Field(min_length=1, max_length=12)
    provider_supervisor_joined: bool = False
    work_consultant_id: StaffId | None = None
    wmo_consultant_id: StaffId | None = None


class LadderStepRecorded(EventBase):
    """A step on the participation ladder (1 isolated … 6 paid work), as measured on a date."""

    event: Literal["ladder_step_recorded"]
    step: int = Field(ge=1, le=6)
    measured_on: RecentDate


class EvaluationRecorded(EventBase):
    """The periodic evaluation of a young participant (≤ 27): no long-running indications."""

    event: Literal["evaluation_recorded"]
    evaluated_on: RecentDate
    rescreen: bool = Field(
        default=False, description="Screen again now (only while awaiting re-screening: no capacity found before)."
    )

    @model_validator(mode="after")
    def _rescreen_only_without_capacity(self, info: ValidationInfo) -> EvaluationRecorded:
        if self.rescreen and context_of(info).case.state != "awaiting_rescreening":
            raise ValueError("rescreen is only possible while awaiting re-screening")
        return self


class WorkTrackChosen(EventBase):
    """The step to paid work: sheltered work (the arbeidsdeskundige takes over) or Banenafspraak work."""

    event: Literal["work_track_chosen"]
    track: WorkTrack


class WorkStarted(EventBase):
    """Paid work starts, with a job coach when the employer needs one and ambulant support for the home front."""

    event: Literal["work_started"]
    employer_id: OrganisationId
    start_date: StartDate
    job_coach: bool = False
    ambulant_supervision: bool = False
    hours_per_week: float | None = Field(default=None, gt=0, le=60, description="Contract hours (wage-cost subsidy).")
    wage_value_percent: int | None = Field(
        default=None, ge=0, le=100, description="Measured wage value; with the hours it sets the wage-cost subsidy."
    )


class FallbackThreatened(EventBase):
    """The participant threatens to fall back: the arbeidsdeskundige convenes everyone involved."""

    event: Literal["fallback_threatened"]
    reason: Reason


Attendee = Literal["employer", "job_coach", "wmo_consultant", "ambulant_supervisor", "arbeidsdeskundige", "participant"]


class FallbackMeetingHeld(EventBase):
    """The meeting on the threat of fallback was held; work goes on."""

    event: Literal["fallback_meeting_held"]
    held_on: RecentDate
    attendees: list[Attendee] = Field(min_length=2, max_length=12)


class EmploymentEnded(EventBase):
    """Paid work stopped: the municipality keeps responsibility, back to a day programme with a plan to work."""

    event: Literal["employment_ended"]
    reason: Reason


class TrajectoryCompleted(EventBase):
    """Work is stable and the municipality closes the trajectory."""

    event: Literal["trajectory_completed"]
    reason: Reason


class ConsultantAssigned(EventBase):
    """Name the person for a role (or hand the role to a colleague); notifications follow the owner."""

    event: Literal["consultant_assigned"]
    role: Role
    staff_id: StaffId


OSS_EVENTS = EventCatalog(
    ScreeningCompleted,
    VsoAssessed,
    PlanRecorded,
    LadderStepRecorded,
    EvaluationRecorded,
    WorkTrackChosen,
    AdviceReceived,
    WorkStarted,
    FallbackThreatened,
    FallbackMeetingHeld,
    EmploymentEnded,
    TrajectoryCompleted,
    ConsultantAssigned,
    Withdrawn,
)


class LadderStep(BaseModel):
    """One dated step on the participation ladder; the outcome figures count steps climbed."""

    step: int
    label: str
    measured_on: date
    baseline: bool = Field(default=False, description="The step found at screening.")


class OssCase(TrajectoryCase):
    """The facts Oss's machine keeps; ``state`` is the machine's current state (the entry state at start)."""

    state: str = "screening"
    staff: dict[str, str] = Field(description="Role → staff id (or team queue) of everyone involved.")
    owner_role: str = Role.WMO_CONSULTANT.value
    coach_id: str = Field(default="", description="The current owner's id: the engine's CoachId.")
    route_revision: int = Field(
        default=0, description="1: started with patch oss-seed-steps (youth regie, re-screening, ladder, …)."
    )
    young: bool = Field(description="Aged ≤ 27 (youth regime: 6-monthly evaluations).")
    municipal_benefit: bool
    benefit_source: str | None = Field(default=None, description="municipality or uwv (None: no benefit, or unknown).")
    screenings: int = 0
    rescreening_on: date | None = Field(default=None, description="No capacity found: when to screen again.")
    school_leaving_date: date | None = None
    screening_reason: str | None = None
    vso_outcome: str | None = None
    goals: list[str] = []
    provider_supervisor_joined: bool = False
    plans_recorded: int = 0
    ladder: list[LadderStep] = []
    last_evaluation: date | None = None
    work_track: str | None = Field(default=None, description="sheltered_work or banenafspraak, once chosen.")
    advice: str | None = None
    work_start: date | None = None
    job_coach: bool = False
    ambulant_supervision: bool = False
    fallback_threats: int = 0
    fallback_meetings: list[date] = []
    employments_ended: int = 0
    last_employment_end_reason: str | None = None
    closing_reason: str | None = None

    @model_validator(mode="after")
    def _owner_known(self) -> OssCase:
        if not self.coach_id:
            self.coach_id = self.staff[self.owner_role]
        return self
