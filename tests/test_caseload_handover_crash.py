"""A hand-over of 200 trajectories survives a worker killed mid-way: each is reassigned exactly once.

Real dev server (real visibility lists the caseload) and the worker in its own process, killed with SIGKILL
while the hand-over is working through the list. Marked ``crash`` (run by ``.ci/run``'s crash step).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.processes import DevServer, WorkerProcess
from tests.scenario import STARTED, Trajectory
from tests.test_crash_restart import eventually, outbox_ids, task_failures
from trajectories.audit import read_trail
from trajectories.handover import HandoverOrder, progress, request_for, start_handover

pytestmark = pytest.mark.crash

CASELOAD = 200
LEAD = "almere-team-lead"


@pytest.fixture
async def server(tmp_path: Path):
    dev = DevServer(tmp_path / "temporal.db")
    client = await dev.start()
    try:
        yield client
    finally:
        STARTED.clear()
        dev.stop()


async def test_handover_of_200_survives_a_worker_kill_and_reassigns_each_exactly_once(server, tmp_path: Path) -> None:
    client = server
    queue, outbox = f"handover-{uuid.uuid4().hex[:8]}", tmp_path / "outbox"
    worker = WorkerProcess(client.service_client.config.target_host, queue, outbox)
    audit_url = worker.env["TRAJECTORIES_AUDIT_URL"] = f"sqlite:///{tmp_path / 'audit.db'}"
    env, on_queue = WorkflowEnvironment.from_client(client), SimpleNamespace(task_queue=queue)
    leaving, taking = "coach-leaving", "coach-taking"
    worker.start()
    try:
        caseload = [await Trajectory.start(env, on_queue, coach_id=leaving) for _ in range(CASELOAD)]
        query = f'CoachId = "{leaving}" AND ExecutionStatus = "Running"'

        async def all_listed() -> bool:
            return (await client.count_workflows(query)).count == CASELOAD

        await eventually(all_listed, 30, "visibility lists the whole caseload")

        request = request_for(leaving, HandoverOrder(to_coach=taking, actor=LEAD))
        handle = await start_handover(client, request, task_queue=queue)

        # Kill the worker once the hand-over is well under way, but far from done.
        deadline = time.monotonic() + 120
        while True:
            assert time.monotonic() < deadline, "the hand-over did not get going within 120 s"
            seen = await progress(client, request.handover_id, rpc_timeout=timedelta(seconds=5))
            if seen.reassigned >= CASELOAD // 4:
                break
            await asyncio.sleep(0.05)
        worker.kill()
        assert seen.reassigned < CASELOAD, "the kill must hit the hand-over in the middle"
        await asyncio.sleep(2)
        worker.start()

        # An activity running in the killed worker is retried after its 30 s start-to-close timeout.
        done = await asyncio.wait_for(handle.result(), 180)
        assert (done.status, done.total, done.reassigned, done.not_reassigned) == ("done", CASELOAD, CASELOAD, [])
        assert not await task_failures(handle)

        views = {t.handle.id: await t.view() for t in caseload}
        for workflow_id, view in views.items():
            assert view.coach_id == taking, workflow_id
            assert Counter(h.event for h in view.history)["coach_reassigned"] == 1, workflow_id
            assert [n.recipient for n in view.notifications if n.kind == "trajectory_assigned"] == [taking]
        for t in caseload:
            assert not await task_failures(t.handle)
        assert (
            len(outbox_ids(outbox, "notifications")) == CASELOAD
            and max(outbox_ids(outbox, "notifications").values()) == 1
        )

        # Each reassignment has its audit row, once, naming the hand-over's Update.
        async def audited_once() -> bool:
            for workflow_id in views:
                rows = [r for r in read_trail(workflow_id, audit_url) if r.name == "coach_reassigned"]
                if len(rows) != 1 or request.handover_id not in rows[0].origin:
                    return False
            return True

        await eventually(audited_once, 30, "one audit row per reassignment")
    finally:
        worker.kill()
