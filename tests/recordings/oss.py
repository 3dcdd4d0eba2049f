"""Oss's main paths, recorded for replay."""

from __future__ import annotations

from datetime import timedelta

from domain.dates import add_months, start_of_day
from domain.oss import OSS
from tests.recordings import recording
from tests.scenario import Trajectory, first_day, ordered_ahead


@recording("oss-main-path")
async def main_path(env, worker):
    """Screening with capacity, plan, youth evaluations, turning 28, sheltered work, fallback, day programme."""
    today = (await env.get_current_time()).date()
    birthday_28 = add_months(today, 8)
    birth_date = birthday_28.replace(year=birthday_28.year - 28)
    t = await Trajectory.start(
        env,
        worker,
        region="oss",
        trajectory_id="replay-oss-main-path",
        participant={"has_benefit": True, "birth_date": birth_date.isoformat(), "hours_per_week": 12},
    )
    # the ladder's baseline is required since patch oss-seed-steps (after this history was recorded)
    baseline = {"ladder_step": 3} if (await t.view()).case.get("route_revision") else {}
    await t.send(
        "screening_completed",
        capacity=True,
        reason="developable work capacity",
        arbeidsdeskundige_id="ad-joris",
        **baseline,
    )
    await t.send("plan_recorded", goals=["travel independently"], work_consultant_id="wc-fenna")
    await t.send("ladder_step_recorded", step=3, measured_on=await t.today())
    await t.sleep(timedelta(days=190))
    await t.send("evaluation_recorded", evaluated_on=await t.today())
    await t.sleep(timedelta(days=60))
    await t.send("work_track_chosen", track="sheltered_work")
    await t.sleep(timedelta(weeks=9))
    await t.send("advice_received", outcome="positive", actor="backend:uwv-gateway")
    await t.send("work_started", employer_id="employer-ibn", start_date=await t.today(), job_coach=True)
    await t.send("fallback_threatened", reason="routine disturbed by new tasks")
    await t.sleep(timedelta(weeks=3, days=1))
    await t.send("employment_ended", reason="paid work temporarily not possible")
    await t.send("plan_recorded", goals=["day programme with work tasks", "back to work"])
    await t.sleep(timedelta(days=1))
    return t.handle


@recording("oss-vso-pupil")
async def vso_pupil(env, worker):
    """A VSO pupil followed to the end of school, assessed late, then Banenafspraak work and completion."""
    leaving = add_months((await env.get_current_time()).date(), 12)
    t = await Trajectory.start(
        env,
        worker,
        region="oss",
        trajectory_id="replay-oss-vso-pupil",
        referral_source="vso_pro_school",
        school_leaving_date=leaving.isoformat(),
    )
    await t.sleep(timedelta(days=370))
    await t.send("vso_assessed", outcome="banenafspraak", reason="can work with support")
    await t.send("work_started", employer_id="employer-jumbo", start_date=await t.today())
    await t.send("trajectory_completed", reason="stable in work")
    await t.handle.result()
    return t.handle


@recording("oss-seed-steps")
async def seed_steps(env, worker):
    """Patch ``oss-seed-steps``: a young person with a municipal benefit, owned by the youth consultant from
    screening on; no capacity yet (not closed); the 6-monthly evaluation sends them back to screening; a
    baseline on the ladder and a measurement; sheltered work, and the arbeidsdeskundige's search overdue."""
    t = await Trajectory.start(
        env,
        worker,
        region="oss",
        trajectory_id="replay-oss-seed-steps",
        participant={
            "has_benefit": True,
            "benefit_source": "municipality",
            "age_band": "18_to_27",
            "hours_per_week": 12,
        },
    )
    await t.send("screening_completed", capacity=False, reason="no developable work capacity yet", ladder_step=2)
    await t.sleep(timedelta(days=185))
    await t.send("evaluation_recorded", evaluated_on=await t.today(), rescreen=True)
    await t.send(
        "screening_completed",
        capacity=True,
        reason="developable work capacity",
        ladder_step=3,
        arbeidsdeskundige_id="ad-joris",
    )
    await t.send("plan_recorded", goals=["travel independently"], work_consultant_id="wc-fenna")
    await t.sleep(timedelta(days=185))
    await t.send("ladder_step_recorded", step=4, measured_on=await t.today())
    await t.send("evaluation_recorded", evaluated_on=await t.today())
    await t.send("work_track_chosen", track="sheltered_work")
    await t.send("advice_received", outcome="positive", actor="backend:uwv-gateway")
    await t.sleep(timedelta(weeks=11))
    await t.send("work_started", employer_id="employer-ibn", start_date=await t.today(), job_coach=True)
    await t.send("withdrawn", reason="moves out of Oss")
    await t.handle.result()
    return t.handle


