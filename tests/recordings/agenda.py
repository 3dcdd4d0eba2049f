"""Working days, NextDeadlineKind and the agenda projection, and the weekly agenda digest, recorded for replay."""

from __future__ import annotations

import uuid
from datetime import timedelta

from tests.recordings import recording
from tests.scenario import Trajectory
from workflows.agenda_digest import AgendaDigest, DigestInput


async def trial_from_a_saturday(env, worker, trajectory_id: str) -> Trajectory:
    t = await Trajectory.start(env, worker, trajectory_id=trajectory_id)
    await t.to_seeking_placement()
    today = await t.today()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    await t.send("trial_started", employer_id="employer-jungle", start_date=saturday)
    return t


@recording("almere-working-days")
async def working_days(env, worker):
    """Deadlines at 08:30 on Amsterdam working days (``working-days``), ``NextDeadlineKind`` set when it changes
    (``next-deadline-kind``) and the open deadlines projected into the agenda (``agenda``): a trial that starts on
    a Saturday, its week-6 assessment moved to the Monday and notified then, the trial extended (its end moves),
    then withdrawn (the agenda is emptied)."""
    t = await trial_from_a_saturday(env, worker, "replay-working-days")
    view = await t.view()
    await t.sleep_until(view.deadlines["wage_value_assessment"])
    await t.send("trial_extended", weeks=2)
    await t.sleep(timedelta(days=1))
    await t.send("withdrawn", reason="recorded")
    await t.handle.result()
    return t.handle


@recording("agenda-digest")
async def digest(env, worker):
    """The Monday digest: the week's agenda read through an activity, one notification per person."""
    t = await trial_from_a_saturday(env, worker, "replay-agenda-digest")
    view = await t.view()
    await t.sleep_until(view.deadlines["wage_value_assessment"] - timedelta(days=3), plus=timedelta(0))
    handle = await env.client.start_workflow(
        AgendaDigest.run, DigestInput(days=7), id=f"agenda-digest-{uuid.uuid4().hex[:8]}", task_queue=worker.task_queue
    )
    await handle.result()
    return handle
