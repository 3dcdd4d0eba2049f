"""The start input of a trajectory: what a backend sends, as plain JSON, to open one."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.dates import CalendarDate
from domain.identifiers import OrganisationId, PseudonymousRef, StaffId, TrajectoryId


class ReferralSource(StrEnum):
    """Who put the participant forward (verwijzer)."""

    DAY_ACTIVITIES_PROVIDER = "day_activities_provider"
    VSO_PRO_SCHOOL = "vso_pro_school"
    NETWORK_PARTNER = "network_partner"
    MUNICIPAL_COLLEAGUE = "municipal_colleague"
    SELF_REFERRAL = "self_referral"


class AgeBand(StrEnum):
    """Coarse age, for routes that only need to know on which side of 18 and 27 someone is."""

    UNDER_18 = "under_18"
    FROM_18_TO_27 = "18_to_27"
    FROM_28 = "28_plus"


class ParticipantFacts(BaseModel):
    """What the route needs to know about the participant; nothing that identifies them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    has_benefit: bool = Field(description="Receives a benefit (uitkering) that work would replace.")
    benefit_source: Literal["municipality", "uwv"] | None = Field(
        default=None,
        description=(
            "Who pays the benefit: the municipality (Participatiewet) or UWV (e.g. Wajong, WIA). Routes that tell "
            "them apart (Oss) read an absent value, as before this field existed, as the municipality."
        ),
    )
    birth_date: CalendarDate | None = Field(default=None, description="Either this or age_band is required.")
    age_band: AgeBand | None = None
    hours_per_week: float = Field(ge=0, le=60, description="Hours a week the participant can work now.")

    @model_validator(mode="after")
    def _age_known(self) -> ParticipantFacts:
        if self.birth_date is None and self.age_band is None:
            raise ValueError("one of birth_date or age_band is required")
        if self.benefit_source is not None and not self.has_benefit:
            raise ValueError("benefit_source is set only with has_benefit: true")
        return self


class TrajectoryStart(BaseModel):
    """Start input of every region's trajectory workflow."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    trajectory_id: TrajectoryId
    participant_ref: PseudonymousRef
    participant: ParticipantFacts
    referral_source: ReferralSource
    coach_id: StaffId
    provider_id: OrganisationId | None = None
    school_leaving_date: CalendarDate | None = Field(
        default=None, description="For VSO pupils: the end of their last school year (routes that follow pupils)."
    )
    diploma_date: CalendarDate | None = Field(
        default=None, description="School leavers only: the expected diploma date; routes with a school meeting use it."
    )
