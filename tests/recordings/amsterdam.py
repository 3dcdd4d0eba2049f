"""Amsterdam's main paths, recorded for replay."""

from __future__ import annotations

from datetime import timedelta

from domain.amsterdam import AMSTERDAM
from domain.dates import add_months, start_of_day
from tests.amsterdam_steps import decide, start, start_employment, start_internship
from tests.recordings import recording
from tests.scenario import first_day, ordered_ahead


@recording("amsterdam-main-path")
async def main_path(env, worker):
    """Joint decision, internship past its end, sheltered outflow with UWV and wage value, gradual transition,
    job-coaching money once, fees, check-ins, stabilisation alongside, and the end in work."""
    t = await start(env, worker, trajectory_id="replay-ams-main-path")
    await decide(t)
    await t.send("stabilisation_started", problem="debts", partner="neighbourhood-team")
    await start_internship(t)
    await t.sleep(timedelta(days=100))
    await t.send("outflow_chosen", outflow="sheltered_work")
    await t.sleep(timedelta(weeks=3))
    await t.send("wage_value_assessed", wage_value_percent=40, actor="wage-value-specialist")
    await t.send("advice_received", outcome="positive", actor="backend:uwv-gateway")
    await start_employment(t)
    await t.send("stabilisation_ended", problem="debts")
    await t.sleep(timedelta(days=200))
    await t.send("work_split_changed", since=await t.today(), employer_days=4, day_activities_days=1)
    await t.send("check_in_recorded", checked_on=await t.today())
    await t.sleep(timedelta(days=200))
    await t.send("work_split_changed", since=await t.today(), employer_days=5, day_activities_days=0)
    view = await t.send("placement_completed")
    if not view.closed:  # since amsterdam-seed-steps the durable placement is followed before it closes
        return t.handle
    await t.handle.result()
    return t.handle


@recording("amsterdam-fallback")
async def fallback(env, worker):
    """Regular-work outflow, a fallback left undecided past its deadline, and the way back to day activities."""
    t = await start(env, worker, trajectory_id="replay-ams-fallback")
    await decide(t)
    await t.send("outflow_chosen", outflow="regular_work")
    await start_employment(t, employer="employer-regular-bakery", split=(2, 3))
    await t.sleep(timedelta(days=40))
    await t.send("fallback_reported", reason="absent for weeks")
    await t.sleep(timedelta(weeks=3))
    await t.send("fallback_decided", outcome="back_to_day_activities", reason="work is too heavy now")
    await t.sleep(timedelta(days=30))
    await t.send("trajectory_stopped", reason="stays in day activities for now")
    await t.handle.result()
    return t.handle


@recording("amsterdam-payments")
async def payments(env, worker):
    """Since ``payment-streams``: the internship company paid per month, supervision for a 32-hour contract, job
    coaching once, the wage-cost subsidy, a fallback to another workplace and the end in work (last pro-rata)."""
    return await paid(env, worker, "replay-ams-payments")


@recording("amsterdam-one-write-per-task")
async def one_write_per_task(env, worker):
    """The payments path since ``one-write-per-task``: each deadline's orders, ledger and audit rows in one local
    write; an accepted event's orders in its regular write after the reply."""
    return await paid(env, worker, "replay-ams-one-write")


@recording("amsterdam-payments-ordered-ahead")
async def payments_ordered_ahead(env, worker):
    """The payments path since ``payments-ordered-ahead``: periods ordered ahead at the wake-ups, the fallback to
    another workplace taking back what was ordered past it, the second employment's streams (a new generation of
    ids) and the end in work."""
    return await paid(env, worker, "replay-ams-ordered-ahead")


