"""A micro-benchmark, no server: what building a route's state machine costs, the way a workflow builds it.

A worker builds a trajectory's machine for every run it starts and every replay after an eviction, with the
trajectory workflow as a listener (its ``on_enter_*``/``after_*`` hooks). python-statemachine resolves every
callback name against the machine, its case and the workflow per instance; ``statemachines.route`` resolves
them once per kind and shares the registry. Each region's machine is built both ways in the same run (the
"twin" column here is the library's own per-instance resolution, ``Route.share_callbacks = False``), with the
time per build (median), the memory each built machine keeps (tracemalloc) and the time to list the events
allowed now (every Update and view does). The listener is the region's workflow object made without its
``__init__`` (which needs a running workflow); the library only reads its attributes while building.
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from benchmarks.report import Row, progress
from statemachines.route import Route

KEPT = 20
"""Machines built and kept to read the memory one keeps."""


@contextmanager
def per_instance(share: bool) -> Iterator[None]:
    """Build machines with the shared registry (``True``) or python-statemachine's per-instance one."""
    before = Route.share_callbacks
    Route.share_callbacks = share
    try:
        yield
    finally:
        Route.share_callbacks = before


CASE_FIELDS: dict[str, Any] = {"coach_id": "coach-anna", "staff": {}, "young": True, "municipal_benefit": True}
"""Enough for every region's case model at the start of a trajectory (each takes the fields it has)."""


def _builders() -> dict[str, Callable[[], Any]]:
    from workflows import WORKFLOWS

    builders: dict[str, Callable[[], Any]] = {}
    for region, workflow_class in WORKFLOWS.items():
        fields = {name: value for name, value in CASE_FIELDS.items() if name in workflow_class.case_class.model_fields}
        case = workflow_class.case_class.model_validate(fields)
        listener = object.__new__(workflow_class)

        def build(workflow_class: Any = workflow_class, case: Any = case, listener: Any = listener) -> Any:
            return workflow_class.route_class(case.model_copy(), workflow_class.policy, listeners=[listener])

        builders[region] = build
    return builders


def _measure(build: Callable[[], Any], repeat: int) -> dict[str, float]:
    build()  # the first build of a kind resolves its shared registry: not a steady-state figure
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        build()
        times.append(time.perf_counter() - began)
    gc.collect()
    tracemalloc.start()
    try:
        kept = [build() for _ in range(KEPT)]
        kib = tracemalloc.get_traced_memory()[0] / KEPT / 1024
    finally:
        tracemalloc.stop()
    listing = []
    for machine in kept[:repeat]:
        began = time.perf_counter()
        machine.allowed_now()
        listing.append(time.perf_counter() - began)
    return {
        "build_ms": statistics.median(times) * 1000,
        "kib": kib,
        "allowed_now_ms": statistics.median(listing) * 1000,
    }


def machine_construction(*, repeat: int) -> tuple[list[Row], dict[str, Any]]:
    progress(f"machines: each route's machine built {repeat} times, shared registry and per instance")
    raw: dict[str, Any] = {"repeat": repeat}
    rows: list[Row] = []
    for region, build in _builders().items():
        with per_instance(True):
            shared = _measure(build, repeat)
        with per_instance(False):
            library = _measure(build, repeat)
        raw[region] = {"shared": shared, "per_instance": library}
        rows += [
            Row("route machine (twin: per-instance)", f"{region}: build", shared["build_ms"],
                library["build_ms"], "ms"),
            Row("route machine (twin: per-instance)", f"{region}: memory kept", shared["kib"], library["kib"],
                "KiB"),
            Row("route machine (twin: per-instance)", f"{region}: allowed_now", shared["allowed_now_ms"],
                library["allowed_now_ms"], "ms"),
        ]  # fmt: skip
    return rows, raw
