"""Figures 2 and 3, on a live dev server: the ``submit_event`` round trip and lifecycle throughput."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import psutil
from temporalio.client import Client, WorkflowHandle

from benchmarks.bare import BareNoOp, BarePlan, plan_from_history, prefix_plan
from benchmarks.drive import Clock, Pair, drive, send
from benchmarks.figures import history
from benchmarks.lifecycles import ALMERE, LIFECYCLES, Lifecycle, Send
from benchmarks.report import Row


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


async def round_trip(
    pair: Pair, *, samples: int, warmup: int = 10, trajectories: int = 25
) -> tuple[list[Row], dict[str, Any]]:
    """``visit_recorded`` on employed Almere trajectories against a no-op Update on as many no-op workflows,
    interleaved so drift on a shared machine hits both alike. The events rotate over ``trajectories`` of
    them, so each gets a realistic number (the view, which every Update returns, grows with each event)."""
    clock = Clock()
    mine_handles = [await pair.start_trajectory(ALMERE) for _ in range(trajectories)]
    await drive(mine_handles, ALMERE.to_employment(), clock)
    bare_handles = [
        await pair.client.start_workflow(BareNoOp.run, id=f"bare-noop-{uuid.uuid4().hex[:12]}", task_queue=pair.bare_queue)
        for _ in range(trajectories)
    ]
    visit = Send("visit_recorded", lambda d: {"visited_on": d.isoformat(), "channel": "phone"})
    payload = visit.payload(await clock.today())
    timings: dict[str, list[float]] = {"trajectory": [], "bare": []}
    for i in range(warmup + samples):
        pairs = (("trajectory", mine_handles, "submit_event"), ("bare", bare_handles, "touch"))
        for name, handles, update in pairs:
            began = time.perf_counter()
            await handles[i % trajectories].execute_update(update, payload)
            if i >= warmup:
                timings[name].append((time.perf_counter() - began) * 1000)
    for handle in bare_handles:
        await handle.signal(BareNoOp.finish)
    for handle in mine_handles:
        await handle.terminate("benchmark done")
    mine, base = timings["trajectory"], timings["bare"]
    rows = [
        Row("round trip", "submit_event median", statistics.median(mine), statistics.median(base), "ms", "<= 1.2x"),
        Row("round trip", "submit_event p99", percentile(mine, 99), percentile(base, 99), "ms", "<= 1.2x"),
    ]
    return rows, {"samples": samples, "trajectories": trajectories, "milliseconds": timings}


async def round_trip_of_an_old_trajectory(pair: Pair, *, events: int) -> tuple[list[Row], dict[str, Any]]:
    """The last of ``events`` Updates on one trajectory: the view every Update returns (and records in the
    history) holds the whole state history, so an old trajectory's events cost more. No target: a finding."""
    clock = Clock()
    trajectory = await pair.start_trajectory(ALMERE)
    await drive([trajectory], ALMERE.to_employment(), clock)
    bare = await pair.client.start_workflow(
        BareNoOp.run, id=f"bare-noop-{uuid.uuid4().hex[:12]}", task_queue=pair.bare_queue
    )
    payload = Send("visit_recorded", lambda d: {"visited_on": d.isoformat(), "channel": "phone"}).payload(
        await clock.today()
    )
    timings: dict[str, list[float]] = {"trajectory": [], "bare": []}
    for _ in range(events):
        for name, handle, update in (("trajectory", trajectory, "submit_event"), ("bare", bare, "touch")):
            began = time.perf_counter()
            await handle.execute_update(update, payload)
            timings[name].append((time.perf_counter() - began) * 1000)
    await bare.signal(BareNoOp.finish)
    await trajectory.terminate("benchmark done")
    last = {name: statistics.median(values[-20:]) for name, values in timings.items()}
    first = {name: statistics.median(values[:20]) for name, values in timings.items()}
    rows = [
        Row("round trip", "first 20 events of one trajectory", first["trajectory"], first["bare"], "ms"),
        Row("round trip", f"events {events - 19}-{events} of one trajectory", last["trajectory"], last["bare"], "ms"),
    ]
    return rows, {"events": events, "first_20_median_ms": first, "last_20_median_ms": last}


async def _count(client: Client, query: str) -> int:
    return (await client.count_workflows(query)).count


async def _until_count(client: Client, query: str, wanted: int, began: float, timeout: float = 600) -> float:
    """Seconds from ``began`` until visibility counts ``wanted`` workflows matching ``query``."""
    while True:
        if await _count(client, query) >= wanted:
            return time.perf_counter() - began
        if time.perf_counter() - began > timeout:
            raise TimeoutError(f"visibility never counted {wanted} for {query}")
        await asyncio.sleep(0.1)


def _cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


async def throughput(
    pair: Pair, *, lifecycles: int, parallel: int, server_pid: int | None = None
) -> tuple[list[Row], dict[str, Any]]:
    """Trajectories of every region driven concurrently to employment, against bare twins with the same
    Updates, activities and timers; completion is counted in visibility, not by awaiting results. CPU seconds
    of this process (client and worker) and of the server show where each kind's time goes."""
    clock = Clock()
    regions = list(LIFECYCLES.values())
    plans: dict[str, BarePlan] = {}
    for lifecycle in regions:  # one each first: the bare twins' plans come from their histories
        probe = await pair.start_trajectory(lifecycle)
        await drive([probe], lifecycle.to_employment(), clock)
        plans[lifecycle.region] = prefix_plan(plan_from_history(await history(probe)), len(lifecycle.to_employment()))
    employed = ", ".join(sorted({f'"{lifecycle.employed_state}"' for lifecycle in regions}))
    limit = asyncio.Semaphore(parallel)
    raw: dict[str, Any] = {"lifecycles": lifecycles, "parallel": parallel}

    async def one(lifecycle: Lifecycle, bare: bool) -> None:
        async with limit:
            handle: WorkflowHandle = (
                await pair.start_bare(plans[lifecycle.region]) if bare else await pair.start_trajectory(lifecycle)
            )
            for step in lifecycle.to_employment():
                await send(handle, step, datetime.now(UTC).date())

    for kind in ("bare", "trajectory"):
        if kind == "bare":
            query, already = f'TaskQueue = "{pair.bare_queue}" AND ExecutionStatus = "Completed"', 0
        else:
            query, already = f'TaskQueue = "{pair.queue}" AND TrajectoryState IN ({employed})', len(regions)
        me, server = psutil.Process(), psutil.Process(server_pid) if server_pid else None
        cpu_me, cpu_server = _cpu_seconds(me), _cpu_seconds(server) if server else 0.0
        began = time.perf_counter()
        drivers = asyncio.gather(*(one(regions[i % len(regions)], kind == "bare") for i in range(lifecycles)))
        seconds = await _until_count(pair.client, query, already + lifecycles, began)
        await drivers
        raw[kind] = {
            "seconds": seconds,
            "per_second": lifecycles / seconds,
            "cpu_seconds_client_and_worker": _cpu_seconds(me) - cpu_me,
            "cpu_seconds_server": (_cpu_seconds(server) - cpu_server) if server else None,
        }
    row = Row(
        "throughput", f"{lifecycles} lifecycles to employment, {parallel} at a time",
        raw["trajectory"]["per_second"], raw["bare"]["per_second"], "per s", ">= 0.8x",
    )
    return [row], raw
