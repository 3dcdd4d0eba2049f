"""Per-region policy: every length, limit and amount a route uses, as data.

Changing a value changes behaviour of running trajectories on replay, so treat it as workflow code:
guard the change with ``workflow.patched`` (see the README's section on changing a route).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from domain.calendar import Roll, WorkingDays
from domain.payments import PaymentRule
from domain.rates import ALMERE_PAYMENTS

WORKING_DAYS = WorkingDays(roll={"supervision_fee": Roll.PREVIOUS, "payment:*": Roll.PREVIOUS})
"""Deadlines at 08:30 on working days in Amsterdam; a payment due on a weekend or holiday (every payment stream,
and the quarterly fee of Almere's runs from before ``payment-streams``) is ordered on the working day before."""

WORKING_DAYS_PATCH = "working-days"
"""The patch under which Almere's deadlines moved to working days (asked by every run since)."""

WORKING_DAYS_EVERY_ROUTE_PATCH = "working-days-every-route"
"""The patch under which Amsterdam's, Oss's and Rijk van Nijmegen's deadlines moved to working days."""


class RegionPolicy(BaseModel):
    """What every region's policy has."""

    model_config = ConfigDict(frozen=True)

    region: str
    team_lead_id: str
    uwv_answer_within: timedelta = timedelta(weeks=8)
    uwv_escalation_after: timedelta = timedelta(weeks=2)
    history_events_before_continue_as_new: int = 250
    """About five years of a steady employed trajectory (runs from before the local-effects change, whose
    histories grow twice as fast, keep their 500: ``workflows.visibility.LEGACY_CONTINUE_AS_NEW_AFTER``)."""
    notification_attempts: int = 15
    """Tries of one notification before it is recorded undeliverable and raised to operations (about 3 hours
    with the backoff below: 1 s doubling up to ``notification_retry_max_interval``)."""
    notification_retry_max_interval: timedelta = timedelta(hours=1)
    payment_rules: dict[str, PaymentRule] = Field(default_factory=dict)
    """What the region pays, by rule name, with rates and the dates they take effect (``domain/rates.py``)."""
    working_days: WorkingDays | None = None
    """Deadlines fall due at the start of a working day in Europe/Amsterdam (``domain.calendar``); ``None``:
    at the moment the route's arithmetic gives (midnight UTC for a date). Every route's policy switches it on
    (:data:`WORKING_DAYS`)."""
    working_days_patch: str = WORKING_DAYS_PATCH
    """The ``workflow.patched`` name under which this region's working days apply: runs that started before it
    keep the moments they had (Almere's since ``working-days``, the other routes' since
    ``working-days-every-route``). A region switching working days on names a new patch here."""
    escalation_to: Literal["team_lead", "other_advisor"] = "team_lead"
    """Who hears of a missed deadline: the team lead, or (a region where two advisors own every trajectory and
    stand in for each other) the advisor who is not the trajectory's coach, named in ``advisor_ids``. A coach
    outside the pair escalates to the first of them."""
    advisor_ids: tuple[str, ...] = ()
    """Also each other's default stand-in when two are named (``POST /coaches/{id}/absences`` without ``stand_in``;
    read when an absence is registered, never by a workflow)."""


class EmploymentPolicy(RegionPolicy):
    """What the shared employment and aftercare schedule (``workflows/employment.py``) reads.

    ``None`` switches a part off: a region without aftercare visits, without a permanent-hire rule or
    without a one-off payment.
    """

    supervision_fee: Decimal
    supervision_fee_every_months: int = 3
    aftercare_visit_every_months: int | None = None
    contract_renewal_notice: timedelta = timedelta(weeks=6)
    permanent_hire_after_months: int | None = None
    permanent_hire_notice_months: int = 3
    one_off_payment: Decimal | None = None
    one_off_payment_kind: str = "one_off"


class AlmerePolicy(EmploymentPolicy):
    """Almere: "much tailoring, much aftercare" (seeds 000–004)."""

    region: str = "almere"
    team_lead_id: str = "almere-team-lead"
    escalation_to: Literal["team_lead", "other_advisor"] = "other_advisor"
    """The seeds name no team lead in Almere: the two account advisors are each other's escalation."""
    advisor_ids: tuple[str, ...] = ("almere-advisor-1", "almere-advisor-2")
    advice_talk_within: timedelta = timedelta(weeks=2)
    """The talk with the candidate after every advice (seed 003); after a negative one it decides."""
    advice_talk_escalation_after: timedelta = timedelta(weeks=1)
    hours_recheck_every: timedelta = timedelta(weeks=8)
    """While a candidate works fewer than ``min_hours_per_week`` without an exception, the hours are re-checked."""
    school_leaver_meeting_months_before: int = 12
    """A VSO/Pro pupil is discussed "ruim voordat ze van school gaan" (seed 001): a school year ahead, so that
    the last year's internships can judge feasibility (our default)."""
    absence_follow_up_within: timedelta = timedelta(days=2)
    """The advisor calls or visits after an absence report (our default)."""
    long_absence_after: timedelta = timedelta(weeks=6)
    """From this long an absence the employer is reminded of its no-risk policy claim (our default)."""
    neighbourhood_team_id: str = "almere-neighbourhood-team"
    observation_period: timedelta = timedelta(weeks=4)
    min_hours_per_week: float = 28
    placement_search_within: timedelta = timedelta(weeks=4)
    placement_escalation_after: timedelta = timedelta(weeks=2)
    trial_length: timedelta = timedelta(weeks=8)
    wage_value_assessment_after: timedelta = timedelta(weeks=6)
    max_trial_extensions: int = 1
    max_trial_extension: timedelta = timedelta(weeks=4)
    trial_decision_grace: timedelta = timedelta(weeks=1)
    max_match_attempts: int = 3
    """Trial placements in all before the fall back ("maximaal drie keer op zoek naar een nieuwe plek", seed 001;
    "lukt het na drie keer niet", seed 000): three places tried, i.e. the first and two re-matches. See
    docs/almere.md for why."""
    min_contract_months: int = 12
    supervision_fee: Decimal = Decimal("1900.00")
    supervision_fee_every_months: int = 3
    aftercare_visit_every_months: int = 6
    contract_renewal_notice: timedelta = timedelta(weeks=6)
    permanent_hire_after_months: int = 24
    permanent_hire_notice_months: int = 3
    payment_rules: dict[str, PaymentRule] = Field(default_factory=lambda: dict(ALMERE_PAYMENTS))
    contract_end_decision_within: timedelta = timedelta(weeks=2)
    """(default) An unrenewed contract has ended: the coach decides (renew, permanent, end) within this."""
    contract_end_decision_escalation_after: timedelta = timedelta(weeks=1)
    """(default) …and the team lead is told when nobody decided this long after that."""
    working_days: WorkingDays | None = WORKING_DAYS


ALMERE = AlmerePolicy()


P = TypeVar("P", bound=RegionPolicy)

_OVERRIDES: dict[str, dict[str, Any]] = {}
"""Region → policy fields this worker process replaces (``TRAJECTORIES_POLICY_OVERRIDES``); empty in production."""


def override_policies(overrides: Mapping[str, Mapping[str, Any]], policies: Mapping[str, RegionPolicy]) -> None:
    """Make this process's workflows use ``policies[region]`` with ``overrides[region]``'s fields replaced.

    For tests and demonstrations only (e.g. a UWV answer due in seconds instead of 8 weeks, so a test can
    watch a real timer fire across a crash): a history made under overrides replays correctly only on a worker
    with the same overrides. Unknown regions and fields are refused here, at worker start.
    """
    unknown = set(overrides) - set(policies)
    if unknown:
        raise ValueError(f"policy overrides for unknown regions: {', '.join(sorted(unknown))}")
    for region, fields in overrides.items():
        policy = policies[region]
        wrong = set(fields) - set(type(policy).model_fields)
        if wrong:
            raise ValueError(f"{region} policy has no field(s) {', '.join(sorted(wrong))}")
        type(policy).model_validate({**policy.model_dump(), **fields})  # refuse bad values now, not in a workflow
    _OVERRIDES.clear()
    _OVERRIDES.update({region: dict(fields) for region, fields in overrides.items()})


def effective_policy(policy: P) -> P:
    """``policy`` with this process's overrides for its region, if any (normally none: ``policy`` itself)."""
    changes = _OVERRIDES.get(policy.region)
    return type(policy).model_validate({**policy.model_dump(), **changes}) if changes else policy
