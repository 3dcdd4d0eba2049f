"""The audit trail: every accepted event and every notification, in the records database (``records/``).

``AuditLog`` is the audit trail's face for the worker, the API and the CLI; the rows and their table live in
``records.audit`` and ``records.schema``. Rows are keyed (``key`` unique) and written insert-or-ignore, so an
activity retried after it wrote still leaves exactly one row. Since the ``projection`` patch an accepted
event's row is written by the workflow task's one projection write (``activities/projection.py``);
``AuditActivities.record_event`` stays for the runs that started before it.
"""

from __future__ import annotations

import asyncio

from temporalio import activity

from domain.messages import AuditEntry
from records import Records, open_records
from records import audit as rows


class AuditLog:
    """Writes and reads the audit trail in the records database at ``url`` (migrated to head when opened)."""

    def __init__(self, url: str | Records):
        self.records = url if isinstance(url, Records) else open_records(url)

    @property
    def engine(self):
        return self.records.engine

    def write(self, entry: AuditEntry) -> bool:
        """Insert ``entry`` unless a row with its key exists; return whether this call wrote it."""
        with self.records.write() as connection:
            return rows.write_entries(connection, [entry])[0]

    async def write_async(self, entry: AuditEntry) -> bool:
        return await asyncio.to_thread(self.write, entry)

    def trail(self, workflow_id: str) -> list[AuditEntry]:
        """A trajectory's rows, oldest first (every run of it: the workflow id spans continue-as-new)."""
        with self.records.read() as connection:
            return rows.trail(connection, workflow_id)

    def by_result(self, result: str) -> list[AuditEntry]:
        """Every row with ``result`` (e.g. ``undeliverable``), oldest first: what operations must look at."""
        with self.records.read() as connection:
            return rows.by_result(connection, result)

    def dispose(self) -> None:
        self.records.dispose()


class AuditActivities:
    """The activity that recorded each accepted event on its own, for runs from before the ``projection`` patch."""

    def __init__(self, log: AuditLog):
        self.log = log

    @activity.defn
    async def record_event(self, entry: AuditEntry) -> bool:
        """Write one accepted event's row; a retry after a write is a no-op."""
        return await self.log.write_async(entry)
