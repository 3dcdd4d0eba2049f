"""Rijk van Nijmegen's events, case facts and policy: "Op weg naar werk" (ROUTES.md, Rijk van Nijmegen; seed 001).

WerkBedrijf Rijk van Nijmegen owns the route. Three consultants decide the indication in a case meeting;
a development arrangement (wage value or self-reliance) on top of the basic arrangement runs about a year,
may be paused, shortened, lengthened and retried; its evaluation chooses the next step.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from domain.calendar import WorkingDays
from domain.case import TrajectoryCase
from domain.dates import CalendarDate, add_months
from domain.events import EventBase, EventCatalog, RecentDate, context_of
from domain.identifiers import OrganisationId, Reason, StaffId
from domain.payments import PaymentRule
from domain.policy import WORKING_DAYS, WORKING_DAYS_EVERY_ROUTE_PATCH, RegionPolicy
from domain.rates import RIJK_VAN_NIJMEGEN_PAYMENTS
from domain.shared_events import AdviceReceived, CoachReassigned, Withdrawn

Arrangement = Literal["basic", "basic_plus_wage_value", "basic_plus_self_reliance"]
Development = Literal["wage_value", "self_reliance"]
WorkForm = Literal["trial_placement", "learning_workplace", "direct_contract"]
WorkTrack = Literal["banenafspraak", "sheltered_work"]


class RijkVanNijmegenPolicy(RegionPolicy):
    """Every length and amount of the route; *(default)* marks our own choice where the seed gives none."""

    region: str = "rijk-van-nijmegen"
    team_lead_id: str = "werkbedrijf-team-lead"
    case_meeting_consultants: int = 3
    case_meeting_within: timedelta = timedelta(weeks=4)  # (default)
    plan_of_approach_within: timedelta = timedelta(weeks=6)  # (default)
    plan_advice_within: timedelta = timedelta(weeks=2)  # (default)
    development_months: int = 12
    min_development_months: int = 3  # (default)
    max_development_months: int = 24  # (default)
    progress_review_after_months: int = 6  # (default) half-way through a year
    evaluation_grace: timedelta = timedelta(weeks=4)  # (default) evaluation overdue → team lead
    """An evaluation needs provider, candidate and consultant together: the team lead hears of a missing one later
    than of other overdue steps (runs from before patch ``rijk-van-nijmegen-seed-steps`` keep ``escalation_after``)."""
    wage_value_measurement_every_months: int = 3  # (default) during a wage-value arrangement
    benefit_check_before_diploma_months: int = 3  # (default) the youth team's benefit check, before the diploma
    youth_team_id: str = "werkbedrijf-youth-team"
    """The youth team (jongerenteam) whose consultant checks a school leaver's benefit: told when it falls due
    (since patch ``rijk-van-nijmegen-youth-team``; before, the owner was)."""
    secondment_employer_of_record_id: str = "werkbedrijf-rijk-van-nijmegen"
    """Sheltered work by secondment (detachering, cao Aan de Slag): WerkBedrijf employs, a regular employer hires."""
    max_pause: timedelta = timedelta(weeks=12)  # (default) a pause longer than this is reviewed
    placement_search_within: timedelta = timedelta(weeks=8)  # (default)
    work_step_review_after: timedelta = timedelta(weeks=12)  # (default) is the step complete?
    fallback_decision_within: timedelta = timedelta(weeks=4)  # (default)
    escalation_after: timedelta = timedelta(weeks=2)  # (default) every overdue step → team lead
    job_coach_check_every_months: int = 6  # (default)
    school_meeting_join_from_months: int = 12
    school_meeting_join_by_months: int = 6
    basic_fee_per_half_day: Decimal = Decimal("8.50")
    development_fee_per_year: Decimal = Decimal("3414.72")
    provider_meeting_every: timedelta = timedelta(weeks=8)
    provider_meeting_consultants: tuple[str, ...] = ("werkbedrijf-consultant-1", "werkbedrijf-consultant-2")
    """WerkBedrijf's consultants who meet the fixed group of providers (three large and four others)."""
    payment_rules: dict[str, PaymentRule] = Field(default_factory=lambda: dict(RIJK_VAN_NIJMEGEN_PAYMENTS))
    attendance_days_per_week: int = 5
    """(default) Day activities run on this many days a week, two half-days each: a month of D days holds at
    most 2 × this × D / 7 half-days (44 in a 31-day month); a report of more is refused."""
    working_days: WorkingDays | None = WORKING_DAYS
    working_days_patch: str = WORKING_DAYS_EVERY_ROUTE_PATCH


RIJK_VAN_NIJMEGEN = RijkVanNijmegenPolicy()


