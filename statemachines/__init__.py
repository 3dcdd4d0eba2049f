"""Each region's route as an explicit python-statemachine machine.

Pure: no I/O, no clock. A machine decides which event is allowed in which state and keeps the route's
case facts; the workflow that drives it owns time, deadlines and side effects.
"""

from domain.regions import REGIONS, load
from statemachines.route import Route

ROUTES: dict[str, type[Route]] = {name: load(region.machine) for name, region in REGIONS.items()}
"""Region → its machine, from the one region registry (``domain/regions.py``)."""

__all__ = ["ROUTES", "Route"]
