"""Almere's events and case facts (ROUTES.md, Almere; seeds 000–004)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from domain.case import TrajectoryCase
from domain.dates import CalendarDate, add_months
from domain.events import EventBase, EventCatalog, RecentDate, StartDate, context_of, near_today_check
from domain.identifiers import OrganisationId, Reason
from domain.shared_events import AdviceReceived, CoachReassigned, WageValueAssessed, Withdrawn


class ObservationStarted(EventBase):
    """Observation at the day-activities provider's workplace begins (observatie)."""

    event: Literal["observation_started"]
    provider_id: OrganisationId | None = None
    period_weeks: int | None = Field(default=None, ge=1, le=26, description="Agreed period; policy default if absent.")


class ObservationCompleted(EventBase):
    """The coach's conclusion: potential, motivation and hours (≥ 28 unless an exception with a reason)."""

    event: Literal["observation_completed"]
    potential: bool
    motivated: bool
    hours_per_week: float = Field(ge=0, le=60)
    hours_exception_reason: Reason | None = Field(
        default=None, description="Why fewer hours are accepted (e.g. very-low-learning pupil, no benefit)."
    )


class TrialStarted(EventBase):
    """An unpaid trial placement (proefplaatsing) starts at an employer."""

    event: Literal["trial_started"]
    employer_id: OrganisationId
    start_date: StartDate


class TrialExtended(EventBase):
    """On doubt the trial is extended a little: once, by at most the policy's maximum."""

    event: Literal["trial_extended"]
    weeks: int = Field(ge=1, le=52)

    @field_validator("weeks")
    @classmethod
    def _within_policy(cls, value: int, info: ValidationInfo) -> int:
        limit = context_of(info).policy.max_trial_extension
        if timedelta(weeks=value) > limit:
            raise ValueError(f"an extension may last at most {limit.days // 7} weeks")
        return value


class TrialFailed(EventBase):
    """The match failed; with good motivation the coach looks for another place."""

    event: Literal["trial_failed"]
    motivated: bool
    reason: Reason


class AdviceTalkRecorded(EventBase):
    """The coach's talk with the candidate after UWV's advice, positive or negative (seed 003, tip 4: "Ga zowel
    bij een positief als een negatief advies in gesprek met de kandidaat").

    After a negative advice the talk carries the coach's decision: ``close`` the trajectory, or ``reapply``
    (a new request, e.g. with facts UWV did not have)."""

    event: Literal["advice_talk_recorded"]
    held_on: RecentDate
    decision: Literal["close", "reapply"] | None = Field(
        default=None, validate_default=True, description="Required after a negative advice; not after a positive one."
    )

    @field_validator("decision")
    @classmethod
    def _fits_the_advice(cls, value: str | None, info: ValidationInfo) -> str | None:
        negative = context_of(info).case.advice == "negative"
        if negative and value is None:
            raise ValueError("after a negative advice the talk decides: close or reapply")
        if not negative and value is not None:
            raise ValueError("only a negative advice needs a decision")
        return value


class UwvConsultationRecorded(EventBase):
    """UWV consulted the advisors before granting the advice (vooroverleg, seed 003: "dat het UWV met ons
    overlegt voordat ze een indicatie toekennen")."""

    event: Literal["uwv_consultation_recorded"]
    consulted_on: RecentDate


class HoursRecorded(EventBase):
    """The hours a week the candidate works in day activities now: built up towards 28 (seed 000, "Geleidelijke
    uitbreiding naar 28 uur")."""

    event: Literal["hours_recorded"]
    hours_per_week: float = Field(ge=0, le=60)
    hours_exception_reason: Reason | None = Field(
        default=None, description="Why fewer hours are accepted (e.g. very-low-learning pupil, no benefit)."
    )


class SchoolInternshipAssessed(EventBase):
    """A school leaver's internship (stage) judged: is sheltered work feasible, and would the host offer a place?"""

    event: Literal["school_internship_assessed"]
    host_id: OrganisationId
    feasible: bool
    host_offers_place: bool = False


