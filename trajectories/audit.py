"""Reading the audit trail (written by the worker's activities) for the CLI, the API and auditors."""

from __future__ import annotations

from activities.audit import AuditLog
from domain.messages import AuditEntry
from trajectories import config


def read_trail(workflow_id: str, url: str | None = None) -> list[AuditEntry]:
    """A trajectory's audit rows, oldest first, from ``url`` (default: the records database, ``config.records_url``)."""
    return AuditLog(url or config.records_url()).trail(workflow_id)


def undeliverable(url: str | None = None) -> list[AuditEntry]:
    """Every notification recorded undeliverable: what operations must follow up."""
    return AuditLog(url or config.records_url()).by_result("undeliverable")
