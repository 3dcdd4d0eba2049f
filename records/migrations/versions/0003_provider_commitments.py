"""Provider commitments (Meewerken-plus): the trajectories a provider signs up for per year, with their history.

Revision ID: 0003_provider_commitments
Revises: 0002_outcome_facts
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_provider_commitments"
down_revision = "0002_outcome_facts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "provider_commitments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("provider_id", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("trajectories", sa.Integer, nullable=False),
        sa.Column("set_by", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_provider_commitments_provider_year",
        "provider_commitments",
        ["provider_id", "year"],
    )


def downgrade() -> None:
    op.drop_index("ix_provider_commitments_provider_year", table_name="provider_commitments")
    op.drop_table("provider_commitments")
