"""Kill test (issue 19): the worker and the dev server are killed while backends retry every event with its
``Idempotency-Key`` through the HTTP API. Afterwards no event is lost and none applied twice, each accepted
event has exactly one audit row (naming the client), the trajectory's hash chain is intact, and no workflow task
failed.

Marked ``crash``: run by ``.ci/run`` as its own step (``pytest -m crash``), not by a plain ``pytest``.
"""

from __future__ import annotations

import asyncio
import signal
import uuid
from collections import Counter
from pathlib import Path

import httpx
import pytest
from temporalio.api.enums.v1 import EventType

from tests.api_client import AUTH, TOKEN
from tests.processes import DevServer, WorkerProcess
from tests.scenario import COACH, OTHER_COACH, start_input
from trajectories.api import create_app
from trajectories.api.server import bind, serving
from trajectories.audit import read_trail, verify_trail

pytestmark = pytest.mark.crash

TRAJECTORIES, REASSIGNMENTS = 6, 4


async def until_ok(http: httpx.AsyncClient, path: str, body: dict, key: str, statuses: Counter[int]) -> dict:
    """What a careful backend does: retry with the same key until it has an answer that is not 'try later'."""
    while True:
        try:
            response = await http.post(path, json=body, headers={"Idempotency-Key": key})
        except httpx.TransportError:
            statuses[0] += 1
            await asyncio.sleep(0.5)
            continue
        statuses[response.status_code] += 1
        if response.status_code in (200, 201):
            return response.json()
        assert response.status_code in (503, 504), response.text
        await asyncio.sleep(min(float(response.headers.get("retry-after", 1)), 1.0))


async def course(http: httpx.AsyncClient, trajectory_id: str, statuses: Counter[int]) -> list[dict]:
    base = "/regions/almere/trajectories"
    await until_ok(http, base, start_input(trajectory_id), f"start-{trajectory_id}", statuses)
    events = [{"event": "observation_started", "actor": COACH}] + [
        {"event": "coach_reassigned", "actor": "backend:hr", "coach_id": OTHER_COACH if n % 2 == 0 else COACH}
        for n in range(REASSIGNMENTS)
    ]
    answers = []
    for number, event in enumerate(events):
        answers.append(
            await until_ok(http, f"{base}/{trajectory_id}/events", event, f"{trajectory_id}-{number}", statuses)
        )
        await asyncio.sleep(0.3)
    return answers


async def test_killed_worker_and_server_lose_and_double_nothing(tmp_path: Path) -> None:
    dev = DevServer(tmp_path / "temporal.db")
    client = await dev.start()
    queue = f"kill-{uuid.uuid4().hex[:8]}"
    worker = WorkerProcess(dev.address, queue, tmp_path / "outbox")
    audit_url = worker.env["TRAJECTORIES_RECORDS_URL"] = f"sqlite:///{tmp_path / 'audit.db'}"
    worker.start()
    app = create_app(
        tokens=[TOKEN], task_queue=queue, audit_url=audit_url,
        connect_options={"target_host": dev.address, "namespace": "default", "tls": False},
    )  # fmt: skip
    statuses: Counter[int] = Counter()
    ids = [f"kill-{uuid.uuid4().hex[:8]}" for _ in range(TRAJECTORIES)]
    try:
        async with serving(app, bind("127.0.0.1", 0)) as base_url:
            async with httpx.AsyncClient(base_url=base_url, headers=AUTH, timeout=40) as http:
                courses = [asyncio.create_task(course(http, trajectory_id, statuses)) for trajectory_id in ids]
                await asyncio.sleep(2)
                worker.kill()
                await asyncio.sleep(3)
                worker.start()
                await asyncio.sleep(2)
                dev.process.send_signal(signal.SIGKILL)  # the server too, mid-request
                dev.process.wait()
                await asyncio.sleep(2)
                client = await dev.start()  # same database, same port
                await asyncio.sleep(1)
                worker.kill()
                await asyncio.sleep(2)
                worker.start()
                answers = await asyncio.wait_for(asyncio.gather(*courses), 240)

                for trajectory_id, answered in zip(ids, answers, strict=True):
                    view = (await http.get(f"/regions/almere/trajectories/{trajectory_id}")).json()
                    events = [record["event"] for record in view["history"]]
                    assert events == ["observation_started"] + ["coach_reassigned"] * REASSIGNMENTS, (
                        "none lost or doubled"
                    )
                    assert answered[-1]["history"] == view["history"]
                    assert {record["client"] for record in view["history"]} == {"local-token-1"}
                    kinds = Counter(notification["kind"] for notification in view["notifications"])
                    assert kinds == Counter({"trajectory_assigned": REASSIGNMENTS}), "one notification per reassignment"
                    handle = client.get_workflow_handle(f"trajectory-almere-{trajectory_id}")
                    failed = [e async for e in handle.fetch_history_events()
                              if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]  # fmt: skip
                    assert not failed

                    for _ in range(120):  # the projection writes after the reply
                        rows = read_trail(handle.id, audit_url)
                        if [r.name for r in rows if r.kind == "event"] == events:
                            break
                        await asyncio.sleep(0.5)
                    assert [(r.name, r.client) for r in rows if r.kind == "event"] == [
                        (event, "local-token-1") for event in events
                    ], "one audit row per accepted event"
                    chain = verify_trail(handle.id, audit_url)
                    assert chain.intact and chain.rows >= len(rows), chain.breaks
        assert statuses[503] + statuses[504] + statuses[0] > 0, f"the kills must have been felt: {statuses}"
    finally:
        worker.kill()
        dev.stop()
