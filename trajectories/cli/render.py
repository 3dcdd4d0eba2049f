"""How the command shows things: ``rich`` tables for people, and plain JSON (``--json``) for scripts."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from domain.absences import Absence
from domain.handover import HandoverProgress
from domain.messages import AuditEntry
from domain.payments import euros
from domain.records import TrajectoryView
from trajectories.listing import TrajectorySummary, group_overdue


def print_json(console: Console, value: BaseModel | Iterable[BaseModel] | dict) -> None:
    """Machine-readable output: exactly what the HTTP API would return."""
    data: Any
    if isinstance(value, BaseModel):
        data = value.model_dump(mode="json", by_alias=True)
    elif isinstance(value, dict):
        data = value
    else:
        data = [item.model_dump(mode="json", by_alias=True) for item in value]
    console.print_json(json.dumps(data), indent=2)


def when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if moment else "—"


def relative(moment: datetime, now: datetime) -> str:
    """``in 3 days`` / ``overdue 2 days`` / ``in 5 hours``: what a coach needs at a glance."""
    delta = moment - now
    seconds = abs(delta.total_seconds())
    amount = f"{int(seconds // 86400)} days" if seconds >= 86400 else f"{int(seconds // 3600)} hours"
    return f"in {amount}" if delta.total_seconds() >= 0 else f"overdue {amount}"


WHOLE = {
    "absence",
    "stand-in",
    "trajectory",
    "coach",
    "deadline",
    "due (UTC)",
    "at (UTC)",
    "deadline (UTC)",
    "next deadline",
    "event",
    "actor",
    "recipient",
    "kind",
}
"""Columns never shortened: identifiers are copied into commands, dates must be read whole."""


def _table(title: str, *columns: str) -> Table:
    """One line a row; a narrow terminal shortens the other columns with an ellipsis (see :func:`_show`)."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
    for column in columns:
        table.add_column(column, no_wrap=True, overflow="ellipsis")
    return table


def _show(console: Console, table: Table, empty: str = "") -> None:
    """Print ``table`` with its whole columns kept whole; a table without rows prints ``empty`` instead."""
    if not table.row_count and empty:
        console.print(empty)
        return
    for column in table.columns:
        if column.header in WHOLE:
            column.min_width = max([len(str(column.header)), *(len(str(cell)) for cell in column.cells)])
    console.print(table)


def trajectory(console: Console, view: TrajectoryView, now: datetime) -> None:
    """State, deadlines, allowed events, history, notifications and payments of one trajectory."""
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column(overflow="fold")
    facts.add_row("trajectory", f"{view.region} / {view.trajectory_id}")
    facts.add_row("state", f"{view.state}{'  (closed)' if view.closed else ''}")
    facts.add_row("coach", view.coach_id)
    facts.add_row("match attempts", str(view.match_attempts))
    facts.add_row("allowed events", ", ".join(view.allowed_events) or "none")
    console.print(facts)

    deadlines = _table("Deadlines", "deadline", "due (UTC)", "")
    for name, due in sorted(view.deadlines.items(), key=lambda item: item[1]):
        deadlines.add_row(name, when(due), relative(due, now))
    _show(console, deadlines, empty="Deadlines: none open")

    history = _table("History", "at (UTC)", "event", "from", "to", "actor")
    for record in view.history:
        history.add_row(when(record.at), record.event, record.from_state, record.to_state, record.actor)
    _show(console, history, empty="History: no events yet")

    notifications = _table("Notifications", "at (UTC)", "kind", "recipient", "due (UTC)")
    for note in view.notifications:
        recipient = f"{note.recipient} (stand-in for {note.stand_in_for})" if note.stand_in_for else note.recipient
        notifications.add_row(when(note.at), note.kind, recipient, when(note.due))
    _show(console, notifications, empty="Notifications: none sent")

    if view.payments:
        payments = _table("Payments", "at (UTC)", "kind", "payee", "amount", "period from")
        for payment in view.payments:
            payments.add_row(
                when(payment.at), payment.kind, payment.payee, f"€{payment.amount:,.2f}", str(payment.period_start)
            )
        _show(console, payments)


def listing(console: Console, rows: list[TrajectorySummary]) -> None:
    with_status = any(row.status != "running" for row in rows)  # a column only when it tells something
    columns = ["region", "trajectory", "state", "coach", "next deadline", "what"] + (["status"] if with_status else [])
    table = _table(f"{len(rows)} trajectories", *columns)
    for row in rows:
        cells = [row.region, row.trajectory_id, row.state or "", row.coach_id or "", when(row.next_deadline),
                 row.next_deadline_kind or ""]  # fmt: skip
        table.add_row(*cells, *([row.status] if with_status else []))
    _show(console, table)


def overdue_report(console: Console, rows: list[TrajectorySummary], as_of: datetime) -> None:
    """Grouped by region, then coach, oldest deadline first: who has to act on what."""
    console.print(f"[bold]{len(rows)} overdue trajectories[/bold] (next deadline before {when(as_of)} UTC)")
    for region, coaches in group_overdue(rows).items():
        console.rule(f"[bold]{region}[/bold]", align="left")
        for coach, items in coaches.items():
            table = _table(f"{coach} ({len(items)})", "trajectory", "state", "deadline (UTC)", "", "what")
            for item in items:
                assert item.next_deadline is not None
                table.add_row(
                    item.trajectory_id, item.state or "", when(item.next_deadline), relative(item.next_deadline, as_of),
                    item.next_deadline_kind or "",
                )  # fmt: skip
            _show(console, table)