class ContractSigned(EventBase):
    """A contract of at least a year, ≥ 28 h/week unless the recorded exception, signed with the coach present."""

    event: Literal["contract_signed"]
    start_date: StartDate
    end_date: CalendarDate
    hours_per_week: float = Field(gt=0, le=60)
    wage_value_percent: int | None = Field(
        default=None, ge=0, le=100, validate_default=True,
        description="Leave out: the wage value recorded by wage_value_assessed, which must come first (seed 001: "
        "measured in week 6 so that everything is in order before employment starts).",
    )  # fmt: skip

    @field_validator("wage_value_percent")
    @classmethod
    def _wage_value_recorded(cls, value: int | None, info: ValidationInfo) -> int | None:
        case = context_of(info).case
        recorded = case.wage_value_percent
        if recorded is None and not case.wage_value_before_contract:
            return None
        if recorded is None:
            raise ValueError("no wage value recorded: send wage_value_assessed before contract_signed")
        if value is not None and value != recorded:
            raise ValueError(f"must be the recorded wage value {recorded} (or left out)")
        return recorded

    @field_validator("end_date")
    @classmethod
    def _at_least_min_months(cls, value: date, info: ValidationInfo) -> date:
        months = context_of(info).policy.min_contract_months
        start = info.data.get("start_date")
        if start and value < add_months(start, months):
            raise ValueError(f"a sheltered-work contract lasts at least {months} months from start_date")
        return value

    @field_validator("hours_per_week")
    @classmethod
    def _enough_hours(cls, value: float, info: ValidationInfo) -> float:
        context = context_of(info)
        minimum = context.policy.min_hours_per_week
        if value < minimum and not context.case.hours_exception_reason:
            raise ValueError(f"must be at least {minimum:g} unless an hours exception was recorded")
        return value


class TravelCostsClaimed(EventBase):
    """Travel costs during the unpaid trial placement, reimbursed (seed 001: "reiskosten kunnen vergoed worden")."""

    event: Literal["travel_costs_claimed"]
    amount_cents: int = Field(gt=0, description="The amount claimed, in euro cents; at most the policy's cap.")
    period_start: CalendarDate
    period_end: CalendarDate

    @field_validator("amount_cents")
    @classmethod
    def _within_cap(cls, value: int, info: ValidationInfo) -> int:
        cap = context_of(info).policy.payment_rules["travel_costs"].rate_on(context_of(info).today).cents
        if value > cap:
            raise ValueError(f"a claim pays at most {cap} cents")
        return value

    @field_validator("period_end")
    @classmethod
    def _within_trial(cls, value: date, info: ValidationInfo) -> date:
        context = context_of(info)
        start, trial_start = info.data.get("period_start"), context.case.trial_start
        if start and value < start:
            raise ValueError("must not lie before period_start")
        if trial_start and start and start < trial_start:
            raise ValueError(f"travel costs are paid for the trial, which started {trial_start}")
        if value > context.today:
            raise ValueError("must not lie in the future: costs are claimed afterwards")
        return value


class ContractRenewed(EventBase):
    """The contract is extended to a new end date."""

    event: Literal["contract_renewed"]
    end_date: CalendarDate

    @field_validator("end_date")
    @classmethod
    def _later(cls, value: date, info: ValidationInfo) -> date:
        current = context_of(info).case.contract_end
        if current and value <= current:
            raise ValueError(f"must be after the current end date {current}")
        return value


class PermanentContractSigned(EventBase):
    """The employer takes the employee into permanent employment (vast dienstverband)."""

    event: Literal["permanent_contract_signed"]
    start_date: Annotated[date, near_today_check(past_weeks=8, future_weeks=26)]


class AbsenceReported(EventBase):
    """Absence problems: the coach is told at once and calls or visits."""

    event: Literal["absence_reported"]
    days_absent: int = Field(ge=1, le=366)


