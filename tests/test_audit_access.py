"""Reading a trajectory's audit trail through the HTTP API and the ``trajectories`` command."""

from __future__ import annotations

import json

from tests.api_client import api, start
from tests.cli_runner import point_at, run
from tests.scenario import COACH, OTHER_COACH, settle, start_input
from trajectories.client import handle_for


async def test_the_api_and_the_cli_show_the_audit_trail(env, worker, capsys, monkeypatch):
    body = start_input()
    trajectory_id = body["trajectory_id"]
    async with api(env.client, worker.task_queue) as http:
        assert (await start(http, env.client, "almere", body)).status_code == 201
        events = f"/regions/almere/trajectories/{trajectory_id}/events"
        assert (await http.post(events, json={"event": "observation_started", "actor": COACH})).status_code == 200
        reassigned = {"event": "coach_reassigned", "actor": "backend:hr", "coach_id": OTHER_COACH}
        assert (await http.post(events, json=reassigned)).status_code == 200
        await settle(handle_for(env.client, "almere", trajectory_id))

        response = await http.get(f"/regions/almere/trajectories/{trajectory_id}/audit")
        assert response.status_code == 200
        trail = response.json()
        assert trail["workflow_id"] == f"trajectory-almere-{trajectory_id}"
        assert [(e["kind"], e["name"], e["actor"]) for e in trail["entries"] if e["kind"] == "event"] == [
            ("event", "observation_started", COACH),
            ("event", "coach_reassigned", "backend:hr"),
        ]
        assert [e["name"] for e in trail["entries"] if e["kind"] == "notification"] == ["trajectory_assigned"]

        anonymous = await http.get(f"/regions/almere/trajectories/{trajectory_id}/audit", headers={"Authorization": ""})
        assert anonymous.status_code == 401
        assert (await http.get(f"/regions/nowhere/trajectories/{trajectory_id}/audit")).status_code == 404
        assert (await http.get("/regions/almere/trajectories/never-started/audit")).json()["entries"] == []

    point_at(monkeypatch, env.client, worker.task_queue)
    monkeypatch.setenv("TEMPORAL_ADDRESS", "127.0.0.1:1")  # the audit command never needs Temporal
    result = await run(capsys, "audit", "almere", trajectory_id, "--json")
    assert result.code == 0, result.err
    entries = json.loads(result.out)["entries"]
    assert [entry for entry in entries if entry["kind"] != "read"] == trail["entries"]
    reads = [
        (entry["name"], entry["actor"], entry["client"], entry["result"])
        for entry in entries
        if entry["kind"] == "read"
    ]
    assert reads == [("audit", "local-token-1", "local-token-1", "read")], "the API's read of the trail is a row too"
    result = await run(capsys, "audit", "almere", trajectory_id)
    assert result.code == 0 and "coach_reassigned" in result.out and "backend:hr" in result.out
    assert "trajectory_assigned" in result.out and "delivered" in result.out

    monkeypatch.setenv("COLUMNS", "80")  # a standard terminal: wrapped, nothing that matters cut off
    result = await run(capsys, "audit", "almere", trajectory_id)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= 80 and "…" not in result.out
    assert f"trajectory-almere-{trajectory_id}" in result.out
    for entry in trail["entries"]:
        for value in (entry["name"], entry["actor"], entry["result"], entry["origin"], entry["detail"]):
            assert value in result.out, value
