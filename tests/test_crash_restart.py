"""Crash and restart against a real dev server on a database file, with the worker in its own process.

* The worker is killed with SIGKILL while trajectories run their activities and timers, twice, and started
  again: every trajectory carries on, and no notification, UWV request or payment is lost or doubled (each
  trajectory's view and the outbox agree exactly, and hold exactly what the route prescribes).
* The dev server is stopped and started again on the same database file: every open trajectory is still
  there with its state and deadlines, and a timer armed before the restart fires after it.

The UWV-advice deadlines are shortened to seconds with the worker's test-only policy overrides
(``TRAJECTORIES_POLICY_OVERRIDES``, see ``domain/policy.py``): real timers, firing while a test watches.
Marked ``crash``: run by ``.ci/run`` as its own step (``pytest -m crash``), not by a plain ``pytest``.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from domain.records import TrajectoryView
from tests import amsterdam_steps
from tests.processes import DevServer, WorkerProcess
from tests.scenario import OTHER_COACH, STARTED, Trajectory
from trajectories.audit import read_trail

pytestmark = pytest.mark.crash

ANSWER_WITHIN, ESCALATE_AFTER = 6, 4  # seconds, instead of 8 and 2 weeks
# Deadlines seconds apart cannot fall at the start of a working day: working days off for these workers.
OVERRIDES = json.dumps({"almere": {"uwv_answer_within": f"PT{ANSWER_WITHIN}S", "uwv_escalation_after": f"PT{ESCALATE_AFTER}S",
                                   "working_days": None}})  # fmt: skip
TEAM_LEAD = "almere-advisor-1"  # Almere escalates to the other advisor; a coach outside the pair to the first


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple[DevServer, Client]]:
    dev = DevServer(tmp_path / "temporal.db")
    client = await dev.start()
    try:
        yield dev, client
    finally:
        STARTED.clear()  # this server goes away with its trajectories
        dev.stop()


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:g}s: {what}")
        await asyncio.sleep(0.5)


async def task_failures(handle: WorkflowHandle[Any, Any]) -> list[Any]:
    """Failed workflow tasks: a crash may time a task out, but our code must never fail one."""
    return [e async for e in handle.fetch_history_events() if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]


def outbox_ids(outbox: Path, kind: str) -> Counter[str]:
    """Record ids in the outbox, from the records themselves (not their file names)."""
    folder = outbox / kind
    return Counter(json.loads(p.read_text())["id"] for p in folder.glob("*.json")) if folder.exists() else Counter()


async def almere_course(t: Trajectory) -> None:
    """Observation, then awaiting UWV's advice (a UWV request, and a timer), and a new coach (a notification)."""
    await t.send("observation_started")
    await t.send("observation_completed", potential=True, motivated=True, hours_per_week=32)
    await t.send("coach_reassigned", coach_id=OTHER_COACH)


async def amsterdam_course(t: Trajectory) -> None:
    """Into paid work: the one-off job-coaching payment is ordered at once."""
    await amsterdam_steps.to_employed(t)


