"""A worker in its own process, so its CPU and memory are measured apart from the benchmark's client.

``python -m benchmarks.worker_process ADDRESS QUEUE trajectories|bare``: prints ``ready`` once polling. Its
settings come from the environment the benchmark set (state directory, records database, outbox, cache size,
codec key), so trajectories and twins run with the same cache and keep their state in the run's temporary
directory.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path

import psutil
from temporalio.client import Client

from benchmarks.measure import MB


class WorkerProcess:
    """``kind`` is ``trajectories`` (the project's ``build_worker``) or ``bare`` (the twins' worker)."""

    def __init__(self, address: str, queue: str, kind: str):
        self.kind = kind
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.worker_process", address, queue, kind],
            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
        )  # fmt: skip

    @property
    def pid(self) -> int:
        return self.process.pid

    async def ready(self) -> WorkerProcess:
        assert self.process.stdout is not None
        line = await asyncio.to_thread(self.process.stdout.readline)
        if line.strip() != "ready":
            raise RuntimeError(f"{self.kind} worker process did not start (exit code {self.process.poll()})")
        # keep reading what it prints, so a full pipe never blocks it
        threading.Thread(target=self.process.stdout.read, daemon=True).start()
        return self

    def rss_mb(self) -> float:
        return psutil.Process(self.process.pid).memory_info().rss / MB

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def main(address: str, queue: str, kind: str) -> None:
    from benchmarks.bare import bare_worker
    from benchmarks.servers import data_converter
    from service import config
    from worker import build_worker

    client = await Client.connect(address, data_converter=data_converter())
    if kind == "trajectories":
        worker = build_worker(client, queue)
    else:
        worker = bare_worker(client, queue, Path(config.state_dir()) / "bare", cache=config.workflow_cache_size())
    async with worker:
        print("ready", flush=True)
        await asyncio.Event().wait()  # until the benchmark terminates this process


if __name__ == "__main__":
    try:
        asyncio.run(main(*sys.argv[1:4]))
    except KeyboardInterrupt:
        pass
    finally:
        os._exit(0)  # SIGTERM from the benchmark: skip teardown of the SDK's threads
