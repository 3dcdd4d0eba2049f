"""Almere's main paths, recorded for replay."""

from __future__ import annotations

from datetime import date, timedelta

from domain.dates import add_months, start_of_day
from domain.policy import ALMERE
from tests.recordings import recording
from tests.scenario import Trajectory, first_day, ordered_ahead


@recording("almere-main-path")
async def main_path(env, worker):
    """Referral to permanent employment, with an extension, visits, payments and continue-as-new data."""
    t = await Trajectory.start(env, worker, trajectory_id="replay-main-path")
    await t.to_trial()
    await t.sleep(timedelta(weeks=6, days=1))
    await t.send("wage_value_assessed", wage_value_percent=55)
    await t.send("trial_extended", weeks=2)
    await t.sleep(timedelta(weeks=3))
    await t.sign_contract()
    await t.sleep(timedelta(days=200))
    await t.send("visit_recorded", visited_on=await t.today())
    await t.send("absence_reported", days_absent=3)
    await t.sleep(timedelta(days=400))
    await t.send("permanent_contract_signed", start_date=await t.today())
    await t.sleep(timedelta(days=100))
    return t.handle


@recording("almere-three-failed-trials")
async def three_failed_trials(env, worker):
    """Three failed matches, escalations along the way, and the fall back to day activities."""
    t = await Trajectory.start(env, worker, trajectory_id="replay-three-failures")
    await t.to_seeking_placement()
    await t.sleep(timedelta(weeks=7))
    for _ in range(3):
        await t.start_trial()
        await t.sleep(timedelta(weeks=9, days=1))
        await t.send("trial_failed", motivated=True, reason="no match with the work")
    await t.handle.result()
    return t.handle


async def permanent_until_continued(env, worker, trajectory: str | Trajectory) -> tuple[Trajectory, str]:
    """A permanent trajectory (a new one with this id, or one just referred) kept for years until it continues as
    new; returns it and the first run's id."""
    t = (
        trajectory
        if isinstance(trajectory, Trajectory)
        else await Trajectory.start(env, worker, trajectory_id=trajectory)
    )
    await t.to_employed()
    await t.send("permanent_contract_signed", start_date=await t.today())
    first_run = (await t.handle.describe()).run_id
    for _ in range(12):
        for _ in range(4):  # a quarter per call: a year of monthly orders in one call can outlast the RPC deadline
            await t.sleep(timedelta(days=365) / 4)
        latest = await t.client.get_workflow_handle(t.handle.id).describe()
        if latest.run_id != first_run:
            return t, first_run
    raise AssertionError("the trajectory never continued as new")


@recording("almere-continue-as-new")
async def continue_as_new(env, worker):
    """The run of a long permanent trajectory that ends by continuing as new, carrying its snapshot."""
    t, first_run = await permanent_until_continued(env, worker, "replay-continue-as-new")
    return t.client.get_workflow_handle(t.handle.id, run_id=first_run)


@recording("almere-continued-run")
async def continued_run(env, worker):
    """A run started from a continuation (restored case, deadlines, payments): a visit, fees, a coach
    change and the end of employment."""
    t, _ = await permanent_until_continued(env, worker, "replay-continued-run")
    latest = t.client.get_workflow_handle(t.handle.id)
    t.handle = latest
    await t.send("visit_recorded", visited_on=await t.today(), channel="phone")
    await t.sleep(timedelta(days=100))
    await t.send("coach_reassigned", coach_id="coach-bram")
    await t.send("employment_ended", reason="the employer closed the location")
    await latest.result()
    return latest


@recording("almere-continue-as-new-carrying-patches")
async def continue_as_new_carrying_patches(env, worker):
    """Since ``carried-patches``: the run that continues as new hands the patches it had to the next run."""
    t, first_run = await permanent_until_continued(env, worker, "replay-carrying-patches")
    return t.client.get_workflow_handle(t.handle.id, run_id=first_run)


@recording("almere-continued-run-carrying-patches")
async def continued_run_carrying_patches(env, worker):
    """A run continued since ``carried-patches``: it takes the carried patches without markers, asks those it
    did not have (a notification's), and goes on with fees, a visit, a coach change and the end of employment."""
    t, _ = await permanent_until_continued(env, worker, "replay-continued-carrying")
    latest = t.client.get_workflow_handle(t.handle.id)
    t.handle = latest
    await t.send("visit_recorded", visited_on=await t.today(), channel="phone")
    await t.sleep(timedelta(days=100))
    await t.send("coach_reassigned", coach_id="coach-bram")
    await t.send("employment_ended", reason="the employer closed the location")
    await latest.result()
    return latest


