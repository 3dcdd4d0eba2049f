"""The agenda (open deadlines of every trajectory) and the coaches' calendar-feed tokens (issue 18).

Revision ID: 0005_agenda
Revises: 0004_absences
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_agenda"
down_revision = "0004_absences"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agenda",
        sa.Column("uid", sa.String(300), primary_key=True),
        sa.Column("workflow_id", sa.String(200), nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("trajectory_id", sa.String(100), nullable=False),
        sa.Column("coach_id", sa.String(100), nullable=False),
        sa.Column("recipient", sa.String(100), nullable=True),
        sa.Column("deadline", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(100), nullable=False),
        sa.Column("summary", sa.String(300), nullable=False),
        sa.Column("due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moved", sa.String(200), nullable=True),
    )
    op.create_index("ix_agenda_workflow_id", "agenda", ["workflow_id"])
    op.create_index("ix_agenda_coach_id", "agenda", ["coach_id"])
    op.create_index("ix_agenda_recipient", "agenda", ["recipient"])
    op.create_index("ix_agenda_due", "agenda", ["due"])
    op.create_table(
        "agenda_feed_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("coach_id", sa.String(100), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_agenda_feed_tokens_coach_id", "agenda_feed_tokens", ["coach_id"])


def downgrade() -> None:
    op.drop_index("ix_agenda_feed_tokens_coach_id", table_name="agenda_feed_tokens")
    op.drop_table("agenda_feed_tokens")
    for column in ("due", "recipient", "coach_id", "workflow_id"):
        op.drop_index(f"ix_agenda_{column}", table_name="agenda")
    op.drop_table("agenda")
