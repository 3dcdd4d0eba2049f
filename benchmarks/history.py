"""Figures 1 and 5, on the time-skipping server: history per lifecycle, a steady year, skipped time."""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from benchmarks.bare import BarePlan, plan_from_history
from benchmarks.drive import Pair, SkippedClock, drive
from benchmarks.figures import HistoryFigures, history, within
from benchmarks.lifecycles import ALMERE, LIFECYCLES, STEADY_YEAR, Lifecycle
from benchmarks.report import Row
from benchmarks.servers import time_skipping_server

YEAR = timedelta(days=365)


async def finished(env: WorkflowEnvironment, handle: Any) -> None:
    """Await the result without skipping time: while the last event's local activities run, the test server
    sees no pending work of its own and would otherwise skip years ahead (to the execution timeout)."""
    with env.auto_time_skipping_disabled():
        await handle.result()


async def lifecycle_histories(env: WorkflowEnvironment, pair: Pair) -> tuple[list[Row], dict[str, Any]]:
    """Every region's main path to its end, against a bare workflow with the same timers, activities, Updates."""
    clock = SkippedClock(env)
    rows: list[Row] = []
    raw: dict[str, Any] = {}
    for region, lifecycle in LIFECYCLES.items():
        trajectory = await pair.start_trajectory(lifecycle)
        await drive([trajectory], lifecycle.steps, clock)
        await finished(env, trajectory)
        events = await history(trajectory)
        plan = plan_from_history(events)
        bare = await pair.start_bare(plan)
        await drive([bare], lifecycle.steps, clock)
        await finished(env, bare)
        mine, base = HistoryFigures.of(events), HistoryFigures.of(await history(bare))
        raw[region] = {"trajectory": mine.as_dict(), "bare": base.as_dict()}
        section = f"history {region}"
        rows += [
            Row(section, "events", mine.events, base.events, "events", "<= 1.3x"),
            Row(section, "workflow tasks", mine.workflow_tasks, base.workflow_tasks, "tasks"),
            Row(section, "activities (local)", mine.activities, base.activities, f"({mine.local_activities} local)"),
            Row(section, "timers started", mine.timers, base.timers, "timers"),
            Row(section, "Updates", mine.updates, base.updates, "updates"),
        ]
    return rows, raw


async def steady_year(env: WorkflowEnvironment, pair: Pair) -> tuple[list[Row], dict[str, Any]]:
    """The events one year of permanent employment adds (quarterly fees, six-monthly aftercare visits)."""
    clock = SkippedClock(env)
    trajectory = await pair.start_trajectory(STEADY_YEAR)
    mine, plan = await _year(env, trajectory, STEADY_YEAR, clock)
    bare = await pair.start_bare(BarePlan(start=plan.start, timers=plan.timers, updates=plan.updates, stay_open=True))
    base, _ = await _year(env, bare, STEADY_YEAR, clock)
    for handle in (trajectory, bare):
        await handle.terminate("benchmark done")
    rows = [
        Row("steady year", "events", mine.events, base.events, "events", "<= 40", absolute=True),
        Row("steady year", "events vs bare", mine.events, base.events, "events", "<= 1.3x"),
        Row("steady year", "workflow tasks", mine.workflow_tasks, base.workflow_tasks, "tasks"),
        Row("steady year", "activities", mine.activities, base.activities, f"({mine.local_activities} local)"),
    ]
    return rows, {"trajectory": mine.as_dict(), "bare": base.as_dict()}


async def _year(env: WorkflowEnvironment, handle: Any, lifecycle: Lifecycle, clock: SkippedClock):
    await drive([handle], lifecycle.steps, clock)
    await env.sleep(timedelta(days=1))  # what the last event set off has settled
    begin = (await env.get_current_time()).replace(tzinfo=None)
    await env.sleep(YEAR + timedelta(days=2))
    events = await history(handle)
    return HistoryFigures.of(within(events, begin, begin + YEAR)), plan_from_history(events)


async def skipped_time(outbox: Path, *, one_by_one: int, at_once: int) -> tuple[list[Row], dict[str, Any]]:
    """Wall time of Almere's two-year lifecycle in skipped time: one at a time, and many started at once.

    Each kind gets a fresh test server: virtual time only moves forward, and dozens of lifecycles one after
    another would carry the dates the events must lie near past what the events accept."""
    lifecycle = ALMERE
    raw: dict[str, Any] = {}
    for kind in ("bare", "trajectory"):
        async with time_skipping_server() as env, Pair(env.client, outbox) as pair:
            clock = SkippedClock(env)
            plan: BarePlan | None = None
            if kind == "bare":
                probe = await pair.start_trajectory(lifecycle)
                await drive([probe], lifecycle.steps, clock)
                await finished(env, probe)
                plan = plan_from_history(await history(probe))

            async def starter() -> Any:
                return await (pair.start_trajectory(lifecycle) if plan is None else pair.start_bare(plan))

            single = []
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
        raw[kind] = {"one_by_one_seconds": single, "at_once_seconds": batch, "at_once": at_once}
    rows = [
        Row(
            "skipped time", "lifecycle, one at a time (median)",
            statistics.median(raw["trajectory"]["one_by_one_seconds"]) * 1000,
            statistics.median(raw["bare"]["one_by_one_seconds"]) * 1000, "ms", "<= 100", absolute=True,
        ),
        Row(
            "skipped time", f"lifecycle, {at_once} at once (per lifecycle)",
            raw["trajectory"]["at_once_seconds"] / at_once * 1000, raw["bare"]["at_once_seconds"] / at_once * 1000,
            "ms", "<= 100", absolute=True,
        ),
    ]  # fmt: skip
    return rows, raw
