"""What one workflow task adds to the records database, written by one activity (``activities/projection.py``).

Pure: the engine collects a task's rows here (``TrajectoryWorkflow.project``) and flushes them as one
``project`` activity, instead of one activity per row. Each part is a field holding items with stable ids, so
a retried write is a no-op. A helper that records something new adds a field here and a part writer in
``activities/projection.py``; nothing else changes.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from domain.agenda import AgendaSnapshot
from domain.facts import OutcomeFact
from domain.messages import AuditEntry
from domain.payments import PaymentOrder


class Projection(BaseModel):
    """One workflow task's rows for the records database. ``key`` (workflow id + sequence) is stable."""

    workflow_id: str
    key: str
    audit: list[AuditEntry] = Field(default_factory=list)
    """Audit rows: accepted events and delivered or undeliverable notifications."""
    payments: list[PaymentOrder] = Field(default_factory=list)
    """Payment orders for the ledger (``payment_ledger``), keyed on the payment id."""
    facts: list[OutcomeFact] = Field(default_factory=list)
    """Outcome facts: the start and every accepted transition, for the figures (``domain.facts``)."""
    agenda: AgendaSnapshot | None = None
    """The trajectory's open deadlines when they changed in this task: replaces its agenda rows (``domain.agenda``)."""

    def parts(self) -> dict[str, Any]:
        """The parts that hold something, by field name (``key`` and ``workflow_id`` are not parts)."""
        return {
            name: value
            for name in type(self).model_fields
            if name not in ("workflow_id", "key") and (value := getattr(self, name)) not in (None, [], {})
        }

    def add(self, part: str, item: Any) -> None:
        """Append ``item`` to a list part, or set a single-valued part (e.g. a snapshot) to it."""
        if part not in type(self).model_fields or part in ("workflow_id", "key"):
            raise ValueError(f"unknown projection part {part!r}")
        current = getattr(self, part)
        if isinstance(current, list):
            current.append(item)
        else:
            setattr(self, part, item)

    @property
    def empty(self) -> bool:
        return not self.parts()

    def then(self, later: Projection | None) -> Projection:
        """This projection followed by ``later``'s rows (a write that has to be redone, with what came since):
        list parts in order, a single-valued part (the agenda snapshot) the later one's when it has one."""
        if later is None:
            return self
        merged = self.model_copy(deep=True)
        for name, value in later.parts().items():
            if isinstance(value, list):
                getattr(merged, name).extend(value)
            else:
                setattr(merged, name, value)
        return merged


class ProjectionSummary(BaseModel):
    """What a ``project`` call wrote: rows per part that were new (a retry reports zeros).

    The task writes (``order_and_project``, ``order_and_try_project``, patch ``one-write-per-task``) also hand
    the projection's payment orders to the payments system: ``ordered`` of them were new there. ``stored`` is
    false when the records database did not take the rows (only the local ``order_and_try_project`` says so
    instead of failing, with the database's ``error``): the workflow then writes them with ``order_and_project``,
    which Temporal retries until the database is back."""

    key: str
    written: dict[str, int] = Field(default_factory=dict)
    ordered: int = 0
    stored: bool = True
    error: str | None = None
