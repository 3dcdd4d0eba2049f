"""The shape of a sample: a start input and the events that bring it to an interesting state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Sample:
    """One sample trajectory of a region.

    ``start`` is the start input as JSON (the contract's ``TrajectoryStart``); ``events`` builds, from
    today's date, the ``submit_event`` payloads sent in order after the start.
    """

    region: str
    start: dict[str, Any]
    events: Callable[[date], list[dict[str, Any]]] = field(default=lambda today: [])
