"""Target (e), on a fresh dev server: many open trajectories waiting on timers, worker memory with a full cache.

Each kind (twins first, then trajectories) gets its own worker process, so psutil reads the memory and CPU of
exactly that worker; the server's memory and database are read before and after each kind. A trajectory is an
Oss one just started: screening is due in four weeks, so it waits on that timer; its twin does what the
trajectory's start did (read from a probe's history) and waits on the same timer. Both workers keep the
project's cache size (``TRAJECTORIES_WORKFLOW_CACHE``, default 250), so once more than that many are open their
caches are full.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from temporalio.client import WorkflowHandle

from benchmarks.bare import BareLifecycle, BarePlan, open_plan, plan_from_history
from benchmarks.drive import ProcessPair
from benchmarks.figures import history
from benchmarks.lifecycles import OSS, start_input
from benchmarks.measure import MB, Cpu
from benchmarks.report import Row, cpu_rows, progress
from benchmarks.servers import DevServer
from benchmarks.worker_process import WorkerProcess
from service import config
from trajectories.client import start_trajectory


async def start_all(starter, count: int, parallel: int) -> list[WorkflowHandle]:
    limit = asyncio.Semaphore(parallel)

    async def one(i: int) -> WorkflowHandle:
        async with limit:
            return await starter(i)

    return await asyncio.gather(*(one(i) for i in range(count)))


async def terminate_all(handles: list[WorkflowHandle], parallel: int) -> None:
    """Terminate what a figure left open, ``parallel`` at a time (thousands one by one take minutes)."""
    await start_all(lambda i: handles[i].terminate("benchmark done"), len(handles), parallel)


async def first_tasks_done(handles: list[WorkflowHandle], timeout: float = 900) -> None:
    """Until the last started ones (the task queue is served about in order) have run their first task."""
    began = time.perf_counter()
    for handle in handles[-20:]:
        while (await handle.describe()).raw_description.workflow_execution_info.history_length < 4:
            if time.perf_counter() - began > timeout:
                raise TimeoutError("first workflow tasks did not finish")
            await asyncio.sleep(0.2)


async def waiting_plan(server: DevServer) -> BarePlan:
    """The twin of an Oss trajectory just started: its start's activities and timer, then open."""
    async with ProcessPair(server.client, server.address) as pair:
        probe = await pair.start_trajectory(OSS)
        await first_tasks_done([probe])
        await asyncio.sleep(1)  # its start's activities have run
        plan = open_plan(plan_from_history(await history(probe)))
        await probe.terminate("benchmark probe")
    return plan


async def scale(server: DevServer, *, count: int, parallel: int) -> tuple[list[Row], dict[str, Any]]:
    client = server.client
    raw: dict[str, Any] = {"count": count, "parallel": parallel, "server_rss_mb_before": server.rss_bytes() / MB}
    raw["database_mb_before"] = server.database_bytes() / MB
    plan = await waiting_plan(server)
    for kind in ("bare", "trajectories"):
        # Ids end in ``-n<i>``: a random hex of digits only followed by ``-<i>`` could spell nine digits that
        # pass the elfproef, which the trajectory refuses as a BSN.
        queue = f"bench-scale-{kind}-{uuid.uuid4().hex[:8]}"
        worker = WorkerProcess(server.address, queue, kind)
        try:
            await worker.ready()
            idle = worker.rss_mb()
            server_before, database_before = server.rss_bytes() / MB, server.database_bytes() / MB
            if kind == "bare":

                async def starter(i: int) -> WorkflowHandle:
                    return await client.start_workflow(
                        BareLifecycle.run, plan, id=f"bare-scale-{queue}-n{i}", task_queue=queue
                    )
            else:

                async def starter(i: int) -> WorkflowHandle:
                    return await start_trajectory(
                        client, OSS.region, start_input(f"scale-{queue}-n{i}", OSS), task_queue=queue
                    )

            progress(f"(e) scale: {count} open, {kind}")
            cpu = Cpu({"worker": worker.pid, "server": server.process.pid})
            with cpu.measuring():
                began = time.perf_counter()
                handles = await start_all(starter, count, parallel)
                await first_tasks_done(handles)
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
                "cpu_ms_per_start": {name: cpu.ms_per(name, count) for name in ("worker", "server")},
            }
        finally:
            worker.stop()
    raw["server_rss_mb_after"] = server.rss_bytes() / MB
    raw["database_mb_after"] = server.database_bytes() / MB
    t, b = raw["trajectories"], raw["bare"]
    section = f"scale {count:,} open"
    rows = [
        Row(section, f"worker memory, {count:,} open", t["worker_rss_mb_open"], b["worker_rss_mb_open"], "MB", "< 500",
            absolute=True, key="e"),
        *cpu_rows(section, "e", "start", t["cpu_ms_per_start"], b["cpu_ms_per_start"]),
        Row(section, "time to start (first task done)", t["start_seconds"], b["start_seconds"], "s"),
        Row(section, "worker memory growth", t["worker_rss_mb_open"] - t["worker_rss_mb_idle"],
            b["worker_rss_mb_open"] - b["worker_rss_mb_idle"], "MB"),
        Row(section, "server memory growth", t["server_rss_mb_growth"], b["server_rss_mb_growth"], "MB"),
        Row(section, "database growth", t["database_mb_growth"], b["database_mb_growth"], "MB"),
    ]  # fmt: skip
    return rows, raw