def _not_past(value: date, info: ValidationInfo) -> date:
    today = context_of(info).today
    if value < today - timedelta(weeks=4):
        raise ValueError(f"must not lie before {today - timedelta(weeks=4)}")
    return value


class SchoolMeetingJoined(EventBase):
    """A WerkBedrijf consultant joined the school meeting (scholenoverleg) of a pupil with work perspective."""

    event: Literal["school_meeting_joined"]
    joined_on: CalendarDate
    school_advice: Literal["work", "day_activities"] = "work"

    @field_validator("joined_on")
    @classmethod
    def _not_future(cls, value: date, info: ValidationInfo) -> date:
        if value > context_of(info).today:
            raise ValueError("must not lie in the future")
        return value


class BenefitCheckCompleted(EventBase):
    """School leavers: a consultant of the youth team checked whether a benefit can be applied for (seed 001)."""

    event: Literal["benefit_check_completed"]
    outcome: Literal["applied", "not_eligible", "already_has_benefit"]
    checked_on: RecentDate


class IndicationRequested(EventBase):
    """A request for the indication "Op weg naar werk" reached WerkBedrijf (or a development arrangement on top)."""

    event: Literal["indication_requested"]
    provider_id: OrganisationId | None = None


class CaseMeetingHeld(EventBase):
    """The case meeting (casusoverleg) of three consultants decided the request and set the arrangement."""

    event: Literal["case_meeting_held"]
    consultants: list[StaffId] = Field(max_length=10, description="The three WerkBedrijf consultants who decided.")
    decision: Literal["granted", "refused"]
    arrangement: Arrangement | None = Field(default=None, description="Required when granted.")
    half_days_per_week: int | None = Field(default=None, ge=1, le=10, description="Basic arrangement, when granted.")

    @field_validator("consultants")
    @classmethod
    def _three_distinct(cls, value: list[str], info: ValidationInfo) -> list[str]:
        needed = context_of(info).policy.case_meeting_consultants
        if len(value) != needed or len(set(value)) != needed:
            raise ValueError(f"exactly {needed} different consultants decide in the case meeting")
        return value

    @model_validator(mode="after")
    def _arrangement_iff_granted(self) -> CaseMeetingHeld:
        granted = self.decision == "granted"
        if granted and (self.arrangement is None or self.half_days_per_week is None):
            raise ValueError("a granted request sets the arrangement and half_days_per_week")
        if not granted and self.arrangement is not None:
            raise ValueError("a refused request sets no arrangement")
        return self

    @property
    def development(self) -> Development | None:
        if self.arrangement and self.arrangement.startswith("basic_plus_"):
            return self.arrangement.removeprefix("basic_plus_")  # type: ignore[return-value]
        return None


class PlanSubmitted(EventBase):
    """Provider and candidate sent their plan of approach (plan van aanpak) to WerkBedrijf for advice."""

    event: Literal["plan_submitted"]
    provider_id: OrganisationId
    learning_goals: list[Reason] = Field(min_length=1, max_length=20)
    competences: list[Reason] = Field(min_length=1, max_length=20)


class PlanAdvised(EventBase):
    """WerkBedrijf's advice on the plan; when agreed the development arrangement starts."""

    event: Literal["plan_advised"]
    advice: Literal["agreed", "revise"]
    start_date: CalendarDate | None = Field(default=None, description="Required when agreed.")
    months: int | None = Field(
        default=None, ge=1, le=120, description="Planned length; the policy's (a year) if absent."
    )

    @field_validator("start_date")
    @classmethod
    def _start_near(cls, value: date | None, info: ValidationInfo) -> date | None:
        return value if value is None else _not_past(value, info)

    @field_validator("months")
    @classmethod
    def _within_policy(cls, value: int | None, info: ValidationInfo) -> int | None:
        policy = context_of(info).policy
        if value is not None and not policy.min_development_months <= value <= policy.max_development_months:
            raise ValueError(f"must lie between {policy.min_development_months} and {policy.max_development_months}")
        return value

    @model_validator(mode="after")
    def _start_when_agreed(self) -> PlanAdvised:
        if self.advice == "agreed" and self.start_date is None:
            raise ValueError("an agreed plan needs the arrangement's start_date")
        return self


class WageValueMeasured(EventBase):
    """The linking consultant's periodic wage-value measurement during a wage-value arrangement (seed 001)."""

    event: Literal["wage_value_measured"]
    wage_value_percent: int = Field(ge=0, le=100)
    measured_on: RecentDate


class ArrangementPaused(EventBase):
    """The development arrangement is paused: its clock stops."""

    event: Literal["arrangement_paused"]
    reason: Reason


