"""Every recorded history replays against the current workflow code: running trajectories survive a deploy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from service import encryption
from tests.record_histories import recording_keys
from tests.recordings import load_all
from worker import workflow_runner
from workflows import SCHEDULED_WORKFLOWS, SERVICE_WORKFLOWS, WORKFLOWS

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def recorded(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def replayer() -> Replayer:
    """Replays through the production codec: encrypted histories decode with the recording key, histories
    recorded before encryption pass through it untouched."""
    return Replayer(
        workflows=[*WORKFLOWS.values(), *SCHEDULED_WORKFLOWS, *SERVICE_WORKFLOWS],
        data_converter=encryption.data_converter(recording_keys()),
        workflow_runner=workflow_runner(),
    )


def test_histories_are_recorded_for_every_region():
    """Each region key prefixes at least one history's name (``<key>-<scenario>.json``); keys may hold dashes."""
    missing = {key for key in WORKFLOWS if not any(path.stem.startswith(f"{key}-") for path in HISTORIES)}
    assert not missing, f"no recorded history for {sorted(missing)}"


def test_every_recording_scenario_has_its_history():
    """A scenario in tests/recordings without its JSON was never recorded: record it (and only it)."""
    missing = set(load_all()) - {path.stem for path in HISTORIES}
    assert not missing, f"record them: python -m tests.record_histories {' '.join(sorted(missing))}"


def test_histories_cover_every_workflow_type_and_continue_as_new():
    """Long trajectories continue as new: a run that does so and a run started from a continuation are kept,
    and the reminder the provider-meeting Schedule starts is replayed like the routes."""
    histories = [recorded(path)["history"]["events"] for path in HISTORIES]
    types = {events[0]["workflowExecutionStartedEventAttributes"]["workflowType"]["name"] for events in histories}
    assert types >= {cls.__name__ for cls in [*WORKFLOWS.values(), *SCHEDULED_WORKFLOWS]}
    assert any(events[-1]["eventType"] == "EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW" for events in histories)
    assert any(
        events[0]["workflowExecutionStartedEventAttributes"].get("continuedExecutionRunId") for events in histories
    )


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_replay(path: Path):
    history = WorkflowHistory.from_json(recorded(path)["workflow_id"], recorded(path)["history"])
    await replayer().replay_workflow(history)


async def test_a_change_in_the_commands_fails_replay():
    """The guard itself: a history whose first activity was of another type no longer matches the code."""
    data = recorded(Path(__file__).parent / "histories" / "almere-three-failed-trials.json")
    scheduled = next(e for e in data["history"]["events"] if e["eventType"] == "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED")
    scheduled["activityTaskScheduledEventAttributes"]["activityType"]["name"] = "renamed_activity"
    with pytest.raises(NondeterminismError):
        await replayer().replay_workflow(WorkflowHistory.from_json(data["workflow_id"], data["history"]))
