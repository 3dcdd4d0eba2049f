"""The agenda (*agenda*): every open deadline of a trajectory, as the records database keeps it for coaches.

Pure. The workflow projects an :class:`AgendaSnapshot` whenever its open deadlines (or its coach) change; the
projection replaces that trajectory's rows, so the agenda is always the deadlines the workflow holds now.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from domain.calendar import local_time


class AgendaEntry(BaseModel):
    """One open deadline: what is due, for whom, when, and why it moved off its nominal date."""

    uid: str = Field(description="Stable per trajectory and deadline: a moved deadline keeps it (iCalendar UID).")
    deadline: str
    kind: str
    summary: str
    due: datetime
    recipient: str | None = Field(default=None, description="Who is told when it falls due; None: a payment or a step.")
    moved: str | None = None


class AgendaSnapshot(BaseModel):
    """A trajectory's open deadlines at one moment; an empty list clears its rows (it closed)."""

    workflow_id: str
    region: str
    trajectory_id: str
    coach_id: str
    entries: list[AgendaEntry] = Field(default_factory=list)


class AgendaItem(AgendaEntry):
    """One agenda row as coaches read it."""

    region: str
    trajectory_id: str
    coach_id: str


def uid_for(workflow_id: str, deadline: str) -> str:
    """The iCalendar UID of ``deadline`` of ``workflow_id``: no personal data, stable when the date moves."""
    return f"{workflow_id}.{deadline}@trajectories"


def digest_body(items: list[AgendaItem]) -> str:
    """The weekly digest's text: one line per deadline, in Amsterdam time, ids and kinds only."""
    lines = [
        f"{local_time(item.due):%a %d %b %H:%M}  {item.region} {item.trajectory_id}  {item.kind.replace('_', ' ')}"
        + (f" ({item.moved})" if item.moved else "")
        for item in items
    ]
    return "Due this week (Amsterdam time):\n" + "\n".join(lines)
