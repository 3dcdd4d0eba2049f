"""Each region's route as an explicit python-statemachine machine.

Pure: no I/O, no clock. A machine decides which event is allowed in which state and keeps the route's
case facts; the workflow that drives it owns time, deadlines and side effects.
"""

from statemachines.almere import AlmereRoute
from statemachines.rijk_van_nijmegen import RijkVanNijmegenRoute

ROUTES = {"almere": AlmereRoute, "rijk-van-nijmegen": RijkVanNijmegenRoute}

__all__ = ["ROUTES", "AlmereRoute", "RijkVanNijmegenRoute"]
