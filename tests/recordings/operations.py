"""Histories of the operations changes (audit trail, undeliverable notifications), recorded for replay.

Their names start with the region they run in, as ``test_replay`` expects.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import timedelta
from pathlib import Path

from temporalio.client import WorkflowFailureError

from activities.outbox import Outbox
from domain.messages import NotificationMessage
from tests.recordings import recording
from tests.recordings.almere import permanent_until_continued
from tests.recordings.rijk_van_nijmegen import remind_providers
from tests.scenario import COACH, OTHER_COACH, Trajectory, start_in_plain_text
from worker import build_worker


async def audited_course(env, worker, trajectory_id: str):
    """Events and a deadline's notification, each audited."""
    t = await Trajectory.start(env, worker, trajectory_id=trajectory_id)
    await t.send("observation_started")
    await t.send("coach_reassigned", coach_id=OTHER_COACH)
    await t.sleep_until((await t.view()).deadlines["observation_end"])
    await t.send("withdrawn", reason="recorded")
    await t.handle.result()
    return t.handle


@recording("almere-audited")
async def audited(env, worker):
    """Under the ``audit-events`` and ``notification-undeliverable`` patches (recorded with audit rows as local
    activities; re-recording it now takes the newer paths)."""
    return await audited_course(env, worker, "replay-audited")


@recording("almere-audited-after-reply")
async def audited_after_reply(env, worker):
    """The audit rows as regular activities (``audit-events-after-reply``; recorded before the ``projection``
    patch, re-recording it now takes the newer path)."""
    return await audited_course(env, worker, "replay-audited-after-reply")


@recording("almere-projected")
async def projected(env, worker):
    """The audit rows of a workflow task written by one ``project`` activity (``projection``)."""
    return await audited_course(env, worker, "replay-projected")


class Unreachable:
    """A channel whose relay never answers."""

    name = "unreachable"

    async def deliver(self, message: NotificationMessage) -> bool:
        raise ConnectionRefusedError("relay unreachable")


@recording("almere-undeliverable-notification", own_worker=True)
async def undeliverable(env, worker):
    """A notification whose retries run out: recorded undeliverable and reported to operations (recorded before
    ``projected-deliveries``; re-recording it takes the newer path)."""
    return await undeliverable_course(env, "replay-undeliverable")


@recording("almere-undeliverable-projected", own_worker=True)
async def undeliverable_projected(env, worker):
    """The same, its audit row written by the projection (``projected-deliveries``)."""
    return await undeliverable_course(env, "replay-undeliverable-projected")


async def undeliverable_course(env, trajectory_id: str):
    root = Path(f"/tmp/record-{uuid.uuid4()}")
    async with build_worker(
        env.client, f"record-{uuid.uuid4()}", outbox=root, channel=Unreachable(), audit=f"sqlite:///{root}/audit.db"
    ) as failing:
        t = await Trajectory.start(env, failing, trajectory_id=trajectory_id)
        await t.send("coach_reassigned", coach_id=OTHER_COACH)
        await t.sleep(timedelta(hours=4))
        await t.send("withdrawn", reason="recorded")
        await t.handle.result()
    assert Outbox(root).records("undeliverable"), "the notification was reported undeliverable"
    return t.handle


@recording("almere-projected-deliveries")
async def projected_deliveries(env, worker):
    """Notifications' audit rows in the projection write, not in the notification activity (``projected-deliveries``)."""
    return await audited_course(env, worker, "replay-projected-deliveries")


@recording("rijk-van-nijmegen-provider-meeting-projected")
async def provider_meeting_projected(env, worker):
    """The reminders' audit rows in one projection write after they went out (``projected-deliveries``)."""
    return await remind_providers(env, worker, "provider-meeting-replay-projected")


@recording("rijk-van-nijmegen-provider-meeting-bounded")
async def provider_meeting_bounded(env, worker):
    """A provider-meeting reminder on the ``notification-undeliverable`` path (bounded retries; recorded before
    ``projected-deliveries``, re-recording it takes the newer path)."""
    return await remind_providers(env, worker, "provider-meeting-replay-bounded")


@recording("almere-outcome-facts")
async def outcome_facts(env, worker):
    """The start and every transition written as outcome facts in the same projection (``outcome-facts``)."""
    return await audited_course(env, worker, "replay-outcome-facts")


@recording("almere-start-not-encrypted", own_worker=True)
async def start_not_encrypted(env, worker):
    """A start whose input arrived in plain text ends at once as ``StartNotEncrypted`` (``encrypted-starts``).
    On a worker of its own: the trajectory it leaves has no view to probe."""
    root = Path(f"/tmp/record-{uuid.uuid4()}")
    async with build_worker(
        env.client, f"record-{uuid.uuid4()}", outbox=root, audit=f"sqlite:///{root}/audit.db"
    ) as own:
        handle = await start_in_plain_text(env.client, own.task_queue, "replay-start-not-encrypted")
        with contextlib.suppress(WorkflowFailureError):  # the run failed, as it should
            await env.client.get_workflow_handle(handle.id).result()
    return handle


@recording("almere-event-once-across-runs")
async def event_once_across_runs(env, worker):
    """An event retried with its Update ID after the run that applied it continued as new: answered with the view,
    not applied again (``events-once-across-runs``)."""
    t = await Trajectory.start(env, worker, trajectory_id="replay-once-across-runs")
    retried = {"event": "coach_reassigned", "actor": "backend:hr", "coach_id": OTHER_COACH}
    await t.handle.execute_update("submit_event", retried, id="backend.replay-once")
    t, _ = await permanent_until_continued(env, worker, t)
    latest = t.client.get_workflow_handle(t.handle.id)
    await latest.execute_update("submit_event", retried, id="backend.replay-once")
    await latest.execute_update("submit_event", {"event": "employment_ended", "actor": COACH, "reason": "moved away"})
    await latest.result()
    return latest