@recording("almere-local-effects")
async def local_effects(env, worker):
    """The path since the ``local-effects`` patch: notifications and payment orders as local activities, and
    continue-as-new at the policy's threshold after some five years of fees and visits."""
    t = await Trajectory.start(env, worker, trajectory_id="replay-local-effects")
    await t.to_employed()
    await t.send("absence_reported", days_absent=2, actor="employer-jungle")
    await t.send("permanent_contract_signed", start_date=await t.today())
    await t.sleep(timedelta(days=200))
    await t.send("visit_recorded", visited_on=await t.today(), channel="phone")
    for _ in range(7 * 4):  # a quarter per call (see permanent_until_continued)
        await t.sleep(timedelta(days=365) / 4)
    return t.client.get_workflow_handle(t.handle.id, run_id=t.handle.result_run_id)  # the run that continued


@recording("almere-payments")
async def payments(env, worker):
    """Since ``payment-streams``: travel costs in the trial, the wage value before the contract, quarterly fees and
    monthly wage-cost subsidy, the unrenewed contract's end (fees stop, the coach decides), a late renewal, and
    the end of employment with its last pro-rata orders."""
    return await paid(env, worker, "replay-payments")


@recording("almere-one-write-per-task")
async def one_write_per_task(env, worker):
    """The payments path since ``one-write-per-task``: each deadline's orders, ledger and audit rows in one local
    write; an accepted event's orders in its regular write after the reply."""
    return await paid(env, worker, "replay-one-write-per-task")


@recording("almere-patch-baseline")
async def patch_baseline(env, worker):
    """Since ``patch-baseline-2026-12``: one marker at the run's first patch stands for every patch of the baseline
    (the payments path: streams, orders ahead, corrections, notifications, the end of employment)."""
    return await paid(env, worker, "replay-patch-baseline")


@recording("almere-payments-ordered-ahead")
async def payments_ordered_ahead(env, worker):
    """The payments path since ``payments-ordered-ahead``: a timer's wake-up orders each stream's periods due up to
    the next deadline that is not a payment's; the contract's end, the renewal and the end of employment settle
    what was ordered ahead by correction orders."""
    return await paid(env, worker, "replay-payments-ordered-ahead")


@recording("almere-payments-ahead-within-rates")
async def payments_ahead_within_rates(env, worker):
    """The payments path since ``payments-ahead-within-rates``: periods are ordered ahead only up to the next day
    a rule's rate may change (1 January; also 1 July for the wage-cost subsidy); a period across it is ordered when
    it falls due."""
    return await paid(env, worker, "replay-payments-ahead-within-rates")


async def paid(env, worker, trajectory_id: str):
    t = await Trajectory.start(env, worker, trajectory_id=trajectory_id)
    await t.to_trial()
    started = await t.today()
    await t.sleep(timedelta(weeks=6))
    await t.send("travel_costs_claimed", amount_cents=3_600, period_start=started, period_end=await t.today())
    await t.send("wage_value_assessed", wage_value_percent=60)
    await t.sleep(timedelta(weeks=2, days=1))
    view = await t.sign_contract()
    end = date.fromisoformat(view.case["contract_end"])
    await t.sleep_until(start_of_day(end + timedelta(days=5)))
    await t.send("contract_renewed", end_date=end + timedelta(days=400))
    await t.sleep(timedelta(days=100))
    await t.send("employment_ended", reason="the employer closed the location")
    await t.handle.result()
    return t.handle


@recording("almere-payment-corrections")
async def payment_corrections(env, worker):
    """Since ``payment-corrections``: a quarter running to a Saturday is paid on the Friday before (its due
    Sunday rolled back); the employment ends that Friday, so the Saturday is taken back by a correction order."""
    t = await Trajectory.start(env, worker, trajectory_id="replay-payment-corrections")
    await t.to_trial()
    begin = first_day(await t.today(), lambda day: ordered_ahead(add_months(day, 3), ALMERE), within=30)
    await t.sleep_until(start_of_day(begin) + timedelta(hours=9))
    await t.sign_contract()
    friday = add_months(begin, 3) - timedelta(days=2)
    await t.sleep_until(start_of_day(friday) + timedelta(hours=12))
    await t.send("employment_ended", reason="the employer closed the location")
    await t.handle.result()
    return t.handle


