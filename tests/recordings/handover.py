"""The caseload hand-over's history, recorded for replay (it is a workflow like the routes: changes need patches)."""

from __future__ import annotations

from tests.recordings import recording
from tests.scenario import STARTED, Trajectory
from trajectories.handover import HandoverOrder, request_for, start_handover


@recording("caseload-handover")
async def handover(env, worker):
    """Two Almere trajectories reassigned and an Oss one (by ``consultant_assigned``: Oss names owners per role)."""
    for suffix in ("a", "b"):
        await Trajectory.start(env, worker, trajectory_id=f"replay-handover-{suffix}", coach_id="coach-recorded")
    await Trajectory.start(
        env,
        worker,
        region="oss",
        trajectory_id="replay-handover-oss",
        coach_id="coach-recorded",
        participant={"has_benefit": True, "age_band": "28_plus", "hours_per_week": 32},  # the starter owns it
    )
    order = HandoverOrder(to_coach="coach-bram", actor="almere-team-lead", handover_id="replay-handover")
    handle = await start_handover(env.client, request_for("coach-recorded", order), task_queue=worker.task_queue)
    STARTED.append(handle)
    progress = await handle.result()
    assert (progress.reassigned, len(progress.not_reassigned)) == (3, 0), progress
    return handle
