"""`trajectories keys status`: which payload keys the trajectories' histories still use, and when an old key
may be dropped (issue 19: dropping one too early made views fail). On the real dev server (visibility)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from temporalio.api.common.v1 import Payload
from temporalio.client import Client

from service import config, encryption
from service.encryption import CodecKey
from tests.cli_runner import point_at, run
from tests.scenario import start_input
from trajectories.client import start_trajectory
from trajectories.keys import key_ids_in, key_status
from worker import build_worker


def test_key_ids_are_read_from_payload_metadata_without_decrypting():
    codec = encryption.EncryptionCodec([CodecKey.generate("k-2027.01")])
    [payload] = asyncio.run(codec.encode([Payload(metadata={"encoding": b"json/plain"}, data=b'"x"')]))
    assert key_ids_in(b"junk" + payload.SerializeToString() + b"junk") == {"k-2027.01"}


async def test_keys_status_names_what_open_and_closed_trajectories_still_use(dev_env, tmp_path, capsys, monkeypatch):
    tag = uuid.uuid4().hex[:8]
    old, new, unused = (CodecKey.generate(f"{name}-{tag}") for name in ("old", "new", "unused"))

    def client_with(*keys: CodecKey) -> Client:
        return Client(dev_env.client.service_client, namespace=dev_env.client.namespace,
                      data_converter=encryption.data_converter(list(keys)))  # fmt: skip

    old_client, new_client = client_with(old), client_with(new, old, unused)
    queue = f"keys-{tag}"
    async with build_worker(new_client, queue, outbox=tmp_path / "outbox"):
        kept = await start_trajectory(old_client, "almere", start_input(), task_queue=queue)  # start input under old
        ended = await start_trajectory(old_client, "almere", start_input(), task_queue=queue)
        fresh = await start_trajectory(new_client, "almere", start_input(), task_queue=queue)
        for handle in (kept, ended, fresh):
            await new_client.get_workflow_handle(handle.id).query("view")  # the worker answers under the new key
        await ended.terminate("closed for this test")

        for _ in range(100):  # visibility catches up
            status = await key_status(new_client, [new.id, old.id, unused.id], f'TaskQueue = "{queue}"')
            uses = {use.key_id: use for use in status.uses}
            if kept.id in uses[old.id].open_runs and uses[old.id].closed_runs and fresh.id in uses[new.id].open_runs:
                break
            await asyncio.sleep(0.1)
        now = datetime.now(UTC)
        assert fresh.id not in uses[old.id].open_runs and kept.id in uses[old.id].open_runs
        assert uses[old.id].verdict(status.retention, now).startswith("no: 1 open trajectory run(s)")
        assert uses[new.id].verdict(status.retention, now) == "no: it encrypts new payloads"
        assert uses[unused.id].verdict(status.retention, now) == "yes, now: no kept history uses it"

        monkeypatch.setenv(config.CODEC_KEYS_VARIABLE, ",".join(key.encoded() for key in (new, old, unused)))
        point_at(monkeypatch, dev_env.client, queue)
        result = await run(capsys, "keys", "status")
        assert result.code == 0, result.err
        assert old.id in result.out and "1 open trajectory run(s)" in result.out
        assert max(len(line) for line in result.out.splitlines()) <= 80

        await kept.terminate("closed for this test")
        for _ in range(100):
            status = await key_status(new_client, [new.id, old.id], f'TaskQueue = "{queue}"')
            use = {use.key_id: use for use in status.uses}[old.id]
            if not use.open_runs:
                break
            await asyncio.sleep(0.1)
        assert use.verdict(status.retention, datetime.now(UTC)).startswith("after ")
        assert use.droppable_after(status.retention) == use.last_closed + status.retention
        await fresh.terminate("done")
