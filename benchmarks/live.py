"""Targets (b), (c) and (i), on a live dev server with every worker in its own process: the ``submit_event``
round trip, lifecycle throughput with its CPU per lifecycle, and two workers on one task queue against one.

Each figure has two twins (``benchmarks.bare``): the fair one, whose activities do the trajectory's kind of I/O
(the target's ratio is against it), and the no-I/O twin, whose activities return at once (what the I/O costs).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import psutil
from temporalio.client import WorkflowHandle

from benchmarks.bare import BarePlan, plan_from_history, prefix_plan
from benchmarks.drive import Clock, ProcessPair, drive, send, update
from benchmarks.figures import history
from benchmarks.lifecycles import ALMERE, LIFECYCLES, Lifecycle, Send
from benchmarks.measure import Cpu, cpu_seconds
from benchmarks.report import Row, cpu_rows, progress
from benchmarks.servers import DevServer

VISIT = Send("visit_recorded", lambda d: {"visited_on": d.isoformat(), "channel": "phone"})
KINDS = ("trajectory", "twin", "no-I/O twin")


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


def worker_pids(pair: ProcessPair, kind: str) -> list[int]:
    return [w.pid for w in (pair.trajectory_workers if kind == "trajectory" else pair.bare_workers)]


def meters(pair: ProcessPair, server: DevServer) -> dict[str, Cpu]:
    """One CPU meter per kind: its worker processes (summed) and the server."""
    return {
        kind: Cpu(
            {**{f"worker{i}": pid for i, pid in enumerate(worker_pids(pair, kind))}, "server": server.process.pid}
        )
        for kind in KINDS
    }


async def settled(pids: list[int], quiet: float = 0.05, interval: float = 0.5, timeout: float = 120) -> None:
    """Until the worker processes have gone quiet (less than ``quiet`` CPU seconds in ``interval``): the
    activities that follow the last reply are done, so their CPU is counted."""
    began = time.perf_counter()
    last = sum(cpu_seconds(pid) for pid in pids)
    while time.perf_counter() - began < timeout:
        await asyncio.sleep(interval)
        now = sum(cpu_seconds(pid) for pid in pids)
        if now - last < quiet:
            return
        last = now


class Plans:
    """The twins' plans, each read once from a probe trajectory's history and shared by the sections."""

    def __init__(self, pair: ProcessPair):
        self.pair = pair
        self.cache: dict[str, Any] = {}

    async def visit(self) -> BarePlan:
        if "visit" not in self.cache:
            self.cache["visit"] = await visit_plan(self.pair)
        return self.cache["visit"]

    async def to_employment(self) -> dict[str, BarePlan]:
        if "employment" not in self.cache:
            self.cache["employment"] = await _plans(self.pair)
        return self.cache["employment"]


async def visit_plan(pair: ProcessPair, lifecycle: Lifecycle = ALMERE) -> BarePlan:
    """The twin of an employed trajectory that gets visits: its start and Updates to employment, then every
    further Update does what the trajectory's ``visit_recorded`` did (read from a probe's history)."""
    probe = await pair.start_trajectory(lifecycle)
    steps = lifecycle.to_employment()
    await drive([probe], [*steps, VISIT], Clock())
    await asyncio.sleep(1)  # the visit's activities have run
    plan = plan_from_history(await history(probe))
    await probe.terminate("benchmark probe")
    return prefix_plan(plan, len(steps), repeat=plan.updates[len(steps)])


async def employed_pairs(pair: ProcessPair, count: int, plan: BarePlan) -> dict[str, list[WorkflowHandle]]:
    """``count`` employed Almere trajectories and as many of each twin, driven through the same events."""
    handles: dict[str, list[WorkflowHandle]] = {
        "trajectory": [await pair.start_trajectory(ALMERE) for _ in range(count)],
        "twin": [await pair.start_bare(plan) for _ in range(count)],
        "no-I/O twin": [await pair.start_bare(replace(plan, io=False)) for _ in range(count)],
    }
    await drive([h for group in handles.values() for h in group], ALMERE.to_employment(), Clock())
    return handles


async def alternate(
    handles: dict[str, list[WorkflowHandle]],
    payload: dict[str, Any],
    cpu: dict[str, Cpu],
    *,
    samples: int,
    warmup: int,
    block: int = 10,
) -> dict[str, list[float]]:
    """``samples`` Updates per kind, in alternating blocks of ``block`` (drift on a shared machine hits every kind
    alike; a block is one kind's alone, so its CPU is that kind's), rotating over each kind's handles."""
    timings: dict[str, list[float]] = {kind: [] for kind in handles}
    done = 0
    while done < warmup + samples:
        size = min(block, warmup + samples - done)
        for kind, group in handles.items():
            measuring = done >= warmup
            with cpu[kind].measuring() if measuring else _nothing():
                for i in range(done, done + size):
                    began = time.perf_counter()
                    await update(group[i % len(group)], payload)
                    if measuring:
                        timings[kind].append((time.perf_counter() - began) * 1000)
        done += size
    return timings


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


