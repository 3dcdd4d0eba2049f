"""The one activity that writes a workflow task's rows into the records database, in one transaction.

Each part of a ``domain.projection.Projection`` has a writer registered here with :func:`part_writer`; every
writer inserts or ignores on its items' stable ids, so a retried activity writes nothing twice.

Since patch ``one-write-per-task`` a task's payment orders travel in the same write: ``order_and_project`` (a
regular activity, after an Update's reply) and ``order_and_try_project`` (a local activity, on a task no one
waits for, such as a fee's deadline: one marker event) first hand every order of the ledger part to the payments
system, keyed on its id, then write the rows. The local one does not wait for a records database that is down:
it says so (``stored`` false) and the workflow leaves the rows to ``order_and_project``; the orders are out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from temporalio import activity

from activities.outbox import Outbox
from activities.payments import put_order
from domain.agenda import AgendaSnapshot
from domain.projection import Projection, ProjectionSummary
from records import Records, open_records
from records import agenda as agenda_rows
from records import audit as audit_rows
from records import facts as fact_rows
from records import payments as payment_rows

log = logging.getLogger(__name__)

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


def order_and_write(records: Records, outbox: Outbox, projection: Projection, *, wait: bool) -> ProjectionSummary:
    """Hand the ledger part's orders to the payments system, then write every part. ``wait``: a records database
    that fails raises (the activity is retried); otherwise the summary says the rows were not stored."""
    ordered = sum(put_order(outbox, order) for order in projection.payments)
    try:
        summary = write_projection(records, projection)
    except SQLAlchemyError as error:
        if wait:
            raise
        log.warning(
            "records database unavailable; %s left to the retried write: %s", projection.key, type(error).__name__
        )
        return ProjectionSummary(key=projection.key, ordered=ordered, stored=False, error=type(error).__name__)
    return summary.model_copy(update={"ordered": ordered})


class ProjectionActivities:
    def __init__(self, records: Records | str, outbox: Outbox | None = None, *, inline: bool = False):
        self.records = records if isinstance(records, Records) else open_records(records)
        self.outbox = outbox
        """Where payment orders go (``order_and_project``); ``project`` alone needs none."""
        self.inline = inline
        """Write on the event loop instead of a thread: for a forecast's scratch database in memory, where a
        write takes a millisecond and handing it to a thread and back cost as much again (``worker.build_worker``'s
        ``inline``). A database on a disk or across a network is written from a thread, so the worker's other
        tasks go on meanwhile."""

    async def _write(self, write: Callable[..., ProjectionSummary], *args: Any, **options: Any) -> ProjectionSummary:
        if self.inline:
            return write(*args, **options)
        return await asyncio.to_thread(write, *args, **options)

    @activity.defn
    async def project(self, projection: Projection) -> ProjectionSummary:
        """Write one workflow task's rows (audit, ...) in one transaction; a retry writes nothing twice."""
        return await self._write(write_projection, self.records, projection)

    @activity.defn
    async def order_and_project(self, projection: Projection) -> ProjectionSummary:
        """Order the task's payments and write its rows; retried (by Temporal) until the database takes them."""
        return await self._write(order_and_write, self.records, self.payments_outbox, projection, wait=True)

    @activity.defn
    async def order_and_try_project(self, projection: Projection) -> ProjectionSummary:
        """As ``order_and_project``, as a local activity: a records database that fails is reported (``stored``
        false), not retried here, so the workflow task is never held by an outage."""
        return await self._write(order_and_write, self.records, self.payments_outbox, projection, wait=False)

    @property
    def payments_outbox(self) -> Outbox:
        if self.outbox is None:
            raise RuntimeError("ProjectionActivities was built without an outbox: payment orders have nowhere to go")
        return self.outbox
