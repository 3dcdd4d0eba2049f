"""Long-running Temporal workflows, one per region. Deterministic code only."""

from workflows.almere import AlmereTrajectory
from workflows.rijk_van_nijmegen import RijkVanNijmegenTrajectory

WORKFLOWS = {"almere": AlmereTrajectory, "rijk-van-nijmegen": RijkVanNijmegenTrajectory}
"""Region → workflow class: what the worker registers and starters look up."""

__all__ = ["WORKFLOWS", "AlmereTrajectory", "RijkVanNijmegenTrajectory"]
