"""The roster of absences on a real PostgreSQL (tests/postgres.py): overlaps refused under concurrency too."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest

from domain.absences import AbsenceRefused
from records import open_records
from records.absences import Roster
from tests.postgres import PostgresCluster


def test_register_cover_cancel_and_refuse_an_overlap(postgres: PostgresCluster):
    roster = Roster(open_records(postgres.database()))
    absence = roster.add("coach-anna", date(2027, 7, 1), date(2027, 7, 9), "coach-bram")
    with pytest.raises(AbsenceRefused) as refused:
        roster.add("coach-anna", date(2027, 7, 9), date(2027, 7, 12), "coach-bram")
    assert refused.value.fields == ["from", "to"]
    assert roster.absence_covering("coach-anna", datetime(2027, 6, 30, 22, 0, tzinfo=UTC)) == absence  # 00:00 CEST
    assert roster.absence_covering("coach-anna", datetime(2027, 7, 9, 22, 0, tzinfo=UTC)) is None
    assert roster.absence_covering("coach-bram", datetime(2027, 7, 5, tzinfo=UTC)) is None
    cancelled = roster.cancel("coach-anna", absence.id)
    assert cancelled is not None and cancelled.cancelled_at is not None
    assert roster.absence_covering("coach-anna", datetime(2027, 7, 5, tzinfo=UTC)) is None
    assert roster.list("coach-anna") == [] and roster.list("coach-anna", include_cancelled=True) == [cancelled]
    assert roster.cancel("coach-bram", absence.id) is None, "another coach's absence is not theirs to cancel"


def test_overlapping_registrations_at_the_same_moment_store_one(postgres: PostgresCluster):
    url = postgres.database()

    def register(day: int) -> str:
        try:
            return (
                Roster(open_records(url))
                .add("coach-anna", date(2027, 8, day), date(2027, 8, day + 10), "coach-bram")
                .id
            )
        except AbsenceRefused:
            return "refused"

    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(register, range(1, 7)))
    assert outcomes.count("refused") == 5
    assert [a.id for a in Roster(open_records(url)).list("coach-anna")] == [o for o in outcomes if o != "refused"]
