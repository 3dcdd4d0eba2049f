"""A worker in its own process, so its memory can be measured apart from the benchmark's client.

``python -m benchmarks.worker_process ADDRESS QUEUE trajectories|bare``: prints ``ready`` once polling.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile

from temporalio.client import Client
from temporalio.worker import Worker

from benchmarks.bare import BareLifecycle, BareNoOp, bare_effect
from benchmarks.servers import data_converter
from service import config
from worker import build_worker, workflow_runner


async def main(address: str, queue: str, kind: str) -> None:
    client = await Client.connect(address, data_converter=data_converter())
    if kind == "trajectories":
        worker = build_worker(client, queue, outbox=tempfile.mkdtemp(prefix="bench-outbox-"))
    else:
        worker = Worker(
            client, task_queue=queue, workflows=[BareLifecycle, BareNoOp], activities=[bare_effect],
            workflow_runner=workflow_runner(), max_cached_workflows=config.workflow_cache_size(),
        )  # fmt: skip
    async with worker:
        print("ready", flush=True)
        await asyncio.Event().wait()  # until the benchmark terminates this process


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
