"""The open deadlines of a trajectory, as data. The workflow keeps one timer: for the earliest."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.dates import add_months
    from domain.records import Deadline, DeadlineAction, Escalation, Notify, Recipient


class DeadlineBook:
    """Arms, moves, clears and fires named deadlines. Deterministic: time is always passed in."""

    def __init__(self, deadlines: dict[str, Deadline] | None = None):
        self.open: dict[str, Deadline] = dict(deadlines or {})

    def arm(
        self,
        name: str,
        due: datetime,
        summary: str,
        action: DeadlineAction,
        scope: Iterable[str],
        *,
        escalation: Escalation | None = None,
        every_months: int | None = None,
        private: bool = False,
    ) -> None:
        """Open (or replace) deadline ``name``; a recurring one repeats ``every_months`` from ``due``."""
        self.open[name] = Deadline(
            name=name,
            due=due,
            summary=summary,
            action=action,
            scope=tuple(scope),
            escalation=escalation,
            every_months=every_months,
            anchor=due if every_months else None,
            private=private,
        )

    def arm_escalating(
        self,
        name: str,
        due: datetime,
        summary: str,
        kind: str,
        scope: Iterable[str],
        *,
        escalate_after: timedelta,
        escalation_summary: str,
        escalation_kind: str | None = None,
        **options: Any,
    ) -> None:
        """Deadline ``name`` tells the coach (the owner) ``kind``; if nobody acted ``escalate_after`` later, the
        team lead is told (``escalation_kind``, default ``kind``) by deadline ``<name>_escalation``."""
        self.arm(
            name, due, summary, Notify(kind=kind, recipient=Recipient.COACH), scope,
            escalation=Escalation(
                name=f"{name}_escalation", after=escalate_after, summary=escalation_summary,
                notify=Notify(kind=escalation_kind or kind, recipient=Recipient.TEAM_LEAD),
            ),
            **options,
        )

    def clear(self, *names: str) -> None:
        for name in names:
            self.open.pop(name, None)

    def keep_in_scope(self, state: str) -> None:
        """Drop every deadline that does not belong to ``state``: what was met or moot never fires."""
        self.open = {n: d for n, d in self.open.items() if state in d.scope}

    def next(self) -> Deadline | None:
        return min(self.open.values(), key=lambda d: (d.due, d.name), default=None)

    def next_public(self) -> Deadline | None:
        """The earliest deadline whose due date may be shown in visibility (not derived from personal data)."""
        return min((d for d in self.open.values() if not d.private), key=lambda d: (d.due, d.name), default=None)

    def pop_due(self, now: datetime) -> list[Deadline]:
        """Take the deadlines due by ``now``; recurring ones are re-armed, escalations armed."""
        due = sorted((d for d in self.open.values() if d.due <= now), key=lambda d: (d.due, d.name))
        for deadline in due:
            del self.open[deadline.name]
            if deadline.every_months and deadline.anchor:
                occurrence = deadline.occurrence + 1
                self.open[deadline.name] = deadline.model_copy(
                    update={
                        "due": add_months(deadline.anchor, deadline.every_months * occurrence),
                        "occurrence": occurrence,
                    }
                )
            if deadline.escalation:
                escalation = deadline.escalation
                self.arm(
                    escalation.name,
                    deadline.due + escalation.after,
                    escalation.summary,
                    escalation.notify,
                    deadline.scope,
                )
        return due

    def as_dict(self) -> dict[str, datetime]:
        return {d.name: d.due for d in sorted(self.open.values(), key=lambda d: (d.due, d.name))}
