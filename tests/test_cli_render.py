"""The command's tables at the widths people use: a table when it fits, whole values when it does not."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.console import Console

from domain.messages import AuditEntry
from trajectories.cli import render

WORKFLOW_ID = "trajectory-rijk-van-nijmegen-sample-nijmegen-school-leaver"
ROWS = [
    AuditEntry(key="k1", workflow_id=WORKFLOW_ID, kind="event", name="school_meeting_joined",
               actor="nijmegen-consultant-linking-3", result="accepted", origin="api:token #1",
               at=datetime(2026, 12, 1, 10, 0, tzinfo=UTC)),
    AuditEntry(key="k2", workflow_id=WORKFLOW_ID, kind="notification", name="school_meeting_join_overdue",
               actor="nijmegen-consultant-linking-3", result="undeliverable", origin="worker",
               at=datetime(2026, 12, 1, 10, 5, tzinfo=UTC),
               detail="smtp relay refused after 5 attempts: 550 mailbox unavailable for this recipient"),
]  # fmt: skip


def shown(width: int, **options: bool) -> str:
    console = Console(width=width, record=True, force_terminal=False, color_system=None)
    render.audit_trail(console, "Undeliverable notifications", ROWS, **options)
    return console.export_text()


def test_audit_at_80_columns_wraps_and_keeps_every_value_whole():
    for options in ({}, {"with_trajectory": True}):
        text = shown(80, **options)
        assert max(len(line.rstrip()) for line in text.splitlines()) <= 80
        assert "…" not in text
        words = " ".join(text.split())  # a long detail wraps at spaces
        for row in ROWS:
            for value in (row.name, row.actor, row.result, row.origin, row.detail, "2026-12-01 10:05"):
                assert value in words, value
        assert (WORKFLOW_ID in text) == bool(options)


def test_audit_on_a_wide_terminal_is_one_table_row_per_entry():
    text = shown(300, with_trajectory=True)
    [line] = [line for line in text.splitlines() if "school_meeting_join_overdue" in line]
    for value in (WORKFLOW_ID, "undeliverable", "worker", ROWS[1].detail):
        assert value in line
