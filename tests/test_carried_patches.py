"""A run that continues as new hands its patches to the next run (patch ``carried-patches``): the continued run
records no patch marker (nor the SDK's ``TemporalChangeVersion`` upsert) for what the trajectory had, and keeps
behaving as it did: its fees are still ordered by the one local write of each wake-up, at their exact moments."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from temporalio.api.history.v1 import HistoryEvent

from domain.dates import start_of_day
from domain.payments import local_date
from domain.policy import override_policies
from domain.regions import policies
from tests.scenario import Trajectory, working_due
from tests.test_task_writes import at, kind, local_activities
from workflows.patches import PATCH_BASELINE, PATCH_BASELINE_PATCH


def patch_markers(events: list[HistoryEvent]) -> list[str]:
    """The patch ids of the markers in ``events`` (the SDK writes them as plain JSON)."""
    return [
        json.loads(event.marker_recorded_event_attributes.details["patch-data"].payloads[0].data)["id"]
        for event in events
        if kind(event) == "marker_recorded" and event.marker_recorded_event_attributes.marker_name == "core_patch"
    ]


def version_upserts(events: list[HistoryEvent]) -> int:
    return sum(
        1
        for event in events
        if kind(event) == "upsert_workflow_search_attributes"
        and "TemporalChangeVersion"
        in event.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields
    )


@pytest.fixture
def continuing_sooner():
    """A lower continue-as-new threshold: since ``payments-ordered-ahead`` a permanent contract wakes twice a year,
    and 250 events take decades."""
    override_policies({"almere": {"history_events_before_continue_as_new": 90}}, policies())
    yield
    override_policies({}, policies())


async def test_a_continued_run_takes_the_patches_it_had_without_asking_again(env, worker, continuing_sooner):
    t = await Trajectory.start(env, worker, trajectory_id=f"carry-{uuid.uuid4().hex[:8]}")
    await t.to_employed()
    await t.send("permanent_contract_signed", start_date=await t.today())
    first_run = (await t.handle.describe()).run_id
    latest = t.client.get_workflow_handle(t.handle.id)
    for _ in range(4 * 6):  # a quarter per call: a year of monthly orders in one call can outlast the RPC deadline
        await t.sleep(timedelta(days=365) / 4)
        if (await latest.describe()).run_id != first_run:
            break
    continued = (await latest.describe()).run_id
    assert continued != first_run, "the trajectory never continued as new"
    first = [e async for e in t.client.get_workflow_handle(t.handle.id, run_id=first_run).fetch_history_events()]
    had = set(patch_markers(first))
    assert PATCH_BASELINE_PATCH in had, "one marker for the baseline's patches (projection, carried-patches, …)"
    assert not had & PATCH_BASELINE, "none of its own for a patch of the baseline"
    assert kind(first[-1]) == "workflow_execution_continued_as_new"

    # The next wake-up in the continued run orders the next fees (ahead) by the run's one local write.
    t.handle = latest
    due = min((await t.view()).deadlines.values())
    await t.sleep_until(due)
    next_run = [e async for e in t.client.get_workflow_handle(t.handle.id, run_id=continued).fetch_history_events()]
    assert not had & set(patch_markers(next_run)), "no marker again for a patch the trajectory had"
    assert version_upserts(next_run) == len(patch_markers(next_run))
    fee, *_ = [p for p in (await t.view()).payments if p.kind == "supervision_fee" and p.at >= due]
    assert timedelta(0) <= fee.at - due < timedelta(seconds=1) and fee.due >= local_date(due)
    assert fee.due == working_due(start_of_day(fee.period_end + timedelta(days=1)), "payment:supervision_fee").date()
    woken = [e for e in next_run if due <= at(e) < due + timedelta(seconds=1)]
    written = local_activities(woken)  # a visit due at the same moment is delivered first
    assert written[-1:] == ["order_and_try_project"] and set(written[:-1]) <= {"deliver_only"}
