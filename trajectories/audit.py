"""Reading the audit trail (written by the worker's activities) for the CLI, the API and auditors."""

from __future__ import annotations

from activities.audit import AuditLog
from domain.messages import AuditEntry
from trajectories import config


def read_trail(workflow_id: str, url: str | None = None) -> list[AuditEntry]:
    """A trajectory's audit rows, oldest first, from ``url`` (default ``TRAJECTORIES_AUDIT_URL``)."""
    log = AuditLog(url or config.audit_url())
    try:
        return log.trail(workflow_id)
    finally:
        log.dispose()


def undeliverable(url: str | None = None) -> list[AuditEntry]:
    """Every notification recorded undeliverable: what operations must follow up."""
    log = AuditLog(url or config.audit_url())
    try:
        return log.by_result("undeliverable")
    finally:
        log.dispose()
