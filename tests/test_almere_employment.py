"""Employment and aftercare in Almere: fees every quarter, visits, renewal, the two-year mark."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from domain.dates import add_months, start_of_day
from domain.policy import ALMERE
from tests.scenario import COACH, TEAM_LEAD, Trajectory, assert_fired_at, due_by, notifications, sent, working_due


async def test_quarterly_supervision_fee_for_a_year(env, worker, outbox):
    t = await Trajectory.start(env, worker)
    await t.to_employed()
    begin = start_of_day(await t.today())
    year = working_due(add_months(begin, 12), "payment:supervision_fee")
    await t.sleep_until(year)
    fees = due_by([p for p in (await t.view()).payments if p.kind == "supervision_fee"], year)
    assert [(p.amount_cents, p.payee) for p in fees] == [(190_000, "employer-jungle")] * 4
    assert [p.period_start for p in fees] == [add_months(begin, 3 * q).date() for q in (0, 1, 2, 3)]
    assert [p.period_end for p in fees] == [add_months(begin, 3 * q).date() - timedelta(days=1) for q in (1, 2, 3, 4)]
    assert [p.due for p in fees] == [add_months(begin, 3 * q).date() for q in (1, 2, 3, 4)], "in arrears"
    ordered = [working_due(add_months(begin, 3 * q), "payment:supervision_fee") for q in (1, 2, 3, 4)]
    assert all(p.at < due + timedelta(minutes=1) for p, due in zip(fees, ordered, strict=True)), "ordered ahead"
    assert sum(p.amount for p in fees) == Decimal("7600.00"), "€7,600 a year"
    orders = list((outbox / "payments").glob("*.json"))
    assert len(orders) == len((await t.view()).payments), "each order handed over once"


async def test_aftercare_visit_due_every_six_months_and_reset_by_a_visit(env, worker):
    t = await Trajectory.start(env, worker)
    await t.to_employed()
    begin = start_of_day(await t.today())
    await t.send("contract_renewed", end_date=add_months(begin, 36).date())  # employed beyond the visits
    await assert_fired_at(t, "aftercare_visit_due", COACH, working_due(add_months(begin, 6)))

    await t.sleep(timedelta(days=30))
    visited = await t.today()
    view = await t.send("visit_recorded", visited_on=visited, channel="visit")
    assert view.deadlines["aftercare_visit"] == working_due(add_months(start_of_day(visited), 6))
    await t.sleep_until(working_due(add_months(begin, 12)))
    assert (COACH, working_due(add_months(begin, 12))) not in sent(await t.view(), "aftercare_visit_due"), (
        "the visit moved it"
    )
    await assert_fired_at(t, "aftercare_visit_due", COACH, working_due(add_months(start_of_day(visited), 6)))


async def test_contract_renewal_due_six_weeks_before_the_end_then_escalated(env, worker):
    t = await Trajectory.start(env, worker)
    view = await t.to_employed()
    end = start_of_day(date.fromisoformat(view.case["contract_end"]))
    renewal = working_due(end - ALMERE.contract_renewal_notice)
    await assert_fired_at(t, "contract_renewal_due", COACH, renewal)
    await assert_fired_at(
        t, "contract_ending_unrenewed", TEAM_LEAD, working_due(renewal + ALMERE.contract_renewal_notice)
    )


async def test_renewal_moves_the_contract_deadlines(env, worker):
    t = await Trajectory.start(env, worker)
    view = await t.to_employed()
    old_end = start_of_day(date.fromisoformat(view.case["contract_end"]))
    new_end = add_months(old_end, 12)
    view = await t.send("contract_renewed", end_date=new_end.date())
    assert view.deadlines["contract_renewal"] == working_due(new_end - ALMERE.contract_renewal_notice)
    await t.sleep_until(old_end)
    view = await t.view()
    assert notifications(view, "contract_renewal_due") == [] and notifications(view, "contract_ending_unrenewed") == []


async def test_permanent_hire_due_before_two_years_and_escalated_at_two_years(env, worker):
    t = await Trajectory.start(env, worker)
    await t.to_employed()
    begin = start_of_day(await t.today())
    await t.sleep(timedelta(days=300))
    await t.send("contract_renewed", end_date=add_months(begin, 36).date())  # keep the contract running
    await assert_fired_at(t, "permanent_hire_due", COACH, working_due(add_months(begin, 21)))
    await assert_fired_at(t, "permanent_hire_overdue", TEAM_LEAD, working_due(add_months(begin, 24)))


async def test_permanent_contract_clears_the_two_year_deadline(env, worker):
    t = await Trajectory.start(env, worker)
    await t.to_employed()
    begin = start_of_day(await t.today())
    await t.sleep(timedelta(days=200))
    view = await t.send("permanent_contract_signed", start_date=await t.today())
    assert not {"permanent_hire", "permanent_hire_deadline", "contract_renewal"} & set(view.deadlines)
    await t.sleep_until(add_months(begin, 25))
    view = await t.view()
    assert notifications(view, "permanent_hire_overdue") == []
    fees = due_by([p for p in view.payments if p.kind == "supervision_fee"], add_months(begin, 25))
    assert len(fees) == 8, "fees continue when permanent"


async def test_absence_notifies_the_coach_at_once(env, worker):
    t = await Trajectory.start(env, worker)
    await t.to_employed()
    view = await t.send("absence_reported", days_absent=4, actor="employer-jungle")
    reported = view.history[-1].at
    await t.sleep(timedelta(seconds=1))
    absence = notifications(await t.view(), "absence_reported")
    assert [n.recipient for n in absence] == [COACH]
    assert absence[0].at - reported < timedelta(seconds=2)


async def test_continue_as_new_keeps_the_view(env, worker):
    """A permanent trajectory runs for years; its history is cut by continue-as-new, its view is not."""
    t = await Trajectory.start(env, worker)
    await t.to_employed()
    await t.send("permanent_contract_signed", start_date=await t.today())
    before = await t.view()

    years = 0
    while years < 9:
        for _ in range(4):  # a quarter per call: a year of monthly orders in one call can outlast the RPC deadline
            await t.sleep(timedelta(days=365) / 4)
        years += 1
        latest = t.client.get_workflow_handle(t.handle.id)
        started = (await latest.fetch_history()).events[0].workflow_execution_started_event_attributes
        if started.continued_execution_run_id:
            break
    else:
        raise AssertionError("never continued as new")
    assert started.continued_execution_run_id != latest.run_id

    after = await latest.query("view", result_type=type(before))
    assert after.state == "permanent" and after.coach_id == before.coach_id
    assert after.history == before.history, "state history survives"
    assert after.match_attempts == before.match_attempts
    assert len(after.payments) >= 4 * years - 4, "payments carried over and continuing"
    assert len({p.id for p in after.payments}) == len(after.payments), "no payment twice across runs"
    assert set(after.deadlines) == {"payment:supervision_fee", "payment:wage_cost_subsidy", "aftercare_visit"}
    await latest.execute_update(
        "submit_event", {"event": "visit_recorded", "actor": COACH, "visited_on": (await t.today()).isoformat()}
    )
    view = await latest.query("view", result_type=type(before))
    assert view.case["last_visit"] == (await t.today()).isoformat()
