"""Target (h), on the time-skipping server: ``count`` quarterly supervision fees falling due at one moment.

``count`` Almere trajectories are driven together to a permanent contract, so their first quarterly fee falls
due at the same moment; their twins, on a fresh server, are driven the same way and copy the first
trajectory's history (the same timer, the same payment order and projection write when it fires). Virtual time
is moved to just before the fee; the figure is the wall time from there until every fee has been written to
the outbox and the workers are quiet again. The workers run in this process with the production cache, so with
more open than the cache holds most of them are replayed from their history first.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from benchmarks.bare import BarePlan, plan_from_history
from benchmarks.drive import Pair, SkippedClock, bare_root, drive
from benchmarks.figures import history
from benchmarks.history import _cpu
from benchmarks.lifecycles import STEADY_YEAR
from benchmarks.live import settled
from benchmarks.measure import me, test_server_pid
from benchmarks.report import Row, cpu_rows, progress
from benchmarks.scale import start_all, terminate_all
from benchmarks.servers import time_skipping_server
from service import config

WINDOW = timedelta(minutes=30)
"""Virtual time from which the fees are watched, before and after their moment: the twins' timers were set
up to a few minutes apart (their events were sent over the real seconds a drive takes)."""


def _paid(kind: str) -> int:
    folder = config.outbox_dir() / "payments" if kind == "trajectory" else bare_root() / "outbox" / "bare-order_payment"
    return sum(1 for _ in folder.glob("*.json")) if folder.exists() else 0


async def quarterly_fees(*, count: int, parallel: int) -> tuple[list[Row], dict[str, Any]]:
    raw: dict[str, Any] = {"count": count, "cache": config.workflow_cache_size()}
    plan: BarePlan | None = None
    fee_after_drive: timedelta | None = None
    for kind in ("trajectory", "twin"):
        progress(f"(h) quarterly fees: {kind}, {count} driven to a permanent contract")
        async with time_skipping_server() as env, Pair(env.client) as pair:
            clock = SkippedClock(env)
            if plan is None:
                handles = await start_all(lambda i: pair.start_trajectory(STEADY_YEAR), count, parallel)
            else:
                handles = await start_all(lambda i: pair.start_bare(plan), count, parallel)
            await drive(handles, STEADY_YEAR.steps, clock, parallel=parallel)
            await env.sleep(timedelta(hours=1))  # what the last event set off has settled
            now = await env.get_current_time()
            if fee_after_drive is None:
                view = await handles[0].query("view")
                (fee_due,) = [due for name, due in view["deadlines"].items() if name.endswith("supervision_fee")]
                due = datetime.fromisoformat(str(fee_due).replace("Z", "+00:00"))
                fee_after_drive = due - now
            fee = now + fee_after_drive
            await env.sleep(fee - now - WINDOW)
            await settled([me(), test_server_pid() or me()])
            progress(f"(h) quarterly fees: {kind}, the fees fall due")
            before = _paid(kind)
            cpu = _cpu()
            with cpu.measuring():
                began = time.perf_counter()
                await env.sleep(2 * WINDOW)
                await settled([me(), test_server_pid() or me()], quiet=0.02, interval=0.25)
                seconds = time.perf_counter() - began
            paid = _paid(kind) - before
            if plan is None:
                events = await history(handles[0])
                plan = plan_from_history(events)
                plan = BarePlan(start=plan.start, timers=plan.timers, updates=plan.updates, stay_open=True)
            await terminate_all(handles, parallel)
        raw[kind] = {
            "seconds": seconds, "fees_paid": paid, "fees_per_second": count / seconds,
            "cpu_ms_per_fee": {name: cpu.ms_per(name, count) for name in ("worker", "server")},
        }  # fmt: skip
    mine, twin = raw["trajectory"], raw["twin"]
    rows = [
        Row("quarterly fees", f"{count:,} fees due at once, paid", mine["fees_per_second"], twin["fees_per_second"],
            "per s", ">= 0.7x", key="h"),
        *cpu_rows("quarterly fees", "h", "fee", mine["cpu_ms_per_fee"], twin["cpu_ms_per_fee"]),
    ]  # fmt: skip
    notes = []
    if count < 2000:
        notes.append(f"(h) measured with {count:,} fees and a cache of {raw['cache']}: the target asks for 2,000.")
    for kind in ("trajectory", "twin"):
        if raw[kind]["fees_paid"] < count:
            notes.append(f"(h) only {raw[kind]['fees_paid']} of {count} {kind} fees were seen in the outbox.")
    raw["notes"] = notes
    return rows, raw
