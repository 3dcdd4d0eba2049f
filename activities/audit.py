"""The audit trail: every accepted event and every notification, in a database that outlives Temporal's retention.

SQLAlchemy Core on any URL it knows: a SQLite file by default, PostgreSQL (``postgresql+psycopg://…``, extra
``postgres``) in production. Rows are keyed (``key`` unique) and written insert-or-ignore, so an activity
retried after it wrote still leaves exactly one row.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from temporalio import activity

from domain.messages import AuditEntry

metadata = sa.MetaData()

audit_trail = sa.Table(
    "audit_trail",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(300), nullable=False, unique=True),
    sa.Column("workflow_id", sa.String(200), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("result", sa.String(100), nullable=False),
    sa.Column("origin", sa.String(200), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("detail", sa.Text, nullable=False, default=""),
    sa.Column("client", sa.String(100), nullable=False, default=""),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
)


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return sa.create_engine(parsed, connect_args={"timeout": 30})
    return sa.create_engine(parsed, pool_pre_ping=True)


class AuditLog:
    """Writes and reads the audit trail at ``url``; creates the table when it is missing."""

    def __init__(self, url: str):
        self.engine = _engine(url)
        metadata.create_all(self.engine, checkfirst=True)

    def _insert_or_ignore(self) -> sa.Insert:
        dialect = self.engine.dialect.name
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        elif dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            raise ValueError(f"audit trail: unsupported database {dialect!r} (use SQLite or PostgreSQL)")
        return insert(audit_trail).on_conflict_do_nothing(index_elements=["key"])

    def write(self, entry: AuditEntry) -> bool:
        """Insert ``entry`` unless a row with its key exists; return whether this call wrote it."""
        row = {**entry.model_dump(), "recorded_at": datetime.now(timezone.utc)}
        with self.engine.begin() as connection:
            return connection.execute(self._insert_or_ignore(), row).rowcount == 1

    async def write_async(self, entry: AuditEntry) -> bool:
        return await asyncio.to_thread(self.write, entry)

    def trail(self, workflow_id: str) -> list[AuditEntry]:
        """A trajectory's rows, oldest first (every run of it: the workflow id spans continue-as-new)."""
        query = (
            sa.select(audit_trail)
            .where(audit_trail.c.workflow_id == workflow_id)
            .order_by(audit_trail.c.at, audit_trail.c.id)
        )
        with self.engine.connect() as connection:
            return [AuditEntry.model_validate(_utc(dict(row))) for row in connection.execute(query).mappings()]

    def by_result(self, result: str) -> list[AuditEntry]:
        """Every row with ``result`` (e.g. ``undeliverable``), oldest first: what operations must look at."""
        query = sa.select(audit_trail).where(audit_trail.c.result == result).order_by(audit_trail.c.at)
        with self.engine.connect() as connection:
            return [AuditEntry.model_validate(_utc(dict(row))) for row in connection.execute(query).mappings()]

    def dispose(self) -> None:
        self.engine.dispose()


def _utc(row: dict) -> dict:
    """SQLite returns naive datetimes: they were written in UTC."""
    at = row["at"]
    if at.tzinfo is None:
        row["at"] = at.replace(tzinfo=timezone.utc)
    return row


class AuditActivities:
    """The activity that records accepted events (notifications record themselves, in their own activity)."""

    def __init__(self, log: AuditLog):
        self.log = log

    @activity.defn
    async def record_event(self, entry: AuditEntry) -> bool:
        """Write one accepted event's row; a retry after a write is a no-op."""
        return await self.log.write_async(entry)