async def round_trip(
    server: DevServer, pair: ProcessPair, plans: Plans, *, samples: int, warmup: int = 10, trajectories: int = 25
) -> tuple[list[Row], dict[str, Any]]:
    """(b) ``visit_recorded`` on employed Almere trajectories against the same Update on their twins. The events
    rotate over ``trajectories`` of each, so each gets a realistic number (the view a trajectory returns grows
    with its events, and each twin replies with as many bytes)."""
    progress(f"(b) round trip: {samples} events per kind")
    handles = await employed_pairs(pair, min(trajectories, samples), await plans.visit())
    payload = VISIT.payload(datetime.now(UTC).date())
    cpu = meters(pair, server)
    await settled([w.pid for w in [*pair.trajectory_workers, *pair.bare_workers]])
    timings = await alternate(handles, payload, cpu, samples=samples, warmup=warmup)
    with_view = await then_view(handles["trajectory"], payload, samples=min(samples, 100))
    for group in handles.values():
        for handle in group:
            await handle.terminate("benchmark done")
    mine, twin, bare = timings["trajectory"], timings["twin"], timings["no-I/O twin"]
    per = {kind: {name: cpu[kind].ms_per(name, samples) for name in ("worker", "server")} for kind in KINDS}
    rows = [
        Row("round trip", "submit_event median", statistics.median(mine), statistics.median(twin), "ms", "<= 1.2x", key="b"),
        Row("round trip", "submit_event p99", percentile(mine, 99), percentile(twin, 99), "ms", "<= 1.2x", key="b"),
        *cpu_rows("round trip", "b", "event", per["trajectory"], per["twin"]),
        Row("round trip", "median vs no-I/O twin", statistics.median(mine), statistics.median(bare), "ms"),
        Row("round trip", "p99 vs no-I/O twin", percentile(mine, 99), percentile(bare, 99), "ms"),
        Row("round trip", "submit_event + view Query (the API's answer), median", statistics.median(with_view),
            statistics.median(twin), "ms"),
    ]  # fmt: skip
    return rows, {
        "samples": samples, "trajectories": trajectories, "milliseconds": timings, "cpu_ms_per_event": per,
        "with_view_milliseconds": with_view,
    }  # fmt: skip


async def then_view(handles: list[WorkflowHandle], payload: dict[str, Any], *, samples: int) -> list[float]:
    """What the HTTP API does for an event: the Update (which answers with ``EventAccepted``), then the ``view``
    Query for the answer it documents. Against the twin's Update alone: the price of the view, not hidden."""
    timings = []
    for i in range(samples):
        began = time.perf_counter()
        await update(handles[i % len(handles)], payload)
        await handles[i % len(handles)].query("view")
        timings.append((time.perf_counter() - began) * 1000)
    return timings