@recording("oss-rescreening")
async def rescreening(env, worker):
    """Patch ``oss-seed-steps``: an adult with a UWV benefit without capacity is screened again after 24 months
    (an internal event fired by the re-screening deadline); its screening deadline passes and escalates; withdrawn."""
    t = await Trajectory.start(
        env,
        worker,
        region="oss",
        trajectory_id="replay-oss-rescreening",
        participant={"has_benefit": True, "benefit_source": "uwv", "age_band": "28_plus", "hours_per_week": 8},
    )
    await t.send(
        "screening_completed",
        capacity=False,
        reason="no developable work capacity",
        ladder_step=3,
        arbeidsdeskundige_id="ad-joris",
    )
    await t.sleep(timedelta(days=735))
    await t.sleep(timedelta(weeks=7))
    await t.send("withdrawn", reason="chooses day activities only")
    await t.handle.result()
    return t.handle


@recording("oss-payments")
async def payments(env, worker):
    """Since ``payment-streams``: sheltered work pays the employer a quarterly supervision fee and a monthly
    wage-cost subsidy until the employment ends (last pro-rata orders), then the day programme."""
    return await paid(env, worker, "replay-oss-payments")


@recording("oss-one-write-per-task")
async def one_write_per_task(env, worker):
    """The payments path since ``one-write-per-task``: each deadline's orders, ledger and audit rows in one local
    write; an accepted event's orders in its regular write after the reply."""
    return await paid(env, worker, "replay-oss-one-write")


async def paid(env, worker, trajectory_id: str):
    t = await Trajectory.start(env, worker, region="oss", trajectory_id=trajectory_id)
    await t.send("screening_completed", capacity=True, reason="wants to work", arbeidsdeskundige_id="ad-oss-1",
                 ladder_step=3)  # fmt: skip
    await t.send("plan_recorded", goals=["travel independently"], work_consultant_id="wc-oss-2")
    await t.send("work_track_chosen", track="sheltered_work")
    await t.send("advice_received", outcome="positive", actor="backend:uwv-gateway")
    await t.send("work_started", employer_id="employer-ibn", start_date=await t.today(), hours_per_week=30,
                 wage_value_percent=40)  # fmt: skip
    await t.sleep(timedelta(days=250))
    await t.send("employment_ended", reason="the contract was not continued")
    await t.sleep(timedelta(days=10))
    return t.handle


@recording("oss-working-days")
async def working_days(env, worker):
    """Patch ``working-days-every-route``: a screening four weeks from a Sunday start is due on the next working
    day at 08:30 in Amsterdam (and escalates on one); sheltered work whose first quarter runs to a Saturday is paid
    on the Friday before, and its end that Friday takes the Saturday back (``payment-corrections``)."""
    now = await env.get_current_time()
    sunday = first_day(now.date(), lambda day: day.weekday() == 6)
    await env.sleep(start_of_day(sunday) + timedelta(hours=14) - now)
    t = await Trajectory.start(env, worker, region="oss", trajectory_id="replay-oss-working-days")
    await t.sleep(timedelta(weeks=7))
    await t.send("screening_completed", capacity=True, reason="wants to work", arbeidsdeskundige_id="ad-oss-1",
                 ladder_step=3)  # fmt: skip
    await t.send("plan_recorded", goals=["travel independently"], work_consultant_id="wc-oss-2")
    await t.send("work_track_chosen", track="sheltered_work")
    await t.send("advice_received", outcome="positive", actor="backend:uwv-gateway")
    begin = first_day(await t.today(), lambda day: ordered_ahead(add_months(day, 3), OSS))
    await t.sleep_until(start_of_day(begin) + timedelta(hours=10))
    await t.send("work_started", employer_id="employer-ibn", start_date=await t.today(), hours_per_week=30,
                 wage_value_percent=40)  # fmt: skip
    await t.sleep_until(start_of_day(add_months(begin, 3) - timedelta(days=2)) + timedelta(hours=12))
    await t.send("employment_ended", reason="the contract was not continued")
    await t.sleep(timedelta(days=10))
    return t.handle
