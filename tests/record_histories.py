"""Record afresh the histories the replay test replays: ``python -m tests.record_histories``.

Run it when a route gains a path worth protecting, and commit the JSON files. Never re-record to make
a failing replay pass: a failing replay means running trajectories would break (see the README).
"""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from service import encryption
from tests.conftest import test_server_path
from tests.recordings import load_all
from tests.scenario import terminate_started
from trajectories import search_attributes
from worker import build_worker

HISTORIES = Path(__file__).resolve().parent / "histories"
RECORDING_KEYS = HISTORIES / "recording-keys"


def recording_keys() -> tuple[encryption.CodecKey, ...]:
    """The test-only key recorded histories are encrypted with (they hold made-up data only)."""
    return encryption.parse_keys(RECORDING_KEYS.read_text(encoding="utf-8"), source=str(RECORDING_KEYS))


async def record(names: list[str]) -> None:
    scenarios = load_all()
    selected = {n: s for n, s in scenarios.items() if not names or n in names}
    HISTORIES.mkdir(exist_ok=True)
    async with await WorkflowEnvironment.start_time_skipping(
        data_converter=encryption.data_converter(recording_keys()), test_server_existing_path=test_server_path()
    ) as env:
        await search_attributes.register(env.client)
        for name, scenario in selected.items():
            outbox = Path(f"/tmp/record-{uuid.uuid4()}")
            async with build_worker(
                env.client, f"record-{uuid.uuid4()}", outbox=outbox, audit=f"sqlite:///{outbox}/audit.db"
            ) as worker:
                handle = await scenario(env, worker)
                history = await handle.fetch_history()
                await terminate_started(env.client)
            target = HISTORIES / f"{name}.json"
            recorded = {"workflow_id": history.workflow_id, "history": json.loads(history.to_json())}
            target.write_text(json.dumps(recorded, indent=1) + "\n", encoding="utf-8")
            print(f"recorded {target.relative_to(Path.cwd()) if target.is_relative_to(Path.cwd()) else target}")


if __name__ == "__main__":
    asyncio.run(record(sys.argv[1:]))
