"""Long-running Temporal workflows, one per region. Deterministic code only.

The registry below is resolved on first use (PEP 562 ``__getattr__``), not when the package is imported:
the workflow sandbox imports a region's module, and with it this package, for every workflow run it
starts, and importing every region there cost each trajectory the time and memory of all of them
(see BENCHMARKS.md). ``from workflows import WORKFLOWS`` works as before.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from domain.regions import REGIONS

_CLASSES = {
    "AgendaDigest": "workflows.agenda_digest",
    "CaseloadHandover": "workflows.caseload_handover",
    "ProviderMeetingReminder": "workflows.provider_meeting",
    **{region.workflow_type: region.workflow.partition(":")[0] for region in REGIONS.values()},
}
_REGIONS = {name: region.workflow_type for name, region in REGIONS.items()}
"""The routes, from the one region registry (``domain/regions.py``)."""
_SCHEDULED = ["ProviderMeetingReminder", "AgendaDigest"]
_SERVICE = ["CaseloadHandover"]

WORKFLOWS: dict[str, Any]
"""Region → workflow class: what the worker registers and starters look up."""

SCHEDULED_WORKFLOWS: list[Any]
"""Workflows started by Temporal Schedules (``trajectories.schedules``), not by backends; the worker registers them too."""

SERVICE_WORKFLOWS: list[Any]
"""Workflows staff start through the API or CLI to act on many trajectories (the caseload hand-over); registered too."""


def __getattr__(name: str) -> Any:
    if name in _CLASSES:
        value = getattr(import_module(_CLASSES[name]), name)
    elif name == "WORKFLOWS":
        value = {region: __getattr__(class_name) for region, class_name in _REGIONS.items()}
    elif name == "SCHEDULED_WORKFLOWS":
        value = [__getattr__(class_name) for class_name in _SCHEDULED]
    elif name == "SERVICE_WORKFLOWS":
        value = [__getattr__(class_name) for class_name in _SERVICE]
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


__all__ = ["WORKFLOWS", "SCHEDULED_WORKFLOWS", "SERVICE_WORKFLOWS", *_CLASSES]
