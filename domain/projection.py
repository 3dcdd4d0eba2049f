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


class ProjectionSummary(BaseModel):
    """What a ``project`` call wrote: rows per part that were new (a retry reports zeros)."""

    key: str
    written: dict[str, int] = Field(default_factory=dict)
