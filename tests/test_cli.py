"""The ``trajectories`` command against the time-skipping test server: start, event, show, and its errors."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest

from domain.records import TrajectoryView
from tests.cli_runner import point_at, run
from tests.scenario import COACH, STARTED, start_input
from trajectories.api.server import bind
from trajectories.client import handle_for, start_trajectory


@pytest.fixture
def cli(env, worker, monkeypatch):
    point_at(monkeypatch, env.client, worker.task_queue)


@pytest.fixture
async def started(env, cli, capsys, tmp_path) -> str:
    """A trajectory started with ``trajectories start almere FILE``; its id."""
    body = start_input()
    path = tmp_path / "start.json"
    path.write_text(json.dumps(body))
    result = await run(capsys, "start", "almere", str(path))
    assert result.code == 0, result.err
    assert result.out.strip() == f"started trajectory-almere-{body['trajectory_id']}"
    STARTED.append(handle_for(env.client, "almere", body["trajectory_id"]))
    return body["trajectory_id"]


async def test_start_twice_is_refused(started, capsys, tmp_path):
    path = tmp_path / "again.json"
    path.write_text(json.dumps(start_input(started)))
    result = await run(capsys, "start", "almere", str(path))
    assert result.code == 1 and "TrajectoryAlreadyStarted" in result.err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (json.dumps(start_input(participant_ref="123456782")), "field 'participant_ref'"),
        (json.dumps(start_input(referral_source="newspaper")), "field 'referral_source'"),
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
    ],
)
async def test_invalid_start_names_the_problem(cli, capsys, tmp_path, content, expected):
    path = tmp_path / "start.json"
    path.write_text(content)
    result = await run(capsys, "start", "almere", str(path))
    assert result.code == 2 and expected in result.err and result.out == ""


async def test_missing_file_is_invalid_input(cli, capsys, tmp_path):
    result = await run(capsys, "start", "almere", str(tmp_path / "nowhere.json"))
    assert result.code == 2 and "cannot read the start input file" in result.err


async def told(env, trajectory_id: str, recipient: str) -> TrajectoryView:
    """The view once ``recipient`` was notified (an activity): a test ends with nothing in flight."""
    for _ in range(100):
        view = await handle_for(env.client, "almere", trajectory_id).query("view", result_type=TrajectoryView)
        if recipient in [note.recipient for note in view.notifications]:
            return view
        await asyncio.sleep(0.05)
    raise AssertionError(f"{recipient} was not told: {view.notifications}")


async def test_events_inline_and_from_a_file(env, started, capsys, tmp_path):
    result = await run(capsys, "event", "almere", started, json.dumps({"event": "observation_started", "actor": COACH}))
    assert result.code == 0, result.err
    assert "is now observation" in result.out and "allowed events: observation_completed" in result.out

    path = tmp_path / "event.json"
    path.write_text(json.dumps({"event": "coach_reassigned", "actor": COACH, "coach_id": "coach-bram"}))
    result = await run(capsys, "event", "almere", started, str(path), "--json")
    assert result.code == 0, result.err
    assert TrajectoryView.model_validate_json(result.out).coach_id == "coach-bram"
    await told(env, started, "coach-bram")


async def test_rejected_events_exit_non_zero_naming_what_is_wrong(started, capsys):
    not_now = await run(
        capsys, "event", "almere", started, '{"event": "trial_extended", "actor": "coach-anna", "weeks": 2}'
    )
    assert not_now.code == 1
    assert "EventNotAllowed" in not_now.err
    assert "allowed events now: observation_started, hours_recorded, school_internship_assessed" in not_now.err

    invalid = await run(capsys, "event", "almere", started, '{"event": "coach_reassigned", "actor": "coach-anna"}')
    assert invalid.code == 2 and "EventInvalid" in invalid.err and "fields: coach_id" in invalid.err

    unknown = await run(capsys, "event", "almere", started, '{"event": "teleported", "actor": "coach-anna"}')
    assert unknown.code == 2 and "EventUnknown" in unknown.err

    missing = await run(capsys, "event", "almere", "never-started", '{"event": "withdrawn", "actor": "coach-anna"}')
    assert missing.code == 3 and "TrajectoryNotFound" in missing.err


async def test_closed_trajectory_refuses_events(started, capsys):
    withdrawn = '{"event": "withdrawn", "actor": "coach-anna", "reason": "moved away"}'
    assert (await run(capsys, "event", "almere", started, withdrawn)).code == 0
    result = await run(capsys, "event", "almere", started, withdrawn)
    assert result.code == 1 and "TrajectoryClosed" in result.err and "allowed events now: none" in result.err


async def test_show_has_state_deadlines_history_and_notifications(env, started, capsys):
    await run(capsys, "event", "almere", started, '{"event": "observation_started", "actor": "coach-anna"}')
    reassigned = '{"event": "coach_reassigned", "actor": "coach-anna", "coach_id": "coach-bram"}'
    assert (await run(capsys, "event", "almere", started, reassigned)).code == 0
    view = await told(env, started, "coach-bram")  # a notification to show

    result = await run(capsys, "show", "almere", started)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert any(line.split()[:2] == ["state", "observation"] for line in lines)
    assert any(line.split()[:2] == ["coach", "coach-bram"] for line in lines)
    assert f"almere / {started}" in result.out
    for name in view.deadlines:
        assert name in result.out
    assert any("observation_started" in line and "referred" in line and COACH in line for line in lines)
    for note in view.notifications:
        assert any(note.kind in line and note.recipient in line for line in lines)

    as_json = await run(capsys, "show", "almere", started, "--json")
    assert TrajectoryView.model_validate_json(as_json.out) == view


async def test_show_unknown_trajectory(cli, capsys):
    result = await run(capsys, "show", "almere", "never-started")
    assert result.code == 3 and "TrajectoryNotFound" in result.err


async def test_show_without_a_worker_times_out(env, monkeypatch, capsys):
    point_at(monkeypatch, env.client, f"nobody-polls-{uuid.uuid4()}")
    handle = await start_trajectory(env.client, "almere", start_input(), task_queue=f"nobody-polls-{uuid.uuid4()}")
    try:
        result = await run(capsys, "show", "almere", handle.id.removeprefix("trajectory-almere-"), "--timeout", "1")
        assert result.code == 4 and "TemporalTimeout" in result.err
    finally:
        await handle.terminate("no worker in this test")


async def test_unknown_region_is_a_usage_error(cli, capsys):
    with pytest.raises(SystemExit) as exit:
        await run(capsys, "show", "utrecht", "t-0001")
    assert exit.value.code == 2 and "invalid choice: 'utrecht'" in capsys.readouterr().err


async def test_temporal_unreachable_exits_4(monkeypatch, capsys):
    closed = bind("127.0.0.1", 0)
    address = f"127.0.0.1:{closed.getsockname()[1]}"
    closed.close()
    monkeypatch.setenv("TEMPORAL_ADDRESS", address)
    result = await run(capsys, "show", "almere", "t-0001")
    assert result.code == 4 and "TemporalUnavailable" in result.err and address in result.err
