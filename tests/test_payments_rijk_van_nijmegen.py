"""Rijk van Nijmegen's money at exact virtual times: the development arrangement paid monthly pro rata (not while
paused, anew for a retry) and the basic arrangement per reported half-day."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest

from domain.dates import add_months, start_of_day
from domain.payments import local_date
from domain.rijk_van_nijmegen import RIJK_VAN_NIJMEGEN, half_days_in
from tests.rijk_van_nijmegen_steps import PROVIDER, NijmegenTrajectory
from tests.scenario import due_by, every_day, paid_days, working_due

YEAR = 341_472  # €3,414.72 in cents


def order_due(day: date, attempt: int = 1):
    """When the development arrangement's order for the days before ``day`` is made: 08:30 in Amsterdam on ``day``,
    or on the working day before it when ``day`` is a weekend day or a public holiday."""
    return working_due(start_of_day(day), f"payment:development_arrangement:{attempt}", RIJK_VAN_NIJMEGEN)


def paid(view, kind: str) -> list:
    return [p for p in view.payments if p.kind == kind]


async def at_noon(t: NijmegenTrajectory) -> date:
    """Move to the next noon (UTC): the Amsterdam date is then the UTC date, whatever the season."""
    now = await t.now()
    noon = start_of_day(now.date()) + timedelta(hours=12)
    await t.sleep_until(noon if noon > now else noon + timedelta(days=1), plus=timedelta(0))
    return await t.today()


async def developing(env, worker) -> tuple[NijmegenTrajectory, date]:
    t = await NijmegenTrajectory.begin(env, worker)
    start = await at_noon(t)
    await t.to_development()
    return t, start


async def test_a_year_of_development_arrangement_pays_3414_72_monthly(env, worker):
    t, start = await developing(env, worker)
    await t.sleep_until(order_due(add_months(start, 12)))
    view = await t.view()
    months = paid(view, "development_arrangement")
    assert len(months) == 12 and {p.payee for p in months} == {PROVIDER}
    assert abs(sum(p.amount_cents for p in months) - YEAR) <= 1, "within a cent"
    assert months[0].period_start == start and months[-1].period_end == add_months(start, 12) - timedelta(days=1)
    for before, after in zip(months, months[1:], strict=False):
        assert after.period_start == before.period_end + timedelta(days=1)
    for month in months:  # each month earns its days of the year
        days = (month.period_end - month.period_start).days + 1
        assert abs(month.amount_cents - Fraction(YEAR * days, (add_months(start, 12) - start).days)) < 1
        assert month.due == local_date(order_due(month.period_end + timedelta(days=1)))
    assert view.state == "development", "awaiting the evaluation: nothing more is earned after the planned end"
    await t.sleep(timedelta(days=40))
    assert len(paid(await t.view(), "development_arrangement")) == 12


async def test_a_forty_day_pause_pays_forty_days_less(env, worker):
    t, start = await developing(env, worker)
    await t.sleep_until(start_of_day(start + timedelta(days=50)) + timedelta(hours=12), plus=timedelta(0))
    paused_on = await t.today()
    await t.send("arrangement_paused", reason="hospital stay")
    await t.sleep(timedelta(days=40))
    view = await t.send("arrangement_resumed")
    assert local_date(view.history[-1].at) == paused_on + timedelta(days=40)
    await t.sleep_until(order_due(add_months(start, 12)))
    months = due_by(paid(await t.view(), "development_arrangement"), order_due(add_months(start, 12)))
    year_days = (add_months(start, 12) - start).days
    assert abs(sum(p.amount_cents for p in months) - (YEAR - Fraction(YEAR * 40, year_days))) <= 1
    assert paused_on in every_day(start, paused_on) and paused_on not in paid_days(months), "the pause is not paid"
    view = await t.view()
    expected_end = add_months(start, 12) + timedelta(days=40)
    next_order = view.deadlines.get("payment:development_arrangement:1")  # none: ordered ahead to the end
    assert next_order is None or next_order <= order_due(expected_end)
    await t.sleep_until(order_due(expected_end))
    months = paid(await t.view(), "development_arrangement")
    assert months[-1].period_end == expected_end - timedelta(days=1), "the pause moved the end: paid up to it"
    paused = every_day(paused_on, paused_on + timedelta(days=39))
    assert paid_days(months) == {d: 1 for d in every_day(start, expected_end - timedelta(days=1)) if d not in paused}
    second_year_days = (add_months(start, 24) - add_months(start, 12)).days
    moved = Fraction(YEAR * 40, second_year_days) - Fraction(YEAR * 40, year_days)  # 0 unless a 29 February differs
    assert abs(sum(p.amount_cents for p in months) - (YEAR + moved)) <= 1, "the 40 days are paid after the year"


async def test_a_retry_is_paid_anew_and_the_first_attempt_stops_that_day(env, worker):
    t, start = await developing(env, worker)
    await t.sleep_until(start_of_day(start + timedelta(days=45)) + timedelta(hours=12), plus=timedelta(0))
    retried_on = await t.today()
    await t.send("arrangement_retried", reason="started too early")
    await t.settle()
    first = paid(await t.view(), "development_arrangement")
    assert max(paid_days(first)) == retried_on, "the day of the retry is the last paid of the first attempt"
    assert paid_days(first) == every_day(start, retried_on)
    await t.submit_plan()
    view = await t.agree_plan()
    again = await t.today()
    assert "payment:development_arrangement:2" in view.deadlines
    await t.sleep_until(order_due(add_months(again, 1), attempt=2))
    second = [p for p in paid(await t.view(), "development_arrangement") if ":development_arrangement:2:" in p.id]
    second = due_by(second, order_due(add_months(again, 1), attempt=2))
    assert [(p.period_start, p.period_end) for p in second] == [(again, add_months(again, 1) - timedelta(days=1))]


async def test_monthly_attendance_pays_8_50_per_half_day_and_more_than_the_month_holds_is_refused(env, worker):
    t = await NijmegenTrajectory.begin(env, worker)
    await at_noon(t)
    await t.send("indication_requested", provider_id=PROVIDER)
    await t.case_meeting("basic", half_days_per_week=6)
    await t.sleep(timedelta(days=35))
    month = (await t.today()).replace(day=1) - timedelta(days=1)
    month = month.replace(day=1)
    with pytest.raises(Exception) as refused:
        await t.send("attendance_reported", actor=f"backend:{PROVIDER}", month=month.isoformat()[:7], half_days=45)
    assert refused.value.cause.details[0]["fields"] == ["half_days"]
    assert f"at most {half_days_in(month, 5)} half-days" in str(refused.value.cause)
    view = await t.send("attendance_reported", actor=f"backend:{PROVIDER}", month=month.isoformat()[:7], half_days=24)
    await t.settle()
    (order,) = paid(await t.view(), "basic_arrangement")
    assert (order.amount_cents, order.payee, order.period_start) == (24 * 850, PROVIDER, month)
    assert order.period_end == add_months(month, 1) - timedelta(days=1)
    assert order.rule == "rijk-van-nijmegen.basic_arrangement@2021-01-01"
    assert view.case["attendance"] == {month.isoformat()[:7]: 24}
    with pytest.raises(Exception) as twice:
        await t.send("attendance_reported", actor=f"backend:{PROVIDER}", month=month.isoformat()[:7], half_days=2)
    assert twice.value.cause.details[0]["fields"] == ["month"]
    ahead = add_months(await t.today(), 1).isoformat()[:7]
    with pytest.raises(Exception) as future:
        await t.send("attendance_reported", actor=f"backend:{PROVIDER}", month=ahead, half_days=2)
    assert future.value.cause.details[0]["fields"] == ["month"]


def test_no_month_holds_45_half_days():
    assert max(half_days_in(date(2027, m, 1), 5) for m in range(1, 13)) == 44
    assert half_days_in(date(2027, 2, 1), 5) == 40
