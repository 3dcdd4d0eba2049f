"""The deadline book's pause and resume: deterministic, time passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.records import Notify, Recipient
from workflows.deadlines import DeadlineBook

T0 = datetime(2027, 1, 4, tzinfo=UTC)
NOTIFY = Notify(kind="due", recipient=Recipient.COACH)


def book() -> DeadlineBook:
    deadlines = DeadlineBook()
    deadlines.arm("end", T0 + timedelta(days=365), "end", NOTIFY, ("running", "paused"))
    deadlines.arm("visit", T0 + timedelta(days=30), "visit", NOTIFY, ("running", "paused"), every_months=1)
    deadlines.arm("other", T0 + timedelta(days=10), "other", NOTIFY, ("elsewhere",))
    return deadlines


def test_paused_deadlines_never_fire_and_resume_moved_by_exactly_the_paused_time():
    deadlines = book()
    paused_at = T0 + timedelta(days=5)
    deadlines.pause("running", paused_at)
    assert deadlines.as_dict() == {"other": T0 + timedelta(days=10)}
    assert [d.name for d in deadlines.pop_due(T0 + timedelta(days=400))] == ["other"]
    assert deadlines.next() is None
    resumed_at = paused_at + timedelta(days=50, minutes=7)
    assert deadlines.resume("running", resumed_at) == timedelta(days=50, minutes=7)
    assert deadlines.as_dict() == {
        "visit": T0 + timedelta(days=80, minutes=7),
        "end": T0 + timedelta(days=415, minutes=7),
    }
    due = deadlines.pop_due(T0 + timedelta(days=80, minutes=7))
    assert [d.name for d in due] == ["visit"]
    assert deadlines.open["visit"].occurrence == 1  # recurring from the moved anchor


def test_resume_without_a_pause_moves_nothing():
    deadlines = book()
    before = deadlines.as_dict()
    assert deadlines.resume("running", T0 + timedelta(days=9)) == timedelta(0)
    assert deadlines.as_dict() == before