async def test_worker_killed_in_the_middle_carries_on_without_loss_or_doubles(server, tmp_path: Path) -> None:
    dev, client = server
    queue, outbox = f"crash-{uuid.uuid4().hex[:8]}", tmp_path / "outbox"
    worker = WorkerProcess(dev.address, queue, outbox, policy_overrides=OVERRIDES)
    audit_url = worker.env["TRAJECTORIES_AUDIT_URL"] = f"sqlite:///{tmp_path / 'audit.db'}"
    env, on_queue = WorkflowEnvironment.from_client(client), SimpleNamespace(task_queue=queue)
    worker.start()
    try:
        almere = [await Trajectory.start(env, on_queue, region="almere") for _ in range(12)]
        amsterdam = [await Trajectory.start(env, on_queue, region="amsterdam") for _ in range(8)]
        courses = [asyncio.create_task(almere_course(t)) for t in almere]
        courses += [asyncio.create_task(amsterdam_course(t)) for t in amsterdam]

        # Kill as soon as the first side effect is out: events, activities and workflow tasks in full swing.
        deadline = time.monotonic() + 60
        while not any((outbox / kind).glob("*.json") for kind in ("uwv-advice-requests", "payments")):
            assert time.monotonic() < deadline, "no side effect within 60 s"
            await asyncio.sleep(0.02)
        worker.kill()
        assert not all(c.done() for c in courses), "the crash must hit trajectories in the middle of their course"
        await asyncio.sleep(2)
        worker.start()
        await asyncio.wait_for(asyncio.gather(*courses), 120)

        # Kill again while the UWV-advice timers run out (some fired, some escalations still pending).
        await asyncio.sleep(ANSWER_WITHIN - 1)
        worker.kill()
        await asyncio.sleep(ESCALATE_AFTER)
        worker.start()

        async def all_overdue_notified() -> bool:
            views = [await t.view() for t in almere]
            return all(len([n for n in v.notifications if n.kind == "uwv_advice_overdue"]) == 2 for v in views)

        # An activity running in the killed worker is retried after its 30 s start-to-close timeout.
        await eventually(all_overdue_notified, 90, "every UWV-advice timer and its escalation fired and notified")
        await asyncio.sleep(1)

        views = {t.handle.id: await t.view() for t in [*almere, *amsterdam]}
        for t in almere:
            view = views[t.handle.id]
            assert view.state == "awaiting_advice" and view.coach_id == OTHER_COACH
            assert Counter((n.kind, n.recipient) for n in view.notifications) == Counter(
                {("trajectory_assigned", OTHER_COACH): 1, ("uwv_advice_overdue", OTHER_COACH): 1,
                 ("uwv_advice_overdue", TEAM_LEAD): 1}
            )  # fmt: skip
        for t in amsterdam:
            view = views[t.handle.id]
            assert view.state == "employed"
            assert [p.kind for p in view.payments] == ["job_coaching"]

        # The outbox holds exactly what the views recorded: each record once, none lost, none extra.
        notified = Counter(n.id for v in views.values() for n in v.notifications)
        paid = Counter(p.id for v in views.values() for p in v.payments)
        assert outbox_ids(outbox, "notifications") == notified and max(notified.values()) == 1
        assert outbox_ids(outbox, "payments") == paid and max(paid.values()) == 1
        uwv = outbox_ids(outbox, "uwv-advice-requests")
        # Both courses ask UWV for its sheltered-work advice, once.
        assert sorted(i.rsplit(":", 1)[0] for i in uwv) == sorted(t.handle.id for t in [*almere, *amsterdam])
        assert max(uwv.values()) == 1
        for t in [*almere, *amsterdam]:
            assert not await task_failures(t.handle)

        # The audit trail holds every accepted event and every notification exactly once: the unique key makes
        # a retried write a no-op, and nothing written before a kill is lost.
        async def audit_complete() -> bool:
            for workflow_id, view in views.items():
                rows = read_trail(workflow_id, audit_url)
                events = [r.name for r in rows if r.kind == "event"]
                notes = Counter(r.key for r in rows if r.kind == "notification")
                if events != [h.event for h in view.history] or notes != Counter(n.id for n in view.notifications):
                    return False
            return True

        await eventually(audit_complete, 30, "the audit trail matches the views, row for row")
    finally:
        worker.kill()


async def test_server_restart_keeps_open_trajectories_and_their_timers(server, tmp_path: Path) -> None:
    dev, client = server
    queue, outbox = f"restart-{uuid.uuid4().hex[:8]}", tmp_path / "outbox"
    # The answer is due 20 s after the request: the restart below happens in between.
    overrides = json.dumps(
        {"almere": {"uwv_answer_within": "PT20S", "uwv_escalation_after": "PT600S", "working_days": None}}
    )
    worker = WorkerProcess(dev.address, queue, outbox, policy_overrides=overrides)
    env, on_queue = WorkflowEnvironment.from_client(client), SimpleNamespace(task_queue=queue)
    worker.start()
    try:
        waiting = [await Trajectory.start(env, on_queue, region="almere") for _ in range(5)]
        observed = [await Trajectory.start(env, on_queue, region="almere") for _ in range(3)]
        for t in waiting:
            await t.send("observation_started")
            await t.send("observation_completed", potential=True, motivated=True, hours_per_week=32)
        for t in observed:
            await t.send("observation_started", period_weeks=6)
        before: dict[str, TrajectoryView] = {t.handle.id: await t.view() for t in [*waiting, *observed]}
        armed_at = time.monotonic()

        worker.kill()
        dev.stop()
        client = await dev.start()  # the same database file
        worker.start()

        assert time.monotonic() - armed_at < 18, "the restart must come before the timer is due"
        query = f'TaskQueue = "{queue}" AND ExecutionStatus = "Running"'

        async def all_listed() -> bool:
            return (await client.count_workflows(query)).count == len(before)

        await eventually(all_listed, 30, "every open trajectory is listed after the restart")
        for workflow_id, earlier in before.items():
            now = await client.get_workflow_handle(workflow_id).query("view", result_type=TrajectoryView)
            assert (now.state, now.deadlines, now.history) == (earlier.state, earlier.deadlines, earlier.history)

        async def all_fired() -> bool:
            for t in waiting:
                view = await client.get_workflow_handle(t.handle.id).query("view", result_type=TrajectoryView)
                if [n.kind for n in view.notifications] != ["uwv_advice_overdue"]:
                    return False
            return True

        await eventually(all_fired, 60, "the UWV-advice timer armed before the restart fired after it")
        for t in observed:  # the 6-week observation timer is still armed, and nothing fired early
            view = await client.get_workflow_handle(t.handle.id).query("view", result_type=TrajectoryView)
            assert view.deadlines == before[t.handle.id].deadlines and not view.notifications
        assert len(outbox_ids(outbox, "notifications")) == len(waiting)
        for workflow_id in before:
            assert not await task_failures(client.get_workflow_handle(workflow_id))
    finally:
        worker.kill()
