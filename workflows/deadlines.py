"""The open deadlines of a trajectory, as data. The workflow keeps one timer: for the earliest.

The book is the ONE place where a deadline's due moment is computed from the moment the route's arithmetic
gives: with a working-day calendar (``domain.calendar``, patch ``working-days``) every deadline armed, re-armed,
escalated or resumed falls due at the start of a working day in Europe/Amsterdam, so a route that arms
a new deadline gets that without doing anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.calendar import WorkingDays
    from domain.dates import add_months
    from domain.records import Deadline, DeadlineAction, DueDeadline, Escalation


class DeadlineBook:
    """Arms, moves, clears and fires named deadlines. Deterministic: time is always passed in."""

    def __init__(self, deadlines: dict[str, Deadline] | None = None, calendar: WorkingDays | None = None):
        self.open: dict[str, Deadline] = dict(deadlines or {})
        self.calendar = calendar
        """Working days, or ``None``: deadlines fall due at their nominal moment (runs from before the patch)."""

    def placed(self, name: str, nominal: datetime) -> dict[str, Any]:
        """``due`` (and ``nominal``, ``moved``) of deadline ``name`` whose arithmetic gives ``nominal``."""
        if self.calendar is None:
            return {"due": nominal}
        due, moved = self.calendar.due(name, nominal)
        return {"due": due, "nominal": nominal, "moved": moved}

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
            **self.placed(name, due),
            summary=summary,
            action=action,
            scope=tuple(scope),
            escalation=escalation,
            every_months=every_months,
            anchor=due if every_months else None,
            private=private,
        )

    def clear(self, *names: str) -> None:
        for name in names:
            self.open.pop(name, None)

    def keep_in_scope(self, state: str) -> None:
        """Drop every deadline that does not belong to ``state``: what was met or moot never fires."""
        self.open = {n: d for n, d in self.open.items() if state in d.scope}

    def running(self) -> list[Deadline]:
        """The open deadlines whose clock runs (not paused), earliest first."""
        return sorted((d for d in self.open.values() if d.paused_at is None), key=lambda d: (d.due, d.name))

    def next(self) -> Deadline | None:
        running = self.running()
        return running[0] if running else None

    def pause(self, state: str, now: datetime) -> None:
        """Stop the clock of every running deadline of ``state``: none of them fires until :meth:`resume`."""
        for name, deadline in self.open.items():
            if state in deadline.scope and deadline.paused_at is None:
                self.open[name] = deadline.model_copy(update={"paused_at": now})

    def resume(self, state: str, now: datetime) -> timedelta:
        """Restart the paused deadlines of ``state``, each moved by the time it was actually paused.

        Returns the longest pause moved by (zero when nothing was paused).
        """
        longest = timedelta(0)
        for name, deadline in self.open.items():
            if state in deadline.scope and deadline.paused_at is not None:
                paused = now - deadline.paused_at
                longest = max(longest, paused)
                self.open[name] = self._moved(deadline, paused, paused_at=None)
        return longest

    def next_public(self) -> Deadline | None:
        """The earliest deadline whose due date may be shown in visibility (not derived from personal data)."""
        return next((d for d in self.running() if not d.private), None)

    def pop_due(self, now: datetime) -> list[Deadline]:
        """Take the deadlines due by ``now``; recurring ones are re-armed, escalations armed."""
        due = [d for d in self.running() if d.due <= now]
        for deadline in due:
            del self.open[deadline.name]
            if deadline.every_months and deadline.anchor:
                occurrence = deadline.occurrence + 1
                next_due = add_months(deadline.anchor, deadline.every_months * occurrence)
                self.open[deadline.name] = deadline.model_copy(
                    update={**self._place(deadline, next_due), "occurrence": occurrence}
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

    def due_list(self) -> list[DueDeadline]:
        """The running deadlines for the view and the agenda, earliest first; personal-data ones left out."""
        return [
            DueDeadline(name=d.name, kind=d.kind, summary=d.summary, due=d.due, nominal=d.nominal, moved=d.moved)
            for d in self.running()
            if not d.private
        ]

    def as_dict(self) -> dict[str, datetime]:
        """Running deadlines by name; paused ones are left out until they resume."""
        return {d.name: d.due for d in self.running()}

    def _place(self, deadline: Deadline, nominal: datetime) -> dict[str, Any]:
        """Place ``deadline`` at a new nominal moment: on the calendar if it was armed on one."""
        if deadline.nominal is None:  # armed before working days: its due is its nominal moment
            return {"due": nominal}
        return self.placed(deadline.name, nominal)

    def _moved(self, deadline: Deadline, by: timedelta, **update: object) -> Deadline:
        anchor = deadline.anchor + by if deadline.anchor else None
        nominal = (deadline.nominal or deadline.due) + by
        return deadline.model_copy(update={**self._place(deadline, nominal), "anchor": anchor, **update})
