"""The agenda's rows and the coaches' calendar-feed tokens: written by the projection, read by API, CLI and digest.

A projected snapshot replaces its trajectory's rows (delete, then insert, in the projection's transaction): the
rows are always the deadlines the workflow holds, a retried write changes nothing, and a closed trajectory
leaves none. Feed tokens are stored as SHA-256 hashes; the token itself is shown once, when it is issued.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from domain.agenda import AgendaItem, AgendaSnapshot
from records.schema import agenda, agenda_feed_tokens


def replace_snapshot(connection: Connection, snapshot: AgendaSnapshot) -> int:
    """Make ``snapshot`` the trajectory's rows; how many rows it has now."""
    connection.execute(_DELETE_SNAPSHOT, {"workflow_id": snapshot.workflow_id})
    rows = [
        {
            **entry.model_dump(),
            "workflow_id": snapshot.workflow_id,
            "region": snapshot.region,
            "trajectory_id": snapshot.trajectory_id,
            "coach_id": snapshot.coach_id,
        }
        for entry in snapshot.entries
    ]
    if rows:
        connection.execute(sa.insert(agenda), rows)
    return len(rows)


_DELETE_SNAPSHOT = sa.delete(agenda).where(agenda.c.workflow_id == sa.bindparam("workflow_id"))
"""Built once: a projection replaces a snapshot on nearly every workflow task."""


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value  # SQLite keeps naive UTC


def read_agenda(connection: Connection, person: str, start: datetime, end: datetime) -> list[AgendaItem]:
    """The deadlines due in ``[start, end)`` of the trajectories ``person`` coaches and of those where ``person``
    is the one told (a team lead's escalations), earliest first."""
    query = (
        sa.select(agenda)
        .where(sa.or_(agenda.c.coach_id == person, agenda.c.recipient == person))
        .where(agenda.c.due >= start, agenda.c.due < end)
        .order_by(agenda.c.due, agenda.c.trajectory_id, agenda.c.deadline)
    )
    items = []
    for row in connection.execute(query).mappings():
        values = {name: row[name] for name in AgendaItem.model_fields}
        values["due"] = _utc(values["due"])
        items.append(AgendaItem.model_validate(values))
    return items


def people_with_deadlines(connection: Connection, start: datetime, end: datetime) -> list[str]:
    """Every coach (and every other recipient) with a deadline due in ``[start, end)``: whom the digest tells."""
    window = sa.and_(agenda.c.due >= start, agenda.c.due < end)
    coaches = sa.select(agenda.c.coach_id.label("person")).where(window)
    recipients = sa.select(agenda.c.recipient.label("person")).where(window, agenda.c.recipient.is_not(None))
    union = sa.union(coaches, recipients).subquery()
    return sorted(connection.execute(sa.select(union.c.person)).scalars())


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_feed_token(connection: Connection, coach_id: str) -> str:
    """A new feed token for ``coach_id`` (only its hash is stored): read-only, for the agenda's .ics URL."""
    token = secrets.token_urlsafe(32)
    connection.execute(
        sa.insert(agenda_feed_tokens).values(token_hash=_hash(token), coach_id=coach_id, issued_at=datetime.now(UTC))
    )
    return token


def revoke_feed_tokens(connection: Connection, coach_id: str) -> int:
    """Revoke every live feed token of ``coach_id``; how many were live."""
    result = connection.execute(
        sa.update(agenda_feed_tokens)
        .where(agenda_feed_tokens.c.coach_id == coach_id, agenda_feed_tokens.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
        .returning(agenda_feed_tokens.c.token_hash)
    )
    return len(result.fetchall())


def feed_token_valid(connection: Connection, coach_id: str, token: str) -> bool:
    """Whether ``token`` is a live feed token of ``coach_id`` (looked up by hash; a constant-time compare of the
    hash against the stored one follows the lookup)."""
    digest = _hash(token)
    stored = connection.execute(
        sa.select(agenda_feed_tokens.c.token_hash).where(
            agenda_feed_tokens.c.token_hash == digest,
            agenda_feed_tokens.c.coach_id == coach_id,
            agenda_feed_tokens.c.revoked_at.is_(None),
        )
    ).scalar()
    return stored is not None and secrets.compare_digest(stored, digest)
