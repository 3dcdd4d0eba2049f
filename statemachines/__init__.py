"""Each region's route as an explicit python-statemachine machine.

Pure: no I/O, no clock. A machine decides which event is allowed in which state and keeps the route's
case facts; the workflow that drives it owns time, deadlines and side effects.
"""

from statemachines.almere import AlmereRoute
from statemachines.amsterdam import AmsterdamRoute
from statemachines.oss import OssRoute
from statemachines.rijk_van_nijmegen import RijkVanNijmegenRoute

ROUTES = {
    "almere": AlmereRoute,
    "amsterdam": AmsterdamRoute,
    "oss": OssRoute,
    "rijk-van-nijmegen": RijkVanNijmegenRoute,
}

__all__ = ["ROUTES", "AlmereRoute", "AmsterdamRoute", "OssRoute", "RijkVanNijmegenRoute"]
