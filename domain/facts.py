"""Outcome facts (uitkomstfeiten): the milestones of a trajectory, kept after Temporal forgets it.

A trajectory's history lives in Temporal only until its retention runs out; the figures by which the seeds
judge a route (kengetallen: placements against target, the share of a provider's trajectories that end in
work, ladder steps climbed, wage-value growth) are counted over years. So every trajectory writes one fact
when it starts (``referred``, with its referral source) and one per accepted transition, through the same
idempotent projection write as its audit rows. Facts carry pseudonymous ids and coded values only: an
attribute is copied only if its name is in :data:`FACT_ATTRIBUTES`, never a note, reason or date of birth.
What a fact *means* (is this state work? is this event a fallback?) is each region's table in
:mod:`domain.milestones`, so the facts stay the same when a region changes how it counts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

REFERRED = "referred"
"""The event name of the fact written when a trajectory starts."""

WORK_KIND_ATTRIBUTES = ("outflow", "work_track", "track", "outcome")
"""Attributes, of the event or else of the case, that say which kind of work a step leads to."""


class OutcomeFact(BaseModel):
    """One milestone: a start or an accepted transition, with the coded facts the figures need."""

    key: str = Field(description="Stable: the workflow id and the trajectory's own sequence, so a retry writes once.")
    workflow_id: str
    region: str
    trajectory_id: str
    at: datetime
    event: str = Field(description=f"The event's name, or {REFERRED!r} for the start.")
    from_state: str | None = None
    to_state: str
    closed: bool = False
    source: str | None = Field(default=None, description="Referral source (verwijzer), on the start fact.")
    provider_id: str | None = None
    employer_id: str | None = None
    employer_type: str | None = Field(default=None, description="sw_company, provider or regular, when known.")
    work_kind: str | None = Field(default=None, description="The step's kind of work (e.g. sheltered_work).")
    value: int | None = Field(default=None, description="A measured value: ladder step or wage value (percent).")
    attempt: int = Field(default=0, description="Match attempts so far, as the case counts them.")


FACT_ATTRIBUTES = ("provider_id", "employer_id", "employer_type")
"""Coded, non-personal attributes copied from the event, else from the case."""

VALUE_ATTRIBUTES = ("step", "ladder_step", "wage_value_percent")
"""Measured values, copied from the event only (a value is a fact of the moment it was measured)."""


def _first(name: str, *sources: Any) -> Any:
    for source in sources:
        value = getattr(source, name, None)
        if value is not None:
            return value
    return None


def _code(value: Any) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))


def transition_fact(
    *,
    key: str,
    workflow_id: str,
    region: str,
    trajectory_id: str,
    at: datetime,
    event: str,
    payload: Any,
    case: Any,
    from_state: str | None,
    to_state: str,
    closed: bool,
    source: str | None = None,
) -> OutcomeFact:
    """The fact of ``event`` taking the trajectory from ``from_state`` to ``to_state``; ``payload`` is the
    event (``None`` for internal events and the start), ``case`` the route's case after the transition."""
    work_kind = next(
        (_code(_first(name, payload, case)) for name in WORK_KIND_ATTRIBUTES if _first(name, payload, case)), None
    )
    value = next((int(v) for name in VALUE_ATTRIBUTES if (v := getattr(payload, name, None)) is not None), None)
    return OutcomeFact(
        key=key,
        workflow_id=workflow_id,
        region=region,
        trajectory_id=trajectory_id,
        at=at,
        event=event,
        from_state=from_state,
        to_state=to_state,
        closed=closed,
        source=source,
        provider_id=_code(_first("provider_id", payload, case)),
        employer_id=_code(_first("employer_id", payload, case)),
        employer_type=_code(_first("employer_type", payload, case)),
        work_kind=work_kind,
        value=value,
        attempt=int(getattr(case, "match_attempts", 0) or 0),
    )
