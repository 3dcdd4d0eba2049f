"""Long-running Temporal workflows, one per region. Deterministic code only."""

from workflows.almere import AlmereTrajectory
from workflows.amsterdam import AmsterdamTrajectory
from workflows.oss import OssTrajectory
from workflows.provider_meeting import ProviderMeetingReminder
from workflows.rijk_van_nijmegen import RijkVanNijmegenTrajectory

WORKFLOWS = {
    "almere": AlmereTrajectory,
    "amsterdam": AmsterdamTrajectory,
    "oss": OssTrajectory,
    "rijk-van-nijmegen": RijkVanNijmegenTrajectory,
}
"""Region → workflow class: what the worker registers and starters look up."""

SCHEDULED_WORKFLOWS = [ProviderMeetingReminder]
"""Workflows started by Temporal Schedules (``trajectories.schedules``), not by backends; the worker registers them too."""

__all__ = [
    "WORKFLOWS",
    "SCHEDULED_WORKFLOWS",
    "AlmereTrajectory",
    "AmsterdamTrajectory",
    "OssTrajectory",
    "ProviderMeetingReminder",
    "RijkVanNijmegenTrajectory",
]
