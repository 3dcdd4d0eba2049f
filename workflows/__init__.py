"""Long-running Temporal workflows, one per region. Deterministic code only."""

from workflows.almere import AlmereTrajectory
from workflows.amsterdam import AmsterdamTrajectory
from workflows.oss import OssTrajectory

WORKFLOWS = {"almere": AlmereTrajectory, "amsterdam": AmsterdamTrajectory, "oss": OssTrajectory}
"""Region → workflow class: what the worker registers and starters look up."""

__all__ = ["WORKFLOWS", "AlmereTrajectory", "AmsterdamTrajectory", "OssTrajectory"]
