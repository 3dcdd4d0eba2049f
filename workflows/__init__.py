"""Long-running Temporal workflows, one per region. Deterministic code only."""

from workflows.almere import AlmereTrajectory
from workflows.oss import OssTrajectory

WORKFLOWS = {"almere": AlmereTrajectory, "oss": OssTrajectory}
"""Region → workflow class: what the worker registers and starters look up."""

__all__ = ["WORKFLOWS", "AlmereTrajectory", "OssTrajectory"]
