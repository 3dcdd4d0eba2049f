"""The audit trail's rows: written insert-or-ignore on the entry's key, read per trajectory or by result."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from domain.messages import AuditEntry
from records.database import insert_or_ignore
from records.schema import audit_trail


def write_entries(connection: Connection, entries: Iterable[AuditEntry]) -> list[bool]:
    """Insert each entry unless its key is there; per entry, whether this call wrote it."""
    recorded_at = datetime.now(UTC)
    rows = [{**entry.model_dump(), "recorded_at": recorded_at} for entry in entries]
    return insert_or_ignore(connection, audit_trail, rows, "key")


def trail(connection: Connection, workflow_id: str) -> list[AuditEntry]:
    """A trajectory's rows, oldest first (every run of it: the workflow id spans continue-as-new)."""
    query = sa.select(audit_trail).where(audit_trail.c.workflow_id == workflow_id).order_by(audit_trail.c.at, audit_trail.c.id)
    return [_entry(row) for row in connection.execute(query).mappings()]


def by_result(connection: Connection, result: str) -> list[AuditEntry]:
    query = sa.select(audit_trail).where(audit_trail.c.result == result).order_by(audit_trail.c.at, audit_trail.c.id)
    return [_entry(row) for row in connection.execute(query).mappings()]


def _entry(row: sa.RowMapping) -> AuditEntry:
    values = {name: row[name] for name in AuditEntry.model_fields}
    if values["at"].tzinfo is None:  # SQLite returns naive datetimes: they were written in UTC
        values["at"] = values["at"].replace(tzinfo=UTC)
    return AuditEntry.model_validate(values)
