"""The forecast's speed: ``people`` drawn over all regions, ``months`` ahead, on this machine (issue 21's target:
1,000 people over 24 months in under 5 minutes). No bare twin: the figure is the wall time of the real thing,
dealt over one process per core (``trajectories.forecast.run.default_shares``); the load average before and
after says how quiet the machine was, and the CPU seconds of the forecast's processes (its shares and their test
servers, user + system) what the run cost whatever the load: on a busy machine the wall time grows, the CPU
seconds hardly."""

from __future__ import annotations

import os
import resource
import time
from typing import Any

from benchmarks.report import Row
from domain.regions import REGION_NAMES
from trajectories.forecast.assumptions import Assumptions
from trajectories.forecast.run import default_shares, forecast


async def forecast_speed(*, people: int, months: int = 24) -> tuple[list[Row], dict[str, Any]]:
    shares = default_shares(people)
    load_before = os.getloadavg()[0]
    began = time.perf_counter()
    cpu_before = _cpu_seconds()
    result = await forecast(regions=list(REGION_NAMES), months=months, cohort=people, per_month=None, seed=1,
                            policies=[], assumptions=Assumptions(), shares=shares)  # fmt: skip
    seconds = time.perf_counter() - began
    cpu = _cpu_seconds() - cpu_before
    (report,) = result.reports
    row = Row("forecast", f"{people:,} people × {months} months, wall time", seconds, unit="s",
              target="<= 300", absolute=True)  # fmt: skip
    cpu_row = Row("forecast", f"{people:,} people × {months} months, CPU (shares and test servers)", cpu, unit="s",
                  absolute=True)  # fmt: skip
    return [row, cpu_row], {"people": people, "months": months, "seconds": round(seconds, 1), "processes": shares,
                   "cpu_seconds": round(cpu, 1), "load_average_before": round(load_before, 2),
                   "load_average_after": round(os.getloadavg()[0], 2),
                   "events_accepted": report.events_accepted, "events_refused": len(report.events_refused)}  # fmt: skip


def _cpu_seconds() -> float:
    """User + system CPU of this process and of its children that ended (the shares, which wait for their test
    servers); a forecast of one share runs in this process."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