class VisitRecorded(EventBase):
    """An aftercare visit or contact (nazorg); at least two a year."""

    event: Literal["visit_recorded"]
    visited_on: RecentDate
    channel: Literal["visit", "phone", "app", "mail"] = "visit"


class AbsenceFollowedUp(EventBase):
    """The advisor called the company or went there to find out what is going on (seed 001, "dan bellen ze het
    bedrijf of gaan naar de locatie toe")."""

    event: Literal["absence_followed_up"]
    channel: Literal["visit", "phone"] = "phone"


class AbsenceEnded(EventBase):
    """The employee is back at work."""

    event: Literal["absence_ended"]
    returned_on: RecentDate


class NeighbourhoodTeamReferred(EventBase):
    """Social problems are referred to the neighbourhood team; the route does not treat them (seed 001, "dan wordt
    het wijkteam of de netwerkpartners ingeschakeld")."""

    event: Literal["neighbourhood_team_referred"]
    problem: Literal["addiction", "debts", "housing", "other"]


class ReexaminationRequested(EventBase):
    """Onward from sheltered to regular work (usually Banenafspraak) needs UWV's re-examination (herkeuring)."""

    event: Literal["reexamination_requested"]


class ReexaminationDecided(EventBase):
    """UWV's re-examination came back: onward to regular work ends the sheltered placement, or it stays."""

    event: Literal["reexamination_decided"]
    outcome: Literal["regular_work", "stays_sheltered"]
    employer_id: OrganisationId | None = Field(default=None, description="The regular employer, for regular_work.")


class EmploymentEnded(EventBase):
    """The employment stopped."""

    event: Literal["employment_ended"]
    reason: Reason


ALMERE_EVENTS = EventCatalog(
    ObservationStarted,
    ObservationCompleted,
    AdviceReceived,
    UwvConsultationRecorded,
    AdviceTalkRecorded,
    HoursRecorded,
    SchoolInternshipAssessed,
    TrialStarted,
    WageValueAssessed,
    TrialExtended,
    TrialFailed,
    ContractSigned,
    TravelCostsClaimed,
    ContractRenewed,
    PermanentContractSigned,
    AbsenceReported,
    AbsenceFollowedUp,
    AbsenceEnded,
    VisitRecorded,
    NeighbourhoodTeamReferred,
    ReexaminationRequested,
    ReexaminationDecided,
    EmploymentEnded,
    CoachReassigned,
    Withdrawn,
)


class AlmereCase(TrajectoryCase):
    """The facts Almere's machine keeps; ``state`` is the machine's current state."""

    state: str = "referred"
    provider_id: str | None = None
    match_attempts: int = 0
    failed_trials: int = 0
    trial_extensions: int = 0
    hours_exception_reason: str | None = None
    advice: str | None = None
    trial_start: date | None = None
    trial_weeks_extended: int = 0
    wage_value_percent: int | None = None
    contract_start: date | None = None
    contract_end: date | None = None
    contract_hours_per_week: float | None = None
    wage_value_before_contract: bool = False
    """The contract waits for the wage-value assessment (every run since payments follow the facts)."""
    no_risk_policy: bool | None = Field(
        default=None,
        description="The no-risk policy (no-riskpolis) applies: the employer's claim at UWV on sick leave; recorded, "
        "never paid by the municipality.",
    )
    travel_costs_claimed_cents: int = 0
    permanent_since: date | None = None
    last_visit: date | None = None
    absences_reported: int = 0
    advice_talk_pending: bool = False
    trial_before_advice: bool = False
    uwv_consulted_on: date | None = None
    hours_per_week: float | None = None
    school_internships: list[str] = Field(default_factory=list, description="Hosts whose internship was judged.")
    sheltered_work_feasible: bool | None = None
    absence_since: date | None = None
    absence_followed_up: bool = False
    neighbourhood_referrals: list[str] = Field(default_factory=list, description="Problems referred, in order.")
    reexamination_pending: bool = False
    closing_reason: str | None = None
