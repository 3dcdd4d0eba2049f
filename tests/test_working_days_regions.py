"""Working days in Amsterdam's, Oss's and Rijk van Nijmegen's routes (patch ``working-days-every-route``), through a
real time-skipping server: a deadline that lands on a weekend or a Dutch public holiday falls due at 08:30 in
Amsterdam on the next working day; a payment due on such a day is ordered on the working day before, for its whole
calendar period; and what was ordered ahead is corrected when the arrangement pauses on a day already paid.

Expected moments are worked out here from the ``holidays`` package and ``zoneinfo`` directly (as in
test_working_days.py), not through ``domain.calendar``."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction

from domain.dates import add_months
from domain.payments import round_cents
from tests.amsterdam_steps import decide, start_internship
from tests.amsterdam_steps import start as start_amsterdam
from tests.rijk_van_nijmegen_steps import PROVIDER, NijmegenTrajectory
from tests.scenario import COACH, Trajectory, every_day, notifications, paid_days
from tests.test_working_days import DUTCH_HOLIDAYS, at_half_past_eight, working_day_on_or_after

YEAR = 341_472  # Rijk van Nijmegen's development arrangement, €3,414.72 a year in cents


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in DUTCH_HOLIDAYS


def working_day_on_or_before(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


async def go_to(t: Trajectory, day: date, hour: int = 10) -> None:
    """Skip virtual time to ``hour`` o'clock UTC on ``day`` (the Amsterdam date is then ``day`` too)."""
    await t.sleep_until(datetime.combine(day, time(hour), tzinfo=UTC), plus=timedelta(0))
    assert await t.today() == day


async def first_day_after(t: Trajectory, fits) -> date:
    today = await t.today()
    return next(today + timedelta(days=n) for n in range(1, 60) if fits(today + timedelta(days=n)))


async def assert_notified_at(t: Trajectory, kind: str, recipient: str, due: datetime) -> None:
    """Nothing two minutes before ``due``; at ``due`` exactly one ``kind`` to ``recipient``, sent within a minute."""
    await t.sleep_until(due - timedelta(minutes=2), plus=timedelta(0))
    assert [n for n in notifications(await t.view(), kind) if n.recipient == recipient] == []
    await t.sleep_until(due)
    [sent] = [n for n in notifications(await t.view(), kind) if n.recipient == recipient]
    assert sent.due == due
    assert timedelta(0) <= sent.at - due < timedelta(minutes=1)


async def test_amsterdam_an_internship_ending_on_a_saturday_is_decided_on_the_next_working_day(env, worker):
    t = await start_amsterdam(env, worker)
    await decide(t)
    begin = await first_day_after(t, lambda day: add_months(day, 3).weekday() == 5)
    await go_to(t, begin)
    view = await start_internship(t)
    saturday = add_months(begin, 3)
    due = at_half_past_eight(working_day_on_or_after(saturday))
    [shown] = [d for d in view.due if d.name == "internship_end"]
    assert (shown.due, shown.moved) == (due, f"moved from Saturday {saturday.isoformat()}")
    await assert_notified_at(t, "outflow_decision_due", COACH, due)


async def test_oss_a_screening_four_weeks_from_a_sunday_start_is_due_on_the_next_working_day(env, worker):
    probe = await Trajectory.start(env, worker, region="oss")
    sunday = await first_day_after(probe, lambda day: day.weekday() == 6)
    await go_to(probe, sunday, hour=14)
    t = await Trajectory.start(env, worker, region="oss", participant={"has_benefit": True, "age_band": "28_plus",
                                                                        "hours_per_week": 16})  # fmt: skip
    nominal = sunday + timedelta(weeks=4)
    due = at_half_past_eight(working_day_on_or_after(nominal))
    [shown] = [d for d in (await t.view()).due if d.name == "screening"]
    assert (shown.due, shown.moved) == (due, f"moved from Sunday {nominal.isoformat()}")
    await assert_notified_at(t, "screening_due", COACH, due)


