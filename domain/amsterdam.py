"""Amsterdam's events, case facts and policy (ROUTES.md, Amsterdam; seed 001, pages "Amsterdam").

"Continuity of support": a trajectory starts with the client and a joint decision of four parties, may
pass a learning-work internship, chooses an outflow (regular work, Banenafspraak or sheltered work),
stabilises problems alongside the work track, moves into work gradually, and never falls back silently.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

from domain.calendar import WorkingDays
from domain.case import TrajectoryCase
from domain.dates import CalendarDate, add_months
from domain.events import EventBase, EventCatalog, StartDate, context_of, near_today_check
from domain.identifiers import OrganisationId, Reason
from domain.payments import PaymentRule
from domain.policy import WORKING_DAYS, WORKING_DAYS_EVERY_ROUTE_PATCH, EmploymentPolicy
from domain.rates import AMSTERDAM_PAYMENTS
from domain.shared_events import AdviceReceived, CoachReassigned, WageValueAssessed, Withdrawn


class Party(StrEnum):
    """The four parties of the joint decision (gezamenlijk besluit)."""

    PARTICIPANT = "participant"
    CONSULTANT = "consultant_beschut_werk"
    CARE_PROVIDER = "care_provider"
    CLIENT_MANAGER = "client_manager_work_income"


class Outflow(StrEnum):
    """Where the work track leads (uitstroom)."""

    REGULAR = "regular_work"
    BANENAFSPRAAK = "banenafspraak"
    SHELTERED = "sheltered_work"
    SW = "sw"
    """The sw-company under the old Wsw, only for people who still have old rights (seed 001: "als iemand nog oude
    rechten heeft zelfs naar SW")."""


class Problem(StrEnum):
    """Problems stabilised alongside the work track."""

    ADDICTION = "addiction"
    DEBTS = "debts"
    HOUSING = "housing"
    PSYCHOLOGICAL = "psychological"
    SOCIAL = "social"


class FallbackOutcome(StrEnum):
    """The consultant's explicit decision when work threatens to fail."""

    STAY_IN_WORK = "stay_in_work"
    OTHER_WORKPLACE = "other_workplace"
    BACK_TO_DAY_ACTIVITIES = "back_to_day_activities"


class AmsterdamPolicy(EmploymentPolicy):
    """Amsterdam's lengths and amounts. Values the seed does not give are our defaults (ROUTES.md)."""

    region: str = "amsterdam"
    team_lead_id: str = "amsterdam-team-lead"
    wage_value_specialist_id: str = "amsterdam-wage-value-specialist"
    joint_decision_parties: tuple[Party, ...] = tuple(Party)
    internship_hosts: tuple[str, ...] = ("pantar", "milieuwerk")
    internship_length_months: int = 3
    max_internship_months: int = 12
    outflow_decision_grace: timedelta = timedelta(weeks=2)
    wage_value_assessment_within: timedelta = timedelta(weeks=6)
    check_in_every_months: int = 3
    working_days_per_week: int = 5
    fallback_decision_within: timedelta = timedelta(weeks=2)
    paid_outflows: tuple[Outflow, ...] = (Outflow.SHELTERED,)
    """Outflows whose employer gets the supervision fee and the one-off job-coaching money."""
    supervision_fee: Decimal = Decimal("1900.00")
    supervision_fee_every_months: int = 3
    aftercare_visit_every_months: int | None = None
    one_off_payment: Decimal | None = Decimal("2500.00")
    one_off_payment_kind: str = "job_coaching"
    work_share_target_percent: int = 50
    payment_rules: dict[str, PaymentRule] = Field(default_factory=lambda: dict(AMSTERDAM_PAYMENTS))
    supervision_contract_hours: float = 36
    """Supervision is paid in full for a contract of this many hours a week; fewer hours pro rata (seed 001)."""
    wage_cost_subsidy_outflows: tuple[Outflow, ...] = (Outflow.SHELTERED, Outflow.BANENAFSPRAAK)
    """Outflows whose employer gets the wage-cost subsidy (not for Wajong: UWV's instruments apply)."""
    client_manager_id: str = "amsterdam-client-manager-work-income"
    """The client manager Work & Income keeps the benefit: told when work starts, its days or hours change, and it stops."""
    min_transition_months: int = 6
    """The gradual transition cannot be completed earlier than this after employment started (our default)."""
    follow_up_months: int = 24
    """A durable placement is followed after the transition completes ("Vaak is het een traject van twee of drie
    jaar", seed 001): with the minimum transition, 2½ years or more in all (our default)."""
    follow_up_closing_grace: timedelta = timedelta(weeks=4)
    """After the follow-up period the consultant decides on closing; then the team lead is told."""
    working_days: WorkingDays | None = WORKING_DAYS
    working_days_patch: str = WORKING_DAYS_EVERY_ROUTE_PATCH


AMSTERDAM = AmsterdamPolicy()


class JointDecisionRecorded(EventBase):
    """Participant, consultant Beschut Werk, care provider and client manager decide together on a step to work."""

    event: Literal["joint_decision_recorded"]
    parties: list[Party] = Field(min_length=1, max_length=8, description="Who took part; all four are required.")
    step_to_work: bool
    provider_id: OrganisationId | None = Field(
        default=None, description="The day-activities provider; required unless given at the start."
    )

    @field_validator("parties")
    @classmethod
    def _all_parties(cls, value: list[Party], info: ValidationInfo) -> list[Party]:
        missing = [p.value for p in context_of(info).policy.joint_decision_parties if p not in value]
        if missing:
            raise ValueError(f"a joint decision needs all parties; missing: {', '.join(missing)}")
        return value

    @model_validator(mode="after")
    def _provider_known(self, info: ValidationInfo) -> JointDecisionRecorded:
        if self.provider_id is None and context_of(info).case.provider_id is None:
            raise ValueError("provider_id: the day-activities provider must be recorded (outcome per provider)")
        return self


class InternshipStarted(EventBase):
    """An optional unpaid learning-work internship (leer-werkstage) at Pantar or Milieuwerk."""

    event: Literal["internship_started"]
    host: str = Field(max_length=64, description="One of the policy's internship hosts (pantar, milieuwerk).")
    start_date: StartDate
    months: int | None = Field(default=None, ge=1, le=120, description="Agreed length; policy default if absent.")

    @field_validator("host")
    @classmethod
    def _known_host(cls, value: str, info: ValidationInfo) -> str:
        hosts = context_of(info).policy.internship_hosts
        if value not in hosts:
            raise ValueError(f"must be one of: {', '.join(hosts)}")
        return value

    @field_validator("months")
    @classmethod
    def _within_policy(cls, value: int | None, info: ValidationInfo) -> int | None:
        limit = context_of(info).policy.max_internship_months
        if value is not None and value > limit:
            raise ValueError(f"an internship lasts at most {limit} months")
        return value


class InternshipEnded(EventBase):
    """The internship stops without an outflow choice; the participant is back in day activities only."""

    event: Literal["internship_ended"]
    reason: Reason


class OutflowChosen(EventBase):
    """During day activities or the internship the outflow is chosen."""

    event: Literal["outflow_chosen"]
    outflow: Outflow
    old_sw_rights: bool = Field(
        default=False, validate_default=True, description="The participant still has Wsw rights; required for sw."
    )

    @field_validator("old_sw_rights")
    @classmethod
    def _sw_needs_old_rights(cls, value: bool, info: ValidationInfo) -> bool:
        if info.data.get("outflow") == Outflow.SW and not value:
            raise ValueError("outflow sw is only open to people who still have old (Wsw) rights")
        return value


class _SplitFields(BaseModel):
    """A split of the working week: days at the employer and days still in day activities (e.g. 3 + 2)."""

    employer_days: int = Field(ge=1, le=7)
    day_activities_days: int = Field(ge=0, le=6)

    @model_validator(mode="after")
    def _within_working_week(self, info: ValidationInfo) -> _SplitFields:
        days = context_of(info).policy.working_days_per_week
        if self.employer_days + self.day_activities_days > days:
            raise ValueError(f"employer_days + day_activities_days must not exceed {days}")
        return self


class EmploymentStarted(EventBase, _SplitFields):
    """Paid work starts, usually gradually: part of the week at the employer, the rest in day activities."""

    event: Literal["employment_started"]
    employer_id: OrganisationId
    start_date: StartDate
    end_date: CalendarDate | None = Field(default=None, description="Absent for an open-ended contract.")
    hours_per_week: float = Field(default=36, gt=0, le=60, description="Supervision is paid for a 36-hour contract.")
    wajong: bool = Field(
        default=False, description="The employee has a Wajong benefit: no municipal wage-cost subsidy (seed 001)."
    )

    @field_validator("end_date")
    @classmethod
    def _after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start_date")
        if value is not None and start and value <= start:
            raise ValueError("must be after start_date")
        return value

    @model_validator(mode="after")
    def _sheltered_needs_wage_value(self, info: ValidationInfo) -> EmploymentStarted:
        case = context_of(info).case
        if case.outflow == Outflow.SHELTERED and case.wage_value_percent is None:
            raise ValueError("sheltered work needs the wage-value assessment first (wage_value_assessed)")
        return self


class WorkSplitChanged(EventBase, _SplitFields):
    """The gradual transition shifts: a new split of the week between employer and day activities."""

    event: Literal["work_split_changed"]
    since: Annotated[date, near_today_check(past_weeks=4, future_weeks=13)]
    hours_per_week: float | None = Field(default=None, gt=0, le=60, description="New contract hours, if they change.")


class StabilisationStarted(EventBase):
    """Problems are stabilised alongside the work track, with a referral to a partner (e.g. MEE training)."""

    event: Literal["stabilisation_started"]
    problem: Problem
    partner: str = Field(min_length=2, max_length=64, description="Organisation code, e.g. mee, neighbourhood-team.")


class StabilisationEnded(EventBase):
    """A problem is stable (or the referral ended)."""

    event: Literal["stabilisation_ended"]
    problem: Problem

    @field_validator("problem")
    @classmethod
    def _open(cls, value: Problem, info: ValidationInfo) -> Problem:
        if value not in context_of(info).case.stabilising:
            raise ValueError(f"no open stabilisation of {value.value!r}")
        return value


class CheckInRecorded(EventBase):
    """The consultant's quarterly finger on the pulse."""

    event: Literal["check_in_recorded"]
    checked_on: Annotated[date, near_today_check(past_weeks=13, future_weeks=0)]


class FallbackReported(EventBase):
    """Work threatens to fail: the consultant must decide explicitly, never a silent drop."""

    event: Literal["fallback_reported"]
    reason: Reason


class FallbackDecided(EventBase):
    """The consultant's decision on a reported fallback."""

    event: Literal["fallback_decided"]
    outcome: FallbackOutcome
    reason: Reason


class PlacementCompleted(EventBase):
    """The transition is complete: the whole week at the employer, no earlier than the policy's minimum. The
    durable placement is then followed for the follow-up period (``follow_up``)."""

    event: Literal["placement_completed"]

    @model_validator(mode="after")
    def _minimum_transition(self, info: ValidationInfo) -> PlacementCompleted:
        context = context_of(info)
        start, months = context.case.contract_start, context.policy.min_transition_months
        if start is not None and context.today < add_months(start, months):
            raise ValueError(
                f"the gradual transition lasts at least {months} months: complete it from {add_months(start, months)}"
            )
        return self


class FollowUpEnded(EventBase):
    """The consultant's explicit decision to close a durable placement after the follow-up period."""

    event: Literal["follow_up_ended"]
    reason: Reason | None = None

    @model_validator(mode="after")
    def _after_the_period(self, info: ValidationInfo) -> FollowUpEnded:
        until = context_of(info).case.follow_up_until
        if until is not None and context_of(info).today < until:
            raise ValueError(f"the follow-up period runs until {until}")
        return self


class ContractRenewed(EventBase):
    """The contract is extended to a new end date (or made open-ended: no ``end_date``)."""

    event: Literal["contract_renewed"]
    end_date: CalendarDate | None = None

    @field_validator("end_date")
    @classmethod
    def _later(cls, value: date | None, info: ValidationInfo) -> date | None:
        current = context_of(info).case.contract_end
        if value is not None and current and value <= current:
            raise ValueError(f"must be after the current end date {current}")
        return value


class TrajectoryStopped(EventBase):
    """No step to work after all: the participant stays in day activities."""

    event: Literal["trajectory_stopped"]
    reason: Reason


AMSTERDAM_EVENTS = EventCatalog(
    JointDecisionRecorded,
    InternshipStarted,
    InternshipEnded,
    OutflowChosen,
    AdviceReceived,
    WageValueAssessed,
    EmploymentStarted,
    WorkSplitChanged,
    ContractRenewed,
    StabilisationStarted,
    StabilisationEnded,
    CheckInRecorded,
    FallbackReported,
    FallbackDecided,
    PlacementCompleted,
    FollowUpEnded,
    TrajectoryStopped,
    CoachReassigned,
    Withdrawn,
)


class SplitRecord(BaseModel):
    """One step of the gradual transition."""

    since: date
    employer_days: int
    day_activities_days: int


class AmsterdamCase(TrajectoryCase):
    """The facts Amsterdam's machine keeps; ``state`` is the machine's current state."""

    state: str = "intake"
    provider_id: str | None = None
    joint_decision: bool | None = None
    internship_host: str | None = None
    internship_start: date | None = None
    internship_months: int | None = None
    outflow: Outflow | None = None
    advice: str | None = None
    wage_value_percent: int | None = None
    stabilising: dict[Problem, str] = Field(default_factory=dict, description="Open problem → partner.")
    stabilised: list[Problem] = Field(default_factory=list)
    match_attempts: int = 0
    contract_start: date | None = None
    contract_end: date | None = None
    hours_per_week: float | None = None
    wajong: bool = False
    work_split: SplitRecord | None = Field(default=None, description="The current split of the week.")
    split_history: list[SplitRecord] = Field(default_factory=list)
    last_check_in: date | None = None
    fallback_reason: str | None = None
    fallbacks: int = 0
    old_sw_rights: bool = False
    transition_completed_on: date | None = None
    follow_up_until: date | None = Field(default=None, description="End of the durable placement's follow-up period.")
    outcome: Literal["work", "no_work"] | None = Field(default=None, description="Set when the trajectory closes.")
    closing_reason: str | None = None
