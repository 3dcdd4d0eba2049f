"""Outcome facts and the targets operators set: written by the projection, read by the figures.

Facts are insert-or-ignore on their key (a retried projection writes each once). Targets keep their history:
every ``set_target`` adds a row, the newest per region and year counts, so an operator can see who changed a
target and when.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from domain.facts import OutcomeFact
from records.database import insert_or_ignore
from records.schema import figure_targets, outcome_facts


def write_facts(connection: Connection, facts: Iterable[OutcomeFact]) -> int:
    """Insert each fact unless its key is there; how many this call wrote."""
    rows = [fact.model_dump() for fact in facts]
    return sum(insert_or_ignore(connection, outcome_facts, rows, "key"))


def read_facts(
    connection: Connection, *, region: str | None = None, until: datetime | None = None
) -> list[OutcomeFact]:
    """Every fact (of ``region``), up to ``until``: whole trajectories, since a figure may need a start long before
    the period it counts (the time from referral to contract)."""
    query = sa.select(outcome_facts).order_by(outcome_facts.c.at, outcome_facts.c.id)
    if region is not None:
        query = query.where(outcome_facts.c.region == region)
    if until is not None:
        query = query.where(outcome_facts.c.at <= until)
    facts = []
    for row in connection.execute(query).mappings():
        values = {name: row[name] for name in OutcomeFact.model_fields}
        if values["at"].tzinfo is None:  # SQLite returns naive datetimes: they were written in UTC
            values["at"] = values["at"].replace(tzinfo=UTC)
        facts.append(OutcomeFact.model_validate(values))
    return facts


def newest(connection: Connection) -> datetime | None:
    """When the newest fact happened (UTC), or ``None`` before any."""
    value = connection.execute(sa.select(sa.func.max(outcome_facts.c.at))).scalar()
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def set_target(connection: Connection, *, region: str, year: int, target: int, set_by: str) -> None:
    connection.execute(
        sa.insert(figure_targets).values(
            region=region, year=year, target=target, set_by=set_by, set_at=datetime.now(UTC)
        )
    )


def targets(connection: Connection) -> dict[tuple[str, int], int]:
    """(region, year) → the newest target set for it."""
    query = sa.select(figure_targets).order_by(figure_targets.c.set_at, figure_targets.c.id)
    return {(row.region, row.year): row.target for row in connection.execute(query)}


def target_history(connection: Connection, region: str | None = None) -> list[dict]:
    query = sa.select(figure_targets).order_by(figure_targets.c.set_at, figure_targets.c.id)
    if region is not None:
        query = query.where(figure_targets.c.region == region)
    return [dict(row) for row in connection.execute(query).mappings()]
