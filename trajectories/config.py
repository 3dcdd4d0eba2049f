"""Moved to :mod:`service.config` (settings belong on the bottom floor, which activities and the worker import).

This name remains only for modules that still import it from here while they are being changed elsewhere (the
API, the codec server, encryption); it re-exports the same functions. Import ``from service import config``.
"""

from service.config import *  # noqa: F403  (the same functions and constants)