async def round_trip_of_an_old_trajectory(
    server: DevServer, pair: ProcessPair, plans: Plans, *, events: int
) -> tuple[list[Row], dict[str, Any]]:
    """The last of ``events`` Updates on one trajectory: the view every Update returns (and records in the
    history) holds the whole state history, so an old trajectory's events cost more; its twin's replies grow
    with it only if the plan says so (it repeats the first visit's size). No target: a finding."""
    handles = await employed_pairs(pair, 1, await plans.visit())
    del handles["no-I/O twin"]
    payload = VISIT.payload(datetime.now(UTC).date())
    cpu = meters(pair, server)
    timings = await alternate(handles, payload, cpu, samples=events, warmup=0, block=1)
    for group in handles.values():
        await group[0].terminate("benchmark done")
    n = min(20, events)
    last = {name: statistics.median(values[-n:]) for name, values in timings.items()}
    first = {name: statistics.median(values[:n]) for name, values in timings.items()}
    rows = [
        Row("round trip", f"first {n} events of one trajectory", first["trajectory"], first["twin"], "ms"),
        Row("round trip", f"events {events - n + 1}-{events} of one", last["trajectory"], last["twin"], "ms"),
    ]
    return rows, {"events": events, "first_median_ms": first, "last_median_ms": last}


async def _plans(pair: ProcessPair) -> dict[str, BarePlan]:
    """Per region, the twin of a lifecycle driven to employment: one probe each, its history read."""
    plans: dict[str, BarePlan] = {}
    for lifecycle in LIFECYCLES.values():
        probe = await pair.start_trajectory(lifecycle)
        await drive([probe], lifecycle.to_employment(), Clock())
        await asyncio.sleep(0.5)
        plans[lifecycle.region] = prefix_plan(plan_from_history(await history(probe)), len(lifecycle.to_employment()))
        await probe.terminate("benchmark probe")
    return plans


async def _drive_lifecycles(
    pair: ProcessPair,
    server: DevServer,
    kind: str,
    plans: dict[str, BarePlan],
    *,
    lifecycles: int,
    parallel: int,
    what: str = "(c) throughput",
) -> dict[str, Any]:
    """``lifecycles`` of every region (in turn) driven concurrently to employment, ``parallel`` at a time; the
    wall time runs until the last Update is answered, the CPU until the workers are quiet again."""
    regions = list(LIFECYCLES.values())
    limit = asyncio.Semaphore(parallel)
    pids = worker_pids(pair, kind)
    cpu = Cpu({**{f"worker{i}": pid for i, pid in enumerate(pids)}, "server": server.process.pid})

    async def one(lifecycle: Lifecycle) -> None:
        async with limit:
            if kind == "trajectory":
                handle = await pair.start_trajectory(lifecycle)
            else:
                plan = plans[lifecycle.region]
                handle = await pair.start_bare(plan if kind == "twin" else replace(plan, io=False))
            for step in lifecycle.to_employment():
                await send(handle, step, datetime.now(UTC).date())

    await settled(pids)
    progress(f"{what}: {lifecycles} lifecycles, {kind}, {len(pids)} worker(s)")
    with cpu.measuring():
        began = time.perf_counter()
        await asyncio.gather(*(one(regions[i % len(regions)]) for i in range(lifecycles)))
        seconds = time.perf_counter() - began
        await settled(pids)
    worker = cpu.seconds("worker") or 0.0
    return {
        "seconds": seconds,
        "per_second": lifecycles / seconds,
        "cpu_ms_per_lifecycle": {
            "worker": worker * 1000 / lifecycles,
            "server": cpu.spent["server"] * 1000 / lifecycles,
        },
        "busy_cores": (worker + cpu.spent["server"]) / seconds,
    }


