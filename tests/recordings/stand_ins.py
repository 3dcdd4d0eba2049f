"""A notification diverted to a stand-in during the coach's absence, recorded for replay (patch ``stand-ins``)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

from domain.absences import AMSTERDAM, AbsenceRequest
from tests.recordings import recording
from tests.scenario import Trajectory
from trajectories import absences
from worker import build_worker


@recording("almere-stand-in", own_worker=True)
async def stand_in(env, worker):
    """The observation's end falls in coach-anna's absence: coach-bram is notified for her; then she is again
    (recorded before ``projected-deliveries``; re-recording it takes the newer path)."""
    return await stand_in_course(env, "replay-stand-in")


@recording("almere-stand-in-projected", own_worker=True)
async def stand_in_projected(env, worker):
    """The same, the deliveries' audit rows written by the projection (``projected-deliveries``)."""
    return await stand_in_course(env, "replay-stand-in-projected")


async def stand_in_course(env, trajectory_id: str):
    root = Path(f"/tmp/record-{uuid.uuid4()}")
    url = f"sqlite:///{root}/records.db"
    async with build_worker(env.client, f"record-{uuid.uuid4()}", outbox=root, audit=url) as own:
        t = await Trajectory.start(env, own, trajectory_id=trajectory_id)
        due = (await t.send("observation_started")).deadlines["observation_end"]
        day = due.astimezone(AMSTERDAM).date()
        absences.add("coach-anna", AbsenceRequest(first_day=day, last_day=day, stand_in="coach-bram"), url=url)
        await t.sleep_until(due)
        await t.send("observation_completed", potential=True, motivated=True, hours_per_week=32)
        await t.sleep_until((await t.view()).deadlines["uwv_advice"])
        await t.sleep(timedelta(hours=1))
        view = await t.view()
        assert [(n.recipient, n.stand_in_for) for n in view.notifications] == [
            ("coach-bram", "coach-anna"),
            ("coach-anna", None),
        ], view.notifications
        await t.send("withdrawn", reason="recorded")
        await t.handle.result()
    return t.handle
