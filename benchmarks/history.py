"""Targets (a), (d) and (f), on the time-skipping server: history per lifecycle, a steady year, skipped time.

The workers run in this process (``drive.Pair``), so the "worker" CPU here includes the client that sends the
events (a few Updates per lifecycle); "server" is the Java test server.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import timedelta
from typing import Any

from benchmarks.bare import BarePlan, plan_from_history
from benchmarks.drive import Pair, SkippedClock, drive
from benchmarks.figures import HistoryFigures, history, within
from benchmarks.lifecycles import ALMERE, LIFECYCLES, STEADY_YEAR, Lifecycle
from benchmarks.measure import Cpu, me, test_server_pid
from benchmarks.report import Row, cpu_rows, progress
from benchmarks.servers import TimeSkippingServer, time_skipping_server

YEAR = timedelta(days=365)


async def finished(env: TimeSkippingServer, handle: Any) -> None:
    """Await the result without skipping time: while the last event's local activities run, the test server
    sees no pending work of its own and would otherwise skip years ahead (to the execution timeout)."""
    with env.auto_time_skipping_disabled():
        await handle.result()


def _cpu() -> Cpu:
    return Cpu({"worker": me(), "server": test_server_pid()})


async def lifecycle_histories(env: TimeSkippingServer, pair: Pair) -> tuple[list[Row], dict[str, Any]]:
    """(a) Every region's main path to its end, against its twin with the same timers, activities, Updates."""
    clock = SkippedClock(env)
    rows: list[Row] = []
    raw: dict[str, Any] = {}
    cpu = {"trajectory": _cpu(), "bare": _cpu()}
    for region, lifecycle in LIFECYCLES.items():
        progress(f"(a) history: {region}")
        with cpu["trajectory"].measuring():
            trajectory = await pair.start_trajectory(lifecycle)
            await drive([trajectory], lifecycle.steps, clock)
            await finished(env, trajectory)
        events = await history(trajectory)
        plan = plan_from_history(events)
        with cpu["bare"].measuring():
            bare = await pair.start_bare(plan)
            await drive([bare], lifecycle.steps, clock)
            await finished(env, bare)
        progress(f"(a) history: {region}, twin done")
        mine, base = HistoryFigures.of(events), HistoryFigures.of(await history(bare))
        raw[region] = {"trajectory": mine.as_dict(), "bare": base.as_dict()}
        section = f"history {region}"
        rows += [
            Row(section, "events", mine.events, base.events, "events", "<= 1.3x", key="a"),
            Row(section, "workflow tasks", mine.workflow_tasks, base.workflow_tasks, "tasks"),
            Row(section, "activities (local)", mine.activities, base.activities, f"({mine.local_activities} local)"),
            Row(section, "timers started", mine.timers, base.timers, "timers"),
            Row(section, "Updates", mine.updates, base.updates, "updates"),
            Row(section, "runs (continued as new)", mine.runs, base.runs, "runs"),
        ]
    count = len(LIFECYCLES)
    per = {kind: {name: meter.ms_per(name, count) for name in ("worker", "server")} for kind, meter in cpu.items()}
    raw["cpu_ms_per_lifecycle"] = per
    rows += cpu_rows("history", "a", "lifecycle", per["trajectory"], per["bare"])
    return rows, raw