class ArrangementResumed(EventBase):
    """The arrangement resumes: every deadline of it moves by the time actually paused."""

    event: Literal["arrangement_resumed"]


class ArrangementAdjusted(EventBase):
    """The arrangement is shortened or lengthened: its end moves."""

    event: Literal["arrangement_adjusted"]
    end_date: CalendarDate

    @field_validator("end_date")
    @classmethod
    def _moves_within_policy(cls, value: date, info: ValidationInfo) -> date:
        context = context_of(info)
        case, policy = context.case, context.policy
        if value <= context.today:
            raise ValueError("must lie after today")
        if case.arrangement_end is not None and value == case.arrangement_end.date():
            raise ValueError(f"is the current end date {value}")
        if case.arrangement_start is not None:
            latest = add_months(case.arrangement_start, policy.max_development_months) + case.paused_total
            if value > latest.date():
                raise ValueError(f"an arrangement lasts at most {policy.max_development_months} months (+ pauses)")
        return value


class ArrangementRetried(EventBase):
    """The arrangement failed or started too early: a new attempt with a new plan of approach."""

    event: Literal["arrangement_retried"]
    reason: Reason
    development: Development | None = Field(default=None, description="Switch variant; the current one if absent.")


def _month(value: object) -> object:
    """``"2027-03"`` (or any ISO date in the month) → the month's first day."""
    if isinstance(value, str) and len(value) == 7:
        value = f"{value}-01"
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return value.replace(day=1) if isinstance(value, date) else value


def half_days_in(month: date, days_per_week: int) -> int:
    """The most half-days a month holds: two a day on ``days_per_week`` days a week, over the month's weeks."""
    days = ((month.replace(day=28) + timedelta(days=4)).replace(day=1) - month).days
    return 2 * days_per_week * days // 7


class AttendanceReported(EventBase):
    """The provider's monthly attendance of the basic arrangement: paid at €8.50 per half-day (seed 001)."""

    event: Literal["attendance_reported"]
    month: Annotated[CalendarDate, BeforeValidator(_month)] = Field(description='The month reported, "YYYY-MM".')
    half_days: int = Field(ge=0, le=1000, description="Half-days attended in that month.")

    @field_validator("month")
    @classmethod
    def _reportable(cls, value: date, info: ValidationInfo) -> date:
        context = context_of(info)
        case = context.case
        if value > context.today.replace(day=1):
            raise ValueError("must not lie in the future")
        if case.basic_since is not None and value < case.basic_since.replace(day=1):
            raise ValueError(f"lies before the basic arrangement was granted ({case.basic_since})")
        if value.isoformat()[:7] in case.attendance:
            raise ValueError(f"{value.isoformat()[:7]} was already reported")
        return value

    @field_validator("half_days")
    @classmethod
    def _within_month(cls, value: int, info: ValidationInfo) -> int:
        month = info.data.get("month")
        if month is not None:
            most = half_days_in(month, context_of(info).policy.attendance_days_per_week)
            if value > most:
                raise ValueError(f"{month.isoformat()[:7]} holds at most {most} half-days")
        return value


NextStep = Literal["banenafspraak_work", "sheltered_work", "volunteering", "education", "follow_up_arrangement", "stay"]


class EvaluationCompleted(EventBase):
    """The arrangement's goals are evaluated and the next step is chosen."""

    event: Literal["evaluation_completed"]
    goals_met: bool
    next_step: NextStep
    follow_up: Development | None = Field(default=None, description="The follow-up arrangement's variant.")

    @model_validator(mode="after")
    def _follow_up(self) -> EvaluationCompleted:
        if (self.next_step == "follow_up_arrangement") != (self.follow_up is not None):
            raise ValueError("follow_up is set exactly when next_step is follow_up_arrangement")
        return self


class WorkStepStarted(EventBase):
    """One leg in each: a trial placement or learning workplace with benefit kept, or a direct contract."""

    event: Literal["work_step_started"]
    form: WorkForm
    employer_id: OrganisationId
    supervisor_id: StaffId = Field(description="The day-activities supervisor, who stays until the step is complete.")
    secondment: bool = Field(
        default=False,
        description="Sheltered work via secondment (detachering, cao Aan de Slag): employer_id is then the hirer.",
    )
    employer_of_record_id: OrganisationId | None = Field(
        default=None,
        description="Secondment only: who employs the candidate (the policy's, WerkBedrijf, when absent).",
    )
    start_date: CalendarDate

    @field_validator("start_date")
    @classmethod
    def _start_near(cls, value: date, info: ValidationInfo) -> date:
        return _not_past(value, info)

    @model_validator(mode="after")
    def _employer_of_record_only_when_seconded(self) -> WorkStepStarted:
        if self.employer_of_record_id is not None and not self.secondment:
            raise ValueError("employer_of_record_id is set only with secondment: true")
        if self.secondment and self.employer_of_record_id == self.employer_id:
            raise ValueError("in a secondment the employer of record and the hirer (employer_id) differ")
        return self


