"""Every table of the records database, on one ``metadata`` (Alembic's ``target_metadata``).

A table added here gets an Alembic revision in ``records/migrations/versions/`` (``python -m records revision
--autogenerate -m "..."`` drafts one); the revisions, not ``metadata.create_all``, make the schema.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

audit_trail = sa.Table(
    "audit_trail",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(300), nullable=False, unique=True),
    sa.Column("workflow_id", sa.String(200), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("result", sa.String(100), nullable=False),
    sa.Column("origin", sa.String(200), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("detail", sa.Text, nullable=False, default=""),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("client", sa.String(100), nullable=False, server_default=""),
    # the hash chain per trajectory (records/chain.py): position, the previous row's hash, this row's hash
    sa.Column("chain_seq", sa.Integer, nullable=True),
    sa.Column("previous_hash", sa.String(64), nullable=True),
    sa.Column("row_hash", sa.String(64), nullable=True),
    sa.UniqueConstraint("workflow_id", "chain_seq", name="uq_audit_trail_chain"),
)
"""Who did what on which trajectory, with what result, from where, when (``domain.messages.AuditEntry``).
``key`` is the entry's stable id: a retried write leaves one row. Each trajectory's rows form a hash chain; a
position is taken once (the unique constraint), so concurrent writers can never fork it."""

payment_ledger = sa.Table(
    "payment_ledger",
    metadata,
    sa.Column("payment_id", sa.String(300), primary_key=True),
    sa.Column("workflow_id", sa.String(200), nullable=False, index=True),
    sa.Column("region", sa.String(50), nullable=False, index=True),
    sa.Column("trajectory_id", sa.String(100), nullable=False),
    sa.Column("kind", sa.String(50), nullable=False),
    sa.Column("payee", sa.String(200), nullable=False, index=True),
    sa.Column("amount_cents", sa.BigInteger, nullable=False),
    sa.Column("period_start", sa.Date, nullable=False),
    sa.Column("period_end", sa.Date, nullable=False),
    sa.Column("due", sa.Date, nullable=False, index=True),
    sa.Column("rule", sa.String(200), nullable=False),
    sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
)
"""Every payment order (``domain.payments.PaymentOrder``), kept beyond Temporal's retention: the finance officer's
ledger. ``payment_id`` is the order's stable id: a retried write leaves one row; a row is never updated."""

absences = sa.Table(
    "absences",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("coach_id", sa.String(64), nullable=False, index=True),
    sa.Column("first_day", sa.Date, nullable=False),
    sa.Column("last_day", sa.Date, nullable=False),
    sa.Column("stand_in", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
)
"""The roster of absences (``domain.absences.Absence``): whole days in Europe/Amsterdam, ``last_day`` included;
a cancelled absence keeps its row with ``cancelled_at``. Read by the notification activity when it sends."""

outcome_facts = sa.Table(
    "outcome_facts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(300), nullable=False, unique=True),
    sa.Column("workflow_id", sa.String(200), nullable=False, index=True),
    sa.Column("region", sa.String(50), nullable=False, index=True),
    sa.Column("trajectory_id", sa.String(100), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("event", sa.String(100), nullable=False),
    sa.Column("from_state", sa.String(100), nullable=True),
    sa.Column("to_state", sa.String(100), nullable=False),
    sa.Column("closed", sa.Boolean, nullable=False),
    sa.Column("source", sa.String(100), nullable=True),
    sa.Column("provider_id", sa.String(100), nullable=True),
    sa.Column("employer_id", sa.String(100), nullable=True),
    sa.Column("employer_type", sa.String(50), nullable=True),
    sa.Column("work_kind", sa.String(50), nullable=True),
    sa.Column("value", sa.Integer, nullable=True),
    sa.Column("attempt", sa.Integer, nullable=False),
)
"""The milestones of every trajectory (``domain.facts.OutcomeFact``), for the outcome figures; ``key`` is stable."""

figure_targets = sa.Table(
    "figure_targets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("region", sa.String(50), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("target", sa.Integer, nullable=False),
    sa.Column("set_by", sa.String(100), nullable=False),
    sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
)
"""Placement targets per region and year, as operators set them; every change is a row, the newest counts."""

agenda = sa.Table(
    "agenda",
    metadata,
    sa.Column("uid", sa.String(300), primary_key=True),
    sa.Column("workflow_id", sa.String(200), nullable=False, index=True),
    sa.Column("region", sa.String(50), nullable=False),
    sa.Column("trajectory_id", sa.String(100), nullable=False),
    sa.Column("coach_id", sa.String(100), nullable=False, index=True),
    sa.Column("recipient", sa.String(100), nullable=True, index=True),
    sa.Column("deadline", sa.String(100), nullable=False),
    sa.Column("kind", sa.String(100), nullable=False),
    sa.Column("summary", sa.String(300), nullable=False),
    sa.Column("due", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("moved", sa.String(200), nullable=True),
)
"""Every open deadline of every trajectory (``domain.agenda``): a trajectory's rows are replaced by each projected
snapshot. ``uid`` (workflow id + deadline name) is the stable iCalendar UID."""

agenda_feed_tokens = sa.Table(
    "agenda_feed_tokens",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("coach_id", sa.String(100), nullable=False, index=True),
    sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)
"""Per-coach, read-only, revocable tokens for the agenda's iCalendar feed URL, kept as SHA-256 hashes only."""
provider_commitments = sa.Table(
    "provider_commitments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("provider_id", sa.String(64), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("trajectories", sa.Integer, nullable=False),
    sa.Column("set_by", sa.String(200), nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_provider_commitments_provider_year", "provider_id", "year"),
)
"""Meewerken-plus: the trajectories a provider signs up for per year (``trajectories.commitments``). Append-only:
each change is a row, the latest per provider and year is current, the rest is its history."""