async def steady_year(env: TimeSkippingServer, pair: Pair) -> tuple[list[Row], dict[str, Any]]:
    """(d) The events one year of permanent employment adds (quarterly fees, six-monthly aftercare visits)."""
    clock = SkippedClock(env)
    cpu = {"trajectory": _cpu(), "bare": _cpu()}
    progress("(d) steady year")
    trajectory = await pair.start_trajectory(STEADY_YEAR)
    mine, plan = await _year(env, trajectory, STEADY_YEAR, clock, cpu["trajectory"])
    bare = await pair.start_bare(BarePlan(start=plan.start, timers=plan.timers, updates=plan.updates, stay_open=True))
    base, _ = await _year(env, bare, STEADY_YEAR, clock, cpu["bare"])
    for handle in (trajectory, bare):
        await handle.terminate("benchmark done")
    per = {kind: {name: meter.ms_per(name, 1) for name in ("worker", "server")} for kind, meter in cpu.items()}
    rows = [
        Row("steady year", "events in a steady year", mine.events, base.events, "events", "<= 40", absolute=True, key="d"),
        Row("steady year", "events vs twin", mine.events, base.events, "events", "<= 1.3x"),
        Row("steady year", "workflow tasks", mine.workflow_tasks, base.workflow_tasks, "tasks"),
        Row("steady year", "activities", mine.activities, base.activities, f"({mine.local_activities} local)"),
        *cpu_rows("steady year", "d", "year", per["trajectory"], per["bare"]),
    ]  # fmt: skip
    return rows, {"trajectory": mine.as_dict(), "bare": base.as_dict(), "cpu_ms_per_year": per}


async def _year(env: TimeSkippingServer, handle: Any, lifecycle: Lifecycle, clock: SkippedClock, cpu: Cpu):
    await drive([handle], lifecycle.steps, clock)
    await env.sleep(timedelta(days=1))  # what the last event set off has settled
    begin = (await env.get_current_time()).replace(tzinfo=None)
    with cpu.measuring():
        await env.sleep(YEAR + timedelta(days=2))
    events = await history(handle)
    return HistoryFigures.of(within(events, begin, begin + YEAR)), plan_from_history(events)


async def skipped_time(*, one_by_one: int, at_once: int) -> tuple[list[Row], dict[str, Any]]:
    """(f) Wall time of Almere's two-year lifecycle in skipped time: one at a time, and many started at once.

    Each kind gets a fresh test server: virtual time only moves forward, and dozens of lifecycles one after
    another would carry the dates the events must lie near past what the events accept."""
    lifecycle = ALMERE
    raw: dict[str, Any] = {}
    plan: BarePlan | None = None
    for kind in ("trajectory", "bare"):
        progress(f"(f) skipped time: {kind}")
        async with time_skipping_server() as env, Pair(env.client) as pair:
            clock = SkippedClock(env)
            cpu = _cpu()

            async def starter() -> Any:
                return await (pair.start_trajectory(lifecycle) if plan is None else pair.start_bare(plan))

            single = []
            with cpu.measuring():
                for _ in range(one_by_one):
                    began = time.perf_counter()
                    handle = await starter()
                    await drive([handle], lifecycle.steps, clock)
                    await finished(env, handle)
                    single.append(time.perf_counter() - began)
                began = time.perf_counter()
                handles = await asyncio.gather(*(starter() for _ in range(at_once)))
                await drive(handles, lifecycle.steps, clock)
                for handle in handles:  # one by one: gathering them all stalls the test server
                    await finished(env, handle)
                batch = time.perf_counter() - began
            if plan is None:  # the twins copy the first trajectory's history
                plan = plan_from_history(await history(handles[0]))
        count = one_by_one + at_once
        raw[kind] = {
            "one_by_one_seconds": single, "at_once_seconds": batch, "at_once": at_once,
            "cpu_ms_per_lifecycle": {name: cpu.ms_per(name, count) for name in ("worker", "server")},
        }  # fmt: skip
    rows = [
        Row(
            "skipped time", "lifecycle one at a time, median",
            statistics.median(raw["trajectory"]["one_by_one_seconds"]) * 1000,
            statistics.median(raw["bare"]["one_by_one_seconds"]) * 1000, "ms", "<= 1.2x", key="f",
        ),
        Row(
            "skipped time", f"lifecycle, {at_once} at once (each)",
            raw["trajectory"]["at_once_seconds"] / at_once * 1000, raw["bare"]["at_once_seconds"] / at_once * 1000,
            "ms", "<= 1.2x", key="f",
        ),
        *cpu_rows("skipped time", "f", "lifecycle", raw["trajectory"]["cpu_ms_per_lifecycle"],
                  raw["bare"]["cpu_ms_per_lifecycle"]),
    ]  # fmt: skip
    return rows, raw
