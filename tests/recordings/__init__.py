"""Scenarios whose histories are recorded into ``tests/histories`` and replayed by ``test_replay``.

Each region has a module here; a scenario is an async function decorated with :func:`recording`
that drives trajectories on a time-skipping server and returns the handles whose histories to keep.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from typing import Any

from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

Scenario = Callable[[WorkflowEnvironment, Worker], Awaitable[WorkflowHandle[Any, Any]]]
SCENARIOS: dict[str, Scenario] = {}


def recording(name: str, *, own_worker: bool = False) -> Callable[[Scenario], Scenario]:
    """Register a scenario; its history is stored as ``tests/histories/<name>.json``.

    ``own_worker``: the scenario runs on a worker it builds itself (e.g. with a failing notification
    channel) instead of the one it is given, so tests that drive scenarios on their own worker skip it."""

    def register(scenario: Scenario) -> Scenario:
        scenario.own_worker = own_worker  # type: ignore[attr-defined]
        SCENARIOS[name] = scenario
        return scenario

    return register


def load_all() -> dict[str, Scenario]:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return SCENARIOS
