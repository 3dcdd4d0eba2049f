"""Rijk van Nijmegen's main paths, recorded for replay."""

from __future__ import annotations

from datetime import timedelta

from domain.dates import add_months, start_of_day
from domain.rijk_van_nijmegen import RIJK_VAN_NIJMEGEN as POLICY
from tests.recordings import recording
from tests.rijk_van_nijmegen_steps import (
    BUSINESS_CONSULTANT,
    JOB_COACH,
    PROVIDER,
    NijmegenTrajectory,
)
from tests.scenario import first_day, ordered_ahead
from workflows.provider_meeting import ProviderMeetingInput, ProviderMeetingReminder


@recording("rijk-van-nijmegen-main-path")
async def main_path(env, worker):
    """Case meeting, plan revised and agreed, a pause, a shortened arrangement, evaluation, one leg in each,
    a fallback with an extra instrument, job coaching, completion."""
    t = await NijmegenTrajectory.begin(env, worker, trajectory_id="replay-nijmegen-main-path")
    await t.send("indication_requested")
    await t.sleep(timedelta(weeks=5))
    await t.case_meeting("basic_plus_wage_value")
    await t.submit_plan()
    await t.send("plan_advised", advice="revise")
    await t.submit_plan()
    await t.agree_plan()
    await t.sleep(timedelta(days=100))
    await t.send("arrangement_paused", reason="illness")
    await t.sleep(timedelta(days=40))
    await t.send("arrangement_resumed")
    await t.sleep(timedelta(days=60))
    await t.send("arrangement_adjusted", end_date=await t.today() + timedelta(days=90))
    await t.sleep(timedelta(days=100))
    view = await t.send("evaluation_completed", goals_met=True, next_step="sheltered_work")
    if view.state == "awaiting_advice":  # since patch rijk-van-nijmegen-seed-steps (not in the recorded history)
        await t.send("advice_received", actor="backend:uwv-gateway", outcome="positive")
    await t.start_work_step()
    await t.sleep(timedelta(weeks=13))
    await t.fall_back()
    await t.sleep(timedelta(weeks=5))
    await t.send("fallback_decided", actor=BUSINESS_CONSULTANT, decision="extra_instrument", instrument="job_coach")
    await t.complete_work_step()
    await t.sleep(timedelta(days=200))
    await t.send("trajectory_completed", actor=JOB_COACH, reason="stable in sheltered work")
    await t.handle.result()
    return t.handle


@recording("rijk-van-nijmegen-school-leaver-retry")
async def school_leaver_retry(env, worker):
    """A school leaver: school-meeting timers, a retried arrangement, then back to the basic arrangement."""
    t = await school_leaver_joined(env, worker, "replay-nijmegen-school-leaver")
    await t.to_development("basic_plus_self_reliance")
    await t.sleep(timedelta(weeks=8))
    await t.send("arrangement_retried", reason="started too early")
    await t.submit_plan()
    await t.agree_plan(months=6)
    await t.sleep(timedelta(days=200))
    await t.send("evaluation_completed", goals_met=False, next_step="stay")
    await t.send("withdrawn", reason="moves out of the region")
    await t.handle.result()
    return t.handle


async def remind_providers(env, worker, workflow_id: str):
    """One run of the reminder the provider-meeting Schedule starts every 8 weeks."""
    handle = await env.client.start_workflow(
        ProviderMeetingReminder.run,
        ProviderMeetingInput(region="rijk-van-nijmegen", consultant_ids=list(POLICY.provider_meeting_consultants),
                             every=timedelta(weeks=8)),
        id=workflow_id, task_queue=worker.task_queue,
    )  # fmt: skip
    await handle.result()
    return handle


@recording("rijk-van-nijmegen-provider-meeting-stand-ins")
async def provider_meeting_stand_ins(env, worker):
    """A provider-meeting reminder on the ``stand-ins`` path (``deliver_notification``; recorded before
    ``projected-deliveries``, re-recording it takes the newer path)."""
    return await remind_providers(env, worker, "provider-meeting-replay-stand-ins")


@recording("rijk-van-nijmegen-provider-meeting")
async def provider_meeting(env, worker):
    """Recorded before the ``notification-undeliverable`` patch; re-recording it takes the newer path."""
    return await remind_providers(env, worker, "provider-meeting-replay")


@recording("rijk-van-nijmegen-payments")
async def payments(env, worker):
    """Since ``payment-streams``: monthly attendance of the basic arrangement paid per half-day, the development
    arrangement paid monthly pro rata, a pause that pays nothing, a retry paid anew, the evaluation that ends it."""
    return await paid(env, worker, "replay-nijmegen-payments")


@recording("rijk-van-nijmegen-one-write-per-task")
async def one_write_per_task(env, worker):
    """The payments path since ``one-write-per-task``: each deadline's orders, ledger and audit rows in one local
    write; an accepted event's orders in its regular write after the reply."""
    return await paid(env, worker, "replay-nijmegen-one-write")


