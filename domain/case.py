"""What every route's case has: the facts the shared engine reads, whatever the region.

Each region's case (``AlmereCase``, ``OssCase``, …) extends :class:`TrajectoryCase` with the facts its machine
keeps. The engine reads these fields by name and type, not by ``getattr`` with a fallback.
"""

from __future__ import annotations

from pydantic import BaseModel


class TrajectoryCase(BaseModel):
    """The case facts every route keeps. A region's case may give ``state`` its machine's entry state as default."""

    state: str | None = None
    """The machine's current state (python-statemachine keeps it on the model)."""
    coach_id: str
    """Who owns the trajectory now (the engine's ``CoachId`` search attribute)."""
    employer_id: str | None = None
    """The employer once there is one: the payee of the route's payments to employers."""
