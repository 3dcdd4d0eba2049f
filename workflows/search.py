"""Finding trajectories: the filter model and the visibility query built from it, shared by the API, the CLI
and the caseload hand-over's activity (which is why it lives below the front-ends).

The visibility query is built only from validated values (a known region, a known state, a staff id that
cannot contain quotes, a datetime), never from raw input, so a caller cannot widen or break the query.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from domain.identifiers import StaffId
from domain.regions import REGION_NAMES
from domain.regions import REGIONS as REGISTRY
from statemachines import ROUTES
from workflows.contract import COACH_ID, NEXT_DEADLINE, REGION, TRAJECTORY_STATE

REGIONS: tuple[str, ...] = REGION_NAMES
STATES: dict[str, tuple[str, ...]] = {
    region: tuple(state.id for state in route.states) for region, route in ROUTES.items()
}
"""Every region's state ids, from its machine: the values ``TrajectoryState`` can take."""

MAX_LIMIT = 1000


def _known_state(value: str) -> str:
    known = sorted({state for states in STATES.values() for state in states})
    if value not in known:
        raise ValueError(f"unknown state {value!r}; known states: {', '.join(known)}")
    return value


Region = Literal[REGIONS]  # type: ignore[valid-type]
StateId = Annotated[str, AfterValidator(_known_state)]


class TrajectoryFilter(BaseModel):
    """What staff and backends filter on; every field narrows the result (AND)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    region: Region | None = None
    state: StateId | None = Field(default=None, description="A state id of any region's machine.")
    coach: StaffId | None = Field(default=None, description="The coach (CoachId) who owns the trajectory.")
    overdue: bool = Field(default=False, description="Only open trajectories whose NextDeadline lies before `as_of`.")
    as_of: AwareDatetime | None = Field(
        default=None, description="The moment `overdue` compares with (default: now); timezone-aware."
    )
    open: bool | None = Field(default=None, description="true: running only; false: closed only; unset: both.")
    limit: int = Field(default=100, ge=1, le=MAX_LIMIT)

    @field_validator("state")
    @classmethod
    def _state_of_region(cls, state: str | None, info: ValidationInfo) -> str | None:
        region = info.data.get("region")
        if state is not None and region is not None and state not in STATES[region]:
            raise ValueError(f"{region} has no state {state!r}; its states: {', '.join(STATES[region])}")
        return state

    @field_validator("open")
    @classmethod
    def _overdue_is_open(cls, open: bool | None, info: ValidationInfo) -> bool | None:
        if open is False and info.data.get("overdue"):
            raise ValueError("overdue trajectories are open ones: leave out open=false with overdue=true")
        return open

    def query(self, now: datetime | None = None) -> str:
        """The visibility query: only trajectory workflows, narrowed by each given field."""
        types = ", ".join(_literal(region.workflow_type) for region in REGISTRY.values())
        clauses = [f"WorkflowType IN ({types})"]
        if self.region is not None:
            clauses.append(f"{REGION.name} = {_literal(self.region)}")
        if self.state is not None:
            clauses.append(f"{TRAJECTORY_STATE.name} = {_literal(self.state)}")
        if self.coach is not None:
            clauses.append(f"{COACH_ID.name} = {_literal(self.coach)}")
        if self.open or self.overdue:
            clauses.append(f"ExecutionStatus = {_literal('Running')}")
        elif self.open is False:
            clauses.append(f"ExecutionStatus != {_literal('Running')}")
        if self.overdue:
            moment = (self.as_of or now or datetime.now(UTC)).astimezone(UTC)
            clauses.append(f"{NEXT_DEADLINE.name} < {_literal(moment.isoformat().replace('+00:00', 'Z'))}")
        return " AND ".join(clauses)


_SAFE_LITERAL = re.compile(r"^[A-Za-z0-9._:+-]+$")


def _literal(value: str) -> str:
    """A quoted query literal; the filter's types already exclude quotes, this refuses them once more."""
    if not _SAFE_LITERAL.fullmatch(value):
        raise ValueError(f"refusing to put {value!r} into a visibility query")
    return f'"{value}"'
