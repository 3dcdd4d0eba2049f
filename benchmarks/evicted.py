"""Target (g), on a live dev server: an event sent to a trajectory that is no longer in its worker's cache.

With 10,000 open trajectories and a cache of 250, nearly every real event and timer finds its trajectory
evicted: the worker replays the history before it can apply the event. Here ``samples`` employed Almere
trajectories (and as many twins) get their events first; then ``open - samples`` more are started on each side
(Oss ones just started, and their twins), more than the cache holds, so the samples are the least recently used
and evicted (the SDK's cache evicts in that order). Each sample then gets one ``visit_recorded``, timed, in
alternating blocks of trajectories and twins. Both workers run in their own processes with the same cache.
"""

from __future__ import annotations

import statistics
from datetime import UTC, datetime
from typing import Any

from benchmarks.bare import open_plan, plan_from_history
from benchmarks.drive import ProcessPair
from benchmarks.figures import history
from benchmarks.lifecycles import OSS
from benchmarks.live import VISIT, Plans, alternate, employed_pairs, meters, percentile, settled
from benchmarks.report import Row, cpu_rows, progress
from benchmarks.scale import first_tasks_done, start_all, terminate_all
from benchmarks.servers import DevServer
from service import config


async def evicted_event(
    server: DevServer, pair: ProcessPair, plans: Plans, *, open_count: int, samples: int, parallel: int
) -> tuple[list[Row], dict[str, Any]]:
    cache = config.workflow_cache_size()
    fillers = max(open_count - samples, 0)
    progress(f"(g) evicted: {samples} samples behind {fillers} more open per kind, cache {cache}")
    plan = await plans.visit()
    handles = await employed_pairs(pair, samples, plan)
    del handles["no-I/O twin"]
    probe = await pair.start_trajectory(OSS)
    await first_tasks_done([probe])
    waiting = open_plan(plan_from_history(await history(probe)))
    await probe.terminate("benchmark probe")
    filled = {
        "trajectory": await start_all(lambda i: pair.start_trajectory(OSS), fillers, parallel),
        "twin": await start_all(lambda i: pair.start_bare(waiting), fillers, parallel),
    }
    for group in filled.values():
        await first_tasks_done(group)
    await settled([w.pid for w in [*pair.trajectory_workers, *pair.bare_workers]])
    progress("(g) evicted: the events")
    cpu = meters(pair, server)
    payload = VISIT.payload(datetime.now(UTC).date())
    timings = await alternate(handles, payload, cpu, samples=samples, warmup=0, block=max(1, samples // 5))
    await terminate_all([h for group in [*handles.values(), *filled.values()] for h in group], parallel)
    mine, twin = timings["trajectory"], timings["twin"]
    per = {kind: {name: cpu[kind].ms_per(name, samples) for name in ("worker", "server")} for kind in timings}
    section = f"evicted, {open_count:,} open"
    rows = [
        Row(section, f"evicted event median ({open_count:,} open)", statistics.median(mine), statistics.median(twin),
            "ms", "<= 2x", key="g"),
        *cpu_rows(section, "g", "event", per["trajectory"], per["twin"]),
        Row(section, "evicted event p99", percentile(mine, 99), percentile(twin, 99), "ms"),
    ]  # fmt: skip
    notes = []
    if open_count < 2000:
        notes.append(
            f"(g) measured with {open_count:,} open and a cache of {cache}: the target asks for 2,000 or more."
        )
    if fillers <= cache:
        notes.append(f"(g) {fillers} started after the samples do not fill the cache of {cache}: not all evicted.")
    raw = {"open": open_count, "samples": samples, "cache": cache, "milliseconds": timings, "cpu_ms_per_event": per}
    return rows, {**raw, "notes": notes}
