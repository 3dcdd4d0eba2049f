"""Target (h), on the time-skipping server: ``count`` quarterly supervision fees falling due at one moment.

``count`` Almere trajectories are driven together to a permanent contract, so their first payments fall due at
the same moment (since patch ``payments-ordered-ahead`` the first monthly subsidy's wake-up orders the first
quarterly fee with it, ahead, and every period up to the first visit: the wake-up that pays the fee); their twins, on a fresh server, are driven the same way and copy the first
trajectory's history (the same timers firing at the same moments, the same payment orders and projection
writes when they fire). The workers run in this process with the production cache, so with more open than the
cache holds most of them are replayed from their history first.

How the moment is reached, the same way on both sides: virtual time is skipped to ten minutes before the fee
(through the monthly wage-cost subsidies before it, which the workers pay on the way), the workers are let go
quiet, virtual time is skipped again to a few seconds before the fee, and from there the server's clock runs
at the speed of real time (time skipping is locked between sleeps), as a production server's does. The figure
is the real time from the fee's moment to the last payment order written to the outbox, measured once every
trajectory has written at least one and the workers are quiet again; no sleep call is under way while it is
measured, so the test server's skipping is no part of it.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
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
from benchmarks.servers import TimeSkippingServer, time_skipping_server
from service import config

BEFORE = timedelta(minutes=10)
"""Skipped to this long before the fee first; the workers finish what fell due on the way."""
LEAD = timedelta(seconds=5)
"""Then to this long before the fee; the rest passes in real time."""


def patience(count: int) -> float:
    """Real seconds to wait for ``count`` fees to be paid before the figure is given up (a note says so)."""
    return 120.0 + count


def outbox(kind: str) -> list[Path]:
    """Where the orders land: the trajectory's payments folder; the twin's copies of the trajectory's activity
    that orders a fee (``order_and_try_project`` since patch ``one-write-per-task``, ``order_payment`` before)."""
    if kind == "trajectory":
        return [config.outbox_dir() / "payments"]
    return [bare_root() / "outbox" / f"bare-{name}" for name in ("order_payment", "order_and_try_project")]


def orders(kind: str) -> dict[str, float]:
    """The payment orders written so far, with the time each was written."""
    found: dict[str, float] = {}
    for path in [path for folder in outbox(kind) if folder.exists() for path in folder.glob("*.json")]:
        try:
            found[path.name] = path.stat().st_mtime
        except FileNotFoundError:  # being replaced by its writer
            continue
    return found


async def arrive(env: TimeSkippingServer, moment: datetime, pids: list[int]) -> float:
    """Skip to just before ``moment`` with the work before it done; returns ``moment`` as a ``time.time()``."""
    await env.sleep(moment - BEFORE - await env.get_current_time())
    await settled(pids, timeout=BEFORE.total_seconds())  # the local activities (invisible to the test server)
    now = await env.get_current_time()
    if moment - now > LEAD:
        await env.sleep(moment - now - LEAD)
        now = await env.get_current_time()
    wall = time.time()
    if now >= moment:
        raise RuntimeError(f"the work before the fee took longer than {BEFORE}: arrived at {now}, after {moment}")
    return wall + (moment - now).total_seconds()


async def paid(kind: str, before: dict[str, float], count: int, pids: list[int]) -> dict[str, float]:
    """Until at least one new payment order per trajectory is in the outbox and the workers are quiet."""
    began, limit = time.perf_counter(), patience(count)
    while time.perf_counter() - began < limit:
        await asyncio.sleep(0.25)
        new = {name: at for name, at in orders(kind).items() if name not in before}
        if len(new) >= count:  # each trajectory has ordered (some may order more: quiet workers say when done)
            await settled(pids, quiet=0.02, interval=0.25, timeout=limit - (time.perf_counter() - began))
            return {name: at for name, at in orders(kind).items() if name not in before}
    return {name: at for name, at in orders(kind).items() if name not in before}


async def quarterly_fees(*, count: int, parallel: int) -> tuple[list[Row], dict[str, Any]]:
    raw: dict[str, Any] = {"count": count, "cache": config.workflow_cache_size()}
    plan: BarePlan | None = None
    fee_after_start: timedelta | None = None  # from the moment the drive began (each server has its own clock)
    first_after_start = timedelta(0)  # the first trajectory's start, likewise
    notes: list[str] = []
    for kind in ("trajectory", "twin"):
        progress(f"(h) quarterly fees: {kind}, {count} driven to a permanent contract")
        async with time_skipping_server() as env, Pair(env.client) as pair:
            pids = [me(), test_server_pid() or me()]
            clock = SkippedClock(env)
            began_at = await env.get_current_time()
            if plan is None:
                handles = await start_all(lambda i: pair.start_trajectory(STEADY_YEAR), count, parallel)
            else:
                twin = BarePlan(
                    start=plan.start, timers=plan.timers, updates=plan.updates, stay_open=True,
                    timer_epoch=began_at + first_after_start,
                )  # fmt: skip
                handles = await start_all(lambda i: pair.start_bare(twin), count, parallel)
            await drive(handles, STEADY_YEAR.steps, clock, parallel=parallel)
            await env.sleep(timedelta(hours=1))  # what the last event set off has settled
            if fee_after_start is None:
                view = await handles[0].query("view")
                fee_due = min(due for name, due in view["deadlines"].items() if name.startswith("payment:"))
                fee_after_start = datetime.fromisoformat(str(fee_due).replace("Z", "+00:00")) - began_at
            moment = await arrive(env, began_at + fee_after_start, pids)
            before = orders(kind)
            progress(f"(h) quarterly fees: {kind}, the fees fall due")
            cpu = _cpu()
            await asyncio.sleep(max(0.0, moment - time.time()))
            with cpu.measuring():
                new = await paid(kind, before, count, pids)
            seconds = max(new.values(), default=moment) - moment
            if plan is None:
                events = await history(handles[0])
                first_after_start = events[0].event_time.ToDatetime().replace(tzinfo=UTC) - began_at
                plan = plan_from_history(events)
            await terminate_all(handles, parallel)
        if len(new) < count:
            notes.append(f"(h) only {len(new)} {kind} payment orders for {count} fees after {patience(count):.0f} s.")
        raw[kind] = {
            "seconds": seconds, "orders": len(new), "fees_per_second": count / seconds if seconds > 0 else None,
            "cpu_ms_per_fee": {name: cpu.ms_per(name, count) for name in ("worker", "server")},
        }  # fmt: skip
    mine, twin = raw["trajectory"], raw["twin"]
    rows = [
        Row("quarterly fees", f"{count:,} fees due at once, paid", mine["fees_per_second"], twin["fees_per_second"],
            "per s", ">= 0.7x", key="h"),
        *cpu_rows("quarterly fees", "h", "fee", mine["cpu_ms_per_fee"], twin["cpu_ms_per_fee"]),
    ]  # fmt: skip
    if count < 2000:
        notes.append(f"(h) measured with {count:,} fees and a cache of {raw['cache']}: the target asks for 2,000.")
    raw["notes"] = notes
    return rows, raw
