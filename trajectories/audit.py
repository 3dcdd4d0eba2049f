"""Reading the audit trail (written by the worker's activities) for the CLI, the API and auditors."""

from __future__ import annotations

from activities.audit import AuditLog
from domain.messages import AuditEntry
from records import audit as audit_rows
from records import open_records
from service import config


def read_trail(workflow_id: str, url: str | None = None) -> list[AuditEntry]:
    """A trajectory's audit rows, oldest first, from ``url`` (default: the records database, ``config.records_url``)."""
    return AuditLog(url or config.records_url()).trail(workflow_id)


def undeliverable(url: str | None = None) -> list[AuditEntry]:
    """Every notification recorded undeliverable: what operations must follow up."""
    return AuditLog(url or config.records_url()).by_result("undeliverable")


def verify_trail(workflow_id: str | None = None, url: str | None = None) -> audit_rows.ChainReport:
    """Every trajectory's hash chain (or ``workflow_id``'s), link by link: the first broken link of each."""
    with open_records(url or config.records_url()).read() as connection:
        return audit_rows.verify(connection, workflow_id)