async def throughput(
    server: DevServer, pair: ProcessPair, plans: Plans, *, lifecycles: int, parallel: int
) -> tuple[list[Row], dict[str, Any]]:
    """(c) Trajectories of every region driven concurrently to employment, against twins with the same Updates,
    replies, activities and timers; CPU of the worker process and of the server per lifecycle."""
    raw: dict[str, Any] = {"lifecycles": lifecycles, "parallel": parallel}
    employment = await plans.to_employment()
    for kind in ("twin", "trajectory", "no-I/O twin"):
        raw[kind] = await _drive_lifecycles(pair, server, kind, employment, lifecycles=lifecycles, parallel=parallel)
    mine, twin, bare = raw["trajectory"], raw["twin"], raw["no-I/O twin"]
    total = {kind: sum(raw[kind]["cpu_ms_per_lifecycle"].values()) for kind in KINDS}
    rows = [
        Row("throughput", f"lifecycles to employment, {parallel} at a time", mine["per_second"], twin["per_second"],
            "per s", ">= 0.8x", key="c"),
        Row("throughput", "CPU ms/lifecycle, worker+server", total["trajectory"], total["twin"], "ms", "<= 1.25x",
            key="c"),
        *cpu_rows("throughput", "c", "lifecycle", mine["cpu_ms_per_lifecycle"], twin["cpu_ms_per_lifecycle"]),
        Row("throughput", "vs no-I/O twin", mine["per_second"], bare["per_second"], "per s"),
        Row("throughput", "CPU ms/lifecycle vs no-I/O twin", total["trajectory"], total["no-I/O twin"], "ms"),
    ]  # fmt: skip
    return rows, raw


async def workers(
    server: DevServer,
    pair: ProcessPair,
    plans: Plans,
    *,
    lifecycles: int,
    parallel: int,
    one_worker: dict[str, Any] | None = None,
) -> tuple[list[Row], dict[str, Any]]:
    """(i) The same throughput with two worker processes on one task queue against one, for trajectories and
    for their twins (the one-worker figures are throughput's, ``one_worker``, when it ran just before). On this
    machine the server, the client and the workers share the cores, so the figure says how much a second worker
    gains here; the busy-cores row says whether the machine was the limit. Leaves ``pair`` with two workers a side."""
    raw: dict[str, Any] = {"lifecycles": lifecycles, "parallel": parallel, "cpus": psutil.cpu_count()}
    employment = await plans.to_employment()
    warm = 2 * len(LIFECYCLES)  # each region's first runs in a fresh worker import its modules: not measured
    for count in (1, 2):
        if count == 2:
            await pair.add_workers(1)
        for kind in ("twin", "trajectory"):
            if count == 1 and one_worker is not None:
                result = one_worker[kind]
            else:
                await _drive_lifecycles(
                    pair, server, kind, employment, lifecycles=warm, parallel=warm, what="(i) warming up"
                )
                result = await _drive_lifecycles(
                    pair,
                    server,
                    kind,
                    employment,
                    lifecycles=lifecycles,
                    parallel=parallel,
                    what=f"(i) {count} worker(s)",
                )
            raw.setdefault(kind, {})[count] = result
    mine, twin = raw["trajectory"], raw["twin"]
    rows = [
        Row("two workers", "lifecycles/s, one worker", mine[1]["per_second"], twin[1]["per_second"], "per s"),
        Row("two workers", "lifecycles/s, two workers", mine[2]["per_second"], twin[2]["per_second"], "per s", key="i"),
        Row("two workers", "two workers / one", mine[2]["per_second"] / mine[1]["per_second"],
            twin[2]["per_second"] / twin[1]["per_second"], "x", key="i"),
        Row("two workers", "busy cores, two workers", mine[2]["busy_cores"], twin[2]["busy_cores"], "cores", key="i",
            detail=True),
        *cpu_rows("two workers", "i", "lifecycle", mine[2]["cpu_ms_per_lifecycle"], twin[2]["cpu_ms_per_lifecycle"]),
    ]  # fmt: skip
    cores = raw["cpus"]
    scaling = mine[2]["per_second"] / mine[1]["per_second"]
    raw["notes"] = [
        f"(i) two workers gave {scaling:.2f}x one worker's throughput on {cores} cores, with the server, the "
        f"client and both workers sharing them ({mine[2]['busy_cores']:.1f} cores busy). A second worker can only "
        "add what the cores left idle; on a machine with a core per worker and the server elsewhere, "
        "throughput grows with the workers until the server or its database is the limit."
    ]
    return rows, raw