@recording("almere-trial-before-advice")
async def trial_before_advice(env, worker):
    """Issue 16's steps up to employment: UWV's pre-consultation, a trial before the advice, the talk after it;
    escalations to the other advisor."""
    t = await Trajectory.start(env, worker, trajectory_id="replay-trial-before-advice", coach_id="almere-advisor-1")
    await t.to_awaiting_advice()
    await t.send("uwv_consultation_recorded", consulted_on=await t.today())
    await t.start_trial()
    await t.sleep(timedelta(weeks=3))
    await t.send("advice_received", outcome="positive", actor="backend:uwv-gateway")
    await t.sleep(timedelta(weeks=3, days=2))
    await t.send("advice_talk_recorded", held_on=await t.today())
    await t.send("wage_value_assessed", wage_value_percent=50)
    await t.sleep(timedelta(weeks=2))
    await t.sign_contract()
    await t.send("withdrawn", reason="moved away")
    await t.handle.result()
    return t.handle


@recording("almere-absence-and-reexamination")
async def absence_and_reexamination(env, worker):
    """Employed: absence followed up until the employer hears of its no-risk claim, the neighbourhood team, and
    onward to regular work after UWV's re-examination, chased past its deadline."""
    t = await Trajectory.start(env, worker, trajectory_id="replay-reexamination", coach_id="almere-advisor-1")
    await t.to_employed()
    await t.sleep(timedelta(days=20))
    await t.send("absence_reported", days_absent=4, actor="employer-jungle")
    await t.sleep(timedelta(days=3))
    await t.send("absence_followed_up", channel="visit")
    await t.send("neighbourhood_team_referred", problem="debts")
    await t.sleep(timedelta(weeks=6))
    await t.send("absence_ended", returned_on=await t.today(), actor="employer-jungle")
    await t.send("reexamination_requested")
    await t.sleep(timedelta(weeks=11))
    await t.send("reexamination_decided", outcome="regular_work", employer_id="employer-supermarket")
    await t.handle.result()
    return t.handle


@recording("almere-advice-talk")
async def advice_talk(env, worker):
    """A school leaver building up hours, a negative advice, the overdue talk escalated, a reapplication, and the
    second negative advice closing the trajectory after the talk."""
    today = (await env.get_current_time()).date()
    t = await Trajectory.start(
        env,
        worker,
        trajectory_id="replay-advice-talk",
        coach_id="almere-advisor-2",
        referral_source="vso_pro_school",
        school_leaving_date=today.replace(year=today.year + 1).isoformat(),
        participant={"has_benefit": True, "age_band": "under_18", "hours_per_week": 16},
    )
    await t.send("school_internship_assessed", host_id="provider-kringloop", feasible=True)
    await t.sleep(timedelta(weeks=9))
    await t.send("hours_recorded", hours_per_week=28)
    await t.to_awaiting_advice()
    await t.send("advice_received", outcome="negative", actor="backend:uwv-gateway")
    await t.sleep(timedelta(weeks=4))
    await t.send("advice_talk_recorded", held_on=await t.today(), decision="reapply")
    await t.sleep(timedelta(weeks=2))
    await t.send("advice_received", outcome="negative", actor="backend:uwv-gateway")
    await t.send("advice_talk_recorded", held_on=await t.today(), decision="close")
    await t.handle.result()
    return t.handle


@recording("almere-hours-build-up")
async def hours_build_up(env, worker):
    """Under 28 hours at the start: the re-check falls due and recurs (patch ``almere-hours-build-up``), a recording
    re-arms it, and the observation's fewer hours with an exception end it; the advice request goes out meanwhile."""
    t = await Trajectory.start(
        env,
        worker,
        trajectory_id="replay-hours-build-up",
        coach_id="almere-advisor-1",
        participant={"has_benefit": False, "age_band": "18_to_27", "hours_per_week": 16},
    )
    await t.sleep(ALMERE.hours_recheck_every * 2 + timedelta(days=3))  # two re-checks
    await t.send("hours_recorded", hours_per_week=20)
    await t.send("observation_started")
    await t.sleep(timedelta(weeks=3))
    await t.send(
        "observation_completed",
        potential=True,
        motivated=True,
        hours_per_week=24,
        hours_exception_reason="no benefit: any hours are a step forward",
    )
    await t.sleep(timedelta(weeks=9))
    await t.send("advice_received", outcome="positive", actor="backend:uwv-gateway")
    await t.settle()
    return t.handle