class WorkStepCompleted(EventBase):
    """The step to work is complete: the supervisor's role ends and a job coach takes over the trajectory."""

    event: Literal["work_step_completed"]
    job_coach_id: StaffId
    contract_start: CalendarDate


class FellBack(EventBase):
    """The step or the work does not work out (terugval): a business-services consultant takes regie."""

    event: Literal["fell_back"]
    consultant_id: StaffId = Field(description="The business-services consultant (consulent bedrijfsdienstverlening).")
    reason: Reason


class FallbackDecided(EventBase):
    """The business-services consultant's decision on the fallback."""

    event: Literal["fallback_decided"]
    decision: Literal["other_workplace", "extra_instrument", "switch_to_sheltered_work", "back_to_day_activities"]
    instrument: Literal["job_coach", "wage_cost_subsidy", "other"] | None = None

    @model_validator(mode="after")
    def _instrument(self) -> FallbackDecided:
        if (self.decision == "extra_instrument") != (self.instrument is not None):
            raise ValueError("instrument is set exactly when the decision is extra_instrument")
        return self


class TrajectoryCompleted(EventBase):
    """Work is stable; the job coach closes the trajectory."""

    event: Literal["trajectory_completed"]
    reason: Reason


RIJK_VAN_NIJMEGEN_EVENTS = EventCatalog(
    SchoolMeetingJoined,
    BenefitCheckCompleted,
    IndicationRequested,
    CaseMeetingHeld,
    PlanSubmitted,
    PlanAdvised,
    AttendanceReported,
    ArrangementPaused,
    ArrangementResumed,
    ArrangementAdjusted,
    ArrangementRetried,
    WageValueMeasured,
    EvaluationCompleted,
    AdviceReceived,
    WorkStepStarted,
    WorkStepCompleted,
    FellBack,
    FallbackDecided,
    TrajectoryCompleted,
    CoachReassigned,
    Withdrawn,
)


class WageValueEntry(BaseModel):
    """One wage-value measurement, dated: the outcome figures count growth in wage value."""

    wage_value_percent: int
    measured_on: date


class RijkVanNijmegenCase(TrajectoryCase):
    """The facts Rijk van Nijmegen's machine keeps; ``state`` is the machine's current state.

    ``coach_id`` is the owner: the consultant, the business-services consultant during a fallback, the job
    coach once the step to work is complete.
    """

    state: str | None = None
    route_revision: int = Field(
        default=0,
        description="1: started with patch rijk-van-nijmegen-seed-steps (UWV advice, benefit check, …); 2: also with "
        "rijk-van-nijmegen-youth-team (the benefit check falls due with the youth team).",
    )
    provider_id: str | None = None
    diploma_date: date | None = None
    school_meeting_joined_on: date | None = None
    benefit_check: str | None = Field(default=None, description="School leavers: the youth team's benefit check.")
    benefit_checked_on: date | None = None
    case_meeting_consultants: list[str] = []
    arrangement: str | None = None
    development: str | None = None
    half_days_per_week: int | None = None
    basic_since: date | None = Field(default=None, description="The day the basic arrangement was granted.")
    attendance: dict[str, int] = Field(default_factory=dict, description="Half-days attended, by month (YYYY-MM).")
    basic_fee_per_half_day: Decimal | None = None
    development_fee_per_year: Decimal | None = None
    plan_learning_goals: list[str] = []
    plan_competences: list[str] = []
    arrangement_attempts: int = 0
    arrangement_start: datetime | None = None
    arrangement_months: int | None = None
    arrangement_end: datetime | None = None
    paused_since: datetime | None = None
    paused_total: timedelta = timedelta(0)
    pauses: int = 0
    evaluations: list[str] = []
    wage_values: list[WageValueEntry] = []
    track: str | None = None
    advice: str | None = Field(default=None, description="UWV's sheltered-work advice: positive or negative.")
    match_attempts: int = 0
    work_form: str | None = None
    supervisor_id: str | None = None
    secondment: bool = False
    employer_of_record_id: str | None = Field(default=None, description="Secondment: who employs the candidate.")
    hirer_id: str | None = Field(default=None, description="Secondment: the regular employer who hires them in.")
    job_coach_id: str | None = None
    contract_start: date | None = None
    fallbacks: int = 0
    fell_back_from: str | None = None
    fallback_decisions: list[str] = []
    instruments: list[str] = []
    closing_reason: str | None = None
