"""Long-running Temporal workflows, one per region. Deterministic code only.

The registry below is resolved on first use (PEP 562 ``__getattr__``), not when the package is imported:
the workflow sandbox imports a region's module, and with it this package, for every workflow run it
starts, and importing every region there cost each trajectory the time and memory of all of them
(see BENCHMARKS.md). ``from workflows import WORKFLOWS`` works as before.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_CLASSES = {
    "AgendaDigest": "workflows.agenda_digest",
    "AlmereTrajectory": "workflows.almere",
    "AmsterdamTrajectory": "workflows.amsterdam",
    "CaseloadHandover": "workflows.caseload_handover",
    "OssTrajectory": "workflows.oss",
    "ProviderMeetingReminder": "workflows.provider_meeting",
    "RijkVanNijmegenTrajectory": "workflows.rijk_van_nijmegen",
}
_REGIONS = {
    "almere": "AlmereTrajectory",
    "amsterdam": "AmsterdamTrajectory",
    "oss": "OssTrajectory",
    "rijk-van-nijmegen": "RijkVanNijmegenTrajectory",
}
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
