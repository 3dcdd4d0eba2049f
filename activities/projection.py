"""The one activity that writes a workflow task's rows into the records database, in one transaction.

Each part of a ``domain.projection.Projection`` has a writer registered here with :func:`part_writer`; every
writer inserts or ignores on its items' stable ids, so a retried activity writes nothing twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Connection
from temporalio import activity

from domain.agenda import AgendaSnapshot
from domain.projection import Projection, ProjectionSummary
from records import Records, open_records
from records import agenda as agenda_rows
from records import audit as audit_rows
from records import facts as fact_rows
from records import payments as payment_rows

PartWriter = Callable[[Connection, Projection, Any], int]
"""``(connection, projection, part's value) -> rows newly written``."""

PART_WRITERS: dict[str, PartWriter] = {}


def part_writer(name: str) -> Callable[[PartWriter], PartWriter]:
    """Register the writer of projection part ``name`` (a field of ``Projection``)."""

    def register(writer: PartWriter) -> PartWriter:
        if name not in Projection.model_fields:
            raise ValueError(f"Projection has no part {name!r}: add the field in domain/projection.py")
        PART_WRITERS[name] = writer
        return writer

    return register


@part_writer("audit")
def write_audit(connection: Connection, projection: Projection, entries: list) -> int:
    return sum(audit_rows.write_entries(connection, entries))


@part_writer("payments")
def write_payments(connection: Connection, projection: Projection, orders: list) -> int:
    return sum(payment_rows.write_orders(connection, orders))


@part_writer("facts")
def write_facts(connection: Connection, projection: Projection, facts: list) -> int:
    return fact_rows.write_facts(connection, facts)


@part_writer("agenda")
def write_agenda(connection: Connection, projection: Projection, snapshot: AgendaSnapshot) -> int:
    return agenda_rows.replace_snapshot(connection, snapshot)


def write_projection(records: Records, projection: Projection) -> ProjectionSummary:
    """Write every part of ``projection`` in one transaction; a part without a writer is an error, not a loss."""
    parts = projection.parts()
    missing = sorted(set(parts) - set(PART_WRITERS))
    if missing:
        raise ValueError(f"no writer for projection part(s) {missing}")
    written: dict[str, int] = {}
    with records.write() as connection:
        for name, value in parts.items():
            written[name] = PART_WRITERS[name](connection, projection, value)
    return ProjectionSummary(key=projection.key, written=written)


class ProjectionActivities:
    def __init__(self, records: Records | str):
        self.records = records if isinstance(records, Records) else open_records(records)

    @activity.defn
    async def project(self, projection: Projection) -> ProjectionSummary:
        """Write one workflow task's rows (audit, ...) in one transaction; a retry writes nothing twice."""
        return await asyncio.to_thread(write_projection, self.records, projection)
