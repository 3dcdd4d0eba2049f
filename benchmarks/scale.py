"""Figure 4, on a fresh dev server: many open trajectories waiting on timers.

Each kind (bare twins first, then trajectories) gets its own worker process, so psutil reads the memory of
exactly that worker; the server's memory and database are read before and after each kind. A trajectory is
an Oss one just started: screening is due in four weeks, so it waits on that timer; its bare twin waits on
one timer just as long. Both workers keep the project's cache size (``TRAJECTORIES_WORKFLOW_CACHE``, default
250), so once more than that many are open their caches are full.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from typing import Any

import psutil
from temporalio.client import WorkflowHandle

from benchmarks.bare import BareLifecycle, waiting_plan
from benchmarks.lifecycles import OSS, start_input
from benchmarks.report import Row
from benchmarks.servers import DevServer
from service import config
from trajectories.client import start_trajectory

MB = 2**20
WAITING = timedelta(weeks=4)


class WorkerProcess:
    def __init__(self, address: str, queue: str, kind: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.worker_process", address, queue, kind],
            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
        )  # fmt: skip

    async def ready(self) -> None:
        line = await asyncio.to_thread(self.process.stdout.readline)
        if line.strip() != "ready":
            raise RuntimeError(f"worker process did not start (exit code {self.process.poll()})")
        # keep reading what it prints, so a full pipe never blocks it
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    def rss_mb(self) -> float:
        return psutil.Process(self.process.pid).memory_info().rss / MB

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


async def _start_all(starter, count: int, parallel: int) -> list[WorkflowHandle]:
    limit = asyncio.Semaphore(parallel)

    async def one(i: int) -> WorkflowHandle:
        async with limit:
            return await starter(i)

    return await asyncio.gather(*(one(i) for i in range(count)))


async def _first_tasks_done(handles: list[WorkflowHandle], timeout: float = 900) -> None:
    """Until the last started ones (the task queue is served about in order) have run their first task."""
    began = time.perf_counter()
    for handle in handles[-20:]:
        while (await handle.describe()).raw_description.workflow_execution_info.history_length < 4:
            if time.perf_counter() - began > timeout:
                raise TimeoutError("first workflow tasks did not finish")
            await asyncio.sleep(0.2)


async def scale(server: DevServer, *, count: int, parallel: int) -> tuple[list[Row], dict[str, Any]]:
    client = server.client
    raw: dict[str, Any] = {"count": count, "parallel": parallel, "server_rss_mb_before": server.rss_bytes() / MB}
    raw["database_mb_before"] = server.database_bytes() / MB
    for kind in ("bare", "trajectories"):
        queue = f"bench-scale-{kind}-{uuid.uuid4().hex[:8]}"
        worker = WorkerProcess(server.address, queue, kind)
        try:
            await worker.ready()
            idle = worker.rss_mb()
            server_before, database_before = server.rss_bytes() / MB, server.database_bytes() / MB
            if kind == "bare":
                plan = waiting_plan(WAITING)

                async def starter(i: int) -> WorkflowHandle:
                    return await client.start_workflow(
                        BareLifecycle.run, plan, id=f"bare-scale-{queue}-{i}", task_queue=queue
                    )
            else:

                async def starter(i: int) -> WorkflowHandle:
                    return await start_trajectory(
                        client, OSS.region, start_input(f"scale-{queue}-{i}", OSS), task_queue=queue
                    )

            began = time.perf_counter()
            handles = await _start_all(starter, count, parallel)
            await _first_tasks_done(handles)
            seconds = time.perf_counter() - began
            await asyncio.sleep(2)  # let the worker's memory settle
            raw[kind] = {
                "start_seconds": seconds,
                "starts_per_second": count / seconds,
                "worker_rss_mb_idle": idle,
                "worker_rss_mb_open": worker.rss_mb(),
                "cached_workflows": min(count, config.workflow_cache_size()),
                "server_rss_mb_growth": server.rss_bytes() / MB - server_before,
                "database_mb_growth": server.database_bytes() / MB - database_before,
            }
        finally:
            worker.stop()
    raw["server_rss_mb_after"] = server.rss_bytes() / MB
    raw["database_mb_after"] = server.database_bytes() / MB
    t, b = raw["trajectories"], raw["bare"]
    section = f"scale {count:,} open"
    rows = [
        Row(section, "time to start (first task done)", t["start_seconds"], b["start_seconds"], "s"),
        Row(section, "worker memory, cache full", t["worker_rss_mb_open"], b["worker_rss_mb_open"], "MB", "<= 500", absolute=True),
        Row(section, "worker memory growth", t["worker_rss_mb_open"] - t["worker_rss_mb_idle"],
            b["worker_rss_mb_open"] - b["worker_rss_mb_idle"], "MB"),
        Row(section, "server memory growth", t["server_rss_mb_growth"], b["server_rss_mb_growth"], "MB"),
        Row(section, "database growth", t["database_mb_growth"], b["database_mb_growth"], "MB"),
    ]  # fmt: skip
    return rows, raw
