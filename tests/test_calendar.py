"""Working days in Europe/Amsterdam (domain/calendar.py) and the deadline book that uses them: pure, no server."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from domain.calendar import Roll, WorkingDays, closed_because, local_time, working_moment
from domain.records import Notify, Recipient
from workflows.deadlines import DeadlineBook

NL = WorkingDays()
UTC = UTC
NOTIFY = Notify(kind="due", recipient=Recipient.COACH)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2027, 4, 27), "King's Day"),  # a Tuesday
        (date(2025, 4, 26), "King's Day"),  # the 27th was a Sunday
        (date(2031, 4, 26), "King's Day"),  # and again
        (date(2027, 12, 25), "Christmas Day"),
        (date(2026, 12, 26), "Second Day of Christmas"),
        (date(2027, 3, 29), "Easter Monday"),
        (date(2028, 4, 17), "Easter Monday"),
        (date(2027, 1, 2), "Saturday"),
        (date(2027, 1, 3), "Sunday"),
    ],
)
def test_days_that_are_no_working_day_say_why(day, reason):
    assert closed_because(day, NL) == reason


@pytest.mark.parametrize("day", [date(2025, 4, 28), date(2031, 4, 28), date(2027, 4, 26), date(2027, 12, 27)])
def test_ordinary_weekdays_are_working_days(day):
    assert closed_because(day, NL) is None


def test_a_working_day_deadline_falls_due_at_its_start_in_amsterdam_winter_and_summer():
    # 08:30 in Amsterdam: 07:30 UTC in winter (CET), 06:30 UTC in summer (CEST); the hour does not move.
    assert working_moment(utc(2027, 1, 12, 15, 0), NL) == (utc(2027, 1, 12, 7, 30), None)
    assert working_moment(utc(2027, 7, 13, 15, 0), NL) == (utc(2027, 7, 13, 6, 30), None)


def test_the_date_is_amsterdams_not_utcs():
    # 23:30 UTC on Monday 11 January is already Tuesday 00:30 in Amsterdam.
    assert working_moment(utc(2027, 1, 11, 23, 30), NL) == (utc(2027, 1, 12, 7, 30), None)


@pytest.mark.parametrize(
    ("nominal", "due", "moved"),
    [
        # Friday 26 March 2027 is Good Friday, Monday 29 March Easter Monday: Saturday 27 March → Tuesday 30 March.
        (utc(2027, 3, 27, 12), utc(2027, 3, 30, 6, 30), "moved from Saturday 2027-03-27"),
        (utc(2027, 3, 29, 12), utc(2027, 3, 30, 6, 30), "moved from Easter Monday 2027-03-29"),
        (utc(2027, 4, 27, 12), utc(2027, 4, 28, 6, 30), "moved from King's Day 2027-04-27"),
        (utc(2025, 4, 26, 12), utc(2025, 4, 28, 6, 30), "moved from King's Day 2025-04-26"),
        # Christmas Day on a Saturday 2027: Saturday, Sunday 26th (second day) → Monday 27th.
        (utc(2027, 12, 25, 12), utc(2027, 12, 27, 7, 30), "moved from Christmas Day 2027-12-25"),
    ],
)
def test_weekends_and_public_holidays_move_to_the_next_working_day(nominal, due, moved):
    assert working_moment(nominal, NL) == (due, moved)


def test_policy_may_move_a_deadline_to_the_previous_working_day():
    # Saturday 25 December 2027 → Friday 24 December, for a deadline the policy rolls back (a payment).
    calendar = WorkingDays(roll={"supervision_fee": Roll.PREVIOUS})
    assert calendar.due("supervision_fee", utc(2027, 12, 25, 0)) == (
        utc(2027, 12, 24, 7, 30), "moved from Christmas Day 2027-12-25",
    )  # fmt: skip
    assert calendar.due("aftercare_visit", utc(2027, 12, 25, 0))[0] == utc(2027, 12, 27, 7, 30)


def test_a_family_entry_rolls_every_deadline_of_the_family():
    # ``payment:*`` rolls every payment stream's deadline back; a name of its own wins; other families roll on.
    calendar = WorkingDays(roll={"payment:*": Roll.PREVIOUS, "payment:internship": Roll.NEXT})
    saturday = utc(2027, 12, 25, 0)
    assert calendar.due("payment:supervision_fee", saturday)[0] == utc(2027, 12, 24, 7, 30)
    assert calendar.due("payment:development_arrangement:2", saturday)[0] == utc(2027, 12, 24, 7, 30)
    assert calendar.due("payment:internship", saturday)[0] == utc(2027, 12, 27, 7, 30)
    assert calendar.due("payment", saturday)[0] == utc(2027, 12, 27, 7, 30)
    assert calendar.due("contract_expiry", saturday)[0] == utc(2027, 12, 27, 7, 30)


def test_the_switch_to_and_from_summer_time_does_not_move_the_hour():
    # Summer time starts Sunday 28 March 2027 and ends Sunday 31 October 2027: 08:30 stays 08:30 in Amsterdam.
    assert working_moment(utc(2027, 3, 25, 12), NL)[0] == utc(2027, 3, 25, 7, 30)
    assert working_moment(utc(2027, 3, 30, 12), NL)[0] == utc(2027, 3, 30, 6, 30)
    assert working_moment(utc(2027, 10, 29, 12), NL)[0] == utc(2027, 10, 29, 6, 30)
    assert working_moment(utc(2027, 11, 1, 12), NL)[0] == utc(2027, 11, 1, 7, 30)


def test_the_book_places_armed_recurring_escalated_and_resumed_deadlines_on_working_days():
    book = DeadlineBook(calendar=NL)
    # Saturday 24 April 2027 → Monday 26 April; King's Day is Tuesday 27 April.
    book.arm("visit", utc(2027, 4, 24), "visit", NOTIFY, ("employed",), every_months=1)
    visit = book.open["visit"]
    assert (visit.due, visit.nominal, visit.moved) == (
        utc(2027, 4, 26, 6, 30), utc(2027, 4, 24), "moved from Saturday 2027-04-24",
    )  # fmt: skip
    assert book.due_list()[0].moved == "moved from Saturday 2027-04-24"
    book.pause("employed", utc(2027, 4, 20))  # three days paused: nominally Tuesday 27 April, King's Day → Wednesday
    book.resume("employed", utc(2027, 4, 23))
    assert book.open["visit"].due == utc(2027, 4, 28, 6, 30)
    [fired] = book.pop_due(utc(2027, 4, 28, 6, 30))
    # Re-armed a month after the moved anchor: Thursday 27 May 2027, an ordinary Thursday.
    assert book.open["visit"].due == utc(2027, 5, 27, 6, 30)
    assert book.open["visit"].moved is None


def test_without_a_calendar_the_book_keeps_nominal_moments():
    book = DeadlineBook()
    book.arm("visit", utc(2027, 4, 24), "visit", NOTIFY, ("employed",))
    assert book.open["visit"].due == utc(2027, 4, 24) and book.open["visit"].nominal is None


def test_a_year_beyond_the_computed_holidays_closes_only_weekends():
    # Input at a calendar edge (a diploma on 1900-01-01 puts a deadline in 1899) never fails a workflow task.
    due, moved = working_moment(utc(1899, 1, 1, 12), NL)  # a Sunday
    assert (local_time(due).date(), local_time(due).time(), moved) == (
        date(1899, 1, 2),
        time(8, 30),
        "moved from Sunday 1899-01-01",
    )
    # 26 December 2128 is a Sunday, and Boxing Day: only the Sunday is known; 27 December a working Monday
    assert working_moment(utc(2128, 12, 26, 12), NL)[1] == "moved from Sunday 2128-12-26"
    assert working_moment(utc(2128, 12, 27, 12), NL)[1] is None
