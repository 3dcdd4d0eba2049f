"""Almere's main paths, recorded for replay."""

from __future__ import annotations

from datetime import timedelta

from tests.recordings import recording
from tests.scenario import Trajectory


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
