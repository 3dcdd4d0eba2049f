"""Provider commitments (Meewerken-plus): how many trajectories a day-activities provider signs up for per year.

Seed 001, Amsterdam: "Aanbieders geven daarbij aan op hoeveel trajecten ze inschrijven, met andere woorden: hoeveel
kandidaten zij per jaar naar betaald werk willen toeleiden." An operator sets them (API ``PUT
/providers/{provider_id}/commitments``, CLI ``trajectories commitments``); every change is a new row, so the
history of a commitment is kept and the current one is the latest per year. The outcome figures
(``trajectories.outcomes``) hold providers against them and against the 50 % starting point.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field

from domain.identifiers import OrganisationId, Reason, StaffId
from records.database import open_records
from records.schema import provider_commitments
from service import config


class CommitmentChange(BaseModel):
    """What an operator sends to set a provider's commitment for one year."""

    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2015, le=2100, description="The calendar year the commitment is for.")
    trajectories: int = Field(
        ge=0,
        le=10_000,
        description="Trajectories the provider signs up for in that year.",
    )
    actor: StaffId = Field(description="Who sets it (an operator's id).")
    reason: Reason | None = Field(default=None, description="Why it is set or changed, e.g. the tender round.")


class Commitment(BaseModel):
    """One recorded commitment: the value set for a year, by whom, when and why."""

    year: int
    trajectories: int
    set_by: str
    set_at: datetime
    reason: str | None = None


class ProviderCommitments(BaseModel):
    """A provider's commitments: the current one per year (the latest set), and every change, oldest first."""

    provider_id: str
    current: list[Commitment]
    history: list[Commitment]


def set_commitment(
    provider_id: OrganisationId,
    change: CommitmentChange,
    url: str | None = None,
    *,
    now: datetime | None = None,
) -> ProviderCommitments:
    """Record ``change`` as the provider's commitment for its year; earlier values stay in the history."""
    records = open_records(url or config.records_url())
    with records.write() as connection:
        connection.execute(
            provider_commitments.insert().values(
                provider_id=provider_id,
                year=change.year,
                trajectories=change.trajectories,
                set_by=change.actor,
                reason=change.reason,
                set_at=now or datetime.now(UTC),
            )
        )
    return read_commitments(provider_id, url)


def read_commitments(provider_id: str, url: str | None = None) -> ProviderCommitments:
    """The provider's commitments; empty lists for a provider that never had one."""
    records = open_records(url or config.records_url())
    table = provider_commitments
    query = sa.select(table).where(table.c.provider_id == provider_id).order_by(table.c.id)
    with records.read() as connection:
        rows = connection.execute(query).mappings().all()
    history = [
        Commitment(
            year=row["year"],
            trajectories=row["trajectories"],
            set_by=row["set_by"],
            set_at=_utc(row["set_at"]),
            reason=row["reason"],
        )
        for row in rows
    ]
    latest = {commitment.year: commitment for commitment in history}
    return ProviderCommitments(
        provider_id=provider_id,
        current=[latest[year] for year in sorted(latest)],
        history=history,
    )


def _utc(value: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; they were written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
