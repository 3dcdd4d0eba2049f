"""Amsterdam's money at exact virtual times: supervision for the contract hours with the funding moving to the
employer over the years, job coaching once, the wage-cost subsidy (not for Wajong), internship months."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

from domain.amsterdam import AMSTERDAM
from domain.dates import add_months, start_of_day
from domain.payments import local_date, round_cents
from tests.amsterdam_steps import (
    decide,
    start,
    start_internship,
    to_sheltered_seeking_work,
)
from tests.scenario import due_by, every_day, paid_days
from tests.test_amsterdam import due_at

QUARTER = 190_000


def paid(view, kind: str) -> list:
    return [p for p in view.payments if p.kind == kind]


async def employed(t, *, hours: float = 36, wajong: bool = False):
    await to_sheltered_seeking_work(t)
    return await t.send(
        "employment_started", employer_id="employer-pantar", start_date=await t.today(), employer_days=3,
        day_activities_days=2, hours_per_week=hours, wajong=wajong,
    )  # fmt: skip


async def test_supervision_for_the_contract_hours_moves_to_the_employer_after_a_year(env, worker):
    t = await start(env, worker)
    await employed(t, hours=32)
    begin = await t.today()
    await t.sleep_until(due_at(start_of_day(add_months(begin, 24)), "payment:supervision_fee"))
    fees = paid(await t.view(), "supervision_fee")
    assert len(fees) == 8
    share = Fraction(32, 36)
    assert sum(f.amount_cents for f in fees[:4]) == round_cents(4 * QUARTER * share), "year 1: 100 % (default)"
    year_two = round_cents(4 * QUARTER * share * Fraction(175, 100)) - round_cents(4 * QUARTER * share)
    assert sum(f.amount_cents for f in fees[4:]) == year_two, "year 2: 75 % (default)"
    assert all(f.rule == "amsterdam.supervision_fee@2021-01-01 (default)" for f in fees), "marked as our default"
    (coaching,) = paid(await t.view(), "job_coaching")
    assert (coaching.amount_cents, coaching.period_start, coaching.period_end) == (
        250_000, begin, add_months(begin, 12) - timedelta(days=1),
    )  # fmt: skip


async def test_wage_cost_subsidy_for_sheltered_work_but_not_for_wajong(env, worker):
    t = await start(env, worker)
    await employed(t)
    begin = await t.today()
    second = due_at(start_of_day(add_months(begin, 2)), "payment:wage_cost_subsidy")
    await t.sleep_until(second)
    subsidy = due_by(paid(await t.view(), "wage_cost_subsidy"), second)
    assert [(s.period_start, s.period_end) for s in subsidy] == [
        (begin, add_months(begin, 1) - timedelta(days=1)),
        (add_months(begin, 1), add_months(begin, 2) - timedelta(days=1)),
    ]
    assert all(s.payee == "employer-pantar" and s.amount_cents > 0 for s in subsidy)

    wajong = await start(env, worker)
    await employed(wajong, wajong=True)
    await wajong.sleep_until(due_at(start_of_day(add_months(await wajong.today(), 2)), "payment:wage_cost_subsidy"))
    view = await wajong.view()
    assert paid(view, "wage_cost_subsidy") == [] and due_by(paid(view, "supervision_fee"), await wajong.now()) == []
    assert "payment:supervision_fee" in view.deadlines and view.case["wajong"] is True


async def test_fees_run_through_the_follow_up_and_stop_the_day_the_trajectory_closes(env, worker):
    t = await start(env, worker)
    await employed(t)
    begin = await t.today()
    await t.sleep(timedelta(days=100))
    await t.send("work_split_changed", since=(await t.today()).isoformat(), employer_days=5, day_activities_days=0)
    await t.sleep_until(start_of_day(add_months(begin, 7)) + timedelta(hours=12), plus=timedelta(0))
    view = await t.send("placement_completed")
    assert view.state == "follow_up" and "payment:supervision_fee" in view.deadlines, "fees go on in the follow-up"
    await t.sleep_until(start_of_day(add_months(begin, 8)) + timedelta(hours=12), plus=timedelta(0))
    view = await t.send("withdrawn", reason="moves out of Amsterdam")
    closed_on = local_date(view.history[-1].at)
    await t.settle()
    view = await t.view()
    assert view.closed
    fees = paid(view, "supervision_fee")
    assert [f.period_start for f in fees if f.amount_cents > 0][:3] == [add_months(begin, 3 * q) for q in range(3)]
    assert paid_days(fees) == every_day(begin, closed_on), "orders ahead and their correction: paid to the close"
    days = (closed_on - add_months(begin, 6)).days + 1
    quarter_days = (add_months(begin, 9) - add_months(begin, 6)).days
    assert sum(f.amount_cents for f in fees) == 2 * QUARTER + round_cents(Fraction(QUARTER * days, quarter_days))
    assert max(paid_days(paid(view, "wage_cost_subsidy"))) == closed_on


async def test_the_internship_company_is_paid_per_month_until_the_internship_ends(env, worker):
    t = await start(env, worker)
    await decide(t)
    await start_internship(t, host="milieuwerk", months=3)
    begin = await t.today()
    await t.sleep_until(due_at(start_of_day(add_months(begin, 4)), "payment:internship"))
    months = paid(await t.view(), "internship")
    assert [(m.period_start, m.payee) for m in months] == [(add_months(begin, n), "milieuwerk") for n in range(3)]
    assert months[-1].period_end == add_months(begin, 3) - timedelta(days=1), "nothing after the internship's end"
    assert {m.amount_cents for m in months} == {AMSTERDAM.payment_rules["internship"].rates[-1].cents}


async def test_a_second_employment_is_paid_in_full_beside_what_the_first_ordered_ahead(env, worker):
    """The first employment's subsidy is ordered ahead (patch ``payments-ordered-ahead``), then the trajectory goes
    back to seeking work: a correction takes back what was ordered past that day. A second employment starts on
    the same day of the month, so its months end on the days the first ordered ahead: its orders still count
    (ids of their own: the stream's generation), and every day of both employments is paid exactly once."""
    t = await start(env, worker)
    await employed(t)
    begin = await t.today()
    await t.sleep_until(due_at(start_of_day(add_months(begin, 1)), "payment:wage_cost_subsidy"))
    assert max(p.period_end for p in paid(await t.view(), "wage_cost_subsidy")) > add_months(begin, 1), "ahead"
    await t.sleep(timedelta(days=10))
    await t.send("fallback_reported", reason="conflict with the supervisor")
    view = await t.send("fallback_decided", outcome="other_workplace", reason="a better fitting social firm")
    assert view.state == "seeking_work"
    left_on = local_date(view.history[-1].at)
    again = add_months(begin, 2)
    await t.sleep_until(start_of_day(again) + timedelta(hours=12), plus=timedelta(0))
    await t.send(
        "employment_started", employer_id="employer-pantar", start_date=again, employer_days=3,
        day_activities_days=2, hours_per_week=36, wajong=False,
    )  # fmt: skip
    second = due_at(start_of_day(add_months(again, 1)), "payment:wage_cost_subsidy")
    await t.sleep_until(second)
    view = await t.view()
    subsidy = paid(view, "wage_cost_subsidy")
    assert len({p.id for p in subsidy}) == len(subsidy) == len({p.id for p in view.payments if p in subsidy})
    days = paid_days(subsidy)
    assert {d for d in days if d <= left_on} == set(every_day(begin, left_on)), "the first employment, to its end"
    assert min(d for d in days if d > left_on) == again and all(n == 1 for n in days.values())
    assert again + timedelta(days=31) in days or add_months(again, 1) - timedelta(days=1) in days
