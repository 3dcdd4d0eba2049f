"""What a trajectory carries across continue-as-new.

These models live in ``domain`` (passed through the workflow sandbox) rather than in the workflow module:
the sandbox re-imports workflow modules for every run it starts, and building pydantic models there cost
every trajectory milliseconds and memory (see BENCHMARKS.md).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from domain.payments import PaymentStream
from domain.records import Deadline, NotificationRecord, PaymentRecord, TransitionRecord
from domain.start import TrajectoryStart


class TrajectorySnapshot(BaseModel):
    """Everything a trajectory carries across continue-as-new."""

    case: dict[str, Any]
    deadlines: dict[str, Deadline]
    history: list[TransitionRecord]
    notifications: list[NotificationRecord]
    payments: list[PaymentRecord]
    sequence: int
    streams: dict[str, PaymentStream] = {}
    """Running payment streams (absent in snapshots from before ``payment-streams``)."""
    update_ids: list[str] = []
    """The Update IDs of the last events the trajectory accepted, newest last: a retried event (the same
    Idempotency-Key) that reaches a later run is answered, not applied again (absent in older snapshots)."""


class TrajectoryContinuation(BaseModel):
    """The input of a continued run: the original start and what the previous run carried."""

    start: TrajectoryStart
    snapshot: TrajectorySnapshot
    patched: list[str] | None = None
    """The patches the trajectory had when it continued (``workflows.patches.PatchMemory``): the continued run
    takes them without asking, so without recording their markers again. ``None``: from before
    ``carried-patches``, the run asks every patch."""


TrajectoryInput = TrajectoryStart | TrajectoryContinuation
"""A workflow's one argument: a plain start from a backend, or a continuation from continue-as-new."""
