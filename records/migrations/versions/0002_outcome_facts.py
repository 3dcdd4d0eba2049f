"""Outcome facts and placement targets (the figures, issue 20).

Revision ID: 0002_outcome_facts
Revises: 0001_audit_trail
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_outcome_facts"
down_revision = "0001_audit_trail"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outcome_facts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(300), nullable=False, unique=True),
        sa.Column("workflow_id", sa.String(200), nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("trajectory_id", sa.String(100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
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
    op.create_index("ix_outcome_facts_workflow_id", "outcome_facts", ["workflow_id"])
    op.create_index("ix_outcome_facts_region", "outcome_facts", ["region"])
    op.create_index("ix_outcome_facts_at", "outcome_facts", ["at"])
    op.create_table(
        "figure_targets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("target", sa.Integer, nullable=False),
        sa.Column("set_by", sa.String(100), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("figure_targets")
    op.drop_index("ix_outcome_facts_at", table_name="outcome_facts")
    op.drop_index("ix_outcome_facts_region", table_name="outcome_facts")
    op.drop_index("ix_outcome_facts_workflow_id", table_name="outcome_facts")
    op.drop_table("outcome_facts")
