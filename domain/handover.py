"""Caseload hand-over (overdracht van de caseload): every open trajectory of one coach to another, at once.

Pure models: what is asked, what each trajectory's reassignment came to, and the progress staff follow.
The :class:`~workflows.caseload_handover.CaseloadHandover` workflow does the work.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, computed_field, field_validator

from domain.identifiers import StaffId

HandoverId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$"),
    Field(description="Chosen by the caller or generated; lower-case letters, digits and dashes."),
]


def handover_workflow_id(handover_id: str) -> str:
    return f"caseload-handover-{handover_id}"


class HandoverRequest(BaseModel):
    """Reassign every open trajectory of ``from_coach`` (optionally only in ``region`` and/or ``state``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    handover_id: HandoverId
    from_coach: StaffId
    to_coach: StaffId
    actor: StaffId = Field(description="Who orders the hand-over: the actor of every coach_reassigned event.")
    region: str | None = None
    state: str | None = None
    client: str | None = Field(
        default=None, description="The API client that ordered it, recorded beside the actor of each event."
    )

    @field_validator("to_coach")
    @classmethod
    def _another_coach(cls, to_coach: str, info: ValidationInfo) -> str:
        if to_coach == info.data.get("from_coach"):
            raise ValueError("must be another coach than the one whose caseload is handed over")
        return to_coach


class TrajectoryRef(BaseModel):
    """One trajectory found in the caseload (ids only)."""

    region: str
    trajectory_id: str
    workflow_id: str


class CaseloadQuery(BaseModel):
    """What the listing activity looks for: the open trajectories of ``coach``, narrowed by region and state."""

    coach: str
    region: str | None = None
    state: str | None = None


class Reassignment(BaseModel):
    """One trajectory to reassign, with the Update ID that makes a retried or repeated send a no-op."""

    trajectory: TrajectoryRef
    from_coach: str
    to_coach: str
    actor: str
    update_id: str
    since: datetime
    client: str | None = None
    """The API client that ordered the hand-over (recorded in each event's history record and audit row)."""
    """When the hand-over was requested: a ``coach_reassigned`` by ``actor`` since then is this hand-over's own."""


ReassignResult = Literal["reassigned", "already_reassigned", "not_owned", "closed", "refused"]


class ReassignOutcome(BaseModel):
    """What happened to one trajectory. Only ``reassigned`` changed it; the others say why not."""

    workflow_id: str
    result: ReassignResult
    detail: str = ""


class HandoverProgress(BaseModel):
    """What the ``progress`` Query and the finished workflow return; the API and CLI show it."""

    handover_id: str
    from_coach: str
    to_coach: str
    region: str | None = None
    state: str | None = None
    status: Literal["listing", "reassigning", "done"]
    total: int = 0
    reassigned: int = 0
    in_progress: list[str] = Field(default_factory=list, description="Workflow ids being reassigned now.")
    not_reassigned: list[ReassignOutcome] = Field(
        default_factory=list, description="Trajectories left as they were, each with the reason."
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def done(self) -> int:
        """Trajectories finished with, either way."""
        return self.reassigned + len(self.not_reassigned)


class HandoverInput(BaseModel):
    """The workflow's input: a new request, or a continuation carrying what is left and the tally so far."""

    request: HandoverRequest
    pending: list[TrajectoryRef] | None = None
    """``None`` until the caseload is listed; a continuation carries the trajectories not yet done."""
    since: datetime | None = None
    """When the hand-over began (the first run's workflow time)."""
    total: int = 0
    reassigned: int = 0
    not_reassigned: list[ReassignOutcome] = Field(default_factory=list)