async def paid(env, worker, trajectory_id: str):
    t = await start(env, worker, trajectory_id=trajectory_id)
    await decide(t)
    await start_internship(t, months=2)
    await t.sleep(timedelta(days=70))
    await t.send("outflow_chosen", outflow="sheltered_work")
    await t.send("wage_value_assessed", wage_value_percent=45, actor="wage-value-specialist")
    await t.send("advice_received", outcome="positive", actor="backend:uwv-gateway")
    await t.send(
        "employment_started", employer_id="employer-pantar", start_date=await t.today(), employer_days=3,
        day_activities_days=2, hours_per_week=32,
    )  # fmt: skip
    await t.sleep(timedelta(days=200))
    await t.send("fallback_reported", reason="conflict with the supervisor")
    await t.send("fallback_decided", outcome="other_workplace", reason="a better fitting social firm")
    await start_employment(t, employer="employer-cordaan", split=(5, 0))
    await t.sleep(timedelta(days=200))
    await t.send("placement_completed")
    await t.sleep(timedelta(days=100))
    await t.send("withdrawn", reason="moves out of Amsterdam")
    await t.handle.result()
    return t.handle


@recording("amsterdam-working-days")
async def working_days(env, worker):
    """Patch ``working-days-every-route``: an internship ending on a Saturday is decided on the next working day
    at 08:30 in Amsterdam; sheltered work whose first quarter runs to a Saturday is paid on the Friday before; the
    trajectory is withdrawn that Friday, so the Saturday is taken back (``payment-corrections``)."""
    t = await start(env, worker, trajectory_id="replay-ams-working-days")
    await decide(t)
    begin = first_day(await t.today(), lambda day: add_months(day, 3).weekday() == 5)
    await t.sleep_until(start_of_day(begin) + timedelta(hours=10))
    await start_internship(t)
    await t.sleep(timedelta(days=95))
    await t.send("outflow_chosen", outflow="sheltered_work")
    await t.send("wage_value_assessed", wage_value_percent=45, actor="wage-value-specialist")
    await t.send("advice_received", outcome="positive", actor="backend:uwv-gateway")
    employed = first_day(await t.today(), lambda day: ordered_ahead(add_months(day, 3), AMSTERDAM))
    await t.sleep_until(start_of_day(employed) + timedelta(hours=10))
    await start_employment(t, employer="employer-pantar", split=(3, 2))
    await t.sleep_until(start_of_day(add_months(employed, 3) - timedelta(days=2)) + timedelta(hours=12))
    await t.send("withdrawn", reason="moves out of Amsterdam")
    await t.handle.result()
    return t.handle


@recording("amsterdam-follow-up")
async def follow_up(env, worker):
    """Issue 16's steps: the client manager told of work and its changes, a renewed contract, the transition
    completed after the policy minimum, and the durable placement followed (check-ins, fees, a fallback that stays
    in work) until the follow-up period is over and the consultant closes it. The first run is kept: it continues
    as new during the follow-up."""
    from domain.dates import add_months

    t = await start(env, worker, trajectory_id="replay-ams-follow-up")
    await decide(t)
    await t.send("outflow_chosen", outflow="sheltered_work")
    await t.send("wage_value_assessed", wage_value_percent=40, actor="wage-value-specialist")
    await t.send("advice_received", outcome="positive", actor="backend:uwv-gateway")
    today = await t.today()
    await t.send(
        "employment_started",
        employer_id="employer-milieuwerk",
        start_date=today,
        end_date=add_months(today, 12),
        employer_days=3,
        day_activities_days=2,
    )
    await t.sleep(timedelta(days=100))
    await t.send("work_split_changed", since=await t.today(), employer_days=5, day_activities_days=0, hours_per_week=32)
    await t.sleep(timedelta(days=90))
    await t.send("contract_renewed", end_date=add_months(today, 36))
    await t.send("placement_completed")
    await t.sleep(timedelta(days=200))
    await t.send("fallback_reported", reason="conflict with the supervisor")
    await t.send("fallback_decided", outcome="stay_in_work", reason="talked it through")
    await t.sleep(timedelta(days=550))
    await t.send("follow_up_ended", reason="stable in work")
    return t.client.get_workflow_handle(t.handle.id, run_id=t.handle.result_run_id)  # the first run
