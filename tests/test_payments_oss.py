"""Oss's money at exact virtual times: supervision fee and wage-cost subsidy to the employer on the sheltered track."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

from domain.dates import add_months, start_of_day
from domain.payments import local_date, minimum_wage_per_month, round_cents
from domain.rates import MINIMUM_WAGE_PER_HOUR
from tests.scenario import every_day, paid_days
from tests.test_oss import start, to_development


def paid(view, kind: str) -> list:
    return [p for p in view.payments if p.kind == kind]


async def working(t, track: str):
    await to_development(t)
    await t.send("work_track_chosen", track=track)
    if track == "sheltered_work":
        await t.send("advice_received", outcome="positive", actor="backend:uwv-gateway")
    return await t.send(
        "work_started", employer_id="employer-ibn", start_date=await t.today(), hours_per_week=30, wage_value_percent=40,
    )  # fmt: skip


async def test_sheltered_work_pays_the_employer_until_employment_ends(env, worker):
    t = await start(env, worker)
    await working(t, "sheltered_work")
    begin = await t.today()
    await t.sleep_until(start_of_day(add_months(begin, 4)) + timedelta(hours=12), plus=timedelta(0))
    view = await t.send("employment_ended", reason="the contract was not continued")
    ended_on = local_date(view.history[-1].at)
    await t.settle()
    view = await t.view()
    assert view.state == "day_programme"
    fees = paid(view, "supervision_fee")
    assert [f.amount_cents for f in fees[:1]] == [190_000] and {f.payee for f in fees} == {"employer-ibn"}
    assert paid_days(fees) == every_day(begin, ended_on), "orders ahead and their correction: paid to the end"
    subsidy = paid(view, "wage_cost_subsidy")
    assert paid_days(subsidy) == every_day(begin, ended_on)
    monthly = minimum_wage_per_month(MINIMUM_WAGE_PER_HOUR[-1].cents, 30) * Fraction(60, 100) * Fraction(123, 100)
    assert sum(s.amount_cents for s in subsidy[:4]) == round_cents(4 * monthly), "30 h at 40 % wage value"
    await t.sleep(timedelta(days=120))
    assert len(paid(await t.view(), "supervision_fee")) == len(fees), "nothing after the end"


async def test_banenafspraak_work_is_not_paid_by_the_route(env, worker):
    t = await start(env, worker)
    await working(t, "banenafspraak")
    await t.sleep(timedelta(days=200))
    assert (await t.view()).payments == []
