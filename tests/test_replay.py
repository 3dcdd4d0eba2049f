"""Every recorded history replays against the current workflow code: running trajectories survive a deploy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from tests.record_histories import recording_keys
from trajectories import encryption
from worker import workflow_runner
from workflows import WORKFLOWS

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def test_histories_are_recorded_for_every_region():
    """Each region key prefixes at least one history's name (``<key>-<scenario>.json``); keys may hold dashes."""
    missing = {key for key in WORKFLOWS if not any(path.stem.startswith(f"{key}-") for path in HISTORIES)}
    assert not missing, f"no recorded history for {sorted(missing)}"


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_replay(path: Path):
    """Replayed through the production codec: encrypted histories decode with the recording key, histories
    recorded before encryption pass through it untouched."""
    replayer = Replayer(
        workflows=list(WORKFLOWS.values()),
        data_converter=encryption.data_converter(recording_keys()),
        workflow_runner=workflow_runner(),
    )
    recorded = json.loads(path.read_text(encoding="utf-8"))
    history = WorkflowHistory.from_json(recorded["workflow_id"], recorded["history"])
    await replayer.replay_workflow(history)
