"""The contract other services rely on: IDs, duplicate starts, rejected events, search attributes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pydantic import ValidationError
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError

from tests.scenario import Trajectory, start_input
from trajectories.client import start_trajectory
from workflows.contract import COACH_ID, MATCH_ATTEMPTS, NEXT_DEADLINE, REGION, TRAJECTORY_STATE


async def history_events(t: Trajectory) -> list[Any]:
    return list((await t.handle.fetch_history()).events)


WORKFLOW_TASK_EVENTS = {
    EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
}


async def rejected(t: Trajectory, event: str, **fields) -> ApplicationError:
    """Send an event that must be refused; on the dev server, check that nothing of it entered history.

    The server drops the workflow task that ran a rejecting validator, unless the last task's command events
    exceed its ``DiscardSpeculativeWorkflowTaskMaximumEventsCount`` (a run's first task, with its patch markers
    and a local write, does): then it keeps that task's three workflow-task events, which carry nothing of the
    refused event. So: no other event may appear, and none of the Update's (admitted, accepted, completed)."""
    await t.settle()  # the effects of earlier events (notifications, audit rows) have run
    before = await history_events(t)
    with pytest.raises(WorkflowUpdateFailedError) as failure:
        await t.send(event, **fields)
    after = await history_events(t)
    assert after[: len(before)] == before
    added = [item.event_type for item in after[len(before) :]]
    assert set(added) <= WORKFLOW_TASK_EVENTS, f"a rejected event leaves no trace in history: {added}"
    assert len(added) in (0, 3), added
    cause = failure.value.cause
    assert isinstance(cause, ApplicationError)
    return cause


async def test_workflow_id_and_duplicate_start_refused(dev_env, dev_worker):
    t = await Trajectory.start(dev_env, dev_worker, trajectory_id="dup-check-1")
    assert t.handle.id == "trajectory-almere-dup-check-1"
    with pytest.raises(WorkflowAlreadyStartedError):
        await start_trajectory(dev_env.client, "almere", start_input("dup-check-1"), task_queue=dev_worker.task_queue)
    await t.send("withdrawn", reason="testing a closed id")
    await t.handle.result()
    with pytest.raises(WorkflowAlreadyStartedError):  # not even after it closed
        await start_trajectory(dev_env.client, "almere", start_input("dup-check-1"), task_queue=dev_worker.task_queue)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"participant_ref": "123456782"}, "participant_ref"),
        ({"participant_ref": "Jan Jansen"}, "participant_ref"),
        ({"trajectory_id": "Has Spaces"}, "trajectory_id"),
        ({"referral_source": "newspaper"}, "referral_source"),
        ({"participant": {"has_benefit": True, "hours_per_week": 30}}, "participant"),
        ({"coach_id": ""}, "coach_id"),
        ({"surprise": 1}, "surprise"),
    ],
)
async def test_invalid_start_is_refused_before_temporal(dev_env, dev_worker, overrides, field):
    with pytest.raises(ValidationError) as error:
        await start_trajectory(dev_env.client, "almere", start_input(**overrides), task_queue=dev_worker.task_queue)
    assert field in str(error.value)


async def test_unknown_event_lists_the_route_events(dev_env, dev_worker):
    t = await Trajectory.start(dev_env, dev_worker)
    cause = await rejected(t, "teleported")
    assert cause.type == "EventUnknown"
    assert "unknown event 'teleported'" in cause.message and "observation_started" in cause.message


async def test_event_not_allowed_now_lists_the_allowed_events(dev_env, dev_worker):
    t = await Trajectory.start(dev_env, dev_worker)
    cause = await rejected(t, "contract_signed", start_date="2026-01-01", end_date="2027-01-01", hours_per_week=30)
    assert cause.type == "EventNotAllowed"
    allowed = ["observation_started", "hours_recorded", "school_internship_assessed", "neighbourhood_team_referred",
               "coach_reassigned", "withdrawn"]  # fmt: skip
    assert f"allowed events: {', '.join(allowed)}" in cause.message
    assert cause.details[0]["allowed_events"] == allowed


async def test_invalid_fields_are_named(dev_env, dev_worker):
    t = await Trajectory.start(dev_env, dev_worker)
    await t.to_trial()
    await t.send("wage_value_assessed", wage_value_percent=55)
    today = await t.today()
    cause = await rejected(
        t,
        "contract_signed",
        start_date=today,
        end_date=today.replace(month=12, day=31) if today.month < 12 else today,
        hours_per_week=20,
    )
    assert cause.type == "EventInvalid"
    assert "field 'end_date'" in cause.message and "field 'hours_per_week'" in cause.message
    assert set(cause.details[0]["fields"]) == {"end_date", "hours_per_week"}

    cause = await rejected(t, "trial_extended", weeks=6)
    assert "field 'weeks'" in cause.message and "at most 4 weeks" in cause.message
    cause = await rejected(t, "wage_value_assessed", wage_value_percent="a lot")
    assert "field 'wage_value_percent'" in cause.message
    cause = await rejected(t, "wage_value_assessed", wage_value_percent=50, actor="")
    assert "field 'actor'" in cause.message
    cause = await rejected(t, "wage_value_assessed", wage_value_percent=50, bsn="123456782")
    assert "field 'bsn'" in cause.message and "Extra inputs are not permitted" in cause.message
    assert (await t.view()).state == "trial"


async def test_second_extension_is_refused(dev_env, dev_worker):
    t = await Trajectory.start(dev_env, dev_worker)
    await t.to_trial()
    await t.send("trial_extended", weeks=2)
    cause = await rejected(t, "trial_extended", weeks=1)
    assert cause.type == "EventNotAllowed" and "trial_extended" not in cause.details[0]["allowed_events"]


async def test_search_attributes_follow_the_trajectory(dev_env, dev_worker):
    t = await Trajectory.start(dev_env, dev_worker, coach_id="coach-visible")
    view = await t.to_trial()
    description = await t.handle.describe()
    attributes = description.typed_search_attributes
    assert attributes[REGION] == "almere" and attributes[TRAJECTORY_STATE] == "trial"
    assert attributes[COACH_ID] == "coach-visible" and attributes[MATCH_ATTEMPTS] == 1
    assert attributes[NEXT_DEADLINE] == min(view.deadlines.values())
    query = 'Region = "almere" AND TrajectoryState = "trial" AND CoachId = "coach-visible"'
    for _ in range(50):  # visibility is eventually consistent
        found = [w.id async for w in dev_env.client.list_workflows(query)]
        if found:
            break
        await asyncio.sleep(0.1)
    assert found == [t.handle.id]
    assert "ref-" not in str([pair.value for pair in attributes]), "no participant reference in visibility"


async def test_state_is_searchable_after_an_event_without_side_effects(dev_env, dev_worker):
    """permanent_contract_signed queues nothing and keeps the next deadline: the state must still be published."""
    t = await Trajectory.start(dev_env, dev_worker)
    await t.to_employed()
    await asyncio.sleep(0.5)
    await t.send("permanent_contract_signed", start_date=await t.today())
    attributes = (await t.handle.describe()).typed_search_attributes
    assert attributes[TRAJECTORY_STATE] == "permanent"
