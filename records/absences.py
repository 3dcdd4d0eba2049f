"""The roster of absences: register, list and cancel them, and find whose absence covers a moment.

Registering checks for an overlapping absence of the same coach and inserts in one write transaction, under a
per-coach lock (SQLite's write lock; a PostgreSQL advisory lock), so two requests at once cannot both pass.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from domain.absences import AMSTERDAM, Absence, AbsenceRefused
from records.database import Records
from records.schema import absences


class Roster:
    def __init__(self, records: Records):
        self.records = records

    def add(self, coach_id: str, first_day: date, last_day: date, stand_in: str) -> Absence:
        """Put an absence on the roster; :class:`AbsenceRefused` (``from``, ``to``) if it overlaps another."""
        absence = Absence(
            id=f"abs-{uuid.uuid4().hex[:12]}", coach_id=coach_id, first_day=first_day, last_day=last_day,
            stand_in=stand_in, created_at=datetime.now(UTC),
        )  # fmt: skip
        with self.records.write() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:coach))"), {"coach": coach_id})
            for other in _of(connection, coach_id):
                if other.overlaps(first_day, last_day):
                    raise AbsenceRefused(
                        f"overlaps absence {other.id} of {coach_id} ({other.first_day} to {other.last_day}); "
                        "cancel or change that one first",
                        ["from", "to"],
                    )
            connection.execute(sa.insert(absences), _row(absence))
        return absence

    def list(self, coach_id: str, *, include_cancelled: bool = False) -> list[Absence]:
        """The coach's absences by first day; cancelled ones only when asked."""
        with self.records.read() as connection:
            found = _of(connection, coach_id)
        return [a for a in found if include_cancelled or a.cancelled_at is None]

    def cancel(self, coach_id: str, absence_id: str) -> Absence | None:
        """Cancel an absence (kept, with ``cancelled_at``); None if the coach has no absence with that id.
        Cancelling twice keeps the first cancellation's time."""
        with self.records.write() as connection:
            match = (absences.c.id == absence_id) & (absences.c.coach_id == coach_id)
            connection.execute(
                sa.update(absences)
                .where(match & absences.c.cancelled_at.is_(None))
                .values(cancelled_at=datetime.now(UTC))
            )
            row = connection.execute(sa.select(absences).where(match)).mappings().first()
        return _absence(row) if row else None

    def absence_covering(self, staff_id: str, moment: datetime) -> Absence | None:
        """The absence of ``staff_id`` that covers ``moment``, if any (absences never overlap: at most one)."""
        day = moment.astimezone(AMSTERDAM).date()
        query = (
            sa.select(absences)
            .where(absences.c.coach_id == staff_id, absences.c.cancelled_at.is_(None))
            .where(absences.c.first_day <= day + timedelta(days=1), absences.c.last_day >= day - timedelta(days=1))
        )
        with self.records.read() as connection:
            rows = connection.execute(query).mappings().all()
        return next((a for a in map(_absence, rows) if a.covers(moment)), None)


def _of(connection: Connection, coach_id: str) -> list[Absence]:
    query = sa.select(absences).where(absences.c.coach_id == coach_id).order_by(absences.c.first_day, absences.c.id)
    return [_absence(row) for row in connection.execute(query).mappings()]


def _row(absence: Absence) -> dict:
    return absence.model_dump(by_alias=False)


def _absence(row: sa.RowMapping) -> Absence:
    values = dict(row)
    for name in ("created_at", "cancelled_at"):  # SQLite returns naive datetimes: they were written in UTC
        if values[name] is not None and values[name].tzinfo is None:
            values[name] = values[name].replace(tzinfo=UTC)
    return Absence.model_validate(values)
