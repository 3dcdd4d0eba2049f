"""The roster of absences and stand-ins.

Revision ID: 0004_absences
Revises: 0003_provider_commitments
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_absences"
down_revision = "0003_provider_commitments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "absences",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("coach_id", sa.String(64), nullable=False),
        sa.Column("first_day", sa.Date, nullable=False),
        sa.Column("last_day", sa.Date, nullable=False),
        sa.Column("stand_in", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_absences_coach_id", "absences", ["coach_id"])


def downgrade() -> None:
    op.drop_index("ix_absences_coach_id", table_name="absences")
    op.drop_table("absences")