async def test_rijk_van_nijmegen_a_case_meeting_due_on_a_holiday_moves_to_the_next_working_day(env, worker):
    """Four weeks after a request made on a public holiday that falls on a weekday (Christmas, King's Day, …)."""
    t = await NijmegenTrajectory.begin(env, worker)
    today = await t.today()
    holiday = min(d for d in DUTCH_HOLIDAYS if d > today + timedelta(days=1) and d.weekday() < 5)
    await go_to(t, holiday, hour=9)
    view = await t.send("indication_requested", provider_id=PROVIDER)
    requested = view.history[-1].at
    nominal = requested + timedelta(weeks=4)
    due = at_half_past_eight(working_day_on_or_after(nominal.date()))
    [shown] = [d for d in view.due if d.name == "case_meeting"]
    moved_from = f"{DUTCH_HOLIDAYS[nominal.date()]} {nominal.date().isoformat()}" if nominal.date() in DUTCH_HOLIDAYS \
        else f"{nominal.strftime('%A')} {nominal.date().isoformat()}"  # fmt: skip
    assert shown.due == due
    assert shown.moved == (None if is_working_day(nominal.date()) else f"moved from {moved_from}")
    await assert_notified_at(t, "case_meeting_due", COACH, due)


async def test_rijk_van_nijmegen_a_month_ending_before_a_weekend_is_paid_on_the_friday_and_a_pause_corrects_it(
    env, worker
):
    """The first month runs to a Saturday: it is ordered at 08:30 on the Friday (the working day before Sunday,
    its due date), Friday and Saturday included. The arrangement pauses that Friday at noon: those two days are
    no longer paid, so a correction order takes them back at once; resumed on the Saturday, that day is paid
    again."""
    t = await NijmegenTrajectory.begin(env, worker)

    def fits(day: date) -> bool:
        due = add_months(day, 1)  # the day after the first month: a Sunday whose Friday is a working day
        return due.weekday() == 6 and is_working_day(due - timedelta(days=2))

    start = await first_day_after(t, fits)
    await go_to(t, start, hour=11)
    await t.to_development()
    sunday = add_months(start, 1)
    friday, saturday = sunday - timedelta(days=2), sunday - timedelta(days=1)
    ordered = at_half_past_eight(working_day_on_or_before(sunday))
    assert ordered == at_half_past_eight(friday)
    await t.sleep_until(ordered)
    [month, *ahead] = [p for p in (await t.view()).payments if p.kind == "development_arrangement"]
    assert timedelta(0) <= month.at - ordered < timedelta(seconds=1)
    assert all(p.due > friday for p in ahead), "the months after it are ordered ahead, due on their own days"
    assert (month.period_start, month.period_end, month.due) == (start, saturday, friday)
    year_days = (add_months(start, 12) - start).days
    month_days = (sunday - start).days
    assert month.amount_cents == round_cents(Fraction(YEAR * month_days, year_days))

    await go_to(t, friday, hour=11)
    await t.send("arrangement_paused", reason="illness")
    await t.settle()  # the order runs after the Update returned
    view = await t.view()
    [correction] = [p for p in view.payments if p.kind == "development_arrangement" and ":correction:" in p.id]
    assert (correction.period_start, correction.due) == (friday, friday), "and what was ordered ahead after it"
    assert correction.amount_cents < 0 and correction.rule.endswith(" correction")
    months = [p for p in view.payments if p.kind == "development_arrangement"]
    assert paid_days(months) == every_day(start, friday - timedelta(days=1))
    assert sum(p.amount_cents for p in months) == round_cents(Fraction(YEAR * (month_days - 2), year_days))

    # Resumed on the Saturday: that day is paid again (a positive correction); only the Friday stays unpaid.
    await go_to(t, saturday, hour=10)
    await t.send("arrangement_resumed")
    await t.settle()
    months = [p for p in (await t.view()).payments if p.kind == "development_arrangement"]
    again = months[-1]
    assert (again.period_start, again.due) == (saturday, saturday) and again.amount_cents > 0
    days = paid_days(months)
    assert friday not in days and {d for d in every_day(start, max(days)) if d != friday} == set(days)
    assert sum(p.amount_cents for p in months) == round_cents(Fraction(YEAR * len(days), year_days))
