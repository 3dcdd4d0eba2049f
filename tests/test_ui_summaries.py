"""Staff read a trajectory in the Temporal UI without opening payloads: every timer, activity and local
activity in a recorded history carries a summary, and every trajectory starts with a static summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def events(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["history"]["events"]


def refused_start(path: Path) -> bool:
    """A start another client sent in plain text, refused in its first task: neither its summary nor its (absent)
    timers and activities are this project's."""
    failed = events(path)[-1].get("workflowExecutionFailedEventAttributes", {})
    return failed.get("failure", {}).get("applicationFailureInfo", {}).get("type") == "StartNotEncrypted"


HISTORIES = [path for path in sorted((Path(__file__).parent / "histories").glob("*.json")) if not refused_start(path)]


def local_activity(event: dict) -> bool:
    marker = event.get("markerRecordedEventAttributes", {})
    return event["eventType"] == "EVENT_TYPE_MARKER_RECORDED" and marker.get("markerName") == "core_local_activity"


def needs_summary(event: dict, previous: dict) -> bool:
    kind = event["eventType"]
    if kind == "EVENT_TYPE_TIMER_STARTED":
        return not local_activity(previous)  # the SDK's backoff timer between a local activity's retries
    return kind == "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED" or local_activity(event)


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
def test_timers_and_activities_carry_summaries(path: Path):
    recorded = events(path)
    without = [
        event["eventId"]
        for previous, event in zip(recorded, recorded[1:], strict=False)
        if needs_summary(event, previous) and "summary" not in event.get("userMetadata", {})
    ]
    assert any(needs_summary(e, p) for p, e in zip(recorded, recorded[1:], strict=False))
    assert not without, f"events without a summary: {without}"


def fresh_trajectory(path: Path) -> bool:
    """A trajectory's first run: continued runs (continue-as-new cannot carry a static summary; their current
    details say the same) and scheduled reminders have none."""
    attributes = events(path)[0]["workflowExecutionStartedEventAttributes"]
    return attributes["workflowType"]["name"].endswith("Trajectory") and not attributes.get("continuedExecutionRunId")


TRAJECTORY_STARTS = [path for path in HISTORIES if fresh_trajectory(path)]


@pytest.mark.parametrize("path", TRAJECTORY_STARTS, ids=[p.stem for p in TRAJECTORY_STARTS])
def test_trajectories_start_with_a_static_summary(path: Path):
    started = events(path)[0]
    assert "summary" in started.get("userMetadata", {})
