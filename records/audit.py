"""The audit trail's rows: written insert-or-ignore on the entry's key and hash-chained per trajectory
(``records/chain.py``); read per trajectory or by result; verified link by link."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from domain.messages import AuditEntry
from records.chain import row_hash
from records.database import insert_or_ignore
from records.schema import audit_trail

CHAIN_LOCK_SPACE = 0x61756469  # "audi": PostgreSQL advisory locks (space, hashtext(workflow id)) per trajectory


def write_entries(connection: Connection, entries: Iterable[AuditEntry]) -> list[bool]:
    """Insert each entry unless its key is there, as the next link of its trajectory's chain; per entry,
    whether this call wrote it. Call inside ``Records.write()``: the chain's head is read and extended under the
    trajectory's lock (PostgreSQL: an advisory lock per trajectory; SQLite: the write lock BEGIN IMMEDIATE took),
    so two writers of one trajectory queue instead of forking its chain.

    Three statements however many entries (a projection write carries a task's): the keys already stored, each
    trajectory's head, one multi-row insert."""
    entries = list(entries)
    if not entries:
        return []
    recorded_at = datetime.now(UTC)
    heads: dict[str, tuple[int, str | None]] = {}
    for workflow_id in dict.fromkeys(entry.workflow_id for entry in entries):
        _lock(connection, workflow_id)
        heads[workflow_id] = _head(connection, workflow_id)
    stored = set(connection.execute(_STORED_KEYS, {"keys": [entry.key for entry in entries]}).scalars())
    rows: list[dict[str, Any]] = []
    written: list[bool] = []
    for entry in entries:
        if entry.key in stored:
            written.append(False)
            continue
        stored.add(entry.key)
        seq, previous = heads[entry.workflow_id]
        fields = audit_fields(entry)
        digest = row_hash(fields, seq + 1, previous)
        rows.append(
            {**fields, "recorded_at": recorded_at, "chain_seq": seq + 1, "previous_hash": previous, "row_hash": digest}
        )
        heads[entry.workflow_id] = (seq + 1, digest)
        written.append(True)
    if not all(insert_or_ignore(connection, audit_trail, rows, "key")):  # under the lock: cannot happen
        raise RuntimeError("an audit row's key appeared while its trajectory was locked: the chain is not extended")
    return written


_STORED_KEYS = sa.select(audit_trail.c.key).where(audit_trail.c.key.in_(sa.bindparam("keys", expanding=True)))


def audit_fields(entry: AuditEntry) -> dict[str, Any]:
    """The entry's fields as stored and hashed (its time in UTC: SQLite keeps no offset)."""
    fields = entry.model_dump()
    fields["at"] = entry.at.astimezone(UTC)
    return fields


def _lock(connection: Connection, workflow_id: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(
            sa.text("SELECT pg_advisory_xact_lock(:space, hashtext(:workflow_id))"),
            {"space": CHAIN_LOCK_SPACE, "workflow_id": workflow_id},
        )


def _head(connection: Connection, workflow_id: str) -> tuple[int, str | None]:
    last = connection.execute(_HEAD, {"workflow_id": workflow_id}).first()
    return (last.chain_seq, last.row_hash) if last else (0, None)


_HEAD = (
    sa.select(audit_trail.c.chain_seq, audit_trail.c.row_hash)
    .where(audit_trail.c.workflow_id == sa.bindparam("workflow_id"), audit_trail.c.chain_seq.is_not(None))
    .order_by(audit_trail.c.chain_seq.desc())
    .limit(1)
)


def trail(connection: Connection, workflow_id: str) -> list[AuditEntry]:
    """A trajectory's rows, oldest first (every run of it: the workflow id spans continue-as-new)."""
    query = (
        sa.select(audit_trail)
        .where(audit_trail.c.workflow_id == workflow_id)
        .order_by(audit_trail.c.at, audit_trail.c.id)
    )
    return [_entry(row) for row in connection.execute(query).mappings()]


def by_result(connection: Connection, result: str) -> list[AuditEntry]:
    query = sa.select(audit_trail).where(audit_trail.c.result == result).order_by(audit_trail.c.at, audit_trail.c.id)
    return [_entry(row) for row in connection.execute(query).mappings()]


def _entry(row: sa.RowMapping) -> AuditEntry:
    values = {name: row[name] for name in AuditEntry.model_fields}
    if values["at"].tzinfo is None:  # SQLite returns naive datetimes: they were written in UTC
        values["at"] = values["at"].replace(tzinfo=UTC)
    return AuditEntry.model_validate(values)


@dataclass(frozen=True)
class ChainBreak:
    """The first broken link of a trajectory's chain: at which position, which row, what is wrong."""

    workflow_id: str
    position: int
    key: str
    problem: str


@dataclass
class ChainReport:
    trajectories: int
    rows: int
    breaks: list[ChainBreak]
    heads: dict[str, str]
    """Each trajectory's newest hash: keep them where the database's users cannot write, to show truncation."""

    @property
    def intact(self) -> bool:
        return not self.breaks


def verify(connection: Connection, workflow_id: str | None = None) -> ChainReport:
    """Walk every trajectory's chain (or ``workflow_id``'s) and name the first broken link of each."""
    query = sa.select(audit_trail).order_by(audit_trail.c.workflow_id, audit_trail.c.chain_seq, audit_trail.c.id)
    if workflow_id is not None:
        query = query.where(audit_trail.c.workflow_id == workflow_id)
    report = ChainReport(trajectories=0, rows=0, breaks=[], heads={})
    current: str = ""
    expected, previous, broken = 1, None, False
    for row in connection.execute(query).mappings():
        report.rows += 1
        if row["workflow_id"] != current:
            current, expected, previous, broken = row["workflow_id"], 1, None, False
            report.trajectories += 1
        if broken:
            continue
        problem = _problem(row, expected, previous)
        if problem:
            report.breaks.append(ChainBreak(current, row["chain_seq"] or expected, row["key"], problem))
            report.heads.pop(current, None)
            broken = True
            continue
        expected, previous = expected + 1, row["row_hash"]
        report.heads[current] = previous
    return report


def _problem(row: sa.RowMapping, expected: int, previous: str | None) -> str | None:
    seq = row["chain_seq"]
    if seq is None:
        return "row outside the chain (no position): inserted around the application"
    if seq > expected:
        missing = f"position {expected}" if seq == expected + 1 else f"positions {expected}-{seq - 1}"
        return f"{missing} missing before this row: deleted"
    if seq < expected:
        return f"position {seq} taken twice"
    if row["previous_hash"] != previous:
        return "does not link to the row before it: that row was replaced"
    fields = {name: row[name] for name in AuditEntry.model_fields}
    if row_hash(fields, seq, previous) != row["row_hash"]:
        return "its fields no longer match its hash: altered after it was written"
    return None