def audit_trail(console: Console, title: str, rows: list[AuditEntry], *, with_trajectory: bool = False) -> None:
    """Audit rows, oldest first: when, what, who, result, origin, detail.

    A table when it fits the terminal; otherwise one block per row whose lines wrap, so that at 80 columns no
    id, actor or detail is cut off or a column dropped (a table that narrow shortened them all).
    """
    columns = [
        "at (UTC)",
        *(["trajectory"] if with_trajectory else []),
        "kind",
        "what",
        "who",
        "result",
        "origin",
        "detail",
    ]
    table = _table(title, *columns)
    for row in rows:
        cells = [
            when(row.at),
            *([row.workflow_id] if with_trajectory else []),
            row.kind,
            row.name,
            row.actor,
            row.result,
            row.origin,
            row.detail,
        ]
        table.add_row(*cells)
    natural = console.measure(table, options=console.options.update(width=10_000)).maximum
    if not rows or natural <= console.width:
        _show(console, table, empty=f"{title}: no entries")
        return
    console.print(Text(title, style="bold"))
    for row in rows:
        console.print(Text.assemble(when(row.at), " UTC  ", row.kind, " ", (row.name, "bold"), "  ", row.result))
        lines = [*([row.workflow_id] if with_trajectory else []), f"by {row.actor} · from {row.origin}", row.detail]
        for line in filter(None, lines):
            console.print(Padding(Text(line, overflow="fold"), (0, 0, 0, 2)))


def payment_ledger(console: Console, ledger: Any, *, with_orders: bool = False) -> None:
    """Totals per payee and per quarter of the due date, in euros; with ``with_orders`` every order first."""
    if with_orders:
        table = _table("Payment orders", "due", "payee", "kind", "period", "€")
        for order in ledger.payments:
            period = f"{order.period_start:%Y-%m-%d}…{order.period_end:%m-%d}" if order.period_end else "—"
            table.add_row(
                order.due.isoformat() if order.due else "—",
                order.payee,
                order.kind,
                period,
                euros(order.amount_cents or 0),
            )
        for last in table.columns[-1:]:
            last.justify = "right"
        _show(console, table, empty="Payment orders: none")
    for title, column, totals in (
        ("Totals per payee", "payee", ledger.totals.by_payee),
        ("Totals per quarter (due)", "quarter", ledger.totals.by_quarter),
    ):
        table = _table(title, column, "€")
        table.columns[1].justify = "right"
        for key, cents in totals.items():
            table.add_row(key, euros(cents))
        if totals:
            table.add_row("total", euros(ledger.totals.total_cents), style="bold")
        _show(console, table, empty=f"{title}: no payments")


def handover(console: Console, progress: HandoverProgress) -> None:
    """A caseload hand-over: who to whom, how far, and each trajectory left as it was with the reason."""
    scope = ", ".join(f"{k} {v}" for k, v in (("region", progress.region), ("state", progress.state)) if v)
    console.print(
        f"hand-over [bold]{progress.handover_id}[/bold]: {progress.from_coach} → {progress.to_coach}"
        + (f" ({scope})" if scope else "")
    )
    if progress.status == "listing":
        console.print("status: listing the open trajectories")
        return
    console.print(
        f"status: {progress.status} · {progress.done} of {progress.total} done · {progress.reassigned} reassigned"
        f" · {len(progress.not_reassigned)} left as they were"
    )
    table = _table("Left as they were", "trajectory", "result", "why")
    for outcome in progress.not_reassigned:
        table.add_row(outcome.workflow_id, outcome.result, outcome.detail)
    _show(console, table)


def absences(console: Console, coach_id: str, rows: list[Absence]) -> None:
    """A coach's absences: the days (Europe/Amsterdam, last day included) and who stands in."""
    table = _table(f"Absences of {coach_id}", "absence", "from", "to", "stand-in", "status")
    for row in rows:
        status = f"cancelled {when(row.cancelled_at)}" if row.cancelled_at else "registered"
        table.add_row(row.id, str(row.first_day), str(row.last_day), row.stand_in, status)
    _show(console, table, empty=f"{coach_id}: no absences")


def commitments(out: Console, shown: Any) -> None:
    """A provider's current commitment per year, then every change (Meewerken-plus)."""
    if not shown.history:
        out.print(f"no commitments recorded for {shown.provider_id}")
        return
    current = Table(title=f"Commitments of {shown.provider_id}", title_justify="left")
    for column in ("year", "trajectories", "set by", "set at (UTC)"):
        current.add_column(column)
    for c in shown.current:
        current.add_row(str(c.year), str(c.trajectories), c.set_by, f"{c.set_at:%Y-%m-%d %H:%M}")
    out.print(current)
    history = Table(title="History", title_justify="left")
    for column in ("set at (UTC)", "year", "trajectories", "set by", "reason"):
        history.add_column(column, overflow="fold")
    for c in shown.history:
        history.add_row(f"{c.set_at:%Y-%m-%d %H:%M}", str(c.year), str(c.trajectories), c.set_by, c.reason or "")
    out.print(history)
