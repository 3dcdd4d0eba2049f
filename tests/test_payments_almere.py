"""Almere's money at exact virtual times: supervision fees, wage-cost subsidy, travel costs, a contract's end."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time, timedelta
from fractions import Fraction

import pytest

from domain.dates import add_months, start_of_day
from domain.payments import AMSTERDAM_TIME as AMSTERDAM
from domain.payments import Rate, local_date, minimum_wage_per_month, round_cents
from domain.policy import ALMERE, override_policies
from domain.rates import ALMERE_PAYMENTS, MINIMUM_WAGE_PER_HOUR
from tests.scenario import COACH, TEAM_LEAD, Trajectory, due_by, every_day, notifications, paid_days, working_due
from workflows import WORKFLOWS

POLICIES = {region: workflow.policy for region, workflow in WORKFLOWS.items()}


def kind(view, name: str) -> list:
    return [p for p in view.payments if p.kind == name]


def fee_due(nominal) -> object:
    """When the quarterly fee whose period ends the day before ``nominal`` is ordered: 08:30 in Amsterdam, on the
    working day before when ``nominal`` is no working day (Almere's policy rolls payments back)."""
    return working_due(start_of_day(nominal), "payment:supervision_fee")


def assert_contiguous(payments, first: date, last: date) -> None:
    """The orders cover every day from ``first`` to ``last`` exactly once."""
    assert payments[0].period_start == first
    for before, after in zip(payments, payments[1:], strict=False):
        assert after.period_start == before.period_end + timedelta(days=1)
    assert payments[-1].period_end == last


async def test_a_full_employed_year_orders_exactly_7600_in_supervision_fees(env, worker):
    t = await Trajectory.start(env, worker)
    await t.to_employed()
    begin = start_of_day(await t.today())
    fourth = fee_due(add_months(begin, 12))
    await t.sleep_until(fourth)
    fees = due_by(kind(await t.view(), "supervision_fee"), fourth)
    assert sum(p.amount_cents for p in fees) == 760_000
    assert fees[-1].at <= fourth, "ordered ahead (patch payments-ordered-ahead), at a wake-up the trajectory had"
    assert fees[-1].due == local_date(fourth), "due on the working day it is ordered; the period stays the quarter"
    assert [p.amount_cents for p in fees] == [190_000] * 4
    assert_contiguous(fees, begin.date(), add_months(begin, 12).date() - timedelta(days=1))
    assert {p.rule for p in fees} == {"almere.supervision_fee@2019-01-01"}


async def test_a_fee_due_on_a_saturday_is_ordered_on_the_friday_before_for_the_whole_quarter(env, worker):
    t = await Trajectory.start(env, worker)
    await t.to_trial()
    today = await t.today()
    begin = next(d for d in (today + timedelta(days=n) for n in range(1, 15)) if add_months(d, 3).weekday() == 5)
    await t.sleep_until(start_of_day(begin) + timedelta(hours=9))
    await t.sign_contract()
    saturday = add_months(begin, 3)
    ordered = working_due(start_of_day(saturday), "payment:supervision_fee")
    assert local_date(ordered) < saturday and ordered.astimezone(AMSTERDAM).time() == time(8, 30)
    await t.sleep_until(ordered)
    assert due_by(kind(await t.view(), "supervision_fee"), ordered - timedelta(days=1)) == []
    (fee,) = due_by(kind(await t.view(), "supervision_fee"), ordered)
    assert fee.at <= ordered
    assert (fee.period_start, fee.period_end, fee.due, fee.amount_cents) == (
        begin, saturday - timedelta(days=1), local_date(ordered), 190_000,
    )  # fmt: skip


async def test_employment_ending_after_a_fee_ordered_ahead_takes_back_the_days_after_it(env, worker):
    """The quarter runs to a Saturday, so its fee is ordered at 08:30 on the Friday (the working day before its
    due Sunday), Saturday included; the employment ends that Friday: Saturday is taken back by a correction."""
    t = await Trajectory.start(env, worker)
    await t.to_trial()
    today = await t.today()

    def fits(day: date) -> bool:
        due = add_months(day, 3)
        return due.weekday() == 6 and working_due(
            start_of_day(due), "payment:supervision_fee"
        ).date() == due - timedelta(days=2)

    begin = next(d for d in (today + timedelta(days=n) for n in range(1, 30)) if fits(d))
    await t.sleep_until(start_of_day(begin) + timedelta(hours=9))
    await t.sign_contract()
    sunday = add_months(begin, 3)
    friday = sunday - timedelta(days=2)
    await t.sleep_until(start_of_day(friday) + timedelta(hours=12))
    (fee, *_) = kind(await t.view(), "supervision_fee")
    assert (fee.period_end, fee.amount_cents, fee.due) == (sunday - timedelta(days=1), 190_000, friday)
    await t.send("employment_ended", reason="the employer closed the location")
    await t.settle()
    fees = kind(await t.view(), "supervision_fee")
    correction = fees[-1]
    assert (correction.period_start, correction.due) == (friday + timedelta(days=1), friday)
    assert correction.period_end >= sunday - timedelta(days=1), "and any quarter ordered ahead after it"
    quarter = (sunday - begin).days
    assert sum(f.amount_cents for f in fees) == round_cents(Fraction(190_000 * (quarter - 1), quarter))
    assert paid_days(fees) == every_day(begin, friday), "nothing paid after the end"
    assert [f for f in fees if f.amount_cents < 0] == [correction]


async def test_an_unrenewed_contract_pays_up_to_its_end_date_then_puts_a_decision_to_the_coach(env, worker):
    t = await Trajectory.start(env, worker)
    view = await t.to_employed()
    begin = await t.today()
    end = date.fromisoformat(view.case["contract_end"])
    expired = working_due(start_of_day(end + timedelta(days=1)), "contract_expiry")
    await t.sleep_until(expired)
    view = await t.view()
    assert view.state == "contract_ended", "it does not stay silently employed"
    assert timedelta(0) <= view.history[-1].at - expired < timedelta(seconds=1)
    fees = kind(view, "supervision_fee")
    assert_contiguous(fees, begin, end)
    last_quarter = (add_months(begin, 15) - add_months(begin, 12)).days
    covered = (end - add_months(begin, 12)).days + 1
    assert fees[-1].amount_cents == round_cents(Fraction(190_000 * covered, last_quarter))
    subsidy = kind(view, "wage_cost_subsidy")
    assert_contiguous(subsidy, begin, end)
    assert [n.recipient for n in notifications(view, "contract_ended_unrenewed")] == [COACH]
    decision_due = working_due(view.history[-1].at + ALMERE.contract_end_decision_within)
    assert timedelta(0) <= view.deadlines["contract_end_decision"] - decision_due < timedelta(seconds=1)
    assert "payment:supervision_fee" not in view.deadlines and "payment:wage_cost_subsidy" not in view.deadlines

    await t.sleep_until(
        working_due(view.deadlines["contract_end_decision"] + ALMERE.contract_end_decision_escalation_after)
    )
    view = await t.view()
    assert [n.recipient for n in notifications(view, "contract_end_decision_due")] == [COACH]
    assert [n.recipient for n in notifications(view, "contract_end_decision_overdue")] == [TEAM_LEAD]
    assert kind(view, "supervision_fee") == fees, "nothing after the end"
    assert set(view.allowed_events) >= {"contract_renewed", "permanent_contract_signed", "employment_ended"}


async def test_a_contract_renewed_after_it_ended_pays_on_without_a_gap(env, worker):
    t = await Trajectory.start(env, worker)
    view = await t.to_employed()
    begin = await t.today()
    end = date.fromisoformat(view.case["contract_end"])
    await t.sleep_until(working_due(start_of_day(end + timedelta(days=1)), "contract_expiry") + timedelta(days=1))
    assert (await t.view()).state == "contract_ended"
    view = await t.send("contract_renewed", end_date=add_months(end, 12))
    assert view.state == "employed"
    await t.sleep_until(fee_due(add_months(begin, 18)))
    fees = due_by(kind(await t.view(), "supervision_fee"), fee_due(add_months(begin, 18)))
    assert_contiguous(fees, begin, add_months(begin, 18) - timedelta(days=1))
    assert sum(p.amount_cents for p in fees) == 6 * 190_000, "the short end period and its rest make a full quarter"


async def test_fourteen_months_of_employment_that_then_ends_are_paid_in_full(env, worker):
    t = await Trajectory.start(env, worker)
    await t.to_employed()
    begin = await t.today()
    await t.send("contract_renewed", end_date=add_months(begin, 36))
    await t.sleep_until(start_of_day(add_months(begin, 14)) - timedelta(hours=3))
    last_day = local_date(await t.now())
    assert last_day == add_months(begin, 14) - timedelta(days=1)
    view = await t.send("employment_ended", reason="the employer closed the location")
    await t.settle()
    view = await t.view()
    assert view.closed
    fees = kind(view, "supervision_fee")
    assert paid_days(fees) == every_day(begin, last_day), "orders ahead and their correction: each day once"
    fifth_quarter = (add_months(begin, 15) - add_months(begin, 12)).days
    two_months = (add_months(begin, 14) - add_months(begin, 12)).days
    assert sum(p.amount_cents for p in fees) == 4 * 190_000 + round_cents(Fraction(190_000 * two_months, fifth_quarter))
    subsidy = kind(view, "wage_cost_subsidy")
    assert paid_days(subsidy) == every_day(begin, last_day)
    monthly = minimum_wage_per_month(MINIMUM_WAGE_PER_HOUR[-1].cents, 32) * 45 / 100 * 123 / 100
    assert sum(p.amount_cents for p in subsidy) == round_cents(14 * monthly), "14 full months, 32 h at 55 % wage value"
    months = [p for p in subsidy if p.amount_cents > 0]
    assert all(abs(p.amount_cents - monthly) < 1 for p in months), "rounded cumulatively: never a cent adrift"


async def test_contract_signed_is_refused_until_the_wage_value_is_recorded(env, worker):
    t = await Trajectory.start(env, worker)
    await t.to_trial()
    today = await t.today()
    with pytest.raises(Exception) as refused:
        await t.send("contract_signed", start_date=today, end_date=add_months(today, 12), hours_per_week=32)
    details = refused.value.cause.details[0]
    assert details["fields"] == ["wage_value_percent"]
    assert "wage_value_assessed" in str(refused.value.cause)
    await t.send("wage_value_assessed", wage_value_percent=60)
    view = await t.send("contract_signed", start_date=today, end_date=add_months(today, 12), hours_per_week=32)
    assert view.state == "employed" and view.case["wage_value_percent"] == 60
    assert view.case["no_risk_policy"] is True, "recorded; never paid by the municipality"


async def test_travel_costs_in_the_trial_are_paid_as_claimed(env, worker):
    t = await Trajectory.start(env, worker)
    await t.to_trial()
    started = await t.today()
    await t.sleep(timedelta(days=20))
    today = await t.today()
    view = await t.send("travel_costs_claimed", amount_cents=4_250, period_start=started, period_end=today)
    claimed_on = local_date(view.history[-1].at)
    await t.settle()
    (paid,) = kind(await t.view(), "travel_costs")
    assert (paid.amount_cents, paid.period_start, paid.period_end, paid.due) == (4_250, started, today, claimed_on)
    assert paid.payee == "participant:ref-7f3a9c"
    with pytest.raises(Exception) as refused:
        await t.send("travel_costs_claimed", amount_cents=10**7, period_start=started, period_end=today)
    assert refused.value.cause.details[0]["fields"] == ["amount_cents"]
    assert view.case["travel_costs_claimed_cents"] == 4_250


def raise_fee_from(new_year: date) -> None:
    """A test-only policy: Almere's supervision fee rises to €2,000 a quarter from ``new_year``."""
    rule = ALMERE_PAYMENTS["supervision_fee"]
    rates = (*rule.rates, Rate(effective_from=new_year, cents=200_000, source="test"))
    changed = {**ALMERE.payment_rules, "supervision_fee": rule.model_copy(update={"rates": rates})}
    override_policies({"almere": {"payment_rules": {k: v.model_dump() for k, v in changed.items()}}}, POLICIES)


@pytest.fixture
def policies_reset() -> Iterator[None]:
    yield
    override_policies({}, POLICIES)


async def test_a_rate_change_on_1_january_leaves_earlier_orders_unchanged(env, worker, policies_reset):
    new_year = date((await env.get_current_time()).year + 2, 1, 1)
    raise_fee_from(new_year)
    t = await Trajectory.start(env, worker)
    await t.sleep_until(start_of_day(new_year - timedelta(days=200)))
    await t.to_employed()
    begin = await t.today()
    await t.send("contract_renewed", end_date=add_months(begin, 36))
    await t.sleep_until(start_of_day(new_year))
    before = due_by(kind(await t.view(), "supervision_fee"), start_of_day(new_year))
    assert len(before) == 2 and all(p.amount_cents == 190_000 for p in before)
    await t.sleep_until(start_of_day(add_months(begin, 15)))
    fees = due_by(kind(await t.view(), "supervision_fee"), start_of_day(add_months(begin, 15)))
    assert fees[: len(before)] == before, "orders made before the change are unchanged"
    straddling = next(p for p in fees if p.period_start < new_year <= p.period_end)
    old_days, new_days = (new_year - straddling.period_start).days, (straddling.period_end - new_year).days + 1
    days = old_days + new_days
    assert straddling.amount_cents == round_cents(Fraction(190_000 * old_days + 200_000 * new_days, days))
    assert straddling.rule == f"almere.supervision_fee@{new_year.isoformat()}"
    assert fees[-1].amount_cents == 200_000 and fees[-1].period_start > new_year