async def paid(env, worker, trajectory_id: str):
    t = await NijmegenTrajectory.begin(env, worker, trajectory_id=trajectory_id)
    await t.send("indication_requested", provider_id=PROVIDER)
    await t.case_meeting("basic_plus_wage_value")
    await t.submit_plan()
    await t.agree_plan()
    await t.sleep(timedelta(days=40))
    month = (await t.today()).replace(day=1) - timedelta(days=1)
    await t.send("attendance_reported", actor=f"backend:{PROVIDER}", month=month.isoformat()[:7], half_days=22)
    await t.sleep(timedelta(days=30))
    await t.send("arrangement_paused", reason="illness")
    await t.sleep(timedelta(days=40))
    await t.send("arrangement_resumed")
    await t.sleep(timedelta(days=50))
    await t.send("arrangement_retried", reason="started too early")
    await t.submit_plan()
    await t.agree_plan(months=6)
    await t.sleep(timedelta(days=200))
    await t.send("evaluation_completed", goals_met=True, next_step="volunteering")
    await t.handle.result()
    return t.handle


@recording("rijk-van-nijmegen-working-days")
async def working_days(env, worker):
    """Patch ``working-days-every-route``: the case meeting and plan deadlines fall due at 08:30 in Amsterdam on
    working days; the first month of the development arrangement runs to a Saturday and is paid on the Friday
    before; the arrangement pauses that Friday, so Friday and Saturday are taken back (``payment-corrections``),
    and resumes."""
    t = await NijmegenTrajectory.begin(env, worker, trajectory_id="replay-nijmegen-working-days")
    await t.send("indication_requested", provider_id=PROVIDER)
    await t.sleep(timedelta(weeks=5))
    await t.case_meeting("basic_plus_wage_value")
    await t.submit_plan()
    begin = first_day(await t.today(), lambda day: ordered_ahead(add_months(day, 1), POLICY))
    await t.sleep_until(start_of_day(begin) + timedelta(hours=11))
    await t.agree_plan()
    await t.sleep_until(start_of_day(add_months(begin, 1) - timedelta(days=2)) + timedelta(hours=11))
    await t.send("arrangement_paused", reason="illness")
    await t.sleep(timedelta(days=12))
    await t.send("arrangement_resumed")
    await t.sleep(timedelta(days=40))
    await t.send("withdrawn", reason="moves away")
    await t.handle.result()
    return t.handle


@recording("rijk-van-nijmegen-seed-steps")
async def seed_steps(env, worker):
    """Patch ``rijk-van-nijmegen-seed-steps``: a school leaver's benefit check, wage-value measurements around a
    pause, a late evaluation (its grace), UWV's advice chased then positive, a secondment, a hand-over, a switch
    to sheltered work after a fallback and a negative advice back to the basic arrangement."""
    t = await school_leaver_joined(env, worker, "replay-nijmegen-seed-steps")
    await t.send("benefit_check_completed", outcome="applied", checked_on=await t.today())
    await t.to_development("basic_plus_wage_value")
    await t.sleep(timedelta(days=100))
    await t.send("wage_value_measured", wage_value_percent=35, measured_on=await t.today())
    await t.send("arrangement_paused", reason="illness")
    await t.sleep(timedelta(days=20))
    await t.send("arrangement_resumed")
    await t.sleep(timedelta(days=300))
    await t.send("evaluation_completed", goals_met=True, next_step="sheltered_work")
    await t.sleep(timedelta(weeks=11))
    await t.send("advice_received", actor="backend:uwv-gateway", outcome="positive")
    await t.send(
        "work_step_started",
        form="trial_placement",
        employer_id="employer-dela",
        supervisor_id="supervisor-4",
        secondment=True,
        start_date=await t.today(),
    )
    await t.send("coach_reassigned", coach_id="consultant-linking-5")
    await t.fall_back()
    await t.send("fallback_decided", actor=BUSINESS_CONSULTANT, decision="switch_to_sheltered_work")
    await t.send("advice_received", actor="backend:uwv-gateway", outcome="negative")
    await t.send("withdrawn", reason="moves out of the region")
    await t.handle.result()
    return t.handle


@recording("rijk-van-nijmegen-youth-team")
async def youth_team(env, worker):
    """Patch ``rijk-van-nijmegen-youth-team``: a school leaver's benefit check falls due with the youth team,
    escalated to the team lead, then recorded; the school meeting joined and the trajectory withdrawn."""
    t = await school_leaver_joined(env, worker, "replay-nijmegen-youth-team")
    view = await t.view()
    await t.sleep_until(view.deadlines["benefit_check"] + POLICY.escalation_after)
    await t.send("benefit_check_completed", actor="youth-consultant-2", outcome="applied", checked_on=await t.today())
    await t.send("withdrawn", reason="moves out of the region")
    await t.handle.result()
    return t.handle


async def school_leaver_joined(env, worker, trajectory_id: str) -> NijmegenTrajectory:
    """A school leaver referred by a VSO/Pro school with a diploma a year ahead, who joins the school meeting
    200 days later."""
    today = (await env.get_current_time()).date()
    t = await NijmegenTrajectory.begin(
        env,
        worker,
        trajectory_id=trajectory_id,
        referral_source="vso_pro_school",
        diploma_date=(today + timedelta(days=365)).isoformat(),
    )
    await t.sleep(timedelta(days=200))
    await t.send("school_meeting_joined", joined_on=await t.today())
    return t
